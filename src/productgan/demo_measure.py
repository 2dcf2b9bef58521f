"""Figures only the built-in catalog allows: exact colour control, and variety within one product.

The built-in catalog is drawn by our own code with known colours, patterns, sizes, angles and
materials, so the demo can measure control and mode collapse directly instead of through FID
alone: asking for a red shoe six times should give six different red shoes, varying in exactly the
attributes the catalog varies (pattern, size, angle, material).
"""

from __future__ import annotations

import math
from collections import Counter

import numpy as np

from productgan.data import Catalog
from productgan.data.builtin import BUILTIN_COLORS
from productgan.edit.mask import rough_product_masks
from productgan.generate import ProductGenerator

VARIETY_ATTRIBUTES = ["pattern", "size", "angle", "material"]  # what varies within one (category, colour)


def nearest_color_names(images: np.ndarray) -> list[str | None]:
    """The built-in colour nearest each image's median product colour (None: no product found).

    The median, not the mean, so stripes, highlights and soft edges do not drag the colour.
    """
    names = list(BUILTIN_COLORS)
    palette = np.array([BUILTIN_COLORS[n] for n in names], dtype=np.float32)
    found: list[str | None] = []
    for image, mask in zip(images, rough_product_masks(images)):
        if mask.sum() < 4:
            found.append(None)
            continue
        color = np.median(image[mask].astype(np.float32), axis=0)
        found.append(names[int(np.argmin(np.linalg.norm(palette - color, axis=1)))])
    return found


def color_accuracy(generator: ProductGenerator, per_level: int = 32, seed: int = 1) -> dict[str, float]:
    """Share of images generated for each colour whose product reads as that colour.

    The built-in catalog's colours are known exactly, so this measures control with no classifier.
    """
    return {level: float(np.mean([found == level for found in
                                  nearest_color_names(generator.generate(per_level, seed=seed, color=level))]))
            for level in generator.levels.get("color", [])}


def effective_levels(predicted: np.ndarray) -> float:
    """exp(entropy) of the predicted levels: 1 when every image reads the same, k for k equally used."""
    counts = np.array(list(Counter(predicted.tolist()).values()), dtype=np.float64)
    shares = counts / counts.sum()
    return float(math.exp(-(shares * np.log(shares)).sum()))


def variety_within_products(generator: ProductGenerator, catalog: Catalog, classifier, per_pair: int = 24,
                            seed: int = 2) -> dict[str, float]:
    """Per variety attribute: how many of its levels the samples of one (category, colour) use,
    relative to the real images of that pair, read by the same classifier (so its errors cancel).

    1.0: as varied as the catalog; 1/levels: every sample of a pair is the same product (collapse).
    Averaged over the (category, colour) pairs the catalog has.
    """
    ratios: dict[str, list[float]] = {name: [] for name in VARIETY_ATTRIBUTES}
    categories, colors = np.asarray(catalog.table["category"]), np.asarray(catalog.table["color"])
    for index, category in enumerate(generator.levels["category"]):
        for color in generator.levels["color"]:
            real = catalog.images[(categories == category) & (colors == color)][:per_pair]
            if len(real) < per_pair:  # equal sample sizes: an entropy estimate grows with the sample
                continue
            fake = generator.generate(per_pair, seed=seed + index, category=category, color=color)
            real_read, fake_read = classifier.predict(real), classifier.predict(fake)
            for name in VARIETY_ATTRIBUTES:
                ratios[name].append(effective_levels(fake_read[name]) / effective_levels(real_read[name]))
    return {name: float(np.mean(values)) for name, values in ratios.items() if values}
