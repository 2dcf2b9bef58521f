"""A photo laid out as a preset asks: for `marketplace`, the product cut out onto pure white,
centred on a square canvas, its longer side `fill` of the canvas, the canvas at least `min_side`.

The backdrop is whitened around edit.mask.product_mask with a soft edge (edit.geometry's
whiten_background), so hair and fabric edges do not get a cut-out seam. A photo too small for
`min_side` is enlarged by the learned super-resolution models it is given (catalog/upscalers.py
loads them when --upscaler asks: the shipped sr2 and sr4, or the user's), the smallest whose scale reaches the factor, else
by a Lanczos resize; the result says which, so the manifest can.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable, Sequence

import cv2
import numpy as np

from productgan.catalog.check import box_of
from productgan.catalog.presets import Preset
from productgan.edit.geometry import whiten_background
from productgan.edit.mask import product_mask

WHITE = 255
LANCZOS = "lanczos"


@dataclass(frozen=True)
class LearnedUpscaler:
    """A learned super-resolution model as the layout uses it: model maps uint8 (H, W, 3) to
    (scale*H, scale*W, 3); name is what the manifest calls it (shipped-sr2, or the checkpoint)."""

    model: Callable[[np.ndarray], np.ndarray]
    scale: int
    name: str


@dataclass
class LaidOut:
    """A photo laid out: the image, warnings, and how it was enlarged ('' when it was not: see
    `resize`)."""

    image: np.ndarray
    warnings: list[str] = field(default_factory=list)
    upscaler: str = ""


def lay_out(image: np.ndarray, preset: Preset, cut_out: bool = True,
            upscalers: Sequence[LearnedUpscaler] = ()) -> LaidOut:
    """The photo laid out as the preset asks; a preset without layout returns the photo as it is.

    cut_out=False (a close-up with no backdrop: the product fills the frame, and the "backdrop"
    at its border is cloth) keeps every pixel and only pads the photo onto the white square.
    A product the frame cuts (a model's legs, a sleeve) keeps its cut edge on the canvas's edge
    rather than floating in white; cut on both sides, it spans the canvas on that axis.
    """
    if not preset.layout:
        return LaidOut(image)
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
    resized, upscaler, note = resize(crop, factor, upscalers)
    if note:
        warnings.append(note)
    return LaidOut(placed_on_white(resized, side, cut), warnings, upscaler)


def _cut_edges(box: tuple[int, int, int, int], shape: tuple[int, int]) -> dict[str, bool]:
    top, left, bottom, right = box
    return {"top": top == 0, "bottom": bottom == shape[0], "left": left == 0, "right": right == shape[1]}


def resize(image: np.ndarray, factor: float,
           upscalers: Sequence[LearnedUpscaler] = ()) -> tuple[np.ndarray, str, str | None]:
    """(image scaled by factor, how it was enlarged, a note saying so). Shrinking is an area
    average (how: ''); enlarging is the learned model `choose_upscaler` picks (x scale, then an
    area average to the exact size, or Lanczos for what is left beyond its scale: how
    'NAME+lanczos'), else Lanczos (how: 'lanczos')."""
    height, width = image.shape[:2]
    size = (max(1, round(width * factor)), max(1, round(height * factor)))
    if abs(factor - 1.0) < 1e-3:
        return image, "", None
    if factor < 1.0:
        return cv2.resize(image, size, interpolation=cv2.INTER_AREA), "", None
    chosen = choose_upscaler(upscalers, factor)
    if chosen is None:
        return (cv2.resize(image, size, interpolation=cv2.INTER_LANCZOS4), LANCZOS,
                f"upscaled x{factor:.2f} by a Lanczos resize")
    enlarged = chosen.model(image)
    if factor <= chosen.scale:
        return (cv2.resize(enlarged, size, interpolation=cv2.INTER_AREA), chosen.name,
                f"upscaled x{factor:.2f} by the learned x{chosen.scale} model ({chosen.name})")
    return (cv2.resize(enlarged, size, interpolation=cv2.INTER_LANCZOS4), f"{chosen.name}+{LANCZOS}",
            f"upscaled x{factor:.2f}: the learned x{chosen.scale} model ({chosen.name}), "
            f"then Lanczos x{factor / chosen.scale:.2f}")


def choose_upscaler(upscalers: Sequence[LearnedUpscaler], factor: float) -> LearnedUpscaler | None:
    """The model of smallest scale that reaches `factor` (sr2 for x1.1-2: a learned x4 would make
    four times the pixels only to average most away), else the largest; None when there is none."""
    if not upscalers:
        return None
    reaching = [u for u in upscalers if u.scale >= factor]
    return min(reaching, key=lambda u: u.scale) if reaching else max(upscalers, key=lambda u: u.scale)


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
