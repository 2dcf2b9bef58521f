"""The manifest of a prepared catalog: one CSV row per photo, appended as each output lands.

It is the run's memory as well as its report. A row is appended only after its output file is in
place (written atomically), and flushed to disk, so after a kill every row that says `done` has
its file, and the next run skips exactly those. A kill mid-append leaves at most a partial last
line: it reads as not done, and the next append starts on a fresh line. At the end of a run the
file is rewritten (atomically) with one row per photo, the latest, sorted by input.

`upscaler` says how each photo was enlarged (shipped-sr2, lanczos, ...; empty when it was not). A
manifest written before that column existed is still read, and rewritten with it (empty for the
old rows) before anything is appended, so a run started by the older version resumes.
"""

from __future__ import annotations

import csv
import io
import os
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from productgan.atomic import write_atomic
from productgan.enhance.assess import MEASURE_NAMES
from productgan.errors import ProductGANError

NAME = "manifest.csv"
COLUMNS = ("input", "output", "status", "preset", "reason", "steps", "why", "warnings", "upscaler", "seconds",
           "width_in", "height_in", "width_out", "height_out",
           *(f"before_{m}" for m in MEASURE_NAMES), *(f"after_{m}" for m in MEASURE_NAMES))
OLDER_COLUMNS = (tuple(c for c in COLUMNS if c != "upscaler"),)  # earlier versions' manifests, still read
STATUSES = ("done", "skipped", "failed")

Row = dict[str, str]


def read_rows(path: str | Path) -> dict[str, Row]:
    """input -> its latest complete row; a missing file is an empty manifest. A row cut short by a
    kill (fewer fields, or a status that is not one of STATUSES) is ignored."""
    path = Path(path)
    if not path.is_file():
        return {}
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        _check_header(path, reader.fieldnames)
        rows = {}
        for row in reader:
            if None in row.values() or None in row or row.get("status") not in STATUSES:
                continue
            rows[row["input"]] = {column: row.get(column, "") for column in COLUMNS}
    return rows


def _check_header(path: Path, fieldnames: list[str] | None) -> None:
    if fieldnames is not None and tuple(fieldnames) not in (COLUMNS, *OLDER_COLUMNS):
        raise ProductGANError(f"{path}: not a manifest of this version of `catalog prepare` (its columns differ); "
                              "choose a new --out or move this one away")


@contextmanager
def appender(path: str | Path) -> Iterator[Callable[[Row], None]]:
    """append(row): one row, flushed and synced before it returns. Writes the header to a new file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    read_rows(path)  # refuses a manifest of other columns before anything is added to it
    if _header(path) not in (None, COLUMNS):
        compact(path)  # an older version's manifest: rewritten with today's columns, then appended to
    with open(path, "a+", newline="", encoding="utf-8") as handle:
        handle.seek(0, os.SEEK_END)
        writer = csv.writer(handle)
        if handle.tell() == 0:
            writer.writerow(COLUMNS)
        elif not _ends_with_newline(path):
            handle.write("\n")  # a kill cut the last row short: start on a fresh line

        def append(row: Row) -> None:
            writer.writerow([row.get(column, "") for column in COLUMNS])
            handle.flush()
            os.fsync(handle.fileno())
        yield append


def _header(path: Path) -> tuple[str, ...] | None:
    if not path.is_file():
        return None
    with open(path, newline="", encoding="utf-8") as handle:
        return tuple(next(csv.reader(handle), ()))


def _ends_with_newline(path: Path) -> bool:
    with open(path, "rb") as handle:
        handle.seek(-1, os.SEEK_END)
        return handle.read(1) == b"\n"


def compact(path: str | Path) -> Path:
    """Rewrite the manifest atomically with one row per input (its latest), sorted by input."""
    rows = read_rows(path)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    for key in sorted(rows):
        writer.writerow([rows[key].get(column, "") for column in COLUMNS])
    data = buffer.getvalue().encode("utf-8")
    return write_atomic(path, lambda handle: handle.write(data))
