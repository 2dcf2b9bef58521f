"""Catalog readers: every source becomes one Catalog of uint8 images plus an attribute table."""

from productgan.data.catalog import (
    OTHER,
    UNKNOWN,
    Catalog,
    Conditions,
    SkippedFile,
    encode_conditions,
)
from productgan.data.load import load_catalog
from productgan.data.paths import EntryRefused, resolve_catalog_entry

__all__ = [
    "OTHER",
    "UNKNOWN",
    "Catalog",
    "Conditions",
    "EntryRefused",
    "SkippedFile",
    "encode_conditions",
    "load_catalog",
    "resolve_catalog_entry",
]
