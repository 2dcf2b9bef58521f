"""FID: known closed forms, symmetry, and robustness on singular covariances."""

import numpy as np
import pytest

from productgan.metrics.frechet import feature_statistics, fid, frechet_distance, trace_sqrt_product


def diagonal_closed_form(mu1, var1, mu2, var2):
    """||mu1 - mu2||^2 + sum(var1 + var2 - 2 sqrt(var1 var2)) for diagonal covariances, by hand."""
    return float(np.sum((mu1 - mu2) ** 2) + np.sum(var1 + var2 - 2 * np.sqrt(var1 * var2)))


def test_statistics_are_mean_and_unbiased_covariance():
    features = np.array([[0.0, 0.0], [2.0, 0.0], [0.0, 4.0], [2.0, 4.0]])
    mu, sigma = feature_statistics(features)
    assert mu == pytest.approx([1.0, 2.0])
    assert sigma == pytest.approx(np.array([[4 / 3, 0.0], [0.0, 16 / 3]]))
    assert mu.dtype == np.float64 and sigma.dtype == np.float64


def test_distance_between_known_gaussians_matches_closed_form():
    rng = np.random.default_rng(0)
    mu1, mu2 = rng.normal(size=8), rng.normal(size=8)
    var1, var2 = rng.uniform(0.1, 3.0, size=8), rng.uniform(0.1, 3.0, size=8)
    expected = diagonal_closed_form(mu1, var1, mu2, var2)
    assert frechet_distance(mu1, np.diag(var1), mu2, np.diag(var2)) == pytest.approx(expected, rel=1e-9)


def test_trace_sqrt_of_rotated_covariance():
    # with sigma1 = I, tr((I S)^(1/2)) = sum of sqrt(eigenvalues of S), whatever the rotation of S
    rng = np.random.default_rng(1)
    rotation, _ = np.linalg.qr(rng.normal(size=(5, 5)))
    eigenvalues = np.array([0.5, 1.0, 2.0, 4.0, 9.0])
    sigma = rotation @ np.diag(eigenvalues) @ rotation.T
    assert trace_sqrt_product(np.eye(5), sigma) == pytest.approx(np.sqrt(eigenvalues).sum(), rel=1e-9)
    assert trace_sqrt_product(sigma, np.eye(5)) == pytest.approx(np.sqrt(eigenvalues).sum(), rel=1e-9)


def test_fid_of_sampled_gaussians_approaches_closed_form():
    rng = np.random.default_rng(2)
    mu1, mu2 = np.zeros(4), np.array([1.0, 0.0, -1.0, 0.5])
    var1, var2 = np.array([1.0, 2.0, 0.5, 1.0]), np.array([2.0, 1.0, 0.5, 3.0])
    a = mu1 + rng.normal(size=(50_000, 4)) * np.sqrt(var1)
    b = mu2 + rng.normal(size=(50_000, 4)) * np.sqrt(var2)
    assert fid(a, b) == pytest.approx(diagonal_closed_form(mu1, var1, mu2, var2), rel=0.03)


def test_fid_of_a_set_with_itself_is_zero_and_symmetric_and_non_negative():
    rng = np.random.default_rng(3)
    a = rng.normal(size=(300, 16))
    b = rng.normal(size=(200, 16)) + 0.3
    assert fid(a, a) == pytest.approx(0.0, abs=1e-8)
    assert fid(a, b) == pytest.approx(fid(b, a), rel=1e-9)
    assert fid(a, b) > 16 * 0.3**2 * 0.5  # the mean shift alone is 1.44


def test_singular_covariances_give_a_finite_non_negative_distance():
    # fewer samples than dimensions: rank-deficient covariances, where sqrtm-based code goes complex
    rng = np.random.default_rng(4)
    a, b = rng.normal(size=(10, 64)), rng.normal(size=(12, 64))
    distance = fid(a, b)
    assert np.isfinite(distance) and distance >= 0.0
    assert fid(a, a) == pytest.approx(0.0, abs=1e-8)


def test_rejects_bad_input():
    with pytest.raises(ValueError):
        fid(np.zeros((1, 3)), np.zeros((5, 3)))  # one row has no covariance
    with pytest.raises(ValueError):
        fid(np.zeros((5, 3)), np.zeros((5, 4)))
    with pytest.raises(ValueError):
        fid(np.full((5, 3), np.nan), np.zeros((5, 3)))
