"""Shipped enhancers (enhance/shipped.py): exported small, found per task, used when no checkpoint is
given (`enhance apply`, serve, `generate --upscale shipped`), and a clear line when an install has none.

A tiny stand-in model trained here plays the shipped file; the real files are checked at the end.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from PIL import Image
from typer.testing import CliRunner

from helpers.enhance import trained_runs
from productgan.checkpoint import stored_tensors
from productgan.cli import app
from productgan.enhance import shipped
from productgan.enhance.apply import build_enhancer
from productgan.enhance.learned import load_enhancer
from productgan.photo_io import read_photo

runner = CliRunner()
SIZE_CAP = 5_000_000  # bytes: each shipped file must stay well under this (the brief's "a few MB")


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    return trained_runs(tmp_path_factory.mktemp("shipped-runs"), ("sr2", "restore"), steps=3)


@pytest.fixture(scope="module")
def weights(runs, tmp_path_factory) -> Path:
    """A stand-in weights folder holding exported sr2 and restore files (no sr4)."""
    folder = tmp_path_factory.mktemp("weights")
    for task, run in runs.items():
        shipped.export_generator(run, folder / f"{task}.safetensors", note=f"trained by the test, {task}")
    return folder


@pytest.fixture
def installed(weights, monkeypatch) -> Path:
    """Make the stand-in folder this install's weights folder."""
    monkeypatch.setattr(shipped, "weights_folder", lambda: weights)
    return weights


def photo(height: int = 30, width: int = 40) -> np.ndarray:
    return np.random.default_rng(1).integers(0, 256, (height, width, 3), dtype=np.uint8)


def test_export_keeps_the_generator_alone_and_its_outputs(runs, weights):
    exported = weights / "sr2.safetensors"
    names = stored_tensors(exported)
    assert names and all(name.startswith("generator.") for name in names)
    assert any(name.startswith("discriminator.") for name in stored_tensors(runs["sr2"]))
    assert exported.stat().st_size < Path(runs["sr2"]).stat().st_size / 2
    image = photo()
    assert np.array_equal(load_enhancer(exported)(image), load_enhancer(runs["sr2"])(image))


def test_export_records_a_training_summary(weights):
    summary = load_enhancer(weights / "restore.safetensors").summary
    assert summary.startswith("restore U-Net") and "3 steps" in summary
    assert "held-out validation PSNR" in summary and summary.endswith("trained by the test, restore")


def test_shipped_files_are_found_per_task(weights):
    assert shipped.shipped_tasks(weights) == ["sr2", "restore"]
    assert shipped.require_shipped("sr2", weights) == weights / "sr2.safetensors"
    assert shipped.shipped_path("sr4", weights) is None


def test_a_missing_shipped_model_says_what_to_do(weights):
    with pytest.raises(shipped.ShippedModelMissing, match="no shipped model for sr4 in this install") as error:
        shipped.require_shipped("sr4", weights)
    assert "enhance train" in str(error.value) and "--checkpoint" in str(error.value)


def test_build_enhancer_uses_the_shipped_model_without_a_checkpoint(installed):
    enhancer = build_enhancer("restore")
    assert enhancer.path == installed / "restore.safetensors"
    with pytest.raises(shipped.ShippedModelMissing, match="sr4"):
        build_enhancer("sr4")


def test_enhance_apply_without_checkpoint_uses_and_names_the_shipped_model(installed, tmp_path):
    source = tmp_path / "tee.png"
    Image.fromarray(photo()).save(source)
    result = runner.invoke(app, ["enhance", "apply", str(source), "--task", "sr2", "--out", str(tmp_path / "o")])
    assert result.exit_code == 0, result.output
    output = " ".join(result.output.split())
    assert f"sr2 shipped model {installed / 'sr2.safetensors'}" in output and "trained by the test, sr2" in output
    written = read_photo(tmp_path / "o" / "tee-sr2.png")
    assert np.array_equal(written, load_enhancer(installed / "sr2.safetensors")(photo()))


def test_enhance_apply_without_a_shipped_model_is_one_clear_line(installed, tmp_path):
    source = tmp_path / "tee.png"
    Image.fromarray(photo()).save(source)
    result = runner.invoke(app, ["enhance", "apply", str(source), "--task", "sr4", "--out", str(tmp_path / "o")])
    assert result.exit_code != 0
    assert "no shipped model for sr4" in result.output and "Traceback" not in result.output


def test_enhance_export_cli_writes_a_loadable_file(runs, tmp_path):
    out = tmp_path / "sr2.safetensors"
    result = runner.invoke(app, ["enhance", "export", str(runs["sr2"]), "--out", str(out), "--note", "by hand"])
    assert result.exit_code == 0, result.output
    assert load_enhancer(out).summary.endswith("by hand") and load_enhancer(out).task == "sr2"


def test_serve_offers_shipped_tasks_and_a_given_checkpoint_overrides(installed, runs):
    from productgan.serve.enhancers import PhotoEnhancers

    offered = PhotoEnhancers.load([])
    assert offered.tasks() == ["auto", "classic", "restore", "sr2"]
    assert offered.learned["sr2"].path == installed / "sr2.safetensors"
    assert {row["task"]: row.get("checkpoint") for row in offered.describe()}["sr2"] == "shipped sr2.safetensors"
    overridden = PhotoEnhancers.load([runs["sr2"]])
    assert Path(overridden.learned["sr2"].path) == Path(runs["sr2"])
    assert overridden.learned["restore"].path == installed / "restore.safetensors"
    assert PhotoEnhancers.load([], shipped=False).tasks() == ["auto", "classic"]


def test_serve_cli_passes_the_shipped_switch(monkeypatch, tmp_path):
    seen = {}
    monkeypatch.setattr("productgan.serve.server.run_server", lambda path, **kwargs: seen.update(kwargs))
    assert runner.invoke(app, ["serve", str(tmp_path), "--no-shipped-enhancers"]).exit_code == 0
    assert seen["settings"].shipped_enhancers is False
    assert runner.invoke(app, ["serve", str(tmp_path)]).exit_code == 0
    assert seen["settings"].shipped_enhancers is True


def test_generate_upscale_shipped_names_the_shipped_sr_model(installed):
    from productgan.upscale import load_upscaler

    assert load_upscaler("shipped-sr2").path == installed / "sr2.safetensors"
    with pytest.raises(shipped.ShippedModelMissing, match="sr4"):
        load_upscaler("shipped")


def test_an_exported_file_copied_elsewhere_still_loads(weights, tmp_path):
    """The file is self-contained: the header rebuilds the network, nothing is read from beside it."""
    copy = tmp_path / "elsewhere.safetensors"
    shutil.copy(weights / "restore.safetensors", copy)
    assert load_enhancer(copy)(photo()).shape == (30, 40, 3)


@pytest.mark.parametrize("task", shipped.SHIPPED_TASKS)
def test_the_real_shipped_files_are_small_and_what_their_name_says(task):
    path = shipped.shipped_path(task)
    if path is None:
        pytest.skip(f"this checkout ships no {task} model yet (src/productgan/weights/{task}.safetensors)")
    assert path.stat().st_size < SIZE_CAP
    enhancer = load_enhancer(path)
    assert enhancer.task == task and enhancer.summary
    # The generator alone, and for restore the denoise/deblock stage it runs first (enhance export --first-stage).
    allowed = ("generator.", "first_stage.") if task == "restore" else ("generator.",)
    assert all(name.startswith(allowed) for name in stored_tensors(path))
    if task == "restore":
        assert enhancer.first is not None and enhancer.first.config.model.damage_planes == 1
