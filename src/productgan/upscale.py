"""Generated products at product-page size: the GAN's 64/128 px samples upscaled by a learned
super-resolution enhancer (`productgan enhance train --task sr4`), written beside the originals.

Why beside and not instead: the generator's own pixels are the honest output (what FID measured,
what the server returns); the upscaled file is what a product page shows. Both are kept so the
page can link the big one and anyone can compare. Caveat: the enhancers are trained on degraded
real catalog photos, not on GAN samples, so on generated products they sharpen what is there and
cannot fix what the generator got wrong.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import torch

from productgan.errors import ProductGANError
from productgan.imaging import write_png
from productgan.progress import WorkProgress

if TYPE_CHECKING:
    from productgan.enhance.learned import LearnedEnhancer

SR_TASKS = ("sr2", "sr4")
SHIPPED_NAMES = {f"shipped-{task}": task for task in SR_TASKS} | {"shipped": "sr4"}  # --upscale shipped = shipped-sr4


class UpscaleError(ProductGANError):
    """A checkpoint that is not a super-resolution enhancer, or samples it cannot take."""


def load_upscaler(checkpoint: str | Path, device: str | torch.device = "cpu") -> LearnedEnhancer:
    """The learned super-resolution enhancer in `checkpoint` (a file or a run folder), or the package's
    shipped one for "shipped" (sr4), "shipped-sr4" or "shipped-sr2" when no such file exists.

    Refuses, naming the file: a missing file, a checkpoint that is not an enhancer (a GAN, a
    classifier) and an enhancer that is not super-resolution (restore keeps the size).
    """
    from productgan.enhance.learned import load_enhancer
    from productgan.enhance.shipped import require_shipped

    if str(checkpoint) in SHIPPED_NAMES and not Path(checkpoint).exists():
        checkpoint = require_shipped(SHIPPED_NAMES[str(checkpoint)])
    enhancer = load_enhancer(checkpoint, device=device)
    if enhancer.task not in SR_TASKS:
        raise UpscaleError(f"{enhancer.path} is a {enhancer.task!r} enhancer, not super-resolution; --upscale needs "
                           f"a checkpoint from `productgan enhance train --task sr4` (or sr2)")
    return enhancer


def check_upscalable(images: np.ndarray, upscaler: LearnedEnhancer) -> None:
    """uint8 (N, H, W, 3) samples, as the RGB enhancer takes them; grey ones are refused rather than
    converted, because an RGB model has never seen grey input and its colours would be a guess."""
    if images.ndim != 4 or images.shape[-1] != 3:
        channels = images.shape[-1] if images.ndim == 4 else "?"
        raise UpscaleError(f"the generator makes {channels}-channel images and {upscaler.path} is an RGB "
                           f"super-resolution model; --upscale needs a 3-channel (RGB) generator")


@dataclass
class WrittenSamples:
    """The files `write_samples` wrote: one per sample at the generator's size, and its upscaled twin."""

    native: list[Path] = field(default_factory=list)
    upscaled: list[Path] = field(default_factory=list)


def write_samples(images: np.ndarray, out: str | Path, upscaler: LearnedEnhancer | None = None,
                  progress: bool = True) -> WrittenSamples:
    """Write sample i as out/NNNN.png and, with an upscaler, out/NNNN-TASK.png (e.g. 0000-sr4.png).

    Everything is checked before the first file is written; upscaled images are made one at a time,
    so memory does not grow with the number of samples.
    """
    out = Path(out)
    if upscaler is not None:
        check_upscalable(images, upscaler)
    written = WrittenSamples()
    label = f"upscaling x{upscaler.scale} ({upscaler.task})" if upscaler is not None else "writing"
    with WorkProgress(label, len(images), enabled=progress, describe=lambda d, t: f"{d:.0f}/{t:.0f} images") as bar:
        for index, image in enumerate(images):
            written.native.append(write_png(image, out / f"{index:04d}.png"))
            if upscaler is not None:
                written.upscaled.append(write_png(upscaler(image), out / f"{index:04d}-{upscaler.task}.png"))
            bar.update(index + 1)
    return written
