"""Layers shared by the model families: initialised convs, condition embeddings, conditional norm,
the projection head, and the channel/stage arithmetic both families use."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

import torch
from torch import nn
from torch.nn.utils.parametrizations import spectral_norm

if TYPE_CHECKING:
    from productgan.models.config import ModelConfig

Layer = TypeVar("Layer", bound=nn.Module)


def orthogonal(module: Layer) -> Layer:
    """Orthogonal weights and zero biases, BigGAN's initialisation for G and D."""
    nn.init.orthogonal_(module.weight)
    if getattr(module, "bias", None) is not None:
        nn.init.zeros_(module.bias)
    return module


def maybe_sn(module: Layer, enabled: bool) -> nn.Module:
    """Spectral norm (Miyato et al. 2018) when enabled: it bounds each layer's Lipschitz constant.

    Call it on an already initialised layer: spectral norm estimates the top singular vectors
    from the weight it finds, so initialising afterwards would leave them stale.
    """
    return spectral_norm(module) if enabled else module


def conv(in_channels: int, out_channels: int, kernel: int, sn: bool) -> nn.Module:
    """A 'same'-padded, orthogonally initialised convolution, spectrally normalised when sn."""
    return maybe_sn(orthogonal(nn.Conv2d(in_channels, out_channels, kernel, padding=kernel // 2)), sn)


class ConditionEmbedding(nn.Module):
    """One embedding table per categorical attribute, summed into one condition vector.

    labels: LongTensor (B, A) with A = len(level_counts). Returns (B, dim), or None when
    unconditional. Summing (rather than concatenating) keeps the size fixed whatever the number
    of attributes, and "red shoe" is the sum of what "red" and "shoe" mean on their own.
    """

    def __init__(self, level_counts: tuple[int, ...], dim: int, sn: bool = False,
                 init: Callable[[torch.Tensor], object] = nn.init.normal_):
        super().__init__()
        tables = []
        for count in level_counts:
            table = nn.Embedding(count, dim)
            init(table.weight)
            tables.append(maybe_sn(table, sn))
        self.tables = nn.ModuleList(tables)

    def forward(self, labels: torch.Tensor) -> torch.Tensor | None:
        if labels.shape[1] != len(self.tables):
            raise ValueError(f"expected labels of shape (B, {len(self.tables)}), got {tuple(labels.shape)}")
        if not self.tables:
            return None
        return sum(table(labels[:, k]) for k, table in enumerate(self.tables))


def group_count(channels: int) -> int:
    """GroupNorm groups: 32 (the GroupNorm paper's default) but at least 4 channels per group."""
    return max(1, min(32, channels // 4))


class ConditionalGroupNorm(nn.Module):
    """GroupNorm whose per-channel gain and bias are linear in the condition vector.

    BigGAN's conditional BatchNorm idea on a batch-independent norm: a sample never depends on
    the rest of its batch, so the same latent and attributes give the same image in training, in
    eval, and in a server's batch. The projection starts small (gain ~ 1 +- 0.1) so the condition
    is live from the first step without disturbing the identity start.
    """

    def __init__(self, channels: int, cond_dim: int):
        super().__init__()
        self.norm = nn.GroupNorm(group_count(channels), channels, affine=False)
        self.affine = nn.Linear(cond_dim, 2 * channels)
        nn.init.normal_(self.affine.weight, std=0.1 / cond_dim**0.5)
        nn.init.zeros_(self.affine.bias)

    def forward(self, x: torch.Tensor, cond: torch.Tensor) -> torch.Tensor:
        gain, bias = self.affine(cond)[:, :, None, None].chunk(2, dim=1)
        return self.norm(x) * (1 + gain) + bias


class ConditionalGenerator(nn.Module):
    """What every generator family shares: its latent size, image shape and condition embedding.

    forward(z (B, latent_dim), labels (B, A) long) is synthesize(z, embed(labels)), so callers can
    blend embedded conditions (a morph) and draw them with synthesize. A family builds its network
    after this __init__, from input_dim (z and the embedded condition, concatenated) and implements
    synthesize. ProductGenerator reports latent_dim, resolution and channels from here.

    condition_strength scales the embedded condition in forward(): 1 always, except while a run's
    transitional conditioning fades the condition in (train.transition). It is not saved, so a
    loaded generator draws at full strength.
    """

    def __init__(self, cfg: "ModelConfig"):
        super().__init__()
        self.latent_dim, self.resolution, self.channels = cfg.latent_dim, cfg.resolution, cfg.channels
        self.embed = ConditionEmbedding(cfg.level_counts, cfg.embed_dim)
        self.input_dim = cfg.latent_dim + (cfg.embed_dim if cfg.level_counts else 0)
        self.register_buffer("condition_strength", torch.ones(()), persistent=False)

    def forward(self, z: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        condition = self.embed(labels)
        return self.synthesize(z, None if condition is None else condition * self.condition_strength)

    def synthesize(self, z: torch.Tensor, condition: torch.Tensor | None) -> torch.Tensor:
        raise NotImplementedError


class ProjectionHead(nn.Module):
    """Projection discriminator output (Miyato & Koyama 2018): linear(h) + sum_a <embed_a(y_a), h>.

    h: (B, features) pooled features; labels (B, A); returns (B,) logits. The inner product asks
    "does this image look like its label?", which conditions far more sharply than concatenating
    labels to the input.

    condition_strength scales the projection term, as the generator's scales its condition: below 1
    only while transitional conditioning fades the condition in; not saved.
    """

    def __init__(self, features: int, level_counts: tuple[int, ...], sn: bool):
        super().__init__()
        self.linear = maybe_sn(orthogonal(nn.Linear(features, 1)), sn)
        self.embed = ConditionEmbedding(level_counts, features, sn=sn, init=nn.init.xavier_uniform_)
        self.register_buffer("condition_strength", torch.ones(()), persistent=False)

    def forward(self, h: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        logits = self.linear(h).squeeze(1)
        projected = self.embed(labels)
        if projected is not None:
            logits = logits + self.condition_strength * (projected * h).sum(dim=1)
        return logits

    def class_logits(self, h: torch.Tensor) -> list[torch.Tensor]:
        """Per attribute, (B, levels) logits <embed_a(level), h> for every level: the projection's
        own "does this look like that level?" read as a classifier over the levels (P2GAN, Han et
        al. 2021). Cross-entropy on them costs no parameters and sharpens what the projection
        learns; each table is called (not its weight read) so spectral norm applies as in forward."""
        return [h @ table(torch.arange(table.num_embeddings, device=h.device)).T for table in self.embed.tables]


def channels_at(resolution: int, top_resolution: int, width: int, max_width: int) -> int:
    """Channels double each time the resolution halves, from `width` at the top, capped."""
    return min(width * (top_resolution // resolution), max_width)


def num_stages(resolution: int) -> int:
    """Number of 2x stages between 4x4 and the output resolution (a power of two >= 8)."""
    stages = resolution.bit_length() - 3
    if resolution < 8 or 4 * 2**stages != resolution:
        raise ValueError(f"resolution must be a power of two >= 8, got {resolution}")
    return stages
