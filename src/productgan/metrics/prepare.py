"""Choosing and building the networks an evaluation needs: the feature extractor and the classifier.

The domain classifier of a catalog is trained once and kept in the cache, keyed by the catalog's
pixels and the attributes it reads, so evaluating the next checkpoint of the same catalog starts
at once. An explicit --classifier file always wins over the cache.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import torch

from productgan.checkpoint import DOMAIN_CLASSIFIER
from productgan.data import Catalog
from productgan.errors import ProductGANError
from productgan.metrics.domain import DomainClassifier, load_domain_classifier, train_domain_classifier
from productgan.metrics.extractor import FeatureExtractor
from productgan.metrics.feature_cache import features_dir, images_fingerprint

EXTRACTORS = ("inception", "domain")
DEFAULT_CLASSIFIER_EPOCHS = 10.0


def classifiers_dir() -> Path:
    return features_dir().parent / "classifiers"


def classifier_key(catalog: Catalog, attributes: list[str], epochs: float, seed: int, min_count: int,
                   width: int) -> str:
    text = (f"{images_fingerprint(catalog.images)}\0{','.join(attributes)}\0{epochs}\0{seed}\0{min_count}"
            f"\0{width}\0v{DOMAIN_CLASSIFIER.versions['domain']}")
    digest = hashlib.sha256(text.encode())
    for name in attributes:
        digest.update(("\0".join(catalog.table[name])).encode())
    return digest.hexdigest()


def classifier_for(catalog: Catalog, attributes: list[str], path: str | Path | None = None, *,
                   epochs: float = DEFAULT_CLASSIFIER_EPOCHS, seed: int = 0, min_count: int = 1, width: int = 32,
                   device: str | torch.device = "cpu", progress: bool = False) -> DomainClassifier:
    """The domain classifier for these attributes: from `path`, else the cache, else trained and cached.

    min_count must be the generator's, so both merge the same rare levels and share one vocabulary.
    """
    if path is not None:
        return load_domain_classifier(path, device)
    if not attributes:
        raise ProductGANError("a domain classifier needs attributes to learn: this model is unconditional, so pass "
                              "--classifier FILE (made by `productgan eval train-features`) or use --extractor inception")
    cached = classifiers_dir() / f"{classifier_key(catalog, attributes, epochs, seed, min_count, width)}.safetensors"
    if cached.is_file():
        try:
            return load_domain_classifier(cached, device)
        except ProductGANError:
            pass  # damaged or from older code: retrain below
    classifier = train_domain_classifier(catalog, attributes, epochs=epochs, seed=seed, min_count=min_count,
                                         width=width, device=device, progress=progress)
    try:
        classifier.save(cached)
    except OSError:
        pass  # an unwritable cache costs time, never the result
    return classifier


def extractor_for(kind: str, classifier: DomainClassifier | None, inception_path: str | Path | None = None,
                  device: str | torch.device = "cpu") -> FeatureExtractor:
    """'inception' (the reference FID network; a clear error when its weights are missing) or 'domain'."""
    if kind == "inception":
        from productgan.metrics.inception import load_inception

        return load_inception(inception_path, device=device)
    if kind == "domain":
        if classifier is None:
            raise ProductGANError("--extractor domain needs a domain classifier")
        return classifier
    raise ProductGANError(f"unknown extractor {kind!r}; choose one of: {', '.join(EXTRACTORS)}")
