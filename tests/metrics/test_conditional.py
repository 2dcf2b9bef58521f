"""Conditional accuracy: 1 for a perfect generator, about 1/L for one that ignores its condition."""

import numpy as np
import pytest

from productgan.metrics.conditional import conditional_accuracy

COLORS = ["Red", "Blue", "Green", "Black"]


def test_perfect_generator_scores_one_everywhere():
    requested = np.arange(40) % 4
    result = conditional_accuracy(requested, requested, COLORS)
    assert result.accuracy == 1.0
    assert result.per_level == {name: 1.0 for name in COLORS}
    assert (result.confusion == np.diag([10, 10, 10, 10])).all()


def test_random_generator_scores_chance():
    rng = np.random.default_rng(0)
    requested = rng.integers(0, 4, size=8000)
    result = conditional_accuracy(rng.integers(0, 4, size=8000), requested, COLORS)
    assert result.chance == 0.25
    assert result.accuracy == pytest.approx(0.25, abs=0.02)
    assert all(value == pytest.approx(0.25, abs=0.04) for value in result.per_level.values())


def test_per_level_accuracy_by_hand():
    requested = [0, 0, 0, 0, 1, 1, 2]
    predicted = [0, 0, 0, 3, 0, 1, 1]  # Red 3/4, Blue 1/2, Green 0/1; Black never requested
    result = conditional_accuracy(predicted, requested, COLORS)
    assert result.accuracy == pytest.approx(4 / 7)
    assert result.per_level == pytest.approx({"Red": 0.75, "Blue": 0.5, "Green": 0.0})
    assert result.confusion[0, 3] == 1 and result.confusion.sum() == 7
    assert result.summary("color")["color_accuracy/Blue"] == 0.5


@pytest.mark.parametrize(
    ("predicted", "requested"),
    [([0, 4], [0, 1]), ([0, 1], [0, 1, 2]), ([0.0, 1.0], [0, 1]), ([], []), ([-1, 0], [0, 0])],
)
def test_rejects_bad_ids(predicted, requested):
    with pytest.raises(ValueError):
        conditional_accuracy(predicted, requested, COLORS)
