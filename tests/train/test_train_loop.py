"""Training behaviour: control is learned, resume is exact, NaN stops cleanly, outputs are written."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from helpers.train import COLORS, tiny_config, two_color_catalog
from productgan.errors import TrainingDiverged
from productgan.generate import load_generator
from productgan.train import loop as loop_module
from productgan.train import train
from productgan.checkpoint import load_tensors, read_meta


@pytest.mark.slow
def test_training_learns_the_requested_color(tmp_path):
    """After a short run, asking for red gives red products and asking for blue gives blue ones."""
    catalog = two_color_catalog()
    config = tiny_config(tmp_path / "run", kimg=1.2, batch=16, lr_g=1e-3, lr_d=1e-3, ema_kimg=0.1)
    train(config, progress=False, catalog=catalog)
    generator = load_generator(tmp_path / "run")
    for name, rgb in COLORS.items():
        images = generator.generate(16, seed=1, color=name).astype(np.float32)
        centre = images[:, 12:20, 12:20].reshape(-1, 3).mean(axis=0)
        other = COLORS["blue" if name == "red" else "red"]
        assert np.linalg.norm(centre - rgb) < np.linalg.norm(centre - other), (name, centre)


def test_run_writes_checkpoint_samples_and_metrics(tmp_path):
    result = train(tiny_config(tmp_path / "run"), progress=False, catalog=two_color_catalog())
    run = tmp_path / "run"
    assert result.checkpoint.exists() and result.images_seen >= 64
    assert (run / "samples-color.png").exists() and list((run / "samples").glob("color-kimg*.png"))
    lines = [json.loads(line) for line in (run / "metrics.jsonl").read_text().splitlines()]
    assert lines and all(np.isfinite(line["loss_d"]) for line in lines)
    meta = read_meta(result.checkpoint)
    assert meta.levels == {"color": ["blue", "red"]} and meta.config["model"]["level_counts"] == [2]
    assert meta.code_version
    run_config = json.loads((run / "config.json").read_text())  # the schema every run folder shares
    assert run_config["config"] == meta.config and run_config["code_version"] == meta.code_version
    assert run_config["levels"] == {"color": ["blue", "red"]} and run_config["catalog"]["images"] > 0


def _all_tensors(path):
    return load_tensors(path)


@pytest.mark.slow
def test_resumed_run_equals_uninterrupted_run(tmp_path):
    catalog = two_color_catalog()
    full = train(tiny_config(tmp_path / "full", kimg=0.128, r1_gamma=1.0, penalty_every=2), progress=False, catalog=catalog)
    train(tiny_config(tmp_path / "split", kimg=0.064, r1_gamma=1.0, penalty_every=2), progress=False, catalog=catalog)
    resumed = train(tiny_config(tmp_path / "split", kimg=0.128), resume=True, progress=False, catalog=catalog)
    assert resumed.steps == full.steps == 16
    a, b = _all_tensors(full.checkpoint), _all_tensors(resumed.checkpoint)
    assert a.keys() == b.keys()
    for key in a:
        assert torch.equal(a[key], b[key]), key
    assert read_meta(resumed.checkpoint).config["r1_gamma"] == 1.0  # settings come from the checkpoint


def test_nan_loss_stops_and_keeps_last_good_checkpoint(tmp_path, monkeypatch):
    real_loss = loop_module.discriminator_loss
    calls = {"n": 0}

    def poisoned(kind, real_logits, fake_logits):
        calls["n"] += 1
        loss = real_loss(kind, real_logits, fake_logits)
        return loss * float("nan") if calls["n"] > 10 else loss

    monkeypatch.setattr(loop_module, "discriminator_loss", poisoned)
    config = tiny_config(tmp_path / "run", kimg=1.0, checkpoint_every_kimg=0.032)
    with pytest.raises(TrainingDiverged, match="non-finite"):
        train(config, progress=False, catalog=two_color_catalog())
    checkpoint = tmp_path / "run" / "checkpoint.safetensors"
    meta = read_meta(checkpoint)
    assert 0 < meta.images_seen <= 10 * 8
    assert all(torch.isfinite(t).all() for t in load_tensors(checkpoint).values() if t.is_floating_point())


@pytest.mark.parametrize("override,message", [
    ({"loss": "lsgan"}, "loss 'lsgan' is not one of"),
    ({"augment": ["rotate"]}, "augmentation rotate unknown"),
    ({"kimg": None, "minutes": None}, "set a budget"),
])
def test_bad_settings_are_refused_before_training(tmp_path, override, message):
    from productgan.errors import ProductGANError

    with pytest.raises(ProductGANError, match=message):
        train(tiny_config(tmp_path / "run", **override), progress=False, catalog=two_color_catalog())
    assert not (tmp_path / "run").exists()


def test_cli_train_bad_model_and_resolution_are_clear_errors(tmp_path):
    from typer.testing import CliRunner

    from productgan.cli import app

    result = CliRunner().invoke(app, ["train", "--data", "builtin:catalog", "--out", str(tmp_path / "r"),
                                      "--model", "stylegan9", "--resolution", "48", "--kimg", "1"])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert "model 'stylegan9' is not one of: resnet, dcgan" in result.output and "power of two" in result.output


def test_cli_train_missing_data_is_a_clear_error(tmp_path):
    from typer.testing import CliRunner

    from productgan.cli import app

    result = CliRunner().invoke(app, ["train", "--data", str(tmp_path / "nope"), "--out", str(tmp_path / "r"), "--kimg", "1"])
    assert result.exit_code == 2 and "does not exist" in result.output


def test_resume_on_a_changed_catalog_is_a_clear_error(tmp_path):
    from productgan.errors import CheckpointError

    train(tiny_config(tmp_path / "run", kimg=0.016), progress=False, catalog=two_color_catalog())
    changed = two_color_catalog()
    changed.table["color"] = ["green" if c == "red" else c for c in changed.table["color"]]
    with pytest.raises(CheckpointError, match="start a new run folder"):
        train(tiny_config(tmp_path / "run", kimg=0.032), resume=True, progress=False, catalog=changed)
