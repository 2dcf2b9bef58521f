"""The main job on a laptop: train on the built-in catalog, draw every category and colour, report.

The demo trains a fixed amount of work (DEMO_KIMG thousand images, about 5 minutes on two free
CPU cores), not a wall-clock budget: on a busy or slower machine it takes longer but ends with
the same model, so its figures do not depend on what else the machine was doing. `minutes` is
still there for a quick look, and the report says plainly how much training a run got.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np

from productgan.data import load_catalog
from productgan.data.builtin import BUILTIN_ATTRIBUTES
from productgan.demo_measure import VARIETY_ATTRIBUTES, color_accuracy, variety_within_products
from productgan.generate import ProductGenerator
from productgan.grid import labelled_grid
from productgan.imaging import make_grid, write_png
from productgan.metrics.evaluate import EvalResult, EvalSettings, Evaluator
from productgan.metrics.prepare import RUN_CLASSIFIER_NAME, classifier_for
from productgan.metrics.summary import headline_text
from productgan.models.config import ModelConfig
from productgan.report import GridSection, ReportTable, write_report
from productgan.train import TrainConfig, train
from productgan.loop_kit import Terminated

# Every attribute the catalog records (docs/BENCHMARKS.md, "Conditioning on every attribute"): a
# request names some, and the rest are drawn from the catalog's own rows, so "a red shoe" varies in
# pattern, size, angle and material as the catalog's red shoes do, instead of leaving z to find them.
DEMO_CONDITION = list(BUILTIN_ATTRIBUTES)
MEASURED_ATTRIBUTES = ["category", "color"]  # the domain classifier's: the headline figures' features
DEMO_KIMG = 64.0  # about 5 minutes at the 220 img/s two free cores gave (docs/BENCHMARKS.md)
MEANINGFUL_SHARE = 0.5  # below this share of DEMO_KIMG the report says its figures mean little
DEMO_CLASSIFIER_EPOCHS = 3.0  # 95-100% held-out accuracy on both attributes in seconds (docs/BENCHMARKS.md)
DEMO_EVAL_N = 500
SEED_STRIP = {"category": "shoe", "color": "red"}  # the product whose six seeds the report shows


def demo_config(out: Path, seed: int = 0, resolution: int = 32, kimg: float | None = DEMO_KIMG,
                minutes: float | None = None, threads: int | None = None) -> TrainConfig:
    """The demo's settings: the default model at laptop scale.

    Measured on 2 CPU cores (docs/BENCHMARKS.md): batch 16 gives twice the updates of batch 32 in
    the same minutes and learns shapes sooner; with 3072 images, translation alone is enough
    augmentation for a few minutes of training (cutout slowed early learning).
    """
    return TrainConfig(
        data="builtin:catalog", out=str(out), condition=list(DEMO_CONDITION),
        model=ModelConfig(family="resnet", resolution=resolution, width=16, max_width=128, latent_dim=64, embed_dim=64),
        batch=16, minutes=minutes, kimg=kimg, seed=seed, sample_every_kimg=5, checkpoint_every_kimg=5,
        augment=["translation"], ema_kimg=0.5, device="auto", threads=threads,
    )


def category_by_color_grid(generator: ProductGenerator, seed: int) -> np.ndarray:
    """Rows: categories; columns: colours; one product (latent and other attributes) for the whole grid.

    The other attributes (pattern, size, ...) are one row the catalog has, drawn once, so every cell is
    the same product and only its category and colour change.
    """
    z, labels = generator.inputs(1, seed=seed)
    by_color = generator.every_level(labels, "color")
    labels = generator.every_level(by_color, "category", held=["color"])  # row i * colours + j
    images = generator.render(z.repeat(len(labels), 1), labels)
    return make_grid(images, ncols=len(generator.levels["color"]))


def training_words(images_seen: int, elapsed_s: float, planned_kimg: float | None) -> tuple[str, list[str]]:
    """The report's line on how much training the run got, and a warning when it was too little."""
    kimg, rate = images_seen / 1000, images_seen / max(elapsed_s, 1e-9)
    words = f"{kimg:.1f} kimg in {elapsed_s:.0f} s ({rate:.0f} img/s); the demo's default is {DEMO_KIMG:g} kimg"
    if kimg >= DEMO_KIMG * MEANINGFUL_SHARE:
        return words, []
    cause = ("its --minutes budget ran out first" if planned_kimg is None or kimg < planned_kimg - 0.05
             else f"it was asked for only {planned_kimg:g} kimg")
    return words, [f"This run is too short for its figures to mean much: it trained {kimg:.1f} kimg, "
                   f"{kimg / DEMO_KIMG:.0%} of the demo's default {DEMO_KIMG:g} kimg ({cause}). The samples and "
                   "figures below describe an undertrained model, not what the default reaches. Run "
                   "`productgan demo` without --minutes or --kimg for the full training; on a busy machine it "
                   "takes longer, and gives the same result."]


def run_demo(out: str | Path, kimg: float | None = DEMO_KIMG, minutes: float | None = None, seed: int = 0,
             resolution: int = 32, threads: int | None = None, progress: bool = True) -> Path:
    """Train, then write labelled grids for every category and colour and report.html; returns its path."""
    out = Path(out)
    started = time.perf_counter()
    catalog = load_catalog("builtin:catalog", resolution=resolution)
    data_s = time.perf_counter() - started
    result = train(demo_config(out, seed, resolution, kimg, minutes, threads), progress=progress, catalog=catalog)
    if result.stopped in ("interrupted", "terminated"):  # checkpoint written; no report of a run cut short
        raise Terminated() if result.stopped == "terminated" else KeyboardInterrupt()
    from productgan.generate import load_generator

    generator = load_generator(result.checkpoint)
    sections = draw_sections(generator, catalog, out, seed)
    accuracy = color_accuracy(generator)
    measured = measure(catalog, generator, out, seed, progress)
    variety = variety_within_products(generator, catalog, variety_classifier(catalog, seed, progress))
    trained, warnings = training_words(result.images_seen, result.elapsed_s, kimg)
    summary = {
        "catalog": f"builtin:catalog, {len(catalog)} images at {resolution} px",
        "model": "resnet (default), conditioned on " + ", ".join(DEMO_CONDITION),
        "training": trained,
        "threads": str(result.threads),
        "data prep": f"{data_s:.1f} s",
        "colour control (mean over colours)": f"{np.mean(list(accuracy.values())):.0%}",
        "total demo time": f"{time.perf_counter() - started:.0f} s",
    }
    tables = [quality_table(measured), variety_table(variety), color_table(accuracy)]
    (out / "eval.json").write_text(json.dumps(measured.to_dict() | {"variety": variety, "color_control": accuracy,
                                                                    "kimg": result.images_seen / 1000}, indent=2))
    return write_report(out, "productgan demo", sections, summary, tables, warnings)


def draw_sections(generator: ProductGenerator, catalog, out: Path, seed: int) -> list[GridSection]:
    """The pictures of the report, each written as a labelled PNG beside it."""
    sections = []
    for attribute in DEMO_CONDITION:
        grid, rows = generator.level_grid(attribute, per_level=10, seed=seed)
        sections.append(GridSection(f"By {attribute}", write_png(labelled_grid(grid, rows, scale=3), out / f"grid-{attribute}.png"),
                                    "One row per level; the same latent in each column, so a column is one product "
                                    "redrawn in every level."))
    categories, colors = generator.levels["category"], generator.levels["color"]
    sections.append(GridSection("Category x colour", write_png(labelled_grid(category_by_color_grid(generator, seed),
                                                                             categories, colors, scale=3),
                                                               out / "grid-category-color.png"),
                                "Every category in every colour, from one latent: each cell should read as its row's "
                                "product in its column's colour."))
    strip = generator.generate(6, seed=seed + 100, **SEED_STRIP)
    sections.append(GridSection(f"Six samples of one product ({SEED_STRIP['color']} {SEED_STRIP['category']})",
                                write_png(labelled_grid(make_grid(strip, ncols=6), [], [f"sample {i + 1}" for i in range(6)], scale=3),
                                          out / "six-samples.png"),
                                "The same request six times. What it does not name (pattern, size, angle, material) "
                                "is drawn from the catalog's own red shoes, and the latent varies the rest, so "
                                "they should differ as the catalog's do. Six copies of one image mean mode collapse."))
    real = make_grid(catalog.images[:40], ncols=10)
    sections.append(GridSection("Real catalog images", write_png(real, out / "real.png", scale=3)))
    sections.append(GridSection("Memorisation check", out / "nearest-training.png",
                                "Left: generated samples; right of each, its nearest catalog images. A sample that "
                                "copies a catalog image would look identical to its neighbour."))
    return sections


def measure(catalog, generator: ProductGenerator, out: Path, seed: int, progress: bool) -> EvalResult:
    """The headline metrics at demo scale, with a small domain classifier (Inception at 299 px would
    take most of the demo's budget on a CPU); `productgan eval` runs the full set."""
    classifier = classifier_for(catalog, MEASURED_ATTRIBUTES, epochs=DEMO_CLASSIFIER_EPOCHS, width=16, seed=seed,
                                progress=progress)
    classifier.save(out / RUN_CLASSIFIER_NAME)  # so `productgan eval` of this run measures with it, training nothing
    settings = EvalSettings(n=DEMO_EVAL_N, per_level=40, seed=seed, diversity_pairs=50)
    return Evaluator(catalog, classifier, classifier, settings).evaluate(generator, sheet_path=out / "nearest-training.png")


def variety_classifier(catalog, seed: int, progress: bool):
    """A classifier of the attributes that vary within one product (cached like the demo's own)."""
    return classifier_for(catalog, VARIETY_ATTRIBUTES, epochs=DEMO_CLASSIFIER_EPOCHS, width=16, seed=seed,
                          progress=progress)


QUALITY_NOTE = (
    "Each figure compares 500 generated images with the catalog in the features of a small classifier trained on "
    "this catalog. The floor is the same figure between two disjoint halves of the real catalog at the same sample "
    "size: the best a model can reach at this size. FID and KID (lower is better; KID is a squared distance in "
    "feature units, 0 when the two sets are indistinguishable) measure how far the generated set is from the real "
    "one. Precision (are samples realistic?), recall (how much of the catalog's variety do samples reach?), density "
    "and coverage: higher is better, up to about the floor. Accuracy: a classifier trained on real images reads the "
    "asked-for level in the samples; its ceiling is its accuracy on held-out real images.")


def quality_table(result: EvalResult) -> ReportTable:
    """Each figure beside its real-vs-real floor, then accuracy beside its ceiling."""
    rows = {name: headline_text(figure) for name, figure in result.headline().items()}
    for attribute, scores in result.conditional.items():
        rows[f"{attribute} accuracy (classifier)"] = (f"{scores['accuracy']:.0%} (ceiling on held-out real "
                                                      f"images {scores['ceiling']:.0%})")
    share = result.memorisation["share_closer_than_real_neighbours"]
    rows["memorisation"] = f"{share:.1%} of samples closer to a catalog image than real neighbours usually are"
    return ReportTable(f"Quality beside its floor ({result.sample_size} images per side, domain features)", rows,
                       QUALITY_NOTE)


def variety_table(variety: dict[str, float]) -> ReportTable:
    return ReportTable(
        "Variety within one product: 24 samples of each (category, colour)",
        {name: f"{value:.2f}" for name, value in variety.items()},
        "How many of an attribute's levels the samples of one (category, colour) use, as a share of what the real "
        "images of that pair use (exp of the entropy of the levels a classifier reads, generated / real). 1.00: as "
        "varied as the catalog; near 1/levels (0.25 for pattern and material, 0.33 for size and angle): every "
        "sample is the same product. Higher is better.")


def color_table(accuracy: dict[str, float]) -> ReportTable:
    return ReportTable("Colour control", {k: f"{v:.0%}" for k, v in accuracy.items()},
                       "Share of 32 samples per colour whose product's median colour is nearest the colour asked for "
                       "(exact, no classifier: the built-in catalog's colours are known). Real images score 99%.")
