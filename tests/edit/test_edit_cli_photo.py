"""`productgan photo recolor|mask|scale|rotate|flip|whiten` (and their old names under `edit`, kept for one
release) and `productgan enhance apply --task classic`."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from typer.testing import CliRunner

from productgan.cli import app
from productgan.photo_io import read_photo

from helpers.photo import studio_photo

runner = CliRunner()


@pytest.fixture
def photos(tmp_path: Path) -> Path:
    folder = tmp_path / "photos"
    folder.mkdir()
    photo, _ = studio_photo()
    Image.fromarray(photo).save(folder / "tee.png")
    Image.fromarray(np.fliplr(photo)).save(folder / "tee2.jpg", quality=95)
    (folder / "notes.txt").write_text("not an image")
    return folder


PHOTO_CASES = [
    (["recolor", "--to", "red"], "recolor-red"),
    (["recolor", "--to", "#00FF00", "--region", "whole"], "recolor-00ff00"),
    (["mask"], "mask"),
    (["scale", "--factor", "0.8"], "scale0.8"),
    (["rotate", "--degrees", "15"], "rotate15"),
    (["flip"], "flip-horizontal"),
    (["whiten"], "whiten"),
]


OLD_NAMES = {"recolor": "recolour"}  # old spelling kept: under `edit`, the names before the photo group


@pytest.mark.parametrize("args, suffix", [
    *[(["photo", *args], suffix) for args, suffix in PHOTO_CASES],
    *[(["edit", OLD_NAMES.get(args[0], args[0]), *args[1:]], suffix) for args, suffix in PHOTO_CASES],  # old names
    (["enhance", "apply", "--task", "classic"], "classic"),
])
def test_each_command_writes_new_files_and_leaves_the_inputs(photos, tmp_path, args, suffix):
    before = {p.name: p.read_bytes() for p in photos.iterdir()}
    out = tmp_path / "out"
    result = runner.invoke(app, [*args, str(photos), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == [f"tee-{suffix}.png", f"tee2-{suffix}.png"]
    assert {p.name: p.read_bytes() for p in photos.iterdir()} == before
    edited = read_photo(out / f"tee-{suffix}.png")
    assert edited.shape[0] == 120 and edited.shape[1] in (96, 120)  # whiten squares the canvas


def test_recolor_to_red_makes_the_product_red(photos, tmp_path):
    result = runner.invoke(app, ["photo", "recolor", "--to", "red", str(photos / "tee.png"), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    edited = read_photo(tmp_path / "tee-recolor-red.png")
    red, green, blue = edited[60, 48].astype(int)
    assert red > 150 and green < 90 and blue < 90


@pytest.mark.parametrize("args, message", [
    (["photo", "recolor", "--to", "reddish"], "unknown colour 'reddish'"),
    (["photo", "flip", "--direction", "diagonal"], "--direction: flip direction must be horizontal or vertical"),
    (["photo", "recolor", "--to", "red", "--region", "half"], "--region: region must be dominant or whole"),
    (["enhance", "apply", "--task", "magic"], "unknown task 'magic'"),
    (["enhance", "apply", "--chain", "sharpen"], "unknown enhancement step"),
])
def test_bad_options_are_one_clear_line(photos, tmp_path, args, message):
    result = runner.invoke(app, [*args, str(photos), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert message in result.output and "Traceback" not in result.output


def test_the_cli_writes_what_the_shared_edit_computes(photos, tmp_path):
    """The CLI's options reach edit.photo (the checks and edits the HTTP API uses) unchanged."""
    from productgan.edit.photo import apply_photo_edit

    args = ["photo", "recolor", "--to", "navy", "--keep-lightness", "--threshold", "20", "--region", "whole"]
    result = runner.invoke(app, [*args, str(photos / "tee.png"), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    expected = apply_photo_edit(read_photo(photos / "tee.png"), "recolor", color="navy", keep_lightness=True,
                                threshold=20.0, region="whole")
    assert np.array_equal(read_photo(tmp_path / "tee-recolor-navy.png"), expected)


def test_an_unreadable_photo_is_named(tmp_path):
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"\x89PNG\r\n\x1a\n garbage")
    result = runner.invoke(app, ["photo", "whiten", str(broken), "--out", str(tmp_path / "o")])
    assert result.exit_code == 1
    assert "broken.png" in result.output and "wrote 0 file(s)" in result.output
