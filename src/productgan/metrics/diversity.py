"""Sample diversity as the mean MS-SSIM between random pairs of distinct generated images.

Odena et al. 2017, "Conditional Image Synthesis with Auxiliary Classifier GANs" (AC-GAN), use
the mean pairwise MS-SSIM within a class: near 1 when the generator repeats one image (mode
collapse), lower when samples differ; compare it with the same figure on real images of the class.
MS-SSIM itself is Wang, Simoncelli and Bovik 2003, computed here by torchmetrics.

Why the scales change with size: standard MS-SSIM uses 5 scales (4 halvings) and an 11-tap
Gaussian window (sigma 1.5), so its coarsest scale is 1/16 of the image and the image must be
about 176 px for the window to fit there. For smaller images we keep the window (so every
per-scale SSIM is the standard one) and drop the coarsest scales: the number of scales is the
largest of 5, 4, ... for which the coarsest scale is still >= 11 px (and torchmetrics' own size
check passes). The weights (betas) are the first that many of Wang et al.'s five, rescaled to
sum to 1, so an identical pair still scores exactly 1. That gives 5 scales at 256 px, 4 at 128,
3 at 64, 2 at 28 and 32, and plain SSIM (1 scale) from 11 to 21 px. Negative per-scale terms are
clipped to 0 (torchmetrics' normalize="relu"), so unrelated noise images score about 0.
"""

from __future__ import annotations

import numpy as np
import torch
from torchmetrics.functional.image import multiscale_structural_similarity_index_measure

from productgan.imaging import check_image_batch, uint8_to_unit_tensor

WINDOW_SIZE = 11
WINDOW_SIGMA = 1.5
STANDARD_BETAS = (0.0448, 0.2856, 0.3001, 0.2363, 0.1333)


def ms_ssim_betas(size: int) -> tuple[float, ...]:
    """The scale weights used for images whose shorter side is `size` px (see the module docstring)."""
    for scales in range(len(STANDARD_BETAS), 0, -1):
        if _scales_fit(size, scales):
            kept = STANDARD_BETAS[:scales]
            return tuple(beta / sum(kept) for beta in kept)
    raise ValueError(f"images of {size} px are too small for MS-SSIM; need at least {WINDOW_SIZE} px")


def pairwise_ms_ssim(images_a, images_b, batch_size: int = 64) -> np.ndarray:
    """MS-SSIM (P,) in [0, 1] between images_a[i] and images_b[i]; uint8 (P, H, W, C), C in {1, 3}."""
    a, b = check_image_batch(images_a, "images_a"), check_image_batch(images_b, "images_b")
    if a.shape != b.shape:
        raise ValueError(f"image batches differ in shape: {a.shape} vs {b.shape}")
    betas = ms_ssim_betas(min(a.shape[1], a.shape[2]))
    scores = [
        multiscale_structural_similarity_index_measure(
            uint8_to_unit_tensor(a[start : start + batch_size]),
            uint8_to_unit_tensor(b[start : start + batch_size]),
            gaussian_kernel=True,
            sigma=WINDOW_SIGMA,
            kernel_size=WINDOW_SIZE,
            data_range=1.0,
            betas=betas,
            normalize="relu",
            reduction="none",
        )
        for start in range(0, a.shape[0], batch_size)
    ]
    return torch.cat(scores).numpy().astype(np.float64)


def mean_pairwise_ms_ssim(images, pairs: int = 1000, seed: int = 0, batch_size: int = 64) -> float:
    """Mean MS-SSIM over `pairs` random pairs of distinct images (drawn with replacement across pairs).

    images: uint8 (N, H, W, C), N >= 2, C in {1, 3}. Lower means more diverse; pass one class's
    images for AC-GAN's per-class figure.
    """
    batch = check_image_batch(images, min_images=2)
    rng = np.random.default_rng(seed)
    first = rng.integers(0, batch.shape[0], size=pairs)
    second = (first + rng.integers(1, batch.shape[0], size=pairs)) % batch.shape[0]  # never equal to first
    return float(pairwise_ms_ssim(batch[first], batch[second], batch_size).mean())


def _scales_fit(size: int, scales: int) -> bool:
    coarsest = size // 2 ** (scales - 1)
    # torchmetrics refuses sizes where size // (scales - 1)^2 <= window - 1; respect it rather than patch it
    return coarsest >= WINDOW_SIZE and size // max(1, scales - 1) ** 2 > WINDOW_SIZE - 1

