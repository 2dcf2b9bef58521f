"""Precision/recall and density/coverage on hand-made and limiting cases."""

import numpy as np
import pytest
import torch

from productgan.metrics.manifold import density_coverage, precision_recall

LINE = np.array([[0.0], [1.0], [2.0], [3.0]])  # k=1 balls of radius 1 around each point


def test_hand_made_case_on_a_line():
    # fakes 0.5, 10, 11: only 0.5 is inside a real ball; the fake k=1 balls (radius 1 around
    # 10 and 11, 9.5 around 0.5) reach every real point
    assert precision_recall(LINE, [[0.5], [10.0], [11.0]], k=1) == pytest.approx((1 / 3, 1.0))
    # 0.5 lies in the balls of 0 and 1 (2 balls, k*M = 2); the reals 0 and 1 have a fake in their ball
    assert density_coverage(LINE, [[0.5], [10.0]], k=1) == pytest.approx((1.0, 0.5))


def test_identical_sets():
    features = np.random.default_rng(0).normal(size=(500, 8))
    assert precision_recall(features, features) == pytest.approx((1.0, 1.0))
    density, coverage = density_coverage(features, features, k=5)
    # each sample sits in its own ball and in the balls of the 5 samples it is a neighbour of, on average
    assert density == pytest.approx(6 / 5, abs=0.01)
    assert coverage == 1.0


def test_far_apart_sets_score_zero():
    rng = np.random.default_rng(1)
    real, fake = rng.normal(size=(300, 8)), rng.normal(size=(300, 8)) + 100.0
    assert precision_recall(real, fake) == (0.0, 0.0)
    assert density_coverage(real, fake) == (0.0, 0.0)


def test_same_distribution_density_near_one_and_coverage_near_its_limit():
    rng = np.random.default_rng(2)
    real, fake = rng.normal(size=(2000, 8)), rng.normal(size=(2000, 8))
    density, coverage = density_coverage(real, fake, k=5)
    assert density == pytest.approx(1.0, abs=0.1)
    assert coverage == pytest.approx(1 - 0.5**5, abs=0.03)  # Naeem et al.: 1 - 2^-k for matching distributions


def test_dropped_mode_lowers_recall_and_coverage_not_precision():
    rng = np.random.default_rng(3)
    real = rng.normal(size=(1000, 8))
    real[:500, 0] += 20.0  # two modes; the generator only learnt the second
    fake = rng.normal(size=(1000, 8))
    precision, recall = precision_recall(real, fake)
    _, coverage = density_coverage(real, fake)
    assert precision > 0.8
    assert recall == pytest.approx(0.5, abs=0.1)
    assert coverage == pytest.approx(0.5, abs=0.05)


def test_batching_and_tensor_input_do_not_change_the_result():
    rng = np.random.default_rng(4)
    real, fake = rng.normal(size=(200, 4)), rng.normal(size=(150, 4)) + 0.5
    whole = precision_recall(real, fake) + density_coverage(real, fake)
    batched = precision_recall(real, fake, batch_size=7) + density_coverage(real, fake, batch_size=7)
    as_tensors = precision_recall(torch.from_numpy(real), torch.from_numpy(fake))
    assert batched == pytest.approx(whole)
    assert as_tensors == pytest.approx(whole[:2])


def test_rejects_too_few_rows_and_mismatched_widths():
    with pytest.raises(ValueError):
        precision_recall(LINE[:3], LINE, k=3)
    with pytest.raises(ValueError):
        density_coverage(np.zeros((10, 2)), np.zeros((10, 3)))
