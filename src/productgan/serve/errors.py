"""Errors a client can fix, each with the HTTP status it is answered with as {"error": "..."}."""

from __future__ import annotations

from productgan.errors import ProductGANError


class RequestError(ProductGANError):
    """A request the service refuses; `status` is the 4xx/503 code sent back with the message and
    `headers` any HTTP headers that go with it (Retry-After for a busy server)."""

    status = 400

    def __init__(self, message: str, status: int | None = None, headers: dict[str, str] | None = None):
        super().__init__(message)
        if status is not None:
            self.status = status
        self.headers = dict(headers or {})


class UnknownModelError(RequestError):
    """The request names a model the registry does not hold (names are never file paths)."""

    status = 404


class LimitError(RequestError):
    """A count, size or value outside the service's limits."""

    status = 422


class PayloadTooLarge(RequestError):
    """A body or upload bigger than the service accepts, or photo work over the budget."""

    status = 413


class UnsupportedMediaType(RequestError):
    """An upload whose type is not one of the accepted image formats."""

    status = 415


class ForbiddenOrigin(RequestError):
    """A request from another site (Origin) or for a host name this server does not answer to."""

    status = 403


class ServerBusy(RequestError):
    """Every photo worker stayed busy for longer than the server waits; try again after Retry-After."""

    status = 503

    def __init__(self, message: str, retry_after_s: int):
        super().__init__(message, headers={"Retry-After": str(retry_after_s)})
