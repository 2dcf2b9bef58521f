"""Inception Score at its two limits and on a hand-computed case."""

import numpy as np
import pytest

from productgan.metrics.inception_score import inception_score


def confident_logits(classes: np.ndarray, num_classes: int) -> np.ndarray:
    return 50.0 * np.eye(num_classes)[classes]


def test_uniform_predictions_score_one():
    assert inception_score(np.zeros((100, 7)), splits=10) == pytest.approx((1.0, 0.0))


def test_confident_evenly_spread_predictions_score_the_number_of_classes():
    classes = np.arange(200) % 10  # every chunk of 20 holds each class twice
    mean, std = inception_score(confident_logits(classes, 10), splits=10)
    assert mean == pytest.approx(10.0, rel=1e-4)
    assert std == pytest.approx(0.0, abs=1e-3)


def test_confident_but_collapsed_predictions_score_one():
    mean, _ = inception_score(confident_logits(np.zeros(100, dtype=int), 10), splits=5)
    assert mean == pytest.approx(1.0, rel=1e-4)


def test_two_of_four_classes_score_two_and_splits_differ():
    # first half of the samples use classes {0, 1}, second half all four: chunk scores 2 and 4
    classes = np.concatenate([np.arange(40) % 2, np.arange(40) % 4])
    mean, std = inception_score(confident_logits(classes, 4), splits=2)
    assert mean == pytest.approx(3.0, rel=1e-4)
    assert std == pytest.approx(1.0, rel=1e-3)


def test_rejects_more_splits_than_samples():
    with pytest.raises(ValueError):
        inception_score(np.zeros((5, 3)), splits=10)
