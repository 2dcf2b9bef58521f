"""The distribution of the photo measures (productgan.enhance.assess) over a folder of photos,
and how many photos each acceptable range refuses: where the ranges in assess.RANGES come from.

    python bench/assess_catalog.py ../shared/datasets/luma/images [--limit N]

Prints one Markdown table: per measure its 1st/5th/50th/95th/99th percentiles, min and max, the
range and how many photos fall outside it.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import numpy as np

from productgan.data.images import is_image_file
from productgan.enhance.assess import RANGES, assess
from productgan.photo_io import PhotoError, read_photo


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path)
    parser.add_argument("--limit", type=int, default=None, help="Measure only the first N photos (sorted by path).")
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


if __name__ == "__main__":
    main()
