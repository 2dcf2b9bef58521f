"""edit.photo: the one place the classical edits' options are checked, for the CLI and the HTTP API."""

from __future__ import annotations


import numpy as np
import pytest

from productgan.edit.mask import product_mask
from productgan.edit.photo import PhotoEdit, PhotoEditError, apply_photo_edit
from productgan.edit.recolor import recolor

from helpers.photo import studio_photo


@pytest.mark.parametrize("operation, options, option, message", [
    ("recolor", {}, "color", "recolor needs a color"),
    ("recolor", {"color": "reddish"}, "color", "unknown colour 'reddish'"),
    ("recolor", {"color": "red", "region": "half"}, "region", "dominant or whole, got 'half'"),
    ("scale", {"factor": 0.0}, "factor", "scale needs a factor in (0, 10]"),
    ("rotate", {"degrees": float("nan")}, "degrees", "finite"),
    ("flip", {"direction": "diagonal"}, "direction", "horizontal or vertical, got 'diagonal'"),
    ("melt", {}, None, "operations are: recolor, whiten"),
])
def test_bad_options_are_refused_when_the_edit_is_made_and_named(operation, options, option, message):
    with pytest.raises(PhotoEditError) as caught:
        PhotoEdit(operation, **options)
    assert caught.value.option == option and message in str(caught.value)


def test_the_mask_options_reach_recolor_and_mask():
    photo, _ = studio_photo()
    photo[100:115, 10:40] = 215  # a soft shadow: product at the default threshold, backdrop at 30
    mask = product_mask(photo, 30.0)
    assert not np.array_equal(mask, product_mask(photo))
    expected = recolor(photo, (200, 30, 30), mask, keep_lightness=True)
    edited = apply_photo_edit(photo, "recolor", color="#C81E1E", threshold=30.0, keep_lightness=True)
    assert np.array_equal(edited, expected)
    assert np.array_equal(apply_photo_edit(photo, "mask", threshold=30.0)[..., 0] > 0, mask)


def test_the_defaults_are_what_the_http_api_always_used():
    photo, _ = studio_photo()
    assert np.array_equal(apply_photo_edit(photo, "recolor", color="red"), recolor(photo, "red"))
    assert np.array_equal(apply_photo_edit(photo, "mask")[..., 0] > 0, product_mask(photo))


def test_whiten_refuses_a_strip_whose_square_canvas_would_be_huge(monkeypatch):
    import numpy as np
    import pytest as _pytest

    from productgan.edit import photo as photo_module

    monkeypatch.setattr(photo_module, "MAX_SQUARE_PIXELS", 100 * 100)
    strip = np.full((10, 200, 3), 255, np.uint8)
    with _pytest.raises(photo_module.PhotoEditError, match="200 x 200 square") as error:
        photo_module.PhotoEdit("whiten")(strip)
    assert error.value.option == "make_square"
    assert photo_module.PhotoEdit("whiten", make_square=False)(strip).shape == strip.shape  # no square: fine


def test_the_old_spelling_of_the_operation_still_makes_the_same_edit():
    photo, _ = studio_photo()
    old = PhotoEdit("recolour", color="red")  # old spelling kept: accepted for one release
    assert old.operation == "recolor" and old == PhotoEdit("recolor", color="red")
    assert np.array_equal(old(photo), recolor(photo, "red"))
