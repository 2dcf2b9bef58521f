"""Small image, CSV and IDX files written on the fly for the reader tests."""

from __future__ import annotations

import gzip
import struct
import zlib
from pathlib import Path

import numpy as np
from PIL import Image

GREY = (200, 200, 200)
RED = (220, 30, 30)


def write_image(path: Path, array: np.ndarray, **save_options) -> Path:
    """Save a uint8 (H, W) or (H, W, 3) array; the format follows the extension."""
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(np.asarray(array, dtype=np.uint8)).save(path, **save_options)
    return path


def solid(height: int, width: int, color=RED) -> np.ndarray:
    return np.tile(np.asarray(color, dtype=np.uint8), (height, width, 1))


def product_on_background(height: int = 20, width: int = 40, background=GREY, product=RED) -> np.ndarray:
    """A red block in the middle of a light-grey studio backdrop."""
    array = solid(height, width, background)
    array[height // 4 : 3 * height // 4, width // 4 : 3 * width // 4] = product
    return array


def jpeg_bytes(array: np.ndarray, **save_options) -> bytes:
    import io

    buffer = io.BytesIO()
    Image.fromarray(array).save(buffer, format="JPEG", **save_options)
    return buffer.getvalue()


def bomb_png_bytes(width: int, height: int) -> bytes:
    """A PNG whose header claims width x height 1-bit pixels but that holds almost no data (a few hundred bytes)."""

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)
    signature = b"\x89PNG\r\n\x1a\n"
    return signature + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00" * 64)) + chunk(b"IEND", b"")


def idx_bytes(array: np.ndarray, magic: int) -> bytes:
    """IDX encoding of a uint8 array; the low byte of magic is the number of dimensions."""
    return struct.pack(">I", magic) + struct.pack(f">{array.ndim}I", *array.shape) + array.astype(np.uint8).tobytes()


def write_idx_pair(
    folder: Path, images: np.ndarray, labels: np.ndarray | None, prefix: str = "train", style: str = "dash",
    compress: bool = True,
) -> Path:
    """Write MNIST-named images (and labels): style 'dash' train-images-idx3-ubyte, 'dot' train-images.idx3-ubyte."""
    folder.mkdir(parents=True, exist_ok=True)
    separator = "-" if style == "dash" else "."
    suffix = ".gz" if compress else ""
    images_path = folder / f"{prefix}-images{separator}idx3-ubyte{suffix}"
    _write_maybe_gzip(images_path, idx_bytes(images, 0x00000803), compress)
    if labels is not None:
        labels_path = folder / f"{prefix}-labels{separator}idx1-ubyte{suffix}"
        _write_maybe_gzip(labels_path, idx_bytes(labels, 0x00000801), compress)
    return images_path


def _write_maybe_gzip(path: Path, data: bytes, compress: bool) -> None:
    path.write_bytes(gzip.compress(data) if compress else data)


def write_csv(folder: Path, text: str, name: str = "attributes.csv") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8", newline="")
    return path
