"""Encoding rendered uint8 images for HTTP: PNG bytes, base64 for JSON, horizontal strips."""

from __future__ import annotations

import base64
import io

import numpy as np
from PIL import Image

from productgan.grid import make_grid


def png_bytes(image: np.ndarray) -> bytes:
    """One uint8 (H, W, C) image as PNG; the same pixels always give the same bytes."""
    array = image.squeeze(-1) if image.ndim == 3 and image.shape[2] == 1 else image
    buffer = io.BytesIO()
    Image.fromarray(array).save(buffer, format="PNG")
    return buffer.getvalue()


def png_list(images: np.ndarray) -> list[bytes]:
    return [png_bytes(image) for image in images]


def strip_png(images: np.ndarray) -> bytes:
    """uint8 (N, H, W, C) side by side in one PNG, 2 px white gaps."""
    return png_bytes(make_grid(images, ncols=len(images)))


def grid_png(images: np.ndarray, columns: int = 8) -> bytes:
    return png_bytes(make_grid(images, ncols=columns))


def base64_list(pngs: list[bytes]) -> list[str]:
    return [base64.b64encode(png).decode("ascii") for png in pngs]
