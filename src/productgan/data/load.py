"""One entry point that picks the reader from the spec: builtin:NAME, a folder, or an IDX file."""

from __future__ import annotations

import stat
from pathlib import Path

from productgan.data.cache import cached_catalog
from productgan.data.catalog import Catalog
from productgan.data.folder import list_files, read_folder
from productgan.data.idx import find_idx_images, idx_input_files, read_idx
from productgan.data.images import check_target_shape, is_image_file
from productgan.data.names import printable
from productgan.data.table import ATTRIBUTES_CSV, read_table
from productgan.errors import CatalogError

BUILTIN_PREFIX = "builtin:"
READERS = {"table": read_table, "folder": read_folder, "idx": read_idx}


def load_catalog(spec: str | Path, resolution: int = 64, channels: int = 3, *, use_cache: bool = True) -> Catalog:
    """Read a catalog at the given square resolution and channel count (1 or 3).

    spec is 'builtin:catalog', a folder with attributes.csv, a folder of images (flat or one
    sub-folder per class), an IDX images file, or a folder holding one. Decoded file catalogs are
    cached on disk (see cache.py). Raises CatalogError when nothing usable was read, listing why,
    and before reading anything when the shape is out of range (resolution MIN_RESOLUTION to
    MAX_RESOLUTION) or spec is a device, FIFO or socket.
    """
    check_target_shape(resolution, channels)
    resolution, channels = int(resolution), int(channels)  # numpy integers from configs become plain ints
    spec = str(spec)
    if spec.startswith(BUILTIN_PREFIX):
        catalog = _load_builtin(spec, resolution, channels)
    else:
        catalog = _load_path(Path(spec).expanduser(), resolution, channels, use_cache)
    catalog.require_images()
    return catalog


def _load_builtin(spec: str, resolution: int, channels: int) -> Catalog:
    """Built-in catalogs are generated in moments, so they are never cached."""
    from productgan.data.builtin import make_builtin_catalog

    name = spec[len(BUILTIN_PREFIX):]
    if name != "catalog":
        raise CatalogError(f"unknown built-in catalog {spec!r}; available: builtin:catalog")
    return make_builtin_catalog(resolution=resolution, channels=channels)


def _load_path(path: Path, resolution: int, channels: int, use_cache: bool) -> Catalog:
    if not path.exists():
        raise CatalogError(f"catalog path {str(path)!r} does not exist")
    _require_file_or_folder(path)
    kind, root = choose_reader(path)

    def read() -> Catalog:
        return READERS[kind](root, resolution, channels)

    if not use_cache:
        return read()
    input_files = idx_input_files(root) if kind == "idx" else list_files(root)
    return cached_catalog(kind, root, input_files, resolution, channels, read)


def _require_file_or_folder(path: Path) -> None:
    """Refuse devices, FIFOs and sockets up front: reading /dev/zero or a FIFO as a catalog never ends."""
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        raise CatalogError(f"cannot read catalog path {printable(path)}: {printable(exc.strerror or exc)}") from None
    if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
        raise CatalogError(
            f"catalog path {printable(path)} is not a file or folder (a device, FIFO or socket); "
            "give the folder that holds the catalog"
        )


def choose_reader(path: Path) -> tuple[str, Path]:
    """(reader kind, the path that reader is given) for an existing file or folder."""
    if path.is_file():
        if path.name == ATTRIBUTES_CSV:
            return "table", path.parent
        if path.suffix.lower() == ".csv":
            raise CatalogError(
                f"{printable(path)}: the attribute table must be named {ATTRIBUTES_CSV}, inside the images folder"
            )
        if is_image_file(path):
            raise CatalogError(f"{printable(path)} is a single image; give the folder that holds the catalog's images")
        return "idx", path
    if (path / ATTRIBUTES_CSV).is_file():
        return "table", path
    if find_idx_images(path):
        return "idx", path
    return "folder", path
