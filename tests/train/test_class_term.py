"""P2GAN's classification term (class_weight): D's level logits are its projection's own scores,
the term is refused where it cannot mean anything, D learns to classify real images with it, G is
pushed by it, it reaches the CLI, and a resumed run repeats an uninterrupted one exactly."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from helpers.cli import train_builtin
from helpers.train import tiny_config, two_color_catalog

from productgan.checkpoint import load_tensors, read_meta
from productgan.errors import ConfigError
from productgan.losses import class_loss_as_real
from productgan.loop_kit.run_log import read_metrics
from productgan.models import ModelConfig, create_discriminator
from productgan.train import TrainConfig, train


@pytest.mark.parametrize("family", ["resnet", "dcgan"])
def test_level_logits_are_the_projection_score_of_each_level(family):
    torch.manual_seed(0)
    discriminator = create_discriminator(ModelConfig(family=family, resolution=32, width=8, max_width=32,
                                                     level_counts=(3, 5))).eval()
    images = torch.rand(4, 3, 32, 32) * 2 - 1
    pooled = discriminator.pooled(images)
    colour_logits, category_logits = discriminator.head.class_logits(pooled)
    assert colour_logits.shape == (4, 3) and category_logits.shape == (4, 5)
    for colour in range(3):
        for category in range(5):
            labels = torch.tensor([[colour, category]] * 4)
            score = discriminator(images, labels)
            unconditional = discriminator.head.linear(pooled).squeeze(1)
            torch.testing.assert_close(score, unconditional + colour_logits[:, colour] + category_logits[:, category])


def test_the_weight_is_refused_without_conditions_with_reconstruction_or_out_of_range(tmp_path):
    tiny_config(tmp_path / "run", class_weight=1.0).validate()
    with pytest.raises(ConfigError, match="class_weight needs conditioning attributes"):
        tiny_config(tmp_path / "run", class_weight=1.0, condition=[]).validate()
    with pytest.raises(ConfigError, match="class_weight must be finite"):
        tiny_config(tmp_path / "run", class_weight=float("nan")).validate()
    both = tiny_config(tmp_path / "run", class_weight=1.0, recon_weight=1.0)
    both.model.d_reconstruction = True
    with pytest.raises(ConfigError, match="class_weight and recon_weight cannot be combined"):
        both.validate()
    assert TrainConfig().class_weight == 0.0


def test_d_learns_to_classify_real_images_and_the_term_is_logged_for_both_players(tmp_path):
    result = train(tiny_config(tmp_path / "run", class_weight=1.0, kimg=0.256, threads=1),
                   progress=False, catalog=two_color_catalog())
    logged = [line for line in read_metrics(tmp_path / "run") if "loss_d" in line]
    assert all(np.isfinite(line["class_real"]) and np.isfinite(line["class_fake"]) for line in logged)
    first, last = logged[0]["class_real"], np.mean([line["class_real"] for line in logged[-3:]])
    assert first > 0.5 and last < 0.5 * first  # two colours: ln 2 = 0.69 is chance
    assert read_meta(result.checkpoint).config["class_weight"] == 1.0


def test_without_the_weight_nothing_is_logged_or_changed(tmp_path):
    train(tiny_config(tmp_path / "run", threads=1), progress=False, catalog=two_color_catalog())
    assert not any("class_real" in line or "class_fake" in line for line in read_metrics(tmp_path / "run"))


def test_the_term_moves_the_generator(tmp_path):
    catalog = two_color_catalog()
    with_term = train(tiny_config(tmp_path / "with", class_weight=5.0, threads=1), progress=False, catalog=catalog)
    without = train(tiny_config(tmp_path / "without", threads=1), progress=False, catalog=catalog)
    a, b = load_tensors(with_term.checkpoint), load_tensors(without.checkpoint)
    generator = [key for key in a if key.startswith("generator.")]
    assert generator and any(not torch.equal(a[key], b[key]) for key in generator)


@pytest.mark.slow
def test_a_resumed_run_with_the_term_repeats_an_uninterrupted_one_exactly(tmp_path):
    catalog = two_color_catalog()
    full = train(tiny_config(tmp_path / "full", class_weight=1.0, kimg=0.128, threads=1), progress=False, catalog=catalog)
    train(tiny_config(tmp_path / "split", class_weight=1.0, kimg=0.072, threads=1), progress=False, catalog=catalog)
    resumed = train(tiny_config(tmp_path / "split", class_weight=1.0, kimg=0.128, threads=1), resume=True,
                    progress=False, catalog=catalog)
    a, b = load_tensors(full.checkpoint), load_tensors(resumed.checkpoint)
    assert a.keys() == b.keys() and all(torch.equal(a[key], b[key]) for key in a)


@pytest.mark.slow
def test_cli_class_weight_is_saved_and_cannot_change_on_resume(tmp_path):
    def run(*options):
        return train_builtin(tmp_path / "run", *options)

    chosen = run("--class-weight", "0.5")
    assert chosen.exit_code == 0, chosen.output
    assert read_meta(tmp_path / "run" / "checkpoint.safetensors").config["class_weight"] == 0.5
    assert all("class_fake" in line for line in read_metrics(tmp_path / "run") if "loss_g" in line)
    refused = run("--resume", "--class-weight", "0", "--kimg", "0.032")
    assert refused.exit_code != 0 and "class_weight" in refused.output


def test_as_real_floors_g_s_term_at_the_real_cross_entropy_attribute_by_attribute():
    fake = torch.tensor([0.9, 0.2], requires_grad=True)  # colour read worse than the reals, category better
    term = class_loss_as_real(fake, torch.tensor([0.5, 0.4]))
    assert term.item() == pytest.approx((0.9 - 0.5) / 2)
    term.backward()
    assert fake.grad.tolist() == [0.5, 0.0]  # no pull on an attribute already read as surely as a real photo


def test_as_real_changes_the_generator_only_and_needs_the_term(tmp_path):
    catalog = two_color_catalog()
    floored = train(tiny_config(tmp_path / "floored", class_weight=5.0, class_as_real=True, threads=1),
                    progress=False, catalog=catalog)
    plain = train(tiny_config(tmp_path / "plain", class_weight=5.0, threads=1), progress=False, catalog=catalog)
    a, b = load_tensors(floored.checkpoint), load_tensors(plain.checkpoint)
    assert any(not torch.equal(a[key], b[key]) for key in a if key.startswith("generator."))
    assert read_meta(floored.checkpoint).config["class_as_real"] is True
    with pytest.raises(ConfigError, match="class_as_real needs class_weight"):
        tiny_config(tmp_path / "run", class_as_real=True).validate()
    assert TrainConfig().class_as_real is False
