"""What every feature extractor offers the metrics: features (and class logits where it has a head)
for uint8 images, computed in batches on the extractor's device.

A figure such as FID is only meaningful beside the extractor that produced it: values from
different networks (or different weights of one network) are not comparable. So each extractor
carries a `name` that says exactly which network and weights it is, and metrics record it.
"""

from __future__ import annotations

import contextlib
import contextvars
from abc import ABC, abstractmethod
from collections.abc import Callable

import numpy as np
import torch

from productgan.errors import ProductGANError
from productgan.progress import WorkProgress
from productgan.threads import ThreadTuner

DEFAULT_BATCH_SIZE = 64


class ExtractorMissing(ProductGANError):
    """The weights of a feature extractor are not installed or not where the user said."""


class ExtractorInputError(ProductGANError, ValueError):
    """Images an extractor cannot take: wrong dtype, layout, channel count or resolution."""


def check_images(images: np.ndarray) -> np.ndarray:
    """Validate a uint8 (N, H, W, C) batch with C in (1, 3); returns it contiguous."""
    if not isinstance(images, np.ndarray) or images.dtype != np.uint8 or images.ndim != 4:
        kind = getattr(images, "dtype", type(images).__name__)
        raise ExtractorInputError(f"images must be a uint8 array (N, H, W, C), got {kind} {getattr(images, 'shape', '')}")
    if images.shape[3] not in (1, 3):
        raise ExtractorInputError(f"images must have 1 or 3 channels (NHWC), got shape {images.shape}")
    return np.ascontiguousarray(images)


def precision_context(device: torch.device) -> contextlib.AbstractContextManager:
    """bf16 autocast on CUDA (about twice the throughput; feature statistics move far less than
    the sampling noise of FID), plain fp32 elsewhere: CPU bf16 is slow and gains nothing."""
    if device.type == "cuda":
        return torch.autocast("cuda", dtype=torch.bfloat16)
    return contextlib.nullcontext()


_show_progress: contextvars.ContextVar[bool] = contextvars.ContextVar("feature_progress", default=False)
PROGRESS_MIN_IMAGES = 512  # smaller sets take seconds: no progress lines for them


@contextlib.contextmanager
def feature_progress(enabled: bool = True):
    """Within this block, feature extraction of large sets shows progress (the eval command sets it:
    Inception on a CPU runs at about 5 images/s, so 2000 samples take minutes)."""
    token = _show_progress.set(enabled)
    try:
        yield
    finally:
        _show_progress.reset(token)


def run_batched(compute: Callable[[torch.Tensor], torch.Tensor], images: np.ndarray, batch_size: int,
                device: torch.device, width: int) -> np.ndarray:
    """compute(uint8 NHWC tensor on device) -> (B, width) for each batch; float32 (N, width) numpy.

    Runs under no_grad and the device's precision; only one batch lives on the device at a time.
    """
    if batch_size < 1:
        raise ValueError(f"batch_size must be >= 1, got {batch_size}")
    outputs = []
    large = len(images) >= PROGRESS_MIN_IMAGES
    tuner = ThreadTuner() if large and device.type == "cpu" else None  # a long eval on a busy CPU: as training
    with torch.no_grad(), precision_context(device), \
            WorkProgress("features", len(images), enabled=large and _show_progress.get()) as progress:
        for start in range(0, len(images), batch_size):
            batch = torch.from_numpy(images[start:start + batch_size]).to(device)
            with tuner.step() if tuner is not None else contextlib.nullcontext():
                outputs.append(compute(batch).float().cpu())
            progress.update(start + len(batch), **{"img/s": f"{progress.rate():.1f}"})
    if not outputs:
        return np.zeros((0, width), np.float32)
    return torch.cat(outputs).numpy().astype(np.float32, copy=False)


class FeatureExtractor(ABC):
    """A network that maps uint8 images (N, H, W, C) to float32 features (N, dim).

    name: recorded beside every figure computed from these features (names the weights).
    dim: feature width. device: where the network runs.
    """

    name: str
    dim: int
    device: torch.device

    @abstractmethod
    def features(self, images: np.ndarray, batch_size: int = DEFAULT_BATCH_SIZE) -> np.ndarray:
        """float32 (N, dim) features of uint8 (N, H, W, C) images."""

    def logits(self, images: np.ndarray, batch_size: int = DEFAULT_BATCH_SIZE) -> dict[str, np.ndarray] | None:
        """Class logits per classifier head (head name -> float32 (N, classes)), or None when the
        extractor has no classifier head (then Inception Score / classifier metrics cannot use it)."""
        return None

    def features_and_logits(self, images: np.ndarray, batch_size: int = DEFAULT_BATCH_SIZE
                            ) -> tuple[np.ndarray, dict[str, np.ndarray] | None]:
        """Both at once; extractors whose network yields both in one pass override this to run it once."""
        return self.features(images, batch_size), self.logits(images, batch_size)
