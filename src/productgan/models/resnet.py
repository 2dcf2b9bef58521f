"""The default family: a conditional residual GAN for small catalogs (SNGAN/BigGAN lineage).

Generator: w = [z, summed attribute embeddings] feeds a linear stem (4x4) and modulates every
GroupNorm in every up-block (BigGAN's conditional norm and hierarchical latents, on a norm that
never couples the samples of a batch). Discriminator: residual down-blocks, sum pooling and a
projection head (Miyato & Koyama 2018). Spectral norm is a switch on either network
(cfg.d_spectral_norm, cfg.g_spectral_norm), off by default for this family: D without it measured
lower FID (models/config.py, D_SPECTRAL_NORM_DEFAULT).

Cost: each block runs one of its two 3x3 convs at the lower of its two resolutions (before the
upsample in G; after the downsample in D, as in StyleGAN2's discriminator), which halves the
FLOPs of SNGAN's order at the same depth. Bilinear upsampling + 3x3 convs (no transposed convs,
so no checkerboard; R3GAN resamples bilinearly too): with the first conv at the low resolution,
nearest upsampling left a 2-pixel lattice in samples of the built-in catalog, bilinear does not,
at the same cost. Average-pool downsampling. No data-dependent Python control flow, so the
models compile with fullgraph=True; they run under channels_last and bf16 autocast.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from productgan.models.config import ModelConfig
from productgan.models.layers import (
    ConditionalGenerator, ConditionalGroupNorm, ProjectionHead, channels_at, conv, group_count, maybe_sn, num_stages,
    orthogonal,
)


def _upsample(x: torch.Tensor) -> torch.Tensor:
    return F.interpolate(x, scale_factor=2.0, mode="bilinear", align_corners=False)


class GeneratorBlock(nn.Module):
    """(B, in, r, r) -> (B, out, 2r, 2r).

    branch: cond-norm -> ReLU -> 3x3 conv (in->out) at r -> x2 -> cond-norm -> ReLU -> 3x3 conv at 2r;
    skip: 1x1 conv at r -> x2 (a 1x1 conv commutes with the upsampling, so it runs at r).
    'low' and 'high' name the layers working at the block's lower and higher resolution.
    """

    def __init__(self, in_channels: int, out_channels: int, cond_dim: int, sn: bool):
        super().__init__()
        self.norm_low = ConditionalGroupNorm(in_channels, cond_dim)
        self.conv_low = conv(in_channels, out_channels, 3, sn)
        self.norm_high = ConditionalGroupNorm(out_channels, cond_dim)
        self.conv_high = conv(out_channels, out_channels, 3, sn)
        self.skip = conv(in_channels, out_channels, 1, sn)

    def forward(self, x: torch.Tensor, w: torch.Tensor) -> torch.Tensor:
        h = _upsample(self.conv_low(F.relu(self.norm_low(x, w))))
        h = self.conv_high(F.relu(self.norm_high(h, w)))
        return h + _upsample(self.skip(x))


class DiscriminatorBlock(nn.Module):
    """(B, in, r, r) -> (B, out, r/2, r/2).

    branch: LeakyReLU -> 3x3 conv (in->in) at r -> LeakyReLU -> avg-pool -> 3x3 conv (in->out) at r/2;
    skip: avg-pool -> 1x1 conv. 'high' and 'low' name the convs at the higher and lower resolution.
    """

    def __init__(self, in_channels: int, out_channels: int, sn: bool):
        super().__init__()
        self.conv_high = conv(in_channels, in_channels, 3, sn)
        self.conv_low = conv(in_channels, out_channels, 3, sn)
        self.skip = conv(in_channels, out_channels, 1, sn)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.conv_high(F.leaky_relu(x, 0.2))
        h = self.conv_low(F.avg_pool2d(F.leaky_relu(h, 0.2), 2))
        return h + self.skip(F.avg_pool2d(x, 2))


class SkipExcitation(nn.Module):
    """FastGAN's skip-layer excitation (Liu et al. 2021): channel gates for a high-resolution map,
    computed from a low-resolution one.

    The coarse layout (which product, which shape) then reaches the fine layers by a short path,
    which FastGAN credits for training in few steps on a hundred images; it costs one pooled 4x4
    conv per gate. forward(low (B, c_low, r, r), high (B, c_high, R, R)) -> high * gates.
    """

    def __init__(self, low_channels: int, high_channels: int, sn: bool):
        super().__init__()
        self.pool = nn.AdaptiveAvgPool2d(4)
        self.squeeze = maybe_sn(orthogonal(nn.Conv2d(low_channels, high_channels, 4)), sn)
        self.excite = maybe_sn(orthogonal(nn.Conv2d(high_channels, high_channels, 1)), sn)

    def forward(self, low: torch.Tensor, high: torch.Tensor) -> torch.Tensor:
        gates = torch.sigmoid(self.excite(F.silu(self.squeeze(self.pool(low)))))
        return high * gates


class ResNetGenerator(ConditionalGenerator):
    """forward(z (B, latent_dim), labels (B, A) long) -> images (B, channels, R, R) in [-1, 1].

    With cfg.g_skip_excitation, the features at each resolution r gate those at 4r (FastGAN's
    8 -> 128 pattern at our scale: 4 -> 16, 8 -> 32, ...).
    """

    def __init__(self, cfg: ModelConfig):
        super().__init__(cfg)
        sn = cfg.g_spectral_norm
        stages = num_stages(cfg.resolution)
        chans = [channels_at(4 * 2**i, cfg.resolution, cfg.width, cfg.max_width) for i in range(stages + 1)]
        cond_dim = self.input_dim
        self.stem = maybe_sn(orthogonal(nn.Linear(cond_dim, chans[0] * 16)), sn)
        self.stem_shape = (chans[0], 4, 4)
        self.blocks = nn.ModuleList(GeneratorBlock(chans[i], chans[i + 1], cond_dim, sn) for i in range(stages))
        self.out_norm = nn.GroupNorm(group_count(chans[-1]), chans[-1])
        self.to_image = conv(chans[-1], cfg.channels, 3, sn)
        gated = range(2, stages + 1) if cfg.g_skip_excitation else ()  # feature index i gated by i - 2
        self.excitations = nn.ModuleDict({str(i): SkipExcitation(chans[i - 2], chans[i], sn) for i in gated})

    def synthesize(self, z: torch.Tensor, condition: torch.Tensor | None) -> torch.Tensor:
        """Images from latents and an already-embedded condition ((B, embed_dim), or None when
        unconditional): lets callers blend conditions, e.g. a morph between two attribute sets."""
        w = z if condition is None else torch.cat([z, condition.to(z.dtype)], dim=1)
        x = self.stem(w).unflatten(1, self.stem_shape)
        features = [x]
        for index, block in enumerate(self.blocks, start=1):
            x = block(x, w)
            if str(index) in self.excitations:
                x = self.excitations[str(index)](features[index - 2], x)
            features.append(x)
        return torch.tanh(self.to_image(F.relu(self.out_norm(x))))


MINIBATCH_STD_GROUP = 4


def minibatch_std(x: torch.Tensor, group: int = MINIBATCH_STD_GROUP) -> torch.Tensor:
    """x with one more channel: the standard deviation across each group of samples, averaged over
    features and broadcast (StyleGAN, Karras et al. 2018).

    It lets D see a batch's variety: a generator that draws one product per label gives groups of
    near-identical images, which real batches never are, so collapse becomes something D can
    punish. A group is `group` consecutive samples (fewer when the batch does not divide); D sees
    real and generated images in separate batches, so no group mixes them.
    """
    batch, channels, height, width = x.shape
    size = next(g for g in range(min(group, batch), 0, -1) if batch % g == 0)
    grouped = x.float().reshape(batch // size, size, channels, height, width)
    spread = (grouped.var(dim=1, unbiased=False) + 1e-8).sqrt().mean(dim=(1, 2, 3))  # (batch // size,)
    feature = spread.repeat_interleave(size)[:, None, None, None].expand(batch, 1, height, width)
    return torch.cat([x, feature.to(x.dtype)], dim=1)


class ResNetDiscriminator(nn.Module):
    """forward(images (B, channels, R, R) in [-1, 1], labels (B, A) long) -> raw logits (B,).

    With cfg.d_minibatch_std, the final 4x4 features get the minibatch-std channel and one more 3x3
    conv (StyleGAN's epilogue) before pooling; the logits then depend on the batch they came in.
    """

    def __init__(self, cfg: ModelConfig):
        super().__init__()
        sn = cfg.d_spectral_norm
        stages = num_stages(cfg.resolution)
        chans = [channels_at(cfg.resolution // 2**i, cfg.resolution, cfg.width, cfg.max_width) for i in range(stages + 1)]
        self.from_image = conv(cfg.channels, chans[0], 3, sn)
        self.blocks = nn.Sequential(*(DiscriminatorBlock(chans[i], chans[i + 1], sn) for i in range(stages)))
        self.epilogue = conv(chans[-1] + 1, chans[-1], 3, sn) if cfg.d_minibatch_std else None
        self.head = ProjectionHead(chans[-1], cfg.level_counts, sn)

    def forward(self, images: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        h = self.blocks(self.from_image(images))
        if self.epilogue is not None:
            h = self.epilogue(minibatch_std(F.leaky_relu(h, 0.2)))
        h = F.leaky_relu(h, 0.2).sum(dim=(2, 3))  # sum pooling over the final 4x4, as in SNGAN/BigGAN
        return self.head(h.float(), labels)
