"""What a catalog holds before training: counts per attribute level, image sizes, skipped files, a contact sheet."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from productgan.data.catalog import UNKNOWN, Catalog, SkippedFile
from productgan.data.load import load_catalog
from productgan.data.names import printable
from productgan.imaging import make_grid, write_png

SHEET_IMAGES = 64  # most images on a contact sheet
SHEET_COLUMNS = 8
SHEET_MAX_LEVELS = 16  # the sheet groups by the first column with at most this many levels
SHOWN_ROWS = 25  # rows per printed table before '... and N more'


@dataclass
class InspectReport:
    """A catalog summary; counts are sorted most common first.

    sizes: ((width, height), count) of the original images; empty for generated catalogs.
    levels: column -> [(level, count)], missing values counted as 'unknown'.
    """

    source: str
    image_count: int
    resolution: int
    channels: int
    sizes: list[tuple[tuple[int, int], int]] = field(default_factory=list)
    levels: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    skipped: list[SkippedFile] = field(default_factory=list)
    contact_sheet: Path | None = None


def inspect_catalog(
    spec: str | Path,
    resolution: int = 64,
    channels: int = 3,
    contact_sheet: Path | None = None,
    *,
    use_cache: bool = True,
) -> InspectReport:
    """Load the catalog, count what it holds and, when contact_sheet is given, write a PNG of sample images there."""
    catalog = load_catalog(spec, resolution=resolution, channels=channels, use_cache=use_cache)
    report = InspectReport(
        source=catalog.source or str(spec),
        image_count=len(catalog),
        resolution=catalog.resolution,
        channels=catalog.channels,
        sizes=Counter(catalog.original_sizes).most_common(),
        levels={name: Counter(v or UNKNOWN for v in values).most_common() for name, values in catalog.table.items()},
        skipped=list(catalog.skipped),
    )
    if contact_sheet is not None:
        report.contact_sheet = write_contact_sheet(catalog, Path(contact_sheet))
    return report


def sheet_indices(catalog: Catalog, limit: int = SHEET_IMAGES) -> list[int]:
    """Which images go on the sheet: a few of each level of the first column with few levels, else evenly spread."""
    column = next((values for values in catalog.table.values() if len(set(values)) <= SHEET_MAX_LEVELS), None)
    if column is None:
        return np.linspace(0, len(catalog) - 1, num=min(limit, len(catalog))).round().astype(int).tolist()
    by_level: dict[str, list[int]] = {}
    for index, value in enumerate(column):
        by_level.setdefault(value, []).append(index)
    per_level = max(1, limit // len(by_level))
    picked = [i for level in sorted(by_level) for i in by_level[level][:per_level]]
    return picked[:limit]


def write_contact_sheet(catalog: Catalog, path: Path, limit: int = SHEET_IMAGES) -> Path:
    """A grid PNG of up to `limit` images, upscaled so that small (28-32 px) images stay visible."""
    images = catalog.images[sheet_indices(catalog, limit)]
    scale = max(1, 64 // catalog.resolution)
    return write_png(make_grid(images, ncols=SHEET_COLUMNS), path, scale=scale)


def print_inspect_report(report: InspectReport, console: Console) -> None:
    """Print the report as rich tables: summary, image sizes, one table per attribute, skipped files."""
    console.print(
        f"[bold]{_shown(report.source)}[/bold]: {report.image_count} images at "
        f"{report.resolution}x{report.resolution}, {report.channels} channel(s); {len(report.skipped)} file(s) skipped"
    )
    if report.sizes:
        sizes = [(f"{w} x {h}", n) for (w, h), n in report.sizes]
        console.print(_count_table("original image sizes", sizes, value_header="width x height"))
    for name, counts in report.levels.items():
        console.print(_count_table(f"{_shown(name)} ({len(counts)} levels)", counts, value_header="level"))
    if report.skipped:
        console.print(_skipped_table(report.skipped))
    if report.contact_sheet is not None:
        console.print(f"contact sheet: {_shown(report.contact_sheet)}")


def _shown(text: object) -> str:
    """Catalog text as the terminal may show it: control characters escaped (no ANSI sequences), rich markup escaped."""
    return escape(printable(text))


def _count_table(title: str, counts: list[tuple[str, int]], value_header: str) -> Table:
    table = Table(title=title, title_justify="left")
    table.add_column(value_header)
    table.add_column("images", justify="right")
    for value, count in counts[:SHOWN_ROWS]:
        table.add_row(_shown(value), str(count))
    if len(counts) > SHOWN_ROWS:
        rest = sum(count for _, count in counts[SHOWN_ROWS:])
        table.add_row(f"... {len(counts) - SHOWN_ROWS} more", str(rest))
    return table


def _skipped_table(skipped: list[SkippedFile]) -> Table:
    table = Table(title=f"skipped files ({len(skipped)})", title_justify="left")
    table.add_column("file", overflow="fold")
    table.add_column("reason", overflow="fold")
    for item in skipped[:SHOWN_ROWS]:
        table.add_row(_shown(item.path), _shown(item.reason))
    if len(skipped) > SHOWN_ROWS:
        table.add_row(f"... and {len(skipped) - SHOWN_ROWS} more", "")
    return table
