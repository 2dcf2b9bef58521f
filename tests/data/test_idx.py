"""IDX reader: MNIST-format images with labels beside them; wrong or short files are CatalogErrors naming the file."""

from __future__ import annotations

import gzip

import numpy as np
import pytest

from helpers.data import idx_bytes, write_idx_pair
from productgan.data.idx import labels_path_for, read_idx
from productgan.errors import CatalogError


def digits(count: int = 6, size: int = 28) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    return rng.integers(0, 256, (count, size, size), dtype=np.uint8), np.arange(count, dtype=np.uint8) % 10


@pytest.mark.parametrize("style", ["dash", "dot"])
@pytest.mark.parametrize("compress", [True, False])
def test_images_and_labels_are_read(tmp_path, style, compress):
    images, labels = digits()
    path = write_idx_pair(tmp_path, images, labels, style=style, compress=compress)
    catalog = read_idx(path, resolution=28, channels=1)
    assert catalog.images.shape == (6, 28, 28, 1)
    np.testing.assert_array_equal(catalog.images[..., 0], images)  # same size: untouched
    assert catalog.table == {"class": ["0", "1", "2", "3", "4", "5"]}
    assert catalog.files[2] == f"{path}#2"
    assert catalog.original_sizes == [(28, 28)] * 6


def test_labels_file_naming():
    from pathlib import Path

    assert labels_path_for(Path("/nowhere/train-images-idx3-ubyte.gz")) is None  # not on disk
    assert labels_path_for(Path("/nowhere/pictures.bin")) is None


def test_resize_is_antialiased_and_color_repeats_gray(tmp_path):
    checkerboard = ((np.indices((28, 28)).sum(axis=0) % 2) * 255).astype(np.uint8)
    path = write_idx_pair(tmp_path, checkerboard[None], None)
    catalog = read_idx(path, resolution=8, channels=3)
    assert catalog.images.shape == (1, 8, 8, 3)
    assert (catalog.images == catalog.images[..., :1]).all()  # all three channels equal the gray one
    assert np.abs(catalog.images.astype(int) - 128).max() <= 12
    assert catalog.table == {}  # no labels file beside it


def test_upscaling_keeps_a_flat_image_flat(tmp_path):
    path = write_idx_pair(tmp_path, np.full((2, 28, 28), 90, dtype=np.uint8), np.array([7, 7], dtype=np.uint8))
    catalog = read_idx(path, resolution=64, channels=1)
    assert catalog.images.shape == (2, 64, 64, 1) and (catalog.images == 90).all()


def test_folder_with_exactly_one_images_file(tmp_path):
    images, labels = digits(3)
    write_idx_pair(tmp_path, images, labels, prefix="t10k")
    catalog = read_idx(tmp_path, resolution=16, channels=1)
    assert len(catalog) == 3 and catalog.table["class"] == ["0", "1", "2"]


def test_folder_with_two_images_files_asks_for_one(tmp_path):
    images, labels = digits(3)
    write_idx_pair(tmp_path, images, labels, prefix="train")
    write_idx_pair(tmp_path, images, labels, prefix="t10k")
    with pytest.raises(CatalogError, match="exactly one IDX images file.*t10k-images.*train-images"):
        read_idx(tmp_path, 16, 1)


def test_wrong_magic_names_the_file(tmp_path):
    images, _ = digits(2)
    path = tmp_path / "train-images-idx3-ubyte"
    path.write_bytes(idx_bytes(images, 0x00000801)[:4] + idx_bytes(images, 0x00000803)[4:])
    with pytest.raises(CatalogError) as caught:
        read_idx(path, 28, 1)
    assert str(path) in str(caught.value) and "magic number 0x00000801, expected 0x00000803" in str(caught.value)


def test_labels_file_with_wrong_magic_is_refused(tmp_path):
    images, labels = digits(2)
    path = write_idx_pair(tmp_path, images, None, compress=False)
    (tmp_path / "train-labels-idx1-ubyte").write_bytes(idx_bytes(images, 0x00000803))
    with pytest.raises(CatalogError, match="train-labels-idx1-ubyte: not an IDX labels file"):
        read_idx(path, 28, 1)


def test_truncated_data_is_refused(tmp_path):
    images, _ = digits(4)
    path = tmp_path / "train-images-idx3-ubyte.gz"
    path.write_bytes(gzip.compress(idx_bytes(images, 0x00000803)[:-100]))
    with pytest.raises(CatalogError, match="truncated IDX file.*3136 bytes of data, found 3036"):
        read_idx(path, 28, 1)


def test_truncated_header_and_tiny_file_are_refused(tmp_path):
    path = tmp_path / "a-images-idx3-ubyte"
    path.write_bytes(b"\x00\x00\x08\x03\x00\x00")
    with pytest.raises(CatalogError, match="truncated IDX header"):
        read_idx(path, 28, 1)
    path.write_bytes(b"\x00")
    with pytest.raises(CatalogError, match="too short"):
        read_idx(path, 28, 1)


def test_truncated_gzip_is_refused(tmp_path):
    images, _ = digits(4)
    path = tmp_path / "train-images-idx3-ubyte.gz"
    path.write_bytes(gzip.compress(idx_bytes(images, 0x00000803))[:200])
    with pytest.raises(CatalogError, match="corrupt or truncated gzip"):
        read_idx(path, 28, 1)


def test_label_count_must_match_image_count(tmp_path):
    images, labels = digits(4)
    path = write_idx_pair(tmp_path, images, labels[:3])
    with pytest.raises(CatalogError, match="holds 3 labels but .* holds 4 images"):
        read_idx(path, 28, 1)
