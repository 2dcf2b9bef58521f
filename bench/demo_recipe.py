"""The demo's recipe against candidate changes, at the demo's own work budget, seed by seed.

Each variant changes one thing of `productgan.demo.demo_config` and trains the same kimg (work,
not wall-clock: a busy machine makes a run slower, never shorter). Every run is then measured as
the demo's report measures it: exact colour control, FID/recall/coverage on domain features beside
their floors, and variety within one (category, colour) — the figure that shows mode collapse.

    python bench/demo_recipe.py --variants no-diversity default --seeds 0 1 --out runs/demo-recipe
    python bench/demo_recipe.py --kimg 4 --variants default --seeds 0 --out /tmp/x   # a quick look

Prints one row per (variant, seed) and the mean per variant; writes recipe.md and recipe.json.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
from rich.console import Console
from rich.table import Table

from productgan.data import load_catalog
from productgan.demo import DEMO_KIMG, demo_config, measure, variety_classifier
from productgan.demo_measure import color_accuracy, variety_within_products
from productgan.generate import load_generator
from productgan.train import train

# Each candidate is published for limited data or mode collapse (docs/MODEL.md says which paper).
VARIANTS = {
    "default": {},  # since December 2026 with the diversity-sensitive loss at weight 1
    "no-diversity": {"diversity_weight": 0.0},  # the default before it
    "diversity-0.3": {"diversity_weight": 0.3},
    "diversity-2": {"diversity_weight": 2.0},
    "lecam": {"lecam_weight": 0.01},
    "spectral-norm": {"model.d_spectral_norm": True},
    "batch-32": {"batch": 32},
    "minibatch-std": {"model.d_minibatch_std": True},  # the default since December 2026
    "no-minibatch-std": {"model.d_minibatch_std": False},  # the default before it
    "cr": {"cr_weight": 10.0},  # CR-GAN's weight (Zhang et al. 2020)
    "ada": {"ada_target": 0.6},  # StyleGAN2-ADA's target; p may cross [0, 1] in ada_kimg (5)
    "skip-excitation": {"model.g_skip_excitation": True},
    "recon": {"model.d_reconstruction": True, "recon_weight": 1.0},  # FastGAN's self-supervised D (its weight: 1)
    "width-24": {"model.width": 24},  # 1.5x the channels: more capacity, more cost per image
    "balance": {"balance": "category"},
    "classes": {"class_weight": 1.0},  # P2GAN's classification term (its weight: 1)
    # every attribute the catalog records: a request names some, the rest are drawn from the catalog's rows
    "all-attributes": {"condition": ["category", "color", "pattern", "size", "angle", "material"]},
    # with every attribute given, z has little left to vary but shade: is the diversity term still needed?
    "all-attributes-no-diversity": {"condition": ["category", "color", "pattern", "size", "angle", "material"],
                                    "diversity_weight": 0.0},
    "all-attributes-diversity-0.3": {"condition": ["category", "color", "pattern", "size", "angle", "material"],
                                     "diversity_weight": 0.3},
}


def variant_config(name: str, out: Path, seed: int, kimg: float, threads: int | None):
    config = demo_config(out, seed=seed, kimg=kimg, threads=threads)
    for key, value in VARIANTS[name].items():
        if key.startswith("model."):
            config.model = replace(config.model, **{key.split(".", 1)[1]: value})
        else:
            config = replace(config, **{key: value})
    return config


def run_one(name: str, seed: int, args, catalog, variety_reader) -> dict:
    out = args.out / f"{name}-seed{seed}"
    result = train(variant_config(name, out, seed, args.kimg, args.threads), progress=True, catalog=catalog)
    if result.stopped in ("interrupted", "terminated"):  # a kill stops the whole bench, not just this run
        raise SystemExit(130 if result.stopped == "interrupted" else 143)
    generator = load_generator(out)
    measured = measure(catalog, generator, out, seed=0, progress=False)  # seed 0: one classifier for all runs
    figures = measured.figures
    variety = variety_within_products(generator, catalog, variety_reader)
    return {"variant": name, "seed": seed, "kimg": result.images_seen / 1000, "img_s": result.images_per_s,
            "threads": result.threads, "color": float(np.mean(list(color_accuracy(generator).values()))),
            "fid": figures["fid"].value, "fid_floor": figures["fid"].floor,
            "recall": figures["recall"].value, "recall_floor": figures["recall"].floor,
            "coverage": figures["coverage"].value, "coverage_floor": figures["coverage"].floor,
            "precision": figures["precision"].value,
            "category_acc": measured.conditional.get("category", {}).get("accuracy"),
            "variety": float(np.mean(list(variety.values()))), "variety_by_attribute": variety}


COLUMNS = [("variant", "{}"), ("seed", "{}"), ("kimg", "{:.1f}"), ("img_s", "{:.0f}"), ("color", "{:.0%}"),
           ("category_acc", "{:.0%}"), ("fid", "{:.1f}"), ("precision", "{:.2f}"), ("recall", "{:.3f}"),
           ("coverage", "{:.2f}"), ("variety", "{:.2f}")]


def mean_rows(rows: list[dict]) -> list[dict]:
    means = []
    for name in dict.fromkeys(row["variant"] for row in rows):
        chosen = [row for row in rows if row["variant"] == name]
        means.append({"variant": name, "seed": "mean"} | {key: float(np.mean([row[key] for row in chosen]))
                                                          for key, _ in COLUMNS[2:]})
    return means


def cells(row: dict) -> list[str]:
    return [fmt.format(row[key]) if row.get(key) is not None else "-" for key, fmt in COLUMNS]


def markdown(rows: list[dict]) -> str:
    lines = ["| " + " | ".join(key for key, _ in COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    return "\n".join(lines + ["| " + " | ".join(cells(row)) + " |" for row in rows]) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--variants", nargs="+", default=["no-diversity", "default"], choices=list(VARIANTS))
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1])
    parser.add_argument("--kimg", type=float, default=DEMO_KIMG)
    parser.add_argument("--threads", type=int, default=None, help="fix torch's threads (default: chosen by measurement)")
    parser.add_argument("--out", type=Path, default=Path("runs/demo-recipe"))
    args = parser.parse_args(argv)
    console = Console(width=160)
    catalog = load_catalog("builtin:catalog", resolution=32)
    variety_reader = variety_classifier(catalog, 0, progress=False)
    rows = []
    args.out.mkdir(parents=True, exist_ok=True)
    for name in args.variants:
        for seed in args.seeds:
            rows.append(run_one(name, seed, args, catalog, variety_reader))
            console.print("  ".join(cells(rows[-1])))
            with (args.out / "rows.jsonl").open("a") as log:  # a cut bench keeps the rows it finished
                log.write(json.dumps(rows[-1]) + "\n")
    floors = rows[0]
    table = Table(title=f"demo recipe at {args.kimg:g} kimg (floors: FID {floors['fid_floor']:.1f}, recall "
                        f"{floors['recall_floor']:.2f}, coverage {floors['coverage_floor']:.2f}; variety 1.00 = as "
                        "varied as the catalog)")
    for key, _ in COLUMNS:
        table.add_column(key)
    for row in rows + mean_rows(rows):
        table.add_row(*cells(row))
    console.print(table)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "recipe.md").write_text(markdown(rows + mean_rows(rows)))
    (args.out / "recipe.json").write_text(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
