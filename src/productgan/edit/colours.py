"""Colour names a shop uses, and hex codes, as RGB targets for recolouring and for measuring it."""

from __future__ import annotations

import re

from productgan.errors import ProductGANError

# Catalog colour words (luma's colour levels and the built-in catalog's) as typical product RGB.
NAMED_COLOURS: dict[str, tuple[int, int, int]] = {
    "red": (200, 30, 40),
    "orange": (240, 130, 30),
    "yellow": (240, 205, 40),
    "green": (40, 150, 70),
    "blue": (40, 85, 200),
    "navy": (30, 40, 100),
    "purple": (125, 55, 165),
    "lavender": (180, 160, 220),
    "pink": (240, 140, 180),
    "brown": (120, 75, 45),
    "beige": (220, 200, 165),
    "black": (30, 30, 32),
    "gray": (135, 135, 135),
    "grey": (135, 135, 135),
    "white": (245, 245, 245),
}
HEX_COLOUR = re.compile(r"^#?([0-9a-fA-F]{6})$")


class UnknownColour(ProductGANError, ValueError):
    """A colour that is neither a known name nor #RRGGBB."""


def parse_colour(text: str) -> tuple[int, int, int]:
    """RGB for a colour name (case-insensitive) or a hex code such as #C81E28."""
    key = text.strip().lower()
    if key in NAMED_COLOURS:
        return NAMED_COLOURS[key]
    match = HEX_COLOUR.match(key)
    if match:
        value = match.group(1)
        return tuple(int(value[i:i + 2], 16) for i in (0, 2, 4))  # type: ignore[return-value]
    raise UnknownColour(f"unknown colour {text!r}: use #RRGGBB or one of {', '.join(NAMED_COLOURS)}")
