"""Copies of a real checkpoint with their header or tensors changed: forged and renamed checkpoints for tests."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from safetensors import safe_open
from safetensors.torch import load_file, save_file

from productgan.checkpoint import FORMAT


def raw_meta(path: Path) -> str:
    """The header's `meta` JSON text, as stored."""
    with safe_open(str(path), framework="pt") as handle:
        return handle.metadata()["meta"]


def rewrite(source: Path, target: Path, edit_meta: Callable[[dict], None] | None = None,
            edit_tensors: Callable[[dict], None] | None = None, meta_text: str | None = None) -> Path:
    """Write `source` to `target` after edit_meta(meta dict) and edit_tensors(name -> tensor) changed it in
    place; meta_text replaces the meta entry verbatim (for headers that are not JSON)."""
    tensors = load_file(str(source))
    meta = json.loads(raw_meta(source))
    if edit_meta is not None:
        edit_meta(meta)
    if edit_tensors is not None:
        edit_tensors(tensors)
    text = meta_text if meta_text is not None else json.dumps(meta)
    save_file(tensors, str(target), metadata={"format": FORMAT, "meta": text})
    return target
