"""The chain's `whiten` step finds the product with the adaptive threshold unless one is given, so a
white garment on a white backdrop keeps its body (issue 15: the fixed 12 erased half a white tank)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from productgan.enhance.classic import ClassicChain, Step
from productgan.photo_io import read_photo

from helpers.photo import white_on_white

CHECK_DIR = Path(__file__).resolve().parents[2] / "bench" / "mask_check"


def kept(image: np.ndarray, whitened: np.ndarray, product: np.ndarray) -> float:
    """Share of the product's pixels whiten left within 2 grey levels of the photo."""
    return float(((np.abs(whitened.astype(int) - image).max(axis=2) <= 2) & product).sum() / product.sum())


def test_whiten_keeps_a_white_shirt_by_default_and_a_given_threshold_still_applies():
    photo, shirt, _ = white_on_white()
    assert kept(photo, ClassicChain.parse("whiten")(photo), shirt) > 0.95
    assert kept(photo, ClassicChain.parse("whiten:threshold=12")(photo), shirt) < 0.5  # the old default's loss
    backdrop = ClassicChain.parse("whiten")(photo)[:20, :20]
    assert backdrop.min() == 255  # the backdrop still goes pure white


def test_not_giving_the_threshold_is_not_the_same_as_any_number():
    step = Step("whiten")
    assert step.params == {} and ClassicChain([step]).describe() == "whiten"
    assert Step("whiten", {"threshold": "12"}).params == {"threshold": 12.0}


@pytest.mark.parametrize("name", ["wt07-white_main.jpg", "mj09-white_main.jpg"])
def test_a_white_tank_on_the_luma_backdrop_keeps_its_body(shared_datasets, name):
    """Real photos of the check set's white subset, against their reference masks (bench/make_mask_refs.py)."""
    image = read_photo(shared_datasets / "luma" / "images" / name)
    product = np.asarray(Image.open(CHECK_DIR / name.replace(".jpg", ".png")).convert("L")) > 127
    assert kept(image, ClassicChain.parse("whiten")(image), product) > 0.95
    assert kept(image, ClassicChain.parse("whiten:threshold=12")(image), product) < 0.6
