"""`productgan generate`: new product images from a checkpoint alone."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from productgan.cli.common import (
    console, device_option, float_option, friendly_errors, int_option, parse_sets, require_output_folder, seed_option,
)
from productgan.device import resolve_device
from productgan.errors import ProductGANError

RUN_HELP = "Run folder or checkpoint file."
SET_HELP = "attribute=level held fixed, repeatable (e.g. --set category=Shoes)."


@friendly_errors
def generate(
    run: Path = typer.Argument(..., help=RUN_HELP),
    n: int = int_option(16, high=10000, help="Number of images."),
    set_: Optional[List[str]] = typer.Option(None, "--set", help=SET_HELP),
    seed: int = seed_option(),
    truncation: Optional[float] = float_option(None, low=0.01, help="Redraw latents beyond this |z| (e.g. 0.7)."),
    out: Path = typer.Option(Path("generated"), help="Output folder."),
    grid: bool = typer.Option(False, help="Also write grid.png."),
    by: Optional[str] = typer.Option(None, help="Instead: grid-ATTRIBUTE.png, one row per level, same latents per column."),
    upscale: Optional[Path] = typer.Option(None, metavar="SR_CHECKPOINT", help="Also write each sample upscaled by this learned super-resolution model (`enhance train --task sr4` or sr2; `shipped` or `shipped-sr2`: the model shipped with productgan), as NNNN-sr4.png beside NNNN.png."),
    device: str = device_option(),
):
    """Generate product images from a checkpoint alone."""
    from productgan.generate import load_generator
    from productgan.grid import labelled_grid
    from productgan.imaging import make_grid, write_png
    from productgan.upscale import load_upscaler, write_samples

    if upscale is not None and by is not None:
        raise ProductGANError("--upscale writes upscaled samples; it does not apply to --by grids")
    require_output_folder(out)
    torch_device = resolve_device(device)
    upscaler = load_upscaler(upscale, device=torch_device) if upscale is not None else None  # refused before any sampling
    generator = load_generator(run, device=torch_device)
    if by is not None:
        fixed = parse_sets(set_)
        image, _ = generator.level_grid(by, per_level=n, seed=seed, truncation=truncation, fixed=fixed)
        captions = generator.level_captions(by, held=generator.canonical(fixed))
        path = write_png(labelled_grid(image, captions, scale=2), out / f"grid-{by}.png")
        console.print(f"wrote {path}: rows are {', '.join(captions)}")
        return
    images = generator.generate(n, seed=seed, truncation=truncation, attributes=parse_sets(set_))
    written = write_samples(images, out, upscaler)
    if grid:
        write_png(make_grid(images, ncols=min(8, n)), out / "grid.png")
    beside = f" and {len(written.upscaled)} upscaled x{upscaler.scale} beside them (NNNN-{upscaler.task}.png)" if upscaler else ""
    console.print(f"wrote {n} images to {out}{beside}")
