"""Levels the catalog ties together (a bag is always 'gear') move with an edit: variants, sheets,
photo edits and the measured figures draw combinations the catalog has, unless the caller asked
for the attribute; rare levels tie nothing, and a turntable never changes its product."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from productgan.edit.measure import held_reads
from productgan.generate import TIED_MIN_ROWS, ProductGenerator
from productgan.models import create_generator
from productgan.models.config import ModelConfig

LEVELS = {"category": ["tee", "bag", "watch"], "gender": ["women", "men", "gear"], "color": ["red", "lilac"]}
# tees for women and men, red (one women's tee lilac); bags always gear, red and lilac; watches gear but
# seen too rarely to tie anything; lilac comes only as women's tees and bags, in too few rows to tie
COMBOS = [([0, 0, 0], 10), ([0, 0, 1], 1), ([0, 1, 0], 10), ([1, 2, 0], 9), ([1, 2, 1], 1),
          ([2, 2, 0], TIED_MIN_ROWS - 1)]


@pytest.fixture(scope="module")
def generator() -> ProductGenerator:
    config = ModelConfig(family="resnet", resolution=16, width=8, max_width=16, latent_dim=8, embed_dim=8,
                         level_counts=tuple(len(v) for v in LEVELS.values()))
    torch.manual_seed(0)
    return ProductGenerator(create_generator(config), list(LEVELS), LEVELS, COMBOS)


def test_a_level_seen_often_ties_what_always_comes_with_it_and_rare_levels_tie_nothing(generator):
    assert generator.tied_levels("category") == {1: {1: 2}}  # bag -> gender gear; watch too rare
    assert generator.tied_levels("color") == {}  # red pairs with everything; lilac is one row
    # women come only as tees (11 rows), men only as red tees (10): both tie their category, men their
    # colour too; gear comes as bags and watches, in both colours, and ties nothing
    assert generator.tied_levels("gender") == {0: {0: 0}, 1: {0: 0, 2: 0}}


def test_every_level_moves_tied_levels_unless_held(generator):
    labels = torch.tensor([[0, 0, 0], [0, 1, 0]])  # a women's and a men's red tee
    rows = generator.every_level(labels, "category")
    assert rows.tolist() == [[0, 0, 0], [0, 1, 0], [1, 2, 0], [1, 2, 0], [2, 0, 0], [2, 1, 0]]
    held = generator.every_level(labels, "category", held=["gender"])
    assert held.tolist() == [[0, 0, 0], [0, 1, 0], [1, 0, 0], [1, 1, 0], [2, 0, 0], [2, 1, 0]]


def test_level_inputs_hold_what_the_caller_fixed(generator):
    _, drawn = generator.level_inputs("category", 4, seed=0)
    assert (drawn[4:8, 1] == 2).all()  # the bag row is gear
    _, fixed = generator.level_inputs("category", 4, seed=0, fixed={"gender": "Women"})
    assert (fixed[:, 1] == 0).all()  # asked for women: held, even for the bag


def test_photo_edits_take_tied_levels_except_those_changed_too(generator):
    tee = {"category": "tee", "gender": "women", "color": "red"}
    assert generator.with_tied_levels(tee, {"category": "BAG"}) == {"category": "BAG", "gender": "gear", "color": "red"}
    assert generator.with_tied_levels(tee, {"category": "watch"})["gender"] == "women"
    assert generator.with_tied_levels(tee, {"category": "bag", "gender": "men"})["gender"] == "men"
    assert generator.with_tied_levels(tee, {"color": "lilac"}) == {**tee, "color": "lilac"}


def test_a_sheet_keeps_its_column_attribute_and_the_fixed_levels(generator):
    from productgan.edit.variants import variant_sheet

    sheet = variant_sheet(generator, "category", "gender", seed=0)
    assert (sheet.labels[:, :, 1] == np.arange(3)[None, :]).all()  # every column its own gender
    across = variant_sheet(generator, "category", "color", seed=0)
    assert (across.labels[1, :, 1] == 2).all()  # the bag row moved to gear


def test_a_turntable_never_changes_its_product():
    from productgan.edit.clips import turntable_frames

    levels = {"view": ["front", "back"], "category": ["tee", "bag"]}
    combos = [([0, 0], 10), ([1, 1], 10)]  # the catalog has bags from the back only: back would tie bag
    config = ModelConfig(family="resnet", resolution=16, width=8, max_width=16, latent_dim=8, embed_dim=8,
                         level_counts=(2, 2))
    torch.manual_seed(0)
    generator = ProductGenerator(create_generator(config), list(levels), levels, combos)
    assert generator.tied_levels("view") == {0: {1: 0}, 1: {1: 1}}
    frames = turntable_frames(generator, 2, seed=0, fixed={"category": "tee"})
    z, _ = generator.inputs(1, 0, None, {"category": "tee"})
    expected = generator.render(z.repeat(2, 1), torch.tensor([[0, 0], [1, 0]]))
    assert np.array_equal(frames, expected)


def test_held_reads_count_only_held_cells():
    seen = np.array([["a", "b"], ["x", "b"]])
    control = np.array(["a", "b"])
    assert held_reads(seen, control, np.array([[True, True], [True, True]])) == 0.75
    assert held_reads(seen, control, np.array([[True, True], [False, True]])) == 1.0
    assert np.isnan(held_reads(seen, control, np.zeros((2, 2), bool)))


def test_row_captions_name_the_levels_that_moved(generator):
    assert generator.level_captions("category") == ["tee", "bag (gender gear)", "watch"]
    assert generator.level_captions("category", held=["gender"]) == ["tee", "bag", "watch"]
