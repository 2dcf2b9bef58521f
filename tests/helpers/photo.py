"""Synthetic studio photos with known product masks: a shaded, striped blue ellipse on white, and an
off-white shirt on a white backdrop (the white-on-white case of issue 15)."""

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


SKIN = (224, 172, 140)


def white_on_white(height: int = 160, width: int = 120, seed: int = 0) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(photo, shirt mask, arm mask): an off-white shirt with a faint fold shadow on a white backdrop
    with a little sensor noise, and a skin-coloured arm beside it (a model wearing the shirt)."""
    rng = np.random.default_rng(seed)
    ys, xs = np.mgrid[0:height, 0:width]
    shirt = (ys > 30) & (ys < 130) & (xs > 30) & (xs < 90)
    arm = (ys > 40) & (ys < 110) & (xs >= 90) & (xs < 102)
    photo = np.full((height, width, 3), 254.0)
    photo[shirt] = (244, 243, 240)  # about 3-5 Lab units from the backdrop: lost at threshold 12
    fold = shirt & (np.abs(xs - 60) < 6)
    photo[fold] = (232, 231, 228)  # a faint shadow in a fold
    photo[arm] = SKIN
    photo += rng.normal(0.0, 0.6, photo.shape)
    return np.clip(np.rint(photo), 0, 255).astype(np.uint8), shirt, arm
