"""Simulated shoppers' preferences (foryou/shoppers.py) and the scores that reward covering them
(foryou/measure.py score), on the tiny catalog with a stand-in classifier: no training needed."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest

from helpers.foryou import LEVELS, tiny_catalog, tiny_generator

from productgan.foryou.guard import pixel_features
from productgan.foryou.measure import Bench, level_errors, requests, score
from productgan.foryou.shoppers import (
    DISJUNCTIVE, SINGLE, Shopper, excluded_items, make_disjunctive_shoppers, make_shoppers, matching,
)


def test_a_disjunctive_preference_accepts_any_combination_but_never_the_excluded_level():
    shopper = Shopper([{"color": "red", "category": "tee"}, {"color": "black", "category": "bag"}], {"category": "shorts"},
                      DISJUNCTIVE)
    assert shopper.reached({"color": "black", "category": "bag"}) == [1] and shopper.accepts({"color": "red", "category": "tee"})
    assert not shopper.accepts({"color": "red", "category": "bag"})
    assert Shopper([{"color": "red"}], {"category": "shorts"}).reached({"color": "red", "category": "shorts"}) == []
    assert shopper.describe() == "color=red, category=tee or color=black, category=bag; never category=shorts"
    assert shopper.attributes == ["category", "color"]


def test_disjunctive_shoppers_are_reachable_and_have_something_to_dislike():
    catalog = tiny_catalog()
    shoppers = make_disjunctive_shoppers(catalog, ["color", "category"], count=4, min_items=6, seed=3)
    assert len(shoppers) == 4 and len({s.describe() for s in shoppers}) == 4
    for shopper in shoppers:
        assert shopper.group == DISJUNCTIVE and 2 <= len(shopper.wants) <= 3 and len(shopper.never) == 1
        assert len({tuple(sorted(c)) for c in shopper.wants}) == 1  # every combination over the same attributes
        assert len(matching(catalog, shopper)) >= 6 and excluded_items(catalog, shopper)
        for combination in shopper.wants:
            assert matching(catalog, Shopper([combination], shopper.never))
        assert not set(matching(catalog, shopper)) & set(excluded_items(catalog, shopper))


def test_single_level_shoppers_are_the_earlier_benches_shoppers():
    # the rng is drawn in the order of the first bench (anchor, then attributes): same seed, same shoppers
    catalog = tiny_catalog()
    rng = np.random.default_rng(0)
    anchor = int(rng.integers(len(catalog)))
    chosen = rng.choice(["color", "category"], size=min(2, int(rng.integers(1, 3))), replace=False)
    first = make_shoppers(catalog, ["color", "category"], count=1, min_items=1, seed=0)[0]
    assert first.wants == [{str(n): catalog.table[str(n)][anchor] for n in sorted(chosen)}] and first.group == SINGLE


def test_dislikes_come_from_the_excluded_level_and_only_when_asked():
    catalog, generator = tiny_catalog(), tiny_generator()
    shopper = Shopper([{"color": "red"}, {"color": "blue"}], {"category": "shorts"}, DISJUNCTIVE)
    found = requests(Bench(generator, catalog, None, None), shopper, 0, (1, 3, 6))
    assert [r.k for r in found] == [1, 3, 6] and [len(r.disliked) for r in found] == [1, 1, 2]
    for request in found:
        assert all(catalog.table["category"][i] == "shorts" for i in request.disliked)
        assert all(shopper.accepts({n: catalog.table[n][i] for n in ("color", "category")}) for i in request.liked)
    assert all(not r.disliked for r in requests(Bench(generator, catalog, None, None, dislikes=False), shopper, 0, (3,)))


@dataclass
class Reading:
    resolution: int = 16
    channels: int = 3


class StandInClassifier:
    """Reads the levels it is told to; its features are pixels."""

    def __init__(self, read: list[dict[str, str]]):
        self.config, self.levels = Reading(), LEVELS
        self.read = read

    def features(self, images):
        return pixel_features(images)

    def predict(self, images):
        read = self.read * len(images) if len(self.read) == 1 else self.read
        return {name: np.array([LEVELS[name].index(r[name]) for r in read]) for name in LEVELS}


def scored(read: list[dict[str, str]], shopper: Shopper) -> dict[str, float]:
    catalog = tiny_catalog()
    bench = Bench(tiny_generator(), catalog, StandInClassifier(read), None)
    images = catalog.images[:len(read)]
    catalog_features = pixel_features(catalog.images)
    return score(bench, shopper, images, catalog_features[10:14], catalog_features)


def test_coverage_rewards_reaching_every_accepted_combination_and_copying_one_level_loses():
    shopper = Shopper([{"color": "red"}, {"color": "blue"}, {"color": "green"}], {"category": "shorts"}, DISJUNCTIVE)
    copied = scored([{"color": "red", "category": "tee"}] * 4, shopper)
    spread = scored([{"color": c, "category": "tee"} for c in ("red", "blue", "green", "red")], shopper)
    assert copied["match"] == spread["match"] == 1.0
    assert copied["coverage"] == pytest.approx(1 / 3) and spread["coverage"] == 1.0
    excluded = scored([{"color": "red", "category": "shorts"}] * 2 + [{"color": "black", "category": "tee"}] * 2, shopper)
    assert excluded["match"] == 0.0 and excluded["coverage"] == 0.0


def test_holdout_reach_is_the_distance_from_each_held_out_item_to_its_nearest_image():
    shopper = Shopper([{"color": "red"}])
    result = scored([{"color": "red", "category": "tee"}] * 4, shopper)
    features = pixel_features(tiny_catalog().images)
    expected = np.linalg.norm(features[10:14, None] - features[None, :4], axis=2).min(1).mean()
    assert result["holdout_reach"] == pytest.approx(expected, rel=1e-4)


def test_level_errors_count_the_placements_that_read_a_level_unlike_the_table():
    catalog = tiny_catalog()
    reads_green_tees = StandInClassifier([{"color": "green", "category": "tee"}])
    indices = list(range(0, 48, 6))  # products 0, 3, ..., 21: colours red, black, green, blue twice over
    rows = level_errors(Bench(tiny_generator(), catalog, reads_green_tees, None), indices)
    truth = {name: [catalog.table[name][i] for i in indices] for name in ("color", "category")}
    assert [row["attribute"] for row in rows] == ["color", "category"] and {row["photos"] for row in rows} == {8}
    assert rows[0]["wrong_classifier"] == np.mean([c != "green" for c in truth["color"]]) == 0.75
    assert rows[1]["wrong_classifier"] == np.mean([c != "tee" for c in truth["category"]])
    assert 0 <= rows[0]["wrong_closest"] <= 1
