"""The demo's settings with and without spectral norm in D: colour control, FID/recall/coverage (the
demo's own measure) and how much samples of one (category, colour) differ from each other.

Written to check whether the default's change (no spectral norm in D) caused the demo's collapse
within a (category, colour); docs/BENCHMARKS.md has the figures.

    python bench/demo_spectral_norm.py OUT on            # train the demo with spectral norm, then measure
    python bench/demo_spectral_norm.py demo-out --spread-only   # only the within-pair spread of a run
"""

from __future__ import annotations

import argparse
import itertools
import json
from pathlib import Path

import numpy as np

from productgan.data import load_catalog
from productgan.demo import colour_accuracy, demo_config, measure
from productgan.generate import ProductGenerator, load_generator
from productgan.train import train


def within_pair_spread(generator: ProductGenerator, seed: int = 5, per_pair: int = 16) -> float:
    """Mean RMS pixel distance between samples of one (category, colour), over categories x 3 colours."""
    spreads = []
    for category, colour in itertools.product(generator.levels["category"], ["red", "blue", "green"]):
        flat = generator.generate(per_pair, seed=seed, category=category, color=colour).astype(np.float32) / 255
        flat = flat.reshape(per_pair, -1)
        distances = np.sqrt(((flat[:, None] - flat[None]) ** 2).mean(-1))
        spreads.append(distances[np.triu_indices(per_pair, 1)].mean())
    return float(np.mean(spreads))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path)
    parser.add_argument("spectral_norm", nargs="?", choices=["on", "off"], default="on")
    parser.add_argument("--spread-only", action="store_true", help="measure an existing run's spread only")
    args = parser.parse_args()
    if args.spread_only:
        print(json.dumps({"within_pair_rms_spread": round(within_pair_spread(load_generator(args.out)), 4)}))
        return
    catalog = load_catalog("builtin:catalog", resolution=32)
    config = demo_config(args.out, 4.0, 0)
    config.model.d_spectral_norm = args.spectral_norm == "on"
    result = train(config, progress=False, catalog=catalog)
    generator = load_generator(args.out)
    measured = measure(catalog, generator, args.out, 0, False)
    figures = measured.figures
    print(json.dumps({"spectral_norm": args.spectral_norm, "kimg": result.images_seen / 1000,
                      "images_per_s": round(result.images_per_s),
                      "colour_control": round(float(np.mean(list(colour_accuracy(generator).values()))), 3),
                      "fid": round(figures["fid"].value, 2), "fid_floor": round(figures["fid"].floor, 2),
                      "recall": round(figures["recall"].value, 3), "coverage": round(figures["coverage"].value, 3),
                      "within_pair_rms_spread": round(within_pair_spread(generator), 4)}))


if __name__ == "__main__":
    main()
