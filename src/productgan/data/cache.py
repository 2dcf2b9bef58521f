"""A disk cache of decoded catalogs, so that the second run on the same files starts at once.

An entry is <key>.npy (the uint8 images) plus <key>.json (table, files, skipped, source, sizes).
The key hashes the reader, the output shape, FORMAT_VERSION and each input file's relative
path, size and mtime_ns: touching, adding or removing a file gives a new key. Nothing here is
ever unpickled, and a damaged entry is simply rebuilt.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path

import numpy as np

from productgan.atomic import write_atomic

from productgan.data.catalog import Catalog, SkippedFile
from productgan.data.images import MAX_IMAGE_PIXELS

FORMAT_VERSION = 3  # bump whenever a reader changes what it makes of the same files (2: outside entries refused;
# 3: embedded colour profiles converted to sRGB)
CACHE_ENV = "PRODUCTGAN_CACHE"


def cache_dir() -> Path:
    """$PRODUCTGAN_CACHE, else ~/.cache/productgan/catalogs."""
    configured = os.environ.get(CACHE_ENV)
    return Path(configured) if configured else Path.home() / ".cache" / "productgan" / "catalogs"


def catalog_key(kind: str, root: Path, input_files: list[Path], resolution: int, channels: int) -> str:
    """sha256 hex over what determines a catalog: reader, shape, format version, and each file's path, size, mtime."""
    settings = {
        "kind": kind,
        "root": str(Path(root).resolve()),  # files/source in the entry name this folder
        "resolution": resolution,
        "channels": channels,
        "format": FORMAT_VERSION,
        "max_pixels": MAX_IMAGE_PIXELS,
    }
    digest = hashlib.sha256(json.dumps(settings, sort_keys=True).encode())
    for path in input_files:
        stat = path.stat()
        relative = Path(os.path.relpath(path, root)).as_posix()
        digest.update(f"{relative}\0{stat.st_size}\0{stat.st_mtime_ns}\n".encode())
    return digest.hexdigest()


def _entry_paths(key: str) -> tuple[Path, Path]:
    directory = cache_dir()
    return directory / f"{key}.npy", directory / f"{key}.json"


def load_cached(key: str) -> Catalog | None:
    """The cached catalog for key, or None when absent or unreadable in any way."""
    images_path, meta_path = _entry_paths(key)
    if not meta_path.is_file() or not images_path.is_file():
        return None
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        if meta.get("format") != FORMAT_VERSION or meta.get("key") != key:
            return None
        return Catalog(
            images=np.load(images_path, allow_pickle=False),
            table={str(name): [str(v) for v in values] for name, values in meta["table"].items()},
            files=[str(f) for f in meta["files"]],
            skipped=[SkippedFile(str(path), str(reason)) for path, reason in meta["skipped"]],
            source=str(meta["source"]),
            original_sizes=[(int(w), int(h)) for w, h in meta["original_sizes"]],
        )
    except Exception:  # noqa: BLE001 - any damage (truncated npy, bad JSON, wrong shapes) means: rebuild
        return None


def save_cached(key: str, catalog: Catalog) -> bool:
    """Write the entry atomically (images first, JSON last as the commit mark); False if the cache is not writable."""
    images_path, meta_path = _entry_paths(key)
    meta = {
        "format": FORMAT_VERSION,
        "key": key,
        "source": catalog.source,
        "table": catalog.table,
        "files": catalog.files,
        "skipped": [[s.path, s.reason] for s in catalog.skipped],
        "original_sizes": [list(size) for size in catalog.original_sizes],
    }
    try:
        images_path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(images_path, lambda handle: np.save(handle, catalog.images, allow_pickle=False))
        write_atomic(meta_path, lambda handle: handle.write(json.dumps(meta).encode("utf-8")))
    except OSError:
        return False  # a read-only or full disk only costs speed, never the run
    return True


def cached_catalog(
    kind: str, root: Path, input_files: list[Path], resolution: int, channels: int, read: Callable[[], Catalog]
) -> Catalog:
    """Return the cached catalog for these inputs, or call read() and cache its result (when it holds images).

    The key is taken before reading, so a file changed during the read can only leave an entry
    that is never looked up again, not a stale one.
    """
    key = catalog_key(kind, root, input_files, resolution, channels)
    catalog = load_cached(key)
    if catalog is None:
        catalog = read()
        if len(catalog):
            save_cached(key, catalog)
    return catalog
