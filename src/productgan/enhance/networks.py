"""The networks of learned enhancement: ESRGAN-style super-resolution and pix2pix-style restoration.

- `RRDBNet`: ESRGAN's generator (Wang et al. 2018) made small: residual-in-residual dense blocks at
  LR resolution, then x2 stages of nearest upsampling + conv (no checkerboard, unlike transposed
  convs), narrower at each stage. It predicts a residual over the bicubic upsample, and its last conv starts at zero, so
  an untrained net *is* bicubic and training only has to learn what bicubic misses.
- `UNetDiscriminator`: Real-ESRGAN's U-Net discriminator with spectral norm: a real/fake logit per
  pixel, which judges local texture and global structure at once.
- `UNetGenerator`: pix2pix's U-Net (Isola et al. 2017) for same-size restoration, also residual
  over its input and zero-initialised at the output, so it starts as the identity. It also sees
  the whole photo's exposure (`image_statistics`) as two constant planes: without them a crop or
  tile of a dark product looks like an under-exposed one, and the net learned to brighten every
  photo (held-out luma crops: +7 dB on low-light ones, -4 to -7 dB on all other damage). A third
  plane marks the pixels to repair (missing patches, blemishes) when the user knows them; those
  pixels arrive prefilled by OpenCV's inpainting, which the net refines (given the raw damage and
  the mask, the net filled 13-38 px holes worse than Telea: 9.1 vs 16.0 dB on the marked pixels
  of held-out luma photos). All zeros means "find the damage yourself". With `prior` set, it also
  sees the input through OpenCV's non-local-means denoiser (`denoised_prior`), as holes arrive
  prefilled: the idea was that choosing per pixel how much of a classical denoise to take is easier
  to learn than denoising. Measured on luma it was not, within 1000 steps: the net learned to ignore
  the prior (docs/ENHANCERS.md), so it is off by default and the shipped restorer does not use it.
  With `damage_planes` (the restore default since 6 December 2026) it also sees the whole photo's
  measured noise and JPEG blockiness (enhance/damage.py) as constant planes, and a per-photo gate
  read from those statistics scales its residual, so a clean photo can be left alone (to the grey level).
- `PatchDiscriminator`: pix2pix's PatchGAN, conditioned on the degraded input, with spectral norm.

No batch norm in the generators: an image's output must not depend on its batch, nor a tile's
on its neighbours', or tiled inference would differ from whole-image inference.
Images are float NCHW in [-1, 1]. Discriminators return (logits, intermediate features); the
features serve the feature-matching loss.
"""

from __future__ import annotations

import math

import cv2
import numpy as np
import torch
import torch.nn.functional as F
from torch import nn
from torch.nn.utils import spectral_norm

from productgan.checkpoint.kinds import enhancer_family
from productgan.enhance.config import EnhanceModelConfig
from productgan.enhance.damage import DAMAGE_MEASURES, damage_measures
from productgan.imaging import REC601_LUMA, tensor_to_uint8, uint8_to_tensor

# A change that makes a generator family's old weights compute something else bumps its architecture
# version in the checkpoint registry (checkpoint/kinds.py, ENHANCER): loading checks it.
STATISTICS = 2  # mean and 95th-percentile luma of the whole photo
REPAIR_PLANES = 1
PRIOR_STRENGTH = 12  # h of OpenCV's non-local means (0-255 units), inside the noise sigmas trained on (3-20)
SLOPE = 0.2
MIN_HR_WIDTH = 16
GATE_WIDTH = 16


def _act(tensor: torch.Tensor) -> torch.Tensor:
    return F.leaky_relu(tensor, SLOPE)


def _zero(conv: nn.Module) -> nn.Module:
    nn.init.zeros_(conv.weight)
    nn.init.zeros_(conv.bias)
    return conv


# ---------------------------------------------------------------------------------- super-resolution
class DenseBlock(nn.Module):
    """ESRGAN's residual dense block: each conv sees all earlier features; output scaled by 0.2."""

    def __init__(self, width: int, growth: int, layers: int):
        super().__init__()
        self.convs = nn.ModuleList(
            nn.Conv2d(width + i * growth, width if i == layers - 1 else growth, 3, padding=1) for i in range(layers)
        )

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        seen = [features]
        for conv in self.convs[:-1]:
            seen.append(_act(conv(torch.cat(seen, 1))))
        return features + 0.2 * self.convs[-1](torch.cat(seen, 1))


class RRDB(nn.Module):
    """Three dense blocks inside one more residual (the 'residual in residual')."""

    def __init__(self, width: int, growth: int, layers: int):
        super().__init__()
        self.body = nn.Sequential(*(DenseBlock(width, growth, layers) for _ in range(3)))

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        return features + 0.2 * self.body(features)


class RRDBNet(nn.Module):
    """LR (B, C, h, w) -> SR (B, C, h*scale, w*scale); scale a power of two."""

    def __init__(self, config: EnhanceModelConfig):
        super().__init__()
        if config.scale < 2 or config.scale & (config.scale - 1):
            raise ValueError(f"RRDBNet upsamples by a power of two >= 2, not {config.scale}")
        width, self.scale = config.width, config.scale
        self.head = nn.Conv2d(config.channels, width, 3, padding=1)
        self.trunk = nn.Sequential(*(RRDB(width, config.growth, config.dense_layers) for _ in range(config.blocks)))
        self.trunk_out = nn.Conv2d(width, width, 3, padding=1)
        # Channels halve at each x2 stage (down to MIN_HR_WIDTH): full-width convs at HR size cost
        # 4x and 16x the LR trunk's per-layer work, and on a CPU they dominated the step time.
        widths = [width] + [max(width // 2 ** (i + 1), MIN_HR_WIDTH) for i in range(int(math.log2(self.scale)))]
        self.upsample = nn.ModuleList(nn.Conv2d(widths[i], widths[i + 1], 3, padding=1) for i in range(len(widths) - 1))
        self.hr_conv = nn.Conv2d(widths[-1], widths[-1], 3, padding=1)
        self.last = _zero(nn.Conv2d(widths[-1], config.channels, 3, padding=1))

    def forward(self, low_res: torch.Tensor, statistics: torch.Tensor | None = None,
                repair: torch.Tensor | None = None) -> torch.Tensor:
        """statistics, repair: unused; accepted so every generator is called alike (SR keeps the exposure it gets)."""
        features = self.head(low_res)
        features = features + self.trunk_out(self.trunk(features))
        for conv in self.upsample:
            features = _act(conv(F.interpolate(features, scale_factor=2, mode="nearest")))
        residual = self.last(_act(self.hr_conv(features)))
        return residual + F.interpolate(low_res, scale_factor=self.scale, mode="bicubic", align_corners=False)


class UNetDiscriminator(nn.Module):
    """Real-ESRGAN's U-Net discriminator with spectral norm: (B, C, H, W) -> per-pixel logits (B, 1, H, W).

    H and W must be multiples of 8 (three stride-2 levels).
    """

    def __init__(self, channels: int, width: int):
        super().__init__()
        norm = spectral_norm
        self.conv0 = nn.Conv2d(channels, width, 3, padding=1)
        self.down = nn.ModuleList([norm(nn.Conv2d(width, width * 2, 4, 2, 1, bias=False)),
                                   norm(nn.Conv2d(width * 2, width * 4, 4, 2, 1, bias=False)),
                                   norm(nn.Conv2d(width * 4, width * 8, 4, 2, 1, bias=False))])
        self.up = nn.ModuleList([norm(nn.Conv2d(width * 8, width * 4, 3, padding=1, bias=False)),
                                 norm(nn.Conv2d(width * 4, width * 2, 3, padding=1, bias=False)),
                                 norm(nn.Conv2d(width * 2, width, 3, padding=1, bias=False))])
        self.refine = nn.Sequential(norm(nn.Conv2d(width, width, 3, padding=1, bias=False)), nn.LeakyReLU(SLOPE),
                                    norm(nn.Conv2d(width, width, 3, padding=1, bias=False)), nn.LeakyReLU(SLOPE))
        self.out = nn.Conv2d(width, 1, 3, padding=1)

    def forward(self, images: torch.Tensor) -> tuple[torch.Tensor, list[torch.Tensor]]:
        skips = [_act(self.conv0(images))]
        for conv in self.down:
            skips.append(_act(conv(skips[-1])))
        features, seen = skips.pop(), []
        for conv in self.up:
            features = F.interpolate(features, scale_factor=2, mode="bilinear", align_corners=False)
            features = _act(conv(features)) + skips.pop()
            seen.append(features)
        return self.out(self.refine(features)), seen


# --------------------------------------------------------------------------------------- restoration
class UNetGenerator(nn.Module):
    """pix2pix-style U-Net, (B, C, H, W) -> (B, C, H, W), any H and W (padded to a multiple of 2**depth)."""

    def __init__(self, config: EnhanceModelConfig):
        super().__init__()
        widths = [config.width * 2 ** min(level, 3) for level in range(config.depth + 1)]
        self.multiple = 2 ** config.depth
        self.prior = bool(config.prior)
        self.statistics = statistics_count(config)
        planes = config.channels * (2 if self.prior else 1) + self.statistics + REPAIR_PLANES
        self.head = nn.Sequential(nn.Conv2d(planes, widths[0], 3, padding=1),
                                  nn.LeakyReLU(SLOPE),
                                  nn.Conv2d(widths[0], widths[0], 3, padding=1), nn.LeakyReLU(SLOPE))
        self.down = nn.ModuleList(
            nn.Sequential(nn.Conv2d(widths[i], widths[i + 1], 4, 2, 1), nn.LeakyReLU(SLOPE),
                          nn.Conv2d(widths[i + 1], widths[i + 1], 3, padding=1), nn.LeakyReLU(SLOPE))
            for i in range(config.depth)
        )
        self.up = nn.ModuleList(nn.Conv2d(widths[i + 1], widths[i], 3, padding=1) for i in range(config.depth))
        self.merge = nn.ModuleList(nn.Conv2d(2 * widths[i], widths[i], 3, padding=1) for i in range(config.depth))
        self.last = _zero(nn.Conv2d(widths[0], config.channels, 3, padding=1))
        # With damage planes, a per-photo gate on the residual read from the whole-photo statistics
        # alone: a clean photo's measures can shut the residual off (the identity, to the grey level)
        # long before the convolutions learn to tell a clean crop from a noisy one. 2 * sigmoid: it
        # starts at exactly 1 and has a gradient everywhere (a clamp to [0, 1] stuck open at step 1).
        self.gate = (nn.Sequential(nn.Linear(self.statistics, GATE_WIDTH), nn.LeakyReLU(SLOPE),
                                   _zero(nn.Linear(GATE_WIDTH, 1))) if config.damage_planes else None)

    def forward(self, damaged: torch.Tensor, statistics: torch.Tensor | None = None,
                repair: torch.Tensor | None = None) -> torch.Tensor:
        """statistics: (B, statistics_count) of the whole photos the inputs were cut from (exposure,
        then damage measures when the model has damage planes); None: of the inputs themselves.
        repair: (B, 1, H, W), 1 where the damage is known; None: unknown everywhere (blind restoration)."""
        height, width = damaged.shape[-2:]
        if statistics is None:
            statistics = image_statistics(damaged)
            if self.statistics > STATISTICS:
                measures = np.stack([damage_measures(picture) for picture in tensor_to_uint8(damaged)])
                statistics = torch.cat([statistics, torch.from_numpy(measures).to(statistics)], 1)
        if statistics.shape[1] != self.statistics:
            raise ValueError(f"this restorer reads {self.statistics} whole-photo statistics, got {statistics.shape[1]}")
        if repair is None:
            repair = damaged.new_zeros(damaged.shape[0], REPAIR_PLANES, height, width)
        pad_h, pad_w = -height % self.multiple, -width % self.multiple
        stacked = torch.cat([damaged, repair.to(damaged.dtype)] + ([denoised_prior(damaged)] if self.prior else []), 1)
        stacked = F.pad(stacked, [0, pad_w, 0, pad_h], mode="replicate") if pad_h or pad_w else stacked
        padded = stacked[:, :damaged.shape[1]]
        planes = statistics[:, :, None, None].expand(-1, -1, padded.shape[2], padded.shape[3])
        skips = [self.head(torch.cat([stacked, planes.to(padded.dtype)], 1))]
        for block in self.down:
            skips.append(block(skips[-1]))
        features = skips.pop()
        for level in reversed(range(len(self.up))):
            features = _act(self.up[level](F.interpolate(features, scale_factor=2, mode="nearest")))
            features = _act(self.merge[level](torch.cat([features, skips.pop()], 1)))
        residual = self.last(features)
        if self.gate is not None:
            residual = residual * 2.0 * torch.sigmoid(self.gate(statistics.to(residual.dtype)))[:, :, None, None]
        return (padded + residual)[..., :height, :width]


class PatchDiscriminator(nn.Module):
    """pix2pix's 70x70 PatchGAN with spectral norm: (B, in_channels, H, W) -> logits (B, 1, H/8-2, W/8-2)."""

    def __init__(self, in_channels: int, width: int):
        super().__init__()
        widths = [in_channels, width, width * 2, width * 4, width * 8]
        strides = [2, 2, 2, 1]
        self.blocks = nn.ModuleList(
            spectral_norm(nn.Conv2d(widths[i], widths[i + 1], 4, strides[i], 1)) for i in range(4)
        )
        self.out = nn.Conv2d(widths[-1], 1, 4, 1, 1)

    def forward(self, images: torch.Tensor) -> tuple[torch.Tensor, list[torch.Tensor]]:
        features, seen = images, []
        for block in self.blocks:
            features = _act(block(features))
            seen.append(features)
        return self.out(features), seen


@torch.no_grad()
def denoised_prior(images: torch.Tensor) -> torch.Tensor:
    """(B, 3, H, W) in [-1, 1] -> the same images through OpenCV's non-local-means colour denoiser.

    A classical estimate the U-Net blends with its input per pixel (none on a clean photo, most of it
    on a noisy or blocky one); computed on 8-bit pixels, so it carries no gradient.
    """
    pictures = tensor_to_uint8(images)
    cleaned = [cv2.fastNlMeansDenoisingColored(np.ascontiguousarray(picture), None, PRIOR_STRENGTH, PRIOR_STRENGTH, 5, 11)
               for picture in pictures]
    return uint8_to_tensor(np.stack(cleaned), images.device).to(images.dtype)


def statistics_count(config: EnhanceModelConfig) -> int:
    """How many whole-photo statistics a restorer reads: exposure, plus the damage measures when it has damage planes."""
    return STATISTICS + (DAMAGE_MEASURES if config.damage_planes else 0)


def image_statistics(images: torch.Tensor) -> torch.Tensor:
    """(B, 3, H, W) in [-1, 1] -> (B, 2): mean and 95th-percentile luma, in [-1, 1].

    On a product shot the 95th percentile is the studio background, so it reads the exposure
    directly; callers pass a thumbnail of the whole photo (enhance.photos.context_thumbnail).
    """
    weights = torch.tensor(REC601_LUMA, dtype=images.dtype, device=images.device)[None, :, None, None]
    luma = (images * weights).sum(1).flatten(1)
    return torch.stack([luma.mean(1), torch.quantile(luma, 0.95, dim=1)], 1)


# ------------------------------------------------------------------------------------------- factory
def build_generator(config: EnhanceModelConfig) -> nn.Module:
    """Called as generator(images, statistics, repair) -> enhanced images (statistics and repair may be None)."""
    return UNetGenerator(config) if enhancer_family(config.task) == "unet" else RRDBNet(config)


def build_discriminator(config: EnhanceModelConfig) -> nn.Module:
    """sr: unconditional U-Net D on the HR image; restore: PatchGAN on (damaged input, image) pairs."""
    if config.task == "restore":
        return PatchDiscriminator(2 * config.channels, config.disc_width)
    return UNetDiscriminator(config.channels, config.disc_width)


def discriminator_input(task: str, images: torch.Tensor, inputs: torch.Tensor) -> torch.Tensor:
    """What the task's discriminator judges: the image alone (sr) or the pair it was made from (restore)."""
    return torch.cat([inputs, images], 1) if task == "restore" else images
