"""DiffAugment: reproducible from its generator, white stays white, unsafe ops are dropped."""

from __future__ import annotations

import pytest
import torch

from productgan.augment import OPS, diff_augment, safe_policy


def _gen(seed):
    return torch.Generator().manual_seed(seed)


@pytest.mark.parametrize("op", sorted(OPS))
def test_each_op_keeps_shape_and_is_reproducible(op):
    images = torch.rand(4, 3, 16, 16) * 2 - 1
    a = diff_augment(images, [op], _gen(1))
    assert a.shape == images.shape
    assert torch.equal(a, diff_augment(images, [op], _gen(1)))
    assert not torch.equal(a, diff_augment(images, [op], _gen(2)))


def test_translation_of_a_white_image_stays_white():
    white = torch.ones(4, 3, 16, 16)
    assert torch.equal(diff_augment(white, ["translation"], _gen(0)), white)


def test_translation_moves_content():
    images = torch.zeros(8, 1, 16, 16)
    images[:, :, 6:10, 6:10] = 1
    moved = diff_augment(images, ["translation"], _gen(3))
    assert moved.sum(dim=(1, 2, 3)).allclose(images.sum(dim=(1, 2, 3)))  # the square is shifted, not cut
    assert not torch.equal(moved, images)


def test_augmentation_is_differentiable():
    images = torch.rand(2, 3, 16, 16, requires_grad=True)
    diff_augment(images, ["translation", "cutout", "color", "flip", "scale"], _gen(0)).sum().backward()
    assert images.grad is not None and images.grad.abs().sum() > 0


def test_safe_policy_never_changes_a_conditioned_attribute():
    kept, dropped = safe_policy(["translation", "cutout", "color"], ["color", "category"])
    assert kept == ["translation", "cutout"] and "color" in dropped["color"]
    kept, dropped = safe_policy(["flip", "scale", "translation"], ["view", "size"])
    assert kept == ["translation"] and set(dropped) == {"flip", "scale"}
    assert safe_policy(["color", "flip"], []) == (["color", "flip"], {})
    assert safe_policy(["color"], ["Material"])[0] == []


def test_unknown_op_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown augmentation"):
        diff_augment(torch.zeros(1, 3, 8, 8), ["rotate90"], _gen(0))
