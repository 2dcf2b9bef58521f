"""How much of a white or light product the `whiten` chain step keeps, on the check set's white subset
(bench/mask_check/, references from bench/make_mask_refs.py): the fixed threshold 12 it used before
issue 15 against the adaptive threshold it uses now (edit.mask.adaptive_threshold).

    PYTHONPATH=src python bench/whiten_kept.py --luma ../shared/datasets/luma

kept: share of the reference product's pixels whiten leaves within 2 grey levels of the photo.
erased: share it turned pure white (>= 254) that were not near-white (< 250) in the photo.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np
from PIL import Image

from make_mask_refs import CHECK_DIR, check_set
from productgan.enhance.classic import ClassicChain
from productgan.photo_io import read_photo

CHAINS = {"threshold 12 (before)": "whiten:threshold=12", "adaptive (now)": "whiten"}


def kept_and_erased(image: np.ndarray, reference: np.ndarray, chain: str) -> tuple[float, float]:
    whitened = ClassicChain.parse(chain)(image)
    kept = (np.abs(whitened.astype(int) - image).max(axis=2) <= 2) & reference
    erased = (whitened.min(axis=2) >= 254) & (image.min(axis=2) < 250) & reference
    return kept.sum() / reference.sum(), erased.sum() / reference.sum()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--luma", type=Path, required=True, help="The shared luma folder (its images/).")
    args = parser.parse_args()
    totals = {name: [] for name in CHAINS}
    print("| photo | " + " | ".join(f"{name}: kept / erased" for name in CHAINS) + " |")
    print("|---|" + "---|" * len(CHAINS))
    for row in (r for r in check_set() if r["subset"] == "white"):
        image = read_photo(args.luma / "images" / row["file"])
        reference = np.asarray(Image.open(CHECK_DIR / (Path(row["file"]).stem + ".png")).convert("L")) > 127
        cells = []
        for name, chain in CHAINS.items():
            kept, erased = kept_and_erased(image, reference, chain)
            totals[name].append((kept, erased))
            cells.append(f"{kept:.3f} / {erased:.3f}")
        print(f"| {row['file']} | " + " | ".join(cells) + " |")
    print("| **mean** | " + " | ".join(f"{np.mean([k for k, _ in v]):.3f} / {np.mean([e for _, e in v]):.3f}"
                                       for v in totals.values()) + " |")


if __name__ == "__main__":
    main()
