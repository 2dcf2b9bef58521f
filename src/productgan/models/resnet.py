"""The default family: a conditional SN-ResNet GAN for small catalogs (BigGAN/SNGAN lineage).

Generator: z and the summed attribute embedding form one vector w; w modulates every residual
up-block through conditional GroupNorm (so every scale sees the condition, as in BigGAN's
hierarchical latents). Discriminator: residual down-blocks with spectral norm and a projection
head. Nearest upsampling + 3x3 convs (no transposed convs: no checkerboard artefacts).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from productgan.models.config import ModelConfig
from productgan.models.layers import (
    ConditionEmbedding, ConditionalGroupNorm, ProjectionHead, channels_at, maybe_sn, num_stages,
)


def xavier_init(model: nn.Module) -> None:
    """Xavier-uniform convs and linears, zero biases; conditional norms start as identity."""
    for module in model.modules():
        if isinstance(module, (nn.Conv2d, nn.Linear)):
            weight = module.parametrizations.weight.original if hasattr(module, "parametrizations") else module.weight
            nn.init.xavier_uniform_(weight)
            if module.bias is not None:
                nn.init.zeros_(module.bias)
    for module in model.modules():
        if isinstance(module, ConditionalGroupNorm):
            nn.init.zeros_(module.affine.weight)
            nn.init.zeros_(module.affine.bias)


class UpBlock(nn.Module):
    def __init__(self, in_ch: int, out_ch: int, cond_dim: int, sn: bool):
        super().__init__()
        self.norm1 = ConditionalGroupNorm(in_ch, cond_dim)
        self.conv1 = maybe_sn(nn.Conv2d(in_ch, out_ch, 3, padding=1), sn)
        self.norm2 = ConditionalGroupNorm(out_ch, cond_dim)
        self.conv2 = maybe_sn(nn.Conv2d(out_ch, out_ch, 3, padding=1), sn)
        self.skip = maybe_sn(nn.Conv2d(in_ch, out_ch, 1), sn)

    def forward(self, x: torch.Tensor, w: torch.Tensor) -> torch.Tensor:
        h = F.interpolate(F.relu(self.norm1(x, w)), scale_factor=2.0, mode="nearest")
        h = self.conv2(F.relu(self.norm2(self.conv1(h), w)))
        return h + self.skip(F.interpolate(x, scale_factor=2.0, mode="nearest"))


class DownBlock(nn.Module):
    def __init__(self, in_ch: int, out_ch: int, sn: bool, preactivate: bool = True):
        super().__init__()
        self.conv1 = maybe_sn(nn.Conv2d(in_ch, out_ch, 3, padding=1), sn)
        self.conv2 = maybe_sn(nn.Conv2d(out_ch, out_ch, 3, padding=1), sn)
        self.skip = maybe_sn(nn.Conv2d(in_ch, out_ch, 1), sn)
        self.preactivate = preactivate

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = F.leaky_relu(x, 0.2) if self.preactivate else x
        h = self.conv2(F.leaky_relu(self.conv1(h), 0.2))
        return F.avg_pool2d(h, 2) + self.skip(F.avg_pool2d(x, 2))


class ResNetGenerator(nn.Module):
    def __init__(self, cfg: ModelConfig):
        super().__init__()
        self.latent_dim = cfg.latent_dim
        self.embed = ConditionEmbedding(cfg.level_counts, cfg.embed_dim)
        cond_dim = cfg.latent_dim + (cfg.embed_dim if cfg.level_counts else 0)
        stages = num_stages(cfg.resolution)
        chans = [channels_at(4 * 2**i, cfg.resolution, cfg.width, cfg.max_width) for i in range(stages + 1)]
        self.stem = maybe_sn(nn.Linear(cond_dim, chans[0] * 16), cfg.g_spectral_norm)
        self.blocks = nn.ModuleList(UpBlock(chans[i], chans[i + 1], cond_dim, cfg.g_spectral_norm) for i in range(stages))
        self.out_norm = nn.GroupNorm(min(32, chans[-1] // 4) or 1, chans[-1])
        self.to_image = nn.Conv2d(chans[-1], cfg.channels, 3, padding=1)
        self.start_channels = chans[0]
        xavier_init(self)

    def forward(self, z: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        cond = self.embed(labels)
        w = z if cond is None else torch.cat([z, cond.to(z.dtype)], dim=1)
        x = self.stem(w).view(len(z), self.start_channels, 4, 4)
        for block in self.blocks:
            x = block(x, w)
        return torch.tanh(self.to_image(F.relu(self.out_norm(x))))


class ResNetDiscriminator(nn.Module):
    def __init__(self, cfg: ModelConfig):
        super().__init__()
        sn = cfg.d_spectral_norm
        stages = num_stages(cfg.resolution)
        chans = [channels_at(cfg.resolution // 2**i, cfg.resolution, cfg.width, cfg.max_width) for i in range(stages + 1)]
        self.from_image = maybe_sn(nn.Conv2d(cfg.channels, chans[0], 3, padding=1), sn)
        self.blocks = nn.Sequential(*(DownBlock(chans[i], chans[i + 1], sn, preactivate=i > 0) for i in range(stages)))
        self.final = maybe_sn(nn.Conv2d(chans[-1], chans[-1], 3, padding=1), sn)
        self.head = ProjectionHead(chans[-1], cfg.level_counts, sn)
        xavier_init(self.blocks)

    def forward(self, images: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        h = self.blocks(self.from_image(images))
        h = F.leaky_relu(self.final(F.leaky_relu(h, 0.2)), 0.2).sum(dim=(2, 3))
        return self.head(h.float(), labels)
