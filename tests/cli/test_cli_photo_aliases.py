"""Photo edits that need no GAN live under `productgan photo`; their old `productgan edit` names work
for one release, hidden from the listing, their help pointing to the new name; so does the old
spelling photo recolour."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image
from typer.testing import CliRunner

from productgan.cli import app

runner = CliRunner()
PHOTO_COMMANDS = ["recolor", "mask", "scale", "rotate", "flip", "whiten"]
OLD_NAMES = [("edit", "recolour", "recolor"), ("photo", "recolour", "recolor"),  # old spelling kept
             *(("edit", name, name) for name in PHOTO_COMMANDS[1:])]


def test_photo_lists_every_photo_edit_and_edit_lists_none():
    photo_help = runner.invoke(app, ["photo", "--help"]).output
    edit_help = runner.invoke(app, ["edit", "--help"]).output
    assert all(name in photo_help for name in PHOTO_COMMANDS)
    assert not any(name in edit_help for name in PHOTO_COMMANDS)
    assert "recolour" not in photo_help + edit_help  # old spelling kept: hidden
    assert "variants" in edit_help and "invert" in edit_help


@pytest.mark.parametrize("group, old, new", OLD_NAMES)
def test_the_old_name_says_where_the_command_moved(group, old, new):
    result = runner.invoke(app, [group, old, "--help"], terminal_width=200)
    assert result.exit_code == 0, result.output
    assert f"Moved to `productgan photo {new}`" in " ".join(result.output.split())


def test_the_old_and_the_new_name_write_the_same_file(tmp_path):
    photo = np.full((40, 40, 3), 245, np.uint8)
    photo[10:30, 12:28] = (200, 30, 30)
    Image.fromarray(photo).save(tmp_path / "tee.png")
    for group in ("photo", "edit"):
        result = runner.invoke(app, [group, "flip", str(tmp_path / "tee.png"), "--out", str(tmp_path / group)])
        assert result.exit_code == 0, result.output
    new, old = (tmp_path / "photo" / "tee-flip-horizontal.png"), (tmp_path / "edit" / "tee-flip-horizontal.png")
    assert new.read_bytes() == old.read_bytes()
    assert np.array_equal(np.asarray(Image.open(new)), photo[:, ::-1])


def test_recolor_and_its_old_spellings_write_the_same_file(tmp_path):
    photo = np.full((40, 40, 3), 245, np.uint8)
    photo[10:30, 12:28] = (200, 30, 30)
    Image.fromarray(photo).save(tmp_path / "tee.png")
    written = []
    for group, name in (("photo", "recolor"), ("photo", "recolour"), ("edit", "recolour")):  # old spelling kept
        out = tmp_path / f"{group}-{name}"
        result = runner.invoke(app, [group, name, "--to", "blue", str(tmp_path / "tee.png"), "--out", str(out)])
        assert result.exit_code == 0, result.output
        written.append((out / "tee-recolor-blue.png").read_bytes())
    assert written[0] == written[1] == written[2]
    blue = np.asarray(Image.open(io.BytesIO(written[0])))[20, 20]
    assert blue[2] > 150 and blue[0] < 90
