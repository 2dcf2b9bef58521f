"""Colour names a shop uses (the one palette, data/palette.py) and hex codes, as RGB targets for
recolouring and for measuring it."""

from __future__ import annotations

import re

from productgan.data.palette import NAMED_COLORS
from productgan.errors import ProductGANError

HEX_COLOR = re.compile(r"^#?([0-9a-fA-F]{6})$")


class UnknownColor(ProductGANError, ValueError):
    """A colour that is neither a known name nor #RRGGBB."""


def parse_color(text: str) -> tuple[int, int, int]:
    """RGB for a colour name (case-insensitive) or a hex code such as #C81E28."""
    key = text.strip().lower()
    if key in NAMED_COLORS:
        return NAMED_COLORS[key]
    match = HEX_COLOR.match(key)
    if match:
        value = match.group(1)
        return tuple(int(value[i:i + 2], 16) for i in (0, 2, 4))  # type: ignore[return-value]
    raise UnknownColor(f"unknown colour {text!r}: use #RRGGBB or one of {', '.join(NAMED_COLORS)}")
