"""Memorisation check: which generated samples sit closer to a training image than real images do.

A generator trained on a small catalog can learn to copy its photos; a good FID would not show
it. For each sample we find its nearest training images in a feature space and compare the
distance with the real-to-real nearest-neighbour distance: held-out real images to the training
set when a holdout is given, else each training image to its nearest *other* training image
(leave-one-out). The threshold is the `quantile` (default 5 %) of those real-to-real distances,
so a fresh sample from the real distribution is flagged with probability about `quantile`, and
a share far above it means copying. (Closest in spirit to the "data-copying" tests of Meehan et
al. 2020 and the nearest-neighbour sheets of Brock et al. 2019; a low quantile rather than the
median, because the median would flag half of any honest sample.)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from productgan.imaging import check_image_batch, make_grid
from productgan.metrics.neighbours import DEFAULT_BATCH_SIZE, nearest_neighbours

__all__ = ["MemorisationResult", "memorisation", "memorisation_sheet", "nearest_neighbours"]

DEFAULT_QUANTILE = 0.05


@dataclass(frozen=True)
class MemorisationResult:
    """Per-sample nearest training images and the share flagged as too close.

    train_indices (M, k) int64 and train_distances (M, k) float32: each sample's k nearest training
    images, nearest first. flagged (M,) bool: nearest distance <= threshold.
    """

    train_indices: np.ndarray
    train_distances: np.ndarray
    threshold: float
    flagged: np.ndarray
    share: float
    reference: str  # "holdout" or "train leave-one-out": where the real-to-real distances came from
    quantile: float

    @property
    def distances(self) -> np.ndarray:
        """(M,) each sample's distance to its nearest training image."""
        return self.train_distances[:, 0]

    def summary(self) -> dict[str, float | int | str]:
        """The scalar results, JSON-ready (for metrics.jsonl and reports)."""
        return {
            "memorisation_share": self.share,
            "memorisation_threshold": self.threshold,
            "memorisation_quantile": self.quantile,
            "memorisation_reference": self.reference,
            "samples": int(self.flagged.shape[0]),
        }


def memorisation(
    train_features,
    fake_features,
    holdout_features=None,
    quantile: float = DEFAULT_QUANTILE,
    neighbours: int = 3,
    batch_size: int = DEFAULT_BATCH_SIZE,
) -> MemorisationResult:
    """Compare each fake sample's nearest-training distance with real-to-real distances.

    train_features (N, D), fake_features (M, D), holdout_features (H, D) or None; N > neighbours
    when no holdout is given (leave-one-out needs a second training row).
    """
    if not 0.0 < quantile < 1.0:
        raise ValueError(f"quantile must be in (0, 1), got {quantile}")
    train_indices, train_distances = nearest_neighbours(fake_features, train_features, neighbours, batch_size)
    real_distances, reference = _real_to_real_distances(train_features, holdout_features, batch_size)
    threshold = float(np.quantile(real_distances, quantile))
    flagged = train_distances[:, 0] <= threshold  # <=: exact copies still count when train holds duplicates
    return MemorisationResult(
        train_indices, train_distances, threshold, flagged, float(flagged.mean()), reference, quantile
    )


def memorisation_sheet(fake_images, train_images, result: MemorisationResult, n: int = 16) -> np.ndarray:
    """A uint8 grid for a PNG: one row per sample, the sample first, then its nearest training images.

    Shows the n samples closest to the training set (the likeliest copies), closest first.
    fake_images (M, H, W, C) in the order of the features given to `memorisation`; train_images
    (N, H, W, C) likewise.
    """
    fakes, trains = check_image_batch(fake_images, "fake_images"), check_image_batch(train_images, "train_images")
    if fakes.shape[0] != result.flagged.shape[0]:
        raise ValueError(f"{fakes.shape[0]} fake images, but the result covers {result.flagged.shape[0]} samples")
    if fakes.shape[1:] != trains.shape[1:]:
        raise ValueError(f"fake and train images differ in shape: {fakes.shape[1:]} vs {trains.shape[1:]}")
    closest = np.argsort(result.train_distances[:, 0], kind="stable")[:n]
    rows = [np.concatenate([fakes[i : i + 1], trains[result.train_indices[i]]]) for i in closest]
    return make_grid(np.concatenate(rows), ncols=1 + result.train_indices.shape[1])


def _real_to_real_distances(train_features, holdout_features, batch_size: int) -> tuple[np.ndarray, str]:
    if holdout_features is not None:
        _, distances = nearest_neighbours(holdout_features, train_features, 1, batch_size)
        return distances[:, 0], "holdout"
    # each training row's nearest match is itself; the second is its nearest other row
    _, distances = nearest_neighbours(train_features, train_features, 2, batch_size)
    return distances[:, 1], "train leave-one-out"
