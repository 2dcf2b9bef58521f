"""Fidelity and diversity as separate numbers, from k-nearest-neighbour balls around feature vectors.

FID folds "are the samples realistic?" and "do they cover the catalog?" into one number; these
metrics keep them apart. Each feature vector gets a ball reaching its k-th nearest neighbour in
its own set; the union of balls estimates that set's manifold.

- precision / recall: Kynkäänniemi et al. 2019, "Improved Precision and Recall Metric for
  Assessing Generative Models" (k = 3): precision is the share of fake samples inside the real
  manifold, recall the share of real samples inside the fake manifold.
- density / coverage: Naeem et al. 2020, "Reliable Fidelity and Diversity Metrics for Generative
  Models" (k = 5): density counts how many real balls hold each fake sample (1 on average when the
  distributions match, above 1 when fakes crowd dense regions); coverage is the share of real
  samples whose own ball holds at least one fake. Both use only the real balls, so fake outliers
  cannot inflate them.

Features are (N, D) numpy arrays or torch tensors (tensors stay on their device); distances are
batched (see neighbours.py), so 10k x 10k sets fit in memory. A point on a ball's boundary counts
as inside.
"""

from __future__ import annotations

from productgan.metrics.neighbours import (
    DEFAULT_BATCH_SIZE,
    balls_containing,
    kth_neighbour_distance,
    nearest_distance,
    paired_tensors,
)


def precision_recall(real, fake, k: int = 3, batch_size: int = DEFAULT_BATCH_SIZE) -> tuple[float, float]:
    """(precision, recall) in [0, 1]; both sets need more than k rows."""
    real_t, fake_t = paired_tensors(real, fake)
    real_radii = kth_neighbour_distance(real_t, k, batch_size)
    fake_radii = kth_neighbour_distance(fake_t, k, batch_size)
    precision = (balls_containing(fake_t, real_t, real_radii, batch_size) > 0).float().mean()
    recall = (balls_containing(real_t, fake_t, fake_radii, batch_size) > 0).float().mean()
    return float(precision), float(recall)


def density_coverage(real, fake, k: int = 5, batch_size: int = DEFAULT_BATCH_SIZE) -> tuple[float, float]:
    """(density, coverage): density >= 0 (about 1 for matching distributions), coverage in [0, 1].

    The real set needs more than k rows.
    """
    real_t, fake_t = paired_tensors(real, fake)
    real_radii = kth_neighbour_distance(real_t, k, batch_size)
    density = balls_containing(fake_t, real_t, real_radii, batch_size).double().sum() / (k * fake_t.shape[0])
    coverage = (nearest_distance(real_t, fake_t, batch_size) <= real_radii).float().mean()
    return float(density), float(coverage)
