"""edit/measure: the figures a benchmark prints, on the tiny model where their values are known."""

from __future__ import annotations

import numpy as np
from helpers_edit_generated import trained

from productgan.edit.inversion import InversionSettings
from productgan.edit.measure import luminance_ssim, measure_inversion, measure_variants


def test_variant_figures_read_a_model_that_obeys_its_attributes():
    model = trained()
    figures = measure_variants(model.generator, model.classifier, "color", products=8, seed=1)
    assert figures["edit_success"] >= 0.95 and figures["held_kept"] >= 0.95
    assert figures["images"] == 24
    for key in ("identity_cosine", "identity_cosine_between_products", "identity_ssim",
                "identity_ssim_between_products"):
        assert -1.0 <= figures[key] <= 1.0


def test_inversion_figures_average_over_photos():
    model = trained()
    photos = model.catalog.images[:2]
    levels = [{name: model.catalog.table[name][i] for name in model.generator.names} for i in range(2)]
    figures = measure_inversion(model.generator, model.classifier, photos, levels,
                                InversionSettings(steps=30, restarts=1, learning_rate=0.1))
    assert figures["photos"] == 2 and figures["final_error"] < figures["start_error"]
    assert figures["edit_success"] >= 0.75 and 0 < figures["ssim"] <= 1


def test_luminance_ssim_sees_shape_not_hue():
    image = np.full((1, 16, 16, 3), 128, np.uint8)
    image[:, 4:12, 4:12] = (200, 50, 50)
    same_luminance = image.copy()
    same_luminance[:, 4:12, 4:12] = (50, 112, 113)  # another hue, luminance within 1 of the red
    moved = np.roll(image, 4, axis=2)
    assert luminance_ssim(image, same_luminance)[0] > 0.99
    assert luminance_ssim(image, moved)[0] < 0.6
