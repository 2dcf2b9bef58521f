"""Choosing and building the networks an evaluation needs: the feature extractor and the classifier.

The domain classifier of a catalog is trained once and kept in the cache, keyed by the catalog's
pixels and the attributes it reads, so evaluating the next checkpoint of the same catalog starts
at once. An explicit --classifier file always wins over the cache. A run folder may carry the
classifier it was measured with (RUN_CLASSIFIER_NAME: the demo writes one), which `eval RUN` takes
when it fits, so `productgan eval demo-out` after `productgan demo` trains nothing. Training one is
announced first, with its cost and where it is cached.
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
from productgan.progress import announce

EXTRACTORS = ("inception", "domain")
DEFAULT_CLASSIFIER_EPOCHS = 10.0
RUN_CLASSIFIER_NAME = "domain-classifier.safetensors"  # the classifier a run was measured with, in its folder


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
    if progress:
        announce(f"training a domain classifier for this catalog ({len(catalog.images)} images x {epochs:g} epochs, "
                 f"once; its progress follows); cached at {cached}")
    classifier = train_domain_classifier(catalog, attributes, epochs=epochs, seed=seed, min_count=min_count,
                                         width=width, device=device, progress=progress)
    try:
        classifier.save(cached)
    except OSError:
        pass  # an unwritable cache costs time, never the result
    return classifier


def run_classifier(run_dir: str | Path, catalog: Catalog, attributes: list[str], levels: dict[str, list[str]],
                   device: str | torch.device = "cpu") -> DomainClassifier | None:
    """The classifier saved in a run folder (RUN_CLASSIFIER_NAME), when it fits this evaluation: the same
    attributes with the same levels (so the same vocabulary), at the catalog's resolution and channels.
    None when there is none, it does not fit, or it cannot be read (the caller then trains or takes the cache)."""
    path = Path(run_dir) / RUN_CLASSIFIER_NAME
    if not path.is_file() or not attributes:
        return None
    try:
        classifier = load_domain_classifier(path, device)
    except ProductGANError:
        return None
    fits = (sorted(classifier.attribute_names) == sorted(attributes)
            and all(classifier.levels.get(name) == levels.get(name) for name in attributes)
            and (classifier.config.resolution, classifier.config.channels) == (catalog.resolution, catalog.channels))
    return classifier if fits else None


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
