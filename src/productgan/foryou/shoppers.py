"""Simulated shoppers' hidden preferences, and the catalog items they like, dislike and hold out.

Two groups (measure.py scores both):
- single level: one or two attributes each held to the level of a seeded anchor product
  ("color=Red, category=Tees"); every liked item carries it, so copying the liked levels is right
  by construction;
- disjunctive: two or three accepted combinations of the same one or two attributes, each an anchor
  product's levels, and one excluded level ("category=Tops, color=Red or category=Tops,
  color=Orange or category=Bags, color=Black; never category=Shorts"), as the issue's shopper.
  The exclusion is on an attribute the combinations leave free when there is one (else it only
  feeds the dislikes). Liked items are drawn from all accepted ones, so a few likes show only part
  of the preference: copying the most frequent liked levels covers one combination at most.

Liked items come from the shopper's catalog items minus the held-out half (split by product, so no
view of a liked product is held out); dislikes, when asked for, from the items of the excluded level.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from productgan.data import Catalog
from productgan.data.split import PRODUCT_COLUMN

SINGLE, DISJUNCTIVE = "single level", "disjunctive"
GROUPS = (SINGLE, DISJUNCTIVE)
ATTEMPTS_PER_SHOPPER = 50


@dataclass
class Shopper:
    """wants: the accepted combinations (attribute -> level each); a product is accepted when it
    matches one of them and not `never` (attribute -> level; empty: nothing excluded)."""

    wants: list[dict[str, str]]
    never: dict[str, str] = field(default_factory=dict)
    group: str = SINGLE

    @property
    def attributes(self) -> list[str]:
        return sorted({name for combination in self.wants for name in combination} | set(self.never))

    def excluded(self, levels: dict[str, str]) -> bool:
        return bool(self.never) and _matches(self.never, levels)

    def reached(self, levels: dict[str, str]) -> list[int]:
        """The accepted combinations these levels satisfy (none when excluded)."""
        if self.excluded(levels):
            return []
        return [i for i, combination in enumerate(self.wants) if _matches(combination, levels)]

    def accepts(self, levels: dict[str, str]) -> bool:
        return bool(self.reached(levels))

    def describe(self) -> str:
        text = " or ".join(", ".join(f"{name}={level}" for name, level in c.items()) for c in self.wants)
        return text + (f"; never {', '.join(f'{n}={v}' for n, v in self.never.items())}" if self.never else "")


def _matches(combination: dict[str, str], levels: dict[str, str]) -> bool:
    return all(levels.get(name) == level for name, level in combination.items())


def row_levels(catalog: Catalog, index: int, names: list[str]) -> dict[str, str]:
    return {name: catalog.table[name][index] for name in names}


def matching(catalog: Catalog, shopper: Shopper) -> list[int]:
    return [i for i in range(len(catalog)) if shopper.accepts(row_levels(catalog, i, shopper.attributes))]


def excluded_items(catalog: Catalog, shopper: Shopper) -> list[int]:
    """The catalog items of the excluded level: what a disjunctive shopper dislikes."""
    return [i for i in range(len(catalog)) if shopper.excluded(row_levels(catalog, i, list(shopper.never)))]


def make_shoppers(catalog: Catalog, attributes: list[str], count: int, min_items: int, seed: int = 0) -> list[Shopper]:
    """`count` seeded single-level shoppers, each held to one or two attributes at an anchor image's
    levels, with at least min_items catalog images satisfying them (others tried are skipped)."""
    rng = np.random.default_rng(seed)
    shoppers: list[Shopper] = []
    for _ in range(count * ATTEMPTS_PER_SHOPPER):
        if len(shoppers) == count:
            break
        anchor = int(rng.integers(len(catalog)))  # drawn before the attributes: the shoppers of earlier benches
        shopper = Shopper([row_levels(catalog, anchor, _some_attributes(rng, attributes))])
        if shopper not in shoppers and len(matching(catalog, shopper)) >= min_items:
            shoppers.append(shopper)
    return shoppers


def make_disjunctive_shoppers(catalog: Catalog, attributes: list[str], count: int, min_items: int,
                              seed: int = 0) -> list[Shopper]:
    """`count` seeded disjunctive shoppers (module docstring): two or three distinct combinations of
    the same attributes at anchor images' levels, each held by at least one catalog image, and an
    excluded level held by at least one image; at least min_items accepted images in all."""
    rng = np.random.default_rng(seed + 1)
    shoppers: list[Shopper] = []
    for _ in range(count * ATTEMPTS_PER_SHOPPER):
        if len(shoppers) == count:
            break
        shopper = _draw_disjunctive(catalog, attributes, rng)
        if shopper is not None and shopper not in shoppers and len(matching(catalog, shopper)) >= min_items \
                and all(matching(catalog, Shopper([c], shopper.never)) for c in shopper.wants) \
                and excluded_items(catalog, shopper):
            shoppers.append(shopper)
    return shoppers


def _draw_disjunctive(catalog: Catalog, attributes: list[str], rng: np.random.Generator) -> Shopper | None:
    chosen = _some_attributes(rng, attributes)
    wants: list[dict[str, str]] = []
    for anchor in rng.permutation(len(catalog))[:int(rng.integers(2, 4))]:
        combination = row_levels(catalog, int(anchor), chosen)
        if combination not in wants and all(combination.values()):
            wants.append(combination)
    if len(wants) < 2:
        return None
    free = [name for name in attributes if name not in chosen]
    name = str(rng.choice(free)) if free else chosen[0]
    used = {c.get(name) for c in wants}
    candidates = sorted({level for level in catalog.table[name] if level and level not in used})
    if not candidates:
        return None
    return Shopper(wants, {name: str(rng.choice(candidates))}, DISJUNCTIVE)


def _some_attributes(rng: np.random.Generator, attributes: list[str]) -> list[str]:
    size = min(len(attributes), int(rng.integers(1, 3)))
    return sorted(str(name) for name in rng.choice(attributes, size=size, replace=False))


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
