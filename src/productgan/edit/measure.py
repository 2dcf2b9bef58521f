"""Figures for edits of generated products: what bench/edit_enhance.py prints and docs/BENCHMARKS.md shows.

- variants: edit success (the domain classifier reads the requested level on the edited attribute),
  held kept (it reads the same level on every other attribute as on the unedited product), and
  identity kept (domain-feature cosine and luminance SSIM between variants of one product, beside
  the same figures between different products: the floor that says what "unrelated" looks like);
- inversion: PSNR/SSIM of the reconstruction against the photo at model resolution, its error
  before and after optimisation, and the same edit success and held-kept figures on the edits.

The classifier must read the generator's vocabulary (same catalog, same min_count); levels it does
not know are left out of the figures rather than counted as failures.
"""

from __future__ import annotations

import time
from typing import Callable, Sequence

import numpy as np

from productgan.edit.inversion import InversionSettings, edit, invert
from productgan.edit.variants import variants
from productgan.generate import ProductGenerator
from productgan.metrics.fidelity import luminance_ssim


def classify_images(classifier, images: np.ndarray) -> dict[str, np.ndarray]:
    """attribute -> (N,) level names the classifier reads on uint8 (N, H, W, C) images (the figures' raw reads)."""
    predicted = classifier.predict(images)
    return {name: np.array(classifier.levels[name])[ids] for name, ids in predicted.items()}


def pair_means(features: np.ndarray, images: np.ndarray) -> tuple[float, float]:
    """Mean feature cosine and luminance SSIM over all pairs of the given images."""
    unit = features / np.linalg.norm(features, axis=1, keepdims=True).clip(1e-12)
    first, second = np.triu_indices(len(images), k=1)
    cosine = float((unit[first] * unit[second]).sum(1).mean())
    return cosine, float(luminance_ssim(images[first], images[second]).mean())


def held_reads(seen: np.ndarray, control: np.ndarray, held: np.ndarray) -> float:
    """Fraction of the held cells (rows, columns) whose read equals the unedited product's read;
    a cell whose attribute moved with a tied level (ProductGenerator.tied_levels) was not held."""
    return float((seen == control[None, :])[held].mean()) if held.any() else float("nan")


def measure_variants(generator: ProductGenerator, classifier, attribute: str, products: int = 16,
                     seed: int = 0) -> dict[str, float]:
    """Edit success, held kept and identity kept for `products` products in every level of `attribute`."""
    table = variants(generator, attribute, n=products, seed=seed)
    levels, columns = table.images.shape[:2]
    flat = table.images.reshape(levels * columns, *table.images.shape[2:])
    seen = {name: read.reshape(levels, columns) for name, read in classify_images(classifier, flat).items()}
    z, product_labels = generator.inputs(products, seed=seed)  # the products as generate draws them, unedited
    control = classify_images(classifier, generator.render(z, product_labels))
    known = np.isin(table.row_levels, classifier.levels.get(attribute, []))
    success = (seen[attribute] == np.array(table.row_levels)[:, None])[known].mean() if attribute in seen else np.nan
    held = [held_reads(seen[name], control[name], table.labels[:, :, k] == product_labels.numpy()[None, :, k])
            for k, name in enumerate(generator.names) if name != attribute and name in seen]
    features = classifier.features(flat).reshape(levels, columns, -1)
    within = [pair_means(features[:, j], table.images[:, j]) for j in range(columns)]
    between = [pair_means(features[i], table.images[i]) for i in range(levels)]
    return {"edit_success": float(success), "held_kept": float(np.nanmean(held)) if held else float("nan"),
            "identity_cosine": float(np.mean([w[0] for w in within])),
            "identity_cosine_between_products": float(np.mean([b[0] for b in between])),
            "identity_ssim": float(np.mean([w[1] for w in within])),
            "identity_ssim_between_products": float(np.mean([b[1] for b in between])),
            "images": int(levels * columns)}


def measure_inversion(generator: ProductGenerator, classifier, photos: Sequence[np.ndarray],
                      photo_levels: list[dict[str, str]] | None = None, settings: InversionSettings | None = None,
                      use_classifier: bool = True, progress: Callable[[int, int], None] | None = None
                      ) -> dict[str, float]:
    """Invert each photo (uint8 (H, W, C), any size each), then edit it into every other level of every
    attribute; reconstruction quality and edit success averaged over photos and edits.

    photo_levels: what each photo is (e.g. its catalog row); None lets the classifier (or the closest
    combination) choose. use_classifier adds the classifier's feature loss.
    """
    settings = settings or InversionSettings()
    rows, start = [], time.monotonic()
    for index, photo in enumerate(photos):
        given = None if photo_levels is None else photo_levels[index]
        inversion = invert(generator, photo, given, classifier if use_classifier else None, None, settings)
        rows.append(inversion_row(generator, classifier, inversion))
        if progress is not None:
            progress(index + 1, len(photos))
    figures = {key: float(np.nanmean([row[key] for row in rows])) for key in rows[0]}
    figures["photos"] = len(rows)
    figures["seconds_per_photo"] = (time.monotonic() - start) / max(1, len(rows))
    return figures


def inversion_row(generator: ProductGenerator, classifier, inversion) -> dict[str, float]:
    """One photo's figures: quality, and how its edits read (requested level; other attributes kept)."""
    changes = [{name: level} for name in generator.names for level in generator.levels[name]
               if level != inversion.levels[name] and level in classifier.levels.get(name, [])]
    hits, kept = [], []
    if changes:
        seen = classify_images(classifier, edit(generator, inversion, changes))
        for k, change in enumerate(changes):
            (name, level), = change.items()
            hits.append(seen[name][k] == level)
            drawn = generator.with_tied_levels(inversion.levels, change)  # a tied level moved: not held
            kept += [seen[other][k] == inversion.levels[other] for other in generator.names
                     if other != name and other in seen and drawn[other] == inversion.levels[other]]
    recon = classify_images(classifier, inversion.reconstruction[None])
    return {"psnr": inversion.psnr, "ssim": inversion.ssim, "start_error": inversion.start_error,
            "final_error": inversion.final_error,
            "reconstruction_reads_start_levels": float(np.mean([recon[n][0] == inversion.levels[n]
                                                                for n in generator.names if n in recon])),
            "edit_success": float(np.mean(hits)) if hits else float("nan"),
            "held_kept": float(np.mean(kept)) if kept else float("nan")}

