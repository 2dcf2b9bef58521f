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
    d_spectral_norm: bool | None = None  # None: the family's measured default (D_SPECTRAL_NORM_DEFAULT)
    g_spectral_norm: bool = False

    def __post_init__(self) -> None:
        # Resolved here, so a saved config always holds an explicit value and old checkpoints keep theirs.
        if self.d_spectral_norm is None:
            self.d_spectral_norm = D_SPECTRAL_NORM_DEFAULT.get(self.family, True)


# Spectral norm in D per family. resnet: off, because the side-by-side at equal training time
# measured lower FID without it in all three runs made (docs/BENCHMARKS.md, "spectral norm");
# dcgan: on, the baseline as it was measured.
D_SPECTRAL_NORM_DEFAULT = {"resnet": False, "dcgan": True}
