"""A photo laid out as a preset asks: for `marketplace`, the product cut out onto pure white,
centred on a square canvas, its longer side `fill` of the canvas, the canvas at least `min_side`.

The backdrop is whitened around edit.mask.product_mask with a soft edge (edit.geometry's
whiten_background), so hair and fabric edges do not get a cut-out seam. A photo too small for
`min_side` is enlarged by the learned super-resolution model when one is given (`--sr-checkpoint`,
from `productgan enhance train --task sr4`), else by a Lanczos resize, and the manifest says which.
"""

from __future__ import annotations

import math
from typing import Callable

import cv2
import numpy as np

from productgan.catalog.check import box_of
from productgan.catalog.presets import Preset
from productgan.edit.geometry import whiten_background
from productgan.edit.mask import product_mask

Upscaler = Callable[[np.ndarray], np.ndarray]  # a learned SR model: uint8 (H, W, 3) -> (sH, sW, 3)
WHITE = 255


def lay_out(image: np.ndarray, preset: Preset, cut_out: bool = True, upscaler: Upscaler | None = None,
            sr_scale: int = 1) -> tuple[np.ndarray, list[str]]:
    """(the photo laid out, warnings); a preset without layout returns the photo as it is.

    cut_out=False (a close-up with no backdrop: the product fills the frame, and the "backdrop"
    at its border is cloth) keeps every pixel and only pads the photo onto the white square.
    A product the frame cuts (a model's legs, a sleeve) keeps its cut edge on the canvas's edge
    rather than floating in white; cut on both sides, it spans the canvas on that axis.
    """
    if not preset.layout:
        return image, []
    warnings: list[str] = []
    mask = product_mask(image) if cut_out else None
    box = None if mask is None else box_of(mask)
    if box is None:
        warnings.append("no backdrop (the product fills the frame): padded onto the canvas, not cut out" if not cut_out
                        else "no product found: the whole photo is centred on the canvas, background not whitened")
        subject, box = image, (0, 0, image.shape[0], image.shape[1])
    else:
        subject = whiten_background(image, mask)
    cut = _cut_edges(box, image.shape[:2])
    if box != (0, 0, image.shape[0], image.shape[1]) and any(cut.values()):
        warnings.append("the frame cuts the product (" + ", ".join(e for e, c in cut.items() if c) + "), kept on that edge")
    crop = subject[box[0]:box[2], box[1]:box[3]]
    height, width = crop.shape[:2]
    spans = (cut["top"] and cut["bottom"]) if height >= width else (cut["left"] and cut["right"])
    fill = 1.0 if spans else preset.fill
    side = max(preset.min_side, math.ceil(max(height, width) / fill))
    factor = round(fill * side) / max(height, width)
    resized, note = resize(crop, factor, upscaler, sr_scale)
    if note:
        warnings.append(note)
    return placed_on_white(resized, side, cut), warnings


def _cut_edges(box: tuple[int, int, int, int], shape: tuple[int, int]) -> dict[str, bool]:
    top, left, bottom, right = box
    return {"top": top == 0, "bottom": bottom == shape[0], "left": left == 0, "right": right == shape[1]}


def resize(image: np.ndarray, factor: float, upscaler: Upscaler | None = None,
           sr_scale: int = 1) -> tuple[np.ndarray, str | None]:
    """(image scaled by factor, a note saying how when it was enlarged). Shrinking is an area
    average; enlarging is the learned model (x sr_scale, then an area average to the exact size,
    or Lanczos for what is left beyond its scale), else Lanczos."""
    height, width = image.shape[:2]
    size = (max(1, round(width * factor)), max(1, round(height * factor)))
    if abs(factor - 1.0) < 1e-3:
        return image, None
    if factor < 1.0:
        return cv2.resize(image, size, interpolation=cv2.INTER_AREA), None
    if upscaler is None:
        return (cv2.resize(image, size, interpolation=cv2.INTER_LANCZOS4),
                f"upscaled x{factor:.2f} by a Lanczos resize: no learned super-resolution model was given (--sr-checkpoint)")
    enlarged = upscaler(image)
    if factor <= sr_scale:
        return cv2.resize(enlarged, size, interpolation=cv2.INTER_AREA), f"upscaled x{factor:.2f} by the learned x{sr_scale} model"
    return (cv2.resize(enlarged, size, interpolation=cv2.INTER_LANCZOS4),
            f"upscaled x{factor:.2f}: the learned x{sr_scale} model, then Lanczos x{factor / sr_scale:.2f}")


def placed_on_white(image: np.ndarray, side: int, cut: dict[str, bool] | None = None) -> np.ndarray:
    """uint8 (side, side, 3) white canvas with `image` (no larger) centred, except against the
    canvas edges named in `cut` (a cut on one side only: the image touches that edge)."""
    cut = cut or {}
    canvas = np.full((side, side, 3), WHITE, np.uint8)
    height, width = image.shape[:2]
    top = _offset(side - height, cut.get("top", False), cut.get("bottom", False))
    left = _offset(side - width, cut.get("left", False), cut.get("right", False))
    canvas[top:top + height, left:left + width] = image
    return canvas


def _offset(room: int, at_start: bool, at_end: bool) -> int:
    if at_start and not at_end:
        return 0
    if at_end and not at_start:
        return room
    return room // 2
