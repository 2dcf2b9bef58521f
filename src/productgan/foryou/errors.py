"""The errors a "for you" request can end in, each one line a shopper's shop can act on."""

from __future__ import annotations

from productgan.errors import ProductGANError


class ForYouError(ProductGANError):
    """Base class: a history that cannot be turned into products."""


class EmptyHistoryError(ForYouError):
    """Nothing liked yet: there is no taste to draw from."""


class ForeignItemError(ForYouError):
    """An item from another catalog: levels this model does not know, or a product of another model."""


class NoEncoderError(ForYouError):
    """A photo was given, but the model has no latent encoder to place it with."""
