"""Disk cache: a second load is instant and identical; any change to the inputs or settings misses the cache."""

from __future__ import annotations

import json
import os
import sys
import types

import numpy as np
import pytest

from helpers.data import solid, write_csv, write_image
from productgan.data import load as load_module
from productgan.data.cache import cache_dir, catalog_key
from productgan.data.catalog import Catalog
from productgan.data.load import load_catalog


@pytest.fixture
def read_calls(monkeypatch):
    """Count how often each reader really runs."""
    calls = []
    for kind, reader in list(load_module.READERS.items()):
        def counting(*args, _kind=kind, _reader=reader):
            calls.append(_kind)
            return _reader(*args)
        monkeypatch.setitem(load_module.READERS, kind, counting)
    return calls


def shop(root):
    write_image(root / "a.png", solid(10, 20, (10, 20, 30)))
    write_image(root / "b.jpg", solid(12, 12, (200, 100, 0)))
    (root / "broken.png").write_bytes(b"")
    write_csv(root, "file,color\na.png,Navy\nb.jpg,\nbroken.png,Red\n")
    return root


def test_second_load_is_identical_and_does_not_read(tmp_path, read_calls, isolated_catalog_cache):
    root = shop(tmp_path / "shop")
    first = load_catalog(root, resolution=16, channels=3)
    second = load_catalog(root, resolution=16, channels=3)
    assert read_calls == ["table"]
    np.testing.assert_array_equal(first.images, second.images)
    assert second.images.dtype == np.uint8
    assert (second.table, second.files, second.skipped, second.source, second.original_sizes) == (
        first.table, first.files, first.skipped, first.source, first.original_sizes,
    )
    entries = sorted(p.suffix for p in isolated_catalog_cache.iterdir())
    assert entries == [".json", ".npy"]  # no temp files left behind


def test_cache_location_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("PRODUCTGAN_CACHE", str(tmp_path / "elsewhere"))
    assert cache_dir() == tmp_path / "elsewhere"
    monkeypatch.delenv("PRODUCTGAN_CACHE")
    assert cache_dir().parts[-3:] == (".cache", "productgan", "catalogs")


def test_touching_or_adding_a_file_misses_the_cache(tmp_path, read_calls):
    root = shop(tmp_path / "shop")
    load_catalog(root, 16, 3)
    stat = (root / "a.png").stat()
    os.utime(root / "a.png", ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    load_catalog(root, 16, 3)
    write_image(root / "c.png", solid(8, 8))
    catalog = load_catalog(root, 16, 3)
    assert read_calls == ["table"] * 3
    assert any(s.path.endswith("c.png") and "not listed" in s.reason for s in catalog.skipped)


def test_editing_the_csv_misses_the_cache(tmp_path, read_calls):
    root = shop(tmp_path / "shop")
    assert load_catalog(root, 16, 3).table["color"] == ["Navy", ""]
    write_csv(root, "file,color\na.png,Navy\nb.jpg,Orange\n")
    assert load_catalog(root, 16, 3).table["color"] == ["Navy", "Orange"]
    assert read_calls == ["table", "table"]


def test_settings_are_part_of_the_key(tmp_path):
    files = [write_image(tmp_path / "a.png", solid(8, 8))]
    keys = {
        catalog_key("folder", tmp_path, files, 16, 3),
        catalog_key("folder", tmp_path, files, 32, 3),
        catalog_key("folder", tmp_path, files, 16, 1),
        catalog_key("table", tmp_path, files, 16, 3),
        catalog_key("folder", tmp_path / "..", files, 16, 3),
    }
    assert len(keys) == 5
    assert catalog_key("folder", tmp_path, files, 16, 3) == catalog_key("folder", tmp_path, files, 16, 3)


@pytest.mark.parametrize("damage", ["npy", "json", "shape"])
def test_corrupt_entry_is_ignored_and_rebuilt(tmp_path, read_calls, isolated_catalog_cache, damage):
    root = shop(tmp_path / "shop")
    first = load_catalog(root, 16, 3)
    [npy] = isolated_catalog_cache.glob("*.npy")
    [meta] = isolated_catalog_cache.glob("*.json")
    if damage == "npy":
        npy.write_bytes(npy.read_bytes()[:100])
    elif damage == "json":
        meta.write_text("{not json")
    else:
        np.save(npy, np.zeros((5, 16, 16, 3), dtype=np.uint8))  # image count no longer matches the table
    rebuilt = load_catalog(root, 16, 3)
    np.testing.assert_array_equal(rebuilt.images, first.images)
    assert read_calls == ["table", "table"]
    assert load_catalog(root, 16, 3).table == first.table and read_calls == ["table", "table"]  # repaired entry is used


def test_cached_images_never_unpickle(tmp_path, isolated_catalog_cache):
    load_catalog(shop(tmp_path / "shop"), 16, 3)
    [npy] = isolated_catalog_cache.glob("*.npy")
    assert np.load(npy, allow_pickle=False).shape == (2, 16, 16, 3)
    [meta] = isolated_catalog_cache.glob("*.json")
    assert json.loads(meta.read_text())["table"] == {"color": ["Navy", ""]}


def test_use_cache_false_always_reads_and_writes_nothing(tmp_path, read_calls, isolated_catalog_cache):
    root = shop(tmp_path / "shop")
    load_catalog(root, 16, 3, use_cache=False)
    load_catalog(root, 16, 3, use_cache=False)
    assert read_calls == ["table", "table"]
    assert not isolated_catalog_cache.exists()


def test_unwritable_cache_only_costs_speed(tmp_path, monkeypatch, read_calls):
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the cache folder should be")
    monkeypatch.setenv("PRODUCTGAN_CACHE", str(blocker))
    root = shop(tmp_path / "shop")
    assert len(load_catalog(root, 16, 3)) == 2
    assert len(load_catalog(root, 16, 3)) == 2
    assert read_calls == ["table", "table"]


def test_builtin_catalogs_are_not_cached(monkeypatch, isolated_catalog_cache):
    calls = []

    def make_builtin_catalog(resolution=64, channels=3, count=None, seed=0):
        calls.append(resolution)
        return Catalog(images=np.zeros((2, resolution, resolution, channels), np.uint8), table={}, files=["x", "y"])

    fake = types.ModuleType("productgan.data.builtin")
    fake.make_builtin_catalog = make_builtin_catalog
    monkeypatch.setitem(sys.modules, "productgan.data.builtin", fake)
    load_catalog("builtin:catalog", resolution=16)
    load_catalog("builtin:catalog", resolution=16)
    assert calls == [16, 16]
    assert not isolated_catalog_cache.exists()
