"""The demo's colour-control measure reads real built-in products correctly, and fails wrong ones."""

from __future__ import annotations

import numpy as np

from productgan.data.builtin import make_builtin_catalog
from productgan.demo_measure import nearest_color_names


def test_real_builtin_products_read_as_their_color():
    catalog = make_builtin_catalog(resolution=32, count=200)
    found = nearest_color_names(catalog.images)
    accuracy = np.mean([f == c for f, c in zip(found, catalog.table["color"])])
    assert accuracy > 0.95


def test_blank_and_recolored_images_are_not_credited():
    catalog = make_builtin_catalog(resolution=32, count=16)
    blank = np.full_like(catalog.images[:2], 245)
    assert nearest_color_names(blank) == [None, None]
    swapped = catalog.images[..., ::-1].copy()  # RGB -> BGR turns red products blue
    reds = [i for i, c in enumerate(catalog.table["color"]) if c == "red"]
    assert reds and all(nearest_color_names(swapped[reds])[k] != "red" for k in range(len(reds)))
