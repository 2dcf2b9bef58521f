"""recommend(): no near copies, seeded, and the errors a history can end in."""

from __future__ import annotations

import numpy as np
import pytest

from helpers.foryou import tiny_generator

from productgan.edit.encoder import EncoderConfig, LatentEncoder
from productgan.foryou import (
    CopyGuard, EmptyHistoryError, ForeignItemError, ForYouSettings, GeneratedItem, NoEncoderError, PhotoItem,
    copy_guard, recommend,
)
from productgan.foryou.guard import pixel_features


@pytest.fixture(scope="module")
def generator():
    return tiny_generator()


def test_no_product_is_closer_to_a_liked_item_than_the_threshold(generator):
    liked = [GeneratedItem(seed, {"color": "red", "category": "tee"}) for seed in range(3)]
    loose = recommend(generator, liked, settings=ForYouSettings(n=24, explore=0.0, seed=2),
                      guard=CopyGuard(0.0, pixel_features, "pixels", "given"))
    # a threshold at the median of the unguarded products' distances: about half must be redrawn
    threshold = float(np.median(loose.nearest))
    guarded = recommend(generator, liked, settings=ForYouSettings(n=24, explore=0.0, seed=2),
                        guard=CopyGuard(threshold, pixel_features, "pixels", "given"))
    assert guarded.redraws > 0
    liked_features = pixel_features(np.stack([p.image for p in guarded.liked]))
    distances = np.linalg.norm(pixel_features(guarded.images)[:, None] - liked_features[None], axis=2).min(1)
    assert np.all(distances >= threshold - 1e-6)
    assert np.allclose(distances, guarded.nearest, atol=1e-5)


def test_the_default_guard_takes_the_models_typical_neighbour_distance(generator):
    guard = copy_guard(generator, samples=64)
    assert guard.threshold > 0 and guard.space == "pixels" and guard.reference == "model samples"
    result = recommend(generator, [GeneratedItem(1)], settings=ForYouSettings(n=8), guard=guard)
    assert np.all(result.nearest >= guard.threshold)


def test_the_same_history_and_seed_give_the_same_images(generator):
    liked, disliked = [GeneratedItem(4), GeneratedItem(9, {"color": "black"})], [GeneratedItem(7)]
    first = recommend(generator, liked, disliked, ForYouSettings(n=6, seed=11))
    again = recommend(generator, liked, disliked, ForYouSettings(n=6, seed=11))
    other = recommend(generator, liked, disliked, ForYouSettings(n=6, seed=12))
    assert np.array_equal(first.images, again.images) and first.levels == again.levels
    assert not np.array_equal(first.images, other.images)


def test_a_generated_item_lands_on_its_own_latent_and_levels(generator):
    result = recommend(generator, [GeneratedItem(5, {"color": "blue"})], settings=ForYouSettings(n=1))
    z, labels = generator.inputs(1, 5, attributes={"color": "blue"})
    assert np.array_equal(result.liked[0].z.numpy(), z[0].numpy())
    assert result.liked[0].levels["color"] == "blue" and result.liked[0].how == "generated"


def test_an_empty_history_is_refused(generator):
    with pytest.raises(EmptyHistoryError, match="no liked item"):
        recommend(generator, [], [GeneratedItem(1)])


def test_an_item_with_levels_this_model_does_not_know_is_from_another_catalog(generator):
    with pytest.raises(ForeignItemError, match=r"liked item gen:3:color=purple is not from this model's catalog.*"
                                               r"unknown level 'purple'"):
        recommend(generator, [GeneratedItem(1), GeneratedItem(3, {"color": "purple"})])
    with pytest.raises(ForeignItemError, match="disliked item .*unknown attribute 'fabric'"):
        recommend(generator, [GeneratedItem(1)], [GeneratedItem(3, {"fabric": "silk"})])


def test_a_generated_item_of_another_model_is_refused(generator):
    with pytest.raises(ForeignItemError, match="product of model 'luma', not of 'shop'"):
        recommend(generator, [GeneratedItem(1, model="luma")], model_name="shop")
    recommend(generator, [GeneratedItem(1, model="shop")], settings=ForYouSettings(n=1), model_name="shop")


def test_a_photo_without_an_encoder_is_refused_before_any_inversion(generator):
    photo = PhotoItem(np.full((20, 20, 3), 200, np.uint8), "shirt.png")
    with pytest.raises(NoEncoderError, match=r"liked item shirt.png is a photo.*latent encoder.*TRAIN-IT"):
        recommend(generator, [GeneratedItem(1), photo], encoder_hint="; TRAIN-IT")


def test_a_photo_is_placed_by_the_encoder_and_a_short_inversion(generator):
    encoder = LatentEncoder(EncoderConfig(16, 3, generator.latent_dim, 8, width=4)).eval()
    photo = PhotoItem(np.full((24, 30, 3), 30, np.uint8), "dark.png", {"category": "bag"})
    result = recommend(generator, [photo], settings=ForYouSettings(n=2, photo_steps=3), encoder=encoder)
    placed = result.liked[0]
    assert placed.how == "inverted" and placed.levels["category"] == "bag" and placed.fit_error is not None
    assert placed.image.shape == (16, 16, 3) and placed.z.shape == (generator.latent_dim,)
    assert result.report(generator)["liked"][0]["item"] == "dark.png"


def test_the_guard_threshold_is_computed_once_per_checkpoint_and_then_read(generator, tmp_path, monkeypatch):
    import productgan.foryou.guard as guard_module

    monkeypatch.setenv("PRODUCTGAN_CACHE", str(tmp_path / "cache" / "catalogs"))
    checkpoint = tmp_path / "checkpoint.safetensors"
    checkpoint.write_bytes(b"weights of one model")
    first = guard_module.cached_copy_guard(generator, checkpoint, samples=32)
    assert first.threshold == copy_guard(generator, samples=32).threshold
    monkeypatch.setattr(guard_module, "copy_guard", lambda *args, **kwargs: pytest.fail("recomputed"))
    assert guard_module.cached_copy_guard(generator, checkpoint, samples=32).threshold == first.threshold
    checkpoint.write_bytes(b"weights of another model")  # another checkpoint: another entry
    with pytest.raises(pytest.fail.Exception, match="recomputed"):
        guard_module.cached_copy_guard(generator, checkpoint, samples=32)


def test_an_unconditional_model_gets_a_taste_over_latents_only():
    from productgan.generate import ProductGenerator
    from productgan.models import create_generator
    from productgan.models.config import ModelConfig

    module = create_generator(ModelConfig(family="resnet", resolution=16, width=8, max_width=16, latent_dim=8, embed_dim=8))
    generator = ProductGenerator(module, [], {}, [])
    result = recommend(generator, [GeneratedItem(1), GeneratedItem(2)], [GeneratedItem(3)], ForYouSettings(n=3))
    assert result.images.shape == (3, 16, 16, 3) and result.levels == [{}, {}, {}]
    assert result.report(generator)["level_frequencies"] == {}
