"""Labelled grids: a grid of images with its rows (and columns) named in the picture itself.

Plain grids, PNG writes and tensor conversions live in productgan.imaging.
"""

from __future__ import annotations

import numpy as np
from PIL import Image

from productgan.imaging import grey_to_rgb, uint8_to_pil


def labelled_grid(grid: np.ndarray, row_labels: list[str], column_labels: list[str] | None = None,
                  scale: int = 2, font_size: int = 13) -> np.ndarray:
    """The grid upscaled by `scale` (nearest) with each row's label beside it, and optionally each
    column's label above it: uint8 (H', W', 3).

    The labels are drawn into the picture itself, so a grid keeps saying what its rows are when it
    is copied out of the report, opened alone or pasted into a slide.
    """
    from PIL import ImageDraw, ImageFont

    if grid.ndim == 3:
        grid = grey_to_rgb(grid)
    image = uint8_to_pil(grid).resize((grid.shape[1] * scale, grid.shape[0] * scale), Image.NEAREST)
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
