"""The built-in catalog: shapes, determinism, balanced attributes, and attributes that really show."""

from __future__ import annotations

import time

import numpy as np
import pytest
from PIL import Image

from productgan.data.builtin import (
    BUILTIN_ATTRIBUTES,
    BUILTIN_COLORS,
    DEFAULT_COUNT,
    make_builtin_catalog,
    render_product,
)

COLUMNS = ["category", "color", "pattern", "size", "angle", "material"]


def render_many(count: int, resolution: int, seed: int, **fixed: str) -> tuple[np.ndarray, np.ndarray, list[dict]]:
    """Render `count` products with uniform random attributes, some fixed; returns images, masks, attributes."""
    images, masks, rows = [], [], []
    for i in range(count):
        rng = np.random.default_rng([seed, i])
        attributes = {name: str(rng.choice(levels)) for name, levels in BUILTIN_ATTRIBUTES.items()} | fixed
        image, mask = render_product(attributes, resolution, rng)
        images.append(image)
        masks.append(mask)
        rows.append(attributes)
    return np.stack(images), np.stack(masks), rows


def erode(masks: np.ndarray, steps: int = 1) -> np.ndarray:
    """Shrink boolean (N, H, W) masks by `steps` pixels (4-neighbourhood)."""
    for _ in range(steps):
        inner = masks.copy()
        inner[:, 1:] &= masks[:, :-1]
        inner[:, :-1] &= masks[:, 1:]
        inner[:, :, 1:] &= masks[:, :, :-1]
        inner[:, :, :-1] &= masks[:, :, 1:]
        masks = inner
    return masks


@pytest.fixture(scope="module")
def default_catalog():
    started = time.perf_counter()
    catalog = make_builtin_catalog()
    print(f"\nbuiltin:catalog default ({len(catalog)} images at {catalog.resolution} px): "
          f"{time.perf_counter() - started:.2f} s")
    return catalog


@pytest.mark.slow
def test_default_catalog_contract(default_catalog):
    assert default_catalog.images.shape == (DEFAULT_COUNT, 64, 64, 3)
    assert default_catalog.images.dtype == np.uint8
    assert list(default_catalog.table) == COLUMNS
    assert default_catalog.source == "builtin:catalog"
    assert default_catalog.files[17] == "builtin:catalog#17"
    for name, values in default_catalog.table.items():
        assert set(values) == set(BUILTIN_ATTRIBUTES[name])
        assert all(isinstance(v, str) for v in values)


@pytest.mark.parametrize("resolution", [32, 64])
@pytest.mark.parametrize("channels", [1, 3])
def test_shape_and_dtype(resolution, channels):
    catalog = make_builtin_catalog(resolution=resolution, channels=channels, count=6)
    assert catalog.images.shape == (6, resolution, resolution, channels)
    assert catalog.images.dtype == np.uint8
    assert len(catalog.files) == 6 and all(len(v) == 6 for v in catalog.table.values())


def test_grayscale_is_luma_of_rgb():
    rgb = make_builtin_catalog(resolution=32, count=8).images.astype(np.float64)
    gray = make_builtin_catalog(resolution=32, channels=1, count=8).images[..., 0]
    luma = rgb @ np.array([0.299, 0.587, 0.114])
    assert np.abs(gray - luma).max() <= 0.51


def test_other_resolutions():
    for resolution in (128, 256):
        catalog = make_builtin_catalog(resolution=resolution, count=2)
        assert catalog.images.shape == (2, resolution, resolution, 3)


def test_deterministic_and_seeded():
    first = make_builtin_catalog(resolution=32, count=24, seed=3)
    again = make_builtin_catalog(resolution=32, count=24, seed=3)
    other = make_builtin_catalog(resolution=32, count=24, seed=4)
    assert first.images.tobytes() == again.images.tobytes()
    assert first.table == again.table
    assert not np.array_equal(first.images, other.images)
    # image i depends only on (seed, i): a smaller catalog is a prefix of a larger one
    prefix = make_builtin_catalog(resolution=32, count=10, seed=3)
    assert np.array_equal(prefix.images, first.images[:10])


@pytest.mark.slow
def test_every_level_is_about_equally_common(default_catalog):
    for name, levels in BUILTIN_ATTRIBUTES.items():
        values = default_catalog.table[name]
        expected = len(values) / len(levels)
        counts = {level: values.count(level) for level in levels}
        assert all(abs(c - expected) < 0.2 * expected for c in counts.values()), (name, counts)


@pytest.mark.slow
def test_no_two_images_are_identical(default_catalog):
    assert len({image.tobytes() for image in default_catalog.images}) == len(default_catalog)


def test_plain_matte_products_have_their_named_color():
    names = list(BUILTIN_COLORS)
    palette = np.array([BUILTIN_COLORS[n] for n in names], dtype=np.float64)
    for color in names:
        images, masks, _ = render_many(12, 64, seed=11, color=color, pattern="plain", material="matte")
        for image, mask in zip(images, erode(masks)):  # erode: edge pixels blend with the background
            mean = image[mask].astype(np.float64).mean(axis=0)
            nearest = names[int(np.argmin(((palette - mean) ** 2).sum(axis=1)))]
            assert nearest == color, (color, mean.round())


def test_patterned_and_shiny_products_keep_their_color_too():
    names = list(BUILTIN_COLORS)
    palette = np.array([BUILTIN_COLORS[n] for n in names], dtype=np.float64)
    images, masks, rows = render_many(160, 64, seed=12)
    for image, mask, row in zip(images, erode(masks), rows):
        mean = image[mask].astype(np.float64).mean(axis=0)
        assert names[int(np.argmin(((palette - mean) ** 2).sum(axis=1)))] == row["color"], (row, mean.round())


def test_background_is_near_white_studio():
    images, masks, _ = render_many(60, 64, seed=13)
    near_product = ~erode(~masks, 3)  # grow the product by 3 px
    top = np.zeros_like(masks)
    top[:, :24] = True  # the drop shadow lies under the product
    background = images[top & ~near_product]
    assert background.min() >= 230
    assert 238 <= background.mean() <= 250
    assert (images[masks].mean(axis=-1) < 235).mean() > 0.5  # products are not drawn in background colour


def test_size_sets_product_area():
    areas = {}
    for size in BUILTIN_ATTRIBUTES["size"]:
        _, masks, _ = render_many(60, 32, seed=14, size=size)
        areas[size] = masks.mean()
    assert areas["small"] < areas["medium"] < areas["large"]
    assert areas["large"] > 1.8 * areas["small"]


def test_left_and_right_tilt_mirror_each_other():
    for category in ("tee", "trousers", "bag"):
        _, left, _ = render_many(40, 32, seed=15, category=category, angle="left")
        _, right, _ = render_many(40, 32, seed=16, category=category, angle="right")
        left_mean, right_mean = left.mean(axis=0), right.mean(axis=0)
        apart = np.abs(left_mean - right_mean).mean()
        mirrored = np.abs(left_mean - right_mean[:, ::-1]).mean()
        assert apart > 2 * mirrored, (category, apart, mirrored)


def _silhouette_features(masks: np.ndarray, side: int = 16) -> np.ndarray:
    """Each mask cropped to its bounding box and resized to side x side, so size and position drop out."""
    features = []
    for mask in masks:
        rows, cols = np.nonzero(mask)
        crop = mask[rows.min() : rows.max() + 1, cols.min() : cols.max() + 1].astype(np.uint8) * 255
        resized = Image.fromarray(crop).resize((side, side), Image.BILINEAR)
        features.append(np.asarray(resized, dtype=np.float64).ravel() / 255)
    return np.stack(features)


def test_categories_are_distinguishable_at_32_px():
    categories = BUILTIN_ATTRIBUTES["category"]
    _, masks, rows = render_many(720, 32, seed=17)
    labels = np.array([categories.index(r["category"]) for r in rows])
    features = _silhouette_features(masks)
    train = np.arange(len(labels)) % 2 == 0
    centroids = np.stack([features[train & (labels == k)].mean(axis=0) for k in range(len(categories))])
    distances = ((features[~train][:, None] - centroids[None]) ** 2).sum(axis=-1)
    accuracy = (distances.argmin(axis=1) == labels[~train]).mean()
    assert accuracy > 0.9, accuracy


def test_render_product_rejects_unknown_levels():
    attributes = {name: levels[0] for name, levels in BUILTIN_ATTRIBUTES.items()} | {"color": "teal"}
    with pytest.raises(ValueError, match="teal"):
        render_product(attributes, 32, np.random.default_rng(0))
