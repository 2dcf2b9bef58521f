"""Before/after pictures of `productgan catalog prepare`: each input beside its output, small JPEGs.

    python bench/catalog_pictures.py --source ../shared/datasets/luma --prepared /tmp/luma-prepared \
        --photos images/mb01-blue-0.jpg images/wh05-orange_main.jpg --out docs/catalog

Reads OUT/manifest.csv for each photo's output; writes OUT_DIR/<stem>-before-after.jpg, both
halves HEIGHT px high on a grey strip, so the white canvas shows where it ends.
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

import numpy as np
from PIL import Image

from productgan.photo_io import read_photo, write_photo


def side_by_side(before: np.ndarray, after: np.ndarray, height: int, gap: int = 8) -> np.ndarray:
    """The two images scaled to `height` px high, on a mid-grey strip with `gap` px between and around."""
    halves = [np.asarray(Image.fromarray(image).resize((round(image.shape[1] * height / image.shape[0]), height),
                                                      Image.LANCZOS)) for image in (before, after)]
    width = sum(h.shape[1] for h in halves) + 3 * gap
    strip = np.full((height + 2 * gap, width, 3), 128, np.uint8)
    left = gap
    for half in halves:
        strip[gap:gap + height, left:left + half.shape[1]] = half
        left += half.shape[1] + gap
    return strip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, required=True, help="The catalog folder prepare read.")
    parser.add_argument("--prepared", type=Path, required=True, help="prepare's --out (holds manifest.csv).")
    parser.add_argument("--photos", nargs="+", required=True, help="Inputs as the manifest names them.")
    parser.add_argument("--out", type=Path, required=True, help="Folder for the pictures.")
    parser.add_argument("--height", type=int, default=320, help="Height of each half in pixels.")
    args = parser.parse_args()
    rows = {row["input"]: row for row in csv.DictReader(open(args.prepared / "manifest.csv"))}
    for name in args.photos:
        row = rows[name]
        strip = side_by_side(read_photo(args.source / name), read_photo(args.prepared / row["output"]), args.height)
        path = write_photo(strip, args.out / f"{Path(name).stem}-before-after.jpg", quality=85)
        print(f"{path}: steps [{row['steps']}] warnings [{row['warnings']}]")


if __name__ == "__main__":
    main()
