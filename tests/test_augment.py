"""DiffAugment: reproducible from its generator, white stays white, differentiable, and it never
alters a conditioned attribute."""

from __future__ import annotations

import pytest
import torch

from productgan.augment import DEFAULT_POLICY, OPS, AdaptiveProbability, diff_augment, safe_policy


def seeded(seed: int) -> torch.Generator:
    return torch.Generator().manual_seed(seed)


def random_images(n: int = 4, channels: int = 3, size: int = 16) -> torch.Tensor:
    return torch.rand(n, channels, size, size, generator=seeded(99)) * 2 - 1


@pytest.mark.parametrize("op", sorted(OPS))
def test_each_op_keeps_shape_and_depends_only_on_the_seed(op):
    images = random_images()
    augmented = diff_augment(images, [op], seeded(1))
    assert augmented.shape == images.shape and augmented.dtype == images.dtype
    assert torch.equal(augmented, diff_augment(images, [op], rng=seeded(1)))
    assert not torch.equal(augmented, diff_augment(images, [op], seeded(2)))


def test_the_default_policy_is_reproducible_and_leaves_the_input_alone():
    images = random_images()
    copy = images.clone()
    first = diff_augment(images, DEFAULT_POLICY, seeded(5))
    assert torch.equal(first, diff_augment(images, list(DEFAULT_POLICY), seeded(5)))
    assert torch.equal(images, copy)
    assert DEFAULT_POLICY == ("translation", "cutout", "color")


def test_ops_apply_in_a_fixed_order_whatever_the_order_of_the_policy():
    images = random_images()
    one_way = diff_augment(images, ["cutout", "color"], seeded(3))
    assert torch.equal(one_way, diff_augment(images, ["color", "cutout"], seeded(3)))
    assert (one_way == 0).any()  # cutout ran last: its hole is exactly 0, untouched by the colour jitter


@pytest.mark.parametrize("op", ["translation", "scale"])
def test_a_white_product_background_stays_white(op):
    white = torch.ones(8, 3, 16, 16)
    torch.testing.assert_close(diff_augment(white, [op], seeded(0)), white)


def test_translation_shifts_content_by_at_most_an_eighth():
    images = torch.zeros(16, 1, 16, 16)
    images[:, :, 6:10, 6:10] = 1
    moved = diff_augment(images, ["translation"], seeded(3))
    torch.testing.assert_close(moved.sum(dim=(1, 2, 3)), images.sum(dim=(1, 2, 3)))  # shifted, not cut
    assert not torch.equal(moved, images)
    rows = moved[:, 0].amax(dim=2).nonzero()[:, 1]
    assert rows.min() >= 6 - 2 and rows.max() <= 9 + 2  # 16 / 8 = 2 pixels


def test_cutout_zeroes_a_square_of_half_the_size():
    images = torch.ones(6, 1, 16, 16)
    holes = (diff_augment(images, ["cutout"], seeded(4)) == 0).sum(dim=(1, 2, 3))
    assert (holes > 0).all() and (holes <= 8 * 8).all()


def test_flip_mirrors_some_images_and_keeps_the_others():
    images = random_images(n=16)
    flipped = diff_augment(images, ["flip"], seeded(0))
    mirrored = (flipped == images.flip(3)).flatten(1).all(1)
    kept = (flipped == images).flatten(1).all(1)
    assert (mirrored | kept).all() and mirrored.any() and kept.any()


def test_augmentation_is_differentiable_through_every_op():
    images = random_images().requires_grad_(True)
    diff_augment(images, list(OPS), seeded(0)).sum().backward()
    assert images.grad is not None and images.grad.abs().sum() > 0


def test_works_in_bf16_for_autocast_training():
    images = random_images().bfloat16()
    augmented = diff_augment(images, list(OPS), seeded(0))
    assert augmented.dtype == torch.bfloat16 and torch.isfinite(augmented.float()).all()


def test_safe_policy_never_changes_a_conditioned_attribute():
    kept, dropped = safe_policy(["translation", "cutout", "color"], ["color", "category"])
    assert kept == ["translation", "cutout"] and set(dropped) == {"color"} and "'color'" in dropped["color"]
    kept, dropped = safe_policy(["flip", "translation"], ["view"])
    assert kept == ["translation"] and set(dropped) == {"flip"}
    kept, dropped = safe_policy(["scale", "color", "flip"], ["Product_Size", "Base Material", "Camera Angle"])
    assert kept == [] and set(dropped) == {"scale", "color", "flip"}
    assert safe_policy(["color", "flip", "scale", "translation", "cutout"], []) == (
        ["color", "flip", "scale", "translation", "cutout"], {})


def test_unknown_op_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown augmentation rotate90; available: color, flip"):
        diff_augment(torch.zeros(1, 3, 8, 8), ["rotate90"], seeded(0))
    with pytest.raises(ValueError, match="unknown augmentation"):
        safe_policy(["rotate90"], [])


def test_probability_zero_leaves_images_alone_and_half_augments_about_half():
    images = torch.rand(64, 3, 16, 16) * 2 - 1
    assert torch.equal(diff_augment(images, ["translation", "cutout"], torch.Generator().manual_seed(0), p=0.0), images)
    half = diff_augment(images, ["cutout"], torch.Generator().manual_seed(0), p=0.5)
    changed = (half != images).flatten(1).any(1).float().mean()
    assert 0.3 < changed < 0.7


def test_adaptive_probability_rises_while_d_is_sure_of_reals_and_falls_when_not():
    ada = AdaptiveProbability(target=0.6, speed_kimg=0.1, interval=2)
    for _ in range(6):
        ada.observe(torch.ones(8), batch=8)  # every real judged real: overfitting
    assert ada.p == pytest.approx(3 * 16 / 100)
    for _ in range(20):
        ada.observe(-torch.ones(8), batch=8)
    assert ada.p == 0.0  # clamped at 0
    ada.observe(torch.ones(8), batch=8)
    assert AdaptiveProbability(0.6, 0.1, 2, **ada.state()).state() == ada.state() and ada.seen == 8
