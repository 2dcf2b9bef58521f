"""`--task auto` on luma photos made darker or washed out: which tone step it chooses and how close
the photo comes back (PSNR to the original, capped at 60 dB), beside the originals, which must come
back untouched.

    PYTHONPATH=src python bench/dim_photos.py --luma ../shared/datasets/luma [--every 1] [--damage x0.45 ...]

Damages: the sRGB values times 0.45, 0.6 and 0.8 (a dim exposure), and squeezed into 130..200
(washed out, the damage the tests use). Prints one Markdown table, then per damage the PSNR after
auto by the steps it chose.
"""

from __future__ import annotations

import argparse
import time
from collections import Counter
from pathlib import Path

import numpy as np

from productgan.enhance.auto import AutoEnhancer
from productgan.metrics.fidelity import image_psnr
from productgan.photo_io import read_photo

CAP = 60.0
DAMAGES = {
    "none": lambda photo: photo,
    "x0.45": lambda photo: np.rint(photo * 0.45),
    "x0.6": lambda photo: np.rint(photo * 0.6),
    "x0.8": lambda photo: np.rint(photo * 0.8),
    "washed": lambda photo: np.rint(130 + photo * (70 / 255)),  # squeezed into 130..200
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--luma", type=Path, required=True, help="The shared luma folder (its images/).")
    parser.add_argument("--every", type=int, default=1, help="Use every N-th photo (sorted by name).")
    parser.add_argument("--damage", nargs="+", choices=sorted(DAMAGES), default=list(DAMAGES),
                        help="The damages to run (default: all).")
    args = parser.parse_args()
    paths = sorted((args.luma / "images").glob("*.jpg"))[::args.every]
    rows = {name: {"before": [], "after": [], "steps": []} for name in args.damage}
    started = time.perf_counter()
    for path in paths:
        photo = read_photo(path)
        for name, row in rows.items():
            damaged = DAMAGES[name](photo.astype(np.float32)).astype(np.uint8)
            fix = AutoEnhancer().fix(damaged)
            row["before"].append(image_psnr(damaged, photo, cap=CAP))
            row["after"].append(image_psnr(fix.image, photo, cap=CAP))
            row["steps"].append(" + ".join(fix.step_names()) or "unchanged")
    print(f"{len(paths)} photos in {time.perf_counter() - started:.0f} s\n")
    print("| damage | PSNR in: mean (min) | PSNR after auto: mean (min) | steps auto chose (photos) |")
    print("|---|---|---|---|")
    for name, row in rows.items():
        steps = ", ".join(f"{steps} ({count})" for steps, count in Counter(row["steps"]).most_common())
        print(f"| {name} | {np.mean(row['before']):.2f} ({np.min(row['before']):.2f}) | "
              f"{np.mean(row['after']):.2f} ({np.min(row['after']):.2f}) | {steps} |")
    print("\n| damage | steps | photos | PSNR in: mean | PSNR after auto: mean (min) |")
    print("|---|---|---|---|---|")
    for name, row in rows.items():
        for steps in Counter(row["steps"]):
            chosen = [i for i, s in enumerate(row["steps"]) if s == steps]
            after = [row["after"][i] for i in chosen]
            print(f"| {name} | {steps} | {len(chosen)} | {np.mean([row['before'][i] for i in chosen]):.2f} | "
                  f"{np.mean(after):.2f} ({np.min(after):.2f}) |")


if __name__ == "__main__":
    main()
