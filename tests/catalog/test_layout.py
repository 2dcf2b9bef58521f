"""The marketplace layout: square, pure white around the product, product ~85% of the side and
centred, at least 1000 px; enlarged by the learned model whose scale fits the factor when given
some, by Lanczos otherwise, and the result says which."""

from __future__ import annotations

import numpy as np
import pytest

from productgan.catalog.check import box_of
from productgan.catalog.layout import LearnedUpscaler, choose_upscaler, lay_out, resize
from productgan.catalog.presets import PRESETS

from helpers.catalog import product_photo

MARKETPLACE = PRESETS["marketplace"]


def product_box(image: np.ndarray) -> tuple[int, int, int, int]:
    return box_of(np.abs(image.astype(int) - 255).max(axis=2) > 30)


@pytest.mark.parametrize("photo", [product_photo(side=600, fill=0.5, centre=(0.35, 0.6), backdrop=238),
                                   product_photo(side=500, height=700, fill=0.6),
                                   product_photo(side=1600, fill=0.9)])
def test_square_white_centred_product_filling_85_percent(photo):
    laid = lay_out(photo, MARKETPLACE).image
    side = laid.shape[0]
    assert laid.shape == (side, side, 3) and side >= MARKETPLACE.min_side
    assert (laid[:5] == 255).all() and (laid[-5:] == 255).all() and (laid[:, :5] == 255).all() and (laid[:, -5:] == 255).all()
    top, left, bottom, right = product_box(laid)
    assert max(bottom - top, right - left) / side == pytest.approx(0.85, abs=0.02)
    assert ((top + bottom) / 2 / side, (left + right) / 2 / side) == (pytest.approx(0.5, abs=0.01), pytest.approx(0.5, abs=0.01))


def test_a_large_photo_is_not_shrunk():
    laid = lay_out(product_photo(side=1600, fill=0.9), MARKETPLACE)
    assert laid.image.shape[0] >= round(0.9 * 1600 / 0.85) - 2 and not any("upscaled" in w for w in laid.warnings)
    assert laid.upscaler == ""


def test_a_small_photo_without_models_is_enlarged_by_lanczos_and_says_so():
    laid = lay_out(product_photo(side=400), MARKETPLACE)
    assert laid.image.shape[0] == 1000 and laid.upscaler == "lanczos"
    assert any("by a Lanczos resize" in w for w in laid.warnings)


def nearest(scale: int, calls: list) -> LearnedUpscaler:
    """Stands in for a learned x`scale` model: nearest-neighbour, recording each call's input shape."""
    def model(image):
        calls.append(image.shape)
        return np.repeat(np.repeat(image, scale, axis=0), scale, axis=1)
    return LearnedUpscaler(model, scale, f"fake-sr{scale}")


def test_a_learned_upscaler_is_used_when_given():
    calls = []
    laid = lay_out(product_photo(side=800), MARKETPLACE, upscalers=[nearest(2, calls)])  # x1.3
    assert calls and laid.image.shape[0] == 1000 and laid.upscaler == "fake-sr2"
    assert any("learned x2 model (fake-sr2)" in w for w in laid.warnings)


@pytest.mark.parametrize("factor, chosen", [(1.14, 2), (2.0, 2), (2.5, 4), (4.0, 4), (6.0, 4)])
def test_the_smallest_model_that_reaches_the_factor_is_chosen_else_the_largest(factor, chosen):
    models = [nearest(4, []), nearest(2, [])]
    assert choose_upscaler(models, factor).scale == chosen
    assert choose_upscaler([], factor) is None


@pytest.mark.parametrize("factor, how", [(1.3, "fake-sr2"), (3.0, "fake-sr4"), (6.0, "fake-sr4+lanczos"),
                                         (0.5, ""), (1.0, "")])
def test_resize_makes_the_exact_size_and_says_how(factor, how):
    calls2, calls4 = [], []
    image = product_photo(side=100, height=60)
    resized, used, note = resize(image, factor, [nearest(2, calls2), nearest(4, calls4)])
    assert resized.shape == (round(60 * factor), round(100 * factor), 3) and used == how
    assert (len(calls2), len(calls4)) == {"fake-sr2": (1, 0), "": (0, 0)}.get(how, (0, 1))
    assert (note is None) == (how == "") and ("then Lanczos" in (note or "")) == how.endswith("+lanczos")


def test_a_close_up_without_backdrop_is_padded_not_cut_out():
    cloth = np.zeros((700, 560, 3), np.uint8)
    cloth[...] = (30, 40, 90)
    cloth[::9] = (200, 60, 60)
    laid = lay_out(cloth, MARKETPLACE, cut_out=False)
    assert laid.image.shape[0] == 1000 and any("not cut out" in w for w in laid.warnings)
    middle = laid.image[500, 500]
    assert middle.max() < 230  # the cloth is still there, not whitened


def test_a_product_cut_by_the_frame_keeps_its_cut_on_the_canvas_edge():
    photo = product_photo(side=600, fill=0.8, centre=(0.5, 0.75))  # runs off the bottom
    laid = lay_out(photo, MARKETPLACE)
    assert any("cuts the product (bottom)" in w for w in laid.warnings)
    assert product_box(laid.image)[2] == laid.image.shape[0]  # still touching the bottom


def test_web_preset_keeps_the_photo():
    photo = product_photo(side=300)
    laid = lay_out(photo, PRESETS["web"])
    assert laid.image is photo and laid.warnings == [] and laid.upscaler == ""
