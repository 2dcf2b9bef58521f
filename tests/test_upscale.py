"""`productgan generate --upscale`: the GAN's samples beside their learned x4 upscale, and clear refusals."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from helpers.enhance import trained_runs
from helpers.train import tiny_config, two_color_catalog

from productgan.cli import app
from productgan.photo_io import read_photo
from productgan.train import train
from productgan.upscale import UpscaleError, load_upscaler, write_samples

runner = CliRunner()


@pytest.fixture(scope="module")
def checkpoints(tmp_path_factory) -> dict[str, Path]:
    """A tiny 32 px RGB generator, and sr4 / restore enhancers trained a few steps (off their identity start)."""
    root = tmp_path_factory.mktemp("upscale")
    found = {"generator": train(tiny_config(root / "gan"), progress=False, catalog=two_color_catalog()).checkpoint}
    return {**found, **trained_runs(root, ("sr4", "restore"), steps=3)}


def test_generate_upscale_writes_each_sample_and_its_learned_x4_beside_it(checkpoints, tmp_path):
    out = tmp_path / "out"
    result = runner.invoke(app, ["generate", str(checkpoints["generator"]), "--n", "2", "--out", str(out),
                                 "--upscale", str(checkpoints["sr4"])])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["0000-sr4.png", "0000.png", "0001-sr4.png", "0001.png"]
    assert "2 upscaled x4 beside them" in " ".join(result.output.split())
    upscaler = load_upscaler(checkpoints["sr4"])
    for index in range(2):
        sample, big = read_photo(out / f"{index:04d}.png"), read_photo(out / f"{index:04d}-sr4.png")
        assert sample.shape == (32, 32, 3) and big.shape == (128, 128, 3)
        assert np.array_equal(big, upscaler(sample))  # the learned model, not a plain resize


def test_a_restore_checkpoint_is_refused_naming_the_file_before_anything_is_written(checkpoints, tmp_path):
    out = tmp_path / "out"
    result = runner.invoke(app, ["generate", str(checkpoints["generator"]), "--out", str(out),
                                 "--upscale", str(checkpoints["restore"])])
    assert result.exit_code == 2
    assert str(checkpoints["restore"]) in result.output and "not super-resolution" in result.output
    assert "Traceback" not in result.output and not out.exists()


@pytest.mark.parametrize("which, message", [("missing", "does not exist"), ("generator", "generate needs an enhancer checkpoint")])
def test_a_missing_file_or_a_gan_checkpoint_is_refused(checkpoints, tmp_path, which, message):
    path = tmp_path / "nope.safetensors" if which == "missing" else checkpoints[which]
    result = runner.invoke(app, ["generate", str(checkpoints["generator"]), "--out", str(tmp_path / "out"),
                                 "--upscale", str(path)])
    assert result.exit_code == 2 and message in result.output and str(path) in result.output


def test_grey_samples_are_refused_before_any_file_is_written(checkpoints, tmp_path):
    grey = np.zeros((2, 32, 32, 1), np.uint8)
    with pytest.raises(UpscaleError, match="makes 1-channel images .* needs a 3-channel"):
        write_samples(grey, tmp_path / "out", load_upscaler(checkpoints["sr4"]), progress=False)
    assert not (tmp_path / "out").exists()
