""""For you": new products drawn from a shopper's liked and disliked items (generated products of
this model, catalog photos, uploaded photos): items.py (what can be liked, and its text form),
place.py (items into the generator's space), taste.py (the fitted taste and drawing from it),
guard.py (no near copies of liked items), recommend.py (the whole request), errors.py."""

from productgan.foryou.errors import EmptyHistoryError, ForeignItemError, ForYouError, NoEncoderError
from productgan.foryou.guard import CopyGuard, cached_copy_guard, copy_guard
from productgan.foryou.items import ITEM_SYNTAX, GeneratedItem, Item, PhotoItem, parse_item
from productgan.foryou.recommend import ForYou, ForYouSettings, check_history, recommend
from productgan.foryou.taste import Taste, TasteSettings, fit_taste

__all__ = ["CopyGuard", "EmptyHistoryError", "ForYou", "ForYouError", "ForYouSettings", "ForeignItemError",
           "GeneratedItem", "ITEM_SYNTAX", "Item", "NoEncoderError", "PhotoItem", "Taste", "TasteSettings",
           "cached_copy_guard", "check_history", "copy_guard", "fit_taste", "parse_item", "recommend"]
