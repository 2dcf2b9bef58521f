"""Handing the memory a big image freed back to the operating system: glibc keeps it otherwise.

Why: a learned enhancer runs a photo tile by tile, allocating and freeing activations of varying
sizes; glibc's malloc keeps freed heap for reuse, fragmented, so a `catalog prepare` worker grew by
tens of MiB per photo (1.8 GB peak over 75 luma photos with the shipped sr2) although it never holds
more than one photo's worth. malloc_trim(0) after each photo kept one process at 280-312 MiB over
10 photos, against 334-1008 MiB over the same first 10 without (docs/BENCHMARKS.md). Where malloc
is not glibc's (macOS, Windows, musl) there is nothing to call and this does nothing.
"""

from __future__ import annotations

import ctypes
import functools


@functools.lru_cache(maxsize=1)
def _glibc():
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.malloc_trim  # noqa: B018 - present only in glibc
    except (OSError, AttributeError):
        return None
    return libc


def release_freed_memory() -> bool:
    """Return freed heap memory to the OS (glibc malloc_trim); False where there is no glibc."""
    libc = _glibc()
    if libc is None:
        return False
    libc.malloc_trim(0)
    return True
