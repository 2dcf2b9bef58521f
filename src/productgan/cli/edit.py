"""`productgan edit variants|clip|turntable|invert|train-encoder`: edits that go through a trained generator.

Edits of a photo that need no generator are `productgan photo ...` (cli/photo.py)."""

from __future__ import annotations

import functools
import inspect
import json
from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional

import typer

from productgan.cli.common import (
    SEED_MAX, console, device_option, float_option, friendly_errors, int_option, parse_set, parse_sets,
    require_output_file, seed_option,
)
from productgan.cli.generate import RUN_HELP, SET_HELP
from productgan.data.names import slug
from productgan.device import resolve_device

HELP = "Edit generated products: variants, clips and turntables, inversion of a photo into the generator."


@friendly_errors
def variants_command(
    run: Path = typer.Argument(..., help=RUN_HELP),
    attribute: str = typer.Option(..., help="Attribute whose every level is drawn (rows), e.g. color."),
    by: Optional[str] = typer.Option(None, help="A second attribute for the columns: one product, every attribute x by level."),
    set_: Optional[List[str]] = typer.Option(None, "--set", help=SET_HELP),
    n: int = typer.Option(4, min=1, max=64, help="Products (columns) when --by is not given."),
    seed: int = seed_option(),
    truncation: Optional[float] = typer.Option(None, min=0.01, help="Redraw latents beyond this |z|."),
    out: Path = typer.Option(Path("variants"), help="Output folder (created)."),
    device: str = device_option(),
):
    """The same product(s) in every level of an attribute: grid.png, one PNG per image, variants.json."""
    from productgan.edit.variants import variant_sheet, variants
    from productgan.generate import load_generator
    from productgan.grid import labelled_grid
    from productgan.imaging import write_png

    generator = load_generator(run, device=resolve_device(device))
    fixed = parse_sets(set_)
    table = (variants(generator, attribute, n, seed, truncation, fixed) if by is None
             else variant_sheet(generator, attribute, by, seed, truncation, fixed))
    columns = table.column_levels if table.column_attribute is not None else None
    held = [*generator.canonical(fixed), *([by] if by is not None else [])]
    captions = generator.level_captions(attribute, held=held)
    write_png(labelled_grid(table.grid(), captions, columns, scale=2), out / "grid.png")
    for i, level in enumerate(table.row_levels):
        for j, column in enumerate(table.column_levels):
            write_png(table.images[i, j], out / f"{slug(level)}-{slug(column)}.png")
    summary = {"attribute": attribute, "levels": table.row_levels, "captions": captions, "by": by,
               "columns": table.column_levels, "held": table.held, "seed": seed, "fixed": fixed}
    (out / "variants.json").write_text(json.dumps(summary, indent=2))
    console.print(f"wrote {out / 'grid.png'}: rows are {attribute} = {', '.join(captions)}")

def check_clip_options(out: Path, fmt: Optional[str], frames: int) -> str:
    """The format to write, after --out, --format and --frames are checked, before the model is read.

    --format and --out's suffix must agree when both are given: a GIF named clip.mp4 would not
    play as what its name says. Without --format the suffix decides.
    """
    from productgan.edit.clips import ClipError, check_clip_frames, clip_format

    require_output_file(out, "--out")
    chosen = clip_format(out, fmt)
    suffix = out.suffix.lstrip(".").lower()
    if fmt is not None and suffix and suffix != chosen:
        raise ClipError(f"--out {out} ends in .{suffix} but --format is {chosen}; name the file "
                        f"{out.with_suffix('.' + chosen).name} or leave out --format")
    try:
        check_clip_frames(frames)
    except ClipError as error:
        raise ClipError(f"--frames: {error}") from None
    return chosen


@dataclass(frozen=True)
class ClipOutput:
    """What every clip command writes and how: the options `with_clip_options` adds to each."""

    fps: float
    fmt: Optional[str]
    truncation: Optional[float]
    out: Path
    device: str

    def setup(self, run: Path, frames: int):
        """(format, generator): every option checked first, then the model read."""
        from productgan.generate import load_generator

        chosen = check_clip_options(self.out, self.fmt, frames)
        return chosen, load_generator(run, device=resolve_device(self.device))


# The options the clip commands share, declared once: (annotation, typer default) by parameter name.
CLIP_OPTIONS = {
    "fps": (float, float_option(12.0, low=1.0, high=60.0, help="Frames per second, 1..60 (GIF and MP4).")),
    "fmt": (Optional[str], typer.Option(
        None, "--format", help="png (a strip) | gif | mp4; default: --out's suffix, which must agree when both are given.")),
    "truncation": (Optional[float], float_option(None, low=0.01, high=10.0, help="Redraw latents beyond this |z| (0.01..10).")),
    "out": (Path, typer.Option(..., help="Output file: .png (a strip), .gif or .mp4.")),
    "device": (str, device_option()),
}


def with_clip_options(command):
    """Gives a clip command the shared options (--fps, --format, --truncation, --out, --device) as one
    ClipOutput argument named `output`, so each option is declared once for every clip command.

    typer reads a command's options from its signature; the signature shown to it is the command's
    own parameters followed by the shared ones.
    """
    own = [p for name, p in inspect.signature(command).parameters.items() if name != "output"]
    shared = [inspect.Parameter(name, inspect.Parameter.POSITIONAL_OR_KEYWORD, default=default, annotation=annotation)
              for name, (annotation, default) in CLIP_OPTIONS.items()]

    @functools.wraps(command)
    def wrapper(**options):
        output = ClipOutput(**{name: options.pop(name) for name in CLIP_OPTIONS})
        return command(output=output, **options)

    wrapper.__signature__ = inspect.Signature(own + shared)
    wrapper.__annotations__ = {**{name: value for name, value in command.__annotations__.items() if name != "output"},
                               **{name: annotation for name, (annotation, _) in CLIP_OPTIONS.items()}}
    return wrapper


@friendly_errors
@with_clip_options
def clip_command(
    run: Path = typer.Argument(..., help=RUN_HELP),
    from_seed: int = seed_option(0, help="Seed of the first product."),
    to_seed: Optional[int] = int_option(None, low=0, high=SEED_MAX,
                                        help="Seed of the last product (default: --from-seed, to morph levels only)."),
    from_set: Optional[List[str]] = typer.Option(None, help="attribute=level of the first product, repeatable."),
    to_set: Optional[List[str]] = typer.Option(None, help="attribute=level of the last product (default: --from-set)."),
    frames: int = typer.Option(24, help="Number of frames in the clip (2..2000)."),
    output: ClipOutput = None,
):
    """A morph between two products or two attribute levels (slerped latents, blended embeddings)."""
    from productgan.edit.clips import morph_clip, write_clip

    fmt, generator = output.setup(run, frames)
    start = parse_sets(from_set)
    end = parse_sets(to_set) if to_set else start
    clip = morph_clip(generator, from_seed, from_seed if to_seed is None else to_seed, frames, start, end,
                      output.truncation)
    console.print(f"wrote {write_clip(clip, output.out, fmt, output.fps)}: {len(clip)} frames ({fmt})")


@friendly_errors
@with_clip_options
def turntable_command(
    run: Path = typer.Argument(..., help=RUN_HELP),
    seed: int = seed_option(0),
    set_: Optional[List[str]] = typer.Option(None, "--set", help=SET_HELP),
    attribute: str = typer.Option("view", help="The attribute to turn through (luma: view = main, back, alt1)."),
    frames: int = typer.Option(36, help="Number of frames in the loop (2..2000)."),
    output: ClipOutput = None,
):
    """One product turning through every view level and back to the first (a looping clip)."""
    from productgan.edit.clips import turntable_frames, write_clip

    fmt, generator = output.setup(run, frames)
    clip = turntable_frames(generator, frames, seed, output.truncation, parse_sets(set_), attribute)
    console.print(f"wrote {write_clip(clip, output.out, fmt, output.fps)}: {len(clip)} frames over {attribute} "
                  f"= {', '.join(generator.levels[attribute])}")


@friendly_errors
def invert_command(
    run: Path = typer.Argument(..., help=RUN_HELP),
    photo: Path = typer.Argument(..., help="A product photo (PNG, JPEG, WebP, ...): any size, brought to the model's."),
    edits_asked: Optional[List[str]] = typer.Option(None, "--edit", "--set", help="An edit: attribute=level, one image each, repeatable; attribute=* for every level. (--set is its old name: elsewhere --set holds an attribute fixed.)"),
    levels: Optional[List[str]] = typer.Option(None, "--levels", help="What the photo is (attribute=level), repeatable; others read by --classifier, else the closest catalog combination."),
    steps: int = typer.Option(300, min=1, max=100000, help="Adam steps."),
    restarts: int = typer.Option(4, min=1, max=64, help="Random starts optimised side by side; the best is kept."),
    tune_condition: bool = typer.Option(False, help="Optimise the condition embedding too (closer fit, edits keep the tuned part)."),
    classifier: Optional[Path] = typer.Option(None, help="Domain classifier file: feature loss and the photo's start levels."),
    encoder: Optional[Path] = typer.Option(None, help="Latent encoder file (edit train-encoder): its guess is one start."),
    seed: int = seed_option(),
    out: Path = typer.Option(Path("inverted"), help="Output folder: photo.png (at model size), reconstruction.png, edit-*.png, inversion.json."),
    device: str = device_option(),
):
    """Invert a real photo into the generator, then redraw it with other attribute levels."""
    from productgan.edit.encoder import load_encoder
    from productgan.edit.inversion import (
        MAX_PHOTO_PIXELS, InversionSettings, edit, edit_file_name, expand_edits, invert,
    )
    from productgan.generate import load_generator
    from productgan.imaging import write_png
    from productgan.metrics.domain import load_domain_classifier
    from productgan.photo_io import read_photo, refuse_overwrite
    from productgan.progress import step_progress

    generator = load_generator(run, device=resolve_device(device))
    edits = expand_edits([parse_set(value) for value in edits_asked or []], generator.levels)
    names = ["photo.png", "reconstruction.png", "inversion.json"] + [edit_file_name(e) for e in edits]
    refuse_overwrite(photo, out, names)
    image = read_photo(photo, max_pixels=MAX_PHOTO_PIXELS)
    reader = None if classifier is None else load_domain_classifier(classifier, generator.device)
    guesser = None if encoder is None else load_encoder(encoder, generator)
    settings = InversionSettings(steps=steps, restarts=restarts, optimise_condition=tune_condition, seed=seed)
    with step_progress("inverting") as progress:
        inversion = invert(generator, image, parse_sets(levels), reader, guesser, settings, progress)
    edited = edit(generator, inversion, edits)
    write_png(inversion.target, out / "photo.png")
    write_png(inversion.reconstruction, out / "reconstruction.png")
    for change, picture in zip(edits, edited):
        write_png(picture, out / edit_file_name(change))
    report = {"photo": str(photo), "levels": inversion.levels, "psnr": inversion.psnr, "ssim": inversion.ssim,
              "start_error": inversion.start_error, "final_error": inversion.final_error,
              "edits": [edit_file_name(e) for e in edits], "steps": steps, "restarts": restarts, "seed": seed}
    (out / "inversion.json").write_text(json.dumps(report, indent=2))
    console.print(f"wrote {out}: PSNR {inversion.psnr:.2f} dB, SSIM {inversion.ssim:.3f}, {len(edits)} edit(s)")


@friendly_errors
def train_encoder_command(
    run: Path = typer.Argument(..., help=RUN_HELP),
    steps: int = typer.Option(2000, min=1, help="Adam steps (batch 32)."),
    seed: int = seed_option(),
    out: Path = typer.Option(..., help="Encoder file to write (.safetensors); RUN/encoder.safetensors is where `foryou` and `serve` find it."),
    device: str = device_option(),
):
    """Train a latent encoder on the generator's own images, to start `edit invert --encoder` near the answer."""
    from productgan.edit.encoder import train_encoder
    from productgan.generate import load_generator

    generator = load_generator(run, device=resolve_device(device))
    encoder = train_encoder(generator, steps, seed=seed, progress=True)  # a bar on a terminal, log lines otherwise
    console.print(f"wrote {encoder.save(out, generator.levels)}")
