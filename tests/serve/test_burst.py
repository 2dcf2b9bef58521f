"""A bounded burst against a real uvicorn on 127.0.0.1: good and hostile requests mixed, several at
once. No answer may be a 5xx, the good ones must succeed, and the server must be alive afterwards.
(60 requests, 6 workers, a few seconds; only 127.0.0.1 is ever contacted.)"""

from __future__ import annotations

import io
import socket
import struct
import threading
import time
import zlib
from concurrent.futures import ThreadPoolExecutor

import httpx
import numpy as np
import pytest
import uvicorn
from PIL import Image

from productgan.serve import ServeSettings, create_app

REQUESTS, WORKERS = 60, 6


def png(array: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(array).save(buffer, format="PNG")
    return buffer.getvalue()


def bomb() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 40_000, 40_000, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(b"\0" * 16)) + chunk(b"IEND", b""))


PHOTO = png(np.full((24, 32, 3), 220, np.uint8))
BIG_EMPTY = io.BytesIO()
Image.new("L", (4096, 4096)).save(BIG_EMPTY, format="PNG")

# (what, method, path, keyword arguments for httpx, expected: "ok" for 2xx, else the 4xx wanted)
CASES = [
    ("generate", "POST", "/api/generate", {"json": {"model": "shop", "seed": 3}}, "ok"),
    ("variants", "POST", "/api/variants", {"json": {"model": "shop", "attribute": "color"}}, "ok"),
    ("edit", "POST", "/api/photo/edit", {"files": {"file": ("p.png", PHOTO)}, "data": {"operation": "flip"}}, "ok"),
    ("enhance", "POST", "/api/photo/enhance", {"files": {"file": ("p.png", PHOTO)}, "data": {"chain": "clahe"}}, "ok"),
    ("clahe tiles=0", "POST", "/api/photo/enhance", {"files": {"file": ("p.png", PHOTO)}, "data": {"chain": "clahe:tiles=0"}}, 400),
    ("clahe tiles=2000", "POST", "/api/photo/enhance", {"files": {"file": ("p.png", PHOTO)}, "data": {"chain": "clahe:tiles=2000"}}, 400),
    ("bomb", "POST", "/api/photo/edit", {"files": {"file": ("b.png", bomb())}, "data": {"operation": "flip"}}, 413),
    ("16 MP", "POST", "/api/photo/enhance", {"files": {"file": ("big.png", BIG_EMPTY.getvalue())}}, 413),
    ("fps", "POST", "/api/morph", {"json": {"model": "shop", "seed_a": 1, "seed_b": 2, "frames": 2, "fps": 1e-300}}, 422),
    ("foreign host", "GET", "/api/models", {"headers": {"Host": "rebound.example"}}, 400),
    ("cross-site", "POST", "/api/photo/edit", {"files": {"file": ("p.png", PHOTO)}, "data": {"operation": "flip"},
                                               "headers": {"Origin": "http://evil.example"}}, 403),
    ("malformed JSON", "POST", "/api/generate", {"content": b'{"model": ', "headers": {"Content-Type": "application/json"}}, 422),
]


@pytest.fixture
def live_url(registry):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    app = create_app(registry, ServeSettings(bind_host="127.0.0.1"))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline and thread.is_alive(), "the test server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


def test_a_mixed_burst_gets_no_5xx_and_leaves_the_server_alive(live_url):
    started = time.monotonic()
    with httpx.Client(base_url=live_url, timeout=30) as http:
        def send(index: int) -> tuple[str, int, object]:
            what, method, path, kwargs, expected = CASES[index % len(CASES)]
            return what, http.request(method, path, **kwargs).status_code, expected

        with ThreadPoolExecutor(WORKERS) as pool:
            results = list(pool.map(send, range(REQUESTS)))
        assert http.get("/healthz").json() == {"status": "ok"}
        assert http.post("/api/generate", json={"model": "shop"}).status_code == 200
    assert time.monotonic() - started < 60
    assert [r for r in results if r[1] >= 500] == []
    wrong = [r for r in results if (r[2] == "ok" and not 200 <= r[1] < 300) or (r[2] != "ok" and r[1] != r[2])]
    assert wrong == []
