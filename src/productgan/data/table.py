"""A folder of images described by attributes.csv: one row per image, one column per attribute.

The CSV is what a shop exports from its catalog system, so it is read forgivingly (BOM, quoted
multi-line cells, stray whitespace, empty cells) but its structure is checked strictly: a CSV we
misread would silently train on the wrong labels.
"""

from __future__ import annotations

import csv
import os
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from productgan.data.catalog import Catalog, SkippedFile
from productgan.data.folder import list_files
from productgan.data.images import is_image_file, read_image_files
from productgan.data.names import check_attribute_name, check_text, printable
from productgan.data.paths import EntryMissing, EntryRefused, resolve_catalog_entry
from productgan.errors import CatalogError

ATTRIBUTES_CSV = "attributes.csv"
FILE_COLUMNS = ("file", "filename", "image", "path")  # accepted names of the column holding image paths
LINE_BREAK = re.compile(r"\s*[\r\n]+\s*")


@dataclass(frozen=True)
class AttributeRow:
    """One data row: its line in the CSV, the image path as written, and the attribute values."""

    line: int
    file: str
    values: dict[str, str]


@dataclass(frozen=True)
class AttributeTable:
    """A parsed attributes.csv: attribute column names in header order (file column excluded) and rows."""

    file_column: str
    columns: list[str]
    rows: list[AttributeRow]


def clean_cell(cell: str) -> str:
    """Strip a value and fold line breaks and tabs inside it into one space ('Hoodies &\\n Sweatshirts' -> one level).

    Other control characters are kept, so that read_attributes can refuse them by line.
    """
    return LINE_BREAK.sub(" ", cell.strip()).replace("\t", " ")


def read_attributes(csv_path: Path) -> AttributeTable:
    """Parse and validate attributes.csv; structural problems are CatalogErrors naming the file.

    A control character (NUL, ESC, ...) in any cell is refused with its line: such a CSV is
    broken, and its text would reach terminals and level names. The CSV itself must be a regular
    file inside its folder, like the images it lists.
    """
    try:
        resolve_catalog_entry(csv_path.parent, csv_path.name)
    except EntryRefused as refusal:
        raise CatalogError(f"{printable(csv_path)}: {refusal.reason}") from None
    records = _read_records(csv_path)
    if not records or not any(clean_cell(c) for c in records[0][1]):
        raise CatalogError(f"{printable(csv_path)} is empty: expected a header row such as 'file,category,color'")
    _refuse_control_characters(csv_path, records)
    header = [clean_cell(c) for c in records[0][1]]
    body = records[1:]
    named = _named_columns(csv_path, header, body)
    file_column = _file_column(csv_path, [header[i] for i in named])
    rows = []
    for line, cells in body:
        cells = _fit_to_header(csv_path, line, cells, len(header))
        if not any(clean_cell(c) for c in cells):
            continue  # blank lines, common at the end of exported files
        values = {header[i]: clean_cell(cells[i]) for i in named}
        rows.append(AttributeRow(line, values.pop(file_column), values))
    columns = [header[i] for i in named if header[i] != file_column]
    return AttributeTable(file_column, columns, rows)


def _refuse_control_characters(csv_path: Path, records: list[tuple[int, list[str]]]) -> None:
    for index, (line, cells) in enumerate(records):
        for cell in cells:
            check_text(clean_cell(cell), f"{printable(csv_path)} line {line}", "column name" if index == 0 else "value")


def _read_records(csv_path: Path) -> list[tuple[int, list[str]]]:
    """(line where the record ends, cells) per CSV record; encoding and quoting errors become CatalogErrors."""
    try:
        with open(csv_path, newline="", encoding="utf-8-sig") as handle:
            reader = csv.reader(handle)
            return [(reader.line_num, row) for row in reader]
    except UnicodeDecodeError as exc:
        raise CatalogError(f"{printable(csv_path)} is not UTF-8 text ({exc}); save it as UTF-8 CSV") from None
    except csv.Error as exc:
        raise CatalogError(f"{printable(csv_path)} is not valid CSV: {printable(exc)}") from None
    except OSError as exc:
        raise CatalogError(f"cannot read {printable(csv_path)}: {printable(exc.strerror or exc)}") from None


def _named_columns(csv_path: Path, header: list[str], body: list[tuple[int, list[str]]]) -> list[int]:
    """Indices of the columns to use; unnamed columns may only be empty (trailing commas from spreadsheets)."""
    for index, name in enumerate(header):
        if not name and any(index < len(cells) and clean_cell(cells[index]) for _, cells in body):
            raise CatalogError(f"{printable(csv_path)}: column {index + 1} has values but no name in the header row")
    named = [i for i, name in enumerate(header) if name]
    duplicates = [name for name, count in Counter(header[i] for i in named).items() if count > 1]
    if duplicates:
        raise CatalogError(
            f"{printable(csv_path)}: duplicate column name(s) {', '.join(map(repr, duplicates))} in the header row"
        )
    return named


def _file_column(csv_path: Path, names: list[str]) -> str:
    for name in names:
        if name.lower() in FILE_COLUMNS:
            return name
    raise CatalogError(
        f"{printable(csv_path)} has no column naming the image files (expected one of: {', '.join(FILE_COLUMNS)}); "
        f"its columns are: {', '.join(names)}"
    )


def _fit_to_header(csv_path: Path, line: int, cells: list[str], width: int) -> list[str]:
    """Pad short rows with empty cells; refuse rows with extra non-empty cells (usually an unquoted comma)."""
    if len(cells) > width and any(clean_cell(c) for c in cells[width:]):
        raise CatalogError(
            f"{printable(csv_path)}: line {line} has {len(cells)} cells but the header has {width} columns "
            "(a value containing a comma must be quoted)"
        )
    return (cells + [""] * width)[:width]


def read_table(root: str | Path, resolution: int, channels: int) -> Catalog:
    """Read the images listed in root/attributes.csv; paths in the CSV are relative to root.

    Rows naming missing files, files outside root or non-regular files (see paths.py), duplicate
    rows and images the CSV does not list are reported in `skipped`; every attribute column (file
    column excluded) becomes a table column, and a column name reserved for generation parameters
    is a CatalogError.
    """
    root = Path(root)
    csv_path = root / ATTRIBUTES_CSV
    attributes = read_attributes(csv_path)
    for column in attributes.columns:
        check_attribute_name(column, f"{printable(csv_path)} header row")
    listed, skipped = _resolve_rows(root, csv_path, attributes.rows)
    listed_keys = {_path_key(path) for path, _ in listed}
    skipped += [
        SkippedFile(str(path), f"not listed in {ATTRIBUTES_CSV}")
        for path in list_files(root)
        if is_image_file(path) and _path_key(path) not in listed_keys
    ]
    decoded = read_image_files([path for path, _ in listed], resolution, channels, source=str(root))
    kept = [listed[i] for i in decoded.kept]
    return Catalog(
        images=decoded.stacked(resolution, channels),
        table={column: [row.values[column] for _, row in kept] for column in attributes.columns},
        files=[str(path) for path, _ in kept],
        skipped=skipped + decoded.skipped,
        source=str(root),
        original_sizes=decoded.original_sizes,
    )


def _resolve_rows(
    root: Path, csv_path: Path, rows: list[AttributeRow]
) -> tuple[list[tuple[Path, AttributeRow]], list[SkippedFile]]:
    """Pair each row with the file it names, as checked by resolve_catalog_entry.

    A file listed twice keeps its first row; later ones are skipped with the first one's line.
    """
    listed: list[tuple[Path, AttributeRow]] = []
    skipped: list[SkippedFile] = []
    first_line: dict[str, int] = {}
    for row in rows:
        if not row.file:
            skipped.append(SkippedFile(f"{csv_path}:{row.line}", f"row in {ATTRIBUTES_CSV} has no file name"))
            continue
        shown = str(root / row.file.replace("\\", "/"))
        try:
            path = resolve_catalog_entry(root, row.file)
        except EntryMissing:
            skipped.append(SkippedFile(shown, f"listed in {ATTRIBUTES_CSV} but not found"))
            continue
        except EntryRefused as refusal:
            skipped.append(SkippedFile(shown, f"line {row.line} of {ATTRIBUTES_CSV}: {refusal.reason}"))
            continue
        key = _path_key(path)
        if key in first_line:
            reason = f"listed twice in {ATTRIBUTES_CSV} (first on line {first_line[key]})"
            skipped.append(SkippedFile(shown, reason))
            continue
        first_line[key] = row.line
        listed.append((path, row))
    return listed, skipped


def _path_key(path: Path) -> str:
    """One spelling per file (symlinks resolved), so 'images/./a.jpg' in the CSV matches 'images/a.jpg' on disk."""
    return os.path.realpath(path)
