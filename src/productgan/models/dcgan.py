"""The articles' baseline: DCGAN (Radford et al. 2016) with honest conditioning by embedding.

G: [z, summed attribute embedding] -> 4x4 transposed conv -> (stride-2 transposed conv + BatchNorm
+ ReLU) per stage -> tanh. D: stride-2 4x4 convs + LeakyReLU 0.2 (spectral norm instead of D's
BatchNorm when cfg.d_spectral_norm), sum pooling and the projection head, so the baseline gets
the same conditioning signal as the default model. N(0, 0.02) initialisation as in the paper.
In training mode G's BatchNorm couples the samples of a batch; in eval mode it uses running
statistics, so a sample no longer depends on its batch.
"""

from __future__ import annotations

import torch
from torch import nn

from productgan.models.config import ModelConfig
from productgan.models.layers import (
    ConditionalGenerator, Layer, ProjectionHead, channels_at, maybe_sn, num_stages,
)


def _normal(module: Layer) -> Layer:
    """N(0, 0.02) weights and zero biases (DCGAN paper)."""
    nn.init.normal_(module.weight, 0.0, 0.02)
    if module.bias is not None:
        nn.init.zeros_(module.bias)
    return module


def _up(in_channels: int, out_channels: int, first: bool, sn: bool) -> list[nn.Module]:
    layer = nn.ConvTranspose2d(in_channels, out_channels, 4, 1 if first else 2, 0 if first else 1, bias=False)
    norm = nn.BatchNorm2d(out_channels)
    nn.init.normal_(norm.weight, 1.0, 0.02)
    return [maybe_sn(_normal(layer), sn), norm, nn.ReLU(inplace=True)]


class DCGANGenerator(ConditionalGenerator):
    """forward(z (B, latent_dim), labels (B, A) long) -> images (B, channels, R, R) in [-1, 1]."""

    def __init__(self, cfg: ModelConfig):
        super().__init__(cfg)
        sn = cfg.g_spectral_norm
        stages = num_stages(cfg.resolution)
        chans = [channels_at(4 * 2**i, cfg.resolution, cfg.width, cfg.max_width) for i in range(stages)]
        layers = _up(self.input_dim, chans[0], first=True, sn=sn)
        for i in range(stages - 1):
            layers += _up(chans[i], chans[i + 1], first=False, sn=sn)
        layers += [maybe_sn(_normal(nn.ConvTranspose2d(chans[-1], cfg.channels, 4, 2, 1)), sn), nn.Tanh()]
        self.net = nn.Sequential(*layers)

    def synthesize(self, z: torch.Tensor, condition: torch.Tensor | None) -> torch.Tensor:
        """Images from latents and an already-embedded condition ((B, embed_dim), or None when
        unconditional): lets callers blend conditions, e.g. a morph between two attribute sets."""
        x = z if condition is None else torch.cat([z, condition.to(z.dtype)], dim=1)
        return self.net(x[:, :, None, None])


class DCGANDiscriminator(nn.Module):
    """forward(images (B, channels, R, R) in [-1, 1], labels (B, A) long) -> raw logits (B,)."""

    def __init__(self, cfg: ModelConfig):
        super().__init__()
        sn = cfg.d_spectral_norm
        stages = num_stages(cfg.resolution)
        chans = [cfg.channels] + [channels_at(cfg.resolution // 2**i, cfg.resolution, cfg.width, cfg.max_width)
                                  for i in range(1, stages + 1)]
        layers: list[nn.Module] = []
        for i in range(stages):
            layers += [maybe_sn(_normal(nn.Conv2d(chans[i], chans[i + 1], 4, 2, 1)), sn), nn.LeakyReLU(0.2, inplace=True)]
        self.net = nn.Sequential(*layers)
        self.head = ProjectionHead(chans[-1], cfg.level_counts, sn)

    def forward(self, images: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        return self.head(self.pooled(images), labels)

    def pooled(self, images: torch.Tensor) -> torch.Tensor:
        """(B, features) the head reads: forward() is head(pooled(images), labels)."""
        return self.net(images).sum(dim=(2, 3)).float()
