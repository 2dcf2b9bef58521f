"""The distribution of the photo measures (productgan.enhance.assess) over a folder of photos,
and how many photos each acceptable range refuses: where the ranges in assess.RANGES come from.

    python bench/assess_catalog.py ../shared/datasets/luma/images [--limit N] [--versus-classic K]

Prints one Markdown table: per measure its 1st/5th/50th/95th/99th percentiles, min and max, the
range and how many photos fall outside it. --versus-classic K: on every K-th photo, how far the
fixed classical chain and --task auto move a good photo (PSNR of the output to the input, capped
at 60 dB, and how many photos each changes).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from productgan.data.images import is_image_file
from productgan.enhance.assess import RANGES, assess
from productgan.enhance.auto import AutoEnhancer
from productgan.enhance.classic import DEFAULT_CHAIN, ClassicChain
from productgan.metrics.fidelity import image_psnr
from productgan.photo_io import PhotoError, read_photo


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--limit", type=int, default=None, help="Measure only the first N photos (sorted by path).")
    parser.add_argument("--versus-classic", type=int, default=0, metavar="K",
                        help="Also run the classic chain and auto on every K-th photo and compare (0: no).")
    args = parser.parse_args()
    paths = sorted(p for p in args.folder.rglob("*") if p.is_file() and is_image_file(p))[:args.limit]
    values: dict[str, list[float]] = {}
    failing: dict[str, list[str]] = {name: [] for name in RANGES}
    started, backdrops = time.perf_counter(), 0
    for path in paths:
        try:
            result = assess(read_photo(path))
        except PhotoError as error:
            print(f"skipped {error}")
            continue
        backdrops += result.has_backdrop
        for name, value in result.measures.items():
            values.setdefault(name, []).append(value)
        for name in result.problems:
            failing[name].append(path.name)
    seconds = time.perf_counter() - started
    print(f"{len(values['brightness'])} photos from {args.folder}, {seconds / max(1, len(paths)):.3f} s per photo; {backdrops} show a backdrop\n")
    print("| measure | p1 | p5 | p50 | p95 | p99 | min | max | range | outside |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for name, numbers in values.items():
        stats = np.percentile(numbers, (1, 5, 50, 95, 99)) if numbers else [float("nan")] * 5
        shown = RANGES[name].shown() if name in RANGES else "-"
        cells = " | ".join(f"{v:.3g}" for v in (*stats, min(numbers, default=np.nan), max(numbers, default=np.nan)))
        print(f"| {name} | {cells} | {shown} | {len(failing.get(name, []))} |")
    for name, names in failing.items():
        if names:
            print(f"\n{name} outside its range: {', '.join(names[:20])}{' ...' if len(names) > 20 else ''}")
    if args.versus_classic:
        versus_classic(paths[::args.versus_classic])


def versus_classic(paths: list[Path]) -> None:
    """Mean PSNR (capped at 60 dB) of each method's output to its good input, and photos changed."""
    methods = {f"classic ({DEFAULT_CHAIN})": ClassicChain.parse(DEFAULT_CHAIN), "auto": AutoEnhancer()}
    print(f"\n| on {len(paths)} photos | mean PSNR to the input (dB, capped at 60) | lowest | photos changed |")
    print("|---|---|---|---|")
    for name, method in methods.items():
        scores, changed = [], 0
        for path in paths:
            photo = read_photo(path)
            output = method(photo)
            changed += not np.array_equal(output, photo)
            scores.append(image_psnr(output, photo, cap=60.0))
        print(f"| {name} | {np.mean(scores):.2f} | {min(scores):.2f} | {changed} |")


if __name__ == "__main__":
    main()
