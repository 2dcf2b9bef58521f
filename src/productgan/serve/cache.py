"""A bounded least-recently-used cache of encoded answers, keyed by everything that fixes the pixels."""

from __future__ import annotations

from collections import OrderedDict
from typing import Hashable


class LRUCache:
    """Response bodies, at most `max_entries` of them and `max_bytes` in total; the least recently
    used goes first. Used from the event loop only, so it needs no lock. max_entries 0: off."""

    def __init__(self, max_entries: int, max_bytes: int = 64 * 1024 * 1024):
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self.total_bytes = 0
        self._entries: OrderedDict[Hashable, bytes] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, key: Hashable) -> bytes | None:
        value = self._entries.get(key)
        if value is not None:
            self._entries.move_to_end(key)
        return value

    def put(self, key: Hashable, value: bytes) -> None:
        if self.max_entries <= 0 or len(value) > self.max_bytes:
            return
        previous = self._entries.pop(key, None)
        self.total_bytes += len(value) - (len(previous) if previous is not None else 0)
        self._entries[key] = value
        while len(self._entries) > self.max_entries or self.total_bytes > self.max_bytes:
            _, evicted = self._entries.popitem(last=False)
            self.total_bytes -= len(evicted)
