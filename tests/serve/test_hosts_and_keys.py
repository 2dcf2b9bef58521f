"""Who may talk to the server: only its own host names (no DNS rebinding), no pages of other sites
(no CSRF), and the API key checked before a byte of the body is read."""

from __future__ import annotations

import asyncio
import io

import numpy as np
import pytest
from PIL import Image

from productgan.serve import ServeSettings, create_app
from productgan.serve.hosts import HostPolicy, host_name


def photo_upload() -> dict:
    buffer = io.BytesIO()
    Image.fromarray(np.full((24, 32, 3), 200, np.uint8)).save(buffer, format="PNG")
    return {"file": ("p.png", buffer.getvalue(), "image/png")}


@pytest.mark.parametrize("host", ["localhost", "localhost:8000", "127.0.0.1:8000", "[::1]:8000", "LOCALHOST"])
def test_the_servers_own_names_are_answered(client, host):
    assert client.get("/api/models", headers={"Host": host}).status_code == 200


@pytest.mark.parametrize("host", ["evil.example", "evil.example:8000", "127.0.0.1.evil.example", "0.0.0.0:8000",
                                  "localhost@evil.example", "[::1", "localhost:99999", "a b"])
def test_a_foreign_host_header_is_refused_on_every_path(client, host):
    for path in ("/", "/api/models", "/healthz", "/docs"):
        response = client.get(path, headers={"Host": host})
        assert response.status_code == 400, (path, response.text)
        assert "--allow-host" in response.json()["error"]


def test_allow_host_and_the_bound_address_add_names(make_client):
    client = make_client(allow_hosts=("shop.example",), bind_host="192.168.1.5")
    for host in ("shop.example", "shop.example:8000", "192.168.1.5:8000", "localhost"):
        assert client.get("/api/models", headers={"Host": host}).status_code == 200, host
    assert client.get("/api/models", headers={"Host": "other.example"}).status_code == 400
    wildcard = make_client(bind_host="0.0.0.0")  # binding every address names none of them
    assert wildcard.get("/api/models", headers={"Host": "0.0.0.0:8000"}).status_code == 400
    anything = make_client(allow_hosts=("*",))
    assert anything.get("/api/models", headers={"Host": "proxy.internal"}).status_code == 200


@pytest.mark.parametrize("origin", ["http://evil.example", "https://evil.example", "null", "http://localhost:3000",
                                    "http://127.0.0.1.evil.example", "file://", "garbage"])
def test_cross_site_posts_are_refused_before_anything_runs(client, origin):
    response = client.post("/api/photo/edit", files=photo_upload(), data={"operation": "flip"},
                           headers={"Origin": origin})
    assert response.status_code == 403 and "other web sites" in response.json()["error"]
    response = client.post("/api/generate", json={"model": "shop"}, headers={"Origin": origin})
    assert response.status_code == 403


def test_same_origin_requests_from_the_page_work(client):
    response = client.post("/api/photo/edit", files=photo_upload(), data={"operation": "flip"},
                           headers={"Origin": "http://localhost", "Host": "localhost"})
    assert response.status_code == 200, response.text
    response = client.post("/api/generate", json={"model": "shop"},
                           headers={"Origin": "http://127.0.0.1:8000", "Host": "127.0.0.1:8000"})
    assert response.status_code == 200


def test_an_allowed_host_may_call_from_its_own_pages(make_client):
    client = make_client(allow_hosts=("shop.example",))
    response = client.post("/api/generate", json={"model": "shop"}, headers={"Origin": "https://shop.example"})
    assert response.status_code == 200


def test_host_name_parsing():
    assert host_name("Example.COM:8000") == "example.com"
    assert host_name("[::1]:80") == "::1"
    assert host_name("localhost.") == "localhost"
    assert host_name("user@localhost") is None and host_name("localhost/x") is None and host_name("") is None
    policy = HostPolicy.for_server(("shop.example",), "10.0.0.2")
    assert {"localhost", "127.0.0.1", "::1", "shop.example", "10.0.0.2"} == set(policy.names)


def asgi_request(app, path: str, headers: list[tuple[bytes, bytes]]) -> tuple[int, bytes, bool]:
    """Call the ASGI app directly with a body that must not be read; returns (status, body, body_was_read)."""
    read = []
    sent: list[dict] = []

    async def receive():
        read.append(True)
        return {"type": "http.request", "body": b"x" * 1000, "more_body": True}

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": path, "raw_path": path.encode(), "query_string": b"",
             "headers": [(b"host", b"localhost"), *headers], "http_version": "1.1", "scheme": "http",
             "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 8000), "root_path": "", "app": app}
    asyncio.run(app(scope, receive, send))
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], body, bool(read)


@pytest.mark.parametrize("length", [b"1000", b"50000000"])
@pytest.mark.parametrize("path", ["/api/photo/enhance", "/api/photo/edit", "/api/generate", "/metrics"])
def test_the_api_key_is_checked_before_the_body_is_read(registry, path, length):
    app = create_app(registry, ServeSettings(api_key="s3cret"))
    multipart = [(b"content-type", b"multipart/form-data; boundary=b"), (b"content-length", length)]
    status, body, read = asgi_request(app, path, multipart)
    assert (status, read) == (401, False), body
    status, body, read = asgi_request(app, path, [*multipart, (b"x-api-key", b"wrong")])
    assert (status, read) == (403, False), body


def test_with_the_key_photos_work_and_the_page_health_and_docs_stay_open(make_client):
    client = make_client(api_key="s3cret")
    ok = client.post("/api/photo/edit", files=photo_upload(), data={"operation": "flip"}, headers={"X-API-Key": "s3cret"})
    assert ok.status_code == 200
    for path in ("/", "/healthz", "/readyz", "/docs", "/openapi.json"):
        assert client.get(path).status_code == 200, path
