"""inspect_catalog counts what a catalog holds and draws a contact sheet; print_inspect_report shows it."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image
from rich.console import Console

from helpers.data import solid, write_csv, write_image
from productgan.data.catalog import Catalog
from productgan.data.inspect import inspect_catalog, print_inspect_report, sheet_indices


def shop(root):
    colors = {"red": (220, 0, 0), "blue": (0, 0, 220)}
    rows = ["file,category,color"]
    for i in range(6):
        color = "red" if i % 3 else "blue"
        write_image(root / f"{i}.png", solid(20 if i < 4 else 10, 10, colors[color]))
        rows.append(f"{i}.png,{'Bags' if i < 5 else 'Watches'},{color if i != 5 else ''}")
    rows.append("missing.png,Bags,red")
    (root / "notes [draft].txt").write_text("kept out of the catalog")
    write_csv(root, "\n".join(rows) + "\n")
    return root


def test_report_counts_levels_sizes_and_skips(tmp_path):
    report = inspect_catalog(shop(tmp_path / "shop"), resolution=16, channels=3)
    assert report.image_count == 6 and report.resolution == 16 and report.channels == 3
    assert report.levels["category"] == [("Bags", 5), ("Watches", 1)]
    assert dict(report.levels["color"]) == {"red": 3, "blue": 2, "unknown": 1}
    assert report.sizes == [((10, 20), 4), ((10, 10), 2)]
    assert [(s.path.rsplit("/", 1)[-1], s.reason) for s in report.skipped] == [
        ("missing.png", "listed in attributes.csv but not found")
    ]
    assert report.contact_sheet is None


def test_contact_sheet_is_written(tmp_path):
    sheet = tmp_path / "out" / "sheet.png"
    report = inspect_catalog(shop(tmp_path / "shop"), resolution=16, channels=3, contact_sheet=sheet)
    assert report.contact_sheet == sheet and sheet.is_file()
    with Image.open(sheet) as image:
        assert image.mode == "RGB"
        # 6 images, 16 px upscaled x4 to 64, padding 2 (x4): one row of 6
        assert image.size == ((6 * (16 + 2) + 2) * 4, (16 + 2 + 2) * 4)


def test_sheet_takes_a_few_of_each_level():
    values = ["a"] * 50 + ["b"] * 3 + ["c"] * 50
    catalog = Catalog(images=np.zeros((103, 8, 8, 3), np.uint8), table={"kind": values}, files=[""] * 103)
    picked = sheet_indices(catalog, limit=12)
    assert [values[i] for i in picked] == ["a"] * 4 + ["b"] * 3 + ["c"] * 4
    unlabelled = Catalog(images=np.zeros((100, 8, 8, 3), np.uint8), table={}, files=[""] * 100)
    assert sheet_indices(unlabelled, limit=5) == [0, 25, 50, 74, 99]


def test_printed_report_shows_levels_sizes_and_reasons(tmp_path):
    report = inspect_catalog(shop(tmp_path / "shop"), resolution=16, channels=3, contact_sheet=tmp_path / "s.png")
    buffer = io.StringIO()
    print_inspect_report(report, Console(file=buffer, width=200, color_system=None))
    text = buffer.getvalue()
    for expected in ("6 images at 16x16", "1 file(s) skipped", "10 x 20", "Watches", "unknown",
                     "listed in attributes.csv but not found", "missing.png", "s.png"):
        assert expected in text, expected


def test_file_names_with_brackets_are_printed_literally(tmp_path):
    write_image(tmp_path / "a.png", solid(8, 8))
    (tmp_path / "notes [draft].txt").write_text("x")
    report = inspect_catalog(tmp_path, resolution=8)
    buffer = io.StringIO()
    print_inspect_report(report, Console(file=buffer, width=200, color_system=None))
    assert "notes [draft].txt" in buffer.getvalue()
