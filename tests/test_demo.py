"""The main job end to end at a tiny size, through the CLI a newcomer runs."""

from __future__ import annotations

import re

import pytest
from typer.testing import CliRunner

from productgan.cli import app


@pytest.mark.slow
def test_demo_writes_report_with_grids_for_every_category_and_color(tmp_path):
    out = tmp_path / "demo"
    result = CliRunner().invoke(app, ["demo", "--out", str(out), "--minutes", "0.05"])
    assert result.exit_code == 0, result.output
    html = (out / "report.html").read_text()
    for name in ["grid-category.png", "grid-color.png", "grid-category-color.png", "real.png", "checkpoint.safetensors"]:
        assert (out / name).exists(), name
    assert len(re.findall(r'src="data:image/png;base64,', html)) >= 4
    for level in ["red", "blue", "gray"]:  # the colour-control table, one row per colour
        assert f">{level}<" in html, level
    assert "Colour control" in html and "<svg" in html and "Settings" in html
    assert "Quality beside its floor" in html and "(floor " in html and "ceiling on held-out real" in html
    assert "Variety within one product" in html and "Six samples of one product" in html
    # the demo conditions on every attribute the catalog records, so each has its own grid
    for attribute in ["pattern", "size", "angle", "material"]:
        assert f"By {attribute}" in html and (out / f"grid-{attribute}.png").exists(), attribute
    # a quick --minutes run is flagged as too short, naming the default it fell short of
    assert 'class="warning"' in html and "too short for its figures to mean much" in html
    # the labels are drawn into the grids themselves: a label margin beside the 10 columns of 32 px x 3
    from PIL import Image

    assert Image.open(out / "grid-category.png").width > 10 * 34 * 3
    assert Image.open(out / "grid-category-color.png").height > 6 * 34 * 3  # colour names above the columns
    assert (out / "six-samples.png").exists()
    assert (out / "eval.json").exists() and (out / "nearest-training.png").exists()
    assert (out / "domain-classifier.safetensors").exists()  # so `productgan eval` of the demo trains none
