"""The optional API key: checked in constant time, sent as the X-API-Key header.

The guard (serve/guard.py) checks it before the body is read, so a request without the key costs
nothing; the page, /docs, /healthz and /readyz stay open.
"""

from __future__ import annotations

import hmac

from productgan.serve.errors import RequestError

API_KEY_HEADER = "X-API-Key"
PROTECTED_PREFIXES = ("/api/", "/metrics")


def needs_key(path: str) -> bool:
    return path.startswith(PROTECTED_PREFIXES)


def check_api_key(expected: str | None, given: str | None) -> None:
    """No key configured: everything is open. Missing key: 401. Wrong key: 403."""
    if expected is None:
        return
    if not given:
        raise RequestError(f"this server needs an API key: send it in the {API_KEY_HEADER} header", status=401)
    if not hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8")):
        raise RequestError("wrong API key", status=403)
