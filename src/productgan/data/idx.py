"""IDX files (the MNIST / Fashion-MNIST format), plain or gzip: an images file plus the labels file beside it.

Format: 4-byte big-endian magic (0x00000803 for uint8 images N x rows x cols, 0x00000801 for
uint8 labels N), then one big-endian uint32 per dimension, then the raw bytes.
"""

from __future__ import annotations

import gzip
import struct
import zlib
from pathlib import Path

import numpy as np

from productgan.data.catalog import Catalog
from productgan.data.images import check_catalog_memory, pad_to_square, resize_square
from productgan.data.names import printable
from productgan.errors import CatalogError

IMAGES_MAGIC = 0x00000803
LABELS_MAGIC = 0x00000801
GZIP_MAGIC = b"\x1f\x8b"
CLASS_COLUMN = "class"


def read_idx_array(path: Path, expected_magic: int) -> np.ndarray:
    """The uint8 array an IDX file holds; a wrong magic number or short data is a CatalogError naming the file."""
    raw = _read_bytes(path)
    if len(raw) < 4:
        raise CatalogError(f"{printable(path)}: too short to be an IDX file ({len(raw)} bytes)")
    magic = int.from_bytes(raw[:4], "big")
    if magic != expected_magic:
        kind = "images" if expected_magic == IMAGES_MAGIC else "labels"
        raise CatalogError(
            f"{printable(path)}: not an IDX {kind} file (magic number 0x{magic:08x}, expected 0x{expected_magic:08x})"
        )
    ndim = raw[3]
    header_size = 4 + 4 * ndim
    if len(raw) < header_size:
        raise CatalogError(f"{printable(path)}: truncated IDX header ({len(raw)} bytes, expected {header_size})")
    shape = struct.unpack(f">{ndim}I", raw[4:header_size])
    expected_bytes = int(np.prod(shape, dtype=np.int64))
    found_bytes = len(raw) - header_size
    if found_bytes < expected_bytes:
        raise CatalogError(
            f"{printable(path)}: truncated IDX file: header promises shape {shape} = {expected_bytes} bytes of data, "
            f"found {found_bytes}"
        )
    return np.frombuffer(raw, dtype=np.uint8, count=expected_bytes, offset=header_size).reshape(shape)


def _read_bytes(path: Path) -> bytes:
    """File contents, gunzipped when the file starts with the gzip magic (whatever its name says)."""
    try:
        with open(path, "rb") as handle:
            raw = handle.read()
        return gzip.decompress(raw) if raw[:2] == GZIP_MAGIC else raw
    except (EOFError, zlib.error, gzip.BadGzipFile) as exc:
        raise CatalogError(f"{printable(path)}: corrupt or truncated gzip data ({exc})") from None
    except OSError as exc:
        raise CatalogError(f"cannot read {printable(path)}: {exc.strerror or exc}") from None


def find_idx_images(folder: Path) -> list[Path]:
    """IDX image files directly in folder, recognised by 'idx3' in their name (MNIST naming)."""
    return sorted(
        path
        for path in folder.iterdir()
        if path.is_file() and "idx3" in path.name.lower() and not path.name.startswith(".")
    )


def labels_path_for(images_path: Path) -> Path | None:
    """The labels file beside an images file: train-images-idx3-ubyte(.gz) -> train-labels-idx1-ubyte(.gz)."""
    name = images_path.name
    if "images" not in name:
        return None
    stem = name.replace("images", "labels").replace("idx3", "idx1").removesuffix(".gz")
    for candidate in (images_path.with_name(stem), images_path.with_name(stem + ".gz")):
        if candidate.is_file():
            return candidate
    return None


def idx_input_files(path: Path) -> list[Path]:
    """The files an IDX catalog is read from (images, and labels when present): what the cache must watch."""
    images_path = _images_path(path)
    labels_path = labels_path_for(images_path)
    return [images_path] + ([labels_path] if labels_path else [])


def _images_path(path: Path) -> Path:
    if not path.is_dir():
        return path
    found = find_idx_images(path)
    if len(found) != 1:
        listing = printable(", ".join(p.name for p in found)) or "none"
        raise CatalogError(
            f"{printable(path)}: expected exactly one IDX images file (*idx3*) in the folder, found {listing}; "
            "name the file instead"
        )
    return found[0]


def read_idx(path: str | Path, resolution: int, channels: int) -> Catalog:
    """Read an IDX images file (or a folder holding exactly one), with labels as column 'class' when found.

    Labels are kept as their digit strings ('0'..'9'); images are resized with antialiasing and
    channels=3 repeats the gray channel.
    """
    images_path = _images_path(Path(path))
    raw_images = read_idx_array(images_path, IMAGES_MAGIC)
    if raw_images.ndim != 3:
        raise CatalogError(
            f"{printable(images_path)}: IDX images must be (N, rows, cols), found shape {raw_images.shape}"
        )
    table = {}
    labels_path = labels_path_for(images_path)
    if labels_path is not None:
        labels = read_idx_array(labels_path, LABELS_MAGIC).reshape(-1)
        if len(labels) != len(raw_images):
            raise CatalogError(
                f"{printable(labels_path)} holds {len(labels)} labels "
                f"but {printable(images_path)} holds {len(raw_images)} images"
            )
        table[CLASS_COLUMN] = [str(int(label)) for label in labels]
    count, rows, cols = raw_images.shape
    check_catalog_memory(count, resolution, channels, str(images_path))
    return Catalog(
        images=resize_gray(raw_images, resolution, channels),
        table=table,
        files=[f"{images_path}#{i}" for i in range(count)],
        source=str(images_path),
        original_sizes=[(cols, rows)] * count,
    )


def resize_gray(raw_images: np.ndarray, resolution: int, channels: int) -> np.ndarray:
    """uint8 (N, rows, cols) -> uint8 (N, resolution, resolution, channels), antialiased, padded to square if needed."""
    count, rows, cols = raw_images.shape
    if rows == cols == resolution:
        resized = raw_images[..., None].copy()
    else:
        resized = np.empty((count, resolution, resolution, 1), dtype=np.uint8)
        for index, image in enumerate(raw_images):
            resized[index] = resize_square(pad_to_square(image[..., None]), resolution)
    return np.repeat(resized, 3, axis=3) if channels == 3 else resized
