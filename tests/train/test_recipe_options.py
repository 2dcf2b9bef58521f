"""The recipe options against collapse and for rare levels: they train, log, checkpoint and resume."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from helpers.train import tiny_config, two_color_catalog

from productgan.checkpoint import load_tensors, read_meta
from productgan.data import Catalog
from productgan.errors import ProductGANError
from productgan.train import TrainConfig, train
from productgan.train.loop import Trainer
from productgan.loop_kit.run_log import read_metrics


def test_diversity_is_the_default_and_an_old_config_keeps_its_recipe():
    assert TrainConfig().diversity_weight == 1.0
    old = TrainConfig(kimg=1).to_dict()
    del old["diversity_weight"]  # saved before the option existed
    assert TrainConfig.from_dict(old).diversity_weight == 0.0


def test_diversity_and_lecam_train_log_and_keep_their_state(tmp_path):
    config = tiny_config(tmp_path / "run", diversity_weight=1.0, lecam_weight=0.01, threads=1)
    result = train(config, progress=False, catalog=two_color_catalog())
    logged = read_metrics(tmp_path / "run")
    assert all("diversity" in line and "lecam" in line for line in logged if "loss_g" in line)
    assert all(np.isfinite(line["diversity"]) and line["diversity"] >= 0 for line in logged if "diversity" in line)
    anchors = read_meta(result.checkpoint).extra["lecam"]
    assert set(anchors) == {"real", "fake"} and anchors != {"real": 0.0, "fake": 0.0}


def test_the_diversity_pairs_share_their_labels(tmp_path):
    trainer = Trainer(tiny_config(tmp_path / "run", threads=1), progress=False, catalog=two_color_catalog())
    seen = {}
    original = trainer.g_step

    def spy(z, labels):
        seen["labels"] = labels.clone()
        return original(z, labels)

    trainer.g_step = spy
    trainer._generator_step(torch.Generator().manual_seed(0))
    half = trainer.config.batch // 2
    assert torch.equal(seen["labels"][:half], seen["labels"][half:2 * half])


def test_balance_draws_rare_levels_by_the_square_root_of_their_count(tmp_path):
    base = two_color_catalog(n=64)
    keep = [i for i, color in enumerate(base.table["color"]) if color == "red" or i < 8]  # 32 red, 4 blue
    catalog = Catalog(images=base.images[keep], table={k: [v[i] for i in keep] for k, v in base.table.items()},
                      files=[base.files[i] for i in keep], source=base.source)
    trainer = Trainer(tiny_config(tmp_path / "run", balance="color", threads=1), progress=False, catalog=catalog)
    rng = torch.Generator().manual_seed(0)
    drawn = torch.cat([trainer._draw(rng) for _ in range(400)])
    blue = np.array(catalog.table["color"])[drawn.numpy()] == "blue"
    expected = np.sqrt(4) / (np.sqrt(4) + np.sqrt(32))  # 0.26, against 4/36 = 0.11 when drawn uniformly
    assert abs(blue.mean() - expected) < 0.03


@pytest.mark.slow
def test_consistency_ada_and_minibatch_std_train_log_and_resume_exactly(tmp_path):
    """The three D-side candidates together: logged, ADA's p kept in the checkpoint, and a resumed
    run equal to an uninterrupted one (p and its sign counter carry over mid-interval)."""
    catalog = two_color_catalog()
    options = dict(cr_weight=1.0, ada_target=0.6, ada_kimg=0.05, threads=1)

    def config(name, kimg):
        run = tiny_config(tmp_path / name, kimg=kimg, **options)
        run.model.d_minibatch_std = True
        return run

    full = train(config("full", 0.128), progress=False, catalog=catalog)
    train(config("split", 0.072), progress=False, catalog=catalog)  # 9 steps: mid ADA interval
    resumed = train(config("split", 0.128), resume=True, progress=False, catalog=catalog)
    logged = [line for line in read_metrics(tmp_path / "full") if "loss_d" in line]
    assert all("consistency" in line and 0.0 <= line["augment_p"] <= 1.0 for line in logged)
    ada = read_meta(full.checkpoint).extra["ada"]
    assert ada["p"] > 0.0  # D is sure of the real images this early, so p has risen
    assert read_meta(resumed.checkpoint).extra["ada"] == ada
    a, b = load_tensors(full.checkpoint), load_tensors(resumed.checkpoint)
    assert any(key.startswith("discriminator.epilogue") for key in a)
    assert all(torch.equal(a[key], b[key]) for key in a)


def test_consistency_and_ada_need_an_augmentation(tmp_path):
    with pytest.raises(ProductGANError, match="need an augmentation"):
        tiny_config(tmp_path / "run", cr_weight=1.0, augment=[]).validate()
    with pytest.raises(ProductGANError, match="ADA's target"):
        tiny_config(tmp_path / "run", ada_target=1.5).validate()


@pytest.mark.slow
def test_cli_train_takes_the_library_recipe_defaults_and_the_new_options(tmp_path):
    """The CLI's --diversity once defaulted to 0 while the library's default was 1: a CLI run then
    trained the collapsed recipe. Its defaults now come from TrainConfig."""
    from typer.testing import CliRunner

    from productgan.cli import app

    def run(name, *options):
        result = CliRunner().invoke(app, ["train", "--data", "builtin:catalog", "--out", str(tmp_path / name),
                                          "--resolution", "16", "--width", "8", "--batch", "8", "--kimg", "0.016",
                                          "--condition", "color", "--threads", "1", *options])
        assert result.exit_code == 0, result.output
        return read_meta(tmp_path / name / "checkpoint.safetensors").config

    default = run("default")
    assert default["diversity_weight"] == TrainConfig().diversity_weight == 1.0
    assert (default["cr_weight"], default["ada_target"], default["model"]["d_minibatch_std"]) == (0.0, 0.0, True)
    chosen = run("chosen", "--cr", "2", "--ada-target", "0.6", "--no-minibatch-std", "--skip-excitation",
                 "--augment", "translation")
    assert (chosen["cr_weight"], chosen["ada_target"]) == (2.0, 0.6)
    assert not chosen["model"]["d_minibatch_std"] and chosen["model"]["g_skip_excitation"]


def test_minibatch_std_is_resnets_default_and_old_configs_keep_theirs():
    """Minibatch std became resnet's default in December 2026 (docs/BENCHMARKS.md); a config stored
    before it existed trained without it, so it must resume and rebuild without it."""
    from dataclasses import asdict

    from productgan.models.config import ModelConfig

    assert ModelConfig(family="resnet").d_minibatch_std is True
    assert ModelConfig(family="dcgan").d_minibatch_std is False
    old = asdict(ModelConfig(resolution=16, width=8, level_counts=(3,)))
    del old["d_minibatch_std"]
    assert ModelConfig.from_dict(old).d_minibatch_std is False
    stored = TrainConfig(data="builtin:catalog", out="x", kimg=1.0).to_dict()
    del stored["model"]["d_minibatch_std"]
    assert TrainConfig.from_dict(stored).model.d_minibatch_std is False
    assert TrainConfig.from_dict(TrainConfig(data="builtin:catalog", out="x", kimg=1.0).to_dict()).model.d_minibatch_std
