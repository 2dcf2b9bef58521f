"""Simulated shoppers: how well "for you" serves a hidden preference, beside three baselines.

A shopper is a hidden preference over the catalog's attributes (one or two attributes, each held
to the level of a seeded anchor product: "color = Red, category = Tees"). They like k catalog photos
drawn from the products that satisfy it; the other half of those products (split by product, so
no view of a liked product is held out) are the held-out items a good answer should look like.

Methods, n images each: "for you" (the liked photos placed by the encoder and a short inversion,
their catalog levels given, as a shop that knows its own catalog would); "random levels" (the
generator with levels drawn as the catalog combines them); "frequent liked levels" (the generator
with each attribute at the liked items' most frequent level); "retrieval" (the n catalog images
nearest to the liked items' mean domain feature, the liked and the held-out products excluded: the
held-out products stand for what the shop does not have yet, else retrieval would score them at
distance 0).

Scores: match, the share of images whose levels, as the domain classifier reads them, satisfy the
hidden preference; holdout_distance, the mean domain-feature distance from each image to its nearest
held-out item (lower is closer); near_copy, the share of images that the memorisation check
(metrics/memorisation.py, the catalog's 5 % leave-one-out quantile) flags as closer to a catalog
image than catalog images are to each other (retrieval returns catalog images: about 1, less where float noise passes a threshold of 0);
seconds per request.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass

import numpy as np

from productgan.data import Catalog
from productgan.data.split import PRODUCT_COLUMN
from productgan.foryou.guard import CopyGuard, copy_guard
from productgan.foryou.items import PhotoItem
from productgan.foryou.recommend import ForYouSettings, recommend
from productgan.generate import ProductGenerator
from productgan.metrics.domain import resize_catalog_images
from productgan.metrics.memorisation import memorisation
from productgan.metrics.neighbours import nearest_neighbours

METHODS = ("for you", "random levels", "frequent liked levels", "retrieval")
KS = (1, 3, 10)


@dataclass
class Shopper:
    """wants: attribute -> the one level the shopper looks for."""

    wants: dict[str, str]

    def accepts(self, levels: dict[str, str]) -> bool:
        return all(levels.get(name) == level for name, level in self.wants.items())

    def describe(self) -> str:
        return ", ".join(f"{name}={level}" for name, level in self.wants.items())


@dataclass
class Bench:
    """What every shopper is measured with: the generator, its catalog at model resolution, the
    domain classifier reading the generator's attributes, the encoder placing photos."""

    generator: ProductGenerator
    catalog: Catalog
    classifier: object
    encoder: object
    n: int = 8
    photo_steps: int = 40
    explore: float = 0.3


def make_shoppers(catalog: Catalog, attributes: list[str], count: int, min_items: int, seed: int = 0) -> list[Shopper]:
    """`count` seeded shoppers, each held to one or two attributes at an anchor image's levels, with
    at least min_items catalog images satisfying them (tried anchors that have fewer are skipped)."""
    rng = np.random.default_rng(seed)
    shoppers: list[Shopper] = []
    for _ in range(count * 50):
        if len(shoppers) == count:
            break
        anchor = int(rng.integers(len(catalog)))
        chosen = rng.choice(attributes, size=min(len(attributes), int(rng.integers(1, 3))), replace=False)
        shopper = Shopper({str(name): catalog.table[str(name)][anchor] for name in sorted(chosen)})
        if shopper not in shoppers and len(matching(catalog, shopper)) >= min_items:
            shoppers.append(shopper)
    return shoppers


def matching(catalog: Catalog, shopper: Shopper) -> list[int]:
    return [i for i in range(len(catalog)) if shopper.accepts({n: catalog.table[n][i] for n in shopper.wants})]


def split_liked_holdout(catalog: Catalog, items: list[int], rng: np.random.Generator) -> tuple[list[int], list[int]]:
    """(pool to like from, held out): the items' products shuffled, half of them (at least one) held out."""
    products = catalog.table.get(PRODUCT_COLUMN) or [str(i) for i in range(len(catalog))]
    groups: dict[str, list[int]] = {}
    for i in items:
        groups.setdefault(products[i] or f"#{i}", []).append(i)
    keys = list(groups)
    rng.shuffle(keys)
    held = max(1, len(keys) // 2)
    return [i for key in keys[held:] for i in groups[key]], [i for key in keys[:held] for i in groups[key]]


def features(bench: Bench, images: np.ndarray) -> np.ndarray:
    return bench.classifier.features(resize_catalog_images(images, bench.classifier.config.resolution))


def read_levels(bench: Bench, images: np.ndarray) -> list[dict[str, str]]:
    """The levels the domain classifier reads on each image, by attribute name."""
    predicted = bench.classifier.predict(resize_catalog_images(images, bench.classifier.config.resolution))
    return [{name: bench.classifier.levels[name][int(ids[i])] for name, ids in predicted.items()}
            for i in range(len(images))]


def answer(bench: Bench, method: str, liked: list[int], seed: int, guard: CopyGuard,
           catalog_features: np.ndarray, held_out: list[int] = ()) -> np.ndarray:
    """The n images `method` shows a shopper who liked the catalog images `liked` (retrieval
    never shows a held_out one)."""
    generator, catalog, n = bench.generator, bench.catalog, bench.n
    known = lambda i: {name: catalog.table[name][i] for name in generator.names  # noqa: E731
                       if catalog.table[name][i] in generator.levels[name]}
    if method == "for you":
        items = [PhotoItem(catalog.images[i], catalog.files[i], known(i)) for i in liked]
        settings = ForYouSettings(n=n, explore=bench.explore, seed=seed, photo_steps=bench.photo_steps)
        return recommend(generator, items, [], settings, encoder=bench.encoder, classifier=bench.classifier,
                         guard=guard).images
    if method == "random levels":
        return generator.generate(n, seed=seed)
    if method == "frequent liked levels":
        counts = {name: Counter(known(i).get(name) for i in liked) for name in generator.names}
        wanted = {name: c.most_common(1)[0][0] for name, c in counts.items() if c.most_common(1)[0][0] is not None}
        return generator.generate(n, seed=seed, attributes=wanted)
    if method == "retrieval":
        return catalog.images[retrieve(catalog_features, liked, n, held_out)]
    raise ValueError(f"unknown method {method!r}; choose one of {', '.join(METHODS)}")


def retrieve(catalog_features: np.ndarray, liked: list[int], n: int, exclude: list[int] = ()) -> list[int]:
    """The n catalog indices nearest to the liked items' mean feature, liked and `exclude` left out."""
    centre = catalog_features[liked].mean(0, keepdims=True)
    skip = {*liked, *exclude}
    order, _ = nearest_neighbours(centre, catalog_features, min(len(catalog_features), n + len(skip)))
    return [int(i) for i in order[0] if int(i) not in skip][:n]


def score(bench: Bench, shopper: Shopper, images: np.ndarray, holdout_features: np.ndarray,
          catalog_features: np.ndarray) -> dict[str, float]:
    image_features = features(bench, images)
    read = read_levels(bench, images)
    _, distances = nearest_neighbours(image_features, holdout_features, 1)
    copies = memorisation(catalog_features, image_features)
    return {"match": float(np.mean([shopper.accepts(levels) for levels in read])),
            "holdout_distance": float(distances[:, 0].mean()), "near_copy": copies.share}


def run_shoppers(bench: Bench, shoppers: list[Shopper], ks: tuple[int, ...] = KS, methods: tuple[str, ...] = METHODS,
                 seed: int = 0) -> list[dict]:
    """One row per (k, method): the scores averaged over the shoppers with at least k items to like."""
    catalog_features = features(bench, bench.catalog.images)
    guard = copy_guard(bench.generator, bench.classifier, bench.catalog.images)  # the catalog's own neighbour distance
    per: dict[tuple[int, str], list[dict[str, float]]] = {}
    for number, shopper in enumerate(shoppers):
        rng = np.random.default_rng(seed + number)
        pool, holdout = split_liked_holdout(bench.catalog, matching(bench.catalog, shopper), rng)
        holdout_features = catalog_features[holdout]
        for k in ks:
            if len(pool) < k:
                continue
            liked = [int(i) for i in rng.choice(pool, size=k, replace=False)]
            for method in methods:
                started = time.perf_counter()
                images = answer(bench, method, liked, seed + number, guard, catalog_features, holdout)
                seconds = time.perf_counter() - started
                row = score(bench, shopper, images, holdout_features, catalog_features)
                per.setdefault((k, method), []).append({**row, "seconds": seconds})
    return [{"k": k, "method": method, "shoppers": len(rows),
             **{key: float(np.mean([r[key] for r in rows])) for key in ("match", "holdout_distance", "near_copy", "seconds")}}
            for (k, method), rows in sorted(per.items(), key=lambda item: (item[0][0], METHODS.index(item[0][1])))]
