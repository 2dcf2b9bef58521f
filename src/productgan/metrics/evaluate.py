"""Evaluate a generator against its catalog: every set-level figure beside its real-vs-real floor.

On a catalog of a few hundred photos no figure means much alone: the FID between two halves of the
*same* real catalog is far from zero at that sample size. So each set-level metric is computed at
one sample size twice, generated-vs-real and real-vs-real (two disjoint real halves), and reported
together. The extractor that made the features is part of every result, since FIDs from different
extractors are not comparable.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np

from productgan.data import Catalog, encode_conditions
from productgan.generate import ProductGenerator
from productgan.imaging import write_png
from productgan.metrics.conditional import conditional_accuracy, held_out_mix
from productgan.metrics.diversity import mean_pairwise_ms_ssim
from productgan.metrics.domain import ceiling_by_level
from productgan.metrics.feature_cache import cached_features
from productgan.metrics.floor import split_halves
from productgan.metrics.frechet import fid
from productgan.metrics.inception_score import inception_score
from productgan.metrics.kid import kernel_inception_distance
from productgan.metrics.manifold import density_coverage, precision_recall
from productgan.metrics.memorisation import memorisation, memorisation_sheet

MIN_IMAGES_PER_LEVEL = 10  # fewer real images than this make a per-level FID meaningless


@dataclass
class EvalSettings:
    """How much to sample. n: generated images for the set-level metrics; per_level: for the
    per-attribute-level metrics (conditional accuracy, intra-class FID, diversity)."""

    n: int = 2000
    per_level: int = 50
    seed: int = 0
    truncation: float | None = None
    kid_subsets: int = 50
    diversity_pairs: int = 100
    memorisation_samples: int = 500
    use_cache: bool = True


@dataclass
class Figure:
    """One metric: the generator's value and the real-vs-real floor at the same sample size."""

    value: float
    floor: float | None = None
    std: float | None = None
    floor_std: float | None = None


@dataclass
class EvalResult:
    extractor: str
    n_real: int
    n_fake: int
    sample_size: int  # images per side for every figure that has a floor
    figures: dict[str, Figure]
    conditional: dict[str, dict] = field(default_factory=dict)  # attribute -> accuracy, ceiling, per_level
    intra_fid: dict[str, Figure] = field(default_factory=dict)  # level -> figure
    intra_attribute: str | None = None
    diversity: dict[str, dict] = field(default_factory=dict)  # level -> {"generated", "real"}
    memorisation: dict = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return asdict(self)

    def headline(self) -> dict[str, Figure]:
        """The figures a report shows first."""
        keys = ("fid", "kid", "precision", "recall", "density", "coverage")
        return {k: self.figures[k] for k in keys if k in self.figures}


def _real_labels(catalog: Catalog, generator: ProductGenerator, min_count: int) -> np.ndarray:
    """The catalog's labels in the generator's vocabulary (-1 where a level is not in it)."""
    if not generator.names:
        return np.zeros((len(catalog), 0), dtype=np.int64)
    conditions = encode_conditions(catalog, generator.names, min_count)
    labels = np.full_like(conditions.labels, -1)
    for k, name in enumerate(generator.names):
        vocab = {level: i for i, level in enumerate(generator.levels[name])}
        mapping = np.array([vocab.get(level, -1) for level in conditions.levels[name]])
        labels[:, k] = mapping[conditions.labels[:, k]]
    return labels


def _generate_with_level(generator: ProductGenerator, k: int, level: int, n: int, seed: int,
                         truncation: float | None) -> np.ndarray:
    """n images with attribute k fixed to `level`, the other attributes drawn as the catalog has them."""
    name = generator.names[k]
    return generator.render(*generator.inputs(n, seed, truncation, attributes={name: generator.levels[name][level]}))


def _set_figures(real: np.ndarray, fake: np.ndarray, settings: EvalSettings) -> tuple[dict[str, Figure], int]:
    """FID, KID, precision/recall, density/coverage: generated-vs-real-half and real-half-vs-real-half."""
    half_a, half_b = split_halves(len(real), settings.seed)
    size = min(len(half_b), len(fake))
    reference, other_real, generated = real[half_a], real[half_b[:size]], fake[:size]
    kid_size = min(1000, max(2, size // 2))  # subsets smaller than the set, else every subset is the set: no std
    kid, kid_std = kernel_inception_distance(reference, generated, subsets=settings.kid_subsets,
                                             subset_size=kid_size, seed=settings.seed)
    kid_floor, kid_floor_std = kernel_inception_distance(reference, other_real, subsets=settings.kid_subsets,
                                                         subset_size=kid_size, seed=settings.seed)
    precision, recall = precision_recall(reference, generated)
    precision_floor, recall_floor = precision_recall(reference, other_real)
    density, coverage = density_coverage(reference, generated)
    density_floor, coverage_floor = density_coverage(reference, other_real)
    figures = {
        "fid": Figure(fid(reference, generated), fid(reference, other_real)),
        "kid": Figure(kid, kid_floor, kid_std, kid_floor_std),
        "precision": Figure(precision, precision_floor),
        "recall": Figure(recall, recall_floor),
        "density": Figure(density, density_floor),
        "coverage": Figure(coverage, coverage_floor),
        "fid_all": Figure(fid(real, fake)),  # every real vs every generated image: no floor at this size
    }
    return figures, size


class Evaluator:
    """Evaluates generators of one catalog with one extractor (and optionally a domain classifier).

    Real features are computed once per Evaluator (and cached on disk), so scoring many checkpoints
    of a run, as `train --eval-every` does, costs only the generated side.
    """

    def __init__(self, catalog: Catalog, extractor, classifier=None, settings: EvalSettings | None = None):
        self.catalog, self.extractor, self.classifier = catalog, extractor, classifier
        self.settings = settings or EvalSettings()
        self.real_features = self._features(catalog.images, cache=True)
        self.real_logits = extractor.logits(catalog.images)  # once per Evaluator; the features may come from the cache
        self.ceilings = ceiling_by_level(classifier, catalog) if classifier is not None else {}

    def _features(self, images: np.ndarray, cache: bool = False) -> np.ndarray:
        return cached_features(self.extractor.name, images, self.extractor.features,
                               use_cache=cache and self.settings.use_cache)

    def evaluate(self, generator: ProductGenerator, min_count: int = 1, sheet_path: str | Path | None = None) -> EvalResult:
        """Score one generator; with sheet_path, also write the samples-beside-nearest-training-images PNG."""
        settings, seconds = self.settings, {}
        started = time.perf_counter()
        fake = generator.generate(settings.n, seed=settings.seed, truncation=settings.truncation)
        result = self.score_images(fake, sheet_path)
        seconds["generate_and_set_figures"] = time.perf_counter() - started
        started = time.perf_counter()
        self._per_level(generator, min_count, result)
        seconds["per_level"] = time.perf_counter() - started
        result.seconds = {k: round(v, 2) for k, v in seconds.items()}
        return result

    def score_images(self, fake: np.ndarray, sheet_path: str | Path | None = None) -> EvalResult:
        """The set-level figures and memorisation of images made elsewhere (a GPU run's PNGs, an older
        version's samples): all but the per-level figures, which need a generator to ask for levels."""
        fake_features, fake_logits = self.extractor.features_and_logits(fake)
        figures, size = _set_figures(self.real_features, fake_features, self.settings)
        figures.update(self._inception_scores(fake_logits))
        result = EvalResult(self.extractor.name, len(self.catalog), len(fake), size, figures)
        result.memorisation = self._memorisation(fake, fake_features, sheet_path)
        return result

    def _inception_scores(self, fake_logits: dict[str, np.ndarray] | None) -> dict[str, Figure]:
        """IS from each classifier head of the extractor (Inception's own, or a domain head per attribute)."""
        if not fake_logits or not self.real_logits:
            return {}
        figures = {}
        for head, logits in fake_logits.items():
            key = "inception_score" if len(fake_logits) == 1 else f"inception_score:{head}"
            score, score_std = inception_score(logits)
            floor, floor_std = inception_score(self.real_logits[head])
            figures[key] = Figure(score, floor, score_std, floor_std)
        return figures

    def _memorisation(self, fake: np.ndarray, fake_features: np.ndarray, sheet_path: str | Path | None) -> dict:
        count = self.settings.memorisation_samples
        found = memorisation(self.real_features, fake_features[:count])
        if sheet_path is not None:
            write_png(memorisation_sheet(fake[:count], self.catalog.images, found), sheet_path, scale=2)
        return {"share_closer_than_real_neighbours": float(found.share), "threshold": float(found.threshold),
                "median_distance": float(np.median(found.distances)), "reference": found.reference}

    def _per_level(self, generator: ProductGenerator, min_count: int, result: EvalResult) -> None:
        """Conditional accuracy, intra-class FID and diversity for each level of each attribute."""
        if not generator.names:
            return
        real_labels = _real_labels(self.catalog, generator, min_count)
        intra = "category" if "category" in generator.names else generator.names[0]
        result.intra_attribute = intra
        for k, name in enumerate(generator.names):
            predicted, requested = [], []
            for level, level_name in enumerate(generator.levels[name]):
                images = _generate_with_level(generator, k, level, self.settings.per_level,
                                              self.settings.seed + 1 + level, self.settings.truncation)
                self._classify(name, level_name, images, predicted, requested)
                if name == intra:
                    self._level_figures(level_name, images, real_labels[:, k] == level, result)
            if requested:
                self._record_accuracy(name, predicted, requested, result)

    def _classify(self, attribute: str, level_name: str, images: np.ndarray, predicted: list, requested: list) -> None:
        classifier = self.classifier
        if classifier is None or attribute not in classifier.levels or level_name not in classifier.levels[attribute]:
            return
        predicted.append(classifier.predict(images)[attribute])
        requested.append(np.full(len(images), classifier.levels[attribute].index(level_name)))

    def _record_accuracy(self, attribute: str, predicted: list, requested: list, result: EvalResult) -> None:
        accuracy = conditional_accuracy(np.concatenate(predicted), np.concatenate(requested),
                                        self.classifier.levels[attribute])
        ceilings = self.ceilings.get(attribute, {})
        result.conditional[attribute] = {
            "accuracy": float(accuracy.accuracy),
            "ceiling": float(self.classifier.holdout_accuracy.get(attribute, float("nan"))),
            "held_out_mix": held_out_mix(accuracy.per_level, ceilings),
            "per_level": {k: float(v) for k, v in accuracy.per_level.items()},
            "ceiling_per_level": {level: float(value[1]) for level, value in ceilings.items()},
        }

    def _level_figures(self, level_name: str, images: np.ndarray, is_level: np.ndarray, result: EvalResult) -> None:
        """Intra-class FID (with its own half-vs-half floor) and MS-SSIM diversity, generated vs real."""
        real_images = self.catalog.images[is_level]
        if len(real_images) < MIN_IMAGES_PER_LEVEL:
            return
        real = self.real_features[is_level]
        half_a, half_b = split_halves(len(real), self.settings.seed)
        generated = self._features(images)[: len(half_b)]
        result.intra_fid[level_name] = Figure(fid(real[half_a], generated), fid(real[half_a], real[half_b]))
        pairs = self.settings.diversity_pairs
        result.diversity[level_name] = {
            "generated": float(mean_pairwise_ms_ssim(images, pairs=pairs, seed=self.settings.seed)),
            "real": float(mean_pairwise_ms_ssim(real_images, pairs=pairs, seed=self.settings.seed)),
        }
