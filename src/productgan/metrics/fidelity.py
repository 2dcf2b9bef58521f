"""How close an image is to a reference: PSNR (plain, capped, over marked pixels, on tensors),
SSIM (on colour or on luma) and the CIEDE2000 colour difference.

Pure functions, one implementation each, shared by the enhancer trainer (held-out PSNR), the edit
measures (inversion quality, identity kept) and the benches (enhancement and recolouring tables).
uint8 images are compared in 0-255 units (PSNR) or on [0, 1] (SSIM, by torchmetrics: Gaussian
11-tap window, sigma 1.5, the standard constants); tensors follow the house range [-1, 1].
"""

from __future__ import annotations

from typing import Sequence

import numpy as np
import torch

from productgan.imaging import rgb_luma, uint8_to_unit_tensor

UINT8_PEAK = 255.0
MIN_MSE = 1e-10  # the floor under a mean squared error: identical images read ~100 dB above peak, not inf


# -------------------------------------------------------------------------------------------- PSNR
def psnr_from_mse(mse: float, peak: float = UINT8_PEAK, cap: float | None = None) -> float:
    """10 log10(peak^2 / mse) in dB; inf for mse 0 unless capped (then at most `cap`)."""
    if mse == 0:
        return float("inf") if cap is None else float(cap)
    value = float(10 * np.log10(peak ** 2 / mse))
    return value if cap is None else min(float(cap), value)


def image_psnr(output: np.ndarray, target: np.ndarray, cap: float | None = None) -> float:
    """PSNR in dB of one uint8 image against another of the same shape (mean over every value).

    cap: the most it reports, so an untouched image (inf) does not swamp a mean over images.
    """
    _same_shape(output, target)
    mse = float(((np.asarray(output, np.float64) - np.asarray(target, np.float64)) ** 2).mean())
    return psnr_from_mse(mse, UINT8_PEAK, cap)


def mean_image_psnr(outputs: Sequence[np.ndarray], targets: Sequence[np.ndarray], cap: float | None = None) -> float:
    """Mean over pairs of image_psnr(output, target, cap)."""
    return float(np.mean([image_psnr(output, target, cap) for output, target in zip(outputs, targets, strict=True)]))


def masked_psnr(outputs: Sequence[np.ndarray], targets: Sequence[np.ndarray], masks: Sequence[np.ndarray]) -> float:
    """PSNR over the marked pixels of all uint8 (H, W, C) images together, masks bool (H, W):
    how well holes and blemishes are repaired. The pooled MSE is floored at MIN_MSE."""
    errors = np.concatenate([(np.asarray(o, np.float64)[m] - t[m]) ** 2
                             for o, t, m in zip(outputs, targets, masks, strict=True)])
    return psnr_from_mse(max(float(errors.mean()), MIN_MSE))


def tensor_psnr(outputs: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """PSNR (N,) in dB per image of float (N, C, H, W) tensors in [-1, 1] (peak-to-peak 2);
    outputs are clamped to the range first, each MSE floored at MIN_MSE."""
    mse = ((outputs.clamp(-1, 1) - targets) ** 2).mean(dim=(1, 2, 3)).clamp_min(MIN_MSE)
    return 10 * torch.log10(4.0 / mse)


# -------------------------------------------------------------------------------------------- SSIM
def ssim(images_a: np.ndarray, images_b: np.ndarray) -> np.ndarray:
    """SSIM (N,) per pair of uint8 (N, H, W, C) or one pair of (H, W, C) images, on [0, 1]; 1 = identical."""
    a, b = _batch_pair(images_a, images_b)
    return _unit_ssim(uint8_to_unit_tensor(a), uint8_to_unit_tensor(b))


def luminance_ssim(images_a: np.ndarray, images_b: np.ndarray) -> np.ndarray:
    """SSIM (N,) per pair of uint8 (N, H, W, C) images on their Rec.601 luma (grey images as they
    are): colour edits change hue, not shape, so this reads what an edit kept."""
    a, b = _batch_pair(images_a, images_b)
    grey = [rgb_luma(x) if x.shape[-1] == 3 else x[..., 0].astype(np.float32) for x in (a, b)]
    return _unit_ssim(*(torch.from_numpy(g / np.float32(UINT8_PEAK))[:, None] for g in grey))


def _unit_ssim(a: torch.Tensor, b: torch.Tensor) -> np.ndarray:
    from torchmetrics.functional.image import structural_similarity_index_measure

    return structural_similarity_index_measure(a, b, data_range=1.0, reduction="none").numpy().astype(np.float64)


# --------------------------------------------------------------------------------------- CIEDE2000
def ciede2000(lab_a: np.ndarray, lab_b: np.ndarray) -> np.ndarray:
    """CIEDE2000 colour difference (Sharma, Wu and Dalal 2005) between CIELAB colours (..., 3);
    about 1 is a just-noticeable difference."""
    from skimage.color import deltaE_ciede2000

    return deltaE_ciede2000(np.asarray(lab_a, np.float64), np.asarray(lab_b, np.float64))


def rgb_delta_e(rgb_a: np.ndarray | Sequence[float], rgb_b: np.ndarray | Sequence[float]) -> float:
    """CIEDE2000 between two sRGB colours given in 0-255 units (floats allowed: a region's mean)."""
    from skimage.color import rgb2lab

    lab = [rgb2lab(np.asarray(rgb, np.float64).reshape(1, 1, 3) / UINT8_PEAK) for rgb in (rgb_a, rgb_b)]
    return float(ciede2000(*lab).squeeze())


def mean_color_delta_e(image: np.ndarray, region: np.ndarray, rgb: Sequence[int]) -> float:
    """CIEDE2000 from the mean colour of `region` (bool (H, W)) of uint8 (H, W, 3) `image` to `rgb`."""
    return rgb_delta_e(image[region].mean(axis=0), rgb)


# ------------------------------------------------------------------------------------------ checks
def _batch_pair(images_a: np.ndarray, images_b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Both as (N, H, W, C) batches (one (H, W, C) image becomes a batch of one), of one shape."""
    a, b = (np.asarray(images) for images in (images_a, images_b))
    a, b = (x[None] if x.ndim == 3 else x for x in (a, b))
    _same_shape(a, b)
    return a, b


def _same_shape(a: np.ndarray, b: np.ndarray) -> None:
    if np.shape(a) != np.shape(b):
        raise ValueError(f"images differ in shape: {np.shape(a)} vs {np.shape(b)}")
