"""Batched Euclidean nearest-neighbour queries, shared by the manifold metrics and the memorisation check.

A full 10k x 10k distance matrix is 400 MB in float32 and the metrics only ever need one
reduction of each row (a k-th smallest, a minimum, a count under a radius), so distances are
computed `batch_size` query rows at a time with torch.cdist and reduced at once. Inputs may be
numpy arrays or torch tensors; tensors stay on their device, so a GPU does the work when given.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import torch

from productgan.metrics.arrays import feature_tensor

DEFAULT_BATCH_SIZE = 1024


def distance_blocks(
    query: torch.Tensor, reference: torch.Tensor, batch_size: int = DEFAULT_BATCH_SIZE
) -> Iterator[tuple[slice, torch.Tensor]]:
    """Yield (rows, distances) with distances (len(rows), R) from query[rows] to every reference row."""
    for start in range(0, query.shape[0], batch_size):
        rows = slice(start, min(start + batch_size, query.shape[0]))
        yield rows, torch.cdist(query[rows], reference)


def nearest_neighbours(
    query, reference, k: int = 1, batch_size: int = DEFAULT_BATCH_SIZE
) -> tuple[np.ndarray, np.ndarray]:
    """The k nearest reference rows of each query row: indices int64 (Q, k) and distances float32 (Q, k),
    nearest first. query (Q, D) and reference (R, D) with R >= k."""
    query_t, reference_t = paired_tensors(query, reference, min_reference=k)
    indices, distances = [], []
    for _, block in distance_blocks(query_t, reference_t, batch_size):
        nearest = torch.topk(block, k, dim=1, largest=False, sorted=True)
        indices.append(nearest.indices.cpu())
        distances.append(nearest.values.cpu())
    return torch.cat(indices).numpy().astype(np.int64), torch.cat(distances).numpy()


def kth_neighbour_distance(features: torch.Tensor, k: int, batch_size: int = DEFAULT_BATCH_SIZE) -> torch.Tensor:
    """Distance (N,) from each row of features (N, D) to its k-th nearest *other* row (N > k).

    The row itself is its own nearest neighbour at distance 0, so this is the (k+1)-th smallest.
    """
    if not 1 <= k < features.shape[0]:
        raise ValueError(f"k={k} needs 1 <= k < number of rows ({features.shape[0]})")
    radii = [
        torch.topk(block, k + 1, dim=1, largest=False, sorted=True).values[:, k]
        for _, block in distance_blocks(features, features, batch_size)
    ]
    return torch.cat(radii)


def nearest_distance(query: torch.Tensor, reference: torch.Tensor, batch_size: int = DEFAULT_BATCH_SIZE) -> torch.Tensor:
    """Distance (Q,) from each query row to its nearest reference row."""
    return torch.cat([block.min(dim=1).values for _, block in distance_blocks(query, reference, batch_size)])


def balls_containing(
    query: torch.Tensor, centres: torch.Tensor, radii: torch.Tensor, batch_size: int = DEFAULT_BATCH_SIZE
) -> torch.Tensor:
    """Count (Q,) for each query row of the balls B(centres[i], radii[i]) that hold it (boundary included)."""
    counts = [(block <= radii[None, :]).sum(dim=1) for _, block in distance_blocks(query, centres, batch_size)]
    return torch.cat(counts)


def paired_tensors(query, reference, min_reference: int = 1) -> tuple[torch.Tensor, torch.Tensor]:
    """Checked float32 tensors of two feature sets with the same width, on the first one's device."""
    query_t = feature_tensor(query, "query")
    reference_t = feature_tensor(reference, "reference", min_rows=min_reference).to(query_t.device)
    if query_t.shape[1] != reference_t.shape[1]:
        raise ValueError(f"feature sizes differ: {query_t.shape[1]} vs {reference_t.shape[1]}")
    return query_t, reference_t

