"""Input checks shared by the metric functions: one place that turns "features" into a checked matrix.

Metrics accept numpy arrays or torch tensors. A wrong shape or a NaN would otherwise surface as a
silent nonsense score, so every metric passes its inputs through here first.
"""

from __future__ import annotations

import numpy as np
import torch


def feature_matrix(features, name: str = "features", min_rows: int = 1) -> np.ndarray:
    """Return `features` as a finite float64 numpy array (N, D) with N >= min_rows, else ValueError."""
    if isinstance(features, torch.Tensor):
        features = features.detach().cpu().numpy()
    array = np.asarray(features, dtype=np.float64)
    _check_matrix(tuple(array.shape), name, min_rows)
    if not np.isfinite(array).all():
        raise ValueError(f"{name} holds NaN or Inf values")
    return array


def feature_tensor(features, name: str = "features", min_rows: int = 1) -> torch.Tensor:
    """Return `features` as a finite float32 torch tensor (N, D); a tensor keeps its device (GPU stays GPU)."""
    tensor = features.detach() if isinstance(features, torch.Tensor) else torch.from_numpy(np.asarray(features))
    tensor = tensor.to(torch.float32)
    _check_matrix(tuple(tensor.shape), name, min_rows)
    if not torch.isfinite(tensor).all():
        raise ValueError(f"{name} holds NaN or Inf values")
    return tensor


def image_batch(images, name: str = "images", min_images: int = 1) -> np.ndarray:
    """Check a uint8 image batch (N, H, W, C) with C in {1, 3}; return it as a numpy array."""
    if isinstance(images, torch.Tensor):
        images = images.detach().cpu().numpy()
    array = np.asarray(images)
    if array.dtype != np.uint8 or array.ndim != 4 or array.shape[3] not in (1, 3):
        raise ValueError(f"{name}: expected uint8 (N, H, W, C) with C in 1 or 3, got {array.dtype} {array.shape}")
    if array.shape[0] < min_images:
        raise ValueError(f"{name}: needs at least {min_images} images, got {array.shape[0]}")
    return array


def _check_matrix(shape: tuple[int, ...], name: str, min_rows: int) -> None:
    if len(shape) != 2 or shape[1] < 1:
        raise ValueError(f"{name}: expected a 2-D array (N, D), got shape {shape}")
    if shape[0] < min_rows:
        raise ValueError(f"{name}: needs at least {min_rows} rows, got {shape[0]}")
