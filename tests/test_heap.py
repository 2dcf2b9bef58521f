"""release_freed_memory gives freed, fragmented heap back to the OS, as a catalog worker needs
after each photo (heap.py); where there is no glibc it says so and does nothing."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from productgan import heap

glibc_only = pytest.mark.skipif(not sys.platform.startswith("linux") or heap._glibc() is None,
                                reason="malloc_trim is glibc's; other platforms have nothing to release")


def resident_mib() -> float:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * 4096 / 2**20


@glibc_only
def test_freed_fragmented_heap_is_returned():
    blocks = [np.ones(12_000) for _ in range(2_000)]  # ~96 KB each, under malloc's mmap threshold: heap
    kept = blocks[::20]  # a few survivors pin the heap, so free() alone cannot shrink it
    del blocks
    before = resident_mib()
    assert heap.release_freed_memory() is True
    assert before - resident_mib() > 80, "about 180 MB was freed between the survivors; trimming returned little"
    assert len(kept) == 100


def test_without_glibc_nothing_is_called(monkeypatch):
    monkeypatch.setattr(heap, "_glibc", lambda: None)
    assert heap.release_freed_memory() is False
