"""Restoration checkpoints side by side, one kind of damage at a time (blind, PSNR capped at 60 dB).

    python bench/restore_by_kind.py PHOTOS CHECKPOINT [CHECKPOINT ...]

The held-out photos are the first checkpoint's (luma at /work/shared/datasets/luma), damaged with the
seeds of bench/edit_enhance.py's "restore by damage" table; a quick way to compare training recipes
and snapshots without the classical methods' CPU time. Prints one row per damage kind.
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))
from edit_enhance import held_out_photos, square_hr  # noqa: E402
from productgan.enhance.apply import build_enhancer
from productgan.enhance.degrade import degrade_for_restore
from productgan.enhance.measure import DAMAGE_KINDS, PSNR_CAP, one_damage
from productgan.metrics.fidelity import mean_image_psnr

DATA = "/work/shared/datasets/luma"


def main() -> None:
    count, paths = int(sys.argv[1]), sys.argv[2:]
    hr = [square_hr(p) for p in held_out_photos(DATA, paths[0], count, 0)]
    models = {path: build_enhancer("restore", path) for path in paths}
    print("| damage | input | " + " | ".join(paths) + " |")
    for kind in ("none", *DAMAGE_KINDS):
        damaged = [degrade_for_restore(image, np.random.default_rng(1000 + i), one_damage(kind)) for i, image in enumerate(hr)]
        row = [mean_image_psnr([d.image for d in damaged], hr, cap=PSNR_CAP)]
        row += [mean_image_psnr([model(d.image) for d in damaged], hr, cap=PSNR_CAP) for model in models.values()]
        print(f"| {kind} | " + " | ".join(f"{value:.2f}" for value in row) + " |", flush=True)


if __name__ == "__main__":
    main()
