"""Fréchet distance between Gaussians fitted to two feature sets: FID when the features are Inception's.

Heusel et al. 2017, "GANs Trained by a Two Time-Scale Update Rule Converge to a Local Nash
Equilibrium": d^2 = ||mu1 - mu2||^2 + tr(S1 + S2 - 2 (S1 S2)^(1/2)). The statistics match
pytorch-fid and StyleGAN2-ADA (mean and the unbiased covariance, N - 1 denominator).

The matrix square root is not computed at all: only its trace is needed, and
tr((S1 S2)^(1/2)) = sum sqrt(eig(sqrt(S1) S2 sqrt(S1))), where both factors are symmetric, so two
symmetric eigendecompositions (numpy.linalg.eigh) give it without scipy and without the complex
round-off that scipy.linalg.sqrtm produces on near-singular covariances. Tiny negative
eigenvalues from round-off are clipped to zero.
"""

from __future__ import annotations

import numpy as np

from productgan.metrics.arrays import feature_matrix


def feature_statistics(features) -> tuple[np.ndarray, np.ndarray]:
    """Mean (D,) and unbiased covariance (D, D), float64, of features (N, D) with N >= 2."""
    matrix = feature_matrix(features, min_rows=2)
    return matrix.mean(axis=0), np.cov(matrix, rowvar=False).reshape(matrix.shape[1], matrix.shape[1])


def frechet_distance(mu1, sigma1, mu2, sigma2) -> float:
    """Squared Fréchet distance between N(mu1, sigma1) and N(mu2, sigma2); >= 0, symmetric."""
    mu1, mu2 = np.asarray(mu1, np.float64), np.asarray(mu2, np.float64)
    sigma1, sigma2 = np.asarray(sigma1, np.float64), np.asarray(sigma2, np.float64)
    dim = mu1.shape[0]
    if mu1.shape != (dim,) or mu2.shape != (dim,) or sigma1.shape != (dim, dim) or sigma2.shape != (dim, dim):
        raise ValueError(f"shapes differ: mu {mu1.shape}, {mu2.shape}; sigma {sigma1.shape}, {sigma2.shape}")
    mean_term = float(np.sum((mu1 - mu2) ** 2))
    cross_term = trace_sqrt_product(sigma1, sigma2)
    distance = mean_term + float(np.trace(sigma1) + np.trace(sigma2)) - 2.0 * cross_term
    return max(distance, 0.0)  # round-off can leave -1e-12 for identical sets


def trace_sqrt_product(sigma1: np.ndarray, sigma2: np.ndarray) -> float:
    """tr((sigma1 sigma2)^(1/2)) for symmetric positive semi-definite matrices."""
    sqrt_sigma1 = _symmetric_sqrt(sigma1)
    middle = sqrt_sigma1 @ sigma2 @ sqrt_sigma1
    eigenvalues = np.linalg.eigvalsh((middle + middle.T) / 2.0)  # symmetrise away round-off
    return float(np.sqrt(np.clip(eigenvalues, 0.0, None)).sum())


def fid(features_a, features_b) -> float:
    """FID between two feature sets (N, D) and (M, D); pass Inception pool features for the usual FID."""
    return frechet_distance(*feature_statistics(features_a), *feature_statistics(features_b))


def _symmetric_sqrt(matrix: np.ndarray) -> np.ndarray:
    eigenvalues, eigenvectors = np.linalg.eigh((matrix + matrix.T) / 2.0)
    return (eigenvectors * np.sqrt(np.clip(eigenvalues, 0.0, None))) @ eigenvectors.T
