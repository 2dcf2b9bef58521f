"""load_catalog picks the reader from the spec and turns unusable input into a CatalogError that says why."""

from __future__ import annotations

import numpy as np
import pytest

from helpers.data import solid, write_csv, write_idx_pair, write_image
from productgan.data.load import load_catalog
from productgan.errors import CatalogError


def test_folder_with_attributes_csv_uses_the_table(tmp_path):
    write_image(tmp_path / "shoes" / "a.png", solid(8, 8))
    write_csv(tmp_path, "file,color\nshoes/a.png,Red\n")
    catalog = load_catalog(tmp_path, resolution=8, channels=3)
    assert catalog.table == {"color": ["Red"]}  # not 'class' from the sub-folder
    assert load_catalog(tmp_path / "attributes.csv", resolution=8).table == {"color": ["Red"]}


def test_folder_with_class_sub_folders_uses_the_folder_reader(tmp_path):
    write_image(tmp_path / "shoes" / "a.png", solid(8, 8))
    write_image(tmp_path / "bags" / "b.png", solid(8, 8))
    catalog = load_catalog(str(tmp_path), resolution=16, channels=1)
    assert catalog.table == {"class": ["bags", "shoes"]}
    assert catalog.images.shape == (2, 16, 16, 1)


def test_idx_file_and_idx_folder(tmp_path):
    images = np.full((3, 28, 28), 40, dtype=np.uint8)
    path = write_idx_pair(tmp_path, images, np.array([1, 2, 3], dtype=np.uint8))
    for spec in (path, tmp_path):
        catalog = load_catalog(spec, resolution=32, channels=3)
        assert catalog.images.shape == (3, 32, 32, 3) and catalog.table == {"class": ["1", "2", "3"]}


def test_missing_path_is_a_clear_error(tmp_path):
    with pytest.raises(CatalogError, match="catalog path '.*nowhere' does not exist"):
        load_catalog(tmp_path / "nowhere")


def test_catalog_without_usable_images_names_the_skipped_files(tmp_path):
    (tmp_path / "broken.jpg").write_bytes(b"")
    (tmp_path / "fake.png").write_text("hello")
    (tmp_path / "list.txt").write_text("x")
    with pytest.raises(CatalogError) as caught:
        load_catalog(tmp_path, resolution=8)
    message = str(caught.value)
    assert "no usable image" in message
    assert "broken.jpg: empty file (0 bytes)" in message
    assert "fake.png: not an image" in message and "list.txt: not an image file extension" in message


def test_empty_folder_is_a_clear_error(tmp_path):
    with pytest.raises(CatalogError, match="no usable image"):
        load_catalog(tmp_path)


@pytest.mark.parametrize("channels", [0, 2, 4, True])
def test_channels_must_be_1_or_3(tmp_path, channels):
    with pytest.raises(CatalogError, match="channels must be 1 .* or 3"):
        load_catalog(tmp_path, channels=channels)


@pytest.mark.parametrize("resolution", [4, 7, 0, 16.0])
def test_resolution_must_be_an_integer_of_at_least_8(tmp_path, resolution):
    with pytest.raises(CatalogError, match="resolution must be an integer >= 8"):
        load_catalog(tmp_path, resolution=resolution)


@pytest.mark.parametrize("resolution", [8, 33, 128, np.int64(16)])
def test_any_resolution_from_8_works(tmp_path, resolution):
    write_image(tmp_path / "a.png", solid(30, 50))
    assert load_catalog(tmp_path, resolution=resolution).images.shape == (1, resolution, resolution, 3)


def test_single_image_or_other_csv_is_refused_with_advice(tmp_path):
    image = write_image(tmp_path / "a.png", solid(8, 8))
    with pytest.raises(CatalogError, match="single image; give the folder"):
        load_catalog(image)
    with pytest.raises(CatalogError, match="must be named attributes.csv"):
        load_catalog(write_csv(tmp_path, "file\na.png\n", name="products.csv"))


def test_unknown_file_is_read_as_idx_and_refused_by_magic(tmp_path):
    path = tmp_path / "catalog.bin"
    path.write_bytes(b"PK\x03\x04 a zip file, not a catalog")
    with pytest.raises(CatalogError, match="catalog.bin: not an IDX images file"):
        load_catalog(path)


def test_unknown_builtin_is_refused():
    with pytest.raises(CatalogError, match="unknown built-in catalog 'builtin:nope'"):
        load_catalog("builtin:nope")


def test_fashion_mnist_folder(shared_datasets, tmp_path):
    catalog = load_catalog(shared_datasets / "fashion-mnist-900", resolution=32, channels=1)
    assert catalog.images.shape == (900, 32, 32, 1)
    assert sorted(set(catalog.table["class"]))[:3] == ["ankle-boot", "bag", "coat"]
    assert catalog.table["class"].count("bag") == 90
