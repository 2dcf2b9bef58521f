"""`productgan enhance apply`: every option is refused before the first photo is read, with exit 2
and one line naming the option; a good format is written under its own suffix."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image
from typer.testing import CliRunner

import productgan.photo_io
from productgan.cli import app


@pytest.fixture
def photos(tmp_path):
    folder = tmp_path / "photos"
    folder.mkdir()
    for name in ("a.png", "b.png"):
        Image.fromarray(np.full((20, 24, 3), 180, np.uint8)).save(folder / name)
    return folder


@pytest.fixture
def reads(monkeypatch):
    """The photos the command decoded: a refusal must come before the first. read_photo_and_alpha is
    where every read of photo_io ends (read_photo calls it too)."""
    seen = []
    original = productgan.photo_io.read_photo_and_alpha

    def recording(path, *args, **kwargs):
        seen.append(path)
        return original(path, *args, **kwargs)

    monkeypatch.setattr(productgan.photo_io, "read_photo_and_alpha", recording)
    return seen


@pytest.mark.parametrize("options, message", [
    (["--format", "tiff"], "--format 'tiff' is not an output format; use one of png, jpg, jpeg, webp"),
    (["--format", "gif"], "--format 'gif' is not an output format"),
    (["--chain", "clahe:tiles=0"], "step clahe: tiles=0 is not allowed; tiles must be an integer in [1, 64]"),
    (["--chain", "white_balance:percentile=nan"], "percentile=nan is not allowed"),
    (["--task", "sr2", "--chain", "clahe"], "--chain is for --task classic"),
    (["--task", "sr5"], "unknown task 'sr5'"),
])
def test_bad_options_are_refused_before_any_photo_is_read(photos, tmp_path, reads, options, message):
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["enhance", "apply", str(photos), "--out", str(out), *options])
    assert result.exit_code == 2, result.output
    assert message in result.output and "Traceback" not in result.output
    assert reads == [] and not out.exists()


def test_an_out_that_is_a_file_is_refused_before_any_photo_is_read(photos, tmp_path, reads):
    taken = tmp_path / "taken.png"
    taken.write_bytes(b"not a folder")
    result = CliRunner().invoke(app, ["enhance", "apply", str(photos), "--out", str(taken)])
    assert result.exit_code == 2 and "--out" in result.output and "existing file" in result.output
    assert reads == [] and taken.read_bytes() == b"not a folder"


@pytest.mark.parametrize("fmt, suffix, pil_format", [("JPG", ".jpg", "JPEG"), (".webp", ".webp", "WEBP"),
                                                     ("jpeg", ".jpeg", "JPEG")])
def test_each_output_format_is_written_under_its_suffix(photos, tmp_path, reads, fmt, suffix, pil_format):
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["enhance", "apply", str(photos), "--chain", "equalize", "--format", fmt,
                                      "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert len(reads) == 2  # the recording sees reads, so an empty record above means none happened
    assert sorted(p.name for p in out.iterdir()) == [f"a-classic{suffix}", f"b-classic{suffix}"]
    assert Image.open(out / f"a-classic{suffix}").format == pil_format


def test_enhance_train_defaults_are_the_config_dataclass():
    """A default written twice drifts: each option's default is the value its setting has in EnhanceTrainConfig."""
    import typer

    from productgan.cli.enhance import TRAIN_OPTION_SETTINGS
    from productgan.enhance.config import EnhanceTrainConfig

    defaults = EnhanceTrainConfig(data="", out="")
    command = typer.main.get_command(app).commands["enhance"].commands["train"]
    differing = []
    for param in command.params:
        rules = ("pixel_loss", "damage_planes", "photo_side", "damage", "pixel_warmup_steps")  # None: the task's default, or all kinds
        if param.name in ("data", "minutes", "steps", "width", "classifier", "device", *rules) \
                or param.name not in TRAIN_OPTION_SETTINGS:
            continue  # required, or None meaning a rule (the task's width, 8 minutes without --steps)
        value = defaults
        for part in TRAIN_OPTION_SETTINGS[param.name][0].split("."):
            value = getattr(value, part)
        if param.default != value:
            differing.append(f"--{param.name}: {param.default!r} vs {value!r}")
    assert differing == []
