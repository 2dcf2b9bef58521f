"""The outermost layer of every request: host and origin, API key, body-size limits, metrics, and
no stack trace ever sent.

A plain ASGI middleware (not Starlette's BaseHTTPMiddleware, which costs a task per request).
Everything it checks comes from the request line and headers, in that order, before a byte of
the body is read: a request from another site, without the key or declaring too large a body
costs nothing. An unexpected exception is logged with its traceback and answered with a JSON 500
that says nothing about the code; the server keeps serving.
"""

from __future__ import annotations

import json
import logging
import time

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from productgan.serve.errors import RequestError
from productgan.serve.hosts import HostPolicy
from productgan.serve.limits import ServeLimits, check_body_size
from productgan.serve.metrics import ServeMetrics
from productgan.serve.security import API_KEY_HEADER, check_api_key, needs_key

log = logging.getLogger("productgan.serve")


def json_error_body(message: str) -> bytes:
    return json.dumps({"error": message}).encode()


class RequestGuard:
    """Wraps the app: refuses foreign hosts and origins, missing keys and oversized bodies, counts
    every request, turns crashes into JSON 500s."""

    def __init__(self, app: ASGIApp, metrics: ServeMetrics, limits: ServeLimits, hosts: HostPolicy,
                 api_key: str | None = None):
        self.app = app
        self.metrics = metrics
        self.limits = limits
        self.hosts = hosts
        self.api_key = api_key

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        response = {"status": 500, "started": False}

        async def send_and_note(message: Message) -> None:
            if message["type"] == "http.response.start":
                response["status"], response["started"] = message["status"], True
            await send(message)

        try:
            self.hosts.check(_header(scope, b"host"), _header(scope, b"origin"))
            if needs_key(scope.get("path", "")):
                check_api_key(self.api_key, _header(scope, API_KEY_HEADER.lower().encode()))
            upload = _header(scope, b"content-type").lower().startswith("multipart/")
            check_body_size(_declared_length(scope), self.limits, upload)
            await self.app(scope, _counting(receive, self.limits, upload), send_and_note)
        except RequestError as error:  # refused before the app saw the request
            if not response["started"]:
                await _send_json(send_and_note, error.status, str(error), error.headers)
        except Exception:  # noqa: BLE001 - the last line of defence: log it, answer 500, keep serving
            log.exception("unexpected error in %s %s", scope.get("method"), scope.get("path"))
            if not response["started"]:
                await _send_json(send_and_note, 500, "internal error; the server log has the details")
        finally:
            route = scope.get("route")
            endpoint = getattr(route, "path", None) or "unmatched"
            self.metrics.observe_request(endpoint, int(response["status"]), time.perf_counter() - start)


def _header(scope: Scope, name: bytes) -> str:
    """The first value of header `name` (lower-case bytes), as sent; "" when absent."""
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return value.decode("latin-1")
    return ""


def _declared_length(scope: Scope) -> int:
    value = _header(scope, b"content-length").strip()
    if not value:
        return 0
    if not (value.isascii() and value.isdigit()):
        raise RequestError("the Content-Length header is not a number")
    return int(value)


def _counting(receive: Receive, limits: ServeLimits, upload: bool) -> Receive:
    """Count streamed body bytes too: a chunked body declares no length."""
    received = 0

    async def counted() -> Message:
        nonlocal received
        message = await receive()
        if message["type"] == "http.request":
            received += len(message.get("body", b""))
            try:
                check_body_size(received, limits, upload)
            except RequestError as error:
                raise HTTPException(status_code=error.status, detail=str(error)) from None
        return message

    return counted


async def _send_json(send: Send, status: int, message: str, headers: dict[str, str] | None = None) -> None:
    body = json_error_body(message)
    extra = [(key.lower().encode("latin-1"), value.encode("latin-1")) for key, value in (headers or {}).items()]
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()), *extra]})
    await send({"type": "http.response.body", "body": body})
