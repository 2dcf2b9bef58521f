"""A synthetic studio photo with a known product mask: a shaded, striped blue ellipse on white."""

from __future__ import annotations

import numpy as np

BLUE = np.array([40, 85, 200], np.float32)


def studio_photo(height: int = 120, width: int = 96) -> tuple[np.ndarray, np.ndarray]:
    """(uint8 RGB photo, boolean true product mask). Shading and stripes give texture to keep."""
    ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
    cy, cx = height * 0.55, width * 0.5
    inside = ((ys - cy) / (height * 0.3)) ** 2 + ((xs - cx) / (width * 0.3)) ** 2 <= 1.0
    shade = 0.75 + 0.25 * (xs / width)  # lit from the right
    stripes = 1.0 - 0.15 * ((ys // 6) % 2)
    product = BLUE * (shade * stripes)[..., None]
    photo = np.full((height, width, 3), 250.0, np.float32)
    photo[inside] = product[inside]
    return np.clip(np.rint(photo), 0, 255).astype(np.uint8), inside
