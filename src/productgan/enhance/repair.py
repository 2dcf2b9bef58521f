"""Repairing the damage a user has marked: a mask painted over scratches, dust and missing patches.

Why a mask: a blind restorer must first find the damage, and a flat patch of colour can be product
as easily as a hole; OpenCV's inpainting, the classical baseline, is always told where to work.
Given the same mask, the learned restorer (which refines OpenCV's fill, told where it is by a
repair plane at its input) and OpenCV's Telea inpainting alone are compared at equal information.
Masks are ordinary images, any mode: light pixels mark damage, as a healing brush paints it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import cv2
import numpy as np

from productgan.errors import ProductGANError
from productgan.photo_io import PhotoError, read_photo

MASK_THRESHOLD = 127  # grey levels above this are damage: survives anti-aliased brush edges and JPEG masks
INPAINT_RADIUS = 5


class RepairMaskError(ProductGANError, ValueError):
    """A repair mask that cannot be read or does not fit its photo."""


def read_repair_mask(path: str | Path, shape: tuple[int, int]) -> np.ndarray:
    """bool (H, W) from a mask image the size of its photo; RepairMaskError names the file otherwise."""
    try:
        painted = read_photo(path)
    except PhotoError as error:
        raise RepairMaskError(f"repair mask {error}") from None
    return repair_mask(painted, shape, str(path))


def repair_mask(painted: np.ndarray, shape: tuple[int, int], name: str) -> np.ndarray:
    """bool (H, W) from a decoded uint8 RGB mask image (a file's or an upload's), checked against its
    photo's (H, W); `name` says which mask in the error."""
    if painted.shape[:2] != tuple(shape):
        raise RepairMaskError(f"{name}: the mask is {painted.shape[1]}x{painted.shape[0]} px, its photo "
                              f"{shape[1]}x{shape[0]}: they must match; paint the mask on the photo's own canvas")
    return painted.max(axis=2) > MASK_THRESHOLD


def mask_for(masks: Path, photo: Path) -> Path | None:
    """The mask of `photo`: `masks` itself when it is a file, else the image in folder `masks` with the
    photo's stem (any image suffix); None when that folder has none (the photo is restored blind)."""
    if masks.is_file():
        return masks
    if not masks.is_dir():
        raise RepairMaskError(f"{masks}: no such mask file or folder")
    found = sorted(p for p in masks.glob(f"{photo.stem}.*") if p.is_file())
    return found[0] if found else None


def inpaint(image: np.ndarray, repair: np.ndarray) -> np.ndarray:
    """OpenCV's Telea inpainting of the marked pixels: the classical repair."""
    if not repair.any():
        return image
    return cv2.inpaint(image, repair.astype(np.uint8) * 255, INPAINT_RADIUS, cv2.INPAINT_TELEA)


def with_repair(enhancer: Callable[..., np.ndarray], task: str) -> Callable[[np.ndarray, np.ndarray | None], np.ndarray]:
    """enhancer(image, repair) for a task: classic and auto inpaint the marks and then run their steps; the
    restore model takes the mask itself (it prefills and refines); super-resolution refuses one."""
    if task == "restore":
        return enhancer
    if task in ("classic", "auto"):
        return lambda image, repair=None: enhancer(image if repair is None else inpaint(image, repair))
    raise RepairMaskError(f"a repair mask is for --task auto, classic or restore, not {task}")


def masked_file_enhancer(enhancer: Callable[..., np.ndarray], task: str, masks: Path) -> Callable[[np.ndarray, Path], np.ndarray]:
    """For photo_io.map_photos(with_source=True): each photo repaired with its own mask, if it has one."""
    repairing = with_repair(enhancer, task)

    def apply(image: np.ndarray, source: Path) -> np.ndarray:
        path = mask_for(masks, source)
        return repairing(image, None if path is None else read_repair_mask(path, image.shape[:2]))
    return apply
