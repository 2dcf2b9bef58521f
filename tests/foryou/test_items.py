"""The text form of an item: gen:SEED[:levels], gen@MODEL:SEED[:levels], else a photo path."""

from __future__ import annotations

import numpy as np
import pytest

from productgan.errors import ProductGANError
from productgan.foryou import GeneratedItem, PhotoItem, parse_item


def test_generated_items_parse_with_levels_and_model():
    assert parse_item("gen:42") == GeneratedItem(42)
    assert parse_item("gen:42:color=red, category=Tees") == GeneratedItem(42, {"color": "red", "category": "Tees"})
    assert parse_item("gen@luma:7:color=Navy Blue") == GeneratedItem(7, {"color": "Navy Blue"}, "luma")
    assert parse_item("gen:7:color=red").describe() == "gen:7:color=red"


@pytest.mark.parametrize("text, problem", [("gen:x", "seed must be a whole number"), ("gen:-1", "seed must be"),
                                            ("gen:3:color", "attribute=level pairs"), ("gen:3:=red", "pairs")])
def test_a_malformed_generated_item_says_what_is_wrong(text, problem):
    with pytest.raises(ProductGANError, match=problem):
        parse_item(text)


def test_anything_else_is_a_photo_read_from_its_path():
    read = []
    item = parse_item("photos/gen-shirt.png", read_photo=lambda path: read.append(path) or np.zeros((4, 4, 3), np.uint8))
    assert isinstance(item, PhotoItem) and item.source == "photos/gen-shirt.png" and len(read) == 1
