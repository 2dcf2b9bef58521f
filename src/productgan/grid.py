"""Image grids and atomic PNG writes, shared by training samples, contact sheets and reports."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image

from productgan.atomic import write_atomic


def make_grid(images: np.ndarray, ncols: int, pad: int = 2, pad_value: int = 255) -> np.ndarray:
    """Tile uint8 images (N, H, W, C) into one (rows*H', ncols*W', 3) uint8 array, row-major."""
    if images.ndim != 4 or images.dtype != np.uint8:
        raise ValueError(f"expected uint8 (N,H,W,C), got {images.dtype} {images.shape}")
    if images.shape[3] == 1:
        images = np.repeat(images, 3, axis=3)
    n, h, w, _ = images.shape
    ncols = max(1, min(ncols, n))
    nrows = -(-n // ncols)
    canvas = np.full((nrows * (h + pad) + pad, ncols * (w + pad) + pad, 3), pad_value, dtype=np.uint8)
    for i, image in enumerate(images):
        r, c = divmod(i, ncols)
        y, x = pad + r * (h + pad), pad + c * (w + pad)
        canvas[y : y + h, x : x + w] = image
    return canvas


def save_png(array: np.ndarray, path: str | Path, scale: int = 1) -> Path:
    """Write a uint8 (H, W, C) array as PNG atomically (temp file + rename), optionally upscaled."""
    image = Image.fromarray(array.squeeze(-1) if array.ndim == 3 and array.shape[2] == 1 else array)
    if scale > 1:
        image = image.resize((image.width * scale, image.height * scale), Image.NEAREST)
    return write_atomic(path, lambda handle: image.save(handle, format="PNG"))


def to_uint8(images) -> np.ndarray:
    """Convert a float tensor/array in [-1, 1], NCHW, to uint8 NHWC."""
    array = images.detach().float().cpu().numpy() if hasattr(images, "detach") else np.asarray(images)
    array = np.clip((array + 1.0) * 127.5 + 0.5, 0, 255).astype(np.uint8)
    return array.transpose(0, 2, 3, 1)


def labelled_grid(grid: np.ndarray, row_labels: list[str], column_labels: list[str] | None = None,
                  scale: int = 2, font_size: int = 13) -> np.ndarray:
    """The grid upscaled by `scale` (nearest) with each row's label beside it, and optionally each
    column's label above it: uint8 (H', W', 3).

    The labels are drawn into the picture itself, so a grid keeps saying what its rows are when it
    is copied out of the report, opened alone or pasted into a slide.
    """
    from PIL import ImageDraw, ImageFont

    if grid.ndim == 3 and grid.shape[2] == 1:
        grid = np.repeat(grid, 3, axis=2)
    image = Image.fromarray(grid).resize((grid.shape[1] * scale, grid.shape[0] * scale), Image.NEAREST)
    font = ImageFont.load_default(size=font_size)
    measure = ImageDraw.Draw(Image.new("RGB", (1, 1)))
    width_of = lambda text: int(measure.textlength(text, font=font))  # noqa: E731
    left = max((width_of(label) for label in row_labels), default=0) + (10 if row_labels else 0)
    top = font_size + 8 if column_labels else 0
    canvas = Image.new("RGB", (image.width + left, image.height + top), "white")
    canvas.paste(image, (left, top))
    draw = ImageDraw.Draw(canvas)
    for index, label in enumerate(row_labels):
        centre = top + (index + 0.5) * image.height / len(row_labels)
        draw.text((left - 6, centre), label, fill=(30, 30, 30), font=font, anchor="rm")
    for index, label in enumerate(column_labels or []):
        centre = left + (index + 0.5) * image.width / len(column_labels)
        draw.text((centre, top - 4), label, fill=(30, 30, 30), font=font, anchor="ms")
    return np.asarray(canvas)
