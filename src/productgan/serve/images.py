"""Encoding rendered uint8 images for HTTP: PNG bytes, base64 for JSON, horizontal strips."""

from __future__ import annotations

import base64

import numpy as np

from productgan.imaging import encode_png, frame_strip, make_grid

# serve/service.py's name for imaging.encode_png (another piece of issue 14 owns service.py).
png_bytes = encode_png


def png_list(images: np.ndarray) -> list[bytes]:
    return [encode_png(image) for image in images]


def strip_png(images: np.ndarray) -> bytes:
    """uint8 (N, H, W, C) side by side in one PNG, 2 px white gaps."""
    return encode_png(frame_strip(images))


def grid_png(images: np.ndarray, columns: int = 8) -> bytes:
    return encode_png(make_grid(images, ncols=columns))


def base64_list(pngs: list[bytes]) -> list[str]:
    return [base64.b64encode(png).decode("ascii") for png in pngs]
