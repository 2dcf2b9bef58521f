"""Shapes a catalog cannot be decoded at are refused before any file is read, not by running out of memory."""

from __future__ import annotations

import os
import time

import numpy as np
import pytest

import productgan.data.images as images_module
from helpers.data import solid, write_idx_pair, write_image
from productgan.data.builtin import make_builtin_catalog
from productgan.data.images import MAX_RESOLUTION, ImageSkipped, check_target_shape, load_image
from productgan.data.inspect import inspect_catalog
from productgan.data.load import load_catalog
from productgan.errors import CatalogError


@pytest.mark.parametrize("spec", ["builtin:catalog", "folder"])
def test_a_huge_resolution_is_refused_up_front(tmp_path, spec):
    if spec == "folder":
        write_image(tmp_path / "a.png", solid(8, 8))
        spec = str(tmp_path)
    started = time.monotonic()
    for read in (load_catalog, inspect_catalog):
        expected = f"resolution must be an integer >= 8 and <= {MAX_RESOLUTION}, got 100000"
        with pytest.raises(CatalogError, match=expected):
            read(spec, resolution=100000)
    assert time.monotonic() - started < 5


def test_the_decode_path_checks_the_shape_itself(tmp_path):
    path = write_image(tmp_path / "a.png", solid(8, 8))
    with pytest.raises(CatalogError, match="resolution"):
        load_image(path, 100000, 3)
    with pytest.raises(CatalogError, match="channels"):
        load_image(path, 16, 4)
    check_target_shape(MAX_RESOLUTION, 3)  # the largest supported size is accepted


@pytest.fixture
def tiny_machine(monkeypatch):
    """A machine with 64 KiB of memory, and a decoder that fails the test if it is reached."""
    monkeypatch.setattr(images_module, "physical_memory_bytes", lambda: 64 * 1024)

    def never(*args, **kwargs):
        raise AssertionError("decoded an image although the catalog cannot fit")

    monkeypatch.setattr(images_module, "load_image_with_size", never)


def test_a_catalog_too_large_for_memory_is_refused_before_decoding(tmp_path, tiny_machine):
    for name in ("a.png", "b.png"):
        write_image(tmp_path / name, solid(8, 8))
    with pytest.raises(CatalogError, match=r"2 images at 128x128x3 need .* GiB, more than this machine's"):
        load_catalog(tmp_path, resolution=128)


def test_builtin_and_idx_catalogs_too_large_for_memory_are_refused(tmp_path, tiny_machine):
    with pytest.raises(CatalogError, match="builtin:catalog: 3072 images"):
        make_builtin_catalog(resolution=64)
    write_idx_pair(tmp_path, np.zeros((50, 28, 28), np.uint8), None)
    with pytest.raises(CatalogError, match="50 images at 64x64x1"):
        load_catalog(tmp_path, resolution=64, channels=1)


def test_catalogs_that_fit_still_load(tmp_path, monkeypatch):
    monkeypatch.setattr(images_module, "physical_memory_bytes", lambda: None)  # OS does not say: no limit
    write_image(tmp_path / "a.png", solid(8, 8))
    assert load_catalog(tmp_path, resolution=16).images.shape == (1, 16, 16, 3)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX FIFOs")
@pytest.mark.parametrize("kind", ["fifo", "device"])
def test_the_decoder_never_opens_a_fifo_or_a_device(tmp_path, kind):
    path = tmp_path / "photo.png"
    if kind == "fifo":
        os.mkfifo(path)
    else:
        path.symlink_to("/dev/zero")
    with pytest.raises(ImageSkipped, match="not a regular file"):  # opening the FIFO would block forever
        load_image(path, 16, 3)
