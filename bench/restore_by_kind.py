"""Restoration checkpoints side by side, one kind of damage at a time (blind, PSNR capped at 60 dB).

    python bench/restore_by_kind.py PHOTOS CHECKPOINT [CHECKPOINT ...] [--picture OUT.png]

The held-out photos are the first checkpoint's (luma at /work/shared/datasets/luma), damaged with the
seeds of bench/edit_enhance.py's "restore by damage" table; a quick way to compare training recipes
and snapshots without the classical methods' CPU time. Prints one row per damage kind. --picture
writes a labelled grid: per kind (rows), a 96 px crop of the first photo's product, damaged, through
each checkpoint, and clean (columns), so what a figure means can be seen.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from edit_enhance import held_out_photos, square_hr  # noqa: E402
from productgan.enhance.apply import build_enhancer
from productgan.enhance.degrade import degrade_for_restore
from productgan.enhance.measure import DAMAGE_KINDS, PSNR_CAP, one_damage
from productgan.grid import labelled_grid
from productgan.metrics.fidelity import mean_image_psnr
from productgan.photo_io import write_photo

DATA = "/work/shared/datasets/luma"
CROP = 96


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("photos", type=int)
    parser.add_argument("checkpoints", nargs="+")
    parser.add_argument("--picture", type=Path, default=None)
    args = parser.parse_args()
    hr = [square_hr(p) for p in held_out_photos(DATA, args.checkpoints[0], args.photos, 0)]
    models = {path: build_enhancer("restore", path) for path in args.checkpoints}
    print("| damage | input | " + " | ".join(args.checkpoints) + " |")
    rows = []
    for kind in ("none", *DAMAGE_KINDS):
        damaged = [degrade_for_restore(image, np.random.default_rng(1000 + i), one_damage(kind)) for i, image in enumerate(hr)]
        outputs = [[model(d.image) for d in damaged] for model in models.values()]
        row = [mean_image_psnr([d.image for d in damaged], hr, cap=PSNR_CAP)]
        row += [mean_image_psnr(restored, hr, cap=PSNR_CAP) for restored in outputs]
        print(f"| {kind} | " + " | ".join(f"{value:.2f}" for value in row) + " |", flush=True)
        rows.append([damaged[0].image] + [restored[0] for restored in outputs] + [hr[0]])
    if args.picture:
        write_picture(rows, [name for name in args.checkpoints], args.picture)


def write_picture(rows: list[list[np.ndarray]], names: list[str], out: Path) -> None:
    """One row per damage kind: the same centred crop of damaged | each checkpoint | clean."""
    top = (rows[0][0].shape[0] - CROP) // 2
    window = (slice(top, top + CROP), slice(top, top + CROP))
    grid = np.concatenate([np.concatenate([image[window] for image in row], axis=1) for row in rows], axis=0)
    columns = ["damaged"] + [Path(name).stem for name in names] + ["clean"]
    write_photo(labelled_grid(grid, ["none", *DAMAGE_KINDS], columns, scale=2), out)
    print(f"wrote {out}")


if __name__ == "__main__":
    main()
