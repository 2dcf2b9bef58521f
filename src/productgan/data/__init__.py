"""Catalog readers: every source becomes one Catalog of uint8 images plus an attribute table."""

from productgan.data.catalog import (
    OTHER,
    UNKNOWN,
    Catalog,
    Conditions,
    SkippedFile,
    encode_conditions,
    level_ids,
)
from productgan.data.load import load_catalog

__all__ = [
    "OTHER",
    "UNKNOWN",
    "Catalog",
    "Conditions",
    "SkippedFile",
    "encode_conditions",
    "level_ids",
    "load_catalog",
]
