"""The marketplace layout: square, pure white around the product, product ~85% of the side and
centred, at least 1000 px; enlarged by a learned model when given one, by Lanczos otherwise (said)."""

from __future__ import annotations

import numpy as np
import pytest

from productgan.catalog.check import box_of
from productgan.catalog.layout import lay_out
from productgan.catalog.presets import PRESETS

from helpers.catalog import product_photo

MARKETPLACE = PRESETS["marketplace"]


def product_box(image: np.ndarray) -> tuple[int, int, int, int]:
    return box_of(np.abs(image.astype(int) - 255).max(axis=2) > 30)


@pytest.mark.parametrize("photo", [product_photo(side=600, fill=0.5, centre=(0.35, 0.6), backdrop=238),
                                   product_photo(side=500, height=700, fill=0.6),
                                   product_photo(side=1600, fill=0.9)])
def test_square_white_centred_product_filling_85_percent(photo):
    laid, _ = lay_out(photo, MARKETPLACE)
    side = laid.shape[0]
    assert laid.shape == (side, side, 3) and side >= MARKETPLACE.min_side
    assert (laid[:5] == 255).all() and (laid[-5:] == 255).all() and (laid[:, :5] == 255).all() and (laid[:, -5:] == 255).all()
    top, left, bottom, right = product_box(laid)
    assert max(bottom - top, right - left) / side == pytest.approx(0.85, abs=0.02)
    assert ((top + bottom) / 2 / side, (left + right) / 2 / side) == (pytest.approx(0.5, abs=0.01), pytest.approx(0.5, abs=0.01))


def test_a_large_photo_is_not_shrunk():
    laid, warnings = lay_out(product_photo(side=1600, fill=0.9), MARKETPLACE)
    assert laid.shape[0] >= round(0.9 * 1600 / 0.85) - 2 and not any("upscaled" in w for w in warnings)


def test_a_small_photo_is_enlarged_by_lanczos_and_the_warning_says_so():
    laid, warnings = lay_out(product_photo(side=400), MARKETPLACE)
    assert laid.shape[0] == 1000
    assert any("Lanczos" in w and "no learned super-resolution model" in w for w in warnings)


def test_a_learned_upscaler_is_used_when_given():
    calls = []

    def twice(image):  # stands in for a learned x2 model
        calls.append(image.shape)
        return np.repeat(np.repeat(image, 2, axis=0), 2, axis=1)

    laid, warnings = lay_out(product_photo(side=400), MARKETPLACE, upscaler=twice, sr_scale=2)
    assert calls and laid.shape[0] == 1000 and any("learned x2 model" in w for w in warnings)


def test_a_close_up_without_backdrop_is_padded_not_cut_out():
    cloth = np.zeros((700, 560, 3), np.uint8)
    cloth[...] = (30, 40, 90)
    cloth[::9] = (200, 60, 60)
    laid, warnings = lay_out(cloth, MARKETPLACE, cut_out=False)
    assert laid.shape[0] == 1000 and any("not cut out" in w for w in warnings)
    middle = laid[500, 500]
    assert middle.max() < 230  # the cloth is still there, not whitened


def test_a_product_cut_by_the_frame_keeps_its_cut_on_the_canvas_edge():
    photo = product_photo(side=600, fill=0.8, centre=(0.5, 0.75))  # runs off the bottom
    laid, warnings = lay_out(photo, MARKETPLACE)
    assert any("cuts the product (bottom)" in w for w in warnings)
    assert product_box(laid)[2] == laid.shape[0]  # still touching the bottom


def test_web_preset_keeps_the_photo():
    photo = product_photo(side=300)
    laid, warnings = lay_out(photo, PRESETS["web"])
    assert laid is photo and warnings == []
