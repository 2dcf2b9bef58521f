"""`productgan data inspect` on hostile catalogs: a one-line error (exit 2) or a report, never a hang or traceback."""

from __future__ import annotations

import os

import pytest
from typer.testing import CliRunner

from helpers.data import solid, write_csv, write_image
from productgan.cli import app

ESCAPES = ("\x1b", "\x00", "\x9b")


def inspect(*args: str):
    return CliRunner().invoke(app, ["data", "inspect", *args], env={"COLUMNS": "300"})


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="needs /dev/zero")
def test_inspecting_dev_zero_is_a_clear_error():
    result = inspect("/dev/zero")
    assert result.exit_code == 2, result.output
    assert "not a file or folder" in result.output and "Traceback" not in result.output


def test_outside_rows_are_listed_as_skipped_with_their_reason(tmp_path):
    write_image(tmp_path / "outside.png", solid(8, 8))
    shop = tmp_path / "shop"
    write_image(shop / "a.png", solid(8, 8))
    write_csv(shop, "file,color\na.png,Red\n../outside.png,Blue\n/etc/passwd,Blue\n")
    result = inspect(str(shop), "--resolution", "8", "--sheet", str(tmp_path / "sheet.png"))
    assert result.exit_code == 0, result.output
    assert "1 images" in result.output and "2 file(s) skipped" in result.output
    assert "outside the catalog folder" in result.output and "absolute path" in result.output


def test_reserved_column_is_a_one_line_error(tmp_path):
    write_image(tmp_path / "a.png", solid(8, 8))
    write_csv(tmp_path, "file,seed\na.png,1\n")
    result = inspect(str(tmp_path), "--resolution", "8")
    assert result.exit_code == 2 and "'seed' is reserved" in result.output and "Traceback" not in result.output


def test_escape_sequences_in_the_csv_never_reach_the_terminal(tmp_path):
    write_image(tmp_path / "a.png", solid(8, 8))
    write_csv(tmp_path, "file,color\na.png,\x1b]0;owned\x07\x1b[2JRed\n")
    result = inspect(str(tmp_path), "--resolution", "8")
    assert result.exit_code == 2 and "control character" in result.output
    assert not any(c in result.output for c in ESCAPES)
