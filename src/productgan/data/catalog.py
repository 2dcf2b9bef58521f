"""The in-memory catalog every reader produces, and how attribute columns become model conditions."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from productgan.data.names import check_attribute_name, printable
from productgan.errors import CatalogError

UNKNOWN = "unknown"  # explicit level for a missing value, so no row is silently dropped
OTHER = "other"  # level that rare values are merged into by --min-count


@dataclass(frozen=True)
class SkippedFile:
    """A file a reader could not use, with the reason shown to the user."""

    path: str
    reason: str


@dataclass
class Catalog:
    """Images plus a table of categorical attributes, one row per image.

    images: uint8 array (N, H, W, C), C is 1 (grayscale) or 3 (RGB), H == W.
    table: column name -> one string per image ('' where the value is missing).
    files: where each image came from (a path, or 'builtin:catalog#17').
    skipped: inputs that were not used, with the reason.
    """

    images: np.ndarray
    table: dict[str, list[str]]
    files: list[str]
    skipped: list[SkippedFile] = field(default_factory=list)
    source: str = ""
    original_sizes: list[tuple[int, int]] = field(default_factory=list)  # (width, height) as read; [] if generated

    def __post_init__(self) -> None:
        if self.images.dtype != np.uint8 or self.images.ndim != 4:
            raise ValueError(f"catalog images must be uint8 (N,H,W,C), got {self.images.dtype} {self.images.shape}")
        n = len(self.images)
        if len(self.files) != n or any(len(v) != n for v in self.table.values()):
            raise ValueError("catalog images, files and table columns must have one entry per image")

    def __len__(self) -> int:
        return len(self.images)

    @property
    def resolution(self) -> int:
        return int(self.images.shape[1])

    @property
    def channels(self) -> int:
        return int(self.images.shape[3])

    def require_images(self) -> None:
        """Fail with the skip reasons when nothing usable was read."""
        if len(self) == 0:
            reasons = "\n".join(f"  {printable(s.path)}: {printable(s.reason)}" for s in self.skipped[:20])
            more = f"\n  ... and {len(self.skipped) - 20} more" if len(self.skipped) > 20 else ""
            raise CatalogError(f"no usable image in {self.source!r}" + (f"; skipped:\n{reasons}{more}" if reasons else ""))


@dataclass(frozen=True)
class Conditions:
    """Integer labels for the attributes a model is conditioned on.

    names: attribute names in model order; levels: name -> level strings (index = label id);
    labels: int64 (N, len(names)).
    """

    names: list[str]
    levels: dict[str, list[str]]
    labels: np.ndarray

    @property
    def level_counts(self) -> list[int]:
        return [len(self.levels[n]) for n in self.names]


def encode_conditions(catalog: Catalog, names: list[str], min_count: int = 1) -> Conditions:
    """Turn the chosen columns into label ids.

    Missing values become the explicit level 'unknown'; levels seen fewer than min_count times are
    merged into 'other' (if that leaves a single rare value it is kept, as merging gains nothing).
    Level order is sorted so that the vocabulary does not depend on file order. Names that would
    collide with generation parameters are refused here too, whichever reader made the catalog.
    """
    missing = [n for n in names if n not in catalog.table]
    if missing:
        raise CatalogError(
            f"catalog {catalog.source!r} has no column {', '.join(map(repr, missing))}; "
            f"columns are: {printable(', '.join(sorted(catalog.table))) or '(none)'}"
        )
    for name in names:
        check_attribute_name(name, f"catalog {catalog.source!r}")
    levels: dict[str, list[str]] = {}
    columns = []
    for name in names:
        values = [v.strip() or UNKNOWN for v in catalog.table[name]]
        counts = Counter(values)
        rare = {v for v, c in counts.items() if c < min_count and v != UNKNOWN}
        if len(rare) > 1:
            values = [OTHER if v in rare else v for v in values]
        vocab = sorted(set(values))
        index = {v: i for i, v in enumerate(vocab)}
        levels[name] = vocab
        columns.append([index[v] for v in values])
    labels = np.asarray(columns, dtype=np.int64).T.reshape(len(catalog), len(names))
    return Conditions(names=list(names), levels=levels, labels=labels)

