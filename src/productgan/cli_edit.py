"""`productgan edit ...`: classical edits of a shop's own photos (this module) and edits of generated
products (cli_edit_generated registers variants, clips and inversion on the same group).

Each photo command takes a file or a folder and writes new files STEM-EDIT.png into --out; the
inputs are never touched and unreadable photos are listed, not fatal.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import numpy as np
import typer

from productgan.cli_support import console, err_console, friendly_errors

edit_app = typer.Typer(no_args_is_help=True,
                       help="Edit products: variants, clips and inversion of generated ones; recolour, mask, scale, rotate, flip and whiten real photos.")

SOURCE = typer.Argument(..., help="A photo or a folder of photos (never modified).")
OUT = typer.Option(Path("edited"), help="Folder for the new files.")
THRESHOLD = typer.Option(12.0, help="Lab distance to the studio backdrop that counts as product.")


def _run(edit: Callable[[np.ndarray], np.ndarray], source: Path, out: Path, suffix: str) -> None:
    from productgan.photo_io import map_photos

    report = map_photos(edit, source, out, suffix)
    for _, reason in report.skipped:
        err_console.print(f"[yellow]skipped[/] {reason}", soft_wrap=True, highlight=False)
    console.print(f"wrote {len(report.written)} file(s) to {out}" + (f"; skipped {len(report.skipped)}" if report.skipped else ""))
    if not report.written:
        raise typer.Exit(code=1)


@edit_app.command("recolour")
@friendly_errors
def recolour_command(
    source: Path = SOURCE,
    to: str = typer.Option(..., "--to", help="Target colour: a name (red, navy, ...) or #RRGGBB."),
    keep_lightness: bool = typer.Option(False, help="Change hue and chroma only, not lightness."),
    threshold: float = THRESHOLD,
    grabcut: bool = typer.Option(False, help="Refine the product mask with GrabCut (slower)."),
    region: str = typer.Option("dominant", help="dominant: the product's main colour only; whole: every product pixel."),
    out: Path = OUT,
):
    """Recolour the product in Lab, keeping its shading and texture; the background stays bit-exact."""
    from productgan.edit.colours import parse_colour
    from productgan.edit.mask import product_mask
    from productgan.edit.recolour import recolour
    from productgan.errors import ProductGANError

    target = parse_colour(to)  # fail on a bad colour before reading any photo
    if region not in ("dominant", "whole"):
        raise ProductGANError(f"--region must be dominant or whole, got {region!r}")
    suffix = "recolour-" + to.strip().lstrip("#").lower()
    _run(lambda image: recolour(image, target, product_mask(image, threshold, grabcut), keep_lightness, region=region),
         source, out, suffix)


@edit_app.command("mask")
@friendly_errors
def mask_command(source: Path = SOURCE, threshold: float = THRESHOLD,
                 grabcut: bool = typer.Option(False, help="Refine with GrabCut."), out: Path = OUT):
    """Write the product mask (white = product) found from the studio backdrop."""
    from productgan.edit.mask import product_mask

    _run(lambda image: np.repeat(product_mask(image, threshold, grabcut)[..., None], 3, axis=2).astype(np.uint8) * 255,
         source, out, "mask")


@edit_app.command("scale")
@friendly_errors
def scale_command(source: Path = SOURCE, factor: float = typer.Option(..., min=0.05, max=10.0, help="Size factor, e.g. 0.8."),
                  out: Path = OUT):
    """Make the product larger or smaller about its centre; the canvas keeps its size."""
    from productgan.edit.geometry import scale

    _run(lambda image: scale(image, factor), source, out, f"scale{factor:g}")


@edit_app.command("rotate")
@friendly_errors
def rotate_command(source: Path = SOURCE, degrees: float = typer.Option(..., help="Anticlockwise angle."),
                   out: Path = OUT):
    """Turn the product about its centre; the canvas keeps its size, corners filled with backdrop."""
    from productgan.edit.geometry import rotate

    _run(lambda image: rotate(image, degrees), source, out, f"rotate{degrees:g}")


@edit_app.command("flip")
@friendly_errors
def flip_command(source: Path = SOURCE, direction: str = typer.Option("horizontal", help="horizontal | vertical."),
                 out: Path = OUT):
    """Mirror the photo."""
    from productgan.edit.geometry import flip
    from productgan.errors import ProductGANError

    if direction not in ("horizontal", "vertical"):
        raise ProductGANError(f"--direction must be horizontal or vertical, got {direction!r}")
    _run(lambda image: flip(image, direction), source, out, f"flip-{direction}")


@edit_app.command("whiten")
@friendly_errors
def whiten_command(source: Path = SOURCE, square: bool = typer.Option(True, help="Also pad to a square canvas."),
                   threshold: float = THRESHOLD, out: Path = OUT):
    """Pure-white background (and a square canvas): the marketplace photo format."""
    from productgan.edit.geometry import square as make_square
    from productgan.edit.geometry import whiten_background
    from productgan.edit.mask import product_mask

    def edit(image: np.ndarray) -> np.ndarray:
        white = whiten_background(image, product_mask(image, threshold))
        return make_square(white) if square else white

    _run(edit, source, out, "whiten")
