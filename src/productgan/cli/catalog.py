"""`productgan catalog check|prepare`: a whole catalog folder against a preset's rules, and
prepared for it in one command (resumable, parallel, with a manifest)."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer
from rich.markup import escape
from rich.table import Table

from productgan.cli.common import console, device_option, err_console, exit_for_stop, friendly_errors, int_option

HELP = ("A whole catalog at once: check photos against a preset's rules (white background, product size and "
        "place, image size, blur, exposure), and prepare them all: auto-fixed, laid out, with a manifest.")
UPSCALER_HELP = ("How photos smaller than the preset's minimum side are enlarged: lanczos (default: on luma photos, "
                 "x1.1-2, it came back closer than the learned models and took 0.01 s against 1.3-2.6 CPU-s for sr2; "
                 "docs/BENCHMARKS.md), shipped (the learned sr2/sr4 shipped in the package, the smaller that reaches "
                 "the factor), shipped-sr2, shipped-sr4, "
                 "or PATH to a learned sr2/sr4 model (`productgan enhance train --task sr2`). The manifest's upscaler "
                 "column says what each photo got.")
PRESET_HELP = "marketplace (pure white, square, product centred filling ~85%, >= 1000 px, sRGB JPEG) | web (auto-fix only, keep size and format)."


@friendly_errors
def check_command(
    source: Path = typer.Argument(..., help="A folder of photos, searched at any depth, or one photo (only read)."),
    preset: str = typer.Option("marketplace", help=PRESET_HELP),
    csv: Optional[Path] = typer.Option(None, "--csv", help="Also write every photo's verdict, reasons and measures to this CSV file."),
    workers: Optional[int] = int_option(None, high=256, help="Processes in parallel (default: the cores)."),
    show: int = int_option(50, low=0, high=100000, help="List at most this many failing photos in the table (all are in --csv)."),
):
    """List the photos that break the preset's rules, with a reason each; writes no image. Exits 1 when any photo
    breaks a rule, so a script can stop on it."""
    from productgan.catalog.check import RULES, check_folder, write_check_csv
    from productgan.catalog.pool import default_workers
    from productgan.catalog.presets import get_preset

    chosen = get_preset(preset)
    results = check_folder(source, chosen, workers or default_workers())
    failing = [r for r in results if not r.ok]
    table = Table("photo", "breaks", "reasons", title=f"{len(failing)} of {len(results)} photos break the {preset} rules")
    for result in failing[:show]:
        table.add_row(shown(str(result.photo)), ", ".join(b.rule for b in result.breaches), shown(result.reasons()))
    if failing:
        console.print(table)
    if len(failing) > show:
        console.print(f"... and {len(failing) - show} more" + (f" (all in {csv})" if csv else " (--csv FILE lists them all)"))
    counts = {rule: sum(any(b.rule == rule for b in r.breaches) for r in results) for rule in RULES}
    console.print(f"{len(results) - len(failing)} of {len(results)} photos pass; "
                  + ", ".join(f"{rule} {count}" for rule, count in counts.items() if count), highlight=False)
    if csv is not None:
        console.print(f"wrote {write_check_csv(results, csv)}")
    if failing:
        raise typer.Exit(code=1)


@friendly_errors
def prepare_command(
    source: Path = typer.Argument(..., help="A folder of photos, searched at any depth, or one photo (never modified)."),
    out: Path = typer.Option(..., help="Folder for the outputs (the sub-folders of SOURCE mirrored) and manifest.csv; outside SOURCE."),
    preset: str = typer.Option("marketplace", help=PRESET_HELP),
    workers: Optional[int] = int_option(None, high=256, help="Processes in parallel, one thread each (default: the cores)."),
    upscaler: Optional[str] = typer.Option(None, help=UPSCALER_HELP),
    sr_checkpoint: Optional[Path] = typer.Option(None, help="The older spelling of --upscaler PATH: a learned sr2/sr4 model (`productgan enhance train --task sr2`)."),
    limit: Optional[int] = int_option(None, help="Stop after this many photos (a trial run); running again goes on from there."),
    device: str = device_option(),
):
    """Auto-fix and lay out every photo into --out, with manifest.csv (input, output, steps, measures before and
    after, warnings, seconds). Resumable: a rerun skips the photos already done. Bad files are named and skipped.
    Exits 130 after Ctrl-C and 143 after SIGTERM, every finished photo recorded."""
    from productgan.catalog.prepare import PrepareConfig, prepare_catalog
    from productgan.device import resolve_device

    config = PrepareConfig(source=source, out=out, preset=preset, workers=workers, upscaler=upscaler,
                           sr_checkpoint=sr_checkpoint,
                           device=str(resolve_device(device)), limit=limit)
    result = prepare_catalog(config)
    for name, status, reason in result.problems:
        err_console.print(f"[yellow]{status}[/] {shown(name)}: {shown(reason)}", soft_wrap=True, highlight=False)
    counts = result.counts
    steps = ", ".join(f"{step} {count}" for step, count in sorted(result.steps.items())) or "none"
    console.print(f"{counts['done']} prepared, {counts['skipped']} skipped, {counts['failed']} failed"
                  f" ({result.already_done} done by an earlier run, {result.total} photos in all) in {result.seconds:.1f} s, "
                  f"{result.seconds_per_photo:.2f} s per photo; steps applied: {steps}; manifest: {result.manifest}",
                  highlight=False, soft_wrap=True)
    exit_for_stop(result.stopped or "")


def shown(text: str) -> str:
    """A file name or reason as rich prints it literally: brackets escaped, control characters made visible."""
    from productgan.data.names import printable

    return escape(printable(text))
