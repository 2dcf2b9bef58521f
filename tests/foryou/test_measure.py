"""Simulated shoppers (foryou/measure.py) on the untrained tiny generator, a tiny catalog and a
classifier trained for one epoch: the bench's rows and the properties that hold by construction."""

from __future__ import annotations

import numpy as np
import pytest

from helpers.foryou import tiny_catalog, tiny_generator

from productgan.edit.encoder import EncoderConfig, LatentEncoder
from productgan.foryou.measure import METHODS, Bench, answer, retrieve, run_shoppers
from productgan.foryou.shoppers import (
    DISJUNCTIVE, SINGLE, Shopper, make_disjunctive_shoppers, make_shoppers, matching, split_liked_holdout,
)
from productgan.foryou.guard import CopyGuard, pixel_features
from productgan.metrics.domain import train_domain_classifier

pytestmark = pytest.mark.slow  # a classifier trained for the module (~9 s) and a bench of inversions (~10 s) on a loaded CPU


@pytest.fixture(scope="module")
def bench():
    catalog = tiny_catalog()
    classifier = train_domain_classifier(catalog, ["color", "category"], epochs=1, width=8, embedding_dim=16)
    generator = tiny_generator()
    encoder = LatentEncoder(EncoderConfig(16, 3, generator.latent_dim, 8, width=4)).eval()
    return Bench(generator, catalog, classifier, encoder, n=4, photo_steps=2)


def test_shoppers_have_enough_items_and_liked_products_are_never_held_out(bench):
    shoppers = make_shoppers(bench.catalog, ["color", "category"], count=3, min_items=4, seed=1)
    assert len(shoppers) == 3 and len({shopper.describe() for shopper in shoppers}) == 3
    for shopper in shoppers:
        items = matching(bench.catalog, shopper)
        assert len(items) >= 4 and all(shopper.accepts({n: bench.catalog.table[n][i] for n in shopper.attributes})
                                       for i in items)
        pool, holdout = split_liked_holdout(bench.catalog, items, np.random.default_rng(0))
        products = bench.catalog.table["product"]
        assert holdout and not {products[i] for i in pool} & {products[i] for i in holdout}
        assert sorted(pool + holdout) == sorted(items)


def test_retrieval_never_returns_a_liked_item_and_frequent_levels_hold_the_liked_levels(bench):
    catalog = bench.catalog
    shopper = Shopper([{"color": "green"}])
    liked = matching(catalog, shopper)[:3]
    catalog_features = pixel_features(catalog.images)
    retrieved = retrieve(catalog_features, liked, 4)
    assert len(retrieved) == 4 and not set(retrieved) & set(liked)
    distances = np.linalg.norm(catalog_features - catalog_features[liked].mean(0), axis=1)
    others = [i for i in np.argsort(distances, kind="stable") if i not in liked]
    assert sorted(distances[retrieved]) == pytest.approx(sorted(distances[others[:4]]))  # the nearest others
    shown = answer(bench, "retrieval", liked, 0, CopyGuard(0.0, pixel_features, "pixels", "given"), catalog_features)
    assert np.array_equal(shown, catalog.images[retrieved])
    assert not set(retrieve(catalog_features, liked, 4, exclude=retrieved[:2])) & set(retrieved[:2])
    frequent = answer(bench, "frequent liked levels", liked, 0, None, catalog_features)
    z, labels = bench.generator.inputs(4, 0, attributes={"color": "green", "category": catalog.table["category"][liked[0]]})
    assert np.array_equal(frequent, bench.generator.render(z, labels))


def test_every_method_gets_a_row_per_group_and_k_with_scores_in_range(bench):
    shoppers = (make_shoppers(bench.catalog, ["color", "category"], count=2, min_items=8, seed=2)
                + make_disjunctive_shoppers(bench.catalog, ["color", "category"], count=2, min_items=8, seed=2))
    rows = run_shoppers(bench, shoppers, ks=(1, 3))
    assert [(row["group"], row["k"], row["method"]) for row in rows] == [
        (g, k, m) for g in (SINGLE, DISJUNCTIVE) for k in (1, 3) for m in METHODS]
    for row in rows:
        assert row["shoppers"] == 2 and 0 <= row["match"] <= 1 and 0 <= row["near_copy"] <= 1
        assert 0 <= row["coverage"] <= 1 and row["holdout_reach"] >= 0
        assert row["holdout_distance"] >= 0 and row["seconds"] > 0
    rows = [row for row in rows if row["group"] == SINGLE]
    # Retrieval shows catalog images, so the memorisation check flags them far more than generated ones; not all
    # of them: a duplicated tiny-catalog image gives a threshold of 0, which float noise between two batches'
    # features (about 1e-4 with a one-epoch classifier) can pass
    for k in (1, 3):
        shown = {row["method"]: row["near_copy"] for row in rows if row["k"] == k}
        assert shown["retrieval"] >= 0.5 and shown["retrieval"] > max(v for m, v in shown.items() if m != "retrieval")
    assert all(row["holdout_distance"] > 0 for row in rows)  # retrieval never shows a held-out product


def test_for_you_likes_catalog_items_by_id_with_their_table_levels(bench, monkeypatch):
    import productgan.foryou.measure as measure

    seen = {}
    real = measure.recommend

    def spy(generator, liked, disliked, settings, **kw):
        result = real(generator, liked, disliked, settings, **kw)
        seen.update(liked=[p.item.describe() for p in result.liked], levels=[p.levels for p in result.liked],
                    disliked=[p.item.describe() for p in result.disliked])
        return result

    monkeypatch.setattr(measure, "recommend", spy)
    catalog = bench.catalog
    answer(bench, "for you", [3, 8], 0, CopyGuard(0.0, pixel_features, "pixels", "given"), pixel_features(catalog.images),
           disliked=[5])
    assert seen["liked"] == ["catalog:3", "catalog:8"] and seen["disliked"] == ["catalog:5"]
    assert seen["levels"] == [{n: catalog.table[n][i] for n in ("color", "category")} for i in (3, 8)]

