"""`productgan enhance apply`: run the classical chain or a learned model over photos, writing new files."""

from __future__ import annotations

import typer

enhance_app = typer.Typer(no_args_is_help=True,
                          help="Enhance product photos: a classical chain, learned x2/x4 super-resolution, learned restoration.")
