"""What text a catalog may hold (attribute names, level values) and how untrusted text is shown.

Why: a catalog comes from outside (a shop's export, a downloaded folder). Its column names
become keyword arguments of generation (`generate(8, color='Red')`), so a column named `seed`
or `n` would train fine and then make every request that sets it fail; its cells and file names
are echoed to a terminal, where an ESC sequence could rewrite the screen. Both are refused when
the catalog is read, and every message that echoes such text passes it through `printable`.
"""

from __future__ import annotations

import re
import unicodedata

from productgan.errors import CatalogError

# Keywords of ProductGenerator.generate/inputs (tests/data/test_attribute_names.py checks the
# signatures), plus names the HTTP and CLI layers use beside attributes.
RESERVED_ATTRIBUTE_NAMES = frozenset({"self", "n", "seed", "truncation", "attributes", "model"})

# Bidirectional overrides reorder what a terminal shows (the "Trojan source" trick); treated like control characters.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def is_control(character: str) -> bool:
    """True for C0/C1 control characters (NUL, ESC, CSI, ...), DEL and bidi overrides."""
    return unicodedata.category(character) == "Cc" or character in _BIDI_CONTROLS


def has_control(text: str) -> bool:
    return any(is_control(c) for c in text)


def printable(text: object, keep_line_breaks: bool = False) -> str:
    """str(text) with every control character written as its escape (ESC -> '\\x1b'), safe to print.

    keep_line_breaks: newlines and tabs stay as they are, for a message that is laid out in lines
    (the CLI's error lines); a single value (a file name, a CSV cell) escapes them too.
    """
    kept = "\n\t" if keep_line_breaks else ""
    return "".join(_escape(c) if is_control(c) and c not in kept else c for c in str(text))


def _escape(character: str) -> str:
    code = ord(character)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def check_attribute_name(name: str, where: str) -> None:
    """Refuse a column name that cannot be an attribute; `where` names the file (and line) for the message.

    Attributes are passed to generation as keywords, so a name equal to one of its parameters
    would collide with it on every request; renaming the column is the only fix that lasts.
    """
    check_text(name, where, "column name")
    if name in RESERVED_ATTRIBUTE_NAMES:
        raise CatalogError(
            f"{where}: column {name!r} is reserved (it would collide with the generation parameter of that "
            f"name; reserved: {', '.join(sorted(RESERVED_ATTRIBUTE_NAMES))}); rename it in the header row, "
            f"e.g. to '{name}_value'"
        )


def check_text(text: str, where: str, what: str) -> None:
    """Refuse a name or value holding control characters (NUL, ESC, ...): a catalog holding them is broken."""
    found = sorted({_escape(c) for c in text if is_control(c)})
    if found:
        raise CatalogError(
            f"{where}: {what} '{printable(text)}' holds control character(s) {' '.join(found)}; "
            "remove them from the file"
        )


def slug(text: str) -> str:
    """A level name as a file-name part: 'Bras & Tanks' -> 'Bras-Tanks' (output files are named by levels)."""
    return re.sub(r"[^A-Za-z0-9._]+", "-", text).strip("-") or "level"
