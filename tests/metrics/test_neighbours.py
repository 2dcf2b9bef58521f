"""Batched nearest-neighbour queries against a brute-force answer."""

import numpy as np
import pytest
import torch

from productgan.metrics.neighbours import kth_neighbour_distance, nearest_neighbours


def test_nearest_neighbours_on_a_line():
    reference = np.array([[0.0], [10.0], [3.0]])
    indices, distances = nearest_neighbours([[2.0], [9.0]], reference, k=2)
    assert indices.tolist() == [[2, 0], [1, 2]]
    assert distances == pytest.approx(np.array([[1.0, 2.0], [1.0, 6.0]]))
    assert indices.dtype == np.int64


def test_batched_matches_brute_force():
    rng = np.random.default_rng(0)
    query, reference = rng.normal(size=(50, 6)), rng.normal(size=(80, 6))
    brute = np.linalg.norm(query[:, None] - reference[None], axis=2)
    indices, distances = nearest_neighbours(query, reference, k=3, batch_size=7)
    assert (indices == np.argsort(brute, axis=1)[:, :3]).all()
    assert distances == pytest.approx(np.sort(brute, axis=1)[:, :3], abs=1e-4)


def test_kth_neighbour_distance_leaves_the_point_itself_out():
    features = torch.tensor([[0.0], [1.0], [3.0], [7.0]])
    assert kth_neighbour_distance(features, 1).tolist() == pytest.approx([1.0, 1.0, 2.0, 4.0])
    assert kth_neighbour_distance(features, 2, batch_size=3).tolist() == pytest.approx([3.0, 2.0, 3.0, 6.0])
    with pytest.raises(ValueError):
        kth_neighbour_distance(features, 4)


def test_rejects_k_larger_than_the_reference():
    with pytest.raises(ValueError):
        nearest_neighbours(np.zeros((3, 2)), np.zeros((2, 2)), k=3)
