"""The real-vs-real floor: what a metric reads between two halves of the real set.

FID, KID and the rest are biased at finite sample size, and their "good" value depends on the
catalog. Computing the same metric between two disjoint random halves of the real images, at the
sample size used for the generator, gives the best score any generator can expect there.
"""

from __future__ import annotations

import numpy as np


def split_halves(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two disjoint sorted index arrays of n // 2 each, drawn at random from range(n) (n >= 2)."""
    if n < 2:
        raise ValueError(f"need at least 2 items to split in halves, got {n}")
    order = np.random.default_rng(seed).permutation(n)
    half = n // 2
    return np.sort(order[:half]), np.sort(order[half : 2 * half])
