"""Simulated shoppers: how well "for you" serves a hidden preference, beside three baselines.

Shoppers (shoppers.py) hold a hidden preference, single-level or disjunctive; they like k catalog
photos drawn from the items that satisfy it (a disjunctive shopper also dislikes a few items of
the level it excludes, when the bench asks for dislikes); the other half of those items' products
is held out: what a good answer should look like.

Methods, n images each: "for you" (the liked and disliked catalog items by id: their levels from
the catalog's table, their latents from the encoder and a short inversion); "random levels" (the
generator with levels drawn as the catalog combines them); "frequent liked levels" (the generator
with each attribute at the liked items' most frequent level); "retrieval" (the n catalog images
nearest to the liked items' mean domain feature, the liked, disliked and held-out products
excluded: the held-out products stand for what the shop does not have yet, else retrieval would
score them at distance 0).

Scores, from the domain classifier's reading and features of the n images:
- match: the share of images whose levels satisfy the preference (an accepted combination, not
  the excluded level);
- coverage: the share of the preference's accepted combinations that at least one image reaches
  (1 for a single-level shopper as soon as one image matches): copying one liked level loses here;
- holdout_distance: the mean distance from each image to its nearest held-out item (lower: closer);
- holdout_reach: the mean distance from each held-out item to its nearest image (lower: the images
  span more of the preference's products);
- near_copy: the share of images the memorisation check (metrics/memorisation.py, the catalog's
  5 % leave-one-out quantile) flags as closer to a catalog image than catalog images are to each
  other (retrieval returns catalog images: about 1);
- seconds per request.

level_errors: how often placing a liked catalog photo without its table levels (as an uploaded
photo is placed) reads a wrong level, per attribute. The inversion holds its start levels fixed,
so its levels are edit/inversion.start_levels': the domain classifier's reading when there is a
classifier, else the catalog combination whose renders come closest to the photo.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from productgan.data import Catalog
from productgan.edit.inversion import prepare_photo, start_levels
from productgan.foryou.catalog import CatalogPhotos
from productgan.foryou.guard import CopyGuard, copy_guard
from productgan.foryou.recommend import ForYouSettings, recommend
from productgan.foryou.shoppers import GROUPS, Shopper, excluded_items, matching, split_liked_holdout
from productgan.generate import ProductGenerator
from productgan.metrics.domain import resize_catalog_images
from productgan.metrics.memorisation import memorisation
from productgan.metrics.neighbours import nearest_neighbours

METHODS = ("for you", "random levels", "frequent liked levels", "retrieval")
KS = (1, 3, 10)
SCORES = ("match", "coverage", "holdout_distance", "holdout_reach", "near_copy", "seconds")
GROUP_SEED_OFFSET = 1000  # the disjunctive group's likes are seeded apart from the single-level group's


@dataclass
class Bench:
    """What every shopper is measured with: the generator, its catalog at model resolution, the
    domain classifier reading the generator's attributes, the encoder placing photos. dislikes:
    whether disjunctive shoppers dislike items of their excluded level (max(1, k // 3) of them)."""

    generator: ProductGenerator
    catalog: Catalog
    classifier: object
    encoder: object
    n: int = 8
    photo_steps: int = 40
    explore: float = 0.3
    dislikes: bool = True
    photos: CatalogPhotos = field(init=False)

    def __post_init__(self) -> None:
        self.photos = CatalogPhotos.of(self.catalog)


@dataclass
class Request:
    """One shopper's history at one k: liked and disliked catalog indices, and the held-out ones."""

    k: int
    liked: list[int]
    disliked: list[int]
    holdout: list[int]


def requests(bench: Bench, shopper: Shopper, number: int, ks: tuple[int, ...], seed: int = 0) -> list[Request]:
    """The seeded histories of shopper `number`, one per k its pool of items can fill."""
    offset = GROUP_SEED_OFFSET * GROUPS.index(shopper.group)
    rng = np.random.default_rng(seed + offset + number)
    pool, holdout = split_liked_holdout(bench.catalog, matching(bench.catalog, shopper), rng)
    against = excluded_items(bench.catalog, shopper) if bench.dislikes and shopper.never else []
    found = []
    for k in ks:
        if len(pool) < k:
            continue
        liked = [int(i) for i in rng.choice(pool, size=k, replace=False)]
        disliked = [int(i) for i in rng.choice(against, size=min(len(against), max(1, k // 3)), replace=False)] \
            if against else []
        found.append(Request(k, liked, disliked, holdout))
    return found


def features(bench: Bench, images: np.ndarray) -> np.ndarray:
    return bench.classifier.features(resize_catalog_images(images, bench.classifier.config.resolution))


def read_levels(bench: Bench, images: np.ndarray) -> list[dict[str, str]]:
    """The levels the domain classifier reads on each image, by attribute name."""
    predicted = bench.classifier.predict(resize_catalog_images(images, bench.classifier.config.resolution))
    return [{name: bench.classifier.levels[name][int(ids[i])] for name, ids in predicted.items()}
            for i in range(len(images))]


def answer(bench: Bench, method: str, liked: list[int], seed: int, guard: CopyGuard,
           catalog_features: np.ndarray, held_out: list[int] = (), disliked: list[int] = ()) -> np.ndarray:
    """The n images `method` shows a shopper who liked (and disliked) these catalog images; only
    "for you" reads the dislikes, and retrieval never shows a liked, disliked or held_out one."""
    generator, catalog, n = bench.generator, bench.catalog, bench.n
    if method == "for you":
        settings = ForYouSettings(n=n, explore=bench.explore, seed=seed, photo_steps=bench.photo_steps)
        return recommend(generator, [bench.photos.item(i) for i in liked], [bench.photos.item(i) for i in disliked],
                         settings, encoder=bench.encoder, classifier=bench.classifier, guard=guard,
                         catalog=bench.photos).images
    if method == "random levels":
        return generator.generate(n, seed=seed)
    if method == "frequent liked levels":
        counts = {name: Counter(bench.photos.levels(i, generator).get(name) for i in liked) for name in generator.names}
        wanted = {name: c.most_common(1)[0][0] for name, c in counts.items() if c.most_common(1)[0][0] is not None}
        return generator.generate(n, seed=seed, attributes=wanted)
    if method == "retrieval":
        return catalog.images[retrieve(catalog_features, liked, n, [*held_out, *disliked])]
    raise ValueError(f"unknown method {method!r}; choose one of {', '.join(METHODS)}")


def retrieve(catalog_features: np.ndarray, liked: list[int], n: int, exclude: list[int] = ()) -> list[int]:
    """The n catalog indices nearest to the liked items' mean feature, liked and `exclude` left out."""
    centre = catalog_features[liked].mean(0, keepdims=True)
    skip = {*liked, *exclude}
    order, _ = nearest_neighbours(centre, catalog_features, min(len(catalog_features), n + len(skip)))
    return [int(i) for i in order[0] if int(i) not in skip][:n]


def score(bench: Bench, shopper: Shopper, images: np.ndarray, holdout_features: np.ndarray,
          catalog_features: np.ndarray) -> dict[str, float]:
    """match, coverage, holdout_distance, holdout_reach and near_copy of one answer (module docstring)."""
    image_features = features(bench, images)
    reached = [shopper.reached(levels) for levels in read_levels(bench, images)]
    _, distances = nearest_neighbours(image_features, holdout_features, 1)
    _, reach = nearest_neighbours(holdout_features, image_features, 1)
    copies = memorisation(catalog_features, image_features)
    return {"match": float(np.mean([bool(r) for r in reached])),
            "coverage": len(set().union(*reached)) / len(shopper.wants),
            "holdout_distance": float(distances[:, 0].mean()), "holdout_reach": float(reach[:, 0].mean()),
            "near_copy": copies.share}


def run_shoppers(bench: Bench, shoppers: list[Shopper], ks: tuple[int, ...] = KS, methods: tuple[str, ...] = METHODS,
                 seed: int = 0) -> list[dict]:
    """One row per (group, k, method): the scores averaged over the group's shoppers with at least k
    items to like."""
    catalog_features = features(bench, bench.catalog.images)
    guard = copy_guard(bench.generator, bench.classifier, bench.catalog.images)  # the catalog's own neighbour distance
    per: dict[tuple[str, int, str], list[dict[str, float]]] = {}
    for shopper, number in numbered(shoppers):
        for request in requests(bench, shopper, number, ks, seed):
            for method in methods:
                started = time.perf_counter()
                images = answer(bench, method, request.liked, seed + number, guard, catalog_features,
                                request.holdout, request.disliked)
                seconds = time.perf_counter() - started
                row = score(bench, shopper, images, catalog_features[request.holdout], catalog_features)
                per.setdefault((shopper.group, request.k, method), []).append({**row, "seconds": seconds})
    order = lambda item: (GROUPS.index(item[0][0]), item[0][1], METHODS.index(item[0][2]))  # noqa: E731
    return [{"group": group, "k": k, "method": method, "shoppers": len(rows),
             **{key: float(np.mean([r[key] for r in rows])) for key in SCORES}}
            for (group, k, method), rows in sorted(per.items(), key=order)]


def numbered(shoppers: list[Shopper]) -> list[tuple[Shopper, int]]:
    """Each shopper with its number within its group (seeds its likes, as earlier benches did)."""
    counts: Counter = Counter()
    found = []
    for shopper in shoppers:
        found.append((shopper, counts[shopper.group]))
        counts[shopper.group] += 1
    return found


def level_errors(bench: Bench, indices: list[int], seed: int = 0) -> list[dict]:
    """Per attribute: how many of these catalog photos carry a table level the model knows, and how
    many of them a placement without those levels reads wrong, with the domain classifier and by
    the closest catalog combination (module docstring)."""
    generator = bench.generator
    counts = {name: Counter() for name in generator.names}
    for index in indices:
        truth = bench.photos.levels(index, generator)
        target = prepare_photo(bench.photos.photo(bench.photos.item(index), generator).image, generator.resolution,
                               generator.channels)
        read = start_levels(generator, target, None, bench.classifier, seed)
        closest = start_levels(generator, target, None, None, seed)
        for name, level in truth.items():
            counts[name].update({"photos": 1, "classifier": read[name] != level, "closest": closest[name] != level})
    return [{"attribute": name, "photos": c["photos"], "wrong_classifier": c["classifier"] / max(1, c["photos"]),
             "wrong_closest": c["closest"] / max(1, c["photos"])} for name, c in counts.items()]
