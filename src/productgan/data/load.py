"""One entry point that picks the reader from the spec: builtin:NAME, a folder, or an IDX file."""

from __future__ import annotations

from pathlib import Path

from productgan.data.catalog import Catalog
from productgan.errors import CatalogError

BUILTIN_PREFIX = "builtin:"


def load_catalog(spec: str | Path, resolution: int = 64, channels: int = 3, *, use_cache: bool = True) -> Catalog:
    """Read a catalog at the given square resolution and channel count (1 or 3).

    TODO(data helper): folders, folder+attributes.csv, IDX, disk cache.
    """
    spec = str(spec)
    if spec.startswith(BUILTIN_PREFIX):
        from productgan.data.builtin import make_builtin_catalog

        name = spec[len(BUILTIN_PREFIX):]
        if name != "catalog":
            raise CatalogError(f"unknown built-in catalog {spec!r}; available: builtin:catalog")
        return make_builtin_catalog(resolution=resolution, channels=channels)
    raise CatalogError(f"cannot read catalog {spec!r}")
