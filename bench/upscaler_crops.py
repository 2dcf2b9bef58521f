"""The same 1:1 region of a photo as two `catalog prepare` runs enlarged it, side by side.

    python bench/upscaler_crops.py --prepared /tmp/luma150-lanczos /tmp/luma150-shipped \
        --photos images/wj01-red_main.jpg --out docs/catalog --size 240 [--centre 0.5 0.4]

For each photo (its input name in the manifests), cuts a size x size region at `--centre` (shares of
the output's width and height) out of each run's output, unscaled, and writes them left to right on
a grey strip: OUT_DIR/<stem>-upscalers.jpg. Also prints, over every photo both runs did, the mean
PSNR between the two runs' outputs (how far apart the two upscalers put the same photo).
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

import numpy as np

from productgan.metrics.fidelity import image_psnr
from productgan.photo_io import read_photo, write_photo


def outputs(prepared: Path) -> dict[str, Path]:
    with open(prepared / "manifest.csv", newline="", encoding="utf-8") as handle:
        return {row["input"]: prepared / row["output"] for row in csv.DictReader(handle) if row["status"] == "done"}


def region(image: np.ndarray, centre: tuple[float, float], size: int) -> np.ndarray:
    top = min(max(0, round(centre[1] * image.shape[0]) - size // 2), image.shape[0] - size)
    left = min(max(0, round(centre[0] * image.shape[1]) - size // 2), image.shape[1] - size)
    return image[top:top + size, left:left + size]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--prepared", type=Path, nargs="+", required=True, help="run folders, left to right")
    parser.add_argument("--photos", nargs="+", required=True, help="input names as in the manifests")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--size", type=int, default=240)
    parser.add_argument("--centre", type=float, nargs=2, default=(0.5, 0.4))
    parser.add_argument("--gap", type=int, default=8)
    args = parser.parse_args()
    runs = [outputs(folder) for folder in args.prepared]
    for name in args.photos:
        crops = [region(read_photo(run[name]), tuple(args.centre), args.size) for run in runs]
        strip = np.full((args.size + 2 * args.gap, len(crops) * (args.size + args.gap) + args.gap, 3), 128, np.uint8)
        for index, crop in enumerate(crops):
            left = args.gap + index * (args.size + args.gap)
            strip[args.gap:args.gap + args.size, left:left + args.size] = crop
        print(f"wrote {write_photo(strip, args.out / (Path(name).stem + '-upscalers.jpg'), quality=92)}")
    if len(runs) == 2:
        common = sorted(set(runs[0]) & set(runs[1]))
        values = [image_psnr(read_photo(runs[0][n]), read_photo(runs[1][n])) for n in common]
        print(f"mean PSNR between the two runs' outputs over {len(common)} photos: {np.mean(values):.2f} dB "
              f"(min {min(values):.2f}, max {max(values):.2f})")


if __name__ == "__main__":
    main()
