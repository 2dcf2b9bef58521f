"""Training enhancers: SR beats bicubic after a short run, restoration lowers its L1, a killed run
resumes to the same weights, held-out products never reach training, and the run writes its files."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from PIL import Image

from helpers.enhance import tiny_config, write_catalog
from productgan.enhance.checkpoint import held_out, read_enhancer_meta
from productgan.enhance.train import EnhanceTrainer, make_batch, train_enhancer
from productgan.errors import CatalogError
from productgan.checkpoint import load_tensors


@pytest.fixture(scope="module")
def catalog(tmp_path_factory):
    return write_catalog(tmp_path_factory.mktemp("catalog"), products=10, views=2)


@pytest.mark.slow
def test_sr2_beats_bicubic_on_held_out_products_after_short_training(catalog, tmp_path):
    config = tiny_config(catalog, tmp_path / "run", "sr2", steps=50, warmup_steps=50, lr=2e-3, validation_crops=16)
    trainer = EnhanceTrainer(config, progress=False)
    before = trainer.validate()
    assert before["val_psnr"] == pytest.approx(before["val_psnr_baseline"], abs=1e-4)  # starts as bicubic
    result = trainer.run()
    inputs = trainer.validation.inputs
    assert trainer.generator(inputs).shape[-2:] == (2 * inputs.shape[-2], 2 * inputs.shape[-1])
    assert result.validation["val_psnr"] > result.validation["val_psnr_baseline"] + 2.0, result.validation


@pytest.mark.slow
def test_restoration_lowers_its_l1_loss(catalog, tmp_path):
    config = tiny_config(catalog, tmp_path / "run", "restore", steps=60, warmup_steps=60, lr=1e-3)
    trainer = EnhanceTrainer(config, progress=False)
    batch = make_batch(config, trainer.train_photos, np.random.default_rng(123), 16, trainer.device)

    def l1() -> float:
        with torch.no_grad():
            return float(F.l1_loss(trainer.generator(batch.inputs, batch.statistics), batch.targets))

    start = l1()
    trainer.run()
    assert l1() < 0.8 * start


def test_resumed_run_matches_uninterrupted_run(catalog, tmp_path):
    """Adversarial steps included (warm-up ends before the interruption), discriminator and Adam state too."""
    whole = train_enhancer(tiny_config(catalog, tmp_path / "whole", "sr2", steps=10, warmup_steps=3), progress=False)
    train_enhancer(tiny_config(catalog, tmp_path / "split", "sr2", steps=6, warmup_steps=3), progress=False)
    resumed = train_enhancer(tiny_config(catalog, tmp_path / "split", "sr2", steps=10, warmup_steps=3),
                             resume=True, progress=False)
    assert resumed.step == whole.step == 10
    expected, actual = load_tensors(whole.checkpoint), load_tensors(resumed.checkpoint)
    assert expected.keys() == actual.keys()
    for name in expected:
        assert torch.equal(expected[name], actual[name]), name
    lines = [json.loads(line) for line in (tmp_path / "split" / "metrics.jsonl").read_text().splitlines()]
    assert [line["step"] for line in lines] == [4, 6, 8, 10]  # resume dropped nothing, repeated nothing


def test_interrupted_run_checkpoints_where_it_stopped_and_resumes_to_the_same_weights(catalog, tmp_path):
    """A kill (SIGTERM becomes KeyboardInterrupt) mid-run writes the checkpoint at the step reached."""
    whole = train_enhancer(tiny_config(catalog, tmp_path / "whole", "sr2", steps=9, warmup_steps=2), progress=False)
    trainer = EnhanceTrainer(tiny_config(catalog, tmp_path / "killed", "sr2", steps=9, warmup_steps=2), progress=False)
    step = trainer.train_step

    def killed_at_five():
        if trainer.step == 5:
            raise KeyboardInterrupt
        return step()

    trainer.train_step = killed_at_five
    assert trainer.run().step == 5
    resumed = train_enhancer(tiny_config(catalog, tmp_path / "killed", "sr2", steps=9, warmup_steps=2),
                             resume=True, progress=False)
    expected, actual = load_tensors(whole.checkpoint), load_tensors(resumed.checkpoint)
    assert all(torch.equal(expected[name], actual[name]) for name in expected)


def test_checkpoint_records_config_code_version_and_held_out_products(catalog, tmp_path):
    result = train_enhancer(tiny_config(catalog, tmp_path / "run", "sr4", steps=2), progress=False)
    path, meta, config = read_enhancer_meta(tmp_path / "run")
    assert path == result.checkpoint and config.task == "sr4" and meta.code_version
    held = held_out(result.checkpoint)
    assert held.kind == "product" and held.seed == 0 and held.fraction == 0.2 and len(held.keys) == 2
    assert all(any(name.startswith(f"images/{key}-") for name in held.files) for key in held.keys)
    assert all(path.exists() for path in held.paths())
    assert result.train_photos + result.holdout_photos == 20
    trainer = EnhanceTrainer(config, progress=False)
    held_photos = {np.asarray(Image.open(p)).tobytes() for p in held.paths()}
    assert not any(photo.tobytes() in held_photos for photo in trainer.train_photos.photos)
    run_config = json.loads((tmp_path / "run" / "config.json").read_text())  # the schema every run folder shares
    assert run_config["config"] == json.loads(json.dumps(config.to_dict()))
    assert run_config["code_version"] == meta.code_version
    assert list((tmp_path / "run" / "samples").glob("*.png"))


def test_unreadable_photos_are_skipped_and_reported(tmp_path):
    root = write_catalog(tmp_path / "catalog", products=4, views=2)
    (root / "images" / "p00-0.png").write_bytes(b"not a png")
    result = train_enhancer(tiny_config(root, tmp_path / "run", "sr2", steps=1), progress=False)
    assert [s.path for s in result.skipped] == [str(root / "images" / "p00-0.png")]
    with pytest.raises(CatalogError, match="not a folder"):
        train_enhancer(tiny_config(tmp_path / "missing", tmp_path / "run2", "sr2", steps=1), progress=False)


def test_plain_folder_without_csv_splits_per_file(tmp_path):
    root = write_catalog(tmp_path / "catalog", products=5, views=1)
    (root / "attributes.csv").unlink()
    train_enhancer(tiny_config(root, tmp_path / "run", "restore", steps=1), progress=False)
    held = held_out(tmp_path / "run")
    assert held.kind == "file" and held.keys == held.files and len(held.files) == 1


def test_budget_is_required_and_crop_must_fit_the_scale(tmp_path):
    with pytest.raises(ValueError, match="budget"):
        tiny_config(tmp_path, tmp_path, "sr2", steps=None, minutes=None)
    for crop in (34, 36, 24):
        with pytest.raises(ValueError, match="multiple of 8"):
            tiny_config(tmp_path, tmp_path, "sr4", crop=crop)
    assert tiny_config(tmp_path, tmp_path, "restore", crop=40).crop == 40


def test_cli_trains_and_reports(catalog, tmp_path):
    from typer.testing import CliRunner

    from productgan.cli import app

    out = tmp_path / "run"
    result = CliRunner().invoke(app, ["enhance", "train", "--data", str(catalog), "--task", "sr2", "--out", str(out),
                                      "--steps", "2", "--crop", "32", "--width", "8", "--device", "cpu"])
    assert result.exit_code == 0, result.output
    assert "held-out PSNR" in result.output and (out / "checkpoint.safetensors").exists()
    bad = CliRunner().invoke(app, ["enhance", "train", "--data", str(tmp_path / "nope"), "--out", str(out), "--steps", "1"])
    assert bad.exit_code == 2 and "not a folder" in bad.output


def test_domain_classifier_features_give_the_feature_loss_and_stay_frozen(catalog, tmp_path):
    from productgan.data import load_catalog
    from productgan.metrics.domain import load_domain_classifier, train_domain_classifier

    classifier = train_domain_classifier(load_catalog(str(catalog), resolution=32, use_cache=False), ["product"], epochs=1, width=8,
                                         embedding_dim=16, batch_size=8)
    path = classifier.save(tmp_path / "domain.safetensors")
    before = {k: v.clone() for k, v in load_domain_classifier(path).network.state_dict().items()}
    config = tiny_config(catalog, tmp_path / "run", "sr2", steps=3, warmup_steps=2, classifier=str(path))
    trainer = EnhanceTrainer(config, progress=False)
    assert "feature" in trainer.train_step()  # during the L1 warm-up too: the classifier needs no training
    trainer.run()
    assert trainer.losses["feature"] > 0
    after = trainer.features.body.state_dict()
    assert all(torch.equal(before["body." + k], v) for k, v in after.items())


def test_relative_pixel_loss_counts_a_crop_by_the_share_of_its_damage_left():
    """A dark crop half undone and a JPEG-like crop not undone at all: the plain mean is set by the
    dark crop; the relative loss weighs the small-damage crop's failure as much."""
    from productgan.enhance.train import pixel_loss

    targets = torch.zeros(2, 3, 8, 8)
    inputs = torch.stack([torch.full((3, 8, 8), 0.5), torch.full((3, 8, 8), 0.02)])
    outputs = torch.stack([torch.full((3, 8, 8), 0.25), torch.full((3, 8, 8), 0.02)]).requires_grad_(True)

    def crop_gradients(relative: float) -> torch.Tensor:
        outputs.grad = None
        pixel_loss(outputs, targets, None, 0.0, inputs, relative).backward()
        return outputs.grad.abs().flatten(1).sum(1)

    plain, balanced = crop_gradients(0.0), crop_gradients(0.02)
    assert plain[0] == pytest.approx(plain[1])  # L1: equal pull per crop, whatever its damage
    assert balanced[1] > 10 * balanced[0]  # relative: the crop with small damage left pulls hardest
    assert float(pixel_loss(outputs, targets, None, 0.0)) == pytest.approx(float((outputs - targets).abs().mean()))


def test_restore_training_shows_clean_crops_by_default():
    from productgan.enhance.config import EnhanceTrainConfig
    from productgan.enhance.degrade import RestoreDegradation

    assert EnhanceTrainConfig(data="", out="", steps=1).restore_degradation.clean_probability > 0
    assert RestoreDegradation().clean_probability == 0  # benches' seeded damage is unchanged
