"""The one colour palette: catalog colour words as typical product RGB.

The built-in catalog draws each product so that its mean colour is exactly its entry here, and
recolouring uses the same entries as targets, so "red" is one RGB everywhere. The eight colours the
built-in catalog draws keep the RGB it has always used (generated catalogs, and every figure
measured on them, stay identical); the others are common shop colour words, for recolouring.
"""

from __future__ import annotations

NAMED_COLORS: dict[str, tuple[int, int, int]] = {
    # the built-in catalog's eight, in its level order
    "red": (205, 35, 40),
    "orange": (245, 135, 25),
    "yellow": (240, 205, 40),
    "green": (40, 155, 70),
    "blue": (40, 85, 205),
    "purple": (130, 55, 170),
    "black": (35, 35, 38),
    "gray": (140, 140, 140),
    # shop colour words the built-in catalog does not draw (luma's levels among them)
    "grey": (140, 140, 140),
    "navy": (30, 40, 100),
    "lavender": (180, 160, 220),
    "pink": (240, 140, 180),
    "brown": (120, 75, 45),
    "beige": (220, 200, 165),
    "white": (245, 245, 245),
}
BUILTIN_COLOR_NAMES = ("red", "orange", "yellow", "green", "blue", "purple", "black", "gray")
