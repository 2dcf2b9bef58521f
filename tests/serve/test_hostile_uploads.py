"""The hardening campaign's HTTP inputs against the photo endpoints and clip bodies: each is a clear
4xx (never a 5xx, never a dead server), refused before the photo is decoded where it can be, and
uploads never touch the disk."""

from __future__ import annotations

import io
import struct
import tempfile
import zlib

import numpy as np
import pytest
from PIL import Image

from productgan.serve.limits import ServeLimits

MORPH = {"model": "shop", "seed_a": 1, "seed_b": 2, "frames": 2}


def png_bytes(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(array).save(buffer, format="PNG")
    return buffer.getvalue()


def photo(height: int = 48, width: int = 64) -> bytes:
    image = np.full((height, width, 3), 240, np.uint8)
    image[10:38, 16:48] = (200, 30, 40)
    return png_bytes(image)


def claimed_png(width: int, height: int) -> bytes:
    """A PNG whose header claims width x height pixels, with almost no data: a decompression bomb."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")


def upload(data: bytes, name: str = "file") -> dict:
    return {name: (f"{name}.png", data, "image/png")}


def assert_clear_4xx(response, status: int | None = None, fragment: str = "") -> None:
    assert 400 <= response.status_code < 500, (response.status_code, response.text)
    if status is not None:
        assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    assert fragment in response.json()["error"], response.json()
    assert "Traceback" not in response.text


def assert_alive(client) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.post("/api/photo/edit", files=upload(photo()), data={"operation": "flip"}).status_code == 200


@pytest.mark.parametrize("width, height", [(30_000, 30_000), (200_000, 1_000), (2**31 - 1, 2**31 - 1)])
def test_a_decompression_bomb_is_413_not_500(client, width, height):
    for path, fields in (("/api/photo/enhance", {}), ("/api/photo/edit", {"operation": "flip"})):
        assert_clear_4xx(client.post(path, files=upload(claimed_png(width, height)), data=fields), 413, "pixels")
    assert_alive(client)


def test_a_bomb_as_the_repair_mask_is_413_too(client):
    files = {**upload(photo()), **upload(claimed_png(30_000, 30_000), "mask")}
    assert_clear_4xx(client.post("/api/photo/enhance", files=files), 413, "pixels")


def test_a_tiny_4096_square_png_over_the_work_budget_is_refused_before_decoding(client, monkeypatch):
    big = io.BytesIO()
    Image.new("L", (4096, 4096)).save(big, format="PNG")  # ~16 KB on the wire, 16.8 MP to process
    assert len(big.getvalue()) < 100_000
    decoded = []
    monkeypatch.setattr("productgan.serve.photo_routes.decode_upload", lambda image: decoded.append(image) or image)
    response = client.post("/api/photo/enhance", files=upload(big.getvalue()))
    assert_clear_4xx(response, 413, "over this server's limit of 100 (server option --max-photo-work)")
    assert "16.8 MP" in response.json()["error"] and decoded == []
    monkeypatch.undo()
    assert_alive(client)


def test_the_budget_counts_steps_so_a_lighter_chain_on_the_same_photo_passes(make_client):
    client = make_client(limits=ServeLimits(max_photo_work=0.05))  # 64 x 48 = 0.003 MP
    assert_clear_4xx(client.post("/api/photo/enhance", files=upload(photo()), data={"chain": "denoise,denoise"}),
                     413, "megapixel-units")
    assert client.post("/api/photo/enhance", files=upload(photo()), data={"chain": "equalize"}).status_code == 200


def test_whiten_is_bounded_by_the_square_canvas_it_makes(make_client):
    """whiten pads to a square: a 16 MP strip 16384 px long would have become a 268 MP image."""
    client = make_client(limits=ServeLimits(max_enhanced_pixels=100_000))
    strip = png_bytes(np.full((10, 400, 3), 230, np.uint8))
    response = client.post("/api/photo/edit", files=upload(strip), data={"operation": "whiten"})
    assert_clear_4xx(response, 413, "whiten would make a 400 x 400 image, over the limit of 100000 pixels")
    assert client.post("/api/photo/edit", files=upload(strip), data={"operation": "flip"}).status_code == 200


@pytest.mark.parametrize("chain", ["clahe:tiles=0", "clahe:tiles=0.5", "clahe:tiles=2000", "clahe:tiles=-3",
                                   "contrast_stretch:low=200", "white_balance:percentile=nan", "unsharp:radius=0",
                                   "unsharp:radius=inf", "denoise:strength=1e308", "clahe:clip=-1", "x" * 3000,
                                   ",".join(["equalize"] * 500)])
def test_out_of_range_chain_parameters_are_4xx_and_the_server_lives(client, chain):
    assert_clear_4xx(client.post("/api/photo/enhance", files=upload(photo()), data={"chain": chain}))
    assert_alive(client)


@pytest.mark.parametrize("path, body", [("/api/morph", MORPH), ("/api/turntable", {"model": "shop", "attribute": "color", "frames": 2})])
@pytest.mark.parametrize("fps", [1e-300, 0.1, 0.49, 51, 1e300])
def test_fps_outside_half_to_fifty_is_422_for_gif_clips(client, path, body, fps):
    assert_clear_4xx(client.post(path, json={**body, "fps": fps}), 422, "fps must be between 0.5 and 50")


def test_the_slowest_allowed_fps_still_makes_a_gif(client):
    response = client.post("/api/morph", json={**MORPH, "fps": 0.5})
    assert response.status_code == 200 and response.content.startswith(b"GIF8")


@pytest.mark.parametrize("data, files, status, fragment", [
    ({"operation": "flip", "color": "red", "bogus": "1"}, None, 422, "bogus: Extra inputs are not permitted"),
    ({"operation": "scale", "factor": "abc"}, None, 422, "factor: Input should be a valid number"),
    ({"operation": "scale", "factor": "nan"}, None, 422, "factor"),
    ({"operation": "rotate", "degrees": "1e999"}, None, 422, "degrees"),
    ({"operation": "x" * 100}, None, 422, "operation: String should have at most 32 characters"),
    ({"operation": "flip"}, {}, 415, "send the photo as multipart/form-data"),  # no file: a plain form
    ({"operation": "flip"}, {"file": ("a.png", b"", "image/png")}, 415, "the upload is empty"),
    ({f"field{i}": "1" for i in range(40)}, None, 422, "at most 16 fields"),
])
def test_bad_edit_forms_are_clear_4xx(client, data, files, status, fragment):
    response = client.post("/api/photo/edit", files=upload(photo()) if files is None else files, data=data)
    assert_clear_4xx(response, status, fragment)


@pytest.mark.parametrize("body, content_type, status, fragment", [
    (b'{"operation": "flip"}', "application/json", 415, "multipart/form-data"),
    (b"operation=flip", "application/x-www-form-urlencoded", 415, "multipart/form-data"),
    (b"--abc\r\nnot a part", "multipart/form-data; boundary=abc", 400, "multipart form is malformed"),
    (b"--b\r\nContent-Disposition: form-data; name=\"operation\"\r\n\r\nflip\r\n--b--\r\n",
     "multipart/form-data; boundary=b", 422, "file: Field required"),
    (b"garbage", "multipart/form-data", 400, "multipart form is malformed"),
    (b"--b\r\nContent-Disposition: form-data; name=\"operation\"\r\n\r\nflip\r\n--b\r\n"
     b"Content-Disposition: form-data; name=\"operation\"\r\n\r\nflip\r\n--b--\r\n",
     "multipart/form-data; boundary=b", 400, "sent twice"),
    (b"--b\r\nContent-Disposition: form-data; name=\"operation\"\r\n\r\n\xff\xfe\r\n--b--\r\n",
     "multipart/form-data; boundary=b", 400, "not UTF-8"),
])
def test_malformed_photo_bodies_are_clear_4xx(client, body, content_type, status, fragment):
    response = client.post("/api/photo/edit", content=body, headers={"Content-Type": content_type})
    assert_clear_4xx(response, status, fragment)
    assert_alive(client)


def test_a_photo_over_one_megabyte_never_touches_the_disk(client, monkeypatch):
    """Starlette spooled uploads over 1 MB to a temporary file; the service promises memory only."""
    noise = np.random.default_rng(0).integers(0, 256, (700, 700, 3), dtype=np.uint8)
    data = png_bytes(noise)
    assert len(data) > 1_200_000

    def no_disk(*args, **kwargs):
        raise AssertionError("an upload was written to a temporary file")

    for name in ("TemporaryFile", "NamedTemporaryFile", "mkstemp", "mkdtemp"):
        monkeypatch.setattr(tempfile, name, no_disk)
    response = client.post("/api/photo/edit", files=upload(data), data={"operation": "flip"})
    assert response.status_code == 200, response.text
    assert np.array_equal(np.asarray(Image.open(io.BytesIO(response.content))), noise[:, ::-1])
