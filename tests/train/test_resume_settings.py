"""--resume keeps the checkpoint's settings: a different value given is refused with every difference
listed, the budget may grow, and a run stores its catalog's absolute path so it resumes from anywhere."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from helpers.cli import tiny_options, write_tiny_catalog
from helpers.train import tiny_config, two_color_catalog
from productgan.cli import app
from productgan.errors import ProductGANError
from productgan.train import TrainConfig, train
from productgan.checkpoint import read_meta
from productgan.loop_kit.resume import catalog_location, resume_conflicts

runner = CliRunner()


@pytest.fixture
def trained(tmp_path, monkeypatch):
    """A 2-step run trained from tmp_path/work on the relative catalog path 'catalog'."""
    monkeypatch.setenv("PRODUCTGAN_CACHE", str(tmp_path / "cache"))
    work = tmp_path / "work"
    write_tiny_catalog(work / "catalog")
    monkeypatch.chdir(work)
    result = runner.invoke(app, ["train", "--out", str(tmp_path / "run"), "--kimg", "0.016", *tiny_options("catalog")])
    assert result.exit_code == 0, result.output
    return tmp_path / "run"


def test_a_run_stores_its_catalog_as_an_absolute_path(trained, tmp_path):
    stored = read_meta(trained / "checkpoint.safetensors").config["data"]
    assert stored == str(tmp_path / "work" / "catalog")


def test_resume_from_another_folder_continues_without_repeating_the_options(trained, tmp_path, monkeypatch):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    result = runner.invoke(app, ["train", "--out", str(trained), "--kimg", "0.032", "--resume"])
    assert result.exit_code == 0, result.output
    meta = read_meta(trained / "checkpoint.safetensors")
    assert meta.step == 4 and meta.config["kimg"] == 0.032  # the budget grew
    assert meta.config["model"]["resolution"] == 32 and meta.config["batch"] == 8  # the rest is the checkpoint's


def test_resume_with_the_same_options_given_again_is_accepted(trained, tmp_path):
    catalog = tmp_path / "work" / "catalog"  # the same catalog, named absolutely this time
    result = runner.invoke(app, ["train", "--out", str(trained), "--kimg", "0.024", "--resume", *tiny_options(catalog)])
    assert result.exit_code == 0, result.output
    assert read_meta(trained / "checkpoint.safetensors").step == 3


def test_resume_with_changed_settings_is_refused_listing_every_difference(trained, tmp_path):
    before = (trained / "checkpoint.safetensors").read_bytes()
    other = write_tiny_catalog(tmp_path / "other")
    result = runner.invoke(app, ["train", "--out", str(trained), "--kimg", "1", "--resume", "--data", str(other),
                                 "--resolution", "64", "--batch", "16", "--lr", "0.001", "--seed", "7"])
    assert result.exit_code == 2, result.output
    message = result.output.replace("\n", "")
    for difference in ["model.resolution: 32 in the checkpoint, 64 given", "batch: 8 in the checkpoint, 16 given",
                       "lr_g: 0.0002 in the checkpoint, 0.001 given", "seed: 0 in the checkpoint, 7 given",
                       f"data: '{tmp_path / 'work' / 'catalog'}' in the checkpoint, '{other}' given"]:
        assert difference in message, message
    assert "kimg" not in message.split("different settings:")[1].split(".")[0]  # the budget may change
    assert (trained / "checkpoint.safetensors").read_bytes() == before


def test_data_is_required_for_a_new_run(tmp_path):
    result = runner.invoke(app, ["train", "--out", str(tmp_path / "run"), "--kimg", "1"])
    assert result.exit_code == 2 and "--data is required" in result.output
    result = runner.invoke(app, ["train", "--out", str(tmp_path / "run"), "--kimg", "1", "--resume"])
    assert result.exit_code == 2 and "--data is required" in result.output


def test_library_resume_refuses_settings_chosen_away_from_the_checkpoints(tmp_path):
    catalog = two_color_catalog()
    train(tiny_config(tmp_path / "run", kimg=0.016), progress=False, catalog=catalog)
    with pytest.raises(ProductGANError, match=r"batch: 8 in the checkpoint, 16 given; ema_kimg"):
        train(tiny_config(tmp_path / "run", kimg=0.032, batch=16, ema_kimg=0.5), resume=True, progress=False,
              catalog=catalog)
    resumed = train(tiny_config(tmp_path / "run", kimg=0.032, device="cpu"), resume=True, progress=False, catalog=catalog)
    assert resumed.steps == 4


def test_resume_conflicts_ignore_the_budget_and_compare_catalog_paths_resolved(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    saved = TrainConfig(data=str(tmp_path / "catalog"), kimg=1.0, seed=3)
    given = TrainConfig(data="catalog", kimg=5.0, minutes=2.0, seed=3)
    assert given.resume_conflicts(saved) == []
    assert resume_conflicts(saved, TrainConfig(data="catalog", seed=4), names={"seed", "batch"}) == [
        "seed: 3 in the checkpoint, 4 given"]


@pytest.mark.parametrize("spec", ["builtin:catalog", "test:two-colour"])
def test_catalog_schemes_are_stored_as_they_are(spec):
    assert catalog_location(spec) == spec


def test_enhancer_resume_refuses_a_changed_setting(tmp_path, monkeypatch):
    import productgan.enhance.train as enhance_train
    from productgan.enhance.config import EnhanceModelConfig, EnhanceTrainConfig

    run = tmp_path / "run"
    run.mkdir()
    (run / "checkpoint.safetensors").write_bytes(b"")  # its header is stubbed below: settings are compared first

    def config(crop: int, **overrides) -> EnhanceTrainConfig:
        return EnhanceTrainConfig(data=str(tmp_path / "photos"), out=str(run), crop=crop, steps=1,
                                  model=EnhanceModelConfig(task="sr2", width=8), **overrides)

    saved = config(32)
    monkeypatch.setattr(enhance_train, "read_enhancer_meta", lambda path: (path, None, saved))
    with pytest.raises(ProductGANError, match="crop: 32 in the checkpoint, 64 given; seed: 0 in the checkpoint, 5 given"):
        enhance_train.EnhanceTrainer(config(64, seed=5), resume=True, progress=False, given=["crop", "seed", "steps"])
