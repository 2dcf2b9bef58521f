"""`productgan data inspect` prints levels and skipped files and writes the contact sheet."""

from __future__ import annotations

from PIL import Image
from typer.testing import CliRunner

from productgan.cli import app


def test_inspect_cli_reports_levels_skips_and_writes_sheet(tmp_path):
    for name, color in [("red", (200, 0, 0)), ("blue", (0, 0, 200))]:
        (tmp_path / "cat" / name).mkdir(parents=True)
        for i in range(3):
            Image.new("RGB", (40, 30), color).save(tmp_path / "cat" / name / f"{i}.png")
    (tmp_path / "cat" / "red" / "broken.png").write_bytes(b"not a png at all")
    sheet = tmp_path / "sheet.png"
    result = CliRunner().invoke(app, ["data", "inspect", str(tmp_path / "cat"), "--resolution", "32", "--sheet", str(sheet)],
                                env={"COLUMNS": "300"})  # long temporary paths would wrap
    assert result.exit_code == 0, result.output
    assert "6 images" in result.output and "broken.png" in result.output
    assert "red" in result.output and "blue" in result.output
    assert Image.open(sheet).size[0] > 32


def test_inspect_cli_empty_catalog_is_a_clear_error(tmp_path):
    (tmp_path / "empty").mkdir()
    (tmp_path / "empty" / "a.jpg").write_bytes(b"")
    result = CliRunner().invoke(app, ["data", "inspect", str(tmp_path / "empty")])
    assert result.exit_code == 2 and "no usable image" in result.output and "a.jpg" in result.output
