"""Domain classifier: learns the built-in catalog's attributes well above chance, round-trips
through its safetensors file, and refuses images it was not trained on."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
import torch

from productgan.data import Catalog
from productgan.data.builtin import make_builtin_catalog
from productgan.errors import CheckpointError, ProductGANError
from productgan.metrics.domain import (
    DomainConfig, DomainNet, augment, ceiling_by_level, flips_allowed, load_domain_classifier, split_holdout,
    stage_count, train_domain_classifier,
)
from productgan.metrics.extractor import ExtractorInputError
from productgan.checkpoint import CheckpointMeta, read_meta, save_checkpoint

ATTRIBUTES = ["category", "color"]



@pytest.fixture(scope="module")
def catalog() -> Catalog:
    """Half the built-in catalog at 32 px: enough to learn category and colour in seconds."""
    return make_builtin_catalog(resolution=32, count=1536)


@pytest.fixture(scope="module")
def classifier(catalog):
    return train_domain_classifier(catalog, ATTRIBUTES, epochs=4, width=16, batch_size=32, seed=0)


@pytest.mark.slow
def test_holdout_accuracy_well_above_chance(classifier):
    # Measured with this seed: category 0.99, colour 1.0 (chance 0.20 and 0.14).
    holdout = classifier.holdout
    assert holdout.accuracy["color"] > 0.9 and holdout.accuracy["category"] > 0.8
    assert holdout.chance["color"] < 0.3 and holdout.chance["category"] < 0.3
    assert holdout.split == "image" and holdout.train_size + holdout.holdout_size == 1536
    assert holdout.holdout_size == pytest.approx(0.2 * 1536, abs=1)
    assert classifier.holdout_accuracy == holdout.accuracy


@pytest.mark.slow
def test_predict_returns_level_ids(classifier, catalog):
    predicted = classifier.predict(catalog.images[:40])
    assert set(predicted) == set(ATTRIBUTES)
    colors = [classifier.levels["color"][i] for i in predicted["color"]]
    assert np.mean([p == t for p, t in zip(colors, catalog.table["color"][:40])]) > 0.9
    logits = classifier.logits(catalog.images[:5])
    assert logits["category"].shape == (5, 6) and logits["color"].shape == (5, 8)


@pytest.mark.slow
def test_features_shape_and_determinism(classifier, catalog):
    images = catalog.images[:20]
    features = classifier.features(images, batch_size=8)
    assert features.shape == (20, classifier.dim) and features.dtype == np.float32
    assert np.isfinite(features).all()
    assert np.array_equal(features, classifier.features(images, batch_size=8))
    # BatchNorm in eval mode: an image's features do not depend on its batch.
    np.testing.assert_allclose(classifier.features(images[:1], batch_size=1)[0], features[0], rtol=1e-4, atol=1e-5)


@pytest.mark.slow
def test_save_load_round_trip(classifier, catalog, tmp_path):
    path = classifier.save(tmp_path / "domain.safetensors")
    loaded = load_domain_classifier(tmp_path)  # a folder holding domain.safetensors works too
    images = catalog.images[:30]
    for name in ATTRIBUTES:
        assert np.array_equal(loaded.predict(images)[name], classifier.predict(images)[name])
    assert np.array_equal(loaded.features(images), classifier.features(images))
    assert loaded.levels == classifier.levels and loaded.holdout == classifier.holdout
    assert loaded.training == classifier.training and loaded.training.epochs == 4
    assert loaded.name == classifier.name and loaded.name.startswith(f"domain:{path}")
    assert read_meta(path).code_version  # the code version is recorded in the header


@pytest.mark.slow
def test_name_changes_with_the_weights(classifier, tmp_path):
    path = classifier.save(tmp_path / "domain.safetensors")
    other = load_domain_classifier(path)
    with torch.no_grad():
        other.network.heads.bias.add_(1.0)
    other.save(path)
    assert other.name != classifier.name  # a feature cache keyed by name never serves stale features


def test_generator_checkpoint_is_refused(tmp_path):
    meta = CheckpointMeta(config={}, condition_names=[], levels={})
    path = save_checkpoint(tmp_path / "checkpoint.safetensors", meta, {"generator": torch.nn.Linear(2, 2)})
    with pytest.raises(CheckpointError, match="not a domain classifier"):
        load_domain_classifier(path)


@pytest.mark.slow
def test_unknown_resolution_or_channels_is_a_clear_error(classifier, catalog):
    with pytest.raises(ExtractorInputError, match="trained on 32x32") as caught:
        classifier.predict(np.zeros((2, 64, 64, 3), np.uint8))
    assert isinstance(caught.value, ProductGANError)
    with pytest.raises(ExtractorInputError, match="3 channel"):
        classifier.features(catalog.images[:2, :, :, :1])
    with pytest.raises(ExtractorInputError, match="uint8"):
        classifier.features(catalog.images[:2].astype(np.float32))


def test_split_by_product_keeps_products_apart():
    products = [f"p{i // 3}" for i in range(60)]  # three views per product
    images = np.zeros((60, 8, 8, 3), np.uint8)
    catalog = Catalog(images=images, table={"product": products, "color": ["a"] * 60}, files=[""] * 60)
    train, holdout, kind = split_holdout(catalog, 0.2, seed=1)
    assert kind == "product" and len(train) + len(holdout) == 60 and 12 <= len(holdout) <= 14
    assert not {products[i] for i in train} & {products[i] for i in holdout}
    again, _, _ = split_holdout(catalog, 0.2, seed=1)
    other, _, _ = split_holdout(catalog, 0.2, seed=2)
    assert np.array_equal(train, again) and not np.array_equal(train, other)


def test_flips_only_without_direction_attributes():
    assert flips_allowed(["category", "color"])
    assert not flips_allowed(["category", "angle"]) and not flips_allowed(["View"])


def test_augmentation_only_moves_pixels():
    """Translation with replicated edges and flips: every output pixel is a pixel of its own input
    image, so no colour is ever changed (a colour label stays true)."""
    rng = torch.Generator().manual_seed(0)
    images = torch.rand(4, 3, 16, 16)
    moved = augment(images, 3, True, rng)
    assert moved.shape == images.shape and not torch.equal(moved, images)
    for source, result in zip(images, moved):
        source_pixels = {tuple(p) for p in source.reshape(3, -1).T.tolist()}
        assert {tuple(p) for p in result.reshape(3, -1).T.tolist()} <= source_pixels


@pytest.mark.parametrize("resolution,channels,stages", [(28, 1, 2), (32, 3, 2), (64, 3, 3), (128, 1, 4)])
def test_network_handles_catalog_shapes(resolution, channels, stages):
    assert stage_count(resolution) == stages
    config = DomainConfig(resolution, channels, ["a", "b"], [3, 5], width=8, embedding_dim=16)
    embedding, logits = DomainNet(config).eval()(torch.zeros(2, channels, resolution, resolution))
    assert embedding.shape == (2, 16) and logits.shape == (2, 8)


def test_grayscale_catalog_at_another_resolution_trains_reproducibly():
    catalog = make_builtin_catalog(resolution=32, count=48, channels=1)
    first = train_domain_classifier(catalog, ["category"], resolution=28, epochs=1, width=8, batch_size=16,
                                    embedding_dim=32, seed=3, progress=True)
    second = train_domain_classifier(catalog, ["category"], resolution=28, epochs=1, width=8, batch_size=16,
                                     embedding_dim=32, seed=3)
    assert first.config.resolution == 28 and first.config.channels == 1
    for key, value in first.network.state_dict().items():
        assert torch.equal(value, second.network.state_dict()[key]), key
    images = np.zeros((3, 28, 28, 1), np.uint8)
    assert first.predict(images)["category"].shape == (3,)
    with pytest.raises(ExtractorInputError):
        first.predict(catalog.images[:3])  # 32 px: not what it was trained on


def test_time_budget_stops_training():
    catalog = make_builtin_catalog(resolution=16, count=64)
    classifier = train_domain_classifier(catalog, ["color"], epochs=None, minutes=1e-6, width=8, batch_size=16)
    assert 0 < classifier.holdout.epochs < 1  # stopped after the first step


def test_progress_off_a_terminal_counts_epochs_and_the_loss(monkeypatch, capsys):
    monkeypatch.setenv("PRODUCTGAN_PROGRESS_EVERY", "1e-9")
    catalog = make_builtin_catalog(resolution=16, count=64)
    train_domain_classifier(catalog, ["color"], epochs=2, width=8, batch_size=16, progress=True)
    lines = [line for line in capsys.readouterr().err.splitlines() if line.startswith("[domain classifier]")]
    assert lines[-1].startswith("[domain classifier] 2.0/2.0 epochs (100%)") and "loss " in lines[-1]


@pytest.mark.skipif(torch.cuda.is_available(), reason="needs a machine without CUDA")
def test_a_missing_gpu_is_one_line_before_any_training(catalog):
    with pytest.raises(ProductGANError, match="--device cuda was asked for but no CUDA GPU is visible"):
        train_domain_classifier(catalog, ATTRIBUTES, epochs=1, device="cuda")


def test_a_budget_is_required(catalog):
    with pytest.raises(ValueError, match="epochs or minutes"):
        train_domain_classifier(catalog, ATTRIBUTES, epochs=None, minutes=None)


@pytest.mark.slow
def test_features_and_logits_in_one_pass_equal_the_separate_calls(classifier, catalog):
    images = catalog.images[:20]
    features, logits = classifier.features_and_logits(images, batch_size=8)
    np.testing.assert_allclose(features, classifier.features(images), rtol=1e-5, atol=1e-6)
    separate = classifier.logits(images)
    assert set(logits) == set(separate) == set(ATTRIBUTES)
    for name in ATTRIBUTES:
        np.testing.assert_allclose(logits[name], separate[name], rtol=1e-5, atol=1e-6)


@pytest.mark.slow
@pytest.mark.parametrize("forge", ["huge", "unknown_key", "negative", "bad_holdout", "shape"])
def test_a_forged_classifier_header_is_one_clear_error_before_anything_is_built(classifier, tmp_path, forge):
    from helpers.checkpoint import rewrite

    source = classifier.save(tmp_path / "domain.safetensors")

    def edit_meta(meta):
        if forge == "huge":
            meta["config"]["width"] = meta["config"]["max_width"] = 10**7
        elif forge == "unknown_key":
            meta["config"]["surprise"] = 1
        elif forge == "negative":
            meta["config"]["width"] = -4
        elif forge == "bad_holdout":
            meta["extra"]["holdout"] = {"nothing": 1}

    def edit_tensors(tensors):
        if forge == "shape":
            name = next(k for k in tensors if k.startswith("domain.") and tensors[k].ndim == 4)
            tensors[name] = tensors[name][:1].clone()

    forged = rewrite(source, tmp_path / "forged.safetensors", edit_meta, edit_tensors)
    with pytest.raises(CheckpointError, match="forged.safetensors"):
        load_domain_classifier(forged)


@pytest.mark.slow
def test_held_out_accuracy_is_kept_level_by_level_and_rebuilt_for_files_saved_without_it(classifier, catalog,
                                                                                          tmp_path):
    holdout = classifier.holdout
    for name in ATTRIBUTES:
        counts = np.array([count for count, _ in holdout.by_level[name].values()])
        accuracies = np.array([accuracy for _, accuracy in holdout.by_level[name].values()])
        assert counts.sum() == holdout.holdout_size  # every held-out image sits in exactly one level
        assert np.dot(counts, accuracies) / counts.sum() == pytest.approx(holdout.accuracy[name])
    older = load_domain_classifier(classifier.save(tmp_path / "domain.safetensors"))
    older.holdout = replace(older.holdout, by_level={})  # as saved before the report kept levels
    assert ceiling_by_level(older, catalog) == holdout.by_level
    assert ceiling_by_level(older, make_builtin_catalog(resolution=32, count=768)) == {}  # not its catalog
