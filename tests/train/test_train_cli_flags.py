"""`productgan train` reaches every setting of ModelConfig and TrainConfig a user may choose, with the
dataclasses' own defaults, and stores what it was given in the run's config."""

from __future__ import annotations

from dataclasses import fields

import pytest
import typer
from typer.testing import CliRunner

from helpers.cli import tiny_options, write_tiny_catalog
from productgan.checkpoint import read_meta
from productgan.cli import app
from productgan.cli.train import TRAIN_OPTION_SETTINGS
from productgan.models.config import ModelConfig
from productgan.train.config import TrainConfig

runner = CliRunner()

# TrainConfig settings with no flag, each for a reason: set by the command itself, or internal
# constants of the recipe that a user has no measured reason to change.
TRAIN_SETTINGS_WITHOUT_FLAG = {"out", "model", "betas", "ema_rampup", "grid_per_level", "cpu_bf16", "channels_last"}
DERIVED_MODEL_SETTINGS = {"level_counts"}  # from the catalog


def train_command():
    return typer.main.get_command(app).commands["train"]


def test_every_model_setting_has_a_flag():
    reached = {setting for settings in TRAIN_OPTION_SETTINGS.values() for setting in settings}
    wanted = {f"model.{f.name}" for f in fields(ModelConfig) if f.name not in DERIVED_MODEL_SETTINGS}
    assert wanted - reached == set()


def test_every_train_setting_has_a_flag_or_a_reason():
    reached = {setting for settings in TRAIN_OPTION_SETTINGS.values() for setting in settings}
    without = {f.name for f in fields(TrainConfig)} - reached
    assert without == TRAIN_SETTINGS_WITHOUT_FLAG


def test_each_option_named_in_the_settings_table_exists():
    names = {param.name for param in train_command().params}
    assert set(TRAIN_OPTION_SETTINGS) <= names


def test_defaults_are_the_dataclasses():
    """A default written twice drifts: each option's default is the value its setting has in TrainConfig()."""
    flat = {**{f"model.{f.name}": getattr(ModelConfig(), f.name) for f in fields(ModelConfig)},
            **{f.name: getattr(TrainConfig(), f.name) for f in fields(TrainConfig)}}
    flat["augment"] = ",".join(flat["augment"])  # one comma-separated option
    flat["model.d_spectral_norm"] = None  # the option's None means the family's default, resolved by ModelConfig
    flat["model.d_minibatch_std"] = None  # the same
    differing = []
    for param in train_command().params:
        settings = TRAIN_OPTION_SETTINGS.get(param.name, ())
        if param.name in ("data", "condition", "inception", "classifier") or not settings:
            continue  # no default (required, or a list/path the config stores differently)
        expected = flat[settings[0]]
        if param.default != expected:
            differing.append(f"--{param.name}: {param.default!r} vs {settings[0]} = {expected!r}")
    assert differing == []


@pytest.fixture
def catalog(tmp_path, monkeypatch):
    monkeypatch.setenv("PRODUCTGAN_CACHE", str(tmp_path / "cache"))
    return write_tiny_catalog(tmp_path / "catalog")


def test_train_stores_the_model_and_recipe_flags_in_its_config(catalog, tmp_path):
    run = tmp_path / "run"
    result = runner.invoke(app, [
        "train", "--out", str(run), "--kimg", "0.016", *tiny_options(catalog),
        "--max-width", "16", "--latent-dim", "12", "--embed-dim", "6", "--g-spectral-norm",
        "--r1-gamma", "0.1", "--r2", "--penalty-every", "2", "--d-steps", "2", "--ada-target", "0.6",
        "--ada-kimg", "3", "--no-bf16",
    ])
    assert result.exit_code == 0, result.output
    config = read_meta(run / "checkpoint.safetensors").config
    assert {name: config["model"][name] for name in ("max_width", "latent_dim", "embed_dim", "g_spectral_norm")} == \
        {"max_width": 16, "latent_dim": 12, "embed_dim": 6, "g_spectral_norm": True}
    assert {name: config[name] for name in ("r1_gamma", "r2", "penalty_every", "d_steps", "ada_target", "ada_kimg", "bf16")} == \
        {"r1_gamma": 0.1, "r2": True, "penalty_every": 2, "d_steps": 2, "ada_target": 0.6, "ada_kimg": 3.0, "bf16": False}


def test_a_model_flag_out_of_range_is_refused_before_training(catalog, tmp_path):
    result = runner.invoke(app, ["train", "--out", str(tmp_path / "run"), "--kimg", "0.016", *tiny_options(catalog),
                                 "--latent-dim", "0"])
    assert result.exit_code == 2
    assert "--latent-dim" in result.output and not (tmp_path / "run" / "checkpoint.safetensors").exists()
