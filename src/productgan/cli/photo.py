"""`productgan photo ...`: classical edits of a shop's own photos, which need no GAN (recolor, mask,
cutout, scale, rotate, flip, whiten). Until the next release they also answer, hidden, under their old names:
productgan edit recolour, edit mask and so on, and photo recolour (registered in cli/app.py).

Each photo command takes a file or a folder and writes new files STEM-EDIT.png into --out; the
inputs are never touched and unreadable photos are listed, not fatal. A photo with transparency
gives a PNG with its alpha carried through (moved with the pixels by scale, rotate and flip).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Optional

import typer

from productgan.cli.common import console, err_console, friendly_errors, require_output_folder

if TYPE_CHECKING:
    from productgan.edit.photo import PhotoEdit

HELP = "Edit your own product photos, no GAN needed: recolor, mask, cutout, scale, rotate, flip, whiten."
COMMANDS = ("recolor", "mask", "cutout", "scale", "rotate", "flip", "whiten")
# The old spelling of a command's name: photo recolour and edit recolour still work, hidden, for one release.
OLD_SPELLINGS = {"recolor": "recolour"}  # old spelling kept
# New photo commands that also answer, hidden, under `productgan edit` (issue 15 named `edit cutout`).
ALSO_UNDER_EDIT = ("cutout",)

SOURCE = typer.Argument(..., help="A photo or a folder of photos (never modified).")
OUT = typer.Option(Path("edited"), help="Folder for the new files.")
THRESHOLD = typer.Option(None, help="Lab distance to the studio backdrop that counts as product (0..400); "
                         "default: adaptive, a few sigmas above the backdrop's own noise (3..12).")


# The PhotoEdit fields whose flag is not simply --field-name.
FLAGS = {"color": "--to", "make_square": "--square"}


def _edit(operation: str, source: Path, out: Path, suffix: str, **options) -> None:
    """Check the options once (edit.photo.PhotoEdit holds the checks the HTTP API uses too), then
    apply the edit to every photo; a bad option is reported by its flag before any photo is read."""
    from productgan.edit.photo import PhotoEdit, PhotoEditError
    from productgan.errors import ProductGANError

    require_output_folder(out)
    try:
        edit = PhotoEdit(operation, **options)
    except PhotoEditError as error:
        if error.option is None:
            raise
        flag = FLAGS.get(error.option, "--" + error.option.replace("_", "-"))
        raise ProductGANError(f"{flag}: {error}") from None
    _run(edit, source, out, suffix)


def _run(edit: "PhotoEdit", source: Path, out: Path, suffix: str) -> None:
    from productgan.photo_io import map_photos

    report = map_photos(edit.apply, source, out, suffix, with_alpha=True)  # a cut-out's alpha carried through
    for _, reason in report.skipped:
        err_console.print(f"[yellow]skipped[/] {reason}", soft_wrap=True, highlight=False)
    console.print(f"wrote {len(report.written)} file(s) to {out}" + (f"; skipped {len(report.skipped)}" if report.skipped else ""))
    if not report.written:
        raise typer.Exit(code=1)


@friendly_errors
def recolor_command(
    source: Path = SOURCE,
    to: str = typer.Option(..., "--to", help="Target colour: a name (red, navy, ...) or #RRGGBB."),
    keep_lightness: bool = typer.Option(False, help="Change hue and chroma only, not lightness."),
    threshold: Optional[float] = THRESHOLD,
    grabcut: bool = typer.Option(False, help="Refine the product mask with GrabCut (slower)."),
    region: str = typer.Option("dominant", help="dominant: the product's main colour only; whole: every product pixel."),
    out: Path = OUT,
):
    """Recolor the product in Lab, keeping its shading and texture; the background stays bit-exact."""
    _edit("recolor", source, out, "recolor-" + to.strip().lstrip("#").lower(), color=to,
          keep_lightness=keep_lightness, threshold=threshold, grabcut=grabcut, region=region)


@friendly_errors
def mask_command(source: Path = SOURCE, threshold: Optional[float] = THRESHOLD,
                 grabcut: bool = typer.Option(False, help="Refine the mask with GrabCut (slower)."), out: Path = OUT):
    """Write the product mask (white = product) found from the studio backdrop."""
    _edit("mask", source, out, "mask", threshold=threshold, grabcut=grabcut)


@friendly_errors
def cutout_command(
    source: Path = SOURCE,
    background: str = typer.Option("none", help="none: transparent RGBA PNG; white, a colour name or #RRGGBB: "
                                   "the product composited onto it (RGB)."),
    threshold: Optional[float] = THRESHOLD,
    grabcut: bool = typer.Option(False, help="Refine the product mask with GrabCut (slower)."),
    out: Path = OUT,
):
    """Cut the product out of its backdrop with a soft edge: a transparent PNG, or on a new background."""
    _edit("cutout", source, out, "cutout", background=background, threshold=threshold, grabcut=grabcut)


@friendly_errors
def scale_command(source: Path = SOURCE, factor: float = typer.Option(..., min=0.05, max=10.0, help="Size factor, e.g. 0.8."),
                  out: Path = OUT):
    """Make the product larger or smaller about its centre; the canvas keeps its size."""
    _edit("scale", source, out, f"scale{factor:g}", factor=factor)


@friendly_errors
def rotate_command(source: Path = SOURCE, degrees: float = typer.Option(..., help="Anticlockwise angle."),
                   out: Path = OUT):
    """Turn the product about its centre; the canvas keeps its size, corners filled with backdrop."""
    _edit("rotate", source, out, f"rotate{degrees:g}", degrees=degrees)


@friendly_errors
def flip_command(source: Path = SOURCE, direction: str = typer.Option("horizontal", help="horizontal | vertical."),
                 out: Path = OUT):
    """Mirror the photo."""
    _edit("flip", source, out, f"flip-{direction}", direction=direction)


@friendly_errors
def whiten_command(source: Path = SOURCE, square: bool = typer.Option(True, help="Also pad to a square canvas."),
                   threshold: Optional[float] = THRESHOLD, out: Path = OUT):
    """Pure-white background (and a square canvas): the marketplace photo format."""
    _edit("whiten", source, out, "whiten", make_square=square, threshold=threshold)
