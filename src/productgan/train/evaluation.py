"""`train --eval-every K`: score the EMA generator every K kimg and keep the best checkpoint by FID.

The networks (domain classifier or Inception) and the real features are built at the first
evaluation and reused, so later evaluations cost only the generated side. Evaluation draws its
randomness from its own seeded generators, so a run with evaluation trains exactly like one without.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from productgan.data import Catalog
from productgan.generate import ProductGenerator
from productgan.train.config import TrainConfig

BEST_CHECKPOINT_NAME = "best.safetensors"


@dataclass
class EvalRecord:
    """The scalars written to metrics.jsonl / TensorBoard for one evaluation."""

    scalars: dict[str, float]
    fid: float


class PeriodicEvaluator:
    def __init__(self, catalog: Catalog, config: TrainConfig, device, best_fid: float | None = None):
        self.catalog, self.extractor_kind, self.n, self.seed = catalog, config.eval_extractor, config.eval_n, config.seed
        self.device, self.inception_path, self.classifier_path = device, config.inception_path, config.eval_classifier
        self.min_count = config.min_count
        self.best_fid = math.inf if best_fid is None else best_fid
        self._evaluator = None

    def _build(self, names: list[str]):
        from productgan.metrics.evaluate import EvalSettings, Evaluator
        from productgan.metrics.prepare import classifier_for, extractor_for

        wanted = names or self.classifier_path or self.extractor_kind == "domain"
        classifier = (classifier_for(self.catalog, names, self.classifier_path, min_count=self.min_count,
                                     device=self.device) if wanted else None)
        extractor = extractor_for(self.extractor_kind, classifier, self.inception_path, self.device)
        settings = EvalSettings(n=self.n, per_level=max(10, self.n // 20), seed=self.seed, diversity_pairs=50)
        return Evaluator(self.catalog, extractor, classifier, settings)

    def evaluate(self, sampler: ProductGenerator) -> EvalRecord:
        if self._evaluator is None:
            self._evaluator = self._build(sampler.names)
        result = self._evaluator.evaluate(sampler, min_count=self.min_count)
        scalars = {}
        for name, figure in result.headline().items():
            scalars[f"eval/{name}"] = figure.value
            scalars[f"eval/{name}_floor"] = figure.floor
        for attribute, scores in result.conditional.items():
            scalars[f"eval/accuracy_{attribute}"] = scores["accuracy"]
            if scores.get("held_out_mix") is not None:
                scalars[f"eval/accuracy_{attribute}_held_out_mix"] = scores["held_out_mix"]
        scalars["eval/memorisation_share"] = result.memorisation["share_closer_than_real_neighbours"]
        return EvalRecord(scalars, result.figures["fid"].value)

    def is_best(self, record: EvalRecord) -> bool:
        """True (and remembered) when this FID beats every earlier one of the run."""
        if record.fid < self.best_fid:
            self.best_fid = record.fid
            return True
        return False
