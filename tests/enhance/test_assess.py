"""The photo measures: good studio photos pass, and each kind of damage trips its own measure alone."""

from __future__ import annotations

import numpy as np
import pytest

from productgan.enhance.assess import RANGES, Range, assess
from productgan.photo_io import read_photo

from helpers.damage import DAMAGES, clean_photos

# The measures each damage must trip, and nothing else.
EXPECTED = {"darker": {"white_point"}, "cast": {"cast"}, "noisy": {"noise"}, "blurred": {"sharpness"},
            "washed_out": {"white_point", "contrast"}}


@pytest.fixture(scope="module")
def photos():
    return clean_photos(4)


def test_good_studio_photos_pass_every_measure(photos):
    for photo in photos:
        result = assess(photo)
        assert result.ok and result.has_backdrop, result.problems


@pytest.mark.parametrize("damage", sorted(DAMAGES))
def test_each_damage_trips_its_own_measure_alone(photos, damage):
    for photo in photos:
        result = assess(DAMAGES[damage](photo))
        assert set(result.problems) == EXPECTED[damage], (damage, result.problems)


def test_a_close_up_without_backdrop_is_not_called_underexposed(photos):
    """A product filling the frame (dark navy cloth) has no backdrop: its grey border is not judged
    as an underexposed white backdrop, nor its colour as a cast."""
    cloth = np.zeros((300, 240, 3), np.uint8)
    cloth[...] = (30, 40, 90)
    cloth[::7] = (60, 70, 130)  # a weave, so the photo is not blank
    result = assess(cloth)
    assert not result.has_backdrop
    assert "white_point" not in result.problems and "cast" not in result.problems


def test_reasons_name_the_measure_its_value_and_bound(photos):
    result = assess(DAMAGES["darker"](photos[0]))
    assert "underexposed" in result.problems["white_point"] and "< 230" in result.problems["white_point"]
    assert Range("x", 1.0, None, too_low="low").verdict(0.5) == "low (x 0.5 < 1)"
    assert Range("x", None, 2.0, too_high="high").verdict(1.0) is None


def test_every_range_says_what_is_wrong():
    for name, bounds in RANGES.items():
        assert bounds.name == name
        assert (bounds.low is None or bounds.too_low) and (bounds.high is None or bounds.too_high)


def test_luma_studio_photos_pass(shared_datasets):
    """The ranges were chosen on the shared luma photos (docs/BENCHMARKS.md): a sample of them passes."""
    paths = sorted((shared_datasets / "luma" / "images").glob("*.jpg"))[::40]
    assert paths
    failing = {p.name: assess(read_photo(p)).problems for p in paths}
    assert not {name: problems for name, problems in failing.items() if problems}
