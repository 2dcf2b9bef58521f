"""Synthetic catalog photos with a known product box, and folders of them, for tests/catalog."""

from __future__ import annotations

import hashlib
from pathlib import Path

import cv2
import numpy as np
from PIL import Image


def product_photo(side: int = 1200, fill: float = 0.8, centre: tuple[float, float] = (0.5, 0.5),
                  backdrop: int = 255, height: int | None = None) -> np.ndarray:
    """uint8 RGB: a striped orange garment-like shape (box fill x 0.7*fill of the frame, at
    `centre` as shares of width and height) on a flat `backdrop` grey level; crisp edges."""
    height = height or side
    image = np.full((height, side, 3), backdrop, np.uint8)
    box_h, box_w = fill * max(height, side), 0.7 * fill * max(height, side)
    cx, cy = centre[0] * side, centre[1] * height
    top, left = int(round(cy - box_h / 2)), int(round(cx - box_w / 2))
    bottom, right = int(round(cy + box_h / 2)), int(round(cx + box_w / 2))
    cv2.rectangle(image, (left, top), (right - 1, bottom - 1), (230, 120, 40), -1)
    for y in range(top, bottom, max(4, (bottom - top) // 30)):
        cv2.line(image, (left, y), (right - 1, y), (190, 90, 30), max(1, (bottom - top) // 120))
    return image


def write_photos(folder: Path, photos: dict[str, np.ndarray]) -> Path:
    """Write name -> image (name may hold sub-folders; its suffix picks the format) under folder."""
    for name, image in photos.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        Image.fromarray(image).save(path, quality=95) if path.suffix.lower() in (".jpg", ".jpeg") \
            else Image.fromarray(image).save(path)
    return folder


def tree_hashes(folder: Path) -> dict[str, str]:
    """relative path -> sha256 of every file under folder: inputs must never change."""
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}
