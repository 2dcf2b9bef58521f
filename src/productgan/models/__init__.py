"""A tiny factory over the model families: name -> (generator class, discriminator class)."""

from __future__ import annotations

from torch import nn

from productgan.errors import ConfigError

from productgan.models.config import ModelConfig
from productgan.models.dcgan import DCGANDiscriminator, DCGANGenerator
from productgan.models.resnet import ResNetDiscriminator, ResNetGenerator

FAMILIES: dict[str, tuple[type[nn.Module], type[nn.Module]]] = {
    "resnet": (ResNetGenerator, ResNetDiscriminator),
    "dcgan": (DCGANGenerator, DCGANDiscriminator),
}

# Bump a family's number whenever its computation changes in a way that old weights would still
# load into (same names and shapes, different meaning): checkpoints record it, loading checks it.
ARCHITECTURE_VERSIONS: dict[str, int] = {"resnet": 2, "dcgan": 1}


def _family(cfg: ModelConfig) -> tuple[type[nn.Module], type[nn.Module]]:
    if cfg.family not in FAMILIES:
        raise ConfigError(f"unknown model family {cfg.family!r}; available: {', '.join(FAMILIES)}")
    return FAMILIES[cfg.family]


def create_generator(cfg: ModelConfig) -> nn.Module:
    """G(z (B, latent_dim), labels (B, len(level_counts)) long) -> images (B, channels, R, R) in [-1, 1]."""
    return _family(cfg)[0](cfg)


def create_discriminator(cfg: ModelConfig) -> nn.Module:
    """D(images (B, channels, R, R), labels (B, len(level_counts)) long) -> raw logits (B,)."""
    return _family(cfg)[1](cfg)


__all__ = ["ARCHITECTURE_VERSIONS", "FAMILIES", "ModelConfig", "create_discriminator", "create_generator"]
