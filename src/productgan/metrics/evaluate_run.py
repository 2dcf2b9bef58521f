"""Evaluate a run folder or checkpoint: what `productgan eval RUN` does, as a library call.

The checkpoint says which catalog, resolution and attributes it was trained on, so `--data` is
only needed when the catalog moved; the real images are read at the generator's resolution.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import torch

from productgan.atomic import write_atomic
from productgan.data import load_catalog
from productgan.generate import load_generator
from productgan.metrics.evaluate import EvalResult, EvalSettings, Evaluator
from productgan.metrics.prepare import classifier_for, extractor_for, run_classifier
from productgan.checkpoint import GAN, read_meta, resolve_checkpoint


@dataclass
class EvalRequest:
    """Where the networks come from. extractor: 'inception' or 'domain'."""

    extractor: str = "inception"
    inception_path: str | None = None
    classifier_path: str | None = None
    device: str = "cpu"


def evaluate_checkpoint(run: str | Path, data: str | None = None, settings: EvalSettings | None = None,
                        request: EvalRequest | None = None, out_dir: str | Path | None = None,
                        progress: bool = True) -> tuple[EvalResult, dict[str, Path]]:
    """Score a checkpoint against its catalog; writes eval.json and nearest-training.png to out_dir
    (default: RUN/eval). Returns the result and the paths written."""
    request = request or EvalRequest()
    checkpoint = resolve_checkpoint(run, GAN)
    config = read_meta(checkpoint, expect=GAN).config
    device = torch.device(request.device)
    generator = load_generator(checkpoint, device=device)
    model = config["model"]
    catalog = load_catalog(data or config["data"], resolution=model["resolution"], channels=model["channels"])
    # Inception first: a missing weights file should fail before minutes of classifier training.
    extractor = (extractor_for("inception", None, request.inception_path, device)
                 if request.extractor == "inception" else None)
    wants_classifier = request.extractor == "domain" or generator.names or request.classifier_path
    min_count = int(config.get("min_count", 1))
    classifier = None
    if wants_classifier and request.classifier_path is None:  # the one the run was measured with, when it fits
        classifier = run_classifier(checkpoint.parent, catalog, generator.names, generator.levels, device)
    if wants_classifier and classifier is None:
        classifier = classifier_for(catalog, generator.names, request.classifier_path, min_count=min_count,
                                    device=device, progress=progress)
    extractor = extractor or extractor_for(request.extractor, classifier, request.inception_path, device)
    out = Path(out_dir) if out_dir is not None else checkpoint.parent / "eval"
    evaluator = Evaluator(catalog, extractor, classifier, settings)
    result = evaluator.evaluate(generator, min_count=min_count,
                                sheet_path=out / "nearest-training.png")
    paths = {"json": write_result_json(result, out / "eval.json", checkpoint), "sheet": out / "nearest-training.png"}
    return result, paths


def write_result_json(result: EvalResult, path: str | Path, checkpoint: Path | None = None) -> Path:
    record = {"checkpoint": str(checkpoint) if checkpoint else None, **result.to_dict()}
    text = json.dumps(record, indent=2, allow_nan=True)
    return write_atomic(path, lambda handle: handle.write(text.encode("utf-8")))
