"""The side-by-side: the DCGAN baseline, the default and its ablations, trained at an equal time budget
(--minutes) or equal work (--kimg), seed by seed (--seeds), and measured the same way. Prints one table, writes it as markdown and JSON, and plots FID against
training minutes.

Every variant of a dataset is scored with the same extractor and the same classifier (trained once
on the real catalog), with each figure's real-vs-real floor beside it. Evaluation time is left out
of the training clock, so each variant gets the same minutes of training.

    python bench/quality.py --datasets fashion32 luma32 --minutes 2 --out runs/quality-cpu   # CPU scale
    python bench/quality.py --datasets fashion32 --kimg 10 --variants "no diversity" default --seeds 0 1 --eval-every 0
    python bench/quality.py --datasets luma64 luma128 fashion32 --minutes 5 20 --preset gpu --extractor inception

Data comes from ../shared/datasets (or --shared); it is never copied into the repository.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw
from rich.console import Console
from rich.table import Table

from productgan.data import load_catalog
from productgan.generate import load_generator
from productgan.metrics.evaluate import EvalSettings, Evaluator
from productgan.metrics.prepare import classifier_for, extractor_for
from productgan.models.config import ModelConfig
from productgan.train import TrainConfig, train
from productgan.loop_kit.run_log import read_metrics

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Dataset:
    folder: str
    resolution: int
    channels: int
    condition: tuple[str, ...]
    min_count: int = 1
    more: tuple[str, ...] = ()  # further attributes the catalog records, for the "+more attributes" variant


DATASETS = {
    "fashion32": Dataset("fashion-mnist-900", 32, 1, ("class",)),
    "luma32": Dataset("luma", 32, 3, ("color", "category"), 5, ("view", "gender")),
    "luma64": Dataset("luma", 64, 3, ("color", "category"), 5, ("view", "gender")),
    "luma128": Dataset("luma", 128, 3, ("color", "category"), 5, ("view", "gender")),
}

# Each variant changes one thing of the default (the first two are the families themselves).
# The default has no gradient penalty and (since the CPU side-by-side) no spectral norm in D, so those
# axes are measured by adding R1 / spectral norm rather than removing them.
VARIANTS = {
    "dcgan (baseline)": {"family": "dcgan"},
    "default": {},
    "no augmentation": {"augment": []},
    "no EMA": {"ema_kimg": 0.0},
    "+R1 (gamma 0.1)": {"r1_gamma": 0.1},
    "+spectral norm": {"spectral_norm": True},
    "unconditional": {"condition": []},
    "no diversity": {"diversity_weight": 0.0},  # the default before December 2026
    "+lecam": {"lecam_weight": 0.01},
    "+balance": {"balance": "first"},
    "+minibatch std": {"minibatch_std": True},  # the resnet default since December 2026
    "no minibatch std": {"minibatch_std": False},  # the default before it
    "+skip excitation": {"skip_excitation": True},
    "+CR": {"cr_weight": 10.0},  # CR-GAN's weight (Zhang et al. 2020)
    "+ADA": {"ada_target": 0.6},  # StyleGAN2-ADA's target
    "+recon": {"reconstruction": True, "recon_weight": 1.0},  # FastGAN's self-supervised D (its weight: 1)
    # condition also on what else the catalog records (luma: view, gender); a request names some
    # attributes and the rest are drawn from the catalog's own rows, so they vary as the catalog does
    "+more attributes": {"more_attributes": True},
    "+classes": {"class_weight": 1.0},  # P2GAN's classification term (its weight: 1)
    "+more attributes +classes": {"more_attributes": True, "class_weight": 1.0},
    "+more attributes +classes 0.3": {"more_attributes": True, "class_weight": 0.3},
    "+more attributes +classes 2": {"more_attributes": True, "class_weight": 2.0},
    # G's part of the term floored at D's cross-entropy on the reals (against the white chest mark)
    "+more attributes +classes as real": {"more_attributes": True, "class_weight": 1.0, "class_as_real": True},
    # with every colour drawn equally often: luma's rare colours get as many steps of the class term
    "+more attributes +classes +balance colour": {"more_attributes": True, "class_weight": 1.0, "balance": "color"},
    # with categories drawn by 1/sqrt(count): the 7 watches get about 3x their share of steps of the term
    "+more attributes +classes +balance category": {"more_attributes": True, "class_weight": 1.0,
                                                    "balance": "category"},
    # the condition faded in from 1/8 to 1/2 of the budget (Collapse by Conditioning), against rare levels collapsing
    "+more attributes +transition": {"more_attributes": True, "transition": (0.125, 0.5)},
    "+more attributes +classes +transition": {"more_attributes": True, "class_weight": 1.0, "transition": (0.125, 0.5)},
    # the best control recipe with StyleGAN2-ADA's adaptive augmentation, the field's limited-data default
    "+more attributes +classes +ADA": {"more_attributes": True, "class_weight": 1.0, "ada_target": 0.6},
}

PRESETS = {  # model size and batch: 'cpu' trains in minutes on 2 cores, 'gpu' is for an H100/H200
    "cpu": dict(width=16, max_width=128, batch=16, ema_kimg=0.5),
    "gpu": dict(width=64, max_width=512, batch=64, ema_kimg=2.0),
}


@dataclass
class Row:
    dataset: str
    variant: str
    seed: int
    minutes: float
    kimg: float
    images_per_s: float
    figures: dict
    conditional: dict
    diversity: dict
    memorisation: float
    curve: list[tuple[float, float]] = field(default_factory=list)  # (training minutes, FID)


def variant_config(dataset: Dataset, data: Path, out: Path, minutes: float | None, preset: dict, change: dict,
                   seed: int, eval_every: float, eval_n: int, classifier: str, extractor: str,
                   kimg: float | None = None, threads: int | None = None) -> TrainConfig:
    model = ModelConfig(family=change.get("family", "resnet"), resolution=dataset.resolution, channels=dataset.channels,
                        width=preset["width"], max_width=preset["max_width"],
                        d_spectral_norm=change.get("spectral_norm"), d_minibatch_std=change.get("minibatch_std"),
                        g_skip_excitation=change.get("skip_excitation", False),
                        d_reconstruction=change.get("reconstruction", False))
    condition = list(change.get("condition", dataset.condition))
    if change.get("more_attributes"):
        condition += list(dataset.more)
    config = TrainConfig(data=str(data), out=str(out), condition=condition,
                         min_count=dataset.min_count, model=model, batch=preset["batch"], minutes=minutes, kimg=kimg,
                         seed=seed, threads=threads,
                         ema_kimg=preset["ema_kimg"], augment=["translation", "cutout", "color"],
                         sample_every_kimg=1e9, checkpoint_every_kimg=1e9,
                         eval_every_kimg=eval_every, eval_n=eval_n, eval_extractor=extractor, eval_classifier=classifier)
    overrides = {k: v for k, v in change.items() if k in ("augment", "ema_kimg", "r1_gamma", "diversity_weight",
                                                          "lecam_weight", "cr_weight", "ada_target",
                                                          "recon_weight", "class_weight", "class_as_real")}
    if change.get("balance") == "first" and config.condition:
        # the dataset's own last attribute: category on luma (its rare levels), class on fashion
        overrides["balance"] = dataset.condition[-1]
    elif change.get("balance") in config.condition:
        overrides["balance"] = change["balance"]
    if "transition" in change:  # fractions of the budget, so the cell's share of each phase is the same at any kimg
        if kimg is None:
            raise SystemExit("the transition variants need a --kimg budget: the condition fades in over fractions of it")
        overrides["condition_transition_kimg"] = tuple(fraction * kimg for fraction in change["transition"])
    return replace(config, **overrides)


def run_folder(variant: str) -> str:
    """'+R1 (gamma 0.1)' -> 'plus-R1-gamma-0-1': one folder per variant (their first words repeat: 'no ...')."""
    return re.sub(r"[^A-Za-z0-9]+", "-", variant.replace("+", "plus-")).strip("-")


def fid_curve(run: Path) -> list[tuple[float, float]]:
    return [(line["elapsed_s"] / 60, line["eval/fid"]) for line in read_metrics(run) if "eval/fid" in line]


def score(run: Path, evaluator: Evaluator, min_count: int) -> dict:
    result = evaluator.evaluate(load_generator(run), min_count=min_count)
    generated = [d["generated"] for d in result.diversity.values()]
    real = [d["real"] for d in result.diversity.values()]
    return {"figures": {k: [v.value, v.floor] for k, v in result.figures.items()},
            "conditional": {k: [v["accuracy"], v["ceiling"], v.get("held_out_mix")]
                            for k, v in result.conditional.items()},
            "diversity": [float(np.mean(generated)) if generated else None, float(np.mean(real)) if real else None],
            "memorisation": result.memorisation["share_closer_than_real_neighbours"]}


def run_dataset(name: str, args, console: Console) -> list[Row]:
    dataset, data = DATASETS[name], args.shared / DATASETS[name].folder
    if not data.is_dir():
        console.print(f"[yellow]skipping {name}: {data} not found (the benchmark reads ../shared/datasets)")
        return []
    catalog = load_catalog(data, resolution=dataset.resolution, channels=dataset.channels)
    started = time.perf_counter()
    classifier = classifier_for(catalog, list(dataset.condition), min_count=dataset.min_count, device=args.device,
                                progress=True)
    classifier_path = str(args.out / name / "classifier.safetensors")
    classifier.save(classifier_path)
    console.print(f"{name}: classifier held-out accuracy {classifier.holdout_accuracy} "
                  f"({time.perf_counter() - started:.0f} s)")
    extractor = extractor_for(args.extractor, classifier, args.inception, args.device)
    evaluator = Evaluator(catalog, extractor, classifier, EvalSettings(n=args.eval_n, per_level=args.per_level))
    rows = []
    budgets = [(None, k) for k in args.kimg] if args.kimg else [(m, None) for m in args.minutes]
    for minutes, kimg in budgets:
        budget = f"{kimg:g}kimg" if kimg else f"{minutes:g}min"
        for variant in args.variants:
            for seed in args.seeds:
                out = args.out / name / budget / run_folder(variant) / f"seed{seed}"
                config = variant_config(dataset, data, out, minutes, PRESETS[args.preset], VARIANTS[variant], seed,
                                        args.eval_every, args.curve_n, classifier_path, args.extractor, kimg,
                                        args.threads)
                result = train(config, progress=True)
                if result.stopped in ("interrupted", "terminated"):
                    raise SystemExit(143 if result.stopped == "terminated" else 130)
                scores = score(out, evaluator, dataset.min_count)
                rows.append(Row(name, variant, seed, result.elapsed_s / 60, result.images_seen / 1000,
                                result.images_per_s, scores["figures"], scores["conditional"], scores["diversity"],
                                scores["memorisation"], fid_curve(out)))
                with (args.out / "rows.md").open("a") as log:  # a cut bench keeps the rows it finished
                    log.write(markdown(rows[-1:]).splitlines()[-1] + "\n")
                console.print(f"{name} {budget} {variant} seed {seed}: FID {scores['figures']['fid'][0]:.2f} "
                              f"(floor {scores['figures']['fid'][1]:.2f}), {result.images_per_s:.0f} img/s")
    return rows


def fmt(value, digits: int = 3) -> str:
    return "-" if value is None else f"{value:.{digits}g}"


def table_rows(rows: list[Row]) -> list[list[str]]:
    out = []
    for row in rows:
        f = row.figures
        accuracy = "; ".join(f"{k} {fmt(v[0], 2)}/{fmt(v[1], 2)}" + (f" (mix {fmt(v[2], 2)})" if v[2:] and v[2] is not None else "")
                             for k, v in row.conditional.items()) or "-"
        out.append([row.dataset, f"{row.minutes:.1f}", row.variant, str(row.seed), f"{fmt(f['fid'][0])} ({fmt(f['fid'][1])})",
                    f"{fmt(f['kid'][0], 2)} ({fmt(f['kid'][1], 2)})", f"{fmt(f['precision'][0], 2)} ({fmt(f['precision'][1], 2)})",
                    f"{fmt(f['recall'][0], 2)} ({fmt(f['recall'][1], 2)})", accuracy,
                    f"{fmt(row.diversity[0], 2)} ({fmt(row.diversity[1], 2)})", f"{row.memorisation:.1%}",
                    f"{row.kimg:.1f}", f"{row.images_per_s:.0f}"])
    return out


HEADER = ["dataset", "min", "variant", "seed", "FID (floor)", "KID (floor)", "precision (floor)", "recall (floor)",
          "cond. accuracy, levels alike / ceiling (held-out mix)", "MS-SSIM (real)", "memorised", "kimg", "img/s"]


def markdown(rows: list[Row]) -> str:
    lines = ["| " + " | ".join(HEADER) + " |", "|" + "---|" * len(HEADER)]
    lines += ["| " + " | ".join(cells) + " |" for cells in table_rows(rows)]
    return "\n".join(lines) + "\n"


PALETTE = ["#c0392b", "#2471a3", "#27ae60", "#8e44ad", "#d35400", "#16a085", "#7f8c8d", "#2c3e50"]


def plot_curves(rows: list[Row], path: Path, panel=(560, 420)) -> None:
    """FID against training minutes: one panel per dataset, one line per variant (PIL, no matplotlib).

    Curve points use --curve-n samples, so they sit above the final figures (FID falls with sample size).
    """
    datasets = list(dict.fromkeys(row.dataset for row in rows if row.curve))
    if not datasets:
        return
    image = Image.new("RGB", (panel[0] * len(datasets), panel[1]), "white")
    draw = ImageDraw.Draw(image)
    for column, dataset in enumerate(datasets):
        chosen = [row for row in rows if row.dataset == dataset and row.curve]
        _panel(draw, chosen, column * panel[0], panel, dataset)
    image.save(path)


def _panel(draw: ImageDraw.ImageDraw, rows: list[Row], left: int, size, title: str) -> None:
    pad, legend = 46, 170
    points = [p for row in rows for p in row.curve]
    x1 = max(p[0] for p in points) or 1.0
    y1 = float(np.percentile([p[1] for p in points], 90)) * 1.1 or 1.0  # early outliers would flatten the rest
    width, bottom = size[0] - 2 * pad - legend, size[1] - pad

    def to_xy(minutes: float, value: float) -> tuple[float, float]:
        return left + pad + minutes / x1 * width, bottom - min(value, y1) / y1 * (size[1] - 2 * pad)

    draw.line([(left + pad, pad), (left + pad, bottom), (left + pad + width, bottom)], fill="black")
    draw.text((left + pad, 12), f"{title}: FID (domain features) vs training minutes", fill="black")
    draw.text((left + pad - 4, bottom + 8), "0", fill="black")
    draw.text((left + pad + width - 40, bottom + 8), f"{x1:.1f} min", fill="black")
    draw.text((left + 4, pad - 14), f"{y1:.0f}", fill="black")
    for i, row in enumerate(rows):
        color = PALETTE[i % len(PALETTE)]
        xy = [to_xy(m, f) for m, f in row.curve]
        if len(xy) > 1:
            draw.line(xy, fill=color, width=2)
        for x, y in xy:
            draw.ellipse([x - 2, y - 2, x + 2, y + 2], fill=color)
        draw.text((left + size[0] - legend - 10, pad + 16 * i), row.variant, fill=color)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--datasets", nargs="+", default=["fashion32", "luma32"], choices=list(DATASETS))
    parser.add_argument("--minutes", nargs="+", type=float, default=[2.0])
    parser.add_argument("--kimg", nargs="+", type=float, default=None,
                        help="work budgets instead of --minutes: equal work, whatever else the machine does")
    parser.add_argument("--variants", nargs="+", default=list(VARIANTS), choices=list(VARIANTS))
    parser.add_argument("--preset", default="cpu", choices=list(PRESETS))
    parser.add_argument("--extractor", default="domain", choices=["domain", "inception"])
    parser.add_argument("--inception", default=None, help="local Inception-v3 FID TorchScript file")
    parser.add_argument("--eval-n", type=int, default=1000, help="generated images for the final figures")
    parser.add_argument("--per-level", type=int, default=50)
    parser.add_argument("--eval-every", type=float, default=4.0, help="kimg between points of the FID curve")
    parser.add_argument("--curve-n", type=int, default=300, help="generated images per curve point")
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1])
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--threads", type=int, default=None,
                        help="torch CPU threads per training run (default: chosen by measurement); "
                             "1 when two benches share two cores")
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "datasets")
    parser.add_argument("--out", type=Path, default=ROOT / "runs" / "quality")
    parser.add_argument("--replot", action="store_true", help="only redraw --out's plot from its quality.json")
    return parser.parse_args(argv)


def main(argv=None) -> int:
    args = parse_args(argv)
    console = Console(width=200)
    if args.replot:
        rows = [Row(**{"seed": 0, **record}) for record in json.loads((args.out / "quality.json").read_text())]
        plot_curves(rows, args.out / "fid-vs-minutes.png")
        return 0
    rows = [row for name in args.datasets for row in run_dataset(name, args, console)]
    if not rows:
        console.print("[red]nothing measured: no dataset found")
        return 1
    table = Table(title=f"quality at equal training {'work' if args.kimg else 'time'} ({args.preset} preset, {args.extractor} features, "
                        f"device {args.device}); floors in brackets")
    for column in HEADER:
        table.add_column(column)
    for cells in table_rows(rows):
        table.add_row(*cells)
    console.print(table)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "quality.md").write_text(markdown(rows))
    (args.out / "quality.json").write_text(json.dumps([row.__dict__ for row in rows], indent=2))
    plot_curves(rows, args.out / "fid-vs-minutes.png")
    console.print(f"wrote {args.out / 'quality.md'}, quality.json, fid-vs-minutes.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
