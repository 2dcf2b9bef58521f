"""The optional API key: checked in constant time, sent as the X-API-Key header."""

from __future__ import annotations

import hmac

from fastapi import Request

from productgan.serve.errors import RequestError

API_KEY_HEADER = "X-API-Key"


def check_api_key(expected: str | None, given: str | None) -> None:
    """No key configured: everything is open. Missing key: 401. Wrong key: 403."""
    if expected is None:
        return
    if not given:
        raise RequestError(f"this server needs an API key: send it in the {API_KEY_HEADER} header", status=401)
    if not hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8")):
        raise RequestError("wrong API key", status=403)


async def require_api_key(request: Request) -> None:
    """FastAPI dependency for every protected route."""
    check_api_key(request.app.state.settings.api_key, request.headers.get(API_KEY_HEADER))
