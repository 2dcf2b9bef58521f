"""The articles' baseline: DCGAN (Radford et al. 2016) with honest conditioning by embedding.

G: [z, embedding] -> transposed convs + BatchNorm + ReLU -> tanh. D: strided convs + LeakyReLU,
with the projection head so the baseline gets the same conditioning signal as the default model.
Kept simple on purpose: every figure for the default model has this beside it.
"""

from __future__ import annotations

import torch
from torch import nn

from productgan.models.config import ModelConfig
from productgan.models.layers import ConditionEmbedding, ProjectionHead, channels_at, maybe_sn, num_stages


def _dcgan_init(model: nn.Module) -> None:
    """N(0, 0.02) weights as in the DCGAN paper."""
    for module in model.modules():
        if isinstance(module, (nn.Conv2d, nn.ConvTranspose2d)) and not hasattr(module, "parametrizations"):
            nn.init.normal_(module.weight, 0.0, 0.02)
        elif isinstance(module, nn.BatchNorm2d):
            nn.init.normal_(module.weight, 1.0, 0.02)
            nn.init.zeros_(module.bias)


class DCGANGenerator(nn.Module):
    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.latent_dim = cfg.latent_dim
        self.embed = ConditionEmbedding(cfg.level_counts, cfg.embed_dim)
        in_dim = cfg.latent_dim + (cfg.embed_dim if cfg.level_counts else 0)
        stages = num_stages(cfg.resolution)
        chans = [channels_at(4 * 2**i, cfg.resolution, cfg.width, cfg.max_width) for i in range(stages + 1)]
        layers: list[nn.Module] = [nn.ConvTranspose2d(in_dim, chans[0], 4, 1, 0, bias=False),
                                   nn.BatchNorm2d(chans[0]), nn.ReLU(True)]
        for i in range(stages - 1):
            layers += [nn.ConvTranspose2d(chans[i], chans[i + 1], 4, 2, 1, bias=False),
                       nn.BatchNorm2d(chans[i + 1]), nn.ReLU(True)]
        layers += [nn.ConvTranspose2d(chans[stages - 1], cfg.channels, 4, 2, 1), nn.Tanh()]
        self.net = nn.Sequential(*layers)
        _dcgan_init(self)

    def forward(self, z: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        cond = self.embed(labels)
        x = z if cond is None else torch.cat([z, cond.to(z.dtype)], dim=1)
        return self.net(x[:, :, None, None])


class DCGANDiscriminator(nn.Module):
    def __init__(self, cfg: ModelConfig):
        super().__init__()
        sn = cfg.d_spectral_norm
        stages = num_stages(cfg.resolution)
        chans = [channels_at(cfg.resolution // 2**i, cfg.resolution, cfg.width, cfg.max_width) for i in range(1, stages + 1)]
        layers: list[nn.Module] = [maybe_sn(nn.Conv2d(cfg.channels, chans[0], 4, 2, 1), sn), nn.LeakyReLU(0.2, True)]
        for i in range(stages - 1):
            layers += [maybe_sn(nn.Conv2d(chans[i], chans[i + 1], 4, 2, 1), sn), nn.LeakyReLU(0.2, True)]
        self.net = nn.Sequential(*layers)
        self.head = ProjectionHead(chans[-1], cfg.level_counts, sn)
        _dcgan_init(self.net)

    def forward(self, images: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        return self.head(self.net(images).sum(dim=(2, 3)).float(), labels)
