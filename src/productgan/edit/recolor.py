"""Recolour the product in a photo, keeping its shading and texture, leaving the background alone.

The shift happens in CIE Lab, where lightness and colour are separate and distances follow
perception: the product's mean (L, a, b) moves to the target's, and every pixel keeps its own
offset from that mean. Folds, seams, stitching and print (the offsets) survive; only the base
colour changes. Lightness moves too, by default, because "make this black shirt white" is
impossible otherwise; `keep_lightness=True` changes hue and chroma only.
"""

from __future__ import annotations

import cv2
import numpy as np

from productgan.edit.colors import parse_color
from productgan.edit.mask import dominant_color_region, feathered, lab, product_mask


def _target_lab(color: str | tuple[int, int, int]) -> np.ndarray:
    rgb = parse_color(color) if isinstance(color, str) else color
    return lab(np.asarray(rgb, np.uint8).reshape(1, 1, 3)).reshape(3)


def recolor(image: np.ndarray, color: str | tuple[int, int, int], mask: np.ndarray | None = None,
             keep_lightness: bool = False, contrast: float = 1.0, region: str = "dominant") -> np.ndarray:
    """uint8 RGB with the masked product moved to `color` (name, #hex or RGB tuple).

    mask: boolean (H, W) product mask; by default found from the studio backdrop. region:
    'dominant' recolours the product's main colour only (not the model wearing it, not black
    straps), 'whole' every masked pixel. contrast scales
    the lightness offsets (shading), e.g. >1 to keep a dark product's folds visible once lightened.
    Pixels outside the (feathered) mask are returned unchanged, bit for bit.
    """
    mask = product_mask(image) if mask is None else mask.astype(bool)
    if region not in ("dominant", "whole"):
        raise ValueError(f"region must be 'dominant' or 'whole', got {region!r}")
    if region == "dominant" and mask.any():
        mask = dominant_color_region(image, mask)
    if not mask.any():
        return image.copy()
    source = lab(image)
    offsets = source - source[mask].mean(axis=0)
    offsets[..., 0] *= contrast
    shifted = _target_lab(color) + offsets
    if keep_lightness:
        shifted[..., 0] = source[..., 0]
    shifted[..., 0] = np.clip(shifted[..., 0], 0.0, 100.0)
    rgb = np.clip(cv2.cvtColor(shifted.astype(np.float32), cv2.COLOR_LAB2RGB), 0.0, 1.0) * 255.0
    alpha = feathered(mask) * mask[..., None]  # feather inward only: the background stays bit-exact
    blended = alpha * rgb + (1.0 - alpha) * image.astype(np.float32)
    return np.where(mask[..., None], np.rint(blended), image).astype(np.uint8)
