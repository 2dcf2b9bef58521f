"""Layers shared by the model families: condition embeddings, conditional norm, projection head."""

from __future__ import annotations

import torch
from torch import nn
from torch.nn.utils.parametrizations import spectral_norm


def maybe_sn(module: nn.Module, enabled: bool) -> nn.Module:
    """Spectral norm (Miyato et al. 2018) when enabled; it bounds D's Lipschitz constant cheaply."""
    return spectral_norm(module) if enabled else module


class ConditionEmbedding(nn.Module):
    """One embedding table per categorical attribute, summed into a single condition vector.

    Summing (rather than concatenating) keeps the size fixed whatever the number of attributes,
    and a product "red + shoe" is the sum of what "red" and "shoe" mean on their own.
    """

    def __init__(self, level_counts: tuple[int, ...], dim: int, sn: bool = False):
        super().__init__()
        self.tables = nn.ModuleList(maybe_sn(nn.Embedding(n, dim), sn) for n in level_counts)
        for table in self.tables:
            nn.init.normal_(table.weight if not sn else table.parametrizations.weight.original, std=1.0)
        self.dim = dim

    def forward(self, labels: torch.Tensor) -> torch.Tensor | None:
        if not self.tables:
            return None
        return sum(table(labels[:, k]) for k, table in enumerate(self.tables))


class ConditionalGroupNorm(nn.Module):
    """GroupNorm whose gain and bias come from the condition vector (BigGAN's conditional BN idea).

    GroupNorm instead of BatchNorm so a sample never depends on the rest of its batch: the same
    latent and attributes give the same image in training, in eval and in a server's batch.
    """

    def __init__(self, channels: int, cond_dim: int):
        super().__init__()
        self.norm = nn.GroupNorm(min(32, channels // 4) or 1, channels, affine=False)
        self.affine = nn.Linear(cond_dim, 2 * channels)
        nn.init.zeros_(self.affine.weight)
        nn.init.zeros_(self.affine.bias)

    def forward(self, x: torch.Tensor, cond: torch.Tensor) -> torch.Tensor:
        gain, bias = self.affine(cond).unsqueeze(-1).unsqueeze(-1).chunk(2, dim=1)
        return self.norm(x) * (1 + gain) + bias


class ProjectionHead(nn.Module):
    """Projection discriminator output (Miyato & Koyama 2018): linear(h) + sum_a <embed_a(y_a), h>.

    The inner product asks "does this image look like its label?", which is what makes conditional
    control sharp compared with concatenating labels to the input.
    """

    def __init__(self, features: int, level_counts: tuple[int, ...], sn: bool):
        super().__init__()
        self.linear = maybe_sn(nn.Linear(features, 1), sn)
        self.embed = ConditionEmbedding(level_counts, features, sn=sn)
        for table in self.embed.tables:
            weight = table.weight if not sn else table.parametrizations.weight.original
            nn.init.normal_(weight, std=0.02)

    def forward(self, h: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        out = self.linear(h).squeeze(1)
        projected = self.embed(labels)
        if projected is not None:
            out = out + (projected * h).sum(dim=1)
        return out


def channels_at(resolution: int, top_resolution: int, width: int, max_width: int) -> int:
    """Channels double each time the resolution halves, from `width` at the top, capped."""
    return min(width * (top_resolution // resolution), max_width)


def num_stages(resolution: int) -> int:
    """Number of 2x stages between 4x4 and the output resolution (a power of two >= 8)."""
    stages = resolution.bit_length() - 3
    if resolution < 8 or 4 * 2**stages != resolution:
        raise ValueError(f"resolution must be a power of two >= 8, got {resolution}")
    return stages
