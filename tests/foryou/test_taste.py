"""The fitted taste: liked levels dominate, few items shrink toward the catalog, dislikes push away,
explore widens. Checked on the fitted frequencies and on draws of an untrained tiny generator
(the levels drawn do not depend on the weights)."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from helpers.foryou import tiny_generator

from productgan.errors import ConfigError
from productgan.foryou import ForYouSettings, GeneratedItem, fit_taste, recommend
from productgan.foryou.place import place
from productgan.foryou.taste import catalog_frequencies, draw


@pytest.fixture(scope="module")
def generator():
    return tiny_generator()


def placed(generator, items):
    return [(p.z, p.labels) for p in (place(generator, item) for item in items)]


def red_tees(count: int) -> list[GeneratedItem]:
    return [GeneratedItem(seed, {"color": "red", "category": "tee"}) for seed in range(count)]


def test_many_liked_items_of_one_color_make_most_draws_that_color(generator):
    result = recommend(generator, [GeneratedItem(s, {"color": "green"}) for s in range(12)],
                       settings=ForYouSettings(n=48, explore=0.0, seed=3))
    greens = sum(levels["color"] == "green" for levels in result.levels)
    assert greens >= 0.6 * 48  # green is 4 of 14 catalog combinations' weight: about 0.13 without the likes


def test_one_liked_item_stays_closer_to_the_catalog_frequencies_than_ten(generator):
    catalog = catalog_frequencies(generator)["color"]
    one = fit_taste(generator, placed(generator, red_tees(1)), []).probabilities["color"]
    ten = fit_taste(generator, placed(generator, red_tees(10)), []).probabilities["color"]
    assert np.abs(one - catalog).sum() < np.abs(ten - catalog).sum()
    assert catalog[0] < one[0] < ten[0]  # both lean to red, ten more than one
    # the latent mean is shrunk too: one item moves it a third of the way (kappa = 2), ten five sixths
    z_one = placed(generator, red_tees(1))[0][0]
    assert torch.allclose(fit_taste(generator, placed(generator, red_tees(1)), []).mean, z_one / 3)


def test_disliked_levels_are_drawn_less_often_than_without_the_dislike(generator):
    liked = [GeneratedItem(s, {"category": "tee" if s % 2 else "bag"}) for s in range(6)]
    disliked = [GeneratedItem(100 + s, {"category": "shorts"}) for s in range(3)]
    settings = ForYouSettings(n=64, explore=0.0, seed=5)
    without = recommend(generator, liked, settings=settings)
    with_dislike = recommend(generator, liked, disliked, settings=settings)
    count = lambda result: sum(levels["category"] == "shorts" for levels in result.levels)  # noqa: E731
    assert count(with_dislike) < count(without)
    assert count(with_dislike) <= 0.1 * 64


def test_disliked_latents_push_the_mean_away(generator):
    liked, disliked = placed(generator, red_tees(3)), placed(generator, [GeneratedItem(50)])
    plain, pushed = fit_taste(generator, liked, []), fit_taste(generator, liked, disliked)
    assert (pushed.mean - disliked[0][0]).norm() > (plain.mean - disliked[0][0]).norm()


def test_explore_one_draws_more_distinct_levels_than_explore_zero(generator):
    taste = fit_taste(generator, placed(generator, red_tees(10)), [])
    distinct = {}
    for explore in (0.0, 1.0):
        _, labels = draw(generator, taste, 32, explore, torch.Generator().manual_seed(0))
        distinct[explore] = len({tuple(row) for row in labels.tolist()})
    assert distinct[1.0] > distinct[0.0]


def test_explore_one_is_the_prior_and_flat_levels(generator):
    taste = fit_taste(generator, placed(generator, red_tees(10)), [])
    mean, var, probabilities = taste.explored(1.0)
    assert torch.all(mean == 0) and torch.all(var == 1)
    assert np.allclose(probabilities["color"], 0.25)


def test_draws_keep_to_combinations_the_catalog_holds():
    generator = tiny_generator()
    generator.combos = [([0, 0], 5), ([1, 1], 5)]  # only red tees and blue bags exist
    taste = fit_taste(generator, placed(generator, [GeneratedItem(0, {"color": "red", "category": "tee"})]), [])
    _, labels = draw(generator, taste, 40, 1.0, torch.Generator().manual_seed(1))
    assert {tuple(row) for row in labels.tolist()} <= {(0, 0), (1, 1)}


def test_explore_out_of_range_is_a_config_error():
    with pytest.raises(ConfigError, match="explore must be between 0 and 1"):
        ForYouSettings(explore=1.5)


def test_a_dislike_counts_against_its_other_levels_not_a_shared_liked_one(generator):
    liked = placed(generator, [GeneratedItem(s, {"color": "red", "category": "tee"}) for s in range(2)])
    disliked = placed(generator, [GeneratedItem(9, {"color": "red", "category": "bag"})])
    taste, catalog = fit_taste(generator, liked, disliked), catalog_frequencies(generator)
    assert taste.probabilities["color"][0] > catalog["color"][0]  # red: still liked
    assert taste.probabilities["category"][1] < catalog["category"][1]  # bag: pushed down
