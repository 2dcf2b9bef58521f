"""What a shopper can like or dislike: a generated product of this model, a catalog photo by its
id, or a photo.

A generated product is (seed, levels): the product `generate --seed SEED --set ...` (and
POST /api/generate with n=1) shows, so its latent and labels are known exactly. A catalog item is a
photo of the catalog the model was trained on, named by its id (catalog.py): its levels are the
catalog's attribute table's, so only its latent is guessed. A photo (a path, or an uploaded one) is
pixels; it is placed in the generator's space by the encoder and a short inversion (place.py).

The text form of an item, for the CLI (`parse_item`):
  gen:SEED                          a generated product, levels drawn as generate draws them
  gen:SEED:color=red,category=Tees  ... with these levels (the rest drawn)
  gen@MODEL:SEED[:levels]           ... of the model named MODEL (refused when it is another model)
  catalog:ID                        the catalog photo ID (its file name, with or without extension,
                                    or its path in the catalog folder; the index for built-in catalogs)
  anything else                     a photo file
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from productgan.errors import ProductGANError

GENERATED_PREFIX = "gen"
CATALOG_PREFIX = "catalog"
ITEM_SYNTAX = ("gen:SEED[:attribute=level,...] (or gen@MODEL:SEED[:...]) for a generated product, catalog:ID for a "
               "catalog photo (its levels from the catalog's table), else a photo path")


@dataclass(frozen=True)
class GeneratedItem:
    """A product this model drew: generate(n=1, seed, attributes=levels). model: the model it came
    from when known (a run folder's name, a served model's name); None means this one."""

    seed: int
    levels: dict[str, str] = field(default_factory=dict)
    model: str | None = None

    def describe(self) -> str:
        levels = ",".join(f"{k}={v}" for k, v in self.levels.items())
        model = f"@{self.model}" if self.model else ""
        return f"{GENERATED_PREFIX}{model}:{self.seed}" + (f":{levels}" if levels else "")


@dataclass(frozen=True, eq=False)
class PhotoItem:
    """A photo: uint8 (H, W, 3) of any size; source names it in messages and reports (a path, an
    upload's field name). levels: what the photo is, when known (the catalog's attributes CSV);
    others are read by the domain classifier, else the closest catalog combination."""

    image: np.ndarray
    source: str
    levels: dict[str, str] = field(default_factory=dict)

    def describe(self) -> str:
        return self.source


@dataclass(frozen=True)
class CatalogItem:
    """A photo of the model's catalog by id (catalog.py resolves it to a PhotoItem carrying the
    catalog's levels): the shop knows what it sells, so nothing about its levels is guessed."""

    id: str

    def describe(self) -> str:
        return f"{CATALOG_PREFIX}:{self.id}"


Item = GeneratedItem | CatalogItem | PhotoItem


def parse_item(text: str, read_photo=None) -> Item:
    """One item in its text form (module docstring). read_photo(path) -> uint8 array reads a photo
    (productgan.photo_io.read_photo by default); a malformed gen: or catalog: item is a ProductGANError."""
    head, _, rest = text.partition(":")
    if head == GENERATED_PREFIX or head.startswith(GENERATED_PREFIX + "@"):
        return _parse_generated(text, head, rest)
    if head == CATALOG_PREFIX:
        if not rest.strip():
            raise ProductGANError(f"item {text!r}: expected catalog:ID, the id of a photo of the model's catalog")
        return CatalogItem(rest.strip())
    if read_photo is None:
        from productgan.photo_io import read_photo
    return PhotoItem(read_photo(Path(text)), text)


def _parse_generated(text: str, head: str, rest: str) -> GeneratedItem:
    model = head.partition("@")[2] or None
    seed_text, _, levels_text = rest.partition(":")
    if not seed_text.strip().isdigit():
        raise ProductGANError(f"item {text!r}: expected {ITEM_SYNTAX}; the seed must be a whole number >= 0")
    levels = {}
    for pair in filter(None, (part.strip() for part in levels_text.split(","))):
        name, equals, level = pair.partition("=")
        if not equals or not name.strip() or not level.strip():
            raise ProductGANError(f"item {text!r}: levels are attribute=level pairs separated by commas, got {pair!r}")
        levels[name.strip()] = level.strip()
    return GeneratedItem(int(seed_text), levels, model)
