"""Edits that go through a trained generator, measured as tables: the variants, inversion and
learned-recolour tables that `python bench/edit_enhance.py --generator RUN` prints (per-edit figures
come from productgan.edit.measure; this module picks photos and targets and lays out the rows).

- variants: productgan.edit.measure.measure_variants for every conditioned attribute, plus the
  domain classifier's edit success per requested level (a mean hides the levels a model ignores);
- inversion: each photo is inverted once; its figures are measure.inversion_row's, averaged as
  measure_inversion averages them (measure_inversion would invert again for the recolour below);
- learned recolour: the inverted photo redrawn with each `color` level that matches a bench
  target, beside the classical Lab edit of the same photo at the same (model) resolution. Both are
  scored the same way: CIEDE2000 from the mean colour of the dominant colour region found on the
  edited image to the target, SSIM outside the input photo's colour region against the input
  photo (and against the reconstruction: what the edit itself changed, without the inversion error).

Photos are the generator's own catalog at model resolution (what it was trained on looks like
this; luma's 256 px centre crops would cut tall photos), from the seeded 20% product split the
enhancers hold out. A GAN trained on the whole catalog saw them: the printed headings say so.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from productgan.data import Catalog, load_catalog
from productgan.data.split import split_by_product
from productgan.edit.colors import parse_color
from productgan.edit.inversion import Inversion, InversionSettings, edit, invert
from productgan.edit.mask import dominant_color_region, product_mask
from productgan.edit.measure import classify_images, inversion_row, measure_variants
from productgan.edit.recolor import recolor
from productgan.edit.variants import variants
from productgan.generate import ProductGenerator, load_generator
from productgan.imaging import make_grid, write_png
from productgan.metrics.conditional import held_out_mix
from productgan.metrics.domain import ceiling_by_level
from productgan.metrics.fidelity import mean_color_delta_e, ssim
from productgan.metrics.prepare import classifier_for
from productgan.checkpoint import GAN, read_meta, resolve_checkpoint

TARGETS = ("red", "yellow", "green", "blue", "black", "white")
COLOR = "color"


def outside_ssim(before: np.ndarray, after: np.ndarray, region: np.ndarray) -> float:
    """SSIM over the image with the recoloured region blanked in both: 1.0 = nothing else changed."""
    a, b = before.copy(), after.copy()
    a[region] = b[region] = 0
    return float(ssim(b, a)[0])


@dataclass
class Setup:
    """A generator, the classifier that reads its vocabulary, and the catalog it was trained on."""

    generator: ProductGenerator
    classifier: object
    catalog: Catalog
    min_count: int


def load_setup(run: str, classifier_path: str | None, device: str = "cpu") -> Setup:
    """What `productgan eval RUN` builds: the checkpoint's catalog at its resolution and the cached
    (else trained) domain classifier for its attributes, with the generator's min_count."""
    checkpoint = resolve_checkpoint(run, GAN)
    config = read_meta(checkpoint, expect=GAN).config
    model, min_count = config["model"], int(config.get("min_count", 1))
    generator = load_generator(checkpoint, device=device)
    catalog = load_catalog(config["data"], resolution=model["resolution"], channels=model["channels"])
    classifier = classifier_for(catalog, generator.names, classifier_path, min_count=min_count, device=device,
                                progress=True)
    return Setup(generator, classifier, catalog, min_count)


def pick_photos(catalog: Catalog, count: int, seed: int = 0) -> tuple[list[int], str]:
    """`count` seeded picks among the images a seeded 20% split holds out (the enhancers' split: by
    product when the catalog has a product column, else by file), and that split's kind."""
    split = split_by_product(catalog.table, 0.2, seed)
    return [int(i) for i in np.random.default_rng(seed).permutation(split.holdout)[:count]], split.kind


def photo_levels(generator: ProductGenerator, catalog: Catalog, index: int) -> dict[str, str]:
    """The catalog's levels of one photo that the generator knows (case-insensitive); the classifier
    reads the rest (a level merged into 'other' or missing)."""
    known = {}
    for name in generator.names:
        value = str(catalog.table.get(name, [""] * len(catalog))[index]).strip().lower()
        match = [level for level in generator.levels[name] if level.lower() == value]
        if match:
            known[name] = match[0]
    return known


def bench_variants(setup: Setup, products: int, seed: int = 0) -> tuple[list[dict], list[dict]]:
    """Rows per attribute (measure_variants) and per requested level (share read as that level).

    Edit success asks for every level alike; beside it, the same levels weighted as the classifier's
    holdout is, the mix its ceiling has (metrics.conditional.held_out_mix; None without ceilings).
    """
    rows, level_rows = [], []
    ceilings = ceiling_by_level(setup.classifier, setup.catalog)
    for name in setup.generator.names:
        levels = level_success(setup, name, products, seed)
        mix = held_out_mix({row["level"]: row["edit_success"] for row in levels}, ceilings.get(name, {}))
        rows.append({"attribute": name, **measure_variants(setup.generator, setup.classifier, name, products, seed),
                     "edit_success_held_out_mix": mix})
        level_rows += levels
    return rows, level_rows


def level_success(setup: Setup, attribute: str, products: int, seed: int) -> list[dict]:
    """Edit success of each level of `attribute` alone: the same variants measure_variants draws."""
    table = variants(setup.generator, attribute, n=products, seed=seed)
    known = setup.classifier.levels.get(attribute, [])
    rows = []
    for level, images in zip(table.row_levels, table.images):
        if level in known:
            read = classify_images(setup.classifier, images)[attribute]
            rows.append({"attribute": attribute, "level": level, "edit_success": float(np.mean(read == level))})
    return rows


def color_targets(generator: ProductGenerator) -> tuple[dict[str, str], list[str]]:
    """({bench target: the generator's colour level}, targets it has no level for), case-insensitive."""
    levels = {level.lower(): level for level in generator.levels.get(COLOR, [])}
    found = {target: levels[target] for target in TARGETS if target in levels}
    return found, [target for target in TARGETS if target not in found]


@dataclass
class PhotoEdits:
    """One photo at model resolution, its colour region, its inversion, and both edits per target."""

    photo: np.ndarray
    region: np.ndarray
    inversion: Inversion
    learned: dict[str, np.ndarray]
    classical: dict[str, np.ndarray]
    inversion_seconds: float
    learned_seconds: float
    classical_seconds: float


def color_region(image: np.ndarray) -> np.ndarray:
    """The dominant colour region of the product (the pixels a recolour moves); the whole image when
    nothing differs from the backdrop (a white product, or edit, on a white backdrop)."""
    region = dominant_color_region(image, product_mask(image))
    return region if region.any() else np.ones(image.shape[:2], bool)


def edit_photo(setup: Setup, photo: np.ndarray, levels: dict[str, str], targets: dict[str, str],
               settings: InversionSettings) -> PhotoEdits:
    """Invert once; redraw with each colour level (learned) and recolour the same pixels (classical)."""
    start = time.perf_counter()
    inversion = invert(setup.generator, photo, levels, setup.classifier, None, settings)
    inverted = time.perf_counter()
    drawn = edit(setup.generator, inversion, [{COLOR: level} for level in targets.values()])
    edited = time.perf_counter()
    model_photo = inversion.target
    region = color_region(model_photo) if targets else np.ones(model_photo.shape[:2], bool)
    classical = {t: recolor(model_photo, parse_color(t), region, region="whole") for t in targets}
    return PhotoEdits(model_photo, region, inversion, dict(zip(targets, drawn)), classical, inverted - start,
                      edited - start, time.perf_counter() - edited)


def recolor_figures(photo: np.ndarray, region: np.ndarray, reference: np.ndarray, edited: np.ndarray,
                     target: str) -> dict:
    """ΔE00 before (photo's region) and after: on the region found again on the edited image (the
    same rule for both methods), and on the photo's region (the pixels the classical edit moved;
    a redraw that shifts the product is penalised there). SSIM outside the photo's region against
    the photo, and against `reference` (what the edit started from)."""
    rgb = parse_color(target)
    return {"delta_e_before": mean_color_delta_e(photo, region, rgb),
            "delta_e_after": mean_color_delta_e(edited, color_region(edited), rgb),
            "delta_e_after_photo_region": mean_color_delta_e(edited, region, rgb),
            "ssim_outside": outside_ssim(photo, edited, region),
            "ssim_outside_vs_reconstruction": outside_ssim(reference, edited, region)}


def recolor_rows(edits: list[PhotoEdits], targets: dict[str, str]) -> list[dict]:
    """Classical and learned rows per target, averaged over photos (one table, side by side).

    Learned images/s counts the inversion, shared by a photo's targets; the classical edit's
    reference for 'vs reconstruction' is the photo itself (it starts from the photo, not a redraw).
    """
    per_photo = len(edits) * len(targets)
    rates = {"classical": per_photo / max(1e-9, sum(e.classical_seconds for e in edits)),
             "learned": per_photo / max(1e-9, sum(e.learned_seconds for e in edits))}
    rows = []
    for target, level in targets.items():
        for kind, method in (("classical", "classical (Lab)"), ("learned", f"learned ({COLOR}={level})")):
            figures = [recolor_figures(e.photo, e.region, e.inversion.reconstruction if kind == "learned" else e.photo,
                                        getattr(e, kind)[target], target) for e in edits]
            rows.append({"target": target, "method": method,
                         **{key: float(np.mean([f[key] for f in figures])) for key in figures[0]},
                         "images_per_s": rates[kind]})
    return rows


def inversion_figures(setup: Setup, edits: list[PhotoEdits]) -> dict:
    """measure_inversion's averages of measure.inversion_row, over the inversions made once above."""
    rows = [inversion_row(setup.generator, setup.classifier, e.inversion) for e in edits]
    figures = {key: float(np.nanmean([row[key] for row in rows])) for key in rows[0]}
    figures["photos"] = len(rows)
    figures["seconds_per_photo"] = sum(e.inversion_seconds for e in edits) / len(edits)
    return figures


def sheet(edits: list[PhotoEdits], targets: dict[str, str], path: Path, rows: int = 4) -> Path:
    """Per photo: photo | reconstruction | learned edits | classical edits (targets in TARGETS order)."""
    tiles = []
    for e in edits[:rows]:
        tiles += [e.photo, e.inversion.reconstruction, *(e.learned[t] for t in targets),
                  *(e.classical[t] for t in targets)]
    side = edits[0].photo.shape[0]
    return write_png(make_grid(np.stack(tiles), ncols=2 + 2 * len(targets)), path, scale=max(1, 64 // side))


def bench_generated(setup: Setup, photos: int, products: int, steps: int, out: Path, skip: list[str],
                    seed: int = 0) -> tuple[dict[str, list[dict]], dict[str, str]]:
    """The measures not in `skip` for one checkpoint: ({table name: rows}, {table name: heading})."""
    results, headings = {}, {}
    if "variants" not in skip:
        ceiling = ", ".join(f"{k} {v:.2f}" for k, v in setup.classifier.holdout_accuracy.items())
        results["variants"], results["variant_levels"] = bench_variants(setup, products, seed)
        headings["variants"] = (f"{products} generated products per attribute, every level; the classifier's "
                                f"accuracy on held-out real images (the ceiling): {ceiling}")
        headings["variant_levels"] = f"edit success per requested level (the same {products} products)"
    if "inversion" not in skip or "learned-recolor" not in skip:
        more, notes = bench_photos(setup, photos, steps, out, skip, seed)
        results.update(more)
        headings.update(notes)
    return results, headings


def bench_photos(setup: Setup, photos: int, steps: int, out: Path, skip: list[str],
                 seed: int = 0) -> tuple[dict[str, list[dict]], dict[str, str]]:
    """Inversion figures and the learned-vs-classical recolour table, from one inversion per photo."""
    targets, missing = color_targets(setup.generator)
    if "learned-recolor" in skip or setup.catalog.images.shape[-1] != 3:
        targets = {}  # no edits to draw (a grey model has no colour to measure)
    settings = InversionSettings(steps=steps, seed=seed)
    indices, kind = pick_photos(setup.catalog, photos, seed)
    edits = [edit_photo(setup, setup.catalog.images[i], photo_levels(setup.generator, setup.catalog, i), targets,
                        settings) for i in indices]
    note = (f"{len(edits)} photos of {setup.catalog.source} at {setup.catalog.images.shape[1]} px held out by a "
            f"seeded 20% split by {kind}, {steps} steps x {settings.restarts} restarts; GAN training holds nothing "
            "out, so the generator saw these photos")
    results, headings = {}, {}
    if "inversion" not in skip:
        results["inversion"], headings["inversion"] = [inversion_figures(setup, edits)], note
    if targets:
        results["learned_recolor"] = recolor_rows(edits, targets)
        headings["learned_recolor"] = f"{note}; no {COLOR} level for: {', '.join(missing) or '(none missing)'}"
        sheet(edits, targets, out / "learned-recolour-sheet.png")
    elif "learned-recolor" not in skip:
        print(f"note: no learned recolour: the model draws grey or has no {COLOR} level among {', '.join(TARGETS)}")
    return results, headings
