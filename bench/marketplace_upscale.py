"""What the marketplace preset's enlargement costs per photo: the shipped sr2, sr4 and Lanczos.

    OMP_NUM_THREADS=1 PYTHONPATH=src nice -n 10 python bench/marketplace_upscale.py \
        --photos ../shared/datasets/luma/images --n 6 --threads 1 2 [--seed 0]

For n photos drawn at random (seeded), runs the preset's own auto-fix and layout and records the
crop it enlarges and by how much (catalog/layout.resize's arguments); then times `resize` alone on
that crop for each method at each thread count (one warm-up call, then the median of `--repeats`).
Prints one line per photo and method, and the median seconds per photo per method and thread count.
It also prints each SR model's peak resident memory growth over the run, to show the tiling
(enhance/learned.py) bounds it. Timings on a shared machine are noisy: say what else was running.

--fidelity adds, per method, the PSNR of the crop shrunk by the same factor (area average) and
enlarged back, against the crop itself: no ground truth exists above the photo's own size, so this
asks the nearest answerable question (does the method restore what the factor takes away).
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import time
from pathlib import Path

import cv2
import numpy as np
import torch
from PIL import Image

from productgan.catalog import layout
from productgan.catalog.presets import PRESETS
from productgan.enhance.auto import AutoEnhancer
from productgan.metrics.fidelity import image_psnr
from productgan.photo_io import read_photo
from productgan.catalog.upscalers import load_upscalers


def enlarged_crops(photos: list[Path]) -> list[tuple[Path, object, float]]:
    """(photo, the crop the marketplace layout enlarges, the factor) for each photo it enlarges."""
    recorded: list[tuple] = []
    original = layout.resize

    def recording(image, factor, upscalers=()):
        recorded.append((image.copy(), factor))
        return original(image, factor)

    layout.resize = recording
    try:
        crops = []
        for photo in photos:
            recorded.clear()
            image = read_photo(photo)
            fix = AutoEnhancer().fix(image)
            layout.lay_out(fix.image, PRESETS["marketplace"], fix.before.has_backdrop)
            crops += [(photo, crop, factor) for crop, factor in recorded if factor > 1.0]
    finally:
        layout.resize = original
    return crops


def seconds(method, repeats: int) -> tuple[float, float]:
    """(wall, CPU) seconds of one call, medians over repeats after a warm-up call. CPU time (this
    process, all its threads) is what another job on the same cores cannot inflate much."""
    method()  # warm-up: first-call allocations and thread start-up
    walls, cpus = [], []
    for _ in range(repeats):
        start, cpu = time.perf_counter(), time.process_time()
        method()
        walls.append(time.perf_counter() - start)
        cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus)


def shrunk(crop, factor: float, how: str):
    """crop made `factor` times smaller: an area average, or PIL's antialiased bicubic (what the
    SR models' plain training inputs and the ENHANCERS.md held-out figures used)."""
    size = (round(crop.shape[1] / factor), round(crop.shape[0] / factor))
    if how == "area":
        return cv2.resize(crop, size, interpolation=cv2.INTER_AREA)
    return np.asarray(Image.fromarray(crop).resize(size, Image.BICUBIC))


def round_trip_psnr(crop, factor: float, upscalers, how: str = "area") -> float:
    """PSNR (dB) of crop shrunk by `factor` and enlarged back by the method, on the shared size."""
    small = shrunk(crop, factor, how)
    back, _, _ = layout.resize(small, factor, upscalers)
    height, width = min(back.shape[0], crop.shape[0]), min(back.shape[1], crop.shape[1])
    return image_psnr(back[:height, :width], crop[:height, :width])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--photos", type=Path, required=True, help="a folder of catalog photos")
    parser.add_argument("--n", type=int, default=6, help="photos drawn at random")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--repeats", type=int, default=2, help="timed calls per photo (0: no timing)")
    parser.add_argument("--methods", nargs="+", default=["lanczos", "sr2", "sr4"])
    parser.add_argument("--fidelity", action="store_true", help="also the round-trip PSNR of each method")
    parser.add_argument("--shrink", choices=["area", "bicubic"], default="area", help="how the round trip shrinks")
    parser.add_argument("--factors", type=float, nargs="*", default=[],
                        help="round trips at these factors too (besides each crop's own), for the crossover")
    args = parser.parse_args()
    files = sorted(p for p in args.photos.iterdir() if p.suffix.lower() in (".jpg", ".jpeg", ".png"))
    photos = random.Random(args.seed).sample(files, min(args.n, len(files)))
    crops = enlarged_crops(photos)
    print(f"{len(crops)} of {len(photos)} photos enlarged by the marketplace layout")
    models = {name: load_upscalers(name if name == "shipped" else f"shipped-{name}")
              for name in args.methods if name != "lanczos"}
    results: dict[tuple[str, int], list[tuple[float, float]]] = {}
    for threads in args.threads if args.repeats > 0 else []:
        torch.set_num_threads(threads)
        for name in args.methods:
            upscalers = models.get(name, ())
            rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            for photo, crop, factor in crops:
                wall, cpu = seconds(lambda: layout.resize(crop, factor, upscalers), args.repeats)
                results.setdefault((name, threads), []).append((wall, cpu))
                print(f"{photo.name}: crop {crop.shape[1]}x{crop.shape[0]} x{factor:.2f}, {name}, "
                      f"{threads} thread(s): {wall:.2f} s wall, {cpu:.2f} CPU-s", flush=True)
            grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before) / 1024
            print(f"  peak resident memory grew {grown:.0f} MiB over {name} at {threads} thread(s)")
    if args.fidelity:
        print("\nround trip (shrink by the factor, enlarge back), PSNR to the crop, dB:")
        for factor_name in ["own", *args.factors]:
            for name in args.methods:
                values = [round_trip_psnr(crop, factor if factor_name == "own" else factor_name, models.get(name, ()),
                                          args.shrink) for _, crop, factor in crops]
                print(f"  factor {factor_name}: {name:8s} mean {statistics.mean(values):.2f} ("
                      + ", ".join(f"{v:.2f}" for v in values) + ")", flush=True)
    print("\nmedian seconds per photo (the enlargement alone):")
    for (name, threads), values in results.items():
        walls, cpus = [w for w, _ in values], [c for _, c in values]
        print(f"  {name:8s} {threads} thread(s): wall median {statistics.median(walls):.2f} s "
              f"(min {min(walls):.2f}, max {max(walls):.2f}); CPU median {statistics.median(cpus):.2f} s "
              f"(min {min(cpus):.2f}, max {max(cpus):.2f}) over {len(values)} photos")


if __name__ == "__main__":
    main()
