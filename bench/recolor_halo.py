"""How much of the old colour a recolour leaves behind (issue 15: "halos and specks of the old
colour along edges and in shadowed folds; an orange hoodie turned blue").

For each orange luma photo, recolour to blue (#2050C0, default options) and count, within 6 px of
the product's main-colour region, the pixels that were strongly of the old hue (within 20 degrees
of its Lab hue, chroma over 0.6 of its chroma) and still are (within 20 degrees, chroma over 12).
A saturated tan skin can pass the first test, so the count is an upper bound on the cloth left.
Also counted: pixels changed outside the product mask (the backdrop should not change).

    PYTHONPATH=src python bench/recolor_halo.py --luma ../shared/datasets/luma
"""

from __future__ import annotations

import argparse
from pathlib import Path

import cv2
import numpy as np

from productgan.edit.mask import dominant_color_region, lab, product_mask
from productgan.edit.recolor import recolor
from productgan.photo_io import read_photo

PHOTOS = ("mj10-orange_main.jpg", "ws05-orange_main.jpg", "mj01-orange_main.jpg", "mj02-orange_main.jpg")
TARGET = "#2050C0"


def hue_distance(ab: np.ndarray, reference_angle: float) -> np.ndarray:
    angle = np.arctan2(ab[..., 1], ab[..., 0])
    return np.degrees(np.abs(np.angle(np.exp(1j * (angle - reference_angle)))))


def old_colour_left(image: np.ndarray) -> tuple[int, int, int]:
    """(cloth pixels of the old hue near the main colour, how many keep it, pixels changed off the product)."""
    mask = product_mask(image)
    core = dominant_color_region(image, mask)
    source = lab(image)
    main_ab = source[core][:, 1:].mean(axis=0)
    main_angle, main_chroma = np.arctan2(main_ab[1], main_ab[0]), np.linalg.norm(main_ab)
    near = cv2.dilate(core.astype(np.uint8), np.ones((13, 13), np.uint8)) > 0
    cloth = near & (hue_distance(source[..., 1:], main_angle) < 20) & (
        np.linalg.norm(source[..., 1:], axis=2) > 0.6 * main_chroma)
    result = recolor(image, TARGET)
    after = lab(result)[..., 1:]
    kept = cloth & (hue_distance(after, main_angle) < 20) & (np.linalg.norm(after, axis=2) > 12)
    return int(cloth.sum()), int(kept.sum()), int((np.any(result != image, axis=2) & ~mask).sum())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--luma", type=Path, default=Path("../shared/datasets/luma"), help="The luma dataset folder.")
    args = parser.parse_args()
    print("| photo | old-hue cloth px near the main colour | still old hue after recolour | changed off the product |")
    print("|---|---|---|---|")
    for name in PHOTOS:
        cloth, kept, outside = old_colour_left(read_photo(args.luma / "images" / name))
        print(f"| {name} | {cloth} | {kept} ({100 * kept / max(cloth, 1):.1f}%) | {outside} |")


if __name__ == "__main__":
    main()
