"""Edits asked for on the command line (attribute=level, attribute=*) and the files they are written to."""

from __future__ import annotations

import pytest

from productgan.data.names import slug
from productgan.edit.inversion import edit_file_name, expand_edits
from productgan.errors import ProductGANError

LEVELS = {"color": ["red", "Navy Blue"], "category": ["Bras & Tanks", "Tees"]}


def test_slug_keeps_file_name_characters_and_joins_the_rest_with_dashes():
    assert slug("Bras & Tanks") == "Bras-Tanks"
    assert slug("v1.2_final") == "v1.2_final"
    assert slug("  ***  ") == "level"


def test_each_pair_is_one_edit_and_star_means_every_level():
    assert expand_edits([("color", "*"), ("category", "Tees")], LEVELS) == [
        {"color": "red"}, {"color": "Navy Blue"}, {"category": "Tees"}]
    assert expand_edits([("color", "red"), ("color", "Navy Blue")], LEVELS) == [{"color": "red"}, {"color": "Navy Blue"}]
    assert expand_edits([], LEVELS) == []


@pytest.mark.parametrize("pairs, message", [
    ([("size", "*")], "unknown attribute 'size'"),
    ([("size", "M")], "unknown attribute 'size'"),
    ([("color", "purple")], "purple"),
])
def test_an_unknown_attribute_or_level_fails_before_any_work(pairs, message):
    with pytest.raises(ProductGANError, match=message):
        expand_edits(pairs, LEVELS)


def test_edit_file_name_names_attribute_and_level():
    assert edit_file_name({"color": "Navy Blue"}) == "edit-color-Navy-Blue.png"
    assert edit_file_name({"category": "Bras & Tanks"}) == "edit-category-Bras-Tanks.png"
