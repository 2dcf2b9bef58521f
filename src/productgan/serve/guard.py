"""The outermost layer of every request: body-size limits, metrics, and no stack trace ever sent.

A plain ASGI middleware (not Starlette's BaseHTTPMiddleware, which costs a task per request).
An unexpected exception is logged with its traceback and answered with a JSON 500 that says
nothing about the code; the server keeps serving.
"""

from __future__ import annotations

import json
import logging
import time

from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from productgan.serve.errors import RequestError
from productgan.serve.limits import ServeLimits, check_body_size
from productgan.serve.metrics import ServeMetrics

log = logging.getLogger("productgan.serve")


def json_error_body(message: str) -> bytes:
    return json.dumps({"error": message}).encode()


class RequestGuard:
    """Wraps the app: refuses oversized bodies, counts every request, turns crashes into JSON 500s."""

    def __init__(self, app: ASGIApp, metrics: ServeMetrics, limits: ServeLimits):
        self.app = app
        self.metrics = metrics
        self.limits = limits

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
            upload = _header(scope, b"content-type").startswith("multipart/")
            check_body_size(_declared_length(scope), self.limits, upload)
            await self.app(scope, _counting(receive, self.limits, upload), send_and_note)
        except RequestError as error:  # refused before the app saw the request
            await _send_json(send_and_note, error.status, str(error))
        except Exception:  # noqa: BLE001 - the last line of defence: log it, answer 500, keep serving
            log.exception("unexpected error in %s %s", scope.get("method"), scope.get("path"))
            if not response["started"]:
                await _send_json(send_and_note, 500, "internal error; the server log has the details")
        finally:
            route = scope.get("route")
            endpoint = getattr(route, "path", None) or "unmatched"
            self.metrics.observe_request(endpoint, int(response["status"]), time.perf_counter() - start)


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope.get("headers", []):
        if key.lower() == name:
            return value.decode("latin-1").lower()
    return ""


def _declared_length(scope: Scope) -> int:
    value = _header(scope, b"content-length")
    if not value:
        return 0
    if not value.isdigit():
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


async def _send_json(send: Send, status: int, message: str) -> None:
    body = json_error_body(message)
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
