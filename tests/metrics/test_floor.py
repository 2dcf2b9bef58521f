"""split_halves: disjoint, equal, random, reproducible."""

import numpy as np
import pytest

from productgan.metrics.floor import split_halves


@pytest.mark.parametrize("n", [2, 7, 100])
def test_halves_are_disjoint_and_equal_sized(n):
    first, second = split_halves(n, seed=0)
    assert len(first) == len(second) == n // 2
    assert not set(first) & set(second)
    assert set(first) | set(second) <= set(range(n))


def test_seeded_and_random():
    assert all((a == b).all() for a, b in zip(split_halves(50, seed=3), split_halves(50, seed=3)))
    assert not (split_halves(50, seed=3)[0] == split_halves(50, seed=4)[0]).all()
    assert not (split_halves(50, seed=3)[0] == np.arange(25)).all()


def test_rejects_fewer_than_two():
    with pytest.raises(ValueError):
        split_halves(1)
