"""How long evaluation takes: feature extraction per extractor, and the metrics over N samples.

Times, separately: Inception-v3 features (299 px) and domain-classifier features for --feature-n
images, then every set-level metric (FID, KID, precision/recall, density/coverage, memorisation)
over --n generated-vs-real feature rows, which is what `productgan eval --n N` adds on top of the
features. Prints images/s and seconds; extrapolating to other N is left to the reader.

    python bench/eval_speed.py --n 10000 --feature-n 256 [--device cuda]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import torch

from productgan.data import load_catalog
from productgan.metrics.domain import train_domain_classifier
from productgan.metrics.frechet import fid
from productgan.metrics.kid import kernel_inception_distance
from productgan.metrics.manifold import density_coverage, precision_recall
from productgan.metrics.memorisation import memorisation


def timed(label: str, function, *args, **kwargs):
    if torch.cuda.is_available():
        torch.cuda.synchronize()
    started = time.perf_counter()
    value = function(*args, **kwargs)
    if torch.cuda.is_available():
        torch.cuda.synchronize()
    seconds = time.perf_counter() - started
    print(f"{label}: {seconds:.2f} s")
    return value, seconds


def feature_speed(args, images: np.ndarray) -> None:
    classifier = train_domain_classifier(load_catalog("builtin:catalog", resolution=64), ["category", "color"],
                                         epochs=0.2, device=args.device)
    classifier.features(images[:8])  # warm-up
    _, seconds = timed(f"domain features, {len(images)} images at 64 px", classifier.features, images)
    print(f"  -> {len(images) / seconds:.0f} images/s")
    try:
        from productgan.metrics.inception import load_inception

        inception = load_inception(device=args.device)
    except Exception as error:  # noqa: BLE001 - report and go on with what can be measured
        print(f"Inception not measured: {error}")
        return
    inception.features(images[:8])
    _, seconds = timed(f"Inception features, {len(images)} images at 64 px (resized to 299)", inception.features, images)
    print(f"  -> {len(images) / seconds:.1f} images/s")


def metric_speed(n: int, dim: int) -> None:
    rng = np.random.default_rng(0)
    real, fake = rng.normal(size=(n, dim)).astype(np.float32), rng.normal(0.1, 1, size=(n, dim)).astype(np.float32)
    total = 0.0
    for label, function in [("FID", lambda: fid(real, fake)),
                            ("KID (100 subsets of 1000)", lambda: kernel_inception_distance(real, fake)),
                            ("precision/recall (k=3)", lambda: precision_recall(real, fake)),
                            ("density/coverage (k=5)", lambda: density_coverage(real, fake)),
                            ("memorisation", lambda: memorisation(real, fake))]:
        total += timed(f"{label}, {n} x {n} rows of {dim}-d features", function)[1]
    print(f"set-level metrics in all: {total:.1f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=10000)
    parser.add_argument("--feature-n", type=int, default=256)
    parser.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    args = parser.parse_args()
    print(f"device {args.device}, torch {torch.__version__}, {torch.get_num_threads()} threads")
    images = load_catalog("builtin:catalog", resolution=64).images
    images = np.concatenate([images] * (-(-args.feature_n // len(images))))[: args.feature_n]
    feature_speed(args, images)
    metric_speed(args.n, 2048)


if __name__ == "__main__":
    main()
