"""Variants: one latent, every level of one attribute, the rest held (read back by a domain classifier)."""

from __future__ import annotations

import numpy as np
import pytest

from productgan.edit.variants import variant_sheet, variants
from productgan.errors import AttributeLevelError

N = 16


@pytest.fixture(scope="module")
def model(trained_edit_model):
    return trained_edit_model


def read(model, images: np.ndarray) -> dict[str, np.ndarray]:
    """The classifier's level names for uint8 (..., H, W, C) images, shaped like the leading axes."""
    flat = images.reshape(-1, *images.shape[-3:])
    predicted = model.classifier.predict(flat)
    return {name: np.array(model.classifier.levels[name])[ids].reshape(images.shape[:-3])
            for name, ids in predicted.items()}


def names(model, table, attribute: str) -> np.ndarray:
    return np.array(model.generator.levels[attribute])[table.level_ids(attribute, model.generator.names)]


def test_variants_differ_in_the_edited_attribute_only(model):
    table = variants(model.generator, "color", n=N, seed=3)
    seen = read(model, table.images)
    # the edited attribute reads as requested in every row ...
    assert (seen["color"] == np.array(table.row_levels)[:, None]).mean() >= 0.95
    # ... and the held one as the unedited product (same latent, its own colour) reads it
    control = read(model, model.generator.generate(N, seed=3))
    assert (seen["backdrop"] == control["backdrop"][None, :]).mean() >= 0.95
    assert (seen["backdrop"] == names(model, table, "backdrop")).mean() >= 0.95
    # the classifier does see a changed backdrop, so a variant that lost its backdrop would fail above
    flipped = read(model, variants(model.generator, "backdrop", n=N, seed=3).images)["backdrop"]
    assert (flipped[0] != flipped[1]).mean() >= 0.9


def test_each_column_is_the_product_generate_draws(model):
    generator = model.generator
    table = variants(generator, "color", n=5, seed=7)
    drawn = generator.generate(5, seed=7)
    _, labels = generator.inputs(5, seed=7)
    own = labels[:, generator.attribute_index("color")].tolist()
    for j in range(5):  # in its own colour, product j is exactly what generate() shows
        np.testing.assert_array_equal(table.images[own[j], j], drawn[j])
    assert table.images.shape == (3, 5, 16, 16, 3)
    assert table.held == [{"backdrop": b} for b in names(model, table, "backdrop")[0]]


def test_fixed_levels_are_held_in_every_variant(model):
    table = variants(model.generator, "color", n=4, seed=1, fixed={"backdrop": "grey"})
    assert (read(model, table.images)["backdrop"] == "grey").mean() >= 0.95
    assert all(held == {"backdrop": "grey"} for held in table.held)


def test_a_sheet_crosses_two_attributes_for_one_product(model):
    sheet = variant_sheet(model.generator, "color", "backdrop", seed=2)
    assert sheet.images.shape[:2] == (3, 2)
    seen = read(model, sheet.images)
    assert (seen["color"] == np.array(sheet.row_levels)[:, None]).mean() >= 0.95
    assert (seen["backdrop"] == np.array(sheet.column_levels)[None, :]).mean() >= 0.95
    assert sheet.grid().shape == (2 + 3 * 18, 2 + 2 * 18, 3)


def test_unknown_attributes_and_levels_are_clear_errors(model):
    with pytest.raises(AttributeLevelError, match="conditioned on: color, backdrop"):
        variants(model.generator, "material")
    with pytest.raises(AttributeLevelError, match="valid levels"):
        variants(model.generator, "color", fixed={"backdrop": "black"})
    with pytest.raises(AttributeLevelError, match="two different attributes"):
        variant_sheet(model.generator, "color", "color")
