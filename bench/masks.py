"""Product masks against the check set's reference masks (bench/mask_check/): IoU, boundary error
and time per photo, for each mask method, over all photos and over the white/light-on-white subset.

    PYTHONPATH=src python bench/masks.py --luma ../shared/datasets/luma --threads 1
    PYTHONPATH=src python bench/masks.py --luma ../shared/datasets/luma --threads 1 --speed

--speed times the mask methods, cutout and recolour on one luma photo enlarged to 1000 px on its
long side (806 x 1000), median of 5 runs, and prints each as seconds per megapixel too.

IoU: intersection over union with the reference. Boundary error: the mean distance (px, at the
photos' own 619 x 768) from each contour pixel of one mask to the nearest contour pixel of the
other, both ways (symmetric mean contour distance). The references were built by
bench/make_mask_refs.py (threshold hand-tuned per photo + 10 GrabCut iterations, inspected by eye),
so methods close to that recipe have a head start; the white subset is where they differ.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Callable

import cv2
import numpy as np
from PIL import Image

from make_mask_refs import CHECK_DIR, check_set
from productgan.edit.mask import product_mask
from productgan.photo_io import read_photo

def as_shipped_before(image: np.ndarray) -> np.ndarray:
    """product_mask before issue 15: fixed threshold 12, and no filling of large faint gaps."""
    import productgan.edit.mask as mask_module

    kept, mask_module.FAINT_HOLE = mask_module.FAINT_HOLE, float("inf")
    try:
        return product_mask(image, threshold=12.0)
    finally:
        mask_module.FAINT_HOLE = kept


METHODS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "fixed 12, as shipped before": as_shipped_before,
    "fixed 12 + faint-gap fill": lambda image: product_mask(image, threshold=12.0),
    "fixed 4": lambda image: product_mask(image, threshold=4.0),
    "adaptive": lambda image: product_mask(image),
    "adaptive + GrabCut": lambda image: product_mask(image, grabcut=True),
}


def contour(mask: np.ndarray) -> np.ndarray:
    return mask & ~cv2.erode(mask.astype(np.uint8), np.ones((3, 3), np.uint8)).astype(bool)


def boundary_error(mask: np.ndarray, reference: np.ndarray) -> float:
    """Symmetric mean distance (px) between the two masks' contours."""
    edges, reference_edges = contour(mask), contour(reference)
    if not edges.any() or not reference_edges.any():
        return float(max(mask.shape))
    to_reference = cv2.distanceTransform((~reference_edges).astype(np.uint8), cv2.DIST_L2, 5)
    to_mask = cv2.distanceTransform((~edges).astype(np.uint8), cv2.DIST_L2, 5)
    return float((to_reference[edges].mean() + to_mask[reference_edges].mean()) / 2)


def iou(mask: np.ndarray, reference: np.ndarray) -> float:
    return float((mask & reference).sum() / max(1, (mask | reference).sum()))


def measure(luma: Path) -> list[dict]:
    rows = []
    for photo in check_set():
        image = read_photo(luma / "images" / photo["file"])
        reference = np.asarray(Image.open(CHECK_DIR / (Path(photo["file"]).stem + ".png")).convert("L")) > 127
        for name, method in METHODS.items():
            start = time.perf_counter()
            mask = method(image)
            seconds = time.perf_counter() - start
            rows.append({"file": photo["file"], "subset": photo["subset"], "method": name, "iou": iou(mask, reference),
                         "boundary": boundary_error(mask, reference), "seconds": seconds})
    return rows


def table(rows: list[dict]) -> str:
    lines = ["| method | photos | mean IoU | worst IoU | mean boundary error (px) | s / photo |", "|---|---|---|---|---|---|"]
    for name in METHODS:
        for label, keep in (("all 25", lambda r: True), ("white/light (14)", lambda r: r["subset"] == "white"),
                            ("bags, watches, other (11)", lambda r: r["subset"] != "white")):
            chosen = [r for r in rows if r["method"] == name and keep(r)]
            ious = [r["iou"] for r in chosen]
            lines.append(f"| {name} | {label} | {np.mean(ious):.3f} | {min(ious):.3f} | "
                         f"{np.mean([r['boundary'] for r in chosen]):.1f} | {np.median([r['seconds'] for r in chosen]):.2f} |")
    return "\n".join(lines)


def speed(luma: Path, runs: int = 5) -> str:
    from productgan.edit.cutout import cutout
    from productgan.edit.recolor import recolor

    photo = read_photo(luma / "images" / "wt09-white_main.jpg")
    photo = cv2.resize(photo, (806, 1000), interpolation=cv2.INTER_CUBIC)
    steps = {**METHODS, "cutout (adaptive mask + matted edge)": lambda image: cutout(image),
             "recolor (adaptive mask, dominant, no halo)": lambda image: recolor(image, "#2050c0")}
    lines = ["| step (806 x 1000 px) | s | s / megapixel |", "|---|---|---|"]
    for name, step in steps.items():
        times = []
        for _ in range(runs):
            start = time.perf_counter()
            step(photo)
            times.append(time.perf_counter() - start)
        seconds = float(np.median(times))
        lines.append(f"| {name} | {seconds:.2f} | {seconds / (photo.shape[0] * photo.shape[1] / 1e6):.2f} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--luma", type=Path, default=Path("../shared/datasets/luma"), help="The luma dataset folder.")
    parser.add_argument("--threads", type=int, default=1, help="OpenCV threads (1: comparable on a shared machine).")
    parser.add_argument("--per-photo", action="store_true", help="Also print each photo's IoU per method.")
    parser.add_argument("--speed", action="store_true", help="Time the methods on a 1000 px photo instead.")
    args = parser.parse_args()
    cv2.setNumThreads(args.threads)
    if args.speed:
        print(speed(args.luma))
        return
    rows = measure(args.luma)
    print(table(rows))
    if args.per_photo:
        for row in rows:
            print(f"{row['file']:26s} {row['method']:28s} IoU {row['iou']:.3f} boundary {row['boundary']:6.1f}")


if __name__ == "__main__":
    main()
