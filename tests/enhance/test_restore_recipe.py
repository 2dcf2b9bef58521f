"""The restoration recipe: whole photos shrunk, damaged and then cropped; squared-error and PSNR pixel
losses; damage planes; starting from an older restorer; and checkpoints from before these settings
rebuilding with what they trained with."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from helpers.enhance import tiny_config, write_catalog
from productgan.enhance.config import FULL_SIZE, RESTORE_PHOTO_SIDE, EnhanceModelConfig, EnhanceTrainConfig
from productgan.enhance.degrade import RestoreDegradation
from productgan.enhance.learned import load_enhancer
from productgan.enhance.photos import shrunk_photo
from productgan.enhance.config import LossWeights
from productgan.enhance.train import EnhanceTrainer, make_batch, pixel_loss, train_enhancer
from productgan.errors import ConfigError, ProductGANError


@pytest.fixture(scope="module")
def catalog(tmp_path_factory):
    return write_catalog(tmp_path_factory.mktemp("catalog"), products=6, views=2, size=96)


def test_restore_defaults_and_what_older_checkpoints_rebuild_with():
    config = EnhanceTrainConfig(data="", out="", model=EnhanceModelConfig(task="restore"), steps=1)
    assert (config.photo_side, config.weights.pixel_kind, config.model.damage_planes) == (RESTORE_PHOTO_SIDE, "psnr", 1)
    sr = EnhanceTrainConfig(data="", out="", steps=1)
    assert (sr.photo_side, sr.weights.pixel_kind, sr.model.damage_planes) == (FULL_SIZE, "l1", 0)
    stored = config.to_dict()
    del stored["photo_side"], stored["model"]["damage_planes"], stored["weights"]["pixel_kind"], stored["pixel_warmup_steps"]
    legacy = EnhanceTrainConfig.from_dict(stored)
    assert (legacy.photo_side, legacy.weights.pixel_kind, legacy.model.damage_planes) == (FULL_SIZE, "l1", 0)
    assert (config.pixel_warmup_steps, sr.pixel_warmup_steps, legacy.pixel_warmup_steps) == (600, 0, 0)
    assert EnhanceTrainConfig.from_dict(config.to_dict()) == config


def test_bad_recipe_settings_are_refused():
    with pytest.raises(ConfigError, match="pixel loss 'l3'"):
        LossWeights(pixel_kind="l3")
    with pytest.raises(ConfigError, match="photo_side"):
        EnhanceTrainConfig(data="", out="", steps=1, model=EnhanceModelConfig(task="restore"), photo_side=(32, 300))
    with pytest.raises(ConfigError, match="photo_side"):
        EnhanceTrainConfig(data="", out="", steps=1, photo_side=(256, 384))  # sr trains full size


def test_shrunk_photo_draws_its_short_side_and_leaves_small_photos_alone():
    photo = np.zeros((768, 619, 3), np.uint8)
    rng = np.random.default_rng(0)
    sides = {min(shrunk_photo(photo, (256, 384), rng).shape[:2]) for _ in range(20)}
    assert min(sides) >= 256 and max(sides) <= 384 and len(sides) > 5
    assert shrunk_photo(photo, FULL_SIZE, rng) is photo
    assert shrunk_photo(photo[:200, :200], (256, 384), rng).shape == (200, 200, 3)


def test_whole_photo_pairs_cut_the_same_window_and_carry_damage_statistics(catalog, tmp_path):
    clean = tiny_config(catalog, tmp_path, "restore", photo_side=(64, 80),
                        restore_degradation=RestoreDegradation(clean_probability=1.0))
    trainer = EnhanceTrainer(clean, progress=False)
    batch = make_batch(clean, trainer.train_photos, np.random.default_rng(1), 6, trainer.device)
    assert torch.equal(batch.inputs, batch.targets)  # undamaged: input and target are the same window
    assert batch.statistics.shape == (6, 5) and batch.inputs.shape == (6, 3, 32, 32)
    noisy = tiny_config(catalog, tmp_path, "restore", photo_side=(64, 80), restore_degradation=RestoreDegradation(
        jpeg_probability=0, noise_probability=1, low_light_probability=0, blemish_probability=0, hole_probability=0))
    damaged = make_batch(noisy, trainer.train_photos, np.random.default_rng(1), 6, trainer.device)
    assert float(damaged.statistics[:, 2:4].mean()) > float(batch.statistics[:, 2:4].mean()) + 0.2


def test_squared_error_learns_to_remove_noise_where_l1_stays_the_identity(catalog, tmp_path):
    """The defect this recipe mends: from the identity, L1's sign gradient on zero-mean noise cancels."""
    noise = RestoreDegradation(jpeg_probability=0, noise_probability=1, noise_sigma=(12.0, 12.0),
                               low_light_probability=0, blemish_probability=0, hole_probability=0)
    gains = {}
    for kind in ("l1", "l2"):
        config = tiny_config(catalog, tmp_path / kind, "restore", steps=80, warmup_steps=80, lr=2e-3,
                             weights=LossWeights(feature=0, adversarial=0, pixel_kind=kind),
                             restore_degradation=noise, photo_side=(64, 96))
        result = train_enhancer(config, progress=False)
        gains[kind] = result.validation["val_psnr"] - result.validation["val_psnr_baseline"]
    assert gains["l2"] > 1.0 and gains["l2"] > gains["l1"] + 0.5, gains


def test_a_psnr_run_uses_squared_error_for_its_warm_up_steps(catalog, tmp_path):
    trainer = EnhanceTrainer(tiny_config(catalog, tmp_path, "restore", steps=3, pixel_warmup_steps=2), progress=False)
    kinds = []
    for _ in range(3):
        kinds.append(trainer.pixel_kind())
        trainer.train_step()  # counts its step
    assert kinds == ["l2", "l2", "psnr"]


def test_psnr_loss_is_minus_the_mean_crop_psnr_floored():
    targets = torch.zeros(2, 3, 4, 4)
    outputs = torch.stack([torch.full((3, 4, 4), 0.2), torch.zeros(3, 4, 4)])
    loss = pixel_loss(outputs, targets, None, 0.0, kind="psnr")
    psnr_first = 10 * np.log10(4.0 / 0.04)
    floored = -10 * np.log10(1e-5)  # a perfect crop reads 50 dB, not infinity
    assert float(loss) == pytest.approx(-(psnr_first + floored) / 2, rel=1e-4)
    assert float(pixel_loss(outputs, targets, None, 0.0, kind="l2")) == pytest.approx(0.02)


def test_warm_start_keeps_what_the_old_restorer_computed(catalog, tmp_path):
    old_config = tiny_config(catalog, tmp_path / "old", "restore", steps=3, photo_side=FULL_SIZE)
    old_config.model.damage_planes = 0
    old = train_enhancer(old_config, progress=False)
    warm = EnhanceTrainer(tiny_config(catalog, tmp_path / "warm", "restore", steps=1, init_from=str(old.checkpoint)),
                          progress=False)
    photo = (np.random.default_rng(2).random((40, 48, 3)) * 255).astype(np.uint8)
    before = load_enhancer(old.checkpoint)(photo)
    warm_net = load_enhancer(old.checkpoint)
    warm_net.generator, warm_net.config = warm.generator.eval(), warm.config
    assert np.array_equal(warm_net(photo), before)  # damage planes start at zero weight
    with pytest.raises(ProductGANError, match="needs a restore one"):
        sr = train_enhancer(tiny_config(catalog, tmp_path / "sr", "sr2", steps=1), progress=False)
        EnhanceTrainer(tiny_config(catalog, tmp_path / "warm2", "restore", steps=1, init_from=str(sr.checkpoint)),
                       progress=False)


def test_a_shipped_file_can_pack_a_first_stage_that_runs_before_its_restorer(catalog, tmp_path):
    from productgan.enhance.shipped import export_generator

    stage_config = tiny_config(catalog, tmp_path / "stage", "restore", steps=2, init_from=None)
    stage = train_enhancer(stage_config, progress=False)
    main = train_enhancer(tiny_config(catalog, tmp_path / "main", "restore", steps=2), progress=False)
    with torch.no_grad():  # make the first stage do something visible: darken by a constant
        trainer = EnhanceTrainer(tiny_config(catalog, tmp_path / "stage", "restore", steps=2), resume=True, progress=False)
        trainer.generator.last.bias.fill_(-0.2)
        trainer.save()
    packed = export_generator(main.checkpoint, tmp_path / "packed.safetensors", "note", first_stage=stage.checkpoint)
    model = load_enhancer(packed)
    assert model.first is not None and model.summary.startswith("first restore U-Net")
    photo = (np.random.default_rng(2).random((40, 48, 3)) * 200 + 30).astype(np.uint8)
    alone, first = load_enhancer(main.checkpoint), load_enhancer(stage.checkpoint)
    assert np.array_equal(model(photo), alone(first(photo)))
    assert not np.array_equal(model(photo), alone(photo))
    with pytest.raises(ProductGANError, match="a first stage goes before a restorer"):
        sr = train_enhancer(tiny_config(catalog, tmp_path / "sr", "sr2", steps=1), progress=False)
        export_generator(main.checkpoint, tmp_path / "bad.safetensors", first_stage=sr.checkpoint)


def test_cli_trains_a_restorer_on_the_damage_kinds_named(catalog, tmp_path):
    from typer.testing import CliRunner

    from productgan.cli import app
    from productgan.enhance.checkpoint import read_enhancer_meta

    out = tmp_path / "run"
    result = CliRunner().invoke(app, ["enhance", "train", "--data", str(catalog), "--task", "restore", "--out", str(out),
                                      "--steps", "2", "--crop", "32", "--width", "8", "--depth", "2",
                                      "--damage", "jpeg,noise", "--photo-side", "64:80", "--pixel-loss", "psnr"])
    assert result.exit_code == 0, result.output
    config = read_enhancer_meta(out)[2]
    assert config.restore_degradation.low_light_probability == 0 and config.restore_degradation.noise_probability > 0
    assert (config.photo_side, config.weights.pixel_kind) == ((64, 80), "psnr")
    bad = CliRunner().invoke(app, ["enhance", "train", "--data", str(catalog), "--task", "restore", "--out",
                                   str(tmp_path / "bad"), "--steps", "1", "--damage", "rust"])
    assert bad.exit_code != 0 and "--damage takes kinds from" in bad.output
