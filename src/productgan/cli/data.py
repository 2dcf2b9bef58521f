"""`productgan data inspect`: what a catalog holds, and what was skipped and why."""

from __future__ import annotations

from pathlib import Path

import typer

from productgan.cli.common import (
    channels_option, console, friendly_errors, require_output_file, resolution_option,
)


@friendly_errors
def data_inspect(
    path: str = typer.Argument(..., help="Catalog to inspect: a folder, folder with attributes.csv, IDX file, or builtin:catalog."),
    resolution: int = resolution_option(64, help="Square size in pixels the contact sheet's images are brought to."),
    channels: int = channels_option(),
    sheet: Path = typer.Option(Path("contact-sheet.png"), help="Where to write the contact sheet PNG."),
):
    """Counts per attribute level, image sizes, skipped files and why; writes a contact sheet."""
    from productgan.data.inspect import inspect_catalog, print_inspect_report

    require_output_file(sheet, "--sheet")
    report = inspect_catalog(path, resolution=resolution, channels=channels, contact_sheet=sheet)
    print_inspect_report(report, console)
