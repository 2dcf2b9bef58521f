"""The main job end to end at a tiny size, through the CLI a newcomer runs."""

from __future__ import annotations

import re

from typer.testing import CliRunner

from productgan.cli import app


def test_demo_writes_report_with_grids_for_every_category_and_colour(tmp_path):
    out = tmp_path / "demo"
    result = CliRunner().invoke(app, ["demo", "--out", str(out), "--minutes", "0.05"])
    assert result.exit_code == 0, result.output
    html = (out / "report.html").read_text()
    for name in ["grid-category.png", "grid-color.png", "grid-category-color.png", "real.png", "checkpoint.safetensors"]:
        assert (out / name).exists(), name
    assert len(re.findall(r'src="data:image/png;base64,', html)) >= 4
    for level in ["tee", "trousers", "shoe", "bag", "ring", "watch", "red", "blue"]:
        assert f">{level}<" in html, level
    assert "Colour control" in html and "<svg" in html and "Settings" in html
    assert "Quality beside its floor" in html and "(floor " in html and "ceiling on held-out real" in html
    assert (out / "eval.json").exists() and (out / "nearest-training.png").exists()
