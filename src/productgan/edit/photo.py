"""One entry point for the classical photo edits by name, for callers that get the edit as data
(the HTTP API's form fields) rather than as a command."""

from __future__ import annotations

import numpy as np

from productgan.edit.colours import parse_colour
from productgan.edit.geometry import flip, rotate, scale, square, whiten_background
from productgan.edit.mask import product_mask
from productgan.edit.recolour import recolour
from productgan.errors import ProductGANError

OPERATIONS = ("recolour", "whiten", "scale", "rotate", "flip", "mask")
MAX_SCALE = 10.0


class PhotoEditError(ProductGANError, ValueError):
    """An unknown operation or a missing/invalid option for one."""


def apply_photo_edit(image: np.ndarray, operation: str, *, colour: str | None = None, factor: float | None = None,
                     degrees: float | None = None, direction: str = "horizontal", region: str = "dominant",
                     make_square: bool = True) -> np.ndarray:
    """uint8 RGB in, uint8 RGB out; each operation checks the options it needs."""
    if operation == "recolour":
        if not colour:
            raise PhotoEditError("recolour needs a colour (a name such as red, or #RRGGBB)")
        if region not in ("dominant", "whole"):
            raise PhotoEditError(f"region must be dominant or whole, got {region!r}")
        return recolour(image, parse_colour(colour), region=region)
    if operation == "whiten":
        white = whiten_background(image)
        return square(white) if make_square else white
    if operation == "scale":
        if factor is None or not 0 < factor <= MAX_SCALE:
            raise PhotoEditError(f"scale needs a factor in (0, {MAX_SCALE:g}], got {factor}")
        return scale(image, factor)
    if operation == "rotate":
        if degrees is None or not np.isfinite(degrees):
            raise PhotoEditError("rotate needs degrees (a finite number)")
        return rotate(image, degrees)
    if operation == "flip":
        if direction not in ("horizontal", "vertical"):
            raise PhotoEditError(f"flip direction must be horizontal or vertical, got {direction!r}")
        return flip(image, direction)
    if operation == "mask":
        return np.repeat(product_mask(image)[..., None], 3, axis=2).astype(np.uint8) * 255
    raise PhotoEditError(f"unknown operation {operation!r}; operations are: {', '.join(OPERATIONS)}")
