"""Score a folder of generated PNGs against a catalog: FID, KID, precision/recall, density/coverage
and memorisation, each beside its real-vs-real floor, as `productgan eval` scores a checkpoint.

Why: some samples come without a checkpoint this code can load. The GPU run writes PNGs to `$OUT`
on a machine that has no Inception weights; a run trained by an older version has an architecture
the current code refuses to load. Their images can still be scored on the same features as today's
runs. Per-level figures (conditional accuracy) need a generator to ask for levels, so none here.

    python bench/score_samples.py runs/ref/samples --data ../shared/datasets/luma --resolution 64 \
        --classifier runs/q-cls84-luma64-s0/luma64/classifier.safetensors --n 1000
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
from rich.console import Console

from productgan.data import load_catalog
from productgan.data.images import read_image_files
from productgan.metrics.domain import load_domain_classifier
from productgan.metrics.evaluate import EvalSettings, Evaluator
from productgan.metrics.prepare import extractor_for
from productgan.metrics.summary import figures_table


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("folder", type=Path, help="generated PNGs (the first --n by name are scored)")
    parser.add_argument("--data", required=True, help="the catalog the samples imitate")
    parser.add_argument("--resolution", type=int, required=True)
    parser.add_argument("--classifier", help="domain classifier file (for --extractor domain)")
    parser.add_argument("--extractor", default="domain", choices=["domain", "inception"])
    parser.add_argument("--inception", default=None, help="local Inception-v3 FID TorchScript file")
    parser.add_argument("--n", type=int, default=1000)
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    return parser.parse_args(argv)


def read_samples(folder: Path, n: int, resolution: int) -> np.ndarray:
    files = sorted(folder.glob("*.png"))[:n]
    decoded = read_image_files(files, resolution, 3, source=str(folder))
    if decoded.skipped:
        print(f"skipped {len(decoded.skipped)} unreadable file(s), e.g. {decoded.skipped[0]}")
    if not decoded.arrays:
        raise SystemExit(f"{folder}: no readable PNG")
    return np.stack(decoded.arrays)


def main(argv=None) -> int:
    args = parse_args(argv)
    if args.extractor == "domain" and not args.classifier:
        raise SystemExit("--extractor domain needs --classifier FILE (the one the runs you compare with used)")
    catalog = load_catalog(args.data, resolution=args.resolution, channels=3)
    classifier = load_domain_classifier(args.classifier) if args.classifier else None
    extractor = extractor_for(args.extractor, classifier, args.inception)
    samples = read_samples(args.folder, args.n, args.resolution)
    result = Evaluator(catalog, extractor, None, EvalSettings(n=len(samples))).score_images(samples)
    Console(width=160).print(figures_table(result, f"{args.folder}: {len(samples)} samples on {result.extractor}"))
    print(f"memorised: {result.memorisation['share_closer_than_real_neighbours']:.1%}")
    if args.json:
        args.json.write_text(json.dumps(result.to_dict(), indent=1, default=float))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
