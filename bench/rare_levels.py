"""Rare levels side by side: what several runs draw when asked for one level, beside the real photos.

Why: a classifier trained on a catalog's 7 watches (2 held out) reads none of them, so conditional
accuracy cannot say whether a model draws watches; a picture can. Each run gets one row of `--n`
samples asked for the level alone (the other attributes drawn from the catalog's own rows that have
it, as `generate --set` does), seed fixed, and the last row holds the catalog's photos of that
level at the runs' resolution.

    python bench/rare_levels.py --set category=Watches --runs "no term s0=RUN" "term s0=RUN" \
        --data ../shared/datasets/luma --out docs/luma64-rare/watches.png
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from productgan.data import load_catalog
from productgan.generate import load_generator
from productgan.grid import labelled_grid
from productgan.imaging import make_grid, write_png


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--set", required=True, help="attribute=level, e.g. category=Watches")
    parser.add_argument("--runs", nargs="+", required=True, help="LABEL=RUN, one row each")
    parser.add_argument("--data", required=True, help="the catalog, for the row of real photos")
    parser.add_argument("--n", type=int, default=8)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, required=True)
    return parser.parse_args(argv)


def real_row(data: str, attribute: str, level: str, resolution: int, n: int) -> np.ndarray:
    catalog = load_catalog(data, resolution=resolution, channels=3)
    chosen = [i for i, value in enumerate(catalog.table[attribute]) if value == level][:n]
    if not chosen:
        raise SystemExit(f"{data} has no photo with {attribute}={level}")
    images = catalog.images[chosen]
    blank = np.full((n - len(images), *images.shape[1:]), 255, np.uint8)
    return np.concatenate([images, blank])


def main(argv=None) -> int:
    args = parse_args(argv)
    attribute, level = args.set.split("=", 1)
    rows, labels = [], []
    for entry in args.runs:
        label, run = entry.split("=", 1)
        generator = load_generator(run)
        rows.append(generator.generate(args.n, seed=args.seed, attributes={attribute: level}))
        labels.append(label)
    resolution = rows[0].shape[1]
    rows.append(real_row(args.data, attribute, level, resolution, args.n))
    labels.append(f"real {level} ({args.data.rstrip('/').split('/')[-1]})")
    grid = make_grid(np.concatenate(rows), args.n)
    write_png(labelled_grid(grid, labels), args.out)
    print(f"wrote {args.out}: {len(labels) - 1} runs x {args.n} samples of {attribute}={level}, seed {args.seed}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
