"""Conditional control: how often a classifier sees the attribute level the generator was asked for.

The measure behind AC-GAN's "classification accuracy of samples" (Odena et al. 2017) and the
"generated image classification accuracy" of conditional GAN papers: generate with requested
levels of one attribute, classify the images, compare. A generator that ignores its condition
scores about 1/L (the `chance` field) for L levels; a perfect one scores 1. Which classifier
produces the predictions is decided elsewhere; this module only counts.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class ConditionalAccuracy:
    """Accuracy overall and per requested level, for one attribute.

    per_level maps each level name that was requested at least once to the share of its samples
    classified as that level; confusion[requested, predicted] counts samples.
    """

    accuracy: float
    per_level: dict[str, float]
    chance: float
    confusion: np.ndarray

    def summary(self, attribute: str) -> dict[str, float]:
        """Flat, JSON-ready scalars: '<attribute>_accuracy' and '<attribute>_accuracy/<level>'."""
        flat = {f"{attribute}_accuracy": self.accuracy, f"{attribute}_chance": self.chance}
        flat.update({f"{attribute}_accuracy/{level}": value for level, value in self.per_level.items()})
        return flat


def conditional_accuracy(predicted_levels, requested_levels, level_names) -> ConditionalAccuracy:
    """Compare integer level ids (N,) predicted by a classifier with those requested (N,).

    Ids index level_names (length L); every id must lie in [0, L).
    """
    names = list(level_names)
    predicted, requested = _level_ids(predicted_levels, len(names)), _level_ids(requested_levels, len(names))
    if predicted.shape != requested.shape or predicted.size == 0:
        raise ValueError(f"need equal, non-empty id arrays, got {predicted.shape} and {requested.shape}")
    confusion = np.zeros((len(names), len(names)), dtype=np.int64)
    np.add.at(confusion, (requested, predicted), 1)
    per_level = {
        name: float(confusion[level, level] / confusion[level].sum())
        for level, name in enumerate(names)
        if confusion[level].sum() > 0
    }
    accuracy = float(np.trace(confusion) / predicted.size)
    return ConditionalAccuracy(accuracy, per_level, 1.0 / len(names), confusion)


def held_out_mix(per_level: dict[str, float], ceilings: dict[str, list[float]]) -> float | None:
    """Generated accuracy with each level weighted by its images in the classifier's holdout.

    `accuracy` weights every requested level alike, the ceiling weights them as the holdout does; on
    luma two of twelve colours have a single photo each, none held out, which the classifier never
    answers, so the level-alike figure cannot pass 10/12 whatever the generator draws. This one
    compares like with like. None when the holdout is unknown or shares no level with the request.
    """
    shared = [level for level in per_level if ceilings.get(level, [0])[0] > 0]
    if not shared:
        return None
    weights = np.array([ceilings[level][0] for level in shared], dtype=np.float64)
    return float(np.dot(weights, [per_level[level] for level in shared]) / weights.sum())


def _level_ids(ids, num_levels: int) -> np.ndarray:
    array = np.asarray(ids)
    if array.ndim != 1 or not np.issubdtype(array.dtype, np.integer):
        raise ValueError(f"level ids must be a 1-D integer array, got {array.dtype} {array.shape}")
    if num_levels < 1 or (array.size and (array.min() < 0 or array.max() >= num_levels)):
        raise ValueError(f"level ids must lie in [0, {num_levels}), got range [{array.min()}, {array.max()}]")
    return array.astype(np.int64)
