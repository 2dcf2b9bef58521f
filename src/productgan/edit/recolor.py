"""Recolour the product in a photo, keeping its shading and texture, leaving the background alone.

The shift happens in CIE Lab, where lightness and colour are separate and distances follow
perception. Lightness: the product's mean L moves to the target's and every pixel keeps its own
offset from it (folds, seams, stitching survive); `keep_lightness=True` keeps L as it is.
Colour: for a chromatic product, the one rotation and scaling of the (a, b) plane that takes the
product's mean colour to the target's is applied to every pixel, so a pixel half as saturated as
the mean (an antialiased edge mixed with the white backdrop, a fold in shadow) becomes a half as
saturated target colour, not the target plus a leftover of the old hue. An achromatic product
(white, grey, black) has no hue to rotate: its colour moves by offsets, as its lightness does.

No halo: the recoloured region is the product's main colour grown, a few pixels at most, into
the pixels of the same hue family next to it (the antialiased edge, a fold too dark for the
main colour's cluster), each blended by how well it matches, so no pixel keeps the old hue and a
face or an arm of a nearby hue, far less saturated than the cloth, stays out. Pixels outside the
grown region are returned bit for bit.
"""

from __future__ import annotations

import cv2
import numpy as np

from productgan.edit.colors import parse_color
from productgan.edit.mask import _odd, dominant_color_region, feathered, lab, product_mask

MIN_HUE_CHROMA = 8.0  # Lab chroma below which a product is achromatic: no hue to follow or rotate
HUE_INNER, HUE_OUTER = 15.0, 30.0  # degrees from the main hue: full member within, none beyond
CHROMA_RATIO = (0.4, 0.55)  # a fold in shadow keeps at least about half the cloth's chroma
SHADOW_MISMATCH = (0.15, 0.3)  # |chroma ratio - lightness ratio|: a shadow dims both alike, skin does not
EDGE_CHROMA = (2.0, 6.0)  # next to the backdrop: any visible tint of the hue is the product's edge
MIX_MISMATCH = (8.0, 15.0)  # Lab L off the cloth-to-backdrop mixing line: not an edge pixel
EDGE_PX = 3  # how close to both the backdrop and the main colour an edge pixel lies
FOLD_MEMBERSHIP = 0.5  # a gap inside the main colour whose mean weight reaches this is a fold of it


def _target_lab(color: str | tuple[int, int, int]) -> np.ndarray:
    rgb = parse_color(color) if isinstance(color, str) else color
    return lab(np.asarray(rgb, np.uint8).reshape(1, 1, 3)).reshape(3)


def _ramp(values: np.ndarray, low: float, high: float) -> np.ndarray:
    return np.clip((values - low) / (high - low), 0.0, 1.0)


def same_color_family(source: np.ndarray, core: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """float32 (H, W) weight in 0..1 of each pixel's recolour: 1 on `core` (the main colour), the
    pixels of its hue family reachable from it within a few px weighted by how well they match,
    0 elsewhere. source: Lab image; core, mask: boolean main-colour region and product mask.

    Two ways to be the same cloth. A fold in shadow is the main colour with less light: its
    chroma falls with its lightness (chroma ratio ~ lightness ratio). An edge pixel is the main
    colour mixed with the backdrop: its lightness lies on the line between the two at its chroma
    ratio. Skin of a nearby hue is neither (as light as the cloth, half as saturated), so a face
    or hand next to an orange sleeve stays out.
    """
    main_ab = source[core][:, 1:].mean(axis=0)
    main_chroma, main_lightness = float(np.linalg.norm(main_ab)), float(source[core][:, 0].mean())
    lightness, ab = source[..., 0], source[..., 1:]
    chroma = np.linalg.norm(ab, axis=2)
    cosine = (ab @ (main_ab / main_chroma)) / np.maximum(chroma, 1e-6)
    hue = _ramp(cosine, np.cos(np.radians(HUE_OUTER)), np.cos(np.radians(HUE_INNER)))
    ratio = chroma / main_chroma
    shadow = _ramp(ratio, *CHROMA_RATIO) * (1.0 - _ramp(np.abs(ratio - lightness / max(main_lightness, 1.0)),
                                                        *SHADOW_MISMATCH))
    backdrop_lightness = float(np.median(lightness[~mask])) if (~mask).any() else 100.0
    mixed = np.clip(ratio, 0.0, 1.0)
    on_mix_line = np.abs(lightness - (mixed * main_lightness + (1.0 - mixed) * backdrop_lightness))
    edge = _ramp(chroma, *EDGE_CHROMA) * (1.0 - _ramp(on_mix_line, *MIX_MISMATCH))
    band = np.ones((2 * EDGE_PX + 1,) * 2, np.uint8)
    next_to_core = cv2.dilate(core.astype(np.uint8), band) > 0
    next_to_backdrop = next_to_core & (cv2.dilate((~mask).astype(np.uint8), band) > 0)
    # Right beside the main colour a pixel may be a mix with anything (skin, a strap): hue and
    # chroma say how much cloth it holds. Farther in, only a shadow of the cloth is cloth.
    mix = _ramp(ratio, *CHROMA_RATIO)
    membership = np.where(next_to_backdrop, np.maximum(edge, mix), np.where(next_to_core, mix, shadow))
    weight = (hue * membership).astype(np.float32)
    grown = _grow(core, weight > 0, reach=_odd(min(core.shape) / 60) // 2) | _enclosed_folds(core, mask, weight)
    return np.where(core, 1.0, np.where(grown, weight, 0.0)).astype(np.float32)


def _enclosed_folds(core: np.ndarray, mask: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """Gaps in the main colour, wholly inside the product, that are mostly its hue family: a fold
    too dark for the main colour's cluster, however wide. A hand resting on the cloth is not one:
    it is not of the family (and reaches the backdrop along the arm)."""
    count, labels = cv2.connectedComponents((~core).astype(np.uint8), connectivity=4)
    if count <= 1:
        return np.zeros_like(core)
    index = labels.ravel()
    sizes = np.bincount(index, minlength=count)
    outside = np.bincount(index, weights=(~mask).ravel().astype(np.float64), minlength=count)
    mean_weight = np.bincount(index, weights=weight.ravel().astype(np.float64), minlength=count) / np.maximum(sizes, 1)
    folds = (outside == 0) & (mean_weight >= FOLD_MEMBERSHIP)
    folds[0] = False  # label 0: the core itself
    return folds[labels] & ~core


def _grow(seed: np.ndarray, allowed: np.ndarray, reach: int) -> np.ndarray:
    """The pixels of `allowed` connected to `seed` through `allowed` within `reach` steps."""
    grown, allowed_bytes, step = seed.astype(np.uint8), allowed.astype(np.uint8), np.ones((3, 3), np.uint8)
    for _ in range(reach):
        grown = cv2.dilate(grown, step) & (allowed_bytes | seed)
    return grown > 0


def _shift_color(source: np.ndarray, core: np.ndarray, target: np.ndarray) -> np.ndarray:
    """(a, b) of every pixel moved so the core's mean lands on the target's: rotation and scaling
    of the a-b plane for a chromatic product, a plain offset for an achromatic one."""
    main_ab = source[core][:, 1:].mean(axis=0)
    main_chroma, target_ab = float(np.linalg.norm(main_ab)), target[1:]
    if main_chroma < MIN_HUE_CHROMA:
        return target_ab + (source[..., 1:] - main_ab)
    angle = np.arctan2(target_ab[1], target_ab[0]) - np.arctan2(main_ab[1], main_ab[0])
    scale = np.linalg.norm(target_ab) / main_chroma
    rotation = scale * np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]], np.float32)
    return source[..., 1:] @ rotation.T


def recolor(image: np.ndarray, color: str | tuple[int, int, int], mask: np.ndarray | None = None,
            keep_lightness: bool = False, contrast: float = 1.0, region: str = "dominant") -> np.ndarray:
    """uint8 RGB with the masked product moved to `color` (name, #hex or RGB tuple).

    mask: boolean (H, W) product mask; by default found from the studio backdrop. region:
    'dominant' recolours the product's main colour only (not the model wearing it, not black
    straps), 'whole' every masked pixel; either grows into the edge and folds of the same hue.
    contrast scales the lightness offsets (shading), e.g. >1 to keep a dark product's folds
    visible once lightened. Pixels outside the recoloured region are returned unchanged, bit for bit.
    """
    mask = product_mask(image) if mask is None else mask.astype(bool)
    if region not in ("dominant", "whole"):
        raise ValueError(f"region must be 'dominant' or 'whole', got {region!r}")
    core = dominant_color_region(image, mask) if region == "dominant" and mask.any() else mask
    if not core.any():
        return image.copy()
    source, target = lab(image), _target_lab(color)
    shifted = np.empty_like(source)
    shifted[..., 0] = source[..., 0] if keep_lightness else np.clip(
        target[0] + contrast * (source[..., 0] - source[..., 0][core].mean()), 0.0, 100.0)
    shifted[..., 1:] = _shift_color(source, core, target)
    rgb = np.clip(cv2.cvtColor(shifted.astype(np.float32), cv2.COLOR_LAB2RGB), 0.0, 1.0) * 255.0
    if np.linalg.norm(source[core][:, 1:].mean(axis=0)) >= MIN_HUE_CHROMA:
        weight = same_color_family(source, core, mask)[..., None]
    else:  # no hue to follow: the main colour's region, feathered inward so the backdrop stays bit-exact
        weight = feathered(core) * core[..., None]
    blended = weight * rgb + (1.0 - weight) * image.astype(np.float32)
    return np.where(weight > 0, np.rint(blended), image).astype(np.uint8)
