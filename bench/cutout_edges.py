"""Cut-out edges against a known alpha: synthetic composites (a product of known coverage on the
white studio backdrop, edges antialiased, saved as JPEG quality 90), cut out with the feathered
mask (matte=False) and with the matted edge (the default), then compared with the truth.

    PYTHONPATH=src python bench/cutout_edges.py

Reported within 3 px of the true outline: the mean alpha error (0..1), and the mean CIEDE2000
between the cut-out composited onto a dark navy page and the true product composited onto it
(what a shopper sees at the edge: a white halo is a large error).
"""

from __future__ import annotations

import io

import cv2
import numpy as np
from PIL import Image

from productgan.edit.cutout import cutout
from productgan.edit.mask import lab
from productgan.metrics.fidelity import ciede2000

PRODUCTS = {"orange": (235, 120, 30), "navy": (30, 40, 110), "light grey": (215, 215, 212),
            "white on white": (246, 246, 243)}
PAGE = (20, 30, 60)
SIZE, SUPERSAMPLE = 192, 4


def composite(color: tuple[int, int, int], seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(uint8 RGB JPEG-decoded photo, float true coverage, float product colour): a random convex
    blob with a round bump, shaded left to right."""
    rng = np.random.default_rng(seed)
    big = SIZE * SUPERSAMPLE
    coverage = np.zeros((big, big), np.float32)
    points = (rng.uniform(0.3, 0.7, (7, 2)) * big).astype(np.int32)
    cv2.fillPoly(coverage, [cv2.convexHull(points)], 1.0)
    cv2.circle(coverage, tuple(int(v) for v in points[0]), big // 6, 1.0, -1)
    coverage = cv2.resize(coverage, (SIZE, SIZE), interpolation=cv2.INTER_AREA)
    shade = 0.85 + 0.15 * np.linspace(0, 1, SIZE)[None, :, None]
    product = np.asarray(color, np.float32) * shade
    photo = coverage[..., None] * product + (1 - coverage[..., None]) * 255.0
    buffer = io.BytesIO()
    Image.fromarray(np.clip(np.rint(photo), 0, 255).astype(np.uint8)).save(buffer, format="JPEG", quality=90)
    return np.asarray(Image.open(buffer).convert("RGB")), coverage, product


def edge_errors(photo: np.ndarray, coverage: np.ndarray, product: np.ndarray, matte: bool) -> tuple[float, float]:
    band = (cv2.dilate((coverage > 0.5).astype(np.uint8), np.ones((7, 7))) > 0) & ~(
        cv2.erode((coverage > 0.5).astype(np.uint8), np.ones((7, 7))) > 0)
    rgba = cutout(photo, matte=matte)
    alpha = rgba[..., 3].astype(np.float32) / 255.0
    page = np.asarray(PAGE, np.float32)
    shown = alpha[..., None] * rgba[..., :3] + (1 - alpha[..., None]) * page
    truth = coverage[..., None] * product + (1 - coverage[..., None]) * page
    difference = ciede2000(*(lab(np.clip(np.rint(image), 0, 255).astype(np.uint8))[band] for image in (shown, truth)))
    return float(np.abs(alpha - coverage)[band].mean()), float(np.mean(difference))


def main() -> None:
    print("| product | edge | mean alpha error | mean CIEDE2000 on a navy page |\n|---|---|---|---|")
    for name, color in PRODUCTS.items():
        for matte in (False, True):
            errors = [edge_errors(*composite(color, seed), matte=matte) for seed in range(6)]
            label = "matted (default)" if matte else "feathered mask"
            print(f"| {name} | {label} | {np.mean([e[0] for e in errors]):.3f} | {np.mean([e[1] for e in errors]):.1f} |")


if __name__ == "__main__":
    main()
