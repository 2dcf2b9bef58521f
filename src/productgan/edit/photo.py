"""One entry point for the classical photo edits by name, and the one place their options are checked.

Both front ends go through here: the HTTP API hands the edit over as form fields, the CLI as one
command per edit. A `PhotoEdit` checks its options when it is made, so a batch over a folder is
refused before its first photo is read, and then applies to any number of photos.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from productgan.edit.colors import UnknownColor, parse_color
from productgan.edit.cutout import cutout, parse_background
from productgan.edit.geometry import flip, rotate, scale, square, whiten_background
from productgan.edit.mask import product_mask
from productgan.edit.recolor import recolor
from productgan.errors import ProductGANError
from productgan.photo_io import with_alpha_channel

MAX_SQUARE_PIXELS = 64 * 10**6  # whiten's square canvas: 8000 x 8000, far beyond any product page
OPERATIONS = ("recolor", "whiten", "scale", "rotate", "flip", "mask", "cutout")
OLD_OPERATION_NAMES = {"recolour": "recolor"}  # old spelling kept: still accepted, for one release
REGIONS = ("dominant", "whole")
DIRECTIONS = ("horizontal", "vertical")
MAX_SCALE = 10.0
MAX_THRESHOLD = 400.0  # Lab distance: beyond the widest gap in Lab (about 375), so any larger is the same


class PhotoEditError(ProductGANError, ValueError):
    """An unknown operation or a missing/invalid option for one.

    option: the PhotoEdit field at fault (None for the operation itself), so a front end can name
    it in its own words (a CLI flag, a form field).
    """

    def __init__(self, message: str, option: str | None = None):
        super().__init__(message)
        self.option = option


@dataclass(frozen=True)
class PhotoEdit:
    """One classical edit and its options; call it on uint8 RGB photos to get uint8 RGB photos
    (RGBA from a transparent cutout).

    colour: recolour's target (a name or #RRGGBB). factor: scale's size factor in (0, MAX_SCALE].
    degrees: rotate's anticlockwise angle. direction: flip's 'horizontal' | 'vertical'.
    region: recolour's 'dominant' (main colour only) | 'whole' (every product pixel).
    make_square: whiten also pads to a square canvas. threshold, grabcut: how the product mask is
    found (Lab distance to the backdrop, None = adaptive to the backdrop's noise; GrabCut refinement
    of its edge). keep_lightness:
    recolour changes hue and chroma only. background: cutout's 'none' (transparent, RGBA out) or a
    colour (name or #RRGGBB) to composite onto (RGB out). Options an operation does not use are ignored.
    """

    operation: str
    color: str | None = None
    factor: float | None = None
    degrees: float | None = None
    direction: str = "horizontal"
    region: str = "dominant"
    make_square: bool = True
    threshold: float | None = None
    grabcut: bool = False
    keep_lightness: bool = False
    background: str = "none"
    target_rgb: tuple[int, int, int] | None = field(default=None, init=False, repr=False, compare=False)
    background_rgb: tuple[int, int, int] | None = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "operation", OLD_OPERATION_NAMES.get(self.operation, self.operation))
        check = _CHECKS.get(self.operation)
        if check is None:
            raise PhotoEditError(f"unknown operation {self.operation!r}; operations are: {', '.join(OPERATIONS)}")
        _check_threshold(self)
        check(self)

    def __call__(self, image: np.ndarray) -> np.ndarray:
        return _APPLY[self.operation](self, image, None)

    def apply(self, image: np.ndarray, alpha: np.ndarray | None = None) -> np.ndarray:
        """The edit of uint8 RGB `image` (colour flattened onto white), carrying a cut-out's alpha
        (uint8 (H, W)) through: (H, W, 4) RGBA when alpha is given (geometric edits move it with the
        pixels), else (H, W, 3). `mask` answers RGB: the product mask within the opaque part."""
        return _APPLY[self.operation](self, image, alpha)

    def mask(self, image: np.ndarray) -> np.ndarray:
        """Boolean (H, W) product mask with this edit's threshold and GrabCut setting."""
        return product_mask(image, self.threshold, self.grabcut)


def _check_recolor(edit: PhotoEdit) -> None:
    if not edit.color:
        raise PhotoEditError("recolor needs a color (a name such as red, or #RRGGBB)", "color")
    if edit.region not in REGIONS:
        raise PhotoEditError(f"region must be {' or '.join(REGIONS)}, got {edit.region!r}", "region")
    try:
        object.__setattr__(edit, "target_rgb", parse_color(edit.color))  # parsed once, not per photo
    except UnknownColor as error:
        raise PhotoEditError(str(error), "color") from None


def _check_cutout(edit: PhotoEdit) -> None:
    try:
        object.__setattr__(edit, "background_rgb", parse_background(edit.background))  # once, not per photo
    except UnknownColor as error:
        raise PhotoEditError(str(error), "background") from None


def _check_scale(edit: PhotoEdit) -> None:
    if edit.factor is None or not 0 < edit.factor <= MAX_SCALE:
        raise PhotoEditError(f"scale needs a factor in (0, {MAX_SCALE:g}], got {edit.factor}", "factor")


def _check_rotate(edit: PhotoEdit) -> None:
    if edit.degrees is None or not np.isfinite(edit.degrees):
        raise PhotoEditError("rotate needs degrees (a finite number)", "degrees")


def _check_flip(edit: PhotoEdit) -> None:
    if edit.direction not in DIRECTIONS:
        raise PhotoEditError(f"flip direction must be {' or '.join(DIRECTIONS)}, got {edit.direction!r}", "direction")


def _check_threshold(edit: PhotoEdit) -> None:
    """Every operation may find the product mask; a NaN threshold would silently find none."""
    if edit.threshold is None:  # adaptive: read from the backdrop's own noise
        return
    if not (isinstance(edit.threshold, (int, float)) and 0 <= edit.threshold <= MAX_THRESHOLD):
        raise PhotoEditError(f"threshold must be a number in [0, {MAX_THRESHOLD:g}] (Lab distance to the "
                             f"backdrop), got {edit.threshold}", "threshold")


def _no_options_to_check(edit: PhotoEdit) -> None:
    """whiten and mask take only the mask settings, checked for every operation by _check_threshold."""


def _whiten(edit: PhotoEdit, image: np.ndarray, alpha: np.ndarray | None) -> np.ndarray:
    side = max(image.shape[:2])
    if edit.make_square and side * side > MAX_SQUARE_PIXELS:  # a long thin strip would become a huge canvas
        raise PhotoEditError(f"whiten would pad this {image.shape[1]} x {image.shape[0]} photo to a {side} x {side} "
                             f"square, over {MAX_SQUARE_PIXELS // 10**6} MP; crop it first or use --no-square",
                             "make_square")
    white = with_alpha_channel(whiten_background(image, edit.mask(image)), alpha)
    return square(white) if edit.make_square else white


def _mask_image(edit: PhotoEdit, image: np.ndarray, alpha: np.ndarray | None) -> np.ndarray:
    mask = edit.mask(image) if alpha is None else edit.mask(image) & (alpha >= 128)
    return np.repeat(mask[..., None], 3, axis=2).astype(np.uint8) * 255


def _recolor(edit: PhotoEdit, image: np.ndarray, alpha: np.ndarray | None) -> np.ndarray:
    recolored = recolor(image, edit.target_rgb, edit.mask(image), edit.keep_lightness, region=edit.region)
    return with_alpha_channel(recolored, alpha)


def _cutout(edit: PhotoEdit, image: np.ndarray, alpha: np.ndarray | None) -> np.ndarray:
    return cutout(image, edit.mask(image), edit.background_rgb, alpha)


_CHECKS = {"recolor": _check_recolor, "whiten": _no_options_to_check, "scale": _check_scale,
           "rotate": _check_rotate, "flip": _check_flip, "mask": _no_options_to_check, "cutout": _check_cutout}
_APPLY = {  # (edit, RGB image, alpha or None) -> RGB, or RGBA when there is an alpha to carry
    "recolor": _recolor,
    "whiten": _whiten,
    "scale": lambda edit, image, alpha: scale(image, edit.factor, alpha=alpha),
    "rotate": lambda edit, image, alpha: rotate(image, edit.degrees, alpha=alpha),
    "flip": lambda edit, image, alpha: flip(image, edit.direction, alpha=alpha),
    "mask": _mask_image,
    "cutout": _cutout,  # RGBA on 'none' (the photo's own alpha folded in), RGB on a colour
}


def apply_photo_edit(image: np.ndarray, operation: str, **options: Any) -> np.ndarray:
    """uint8 RGB in, uint8 RGB out (RGBA for a transparent cutout); options are PhotoEdit's fields,
    checked for `operation`."""
    return PhotoEdit(operation, **options)(image)
