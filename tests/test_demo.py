"""The main job end to end at a tiny size: trains, draws every category and colour, writes the report."""

from __future__ import annotations

import re

from productgan.demo import run_demo


def test_demo_writes_report_with_grids_for_every_category_and_colour(tmp_path):
    report = run_demo(tmp_path / "demo", kimg=0.064, minutes=5, progress=False)
    html = report.read_text()
    for name in ["grid-category.png", "grid-color.png", "grid-category-color.png", "real.png", "checkpoint.safetensors"]:
        assert (tmp_path / "demo" / name).exists(), name
    assert len(re.findall(r'src="data:image/png;base64,', html)) >= 4
    for level in ["tee", "trousers", "shoe", "bag", "ring", "watch", "red", "blue"]:
        assert f">{level}<" in html, level
    assert "Colour control" in html and "<svg" in html and "Settings" in html
