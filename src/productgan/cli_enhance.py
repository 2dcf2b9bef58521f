"""`productgan enhance apply`: run the classical chain or a learned model over photos, writing new files."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from productgan.cli_support import console, err_console, friendly_errors, require_output_folder
from productgan.errors import ProductGANError

enhance_app = typer.Typer(no_args_is_help=True,
                          help="Enhance product photos: a classical chain, learned x2/x4 super-resolution, learned restoration.")


@enhance_app.command("apply")
@friendly_errors
def apply(
    source: Path = typer.Argument(..., help="A photo or a folder of photos (never modified)."),
    task: str = typer.Option("classic", help="classic | sr2 | sr4 | restore."),
    out: Path = typer.Option(Path("enhanced"), help="Folder for the new files (STEM-TASK.png)."),
    checkpoint: Optional[Path] = typer.Option(None, help="Model from `productgan enhance train` (sr2/sr4/restore)."),
    chain: Optional[str] = typer.Option(None, help="Classical steps, e.g. white_balance,contrast_stretch,clahe:clip=2,denoise,unsharp,whiten."),
    format: str = typer.Option("png", help="png | jpg | jpeg | webp."),
    mask: Optional[Path] = typer.Option(None, help="Damage to repair (classic, restore): a mask image (white = repair) for one photo, or a folder of masks named like the photos."),
    device: str = typer.Option("cpu"),
):
    """Enhance photos into new files; unreadable ones are listed and skipped.

    Every option (--format, --out, --task, --chain, --mask) is checked before the first photo is read.
    """
    from productgan.enhance.apply import build_enhancer
    from productgan.enhance.repair import RepairMaskError, masked_file_enhancer
    from productgan.photo_io import map_photos

    suffix = output_suffix(format)
    require_output_folder(out)
    if chain is not None and task != "classic":
        raise ProductGANError(f"--chain is for --task classic; --task {task} runs a learned model")
    if mask is not None and mask.is_file() and source.is_dir():
        raise RepairMaskError(f"{mask}: one mask file goes with one photo; for the folder {source} give a folder "
                              "of masks named like its photos")
    enhancer = build_enhancer(task, checkpoint, chain, device)
    if mask is not None:
        enhancer = masked_file_enhancer(enhancer, task, mask)
    report = map_photos(enhancer, source, out, suffix=task, fmt=suffix, with_source=mask is not None)
    for path, reason in report.skipped:
        err_console.print(f"[yellow]skipped[/] {reason}", soft_wrap=True, highlight=False)
    console.print(f"wrote {len(report.written)} file(s) to {out}" + (f"; skipped {len(report.skipped)}" if report.skipped else ""))
    if not report.written:
        raise typer.Exit(code=1)


def output_suffix(fmt: str) -> str:
    """--format as the file suffix photo_io writes ('.png'), refused up front when it cannot write it:
    a format checked only at the first write would fail after a photo was already processed."""
    from productgan.photo_io import OUTPUT_FORMATS

    suffix = "." + fmt.strip().lower().lstrip(".")
    if suffix not in OUTPUT_FORMATS:
        raise ProductGANError(f"--format {fmt!r} is not an output format; use one of "
                              + ", ".join(name.lstrip(".") for name in OUTPUT_FORMATS))
    return suffix
