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


RECON_SIZE = 16  # side of each decoded image: FastGAN decodes 8x8 features to 128 px; 16 px is our scale's cheap analogue
RECON_FEATURE_SIZE = 8  # side of the feature maps the decoders read (the quadrant crop cuts 16x16 features down to it)


class ReconstructionDecoder(nn.Module):
    """(B, in, 8, 8) D features -> (B, channels, 16, 16) image in [-1, 1] (FastGAN's simple decoder).

    LeakyReLU -> 3x3 conv at 8 -> x2 bilinear -> LeakyReLU -> 3x3 conv at 16 -> 3x3 conv to the
    image -> tanh. No norm layer (FastGAN's BatchNorm would couple the samples of a batch); `hidden`
    channels are D's own top width, so the decoder costs a small fraction of D's real pass.
    """

    def __init__(self, in_channels: int, hidden: int, channels: int, sn: bool):
        super().__init__()
        self.conv_low = conv(in_channels, hidden, 3, sn)
        self.conv_high = conv(hidden, hidden, 3, sn)
        self.to_image = conv(hidden, channels, 3, sn)

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        h = _upsample(self.conv_low(F.leaky_relu(features, 0.2)))
        h = self.conv_high(F.leaky_relu(h, 0.2))
        return torch.tanh(self.to_image(F.leaky_relu(h, 0.2)))


def quadrant(x: torch.Tensor, index: int) -> torch.Tensor:
    """One of the four quadrants of (B, C, H, W): 0 top-left, 1 top-right, 2 bottom-left, 3 bottom-right."""
    half_h, half_w = x.shape[2] // 2, x.shape[3] // 2
    row, col = divmod(index, 2)
    return x[:, :, row * half_h:(row + 1) * half_h, col * half_w:(col + 1) * half_w]


def reconstruction_targets(images: torch.Tensor, index: int) -> tuple[torch.Tensor, torch.Tensor]:
    """What the decoders must rebuild from images (B, C, R, R): the whole image and its quadrant
    `index`, each resized to RECON_SIZE: by block means when larger (R is a power of two, so a
    128 px photo's target is its exact 8x8-mean image, never aliased), bilinearly when smaller (the
    8 px quadrant of a 16 px image)."""
    def resize(x: torch.Tensor) -> torch.Tensor:
        if x.shape[-1] == RECON_SIZE:
            return x
        if x.shape[-1] > RECON_SIZE:
            return F.avg_pool2d(x, x.shape[-1] // RECON_SIZE)
        return F.interpolate(x, size=(RECON_SIZE, RECON_SIZE), mode="bilinear", align_corners=False)

    return resize(images), resize(quadrant(images, index))


class ResNetDiscriminator(nn.Module):
    """forward(images (B, channels, R, R) in [-1, 1], labels (B, A) long) -> raw logits (B,).

    With cfg.d_minibatch_std, the final 4x4 features get the minibatch-std channel and one more 3x3
    conv (StyleGAN's epilogue) before pooling; the logits then depend on the batch they came in.

    With cfg.d_reconstruction (FastGAN's self-supervised D, Liu et al. 2021), two small decoders
    rebuild, from D's 8x8 features, the whole image at 16 px and, from one quadrant of its 16x16
    features, that quadrant of the image at 16 px: D must keep features that describe the real
    images, not only those that tell them from fakes, which FastGAN credits for not overfitting a
    hundred images. forward() is unchanged by it; the training loop calls
    forward_with_reconstruction() on the real batch only.
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
        # features[i] (after i blocks) is at R / 2**i: the decoders read those at 8x8 and 16x16
        self.recon_at = (cfg.resolution // 8).bit_length() - 1 if cfg.d_reconstruction else None
        if self.recon_at is not None:
            hidden = chans[0]
            self.decode_whole = ReconstructionDecoder(chans[self.recon_at], hidden, cfg.channels, sn)
            self.decode_part = ReconstructionDecoder(chans[self.recon_at - 1], hidden, cfg.channels, sn)

    def forward(self, images: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        return self.head(self.pooled(images), labels)

    def pooled(self, images: torch.Tensor) -> torch.Tensor:
        """(B, features) the head reads: forward() is head(pooled(images), labels)."""
        return self._pool(self.blocks(self.from_image(images)))

    def forward_with_reconstruction(self, images: torch.Tensor, labels: torch.Tensor,
                                    part: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """(logits as forward(), the whole image decoded (B, channels, 16, 16), quadrant `part`
        (0-3, see quadrant()) decoded (B, channels, 16, 16)); compare with reconstruction_targets."""
        if self.recon_at is None:
            raise RuntimeError("this discriminator was built without d_reconstruction")
        h = self.from_image(images)
        for index, block in enumerate(self.blocks, start=1):
            if index == self.recon_at:
                finer = h  # the 16x16 features, one stage before the 8x8 ones
            h = block(h)
            if index == self.recon_at:
                coarse = h
        whole = self.decode_whole(coarse)
        part_decoded = self.decode_part(quadrant(finer, part))
        return self._logits(h, labels), whole, part_decoded

    def _logits(self, h: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
        return self.head(self._pool(h), labels)

    def _pool(self, h: torch.Tensor) -> torch.Tensor:
        if self.epilogue is not None:
            h = self.epilogue(minibatch_std(F.leaky_relu(h, 0.2)))
        return F.leaky_relu(h, 0.2).sum(dim=(2, 3)).float()  # sum pooling over the final 4x4, as in SNGAN/BigGAN
