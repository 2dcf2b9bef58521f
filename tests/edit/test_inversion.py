"""Inversion: a real photo into the generator, then edited; measured against its start and a random latent."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from productgan.edit.encoder import load_encoder, train_encoder
from productgan.edit.inversion import (
    InversionSettings, edit, invert, prepare_photo, reconstruction_quality, start_levels,
)
from productgan.errors import AttributeLevelError, CheckpointError, ProductGANError
from productgan.imaging import uint8_to_tensor

QUICK = InversionSettings(steps=60, restarts=2, learning_rate=0.1)


@pytest.fixture(scope="module")
def model(trained_edit_model):
    return trained_edit_model


@pytest.fixture(scope="module")
def photo(model):
    """A catalog photo (red on grey), 3x larger and not square, as a shop would hand it over."""
    index = next(i for i in range(len(model.catalog))
                 if model.catalog.table["color"][i] == "red" and model.catalog.table["backdrop"][i] == "grey")
    big = model.catalog.images[index].repeat(3, axis=0).repeat(3, axis=1)
    return np.pad(big, ((0, 0), (6, 6), (0, 0)), mode="edge")


@pytest.fixture(scope="module")
def inverted(model, photo):
    return invert(model.generator, photo, {"color": "red", "backdrop": "grey"}, settings=QUICK)


def test_inversion_improves_on_its_start_and_beats_random_latents(model, inverted):
    assert inverted.final_error < 0.8 * inverted.start_error
    randoms = model.generator.generate(16, seed=11, color="red", backdrop="grey")
    random_psnr = [reconstruction_quality(image, inverted.target)[0] for image in randoms]
    assert inverted.psnr > max(random_psnr)
    assert inverted.reconstruction.shape == inverted.target.shape == (16, 16, 3)
    assert 0.0 < inverted.ssim <= 1.0


def test_edits_change_the_asked_attribute_and_keep_the_rest(model, inverted):
    edited = edit(model.generator, inverted, [{"color": "blue"}, {"color": "green"}, {"backdrop": "white"}])
    seen = model.classifier.predict(edited)
    color = np.array(model.classifier.levels["color"])[seen["color"]]
    backdrop = np.array(model.classifier.levels["backdrop"])[seen["backdrop"]]
    assert color.tolist() == ["blue", "green", "red"]
    assert backdrop.tolist() == ["grey", "grey", "white"]


def test_tuned_condition_fits_closer_and_edits_still_work(model, photo, inverted):
    tuned = invert(model.generator, photo, {"color": "red", "backdrop": "grey"},
                   settings=InversionSettings(steps=60, restarts=2, learning_rate=0.1, optimise_condition=True))
    assert tuned.final_error <= inverted.final_error * 1.05
    edited = edit(model.generator, tuned, [{"color": "blue"}])
    assert model.classifier.levels["color"][model.classifier.predict(edited)["color"][0]] == "blue"


def test_the_classifier_reads_the_start_levels_and_adds_a_feature_loss(model, photo):
    assert start_levels(model.generator, prepare_photo(photo, 16, 3), None, model.classifier) == {
        "color": "red", "backdrop": "grey"}
    with_features = invert(model.generator, photo, classifier=model.classifier,
                           settings=InversionSettings(steps=30, restarts=1, learning_rate=0.1))
    assert with_features.levels == {"color": "red", "backdrop": "grey"}
    assert with_features.final_error < with_features.start_error


def test_without_levels_or_classifier_the_closest_combination_starts(model, photo):
    assert start_levels(model.generator, prepare_photo(photo, 16, 3), None) == {"color": "red", "backdrop": "grey"}
    assert start_levels(model.generator, prepare_photo(photo, 16, 3), {"color": "blue"})["color"] == "blue"


def test_same_seed_same_inversion(model, photo, inverted):
    again = invert(model.generator, photo, {"color": "red", "backdrop": "grey"}, settings=QUICK)
    np.testing.assert_array_equal(again.reconstruction, inverted.reconstruction)


def test_encoder_training_shows_its_step_budget_and_loss_off_a_terminal(model, monkeypatch, capsys):
    monkeypatch.setenv("PRODUCTGAN_PROGRESS_EVERY", "1e-9")
    train_encoder(model.generator, steps=3, batch=4, progress=True)
    lines = [line for line in capsys.readouterr().err.splitlines() if line.startswith("[encoder]")]
    assert lines[-1].startswith("[encoder] step 3/3 (100%)") and "loss " in lines[-1] and "img/s" in lines[-1]


def test_encoder_round_trips_and_starts_an_inversion(model, photo, tmp_path):
    encoder = train_encoder(model.generator, steps=20, batch=8)
    path = encoder.save(tmp_path / "encoder.safetensors", model.generator.levels)
    loaded = load_encoder(path, model.generator)
    images = np.stack([prepare_photo(photo, 16, 3)])
    condition = torch.zeros(1, 16)
    pixels = uint8_to_tensor(images)
    assert torch.equal(loaded.encode(pixels, condition), encoder.encode(pixels, condition))
    result = invert(model.generator, photo, {"color": "red"}, encoder=loaded,
                    settings=InversionSettings(steps=5, restarts=1))
    assert np.isfinite(result.psnr)
    with pytest.raises(CheckpointError, match="not a latent encoder"):
        load_encoder(model.checkpoint)


def test_bad_requests_are_clear_errors(model, photo, inverted):
    with pytest.raises(AttributeLevelError, match="valid levels"):
        invert(model.generator, photo, {"color": "pink"}, settings=QUICK)
    with pytest.raises(AttributeLevelError, match="valid levels"):
        edit(model.generator, inverted, [{"backdrop": "black"}])
    with pytest.raises(ProductGANError, match="steps and restarts"):
        InversionSettings(steps=0)


def test_prepare_photo_pads_and_resizes():
    photo = np.full((30, 60, 3), 200, np.uint8)
    photo[10:20, 25:35] = (255, 0, 0)
    prepared = prepare_photo(photo, 16, 3)
    assert prepared.shape == (16, 16, 3)
    assert tuple(prepared[0, 0]) == (200, 200, 200)  # padded with the photo's own border colour
    assert prepare_photo(photo, 16, 1).shape == (16, 16, 1)
