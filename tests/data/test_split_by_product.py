"""split_by_product keeps every view of a product on one side, reproducibly."""

from __future__ import annotations

import numpy as np
import pytest

from productgan.data.split import split_by_product


def table(products: int = 30, views: int = 3) -> dict[str, list[str]]:
    return {"product": [f"p{p}" for p in range(products) for _ in range(views)],
            "view": ["main", "back", "alt"][:views] * products}


def test_each_product_on_one_side_only():
    data = table()
    split = split_by_product(data, 0.2, seed=1)
    train_products = {data["product"][i] for i in split.train}
    holdout_products = {data["product"][i] for i in split.holdout}
    assert train_products and holdout_products
    assert not train_products & holdout_products
    assert sorted(holdout_products) == split.holdout_keys
    assert sorted(split.train + split.holdout) == list(range(90))
    assert split.kind == "product"
    assert abs(len(split.holdout) - 18) <= 3


def test_same_seed_same_split_other_seed_other_split():
    assert split_by_product(table(), 0.2, 7) == split_by_product(table(), 0.2, 7)
    assert split_by_product(table(), 0.2, 7).holdout != split_by_product(table(), 0.2, 8).holdout


def test_paths_and_tables_without_product_split_per_file():
    paths = [f"img{i}.jpg" for i in range(10)]
    split = split_by_product(paths, 0.3, 0)
    assert split.kind == "file" and len(split.holdout) == 3
    assert split.holdout_keys == sorted(paths[i] for i in split.holdout)
    assert split_by_product({"color": ["red"] * 10}, 0.3, 0).kind == "file"


def test_blank_product_ids_are_their_own_groups():
    holdouts = {tuple(split_by_product({"product": ["", "", "a", "a"]}, 0.25, seed).holdout) for seed in range(30)}
    assert holdouts == {(0,), (1,), (2, 3)}  # one blank alone, never both blanks as if they were one product


BLANKS = {"product": ["", "", "a", "a", "b", "b", "", "c", "c", "c"], "color": ["red"] * 10}


# Held-out indices pinned from the domain classifier's own implementation before it called
# split_by_product: checkpoints record what they held out, so neither split may drift.
@pytest.mark.parametrize("data, fraction, seed, holdout, kind", [
    (table(20), 0.25, 3, [9, 10, 11, 24, 25, 26, 36, 37, 38, 48, 49, 50, 54, 55, 56], "product"),
    (BLANKS, 0.3, 5, [1, 2, 3, 6], "product"),
    ({"color": ["red"] * 12}, 0.25, 0, [2, 7, 9], "image"),
])
def test_matches_the_domain_classifiers_split(data, fraction, seed, holdout, kind):
    """One algorithm for both: the same seed holds out the same images in the classifier's split."""
    from productgan.data.catalog import Catalog
    from productgan.metrics.domain import split_holdout

    count = len(next(iter(data.values())))
    catalog = Catalog(images=np.zeros((count, 8, 8, 3), np.uint8), table=data, files=[""] * count, skipped=[], source="t")
    classifier_train, classifier_holdout, classifier_kind = split_holdout(catalog, fraction, seed)
    split = split_by_product(data, fraction, seed)
    assert split.holdout == holdout and list(classifier_holdout) == holdout
    assert list(classifier_train) == split.train == sorted(set(range(count)) - set(holdout))
    assert classifier_kind == kind and split.kind == {"product": "product", "image": "file"}[kind]


@pytest.mark.parametrize("fraction", [0.0, 1.0, -0.1])
def test_refuses_bad_fractions(fraction):
    with pytest.raises(ValueError, match="holdout_fraction"):
        split_by_product(table(), fraction, 0)


def test_refuses_when_nothing_would_be_left_to_train():
    with pytest.raises(ValueError, match="too few"):
        split_by_product({"product": ["a", "a"]}, 0.5, 0)
