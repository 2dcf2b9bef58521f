"""KID: unbiased around zero for one distribution, clearly positive for a shifted one."""

import numpy as np
import pytest

from productgan.metrics.kid import kernel_inception_distance, polynomial_kernel, unbiased_mmd2


def test_kernel_is_the_cubic_polynomial():
    x = np.array([[1.0, 2.0]])
    y = np.array([[3.0, -1.0]])
    assert polynomial_kernel(x, y, 2)[0, 0] == pytest.approx((1.0 / 2 + 1) ** 3)


def test_mmd2_by_hand_on_two_points_each():
    x = np.array([[1.0], [0.0]])
    y = np.array([[2.0], [1.0]])
    k = lambda u, v: (u * v + 1.0) ** 3  # noqa: E731 — d = 1
    within = 2 * k(1, 0) / 2 + 2 * k(2, 1) / 2  # off-diagonal pairs only
    cross = (k(1, 2) + k(1, 1) + k(0, 2) + k(0, 1)) / 4
    assert unbiased_mmd2(x, y) == pytest.approx(within - 2 * cross)


def test_same_distribution_centres_on_zero_and_can_be_negative():
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=(400, 32)), rng.normal(size=(400, 32))
    shifted = rng.normal(size=(400, 32)) + 0.5
    same_mean, same_std = kernel_inception_distance(a, b, subsets=50, subset_size=100)
    shifted_mean, _ = kernel_inception_distance(a, shifted, subsets=50, subset_size=100)
    assert shifted_mean > 0.1
    assert abs(same_mean) < 0.05 * shifted_mean
    assert same_std > 0
    # per-subset estimates of one distribution fall on both sides of zero: the estimator is unbiased
    per_subset = [kernel_inception_distance(a, b, subsets=1, subset_size=50, seed=s)[0] for s in range(20)]
    assert min(per_subset) < 0 < max(per_subset)


def test_subset_size_is_clipped_and_seed_is_reproducible():
    rng = np.random.default_rng(1)
    a, b = rng.normal(size=(30, 8)), rng.normal(size=(20, 8)) + 1.0
    first = kernel_inception_distance(a, b, subsets=5, subset_size=1000, seed=7)
    assert first == kernel_inception_distance(a, b, subsets=5, subset_size=1000, seed=7)
    assert first[0] > 0


def test_rejects_mismatched_features():
    with pytest.raises(ValueError):
        kernel_inception_distance(np.zeros((10, 3)), np.zeros((10, 4)))
