"""Folder reader: class sub-folders become column 'class', flat folders give no attributes, other files are reported."""

from __future__ import annotations

import numpy as np

from helpers.data import RED, solid, write_image
from productgan.data.folder import read_folder


def test_class_sub_folders_become_the_class_column(tmp_path):
    write_image(tmp_path / "red" / "b.png", solid(20, 10, RED))
    write_image(tmp_path / "blue" / "z.png", solid(12, 12, (0, 0, 255)))
    write_image(tmp_path / "blue" / "a.jpg", solid(12, 12, (0, 0, 255)))
    write_image(tmp_path / "blue" / "side" / "c.png", solid(12, 12, (0, 0, 255)))  # deeper: still class 'blue'
    catalog = read_folder(tmp_path, resolution=16, channels=3)
    assert catalog.images.shape == (4, 16, 16, 3)
    assert catalog.table == {"class": ["blue", "blue", "blue", "red"]}
    assert [f.split("/")[-1] for f in catalog.files] == ["a.jpg", "c.png", "z.png", "b.png"]  # sorted by path
    assert catalog.original_sizes == [(12, 12), (12, 12), (12, 12), (10, 20)]
    assert catalog.source == str(tmp_path)
    assert catalog.images[3, 8, 8].tolist() == list(RED)


def test_flat_folder_has_no_attributes(tmp_path):
    for name in ("b.png", "a.png", "c.bmp"):
        write_image(tmp_path / name, solid(8, 8))
    catalog = read_folder(tmp_path, resolution=8, channels=1)
    assert catalog.images.shape == (3, 8, 8, 1)
    assert catalog.table == {}
    assert [f.split("/")[-1] for f in catalog.files] == ["a.png", "b.png", "c.bmp"]
    assert catalog.skipped == []


def test_other_files_are_reported_and_hidden_files_ignored(tmp_path):
    write_image(tmp_path / "shoes" / "one.PNG", solid(8, 8))  # extension case does not matter
    (tmp_path / "README.txt").write_text("about this catalog")
    (tmp_path / "shoes" / "notes").write_text("no extension")
    (tmp_path / ".DS_Store").write_bytes(b"\x00\x01")
    (tmp_path / ".thumbnails").mkdir()
    write_image(tmp_path / ".thumbnails" / "one.png", solid(8, 8))
    catalog = read_folder(tmp_path, resolution=8, channels=3)
    assert len(catalog) == 1
    reasons = {s.path.split("/")[-1]: s.reason for s in catalog.skipped}
    assert reasons == {
        "README.txt": "not an image file extension (.txt)",
        "notes": "not an image file extension (no extension)",
    }


def test_top_level_images_beside_class_folders_are_skipped_with_a_reason(tmp_path):
    write_image(tmp_path / "bags" / "a.png", solid(8, 8))
    write_image(tmp_path / "stray.png", solid(8, 8))
    catalog = read_folder(tmp_path, resolution=8, channels=3)
    assert catalog.table == {"class": ["bags"]}
    assert len(catalog.skipped) == 1 and catalog.skipped[0].path.endswith("stray.png")
    assert "top level" in catalog.skipped[0].reason


def test_broken_images_are_skipped_and_the_rest_kept(tmp_path):
    write_image(tmp_path / "ok" / "good.png", solid(8, 8))
    (tmp_path / "ok" / "empty.jpg").write_bytes(b"")
    (tmp_path / "ok" / "fake.png").write_text("hello")
    catalog = read_folder(tmp_path, resolution=8, channels=3)
    assert catalog.table == {"class": ["ok"]}
    reasons = {s.path.split("/")[-1]: s.reason for s in catalog.skipped}
    assert reasons["empty.jpg"] == "empty file (0 bytes)"
    assert reasons["fake.png"].startswith("not an image")


def test_folder_without_images_gives_an_empty_catalog_with_reasons(tmp_path):
    (tmp_path / "a.txt").write_text("x")
    catalog = read_folder(tmp_path, resolution=8, channels=3)
    assert catalog.images.shape == (0, 8, 8, 3) and catalog.images.dtype == np.uint8
    assert [s.reason for s in catalog.skipped] == ["not an image file extension (.txt)"]
