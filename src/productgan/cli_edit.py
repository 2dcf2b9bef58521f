"""`productgan edit ...`: classical edits of a shop's own photos (this module) and edits of generated
products (cli_edit_generated registers variants, clips and inversion on the same group)."""

from __future__ import annotations

import typer

edit_app = typer.Typer(no_args_is_help=True,
                       help="Edit products: variants, clips and inversion of generated ones; recolour, mask, scale, rotate, flip and whiten real photos.")
