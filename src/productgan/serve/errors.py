"""Errors a client can fix, each with the HTTP status it is answered with as {"error": "..."}."""

from __future__ import annotations

from productgan.errors import ProductGANError


class RequestError(ProductGANError):
    """A request the service refuses; `status` is the 4xx code sent back with the message."""

    status = 400

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        if status is not None:
            self.status = status


class UnknownModelError(RequestError):
    """The request names a model the registry does not hold (names are never file paths)."""

    status = 404


class LimitError(RequestError):
    """A count, size or value outside the service's limits."""

    status = 422


class PayloadTooLarge(RequestError):
    """A body or upload bigger than the service accepts."""

    status = 413


class UnsupportedMediaType(RequestError):
    """An upload whose type is not one of the accepted image formats."""

    status = 415
