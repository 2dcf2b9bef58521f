"""`productgan demo`: train on the built-in catalog and write report.html, the five-minute tour."""

from __future__ import annotations

from pathlib import Path
from typing import Optional

import typer

from productgan.cli.common import console, float_option, friendly_errors, int_option, require_output_folder, seed_option


@friendly_errors
def demo(
    out: Path = typer.Option(Path("demo-out"), help="Output folder for the run and report.html."),
    kimg: Optional[float] = float_option(None, low=0, low_open=True, help="Training work in thousands of images (default 64: about 5 minutes on 2 free CPU cores; a busy machine takes longer for the same result)."),
    minutes: Optional[float] = float_option(None, low=0, low_open=True, help="A wall-clock budget instead, for a quick look: the report says how much training it got."),
    seed: int = seed_option(),
    threads: Optional[int] = int_option(None, low=1, high=1024, help="CPU threads (default: chosen by measurement)."),
):
    """Train on the built-in catalog, draw every category and colour, write report.html."""
    from productgan.demo import DEMO_KIMG, run_demo

    require_output_folder(out)
    budget = kimg if kimg is not None else (None if minutes is not None else DEMO_KIMG)
    report = run_demo(out, kimg=budget, minutes=minutes, seed=seed, threads=threads)
    console.print(f"[green]open[/] {report}")
