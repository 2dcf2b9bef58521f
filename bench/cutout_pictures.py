"""The picture of cut-outs in docs/cutouts/: a few luma photos (white garments on white among
them), each as the photo, the cut-out with the old fixed-threshold mask, and with the default
(adaptive) mask, on a checkerboard so transparency shows.

    PYTHONPATH=src python bench/cutout_pictures.py --luma ../shared/datasets/luma --out docs/cutouts/cutouts.png
"""

from __future__ import annotations

import argparse
from pathlib import Path

import cv2
import numpy as np

from productgan.edit.cutout import cutout
from productgan.edit.mask import product_mask
from productgan.atomic import write_atomic
from productgan.imaging import encode_png
from productgan.photo_io import read_photo

PHOTOS = ("wt09-white_main.jpg", "wh08-white_main.jpg", "ms07-white_main.jpg", "mb01-blue-0.jpg", "wg09-gr-0.jpg")
TILE_WIDTH = 180


def checkerboard(height: int, width: int, square: int = 12) -> np.ndarray:
    ys, xs = np.mgrid[0:height, 0:width]
    light = ((ys // square + xs // square) % 2).astype(bool)
    board = np.full((height, width, 3), 150, np.uint8)
    board[light] = 200
    return board


def on_checkerboard(rgba: np.ndarray) -> np.ndarray:
    weight = rgba[..., 3:].astype(np.float32) / 255.0
    board = checkerboard(*rgba.shape[:2]).astype(np.float32)
    return np.rint(weight * rgba[..., :3] + (1.0 - weight) * board).astype(np.uint8)


def tile(image: np.ndarray) -> np.ndarray:
    height = round(TILE_WIDTH * image.shape[0] / image.shape[1])
    return cv2.resize(image, (TILE_WIDTH, height), interpolation=cv2.INTER_AREA)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--luma", type=Path, default=Path("../shared/datasets/luma"), help="The luma dataset folder.")
    parser.add_argument("--out", type=Path, default=Path("docs/cutouts/cutouts.png"), help="The PNG to write.")
    args = parser.parse_args()
    rows = []
    for name in PHOTOS:
        photo = read_photo(args.luma / "images" / name)
        old = cutout(photo, product_mask(photo, threshold=12.0))
        new = cutout(photo)
        rows.append(np.concatenate([tile(photo), tile(on_checkerboard(old)), tile(on_checkerboard(new))], axis=0))
    data = encode_png(np.concatenate(rows, axis=1), optimize=True)
    write_atomic(args.out, lambda handle: handle.write(data))


if __name__ == "__main__":
    main()
