"""FastGAN's self-supervised D in training (recon_weight with model.d_reconstruction): the weight and
the decoders must agree, the term is logged, the decoders are checkpointed, generation is unaffected,
and a resumed run repeats an uninterrupted one exactly (the quadrant comes from the step's seed)."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
import torch
from helpers.train import tiny_config, two_color_catalog

from productgan.checkpoint import load_tensors, read_meta
from productgan.errors import ConfigError
from productgan.generate import load_generator
from productgan.loop_kit.run_log import read_metrics
from productgan.train import TrainConfig, train
from productgan.train.loop import Trainer


def recon_config(out, weight: float = 1.0, **overrides) -> TrainConfig:
    config = tiny_config(out, recon_weight=weight, threads=1, **overrides)
    config.model = replace(config.model, d_reconstruction=weight > 0)
    return config


def test_the_weight_and_the_decoders_must_agree(tmp_path):
    recon_config(tmp_path / "run").validate()
    with pytest.raises(ConfigError, match="recon_weight 1.0 and model d_reconstruction False disagree"):
        tiny_config(tmp_path / "run", recon_weight=1.0).validate()
    decoders_unused = tiny_config(tmp_path / "run")
    decoders_unused.model = replace(decoders_unused.model, d_reconstruction=True)
    with pytest.raises(ConfigError, match="disagree"):
        decoders_unused.validate()
    with pytest.raises(ConfigError, match="recon_weight must be finite"):
        recon_config(tmp_path / "run", weight=float("nan")).validate()
    dcgan = recon_config(tmp_path / "run")
    dcgan.model = replace(dcgan.model, family="dcgan")
    with pytest.raises(ConfigError, match="d_reconstruction needs the resnet family"):
        dcgan.validate()
    assert TrainConfig().recon_weight == 0.0 and not TrainConfig().model.d_reconstruction


def test_the_term_trains_is_logged_checkpointed_and_generation_still_works(tmp_path):
    result = train(recon_config(tmp_path / "run"), progress=False, catalog=two_color_catalog())
    logged = [line for line in read_metrics(tmp_path / "run") if "loss_d" in line]
    assert logged and all(np.isfinite(line["recon"]) and line["recon"] > 0 for line in logged)
    saved = read_meta(result.checkpoint).config
    assert saved["recon_weight"] == 1.0 and saved["model"]["d_reconstruction"] is True
    assert TrainConfig.from_dict(saved).model.d_reconstruction is True
    assert any(key.startswith("discriminator.decode_part") for key in load_tensors(result.checkpoint))
    images = load_generator(tmp_path / "run").generate(4, seed=1, color="red")
    assert images.shape == (4, 32, 32, 3) and images.dtype == np.uint8


def test_only_the_real_batch_is_decoded_and_the_quadrant_comes_from_the_step_seed(tmp_path):
    trainer = Trainer(recon_config(tmp_path / "run"), progress=False, catalog=two_color_catalog())
    parts, original = [], trainer.discriminator.forward_with_reconstruction

    def spy(images, labels, part):
        parts.append(part)
        return original(images, labels, part)

    trainer.discriminator.forward_with_reconstruction = spy
    for seed in (0, 0, 1, 2, 3, 4, 5, 6, 7):
        trainer._discriminator_step(torch.Generator().manual_seed(seed))
    assert parts[0] == parts[1] and set(parts) <= {0, 1, 2, 3} and len(set(parts)) > 1


@pytest.mark.slow
def test_a_resumed_run_with_reconstruction_repeats_an_uninterrupted_one_exactly(tmp_path):
    catalog = two_color_catalog()
    full = train(recon_config(tmp_path / "full", kimg=0.128), progress=False, catalog=catalog)
    train(recon_config(tmp_path / "split", kimg=0.072), progress=False, catalog=catalog)
    resumed = train(recon_config(tmp_path / "split", kimg=0.128), resume=True, progress=False, catalog=catalog)
    a, b = load_tensors(full.checkpoint), load_tensors(resumed.checkpoint)
    assert a.keys() == b.keys() and any(key.startswith("discriminator.decode_whole") for key in a)
    assert all(torch.equal(a[key], b[key]) for key in a)


@pytest.mark.slow
def test_cli_recon_weight_turns_on_the_decoders_and_the_term(tmp_path):
    from typer.testing import CliRunner

    from productgan.cli import app

    def run(name, *options):
        result = CliRunner().invoke(app, ["train", "--data", "builtin:catalog", "--out", str(tmp_path / name),
                                          "--resolution", "16", "--width", "8", "--batch", "8", "--kimg", "0.016",
                                          "--condition", "color", "--threads", "1", *options])
        return result

    chosen = run("chosen", "--recon-weight", "0.5")
    assert chosen.exit_code == 0, chosen.output
    saved = read_meta(tmp_path / "chosen" / "checkpoint.safetensors").config
    assert saved["recon_weight"] == 0.5 and saved["model"]["d_reconstruction"] is True
    assert all("recon" in line for line in read_metrics(tmp_path / "chosen") if "loss_d" in line)
    refused = run("chosen", "--resume", "--recon-weight", "0", "--kimg", "0.032")
    assert refused.exit_code != 0 and "recon_weight" in refused.output
