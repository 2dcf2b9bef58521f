"""A disk cache of real-image features, so evaluating many runs on one catalog extracts them once.

The key hashes the image bytes themselves and the extractor's name: a changed catalog, resolution
or extractor gives a new key, never a stale hit. Entries are plain .npy files (no pickle).
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Callable

import numpy as np

from productgan.atomic import write_atomic
from productgan.data.cache import cache_dir


def features_dir() -> Path:
    """Beside the catalog cache: $PRODUCTGAN_CACHE/../features, else ~/.cache/productgan/features."""
    return cache_dir().parent / "features"


def images_fingerprint(images: np.ndarray) -> str:
    """sha256 of the uint8 images and their shape: what the features depend on besides the extractor."""
    digest = hashlib.sha256(str(images.shape).encode())
    digest.update(np.ascontiguousarray(images).tobytes())
    return digest.hexdigest()


def cached_features(extractor_name: str, images: np.ndarray, compute: Callable[[np.ndarray], np.ndarray],
                    use_cache: bool = True) -> np.ndarray:
    """compute(images), read from or stored in the cache under (images, extractor_name)."""
    if not use_cache:
        return compute(images)
    key = hashlib.sha256(f"{extractor_name}\0{images_fingerprint(images)}".encode()).hexdigest()
    path = features_dir() / f"{key}.npy"
    if path.is_file():
        try:
            features = np.load(path, allow_pickle=False)
            if len(features) == len(images):
                return features
        except (OSError, ValueError):
            pass  # a damaged entry is recomputed
    features = compute(images)
    try:
        write_atomic(path, lambda handle: np.save(handle, features, allow_pickle=False))
    except OSError:
        pass  # a read-only cache costs time, never the result
    return features
