"""edit/measure: the figures a benchmark prints, on the tiny model where their values are known."""

from __future__ import annotations


from productgan.edit.inversion import InversionSettings
from productgan.edit.measure import measure_inversion, measure_variants


def test_variant_figures_read_a_model_that_obeys_its_attributes(trained_edit_model):
    model = trained_edit_model
    figures = measure_variants(model.generator, model.classifier, "color", products=8, seed=1)
    assert figures["edit_success"] >= 0.95 and figures["held_kept"] >= 0.95
    assert figures["images"] == 24
    for key in ("identity_cosine", "identity_cosine_between_products", "identity_ssim",
                "identity_ssim_between_products"):
        assert -1.0 <= figures[key] <= 1.0


def test_inversion_figures_average_over_photos(trained_edit_model):
    model = trained_edit_model
    photos = model.catalog.images[:2]
    levels = [{name: model.catalog.table[name][i] for name in model.generator.names} for i in range(2)]
    figures = measure_inversion(model.generator, model.classifier, photos, levels,
                                InversionSettings(steps=30, restarts=1, learning_rate=0.1))
    assert figures["photos"] == 2 and figures["final_error"] < figures["start_error"]
    assert figures["edit_success"] >= 0.75 and 0 < figures["ssim"] <= 1
