"""The manifest: a manifest written before the upscaler column existed is still read, and a run
resumed on it rewrites it with today's columns before appending, losing no row."""

from __future__ import annotations

import csv

import pytest

from productgan.catalog import manifest
from productgan.catalog.prepare import PrepareConfig, prepare_catalog
from productgan.errors import ProductGANError

from helpers.catalog import product_photo, write_photos


def older_manifest(path, rows):
    columns = manifest.OLDER_COLUMNS[0]
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        for row in rows:
            writer.writerow([row.get(column, "") for column in columns])


def test_an_older_manifest_is_read_with_an_empty_upscaler(tmp_path):
    older_manifest(tmp_path / manifest.NAME, [{"input": "a.png", "output": "a.png", "status": "done", "preset": "web"}])
    rows = manifest.read_rows(tmp_path / manifest.NAME)
    assert rows["a.png"]["status"] == "done" and rows["a.png"]["upscaler"] == "" and tuple(rows["a.png"]) == manifest.COLUMNS


def test_a_run_resumed_on_an_older_manifest_keeps_its_rows_and_gains_the_column(tmp_path):
    source, out = write_photos(tmp_path / "photos", {f"p{i}.png": product_photo(side=120) for i in range(3)}), tmp_path / "out"
    prepare_catalog(PrepareConfig(source, out, preset="web", workers=1, limit=2), progress=False)
    done = manifest.read_rows(out / manifest.NAME)
    older_manifest(out / manifest.NAME, done.values())  # as the version before the column wrote it
    result = prepare_catalog(PrepareConfig(source, out, preset="web", workers=1), progress=False)
    assert result.already_done == 2 and result.counts["done"] == 1
    with open(out / manifest.NAME, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        assert tuple(reader.fieldnames) == manifest.COLUMNS and len(list(reader)) == 3


def test_a_manifest_of_other_columns_is_refused(tmp_path):
    (tmp_path / manifest.NAME).write_text("name,score\na,1\n")
    with pytest.raises(ProductGANError, match="not a manifest"):
        manifest.read_rows(tmp_path / manifest.NAME)
