"""How noisy and how JPEG-blocky a whole photo is: measures a blind restorer is told, as FFDNet is
told its noise level (Zhang et al. 2018), instead of guessing it from a 64 px view.

Why: trained blind, the restoring U-Net had to tell sensor noise from fabric texture and 8x8 blocks
from stripes inside its receptive field. A net that guesses wrong either smooths clean photos
(39-41 dB on clean held-out luma photos after 400 steps) or leaves damage alone. A whole-photo measure settles
the question once per photo, and a clean photo's near-zero measures let the net learn the identity.

Every measure is computed the same way on a training photo and on the photo a user hands in (the
training pipeline degrades whole photos, then crops), so the net sees the values it was taught.
"""

from __future__ import annotations

import numpy as np

from productgan.enhance.assess import color_noise_at, flat_pixels, noise_sigma
from productgan.imaging import rgb_luma

DAMAGE_MEASURES = 3  # luma noise, colour noise, blockiness
NOISE_UNIT = 10.0  # grey levels that read 1.0: the trained noise (sigma 3-20) reads 0.3-2
BLOCK = 8  # JPEG's DCT block side


def damage_measures(image: np.ndarray) -> np.ndarray:
    """uint8 (H, W, 3) RGB -> float32 (3,): luma noise and colour noise (in NOISE_UNIT grey levels,
    assess's estimators on the flattest third of unclipped pixels; 0 when too few are unclipped)
    and JPEG blockiness (log ratio of the steps across 8-px block edges to the steps elsewhere).

    Luma noise also reads texture (assess.color_noise says why colour noise is the cleaner measure),
    but luminance-only noise shows in luma alone: the net gets both and learns how far to trust each.
    """
    luma = rgb_luma(image)
    flat = flat_pixels(image, luma)
    luma_noise = noise_sigma(luma, flat) if flat is not None else 0.0
    return np.array([luma_noise / NOISE_UNIT, color_noise_at(image, flat) / NOISE_UNIT, blockiness(luma)], np.float32)


def blockiness(luma: np.ndarray) -> float:
    """log((1 + mean step across block edges) / (1 + mean step inside blocks)), both directions.

    JPEG quantises each 8x8 block on its own, so at low quality the luma steps between column 7
    and 8 (mod 8) of a block row are larger than the steps inside a block; a clean photo reads ~0.
    The grid is the photo's own (origin at the top-left pixel), as an encoder lays it.
    """
    ratios = []
    for steps in (np.abs(np.diff(luma, axis=1)), np.abs(np.diff(luma, axis=0)).T):
        if steps.shape[1] < 2 * BLOCK:
            return 0.0
        edge = (np.arange(steps.shape[1]) % BLOCK) == BLOCK - 1
        ratios.append(np.log((1.0 + steps[:, edge].mean()) / (1.0 + steps[:, ~edge].mean())))
    return float(np.mean(ratios))
