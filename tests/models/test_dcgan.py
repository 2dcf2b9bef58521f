"""The articles' baseline stays the articles' DCGAN: transposed convs + BatchNorm + ReLU in G,
strided convs + LeakyReLU in D, N(0, 0.02) init, labels concatenated to z."""

from __future__ import annotations

import torch
from torch import nn

from productgan.models import ModelConfig, create_discriminator, create_generator
from productgan.models.dcgan import DCGANDiscriminator, DCGANGenerator


def dcgan_config(**overrides) -> ModelConfig:
    settings = dict(family="dcgan", resolution=32, channels=3, width=8, max_width=32, latent_dim=16,
                    embed_dim=16, level_counts=(3, 4))
    return ModelConfig(**{**settings, **overrides})


def test_generator_is_radford_et_al():
    generator = create_generator(dcgan_config())
    assert isinstance(generator, DCGANGenerator)
    kinds = [type(m) for m in generator.net]
    assert kinds[:3] == [nn.ConvTranspose2d, nn.BatchNorm2d, nn.ReLU] and kinds[-2:] == [nn.ConvTranspose2d, nn.Tanh]
    assert not any(isinstance(m, (nn.Conv2d, nn.Upsample)) for m in generator.modules())
    first = generator.net[0]
    assert first.in_channels == 16 + 16  # z and the attribute embedding, concatenated
    weights = torch.cat([m.weight.flatten() for m in generator.modules() if isinstance(m, nn.ConvTranspose2d)])
    assert abs(weights.std().item() - 0.02) < 0.002


def test_discriminator_is_strided_convs_and_leaky_relu():
    discriminator = create_discriminator(dcgan_config(d_spectral_norm=False))
    assert isinstance(discriminator, DCGANDiscriminator)
    convs = [m for m in discriminator.net if isinstance(m, nn.Conv2d)]
    assert [c.stride for c in convs] == [(2, 2)] * 3  # 32 -> 16 -> 8 -> 4
    assert all(isinstance(m, nn.LeakyReLU) and m.negative_slope == 0.2 for m in discriminator.net[1::2])
    assert not any(isinstance(m, nn.BatchNorm2d) for m in discriminator.modules())


def test_unconditional_generator_takes_only_z():
    generator = create_generator(dcgan_config(level_counts=()))
    assert generator.net[0].in_channels == 16
    assert not list(generator.embed.parameters())


def test_training_mode_uses_batch_statistics_and_eval_does_not():
    """The baseline's BatchNorm couples a batch while training, which is why sampling uses eval()."""
    torch.manual_seed(0)
    generator = create_generator(dcgan_config())
    z, labels = torch.randn(4, 16), torch.tensor([[0, 1], [2, 3], [1, 0], [0, 0]])
    assert not torch.allclose(generator(z[:2], labels[:2]), generator(z, labels)[:2], atol=1e-6)
    generator.eval()
    torch.testing.assert_close(generator(z[:2], labels[:2]), generator(z, labels)[:2])
