"""Resuming a run: which settings the user chose, which differ from the checkpoint's, where the catalog is.

A resumed run keeps its checkpoint's settings; only a few (the budget, the device, output schedules:
each loop lists its own) may change. A setting given differently is refused with every conflict
listed, rather than silently ignored. Settings are compared as dotted names (model.resolution) over
nested config dataclasses, so the GAN and the enhancer loops share one comparison.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import MISSING, asdict, fields, is_dataclass
from typing import Iterable

_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]+:")  # builtin:catalog; two letters at least, so C: stays a path


def catalog_location(data: str) -> str:
    """A catalog as a run stores it: a path made absolute (so --resume works from any folder),
    a scheme such as builtin:catalog as it is."""
    data = str(data)
    if _SCHEME.match(data):
        return data
    return os.path.abspath(os.path.expanduser(data))


def resume_conflicts(saved, given, names: Iterable[str] | None = None, may_change: Iterable[str] = ()) -> list[str]:
    """Settings (dotted names, model.resolution) where config `given` differs from checkpoint `saved`.

    names: the settings the user set; None means those of `given` away from their defaults (a
    library call cannot tell a default from a choice). Settings in may_change are never conflicts.
    Each conflict reads 'name: X in the checkpoint, Y given'.
    """
    saved_values, given_values = _flat_settings(saved), _flat_settings(given)
    skipped = set(may_change)
    conflicts = []
    for name in sorted(chosen_settings(given, names)):
        if name in skipped or name not in given_values:
            continue
        before, now = saved_values.get(name), given_values[name]
        if name == "data":
            before, now = catalog_location(before), catalog_location(now)
        if before != now:
            conflicts.append(f"{name}: {before!r} in the checkpoint, {now!r} given")
    return conflicts


def chosen_settings(config, names: Iterable[str] | None) -> set[str]:
    """The settings (dotted names) the user chose: names, or when None those away from their defaults."""
    if names is not None:
        return set(names)
    defaults = _flat_defaults(type(config))
    return {name for name, value in _flat_settings(config).items() if name not in defaults or defaults[name] != value}


def _flat_settings(config) -> dict:
    """Nested dataclass settings as {dotted name: JSON value} (tuples compare equal to lists)."""
    return _flatten(json.loads(json.dumps(asdict(config))))


def _flatten(values: dict, prefix: str = "") -> dict:
    flat = {}
    for key, value in values.items():
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{prefix}{key}."))
        else:
            flat[prefix + key] = value
    return flat


def _flat_defaults(cls) -> dict:
    """The class's default settings, flattened; required fields (no default) are absent."""
    defaults = {}
    for spec in fields(cls):
        if spec.default is not MISSING:
            value = spec.default
        elif spec.default_factory is not MISSING:
            value = spec.default_factory()
        else:
            continue
        defaults[spec.name] = asdict(value) if is_dataclass(value) else value
    return _flatten(json.loads(json.dumps(defaults)))
