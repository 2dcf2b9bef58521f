"""The typed model configuration saved inside every checkpoint."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class ModelConfig:
    """Everything needed to rebuild a generator/discriminator pair (weights come from safetensors).

    family: 'resnet' (the data-efficient default) or 'dcgan' (the articles' baseline).
    level_counts: number of levels of each conditioning attribute, in model order; empty means
    unconditional.
    """

    family: str = "resnet"
    resolution: int = 64
    channels: int = 3
    latent_dim: int = 128
    width: int = 64  # channel count at the highest resolution; lower resolutions use multiples
    max_width: int = 512
    embed_dim: int = 128  # size of the joint condition embedding fed to the generator
    level_counts: tuple[int, ...] = ()
    d_spectral_norm: bool = True
    g_spectral_norm: bool = False
