"""Both families: shapes, ranges, conditioning that matters, batch independence, gradient flow."""

from __future__ import annotations

import pytest
import torch

from productgan.models import create_discriminator, create_generator
from productgan.models.config import ModelConfig
from productgan.models.layers import num_stages

FAMILIES = ["resnet", "dcgan"]


def _cfg(family, resolution=32, channels=3, level_counts=(3, 4)):
    return ModelConfig(family=family, resolution=resolution, channels=channels, width=8, max_width=32,
                       latent_dim=16, embed_dim=16, level_counts=level_counts)


def _labels(n, level_counts, seed=0):
    g = torch.Generator().manual_seed(seed)
    return torch.stack([torch.randint(c, (n,), generator=g) for c in level_counts], 1) if level_counts else torch.zeros(n, 0, dtype=torch.long)


@pytest.mark.parametrize("family", FAMILIES)
@pytest.mark.parametrize("resolution,channels,level_counts", [(32, 3, (3, 4)), (64, 1, ()), (32, 1, (5,))])
def test_shapes_and_range(family, resolution, channels, level_counts):
    torch.manual_seed(0)
    cfg = _cfg(family, resolution, channels, level_counts)
    generator, discriminator = create_generator(cfg), create_discriminator(cfg)
    labels = _labels(4, level_counts)
    images = generator(torch.randn(4, 16), labels)
    assert images.shape == (4, channels, resolution, resolution)
    assert images.min() >= -1 and images.max() <= 1
    assert discriminator(images, labels).shape == (4,)


@pytest.mark.parametrize("family", FAMILIES)
def test_labels_change_the_output(family):
    torch.manual_seed(0)
    cfg = _cfg(family)
    generator, discriminator = create_generator(cfg).eval(), create_discriminator(cfg)
    with torch.no_grad():  # train a step's worth of noise into the norm affines so conditioning is live
        for p in generator.parameters():
            p.add_(torch.randn_like(p) * 0.05)
    z = torch.randn(2, 16)
    a = torch.tensor([[0, 0], [0, 0]])
    b = torch.tensor([[2, 3], [2, 3]])
    assert not torch.allclose(generator(z, a), generator(z, b))
    images = torch.randn(2, 3, 32, 32)
    assert not torch.allclose(discriminator(images, a), discriminator(images, b))


@pytest.mark.parametrize("family", FAMILIES)
def test_eval_output_does_not_depend_on_the_rest_of_the_batch(family):
    torch.manual_seed(0)
    cfg = _cfg(family)
    generator = create_generator(cfg)
    generator(torch.randn(8, 16), _labels(8, (3, 4)))  # a training-mode pass updates BN statistics
    generator.eval()
    z, labels = torch.randn(6, 16), _labels(6, (3, 4), seed=1)
    with torch.no_grad():
        alone = generator(z[:1], labels[:1])
        in_batch = generator(z, labels)[:1]
    assert torch.allclose(alone, in_batch, atol=1e-5)


@pytest.mark.parametrize("family", FAMILIES)
def test_gradients_reach_every_parameter(family):
    torch.manual_seed(0)
    cfg = _cfg(family)
    generator, discriminator = create_generator(cfg), create_discriminator(cfg)
    labels = _labels(4, (3, 4))
    discriminator(generator(torch.randn(4, 16), labels), labels).mean().backward()
    for name, p in list(generator.named_parameters()) + list(discriminator.named_parameters()):
        assert p.grad is not None and torch.isfinite(p.grad).all(), name


def test_spectral_norm_is_an_option():
    with_sn = create_discriminator(_cfg("resnet"))
    without = create_discriminator(ModelConfig(**{**_cfg("resnet").__dict__, "d_spectral_norm": False}))
    assert any("parametrizations" in n for n, _ in with_sn.named_parameters())
    assert not any("parametrizations" in n for n, _ in without.named_parameters())


def test_unknown_family_and_bad_resolution_are_clear_errors():
    with pytest.raises(ValueError, match="available: resnet, dcgan"):
        create_generator(_cfg("stylegan9"))
    with pytest.raises(ValueError, match="power of two"):
        num_stages(48)


def test_resnet_discriminator_learns_to_separate_two_classes():
    """A few dozen steps are enough for D to tell dark squares from light ones: the loss falls."""
    from productgan.losses import discriminator_loss

    torch.manual_seed(0)
    discriminator = create_discriminator(_cfg("resnet", level_counts=()))
    optimiser = torch.optim.Adam(discriminator.parameters(), lr=2e-4, betas=(0.0, 0.99))
    real, fake = torch.full((8, 3, 32, 32), 0.8), torch.full((8, 3, 32, 32), -0.8)
    none = torch.zeros(8, 0, dtype=torch.long)
    losses = []
    for _ in range(40):
        loss = discriminator_loss("hinge", discriminator(real, none), discriminator(fake, none))
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        losses.append(loss.item())
    assert losses[-1] < 0.5 * losses[0]
