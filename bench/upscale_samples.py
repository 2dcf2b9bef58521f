"""The GAN's own samples at product-page size: nearest, bicubic and learned x4 side by side.

    python bench/upscale_samples.py --generator runs/luma64 --sr4 runs/enhance-sr4 \
        --out docs/edit-enhance/gan-samples-sr4.png [--n 8] [--seed 0] [--threads 2] [--max-kb 400]

One grid, one row per method (nearest x4, bicubic x4, learned x4 as `generate --upscale` applies it),
one column per sample; prints the file it wrote and the images/s of each method (over all n
samples) on this machine. The picture shows as many of the n samples, in order, as fit in
--max-kb (smooth 256 px upscales compress poorly: about 70 KB per column of three).
There is no ground truth for a generated product, so nothing here is a quality figure: the picture
is the result. The SR model was trained on degraded real catalog photos, not on GAN samples.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import cv2
import numpy as np
import torch

from productgan.atomic import write_atomic
from productgan.generate import load_generator
from productgan.imaging import encode_png, make_grid
from productgan.upscale import load_upscaler

SCALE = 4
MIN_SECONDS = 1.0  # each method is timed over the samples, repeated until this much time has passed


def resize(interpolation: int):
    return lambda image: cv2.resize(image, (image.shape[1] * SCALE, image.shape[0] * SCALE), interpolation=interpolation)


def timed(method, images: np.ndarray) -> tuple[list[np.ndarray], float]:
    """The method's outputs for `images` (that pass is the warm-up), and its images/s over repeats
    lasting at least MIN_SECONDS."""
    outputs = [method(image) for image in images]
    count, start = 0, time.perf_counter()
    while count == 0 or time.perf_counter() - start < MIN_SECONDS:
        for image in images:
            method(image)
        count += len(images)
    return outputs, count / (time.perf_counter() - start)


def largest_grid(outputs_by_method: list[list[np.ndarray]], max_bytes: float) -> tuple[int, bytes]:
    """(columns, PNG) of the grid of the first samples, one row per method, as many as fit max_bytes."""
    for columns in range(len(outputs_by_method[0]), 0, -1):
        rows = [image for outputs in outputs_by_method for image in outputs[:columns]]
        picture = encode_png(make_grid(np.stack(rows), ncols=columns, pad=4), optimize=True)
        if len(picture) <= max_bytes:
            return columns, picture
    raise SystemExit(f"not even one sample per method fits in {max_bytes / 1000:.0f} kB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--generator", default="runs/luma64")
    parser.add_argument("--sr4", default="runs/enhance-sr4")
    parser.add_argument("--out", default="docs/edit-enhance/gan-samples-sr4.png")
    parser.add_argument("--n", type=int, default=8)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=torch.get_num_threads())
    parser.add_argument("--max-kb", type=float, default=400.0, help="Largest PNG to write, in kB (1000 bytes).")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)

    upscaler = load_upscaler(args.sr4)
    if upscaler.scale != SCALE:
        raise SystemExit(f"{args.sr4}: a x{upscaler.scale} model; this picture compares x{SCALE}")
    samples = load_generator(args.generator).generate(args.n, seed=args.seed)
    methods = {"nearest x4": resize(cv2.INTER_NEAREST), "bicubic x4": resize(cv2.INTER_CUBIC),
               f"learned x4 ({upscaler.path})": upscaler}
    outputs_by_method = []
    print(f"{args.n} samples of {args.generator} at {samples.shape[1]} px (seed {args.seed}), "
          f"x{SCALE} to {samples.shape[1] * SCALE} px, CPU, {args.threads} thread(s):")
    for name, method in methods.items():
        outputs, rate = timed(method, samples)
        outputs_by_method.append(outputs)
        print(f"  {name:<50} {rate:10.1f} images/s")
    columns, picture = largest_grid(outputs_by_method, args.max_kb * 1000)
    path = write_atomic(Path(args.out), lambda handle: handle.write(picture))
    print(f"wrote {path} ({len(picture) / 1000:.0f} kB, the first {columns} of {args.n} samples): "
          f"rows are {', '.join(methods)}")
    print("note: the SR model was trained on degraded real catalog photos, not on GAN samples")


if __name__ == "__main__":
    main()
