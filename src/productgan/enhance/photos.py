"""Full-size catalog photos for training enhancers, and the random crops cut from them.

The GAN's catalog readers shrink every image to a small square; an enhancer needs the opposite,
the photo at its own size, because its targets are the photo's finest details. Files are found as
the catalog readers find them (a folder, or a folder with attributes.csv) and decoded through
read_photo's guards; an unreadable or too-small file is skipped with its reason, never fatal.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
import torch

from productgan.data.catalog import SkippedFile
from productgan.data.folder import list_files
from productgan.data.names import printable
from productgan.data.paths import EntryRefused, resolve_catalog_entry
from productgan.data.images import is_image_file
from productgan.data.split import PRODUCT_COLUMN
from productgan.data.table import ATTRIBUTES_CSV, read_attributes
from productgan.enhance.damage import damage_measures
from productgan.enhance.networks import image_statistics
from productgan.errors import CatalogError
from productgan.imaging import uint8_to_tensor
from productgan.photo_io import PhotoError, read_photo

CONTEXT_SIDE = 128  # longest side of the thumbnail whole-photo statistics are read from
PLAIN_STD = 4.0  # a crop whose pixel std (0-255) is below this is plain studio background
CROP_TRIES = 10


@dataclass
class PhotoSet:
    """Decoded photos (uint8 (H, W, 3), each its own size), their files relative to root, and product ids
    (None when the catalog has no product column)."""

    root: Path
    files: list[str]
    photos: list[np.ndarray]
    products: list[str] | None
    skipped: list[SkippedFile]

    def grouping(self) -> dict[str, list[str]] | list[str]:
        """What split_by_product groups by: the product column, or each file on its own."""
        return {PRODUCT_COLUMN: self.products} if self.products is not None else list(self.files)


def read_catalog_photos(root: str | Path, min_side: int) -> PhotoSet:
    """Read every photo of a catalog folder at full size; photos smaller than min_side are skipped."""
    root = Path(root)
    if not root.is_dir():
        raise CatalogError(f"{root} is not a folder of photos (learned enhancers train on a folder, "
                           f"optionally with {ATTRIBUTES_CSV})")
    paths, products, skipped = _list_photos(root)
    kept_files, kept_photos, kept_products = [], [], []
    for index, path in enumerate(paths):
        try:
            photo = read_photo(path)
        except PhotoError as error:
            skipped.append(SkippedFile(str(path), str(error)))
            continue
        if min(photo.shape[:2]) < min_side:
            skipped.append(SkippedFile(str(path), f"{photo.shape[1]}x{photo.shape[0]} is smaller than the {min_side} px crop"))
            continue
        kept_files.append(path.resolve().relative_to(root.resolve()).as_posix())
        kept_photos.append(photo)
        if products is not None:
            kept_products.append(products[index])
    if not kept_photos:
        raise CatalogError(f"{root} holds no usable photo ({len(skipped)} skipped)")
    return PhotoSet(root, kept_files, kept_photos, kept_products if products is not None else None, skipped)


def _list_photos(root: Path) -> tuple[list[Path], list[str] | None, list[SkippedFile]]:
    csv_path = root / ATTRIBUTES_CSV
    if not csv_path.exists():
        return [p for p in list_files(root) if is_image_file(p)], None, []
    table = read_attributes(csv_path)
    paths, products, skipped = [], [], []
    for row in table.rows:
        try:
            path = resolve_catalog_entry(root, row.file)
        except EntryRefused as refused:  # outside the folder, a device, missing: never opened
            skipped.append(SkippedFile(printable(row.file), f"{refused.reason} (line {row.line} of {ATTRIBUTES_CSV})"))
            continue
        paths.append(path)
        products.append(row.values.get(PRODUCT_COLUMN, ""))
    return paths, (products if PRODUCT_COLUMN in table.columns else None), skipped


def random_crop(photo: np.ndarray, size: int, rng: np.random.Generator) -> np.ndarray:
    """A size x size crop at content_window's place."""
    top, left = content_window(photo, size, rng)
    return np.ascontiguousarray(photo[top:top + size, left:left + size])


def content_window(photo: np.ndarray, size: int, rng: np.random.Generator) -> tuple[int, int]:
    """(top, left) of a size x size window, preferring one with content: product shots are mostly
    plain white, and a crop of background teaches nothing. Falls back to the last try when every
    try is plain."""
    height, width = photo.shape[:2]
    for _ in range(CROP_TRIES):
        y, x = int(rng.integers(0, height - size + 1)), int(rng.integers(0, width - size + 1))
        if photo[y:y + size, x:x + size].std() >= PLAIN_STD:
            break
    return y, x


def context_thumbnail(photo: np.ndarray) -> np.ndarray:
    """The whole photo at most CONTEXT_SIDE px on its longest side (area-averaged): where image-level
    statistics are read, the same way in training (per photo) and in use (per input)."""
    height, width = photo.shape[:2]
    factor = CONTEXT_SIDE / max(height, width)
    if factor >= 1:
        return photo
    size = (max(1, round(width * factor)), max(1, round(height * factor)))
    return cv2.resize(photo, size, interpolation=cv2.INTER_AREA)


def whole_photo_statistics(photo: np.ndarray, damage_planes: bool, device: torch.device) -> torch.Tensor:
    """(1, S) float: the exposure of the photo's thumbnail and, for a restorer with damage planes,
    the damage measures of the photo at its own size (noise and JPEG blocks vanish in a thumbnail).
    One function for training and use, so the net reads in use the values it was taught."""
    statistics = image_statistics(uint8_to_tensor(context_thumbnail(photo)[None], device))
    if not damage_planes:
        return statistics
    return torch.cat([statistics, torch.from_numpy(damage_measures(photo))[None].to(statistics)], 1)


def shrunk_photo(photo: np.ndarray, side: tuple[int, int], rng: np.random.Generator) -> np.ndarray:
    """The photo area-averaged so its short side is drawn from side = (low, high); (0, 0), or a
    photo already smaller: as it is."""
    if side == (0, 0) or min(photo.shape[:2]) <= side[0]:
        return photo
    factor = min(1.0, int(rng.integers(side[0], side[1] + 1)) / min(photo.shape[:2]))
    size = (max(1, round(photo.shape[1] * factor)), max(1, round(photo.shape[0] * factor)))
    return cv2.resize(photo, size, interpolation=cv2.INTER_AREA)
