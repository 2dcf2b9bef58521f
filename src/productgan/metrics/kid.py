"""Kernel Inception Distance: an unbiased MMD^2 estimate, usable on small sample sets where FID is biased.

Binkowski et al. 2018, "Demystifying MMD GANs": MMD^2 with the cubic polynomial kernel
k(x, y) = (x.y / d + 1)^3, averaged over random subsets; the estimator and its defaults follow
StyleGAN2-ADA's metrics/kernel_inception_distance.py (100 subsets of 1000, the subset size clipped
to the smaller set). Being unbiased, the estimate centres on 0 for two samples of one
distribution and can be slightly negative.
"""

from __future__ import annotations

import numpy as np

from productgan.metrics.arrays import feature_matrix


def kernel_inception_distance(
    features_a, features_b, subsets: int = 100, subset_size: int = 1000, seed: int = 0
) -> tuple[float, float]:
    """Mean and standard deviation over `subsets` random subsets of the unbiased MMD^2 estimate.

    features_a (N, D), features_b (M, D); each subset draws min(subset_size, N, M) rows of each set
    without replacement. The std (ddof=1, 0 for one subset) measures subset-to-subset spread.
    """
    a = feature_matrix(features_a, "features_a", min_rows=2)
    b = feature_matrix(features_b, "features_b", min_rows=2)
    if a.shape[1] != b.shape[1]:
        raise ValueError(f"feature sizes differ: {a.shape[1]} vs {b.shape[1]}")
    if subsets < 1 or subset_size < 2:
        raise ValueError(f"need subsets >= 1 and subset_size >= 2, got {subsets} and {subset_size}")
    size = min(subset_size, a.shape[0], b.shape[0])
    rng = np.random.default_rng(seed)
    estimates = [
        unbiased_mmd2(a[rng.choice(a.shape[0], size, replace=False)], b[rng.choice(b.shape[0], size, replace=False)])
        for _ in range(subsets)
    ]
    return float(np.mean(estimates)), float(np.std(estimates, ddof=1)) if subsets > 1 else 0.0


def unbiased_mmd2(x: np.ndarray, y: np.ndarray) -> float:
    """Unbiased MMD^2 between equal-sized samples x, y (m, D) under the cubic polynomial kernel.

    Within-set kernel sums leave out the diagonal (k(x, x) would bias the estimate upward);
    the cross term averages all m^2 pairs, as x and y are independent.
    """
    m, dim = x.shape
    within = polynomial_kernel(x, x, dim) + polynomial_kernel(y, y, dim)
    cross = polynomial_kernel(x, y, dim)
    return float((within.sum() - np.trace(within)) / (m * (m - 1)) - 2.0 * cross.sum() / (m * m))


def polynomial_kernel(x: np.ndarray, y: np.ndarray, dim: int) -> np.ndarray:
    """k(x, y) = (x.y / dim + 1)^3 for every pair of rows."""
    return (x @ y.T / dim + 1.0) ** 3
