"""Input checks shared by the metric functions: one place that turns "features" into a checked matrix
(image batches are checked by productgan.imaging.check_image_batch).

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


def _check_matrix(shape: tuple[int, ...], name: str, min_rows: int) -> None:
    if len(shape) != 2 or shape[1] < 1:
        raise ValueError(f"{name}: expected a 2-D array (N, D), got shape {shape}")
    if shape[0] < min_rows:
        raise ValueError(f"{name}: needs at least {min_rows} rows, got {shape[0]}")
