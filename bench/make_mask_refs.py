"""Build the reference masks of the product-mask check set (bench/mask_check/): the most careful
method at hand, run once, then inspected by eye and corrected per photo in photos.csv.

For each photo: the backdrop-distance mask at a threshold chosen by hand for that photo (the
`threshold` column), then 10 GrabCut iterations at full size seeded by it (sure product: its core;
sure backdrop: far from it), then the same hole filling as product_mask. The masks are written as
1-bit PNGs next to photos.csv, and an overlay sheet (outline in red, backdrop tinted) for the eye:

    PYTHONPATH=src python bench/make_mask_refs.py --luma ../shared/datasets/luma --sheet /tmp/refs.png

The photos are read from ../shared and never copied; only the derived masks (a few KB each) are kept.
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

import cv2
import numpy as np
from PIL import Image

from productgan.edit.mask import _grabcut, product_mask
from productgan.photo_io import read_photo

CHECK_DIR = Path(__file__).resolve().parent / "mask_check"
REFERENCE_ITERATIONS = 10


def check_set(folder: Path = CHECK_DIR) -> list[dict]:
    """The rows of photos.csv: file (under luma/images), subset (white | bag | watch | other), threshold."""
    with open(folder / "photos.csv", newline="") as handle:
        return list(csv.DictReader(handle))


def reference_mask(image: np.ndarray, threshold: float) -> np.ndarray:
    seed = product_mask(image, threshold=threshold).astype(np.uint8) * 255
    refined = _grabcut(image, seed, iterations=REFERENCE_ITERATIONS)
    return product_mask_like_cleanup(refined)


def product_mask_like_cleanup(mask: np.ndarray) -> np.ndarray:
    from productgan.edit.mask import _drop_specks, _fill_small_holes

    return _fill_small_holes(_drop_specks(mask, 0.05), 0.005) > 0


def overlay(image: np.ndarray, mask: np.ndarray, width: int = 310) -> np.ndarray:
    """The photo with the backdrop tinted magenta and the mask's outline in red, `width` px wide."""
    shown = image.copy()
    shown[~mask] = (0.5 * shown[~mask] + 0.5 * np.array([255, 0, 255])).astype(np.uint8)
    contours, _ = cv2.findContours(mask.astype(np.uint8), cv2.RETR_LIST, cv2.CHAIN_APPROX_NONE)
    cv2.drawContours(shown, contours, -1, (255, 0, 0), 2)
    return cv2.resize(shown, (width, round(width * image.shape[0] / image.shape[1])), interpolation=cv2.INTER_AREA)


def sheet(tiles: list[np.ndarray], columns: int = 5) -> np.ndarray:
    height = max(t.shape[0] for t in tiles)
    tiles = [np.pad(t, ((0, height - t.shape[0]), (0, 0), (0, 0)), constant_values=255) for t in tiles]
    tiles += [np.full_like(tiles[0], 255)] * (-len(tiles) % columns)
    return np.concatenate([np.concatenate(tiles[i:i + columns], 1) for i in range(0, len(tiles), columns)], 0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--luma", type=Path, default=Path("../shared/datasets/luma"), help="The luma dataset folder.")
    parser.add_argument("--sheet", type=Path, help="Also write an overlay sheet PNG here, to inspect by eye.")
    parser.add_argument("--only", nargs="*", help="Rebuild only these files.")
    args = parser.parse_args()
    tiles = []
    for row in check_set():
        target = CHECK_DIR / (Path(row["file"]).stem + ".png")
        image = read_photo(args.luma / "images" / row["file"])
        if args.only is None or row["file"] in args.only:
            mask = reference_mask(image, float(row["threshold"]))
            Image.fromarray(mask).convert("1").save(target, optimize=True)
        mask = np.asarray(Image.open(target).convert("L")) > 127
        tile = overlay(image, mask)
        cv2.putText(tile, f"{row['file'][:26]} t={row['threshold']}", (3, 14), cv2.FONT_HERSHEY_SIMPLEX, 0.4, (0, 0, 0), 1)
        tiles.append(tile)
    if args.sheet:
        Image.fromarray(sheet(tiles)).save(args.sheet)


if __name__ == "__main__":
    main()
