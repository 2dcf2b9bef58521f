"""`productgan foryou`: new products for a shopper, from the products and photos they liked."""

from __future__ import annotations

import json
from pathlib import Path
from typing import List, Optional

import typer

from productgan.cli.common import (
    console, device_option, float_option, friendly_errors, int_option, require_output_folder, seed_option,
)
from productgan.cli.generate import RUN_HELP
from productgan.device import resolve_device
from productgan.foryou.items import ITEM_SYNTAX
from productgan.foryou.place import PHOTO_STEPS

GRID_COLUMNS = 8
CATALOG_HINT = "give its folder with --catalog DIR"


@friendly_errors
def foryou_command(
    run: Path = typer.Argument(..., help=RUN_HELP),
    liked: Optional[List[str]] = typer.Option(None, "--liked", help=f"A liked item, repeatable: {ITEM_SYNTAX}."),
    disliked: Optional[List[str]] = typer.Option(None, "--disliked", help="A disliked item, repeatable, in the same forms as --liked."),
    n: int = int_option(16, high=256, help="Number of products to draw."),
    out: Path = typer.Option(..., help="Output folder: foryou-NN.png, grid.png (liked, disliked and drawn rows), foryou.json."),
    explore: float = float_option(0.3, low=0.0, high=1.0, help="0 keeps close to the taste, 1 draws from the whole catalog (0..1)."),
    seed: int = seed_option(),
    encoder: Optional[Path] = typer.Option(None, help="Latent encoder (edit train-encoder) to place photos; default: RUN/encoder.safetensors when it exists."),
    classifier: Optional[Path] = typer.Option(None, help="Domain classifier (eval train-features): reads photos' levels, measures near copies; default: RUN/domain-classifier.safetensors when it exists, else pixels."),
    photo_steps: int = int_option(PHOTO_STEPS, high=10000, help="Inversion steps refining the encoder's guess of each photo."),
    catalog: Optional[Path] = typer.Option(None, help="The catalog folder catalog:ID items are looked up in, when it moved; default: the catalog the run was trained on (its config's data)."),
    device: str = device_option(),
):
    """Draw products a shopper is likely to want: near what they liked, away from what they disliked, no copies."""
    from productgan.checkpoint import resolve_checkpoint
    from productgan.foryou import (
        ForYouSettings, NoEncoderError, cached_copy_guard, check_history, load_catalog_photos, parse_item, recommend,
    )
    from productgan.foryou.catalog import has_catalog_items
    from productgan.generate import load_generator

    require_output_folder(out)
    liked_items = [parse_item(text) for text in liked or []]
    disliked_items = [parse_item(text) for text in disliked or []]
    settings = ForYouSettings(n=n, explore=explore, seed=seed, photo_steps=photo_steps)
    generator = load_generator(run, device=resolve_device(device))
    if has_catalog_items(liked_items, disliked_items):
        photos = load_catalog_photos(resolve_checkpoint(run), generator, catalog, hint=CATALOG_HINT)
        liked_items, disliked_items = photos.resolve_history(liked_items, disliked_items, generator)
    guesser, reader, name = run_encoder(run, encoder, generator), run_classifier(run, classifier, generator), model_name_of(run)
    try:
        check_history(generator, liked_items, disliked_items, name, guesser is not None)
    except NoEncoderError as error:
        raise NoEncoderError(f"{error}{train_encoder_hint(run, generator)}") from None
    guard = cached_copy_guard(generator, resolve_checkpoint(run), reader)
    result = recommend(generator, liked_items, disliked_items, settings, model_name=name, encoder=guesser,
                       classifier=reader, guard=guard)
    write_results(result, generator, out)
    console.print(f"wrote {len(result.images)} products to {out} ({result.redraws} near copies redrawn; "
                  f"grid.png, foryou.json)")


def model_name_of(run: Path) -> str:
    from productgan.checkpoint import model_name

    return model_name(run)


def run_encoder(run: Path, path: Optional[Path], generator):
    """--encoder, else the run's own encoder.safetensors, else None (photos are then refused)."""
    from productgan.edit.encoder import encoder_beside, load_encoder

    path = path or encoder_beside(run)
    return None if path is None else load_encoder(path, generator)


def run_classifier(run: Path, path: Optional[Path], generator):
    """--classifier, else the run's own domain classifier when it exists, else None (pixels)."""
    from productgan.checkpoint import resolve_checkpoint
    from productgan.metrics.domain import load_domain_classifier
    from productgan.metrics.prepare import RUN_CLASSIFIER_NAME

    beside = Path(resolve_checkpoint(run)).parent / RUN_CLASSIFIER_NAME
    path = path or (beside if beside.is_file() else None)
    return None if path is None else load_domain_classifier(path, generator.device)


def train_encoder_hint(run: Path, generator) -> str:
    """How to make the encoder, and what it costs here (timed on a few steps of this generator)."""
    from productgan.checkpoint import resolve_checkpoint
    from productgan.edit.encoder import (
        DEFAULT_ENCODER_BATCH, DEFAULT_ENCODER_STEPS, ENCODER_FILE_NAME, estimate_training_seconds,
    )

    seconds = estimate_training_seconds(generator)
    target = Path(resolve_checkpoint(run)).parent / ENCODER_FILE_NAME
    return (f"; train one with `productgan edit train-encoder {run} --out {target}` ({DEFAULT_ENCODER_STEPS} steps of "
            f"{DEFAULT_ENCODER_BATCH} images, about {_duration(seconds)} on this machine, timed on a few steps), "
            "then run this again, or like generated products only")


def _duration(seconds: float) -> str:
    if seconds < 10:
        return f"{seconds:.1f} s"
    return f"{seconds:.0f} s" if seconds < 90 else f"{seconds / 60:.0f} min"


def write_results(result, generator, out: Path) -> None:
    """foryou-NN.png per product, grid.png (rows: liked, disliked, for you), foryou.json."""
    import numpy as np

    from productgan.grid import labelled_grid
    from productgan.imaging import make_grid, write_png

    for index, image in enumerate(result.images, start=1):
        write_png(image, out / f"foryou-{index:02d}.png")
    rows, labels = [], []
    for name, images in (("liked", [p.image for p in result.liked]), ("disliked", [p.image for p in result.disliked]),
                         ("for you", list(result.images))):
        for start in range(0, len(images), GRID_COLUMNS):
            chunk = images[start:start + GRID_COLUMNS]
            blank = np.full_like(chunk[0], 255)
            rows += chunk + [blank] * (GRID_COLUMNS - len(chunk))
            labels.append(name if start == 0 else "")
    grid = make_grid(np.stack(rows), ncols=GRID_COLUMNS)
    write_png(labelled_grid(grid, labels, scale=2), out / "grid.png")
    report = result.report(generator)
    report["files"] = [f"foryou-{i:02d}.png" for i in range(1, len(result.images) + 1)]
    (out / "foryou.json").write_text(json.dumps(report, indent=2))
