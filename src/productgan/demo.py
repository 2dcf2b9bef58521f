"""The main job on a laptop: train on the built-in catalog, draw every category and colour, report.

Sized for a 2-core CPU in about five minutes; the same code runs on a GPU.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np

from productgan.data import load_catalog
from productgan.data.builtin import BUILTIN_COLORS
from productgan.generate import ProductGenerator
from productgan.grid import make_grid, save_png
from productgan.metrics.evaluate import EvalResult, EvalSettings, Evaluator
from productgan.metrics.prepare import classifier_for
from productgan.metrics.summary import headline_text
from productgan.models.config import ModelConfig
from productgan.report import GridSection, write_report
from productgan.train import TrainConfig, train

DEMO_CONDITION = ["category", "color"]
DEMO_CLASSIFIER_EPOCHS = 3.0  # 95-100% held-out accuracy on both attributes in seconds (docs/BENCHMARKS.md)
DEMO_EVAL_N = 500


def demo_config(out: Path, minutes: float, seed: int, resolution: int = 32, kimg: float | None = None) -> TrainConfig:
    """The demo's settings: the default model at laptop scale.

    Measured on 2 CPU cores (docs/BENCHMARKS.md): batch 16 gives twice the updates of batch 32 in
    the same minutes and learns shapes sooner; with 3072 images, translation alone is enough
    augmentation for a few minutes of training (cutout slowed early learning).
    """
    return TrainConfig(
        data="builtin:catalog", out=str(out), condition=list(DEMO_CONDITION),
        model=ModelConfig(family="resnet", resolution=resolution, width=16, max_width=128, latent_dim=64, embed_dim=64),
        batch=16, minutes=minutes, kimg=kimg, seed=seed, sample_every_kimg=5, checkpoint_every_kimg=5,
        augment=["translation"], ema_kimg=0.5, device="auto",
    )


def product_mask(images: np.ndarray, threshold: float = 60.0) -> np.ndarray:
    """Pixels that differ clearly from the near-white studio background, (N, H, W) bool."""
    background = np.median(np.concatenate([images[:, 0], images[:, -1]], axis=1), axis=1)  # (N, C)
    distance = np.linalg.norm(images.astype(np.float32) - background[:, None, None, :], axis=-1)
    return distance > threshold


def nearest_colour_names(images: np.ndarray) -> list[str | None]:
    """The built-in colour nearest each image's median product colour (None: no product found).

    The median, not the mean, so stripes, highlights and soft edges do not drag the colour.
    """
    names = list(BUILTIN_COLORS)
    palette = np.array([BUILTIN_COLORS[n] for n in names], dtype=np.float32)
    found: list[str | None] = []
    for image, mask in zip(images, product_mask(images)):
        if mask.sum() < 4:
            found.append(None)
            continue
        colour = np.median(image[mask].astype(np.float32), axis=0)
        found.append(names[int(np.argmin(np.linalg.norm(palette - colour, axis=1)))])
    return found


def colour_accuracy(generator: ProductGenerator, per_level: int = 32, seed: int = 1) -> dict[str, float]:
    """Share of images generated for each colour whose product reads as that colour.

    The built-in catalog's colours are known exactly, so this measures control with no classifier.
    """
    return {level: float(np.mean([found == level for found in
                                  nearest_colour_names(generator.generate(per_level, seed=seed, color=level))]))
            for level in generator.levels.get("color", [])}


def category_by_colour_grid(generator: ProductGenerator, seed: int) -> np.ndarray:
    """Rows: categories; columns: colours; one latent for the whole grid."""
    import torch

    categories, colours = generator.levels["category"], generator.levels["color"]
    z = torch.randn(1, generator.latent_dim, generator=torch.Generator().manual_seed(seed))
    k_cat, k_col = generator.names.index("category"), generator.names.index("color")
    labels = torch.zeros(len(categories) * len(colours), len(generator.names), dtype=torch.long)
    for i in range(len(categories)):
        for j in range(len(colours)):
            labels[i * len(colours) + j, k_cat], labels[i * len(colours) + j, k_col] = i, j
    images = generator.render(z.repeat(len(labels), 1), labels)
    return make_grid(images, ncols=len(colours))


def run_demo(out: str | Path, minutes: float = 4.0, seed: int = 0, resolution: int = 32,
             kimg: float | None = None, progress: bool = True) -> Path:
    """Train, then write grids for every category and colour and report.html; returns its path."""
    out = Path(out)
    started = time.perf_counter()
    catalog = load_catalog("builtin:catalog", resolution=resolution)
    data_s = time.perf_counter() - started
    result = train(demo_config(out, minutes, seed, resolution, kimg), progress=progress, catalog=catalog)
    from productgan.generate import load_generator

    generator = load_generator(result.checkpoint)
    sections = []
    for attribute in DEMO_CONDITION:
        grid, rows = generator.level_grid(attribute, per_level=10, seed=seed)
        sections.append(GridSection(f"By {attribute} (same latents in each column)",
                                    save_png(grid, out / f"grid-{attribute}.png", scale=3), rows))
    sections.append(GridSection("Category x colour (one latent)",
                                save_png(category_by_colour_grid(generator, seed), out / "grid-category-color.png", scale=3),
                                generator.levels["category"], "columns: " + ", ".join(generator.levels["color"])))
    real = make_grid(catalog.images[:40], ncols=10)
    sections.append(GridSection("Real catalog images", save_png(real, out / "real.png", scale=3)))
    accuracy = colour_accuracy(generator)
    measured = measure(catalog, generator, out, seed, progress)
    sections.append(GridSection("Memorisation check: generated samples (left) beside their nearest catalog images",
                                out / "nearest-training.png"))
    summary = {
        "catalog": f"builtin:catalog, {len(catalog)} images at {resolution} px",
        "model": "resnet (default), conditioned on " + ", ".join(DEMO_CONDITION),
        "trained": f"{result.images_seen / 1000:.1f} kimg in {result.elapsed_s:.0f} s ({result.images_per_s:.0f} img/s)",
        "data prep": f"{data_s:.1f} s",
        "colour control (mean over colours)": f"{np.mean(list(accuracy.values())):.0%}",
        "total demo time": f"{time.perf_counter() - started:.0f} s",
    }
    tables = {f"Quality beside its floor (features: {measured.extractor}; {measured.sample_size} images per side)":
              quality_rows(measured),
              "Colour control: share of samples whose product colour is nearest the one asked for":
              {k: f"{v:.0%}" for k, v in accuracy.items()}}
    (out / "eval.json").write_text(json.dumps(measured.to_dict(), indent=2))
    return write_report(out, "productgan demo", sections, summary, tables)


def measure(catalog, generator: ProductGenerator, out: Path, seed: int, progress: bool) -> EvalResult:
    """The headline metrics at demo scale, with a small domain classifier (Inception at 299 px would
    take most of the demo's budget on a CPU); `productgan eval` runs the full set."""
    classifier = classifier_for(catalog, DEMO_CONDITION, epochs=DEMO_CLASSIFIER_EPOCHS, width=16, seed=seed,
                                progress=progress)
    settings = EvalSettings(n=DEMO_EVAL_N, per_level=40, seed=seed, diversity_pairs=50)
    return Evaluator(catalog, classifier, classifier, settings).evaluate(generator, sheet_path=out / "nearest-training.png")


def quality_rows(result: EvalResult) -> dict[str, str]:
    """Report rows: each figure beside its real-vs-real floor, then accuracy beside its ceiling."""
    rows = {name: headline_text(figure) for name, figure in result.headline().items()}
    for attribute, scores in result.conditional.items():
        rows[f"{attribute} accuracy (classifier)"] = (f"{scores['accuracy']:.0%} (ceiling on held-out real "
                                                      f"images {scores['ceiling']:.0%})")
    share = result.memorisation["share_closer_than_real_neighbours"]
    rows["memorisation"] = f"{share:.1%} of samples closer to a catalog image than real neighbours usually are"
    return rows
