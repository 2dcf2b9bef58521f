""""For you": new products drawn from a shopper's liked and disliked items (generated products of
this model, catalog photos by id, uploaded photos): items.py (what can be liked, and its text form),
catalog.py (catalog ids to photos with the catalog's levels), place.py (items into the generator's
space), taste.py (the fitted taste and drawing from it), guard.py (no near copies of liked items), recommend.py (the whole request), errors.py."""

from productgan.foryou.catalog import (
    CatalogNotFoundError, CatalogPhotos, UnknownCatalogItemError, load_catalog_photos,
)
from productgan.foryou.errors import EmptyHistoryError, ForeignItemError, ForYouError, NoEncoderError
from productgan.foryou.guard import CopyGuard, cached_copy_guard, copy_guard
from productgan.foryou.items import ITEM_SYNTAX, CatalogItem, GeneratedItem, Item, PhotoItem, parse_item
from productgan.foryou.recommend import ForYou, ForYouSettings, check_history, recommend
from productgan.foryou.taste import Taste, TasteSettings, fit_taste

__all__ = ["CatalogItem", "CatalogNotFoundError", "CatalogPhotos", "CopyGuard", "EmptyHistoryError", "ForYou",
           "ForYouError", "ForYouSettings", "ForeignItemError", "GeneratedItem", "ITEM_SYNTAX", "Item",
           "NoEncoderError", "PhotoItem", "Taste", "TasteSettings", "UnknownCatalogItemError", "cached_copy_guard",
           "check_history", "copy_guard", "fit_taste", "load_catalog_photos", "parse_item", "recommend"]
