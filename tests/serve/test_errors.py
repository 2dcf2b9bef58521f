"""Every bad request is a 4xx with {"error": ...}; keys are enforced; a crash is a JSON 500 and the
service keeps serving; upload checks refuse what they should."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from productgan.serve.errors import PayloadTooLarge, UnsupportedMediaType
from productgan.serve.limits import ServeLimits, check_upload

BAD_GENERATE = [
    ({"model": "nope"}, 404, "available: mirror, shop"),
    ({"model": "../../etc/passwd"}, 404, "unknown model"),
    ({"model": "/etc/passwd"}, 404, "unknown model"),
    ({"model": "shop", "attributes": {"material": "wool"}}, 422, "conditioned on: color, size"),
    ({"model": "shop", "attributes": {"color": "green"}}, 422, "valid levels: blue, red"),
    ({"model": "shop", "n": 0}, 422, "between 1 and 64"),
    ({"model": "shop", "n": 65}, 422, "between 1 and 64"),
    ({"model": "shop", "n": 10**30}, 422, "between 1 and 64"),
    ({"model": "shop", "n": "3"}, 422, "n: Input should be a valid integer"),
    ({"model": "shop", "n": 2.5}, 422, "n: Input should be a valid integer"),
    ({"model": "shop", "n": True}, 422, "n: Input should be a valid integer"),
    ({"model": "shop", "seed": -1}, 422, "seed must be between"),
    ({"model": "shop", "seed": 2**64}, 422, "seed must be between"),
    ({"model": "shop", "truncation": 0}, 422, "truncation must be > 0"),
    ({"model": "shop", "truncation": -0.5}, 422, "truncation must be > 0"),
    ({"model": "shop", "truncation": 1e9}, 422, "truncation must be > 0"),
    ({"model": "shop", "attributes": {"color": 3}}, 422, "attributes.color"),
    ({"model": "shop", "attributes": ["color"]}, 422, "attributes"),
    ({"model": 7}, 422, "model"),
    ({"model": ""}, 422, "model"),
    ({"n": 1}, 422, "model: Field required"),
    ({"model": "shop", "seeds": 3}, 422, "seeds: Extra inputs are not permitted"),
    ([1, 2], 422, "valid dictionary"),
]


def assert_json_error(response, status, fragment):
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    assert fragment in response.json()["error"], response.json()
    assert "Traceback" not in response.text


@pytest.mark.parametrize("body, status, fragment", BAD_GENERATE)
def test_bad_generate_requests_are_4xx_with_a_clear_error(client, body, status, fragment):
    assert_json_error(client.post("/api/generate", json=body), status, fragment)


@pytest.mark.parametrize("content, status, fragment", [
    (b'{"model": "shop", ', 422, "malformed JSON"),
    (b"not json", 422, "malformed JSON"),
    (b"", 422, "Field required"),
    (b'{"model": "shop", "truncation": NaN}', 422, "finite number"),
    (b'{"model": "shop", "truncation": Infinity}', 422, "finite number"),
])
def test_malformed_or_missing_bodies_are_4xx(client, content, status, fragment):
    response = client.post("/api/generate", content=content, headers={"Content-Type": "application/json"})
    assert_json_error(response, status, fragment)


@pytest.mark.parametrize("path, body, fragment", [
    ("/api/variants", {"model": "shop", "attribute": "material"}, "conditioned on: color, size"),
    ("/api/variants", {"model": "shop", "attribute": "color", "attributes": {"size": "huge"}}, "valid levels: large, small"),
    ("/api/variants", {"model": "shop"}, "attribute: Field required"),
    ("/api/morph", {"model": "shop", "seed_a": 1, "seed_b": 2, "frames": 1}, "frames must be between 2 and 64"),
    ("/api/morph", {"model": "shop", "seed_a": 1, "seed_b": 2, "frames": 1000}, "frames must be between 2 and 64"),
    ("/api/morph", {"model": "shop", "seed_a": 1, "seed_b": 2, "fps": 0}, "fps must be between 0.5 and 50"),
    ("/api/morph", {"model": "shop", "seed_a": 1}, "seed_b: Field required"),
    ("/api/morph", {"model": "shop", "seed_a": 1, "seed_b": 2, "attributes_b": {"color": "teal"}}, "valid levels: blue, red"),
    ("/api/morph", {"model": "../shop", "seed_a": 1, "seed_b": 2}, "unknown model"),
])
def test_bad_variants_and_morph_requests_are_4xx(client, path, body, fragment):
    response = client.post(path, json=body)
    assert 400 <= response.status_code < 500
    assert fragment in response.json()["error"]


def test_morph_format_must_be_gif_or_png(client):
    response = client.post("/api/morph?format=mp4", json={"model": "shop", "seed_a": 1, "seed_b": 2})
    assert_json_error(response, 422, "format")


def test_unknown_paths_and_methods_are_json_4xx(client):
    assert_json_error(client.get("/api/nothing"), 404, "Not Found")
    assert_json_error(client.get("/api/generate"), 405, "Method Not Allowed")
    assert_json_error(client.get("/static/../../../../etc/passwd"), 404, "Not Found")


def test_oversized_body_is_413_before_parsing(client):
    body = b'{"model": "shop", "attributes": {"color": "' + b"x" * 70_000 + b'"}}'
    response = client.post("/api/generate", content=body, headers={"Content-Type": "application/json"})
    assert_json_error(response, 413, "exceeds the limit of 65536 bytes")


def test_a_chunked_body_without_length_is_counted_and_refused(client):
    def chunks():
        yield b'{"model": "shop", "attributes": {"color": "'
        for _ in range(20):
            yield b"x" * 4096
        yield b'"}}'

    response = client.post("/api/generate", content=chunks(), headers={"Content-Type": "application/json"})
    assert_json_error(response, 413, "exceeds the limit of 65536 bytes")


def test_api_key_is_required_everywhere_but_health_and_the_page(make_client):
    client = make_client(api_key="s3cret")
    body = {"model": "shop"}
    assert_json_error(client.post("/api/generate", json=body), 401, "X-API-Key")
    assert_json_error(client.post("/api/generate", json=body, headers={"X-API-Key": "wrong"}), 403, "wrong API key")
    assert_json_error(client.get("/api/models"), 401, "X-API-Key")
    assert_json_error(client.get("/metrics"), 401, "X-API-Key")
    assert client.post("/api/generate", json=body, headers={"X-API-Key": "s3cret"}).status_code == 200
    assert client.get("/healthz").status_code == 200 and client.get("/readyz").status_code == 200
    assert client.get("/").status_code == 200


def test_an_unexpected_error_is_a_json_500_without_traceback_and_the_server_lives_on(client, monkeypatch, caplog):
    service = client.app.state.service

    async def broken(*args, **kwargs):
        raise RuntimeError("secret internals /srv/path")

    monkeypatch.setattr(service, "generate", broken)
    response = client.post("/api/generate", json={"model": "shop"})
    assert response.status_code == 500
    assert response.json() == {"error": "internal error; the server log has the details"}
    assert "secret internals" in caplog.text  # logged, with its traceback, not sent
    monkeypatch.undo()
    assert client.post("/api/generate", json={"model": "shop"}).status_code == 200


def png(width: int, height: int, format: str = "PNG") -> bytes:
    buffer = io.BytesIO()
    noise = np.random.default_rng(0).integers(0, 256, (height, width, 3), dtype=np.uint8)
    Image.fromarray(noise).save(buffer, format=format)
    return buffer.getvalue()


def test_upload_checks_accept_a_small_png_and_refuse_the_rest():
    limits = ServeLimits(max_upload_bytes=50_000, max_upload_pixels=101 * 99)
    assert check_upload(png(64, 48), limits).size == (64, 48)
    with pytest.raises(PayloadTooLarge, match="101 x 100 pixels exceeds"):
        check_upload(png(101, 100), limits)  # header only: never decoded
    with pytest.raises(PayloadTooLarge, match="exceeds the limit of 50000 bytes"):
        check_upload(b"\x89PNG" + b"0" * 60_000, limits)
    with pytest.raises(UnsupportedMediaType, match="image type GIF is not accepted"):
        check_upload(png(8, 8, "GIF"), limits)
    with pytest.raises(UnsupportedMediaType, match="not an image"):
        check_upload(b"<html>hello</html>", limits)
    with pytest.raises(UnsupportedMediaType, match="corrupt"):
        check_upload(png(64, 64)[:2000], limits)
