"""What every CLI module shares: the consoles, one-line user errors, and option parsing."""

from __future__ import annotations

import functools
from typing import List, Optional

import typer
from rich.console import Console
from rich.markup import escape

from productgan.errors import ProductGANError

console = Console()
err_console = Console(stderr=True)


def friendly_errors(command):
    """Show user errors (bad files, unknown levels) as one clear line instead of a traceback."""
    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except ProductGANError as error:
            err_console.print(f"[bold red]error:[/] {escape(str(error))}", soft_wrap=True, highlight=False)
            raise typer.Exit(code=2) from None
    return wrapper


def split(values: Optional[List[str]]) -> list[str]:
    """Accept both --condition color,category and --condition color --condition category."""
    return [part.strip() for value in values or [] for part in value.split(",") if part.strip()]


def parse_sets(values: Optional[List[str]]) -> dict[str, str]:
    pairs = {}
    for value in values or []:
        if "=" not in value:
            raise ProductGANError(f"--set expects attribute=level, got {value!r}")
        key, level = value.split("=", 1)
        pairs[key.strip()] = level.strip()
    return pairs
