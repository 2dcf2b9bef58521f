"""Enhancement networks: output shapes, the bicubic/identity start, and discriminator outputs."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from productgan.enhance.config import EnhanceModelConfig
from productgan.enhance.networks import (
    PatchDiscriminator, RRDBNet, UNetDiscriminator, UNetGenerator, build_discriminator, build_generator,
    discriminator_input,
)


def tiny(task: str) -> EnhanceModelConfig:
    return EnhanceModelConfig(task=task, width=8, growth=4, blocks=1, dense_layers=2, depth=2, disc_width=4)


@pytest.mark.parametrize("task,scale", [("sr2", 2), ("sr4", 4)])
def test_sr_generator_upsamples_and_starts_as_bicubic(task, scale):
    low = torch.rand(2, 3, 10, 14) * 2 - 1
    generator = build_generator(tiny(task))
    assert isinstance(generator, RRDBNet)
    out = generator(low)
    assert out.shape == (2, 3, 10 * scale, 14 * scale)
    bicubic = F.interpolate(low, scale_factor=scale, mode="bicubic", align_corners=False)
    assert torch.allclose(out, bicubic, atol=1e-6)  # zero-initialised last conv: untrained = bicubic


def test_sr_generator_learns_beyond_bicubic_once_its_last_layer_moves():
    generator = build_generator(tiny("sr2"))
    torch.nn.init.normal_(generator.last.weight, std=0.1)
    low = torch.rand(1, 3, 8, 8)
    assert not torch.allclose(generator(low), F.interpolate(low, scale_factor=2, mode="bicubic", align_corners=False))


@pytest.mark.parametrize("height,width", [(32, 32), (27, 41)])
def test_restoration_generator_keeps_size_and_starts_as_identity(height, width):
    generator = build_generator(tiny("restore"))
    assert isinstance(generator, UNetGenerator)
    image = torch.rand(2, 3, height, width) * 2 - 1
    assert torch.equal(generator(image), image)


def test_discriminators_return_logits_and_features():
    sr_d = build_discriminator(tiny("sr4"))
    assert isinstance(sr_d, UNetDiscriminator)
    logits, features = sr_d(torch.rand(2, 3, 32, 32))
    assert logits.shape == (2, 1, 32, 32) and len(features) == 3
    restore_d = build_discriminator(tiny("restore"))
    assert isinstance(restore_d, PatchDiscriminator)
    pair = discriminator_input("restore", torch.rand(2, 3, 64, 64), torch.rand(2, 3, 64, 64))
    logits, features = restore_d(pair)
    assert pair.shape[1] == 6 and logits.shape == (2, 1, 6, 6) and len(features) == 4
    assert discriminator_input("sr2", pair[:, :3], pair[:, 3:]).shape[1] == 3


def test_discriminators_use_spectral_norm():
    names = [name for name, _ in build_discriminator(tiny("sr2")).named_parameters()]
    assert any(name.endswith("weight_orig") for name in names)


def test_no_batch_dependence_in_generators():
    """Tiled inference needs an image's output to ignore its batch neighbours."""
    for task in ("sr2", "restore"):
        generator = build_generator(tiny(task))
        torch.nn.init.normal_(generator.last.weight, std=0.1)
        batch = torch.rand(3, 3, 16, 16)
        assert torch.allclose(generator(batch)[:1], generator(batch[:1]), atol=1e-5)


def test_unknown_task_is_refused():
    with pytest.raises(ValueError, match="sr2, sr4, restore"):
        EnhanceModelConfig(task="sr3")


def test_denoised_prior_removes_noise_and_keeps_shapes():
    from productgan.enhance.networks import denoised_prior

    generator = torch.Generator().manual_seed(0)
    clean = torch.zeros(1, 3, 32, 40)
    clean[..., 8:24, 10:30] = 0.6
    noisy = (clean + 0.08 * torch.randn(clean.shape, generator=generator)).clamp(-1, 1)
    prior = denoised_prior(noisy)
    assert prior.shape == noisy.shape and not prior.requires_grad
    assert F.mse_loss(prior, clean) < 0.5 * F.mse_loss(noisy, clean)


def test_restoration_generator_with_prior_sees_it_and_starts_as_identity():
    plain = build_generator(EnhanceModelConfig(task="restore", width=8, depth=2))
    with_prior = build_generator(EnhanceModelConfig(task="restore", width=8, depth=2, prior=1))
    assert with_prior.head[0].in_channels == plain.head[0].in_channels + 3
    images = torch.rand(2, 3, 20, 28) * 2 - 1
    assert torch.equal(with_prior(images), images)  # zero-initialised last conv: the identity before training
