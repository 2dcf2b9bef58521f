"""The product-mask variants tried and not kept, on the same check set as bench/masks.py: the
adaptive threshold's floor (2, 2.5, 3 = kept, 3.5) and a texture cue (local standard deviation of
L in a 7 x 7 window lets a pixel count as product at a fraction of the threshold).

    PYTHONPATH=src:bench python bench/mask_variants.py --luma ../shared/datasets/luma
"""

from __future__ import annotations

import argparse
from contextlib import contextmanager
from pathlib import Path

import cv2
import numpy as np

import masks
import productgan.edit.mask as mask_module


@contextmanager
def patched(name: str, value):
    original = getattr(mask_module, name)
    setattr(mask_module, name, value)
    try:
        yield
    finally:
        setattr(mask_module, name, original)


def textured_distance(fraction: float, min_std: float):
    """backdrop_distance with textured pixels (L's local std > min_std) above `fraction` of the
    threshold lifted over it: the cue for cloth texture on a smooth backdrop."""
    plain = mask_module.backdrop_distance

    def distance(image: np.ndarray) -> np.ndarray:
        values = plain(image)
        lightness = mask_module.lab(image)[..., 0]
        mean = cv2.blur(lightness, (7, 7))
        std = np.sqrt(np.maximum(cv2.blur(lightness * lightness, (7, 7)) - mean * mean, 0))
        threshold = mask_module.adaptive_threshold(values)
        lifted = (values > fraction * threshold) & (std > min_std)
        return np.where(lifted, np.maximum(values, threshold + 0.01), values).astype(np.float32)

    return distance


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--luma", type=Path, default=Path("../shared/datasets/luma"), help="The luma dataset folder.")
    args = parser.parse_args()
    cv2.setNumThreads(1)
    variants = [(f"adaptive, floor {floor}", "MIN_THRESHOLD", floor) for floor in (2.0, 2.5, 3.0, 3.5)]
    variants += [(f"adaptive + texture cue ({fraction} x threshold, L std > {std})", "backdrop_distance",
                  textured_distance(fraction, std)) for fraction, std in ((0.5, 0.8), (0.5, 1.2), (0.3, 1.0))]
    print("| variant | photos | mean IoU | worst IoU | mean boundary error (px) | s / photo |\n|---|---|---|---|---|---|")
    for label, name, value in variants:
        with patched(name, value):
            masks.METHODS = {label: lambda image: mask_module.product_mask(image)}
            print("\n".join(masks.table(masks.measure(args.luma)).splitlines()[2:]))


if __name__ == "__main__":
    main()
