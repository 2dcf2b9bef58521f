"""Variants: the same generated product in every level of an attribute ("this bag in every colour").

One latent per product, its other attributes held fixed, only the edited attribute's level changes,
so whatever else differs between two variants is the generator's entanglement, which
edit/measure.py measures. The rows over one attribute are ProductGenerator.level_inputs (what
level_images, `productgan generate --by` and the server's /api/variants draw too); a sheet crosses
two attributes for one product.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from productgan.errors import AttributeLevelError
from productgan.generate import ProductGenerator
from productgan.imaging import make_grid


@dataclass
class Variants:
    """uint8 images (rows, columns, H, W, C) and what each row and column is.

    row_attribute/row_levels: the edited attribute, one row per level. columns: for `variants`,
    the products (column j is generate(n, seed, attributes=fixed)[j]); for a sheet, the levels of
    column_attribute. held: per product, the levels of every attribute not edited; labels: every
    image's level ids, edited and held alike, so a classifier can check both.
    """

    images: np.ndarray
    row_attribute: str
    row_levels: list[str]
    column_attribute: str | None
    column_levels: list[str]
    held: list[dict[str, str]]
    labels: np.ndarray  # int (rows, columns, A): the level ids each image was rendered with

    def level_ids(self, attribute: str, names: list[str]) -> np.ndarray:
        """int (rows, columns): what a classifier should read on `attribute` (names: the model's order)."""
        return self.labels[:, :, names.index(attribute)]

    def grid(self, pad: int = 2) -> np.ndarray:
        """The whole table as one uint8 (H, W, C) image, rows as in `images`."""
        rows, columns = self.images.shape[:2]
        return make_grid(self.images.reshape(rows * columns, *self.images.shape[2:]), ncols=columns, pad=pad)


def held_levels(generator: ProductGenerator, labels: torch.Tensor, edited: tuple[str, ...]) -> list[dict[str, str]]:
    """Per label row, the level names of the attributes that are not edited."""
    return [{name: generator.levels[name][int(row[k])] for k, name in enumerate(generator.names) if name not in edited}
            for row in labels]


def variants(generator: ProductGenerator, attribute: str, n: int = 4, seed: int = 0,
             truncation: float | None = None, fixed: dict[str, str] | None = None) -> Variants:
    """n products (those generate(n, seed, attributes=fixed) shows), each in every level of `attribute`.

    images[i, j] is product j in level i; attributes not in `fixed` are drawn once per product from
    the combinations the catalog has and then held for all its levels.
    """
    z, rows = generator.level_inputs(attribute, n, seed, truncation, fixed)
    levels = list(generator.levels[attribute])
    images = generator.render(z, rows)
    return Variants(images.reshape(len(levels), n, *images.shape[1:]), attribute, levels, None,
                    [str(j) for j in range(n)], held_levels(generator, rows[:n], (attribute,)),
                    rows.reshape(len(levels), n, -1).numpy())


@torch.no_grad()
def variant_sheet(generator: ProductGenerator, row_attribute: str, column_attribute: str, seed: int = 0,
                  truncation: float | None = None, fixed: dict[str, str] | None = None) -> Variants:
    """One product (generate(1, seed, attributes=fixed)) in every combination of two attributes' levels,
    e.g. every colour (rows) x every material (columns); the remaining attributes held."""
    if row_attribute == column_attribute:
        raise AttributeLevelError(f"a sheet crosses two different attributes; got {row_attribute!r} twice")
    generator.attribute_index(row_attribute)
    generator.attribute_index(column_attribute)
    z, labels = generator.inputs(1, seed, truncation, fixed)
    asked = list(generator.canonical(fixed or {}))
    crossed = generator.every_level(generator.every_level(labels, column_attribute, held=asked), row_attribute,
                                    held=[*asked, column_attribute])
    images = generator.render(z.repeat(len(crossed), 1), crossed)
    rows, columns = len(generator.levels[row_attribute]), len(generator.levels[column_attribute])
    return Variants(images.reshape(rows, columns, *images.shape[1:]), row_attribute,
                    list(generator.levels[row_attribute]), column_attribute,
                    list(generator.levels[column_attribute]),
                    held_levels(generator, labels, (row_attribute, column_attribute)),
                    crossed.reshape(rows, columns, -1).numpy())
