"""Transitional conditioning (condition_transition_kimg): the strength ramps 0 -> 1 over the window,
at 0 neither G nor D's score depends on the labels, the strength is never saved (a checkpoint holds
the keys of a run without it), the ramp is logged and the class term follows it, bad windows are
refused, and a resumed run repeats an uninterrupted one exactly."""

from __future__ import annotations

import pytest
import torch
from helpers.cli import train_builtin
from helpers.train import tiny_config, two_color_catalog

from productgan.checkpoint import load_tensors, read_meta
from productgan.errors import ConfigError
from productgan.loop_kit.run_log import read_metrics
from productgan.models import ModelConfig, create_discriminator, create_generator
from productgan.train import TrainConfig, train
from productgan.train.loop import Trainer
from productgan.train.transition import condition_strength, set_condition_strength


def test_the_strength_is_zero_before_the_window_linear_in_it_and_one_after():
    window = (10.0, 40.0)
    assert [condition_strength(kimg, window) for kimg in (0, 10, 25, 40, 84)] == [0.0, 0.0, 0.5, 1.0, 1.0]
    assert condition_strength(0.0, None) == 1.0


@pytest.mark.parametrize("family", ["resnet", "dcgan"])
def test_at_strength_zero_the_labels_change_nothing_and_at_one_they_do(family):
    torch.manual_seed(0)
    cfg = ModelConfig(family=family, resolution=16, width=8, max_width=32, latent_dim=8, embed_dim=8, level_counts=(3, 4))
    generator, discriminator = create_generator(cfg).eval(), create_discriminator(cfg).eval()
    z, images = torch.randn(2, 8), torch.rand(2, 3, 16, 16) * 2 - 1
    first, second = torch.tensor([[0, 1], [2, 3]]), torch.tensor([[1, 0], [0, 2]])
    with torch.no_grad():
        assert not torch.allclose(generator(z, first), generator(z, second))
        assert not torch.allclose(discriminator(images, first), discriminator(images, second))
        set_condition_strength((generator, discriminator.head), 0.0)
        torch.testing.assert_close(generator(z, first), generator(z, second))
        torch.testing.assert_close(discriminator(images, first), discriminator(images, second))
    assert "condition_strength" not in generator.state_dict()  # not saved: a loaded model draws at full strength
    assert "head.condition_strength" not in discriminator.state_dict()


def test_a_window_is_refused_out_of_order_without_conditions_or_past_the_budget(tmp_path):
    tiny_config(tmp_path / "run", condition_transition_kimg=(0.016, 0.048)).validate()
    with pytest.raises(ConfigError, match="need 0 <= start < end"):
        tiny_config(tmp_path / "run", condition_transition_kimg=(0.048, 0.016)).validate()
    with pytest.raises(ConfigError, match="needs conditioning attributes"):
        tiny_config(tmp_path / "run", condition=[], condition_transition_kimg=(0.0, 0.032)).validate()
    with pytest.raises(ConfigError, match="after the 0.064-kimg budget"):
        tiny_config(tmp_path / "run", condition_transition_kimg=(0.0, 0.1)).validate()
    assert TrainConfig().condition_transition_kimg is None


def test_the_ramp_is_logged_saved_and_ends_at_full_strength(tmp_path):
    result = train(tiny_config(tmp_path / "run", condition_transition_kimg=(0.016, 0.048), threads=1),
                   progress=False, catalog=two_color_catalog())
    strengths = [line["condition_strength"] for line in read_metrics(tmp_path / "run") if "loss_d" in line]
    assert strengths == sorted(strengths) and strengths[-1] == 1.0 and 0 < min(s for s in strengths if s > 0) < 1
    saved = TrainConfig.from_dict(read_meta(result.checkpoint).config)
    assert saved.condition_transition_kimg == (0.016, 0.048)
    assert set(load_tensors(result.checkpoint)) == set(load_tensors(train(
        tiny_config(tmp_path / "plain", threads=1), progress=False, catalog=two_color_catalog()).checkpoint))


def test_the_class_term_is_weighted_by_the_strength(tmp_path):
    trainer = Trainer(tiny_config(tmp_path / "run", class_weight=2.0, condition_transition_kimg=(0.016, 0.048),
                                  threads=1), progress=False, catalog=two_color_catalog())
    rng = torch.Generator().manual_seed(0)
    real, labels = trainer._real_batch(rng)
    stats = trainer._fade_condition()
    assert float(stats["condition_strength"]) == 0.0
    _, terms = trainer._real_logits(real, labels, rng)
    assert terms["class_real"][0] == 0.0
    trainer.images_seen = 32
    trainer._fade_condition()
    _, terms = trainer._real_logits(real, labels, rng)
    assert terms["class_real"][0] == pytest.approx(2.0 * 0.5)


@pytest.mark.slow
def test_a_resumed_run_in_the_transition_repeats_an_uninterrupted_one_exactly(tmp_path):
    catalog, window = two_color_catalog(), (0.016, 0.096)
    full = train(tiny_config(tmp_path / "full", kimg=0.128, condition_transition_kimg=window, threads=1),
                 progress=False, catalog=catalog)
    interrupted = Trainer(tiny_config(tmp_path / "split", kimg=0.128, condition_transition_kimg=window, threads=1),
                          progress=False, catalog=catalog)
    interrupted.config.kimg = 0.056  # stopped mid-transition, as Ctrl-C would (a --kimg this short is refused)
    interrupted.run()
    resumed = train(tiny_config(tmp_path / "split", kimg=0.128, condition_transition_kimg=window, threads=1),
                    resume=True, progress=False, catalog=catalog)
    a, b = load_tensors(full.checkpoint), load_tensors(resumed.checkpoint)
    assert a.keys() == b.keys() and all(torch.equal(a[key], b[key]) for key in a)


def test_the_cli_stores_the_window_and_names_a_bad_one(tmp_path):
    def run(*options):
        return train_builtin(tmp_path / "run", *options, kimg="0.032", condition="color")

    chosen = run("--condition-transition", "0.008,0.024")
    assert chosen.exit_code == 0, chosen.output
    assert read_meta(tmp_path / "run" / "checkpoint.safetensors").config["condition_transition_kimg"] == [0.008, 0.024]
    for bad in ("0.024", "a,b", "0.024,0.008"):
        refused = run("--condition-transition", bad)
        assert refused.exit_code != 0 and "transition" in refused.output
