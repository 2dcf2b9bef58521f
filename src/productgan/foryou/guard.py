"""The near-copy guard: no "for you" product may sit closer to a liked item than catalog products
typically sit to each other (the memorisation check's rule, metrics/memorisation.py, applied per
request).

The distance is measured in the domain classifier's feature space when one is given (it knows what
the catalog's attributes look like), else in pixels (each image at most 32 px a side, values in
[0, 1], Euclidean distance over sqrt(pixels): a root-mean-square difference). The threshold is the
`quantile` (5 %, as the memorisation check) of the leave-one-out nearest-neighbour distances of a
reference set: the catalog's images when given, else `samples` products of the model itself drawn
as the catalog combines its levels (a model's samples stand in for its catalog when the catalog is
not at hand, as in the server). Built once per model and reused for every request.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import numpy as np
import torch
import torch.nn.functional as F

from productgan.atomic import write_atomic
from productgan.generate import ProductGenerator
from productgan.metrics.domain import resize_catalog_images
from productgan.metrics.feature_cache import features_dir
from productgan.metrics.memorisation import DEFAULT_QUANTILE
from productgan.metrics.neighbours import nearest_neighbours

PIXEL_SIDE = 32      # pixel features: images brought down to at most this side
REFERENCE_SAMPLES = 256
GUARD_CACHE_VERSION = 1  # bump when the threshold's recipe changes, so no stale entry is read


@dataclass
class CopyGuard:
    """features(uint8 (N, H, W, C)) -> float (N, F); a product whose nearest liked item is closer
    than `threshold` in that space is a near copy. space: 'domain' or 'pixels'; reference: where
    the threshold came from ('catalog', 'model samples' or 'given')."""

    threshold: float
    features: Callable[[np.ndarray], np.ndarray]
    space: str
    reference: str

    def nearest(self, images: np.ndarray, liked_features: np.ndarray) -> np.ndarray:
        """(N,) each image's distance to its nearest liked item (liked_features from self.features)."""
        _, distances = nearest_neighbours(self.features(images), liked_features, 1)
        return distances[:, 0]

    def describe(self) -> dict:
        return {"threshold": self.threshold, "space": self.space, "reference": self.reference}


def pixel_features(images: np.ndarray) -> np.ndarray:
    """float32 (N, F): images at most PIXEL_SIDE a side, in [0, 1], scaled so the Euclidean distance
    is the root-mean-square pixel difference."""
    pixels = torch.from_numpy(np.ascontiguousarray(images)).permute(0, 3, 1, 2).float() / 255.0
    if pixels.shape[-1] > PIXEL_SIDE:
        pixels = F.interpolate(pixels, size=(PIXEL_SIDE, PIXEL_SIDE), mode="bilinear", antialias=True)
    flat = pixels.flatten(1)
    return (flat / flat.shape[1] ** 0.5).numpy()


def domain_features(classifier) -> Callable[[np.ndarray], np.ndarray]:
    """The classifier's embedding of images of any square size (resized to the classifier's)."""
    def features(images: np.ndarray) -> np.ndarray:
        return classifier.features(resize_catalog_images(images, classifier.config.resolution))
    return features


def copy_guard(generator: ProductGenerator, classifier=None, reference_images: np.ndarray | None = None,
               quantile: float = DEFAULT_QUANTILE, samples: int = REFERENCE_SAMPLES, seed: int = 0) -> CopyGuard:
    """The guard for one model (module docstring); reference_images: the catalog's, uint8 NHWC."""
    features = pixel_features if classifier is None else domain_features(classifier)
    if reference_images is None:
        reference = "model samples"
        reference_images = generator.render(*generator.inputs(samples, seed=seed))
    else:
        reference = "catalog"
    return CopyGuard(typical_distance(features(reference_images), quantile), features,
                     "pixels" if classifier is None else "domain", reference)


def typical_distance(features: np.ndarray, quantile: float = DEFAULT_QUANTILE) -> float:
    """The quantile of leave-one-out nearest-neighbour distances among rows (N, F); 0 (no guard)
    with fewer than two rows."""
    if len(features) < 2:
        return 0.0
    _, distances = nearest_neighbours(features, features, 2)
    return float(np.quantile(distances[:, 1], quantile))


def cached_copy_guard(generator: ProductGenerator, checkpoint: str | Path, classifier=None,
                      quantile: float = DEFAULT_QUANTILE, samples: int = REFERENCE_SAMPLES, seed: int = 0) -> CopyGuard:
    """copy_guard over the model's own samples, its threshold read from or stored in the feature
    cache under the checkpoint's bytes, the classifier (its name hashes its weights) and the recipe."""
    digest = hashlib.sha256(Path(checkpoint).read_bytes())
    digest.update(json.dumps([classifier.name if classifier is not None else "pixels", quantile, samples, seed,
                              GUARD_CACHE_VERSION]).encode())
    path = features_dir() / f"foryou-guard-{digest.hexdigest()}.json"
    features = pixel_features if classifier is None else domain_features(classifier)
    space = "pixels" if classifier is None else "domain"
    try:
        return CopyGuard(float(json.loads(path.read_text())["threshold"]), features, space, "model samples")
    except (OSError, ValueError, KeyError, TypeError):
        pass  # absent or damaged: computed below
    guard = copy_guard(generator, classifier, None, quantile, samples, seed)
    try:
        write_atomic(path, lambda handle: handle.write(json.dumps({"threshold": guard.threshold}).encode()))
    except OSError:
        pass  # a read-only cache costs time, never the result
    return guard
