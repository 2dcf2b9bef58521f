"""Hold out whole products, so a model is measured on products it never saw.

Why: a catalog shows each product from several views (luma: main, back, alt). Splitting by image
would put the back view of a training product in the test set, and a model that memorised the
product would look like one that generalises. Splitting by product keeps every view of a product
on one side; without a product column each file is its own product.

The order of groups is a seeded permutation, and groups are taken until the held-out side holds
`holdout_fraction` of the images. The domain classifier's split (productgan.metrics.domain.split_holdout)
calls this function too, so the same seed holds out the same products for classifiers and enhancers.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Mapping, Sequence

import numpy as np

PRODUCT_COLUMN = "product"


@dataclass(frozen=True)
class Split:
    """Indices into the input (sorted), the held-out group keys, and how it was split.

    kind: 'product' (a product column grouped the images) or 'file' (each image its own group).
    """

    train: list[int]
    holdout: list[int]
    holdout_keys: list[str]
    kind: str


def split_by_product(table_or_paths: Mapping[str, Sequence[str]] | Sequence[str | Path], holdout_fraction: float,
                     seed: int) -> Split:
    """Split images into train and held-out sides, by product when there is a product column.

    table_or_paths: an attribute table ({column: values per image}, e.g. Catalog.table) or a list
    of file paths (each its own group; its key is the path as given). A blank product id makes
    that image its own group. Raises ValueError when nothing would be left to train on.
    """
    if not 0.0 < holdout_fraction < 1.0:
        raise ValueError(f"holdout_fraction must be in (0, 1), got {holdout_fraction}")
    keys, kind = _group_keys(table_or_paths)
    if not keys:
        raise ValueError("nothing to split: no images")
    groups: dict[str, list[int]] = {}
    for index, key in enumerate(keys):
        groups.setdefault(key, []).append(index)
    names = list(groups)
    target, holdout, held_keys = max(1, round(holdout_fraction * len(keys))), [], []
    for group in np.random.default_rng(seed).permutation(len(names)):
        if len(holdout) >= target:
            break
        holdout.extend(groups[names[group]])
        held_keys.append(names[group])
    if len(holdout) == len(keys):
        raise ValueError(f"{len(keys)} image(s) in {len(groups)} group(s) are too few to hold out "
                         f"{holdout_fraction:.0%} and still train")
    held = set(holdout)
    return Split([i for i in range(len(keys)) if i not in held], sorted(held), sorted(held_keys), kind)


def _group_keys(table_or_paths) -> tuple[list[str], str]:
    if isinstance(table_or_paths, Mapping):
        products = table_or_paths.get(PRODUCT_COLUMN)
        if products is not None:
            # "\0" cannot appear in a CSV cell, so a blank id never collides with a real one.
            return [str(p).strip() or f"\0{i}" for i, p in enumerate(products)], "product"
        lengths = {len(values) for values in table_or_paths.values()}
        if len(lengths) != 1:
            raise ValueError("a table without a product column needs at least one column to count its images")
        return [str(i) for i in range(lengths.pop())], "file"
    return [str(path) for path in table_or_paths], "file"
