"""Catalog items by id: photos of the catalog a model was trained on, with the levels its attribute
table gives them.

Why: a photo's levels read by the domain classifier (or guessed as the closest catalog combination)
can be wrong, and a wrong level enters the taste; a shop knows what its own products are. So a
catalog item takes its levels from the table and only its latent from the encoder and a short
inversion, with those levels held fixed (place.py).

The catalog is the one the checkpoint records (its training config's `data`), read at the model's
resolution and channels: the very images the GAN was trained on (the catalog cache makes a second
read cheap). When that path moved, a folder is given instead (`--catalog DIR`, the server's too).

Ids: a photo's file name without its extension ("mb01-blue-0"), which is its canonical id when no
other photo shares it, else its path in the catalog folder ("tops/mb01-blue-0.jpg"); the file name
with its extension and the path are accepted too. Built-in and IDX catalogs name images by index
("17").
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from pathlib import Path, PurePath

import numpy as np

from productgan.data import Catalog, load_catalog
from productgan.data.load import BUILTIN_PREFIX
from productgan.foryou.errors import ForYouError
from productgan.foryou.items import CatalogItem, Item, PhotoItem
from productgan.generate import ProductGenerator

CLOSE_MATCHES = 3
LIBRARY_HINT = "give the catalog's folder instead (catalog_dir)"


class CatalogNotFoundError(ForYouError):
    """Catalog items were asked for, but the catalog the model was trained on is not where it was."""


class UnknownCatalogItemError(ForYouError):
    """A catalog id that names no photo of the catalog."""


@dataclass
class CatalogPhotos:
    """A catalog (at model resolution) and the id of each image; `lookup` maps every accepted
    spelling of an id (module docstring) to the images it names."""

    catalog: Catalog
    ids: list[str]
    lookup: dict[str, list[int]] = field(default_factory=dict)

    @classmethod
    def of(cls, catalog: Catalog) -> "CatalogPhotos":
        ids, lookup = catalog_ids(catalog)
        return cls(catalog, ids, lookup)

    def index(self, item: CatalogItem) -> int:
        """The image `item` names; an unknown or ambiguous id is one line naming close matches."""
        found = self.lookup.get(item.id, [])
        if len(found) == 1:
            return found[0]
        if found:
            choices = ", ".join(self.ids[i] for i in found[:CLOSE_MATCHES])
            raise UnknownCatalogItemError(f"catalog item {item.id!r} names {len(found)} photos ({choices}); give one of those ids")
        close = difflib.get_close_matches(item.id, self.ids, n=CLOSE_MATCHES, cutoff=0.5)
        suggestion = f"; close matches: {', '.join(close)}" if close else f"; ids look like {self.ids[0]!r}"
        raise UnknownCatalogItemError(f"catalog item {item.id!r} is not in the catalog {self.catalog.source or '(in memory)'} "
                                      f"({len(self.ids)} photos){suggestion}")

    def item(self, index: int) -> CatalogItem:
        return CatalogItem(self.ids[index])

    def levels(self, index: int, generator: ProductGenerator) -> dict[str, str]:
        """The table's levels of image `index` for the model's attributes; a level the model does
        not know (dropped as rare by min_count, or empty) is left out and read from the photo."""
        table = self.catalog.table
        return {name: table[name][index] for name in generator.names
                if name in table and table[name][index] in generator.levels[name]}

    def photo(self, item: CatalogItem, generator: ProductGenerator) -> PhotoItem:
        """The catalog photo as a PhotoItem carrying the table's levels (RGB, as photos are)."""
        index = self.index(item)
        image = self.catalog.images[index]
        if image.shape[-1] == 1:
            image = np.repeat(image, 3, axis=-1)
        return PhotoItem(image, item.describe(), self.levels(index, generator))

    def resolve(self, items: list[Item], generator: ProductGenerator) -> list[Item]:
        """The items with every CatalogItem replaced by its photo (others unchanged)."""
        return [self.photo(item, generator) if isinstance(item, CatalogItem) else item for item in items]

    def resolve_history(self, liked: list[Item], disliked: list[Item],
                        generator: ProductGenerator) -> tuple[list[Item], list[Item]]:
        """(liked, disliked), each resolved: what the CLI, the server and recommend() hand on."""
        return self.resolve(liked, generator), self.resolve(disliked, generator)


def catalog_ids(catalog: Catalog) -> tuple[list[str], dict[str, list[int]]]:
    """(canonical id per image, every accepted spelling -> image indices): module docstring."""
    paths = [_relative(file, catalog.source) for file in catalog.files]
    stems = [PurePath(path).stem if "#" not in path else path for path in paths]
    stem_counts: dict[str, int] = {}
    for stem in stems:
        stem_counts[stem] = stem_counts.get(stem, 0) + 1
    ids = [stem if stem_counts[stem] == 1 else path for stem, path in zip(stems, paths)]
    lookup: dict[str, list[int]] = {}
    for index, (path, stem) in enumerate(zip(paths, stems)):
        for spelling in dict.fromkeys((path, PurePath(path).name, stem)):
            lookup.setdefault(spelling, []).append(index)
    return ids, lookup


def _relative(file: str, source: str) -> str:
    """A catalog file as an id: 'builtin:catalog#17' -> '17', else its path below the catalog folder."""
    if "#" in file:
        return file.rpartition("#")[2]
    try:
        return PurePath(file).relative_to(source).as_posix()
    except ValueError:
        return PurePath(file).as_posix()


def has_catalog_items(*histories: list[Item]) -> bool:
    return any(isinstance(item, CatalogItem) for history in histories for item in history)


def load_catalog_photos(checkpoint: str | Path, generator: ProductGenerator, catalog_dir: str | Path | None = None,
                        hint: str = LIBRARY_HINT) -> CatalogPhotos:
    """The catalog the checkpoint was trained on (or catalog_dir), at the model's resolution and
    channels. A missing one is a CatalogNotFoundError naming the path tried and, via hint, how to
    give another."""
    from productgan.checkpoint import GAN, read_meta

    if catalog_dir is not None:
        spec, origin = str(catalog_dir), "given"
    else:
        spec, origin = str(read_meta(checkpoint, expect=GAN).config.get("data", "")), f"recorded in {checkpoint}"
    if not spec.startswith(BUILTIN_PREFIX) and not Path(spec).expanduser().exists():
        raise CatalogNotFoundError(f"catalog items need the catalog the model was trained on: {spec!r} ({origin}) "
                                   f"was not found; {hint}")
    return CatalogPhotos.of(load_catalog(spec, resolution=generator.resolution, channels=generator.channels))
