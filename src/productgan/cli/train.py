"""`productgan train`: every TrainConfig and ModelConfig setting a user may choose, as a flag.

Defaults are read from the dataclasses (TRAIN_DEFAULTS, MODEL_DEFAULTS), never written here a second
time, so the CLI and the library cannot drift apart.
"""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from productgan.cli.common import (
    channels_option, console, device_option, exit_for_stop, float_option, friendly_errors, given_settings,
    int_option, optional_str, require_output_folder, resolution_option, seed_option, split,
)
from productgan.errors import ProductGANError
from productgan.models.config import SIZE_RANGES, ModelConfig
from productgan.train.config import TrainConfig

MAX_BATCH = 4096  # images per step; beyond it memory, not the model, is the limit
MAX_WIDTH = 1024  # channels at the highest resolution
MAX_EVAL_IMAGES = 100_000  # generated images per evaluation

TRAIN_DEFAULTS = TrainConfig()  # the options' defaults are the library's: read them from here
MODEL_DEFAULTS = ModelConfig()

# Each train option and the TrainConfig settings it sets, so --resume can check the options given.
TRAIN_OPTION_SETTINGS = {
    "data": ("data",), "model": ("model.family",), "resolution": ("model.resolution",),
    "channels": ("model.channels",), "condition": ("condition",), "min_count": ("min_count",),
    "minutes": ("minutes",), "kimg": ("kimg",), "batch": ("batch",), "seed": ("seed",),
    "width": ("model.width",), "max_width": ("model.max_width",), "latent_dim": ("model.latent_dim",),
    "embed_dim": ("model.embed_dim",), "loss": ("loss",), "r1_gamma": ("r1_gamma",), "r2": ("r2",),
    "penalty_every": ("penalty_every",), "gp_weight": ("gp_weight",), "d_steps": ("d_steps",),
    "spectral_norm": ("model.d_spectral_norm",), "g_spectral_norm": ("model.g_spectral_norm",),
    "augment": ("augment",), "ema_kimg": ("ema_kimg",),
    "lr": ("lr_g", "lr_d"), "sample_every": ("sample_every_kimg",), "checkpoint_every": ("checkpoint_every_kimg",),
    "eval_every": ("eval_every_kimg",), "eval_extractor": ("eval_extractor",), "eval_n": ("eval_n",),
    "inception": ("inception_path",), "classifier": ("eval_classifier",), "device": ("device",), "compile": ("compile",),
    "bf16": ("bf16",), "threads": ("threads",), "diversity": ("diversity_weight",), "lecam": ("lecam_weight",),
    "balance": ("balance",), "cr": ("cr_weight",), "ada_target": ("ada_target",), "ada_kimg": ("ada_kimg",),
    "minibatch_std": ("model.d_minibatch_std",), "skip_excitation": ("model.g_skip_excitation",),
    "recon_weight": ("recon_weight", "model.d_reconstruction"), "class_weight": ("class_weight",),
    "class_as_real": ("class_as_real",), "condition_transition": ("condition_transition_kimg",),
}


def kimg_range(text: Optional[str], option: str) -> tuple[float, float] | None:
    """'START,END' in kimg as a pair of floats (None when not given); TrainConfig checks the order."""
    if text is None:
        return None
    parts = text.split(",")
    try:
        start, end = (float(part) for part in parts)
    except ValueError:
        raise ProductGANError(f"{option} takes START,END in kimg, e.g. 10,40; got {text!r}") from None
    return start, end


def size_option(name: str, help: str) -> int:
    """A ModelConfig size (latent_dim, max_width, embed_dim): its default and the bounds a checkpoint is held to."""
    low, high = SIZE_RANGES[name]
    return int_option(getattr(MODEL_DEFAULTS, name), low=low, high=high, help=help)


@friendly_errors
def train(
    ctx: typer.Context,
    data: Optional[str] = typer.Option(None, help="Catalog: a folder, folder with attributes.csv, IDX file, or builtin:catalog. Required, except with --resume (the checkpoint's)."),
    out: Path = typer.Option(..., help="Run folder (checkpoint, samples, metrics, TensorBoard)."),
    model: str = typer.Option(MODEL_DEFAULTS.family, help="Model family: resnet (default) or dcgan."),
    resolution: int = resolution_option(MODEL_DEFAULTS.resolution, help="Square image size: 32, 64, 128 or 256."),
    channels: int = channels_option(MODEL_DEFAULTS.channels),
    condition: Optional[List[str]] = typer.Option(None, help="Attribute columns to condition on, e.g. color,category."),
    min_count: int = int_option(TRAIN_DEFAULTS.min_count, help="Merge levels seen fewer times into 'other'."),
    minutes: Optional[float] = float_option(TRAIN_DEFAULTS.minutes, low=0, low_open=True, help="Wall-clock budget."),
    kimg: Optional[float] = float_option(TRAIN_DEFAULTS.kimg, low=0, low_open=True, help="Budget in thousands of real images shown."),
    batch: int = int_option(TRAIN_DEFAULTS.batch, high=MAX_BATCH, help="Batch size per process."),
    seed: int = seed_option(TRAIN_DEFAULTS.seed, help="Seed: the same seed and settings give the same run."),
    width: int = int_option(MODEL_DEFAULTS.width, high=MAX_WIDTH, help="Channels at the highest resolution (model capacity)."),
    max_width: int = size_option("max_width", "Cap on the channels at any resolution (lower resolutions use multiples of --width up to it)."),
    latent_dim: int = size_option("latent_dim", "Size of the latent z each product is drawn from."),
    embed_dim: int = size_option("embed_dim", "Size of the joint condition embedding fed to the generator."),
    loss: str = typer.Option(TRAIN_DEFAULTS.loss, help="hinge | nsgan | rpgan | wgan."),
    r1_gamma: float = float_option(TRAIN_DEFAULTS.r1_gamma, low=0, help="R1 gradient penalty weight (0: off)."),
    r2: bool = typer.Option(TRAIN_DEFAULTS.r2, "--r2/--no-r2", help="With --r1-gamma, also penalise D's gradient on generated images (R2, as R3GAN)."),
    penalty_every: int = int_option(TRAIN_DEFAULTS.penalty_every, high=1000, help="Apply the R1/R2 penalty every this many steps, scaled up to match (lazy regularisation, StyleGAN2)."),
    gp_weight: float = float_option(TRAIN_DEFAULTS.gp_weight, low=0, help="WGAN-GP weight (with --loss wgan)."),
    d_steps: int = int_option(TRAIN_DEFAULTS.d_steps, high=100, help="Discriminator steps per generator step."),
    diversity: float = float_option(TRAIN_DEFAULTS.diversity_weight, low=0, high=100, help="Diversity-sensitive G loss weight (against one product per label; 0: off)."),
    lecam: float = float_option(TRAIN_DEFAULTS.lecam_weight, low=0, high=100, help="LeCam regularisation weight on D (limited data; 0: off)."),
    cr: float = float_option(TRAIN_DEFAULTS.cr_weight, low=0, high=100, help="Consistency regularisation weight: |D(x) - D(augmented x)|^2 on reals (0: off)."),
    ada_target: float = float_option(TRAIN_DEFAULTS.ada_target, low=0, high=1, high_open=True, help="Adaptive augmentation: tune the probability of each augmentation so mean sign(D(real)) stays near this (ADA: 0.6); 0: always augment."),
    ada_kimg: float = float_option(TRAIN_DEFAULTS.ada_kimg, low=0, low_open=True, high=1e6, high_open=True, help="How fast --ada-target's probability may move: from 0 to 1 in this many kimg."),
    minibatch_std: Optional[bool] = typer.Option(None, "--minibatch-std/--no-minibatch-std", help="StyleGAN's minibatch standard deviation feature in the discriminator (default: the family's measured default, resnet on, dcgan off)."),
    skip_excitation: bool = typer.Option(MODEL_DEFAULTS.g_skip_excitation, "--skip-excitation/--no-skip-excitation", help="FastGAN's skip-layer excitation in the generator (resnet)."),
    recon_weight: float = float_option(TRAIN_DEFAULTS.recon_weight, low=0, high=100, help="FastGAN's self-supervised discriminator (resnet, 16 px or more): small decoders rebuild each real image at 16 px and one random quadrant of it from D's features, and this weight times their L1 error joins D's loss (0: off, no decoders)."),
    class_weight: float = float_option(TRAIN_DEFAULTS.class_weight, low=0, high=100, help="Classification term (P2GAN): D's level embeddings also classify each conditioned attribute, trained on real images, and G is asked for images D reads as their levels; this weight times the cross-entropy joins both losses (0: off). Sharpens category and colour control."),
    class_as_real: bool = typer.Option(TRAIN_DEFAULTS.class_as_real, "--class-as-real/--no-class-as-real", help="With --class-weight: G's part of the term stops, attribute by attribute, once D reads its images as surely as the real batch (no reward for being more classifiable than a real photo)."),
    condition_transition: Optional[str] = typer.Option(None, metavar="START,END", help="Transitional conditioning (Collapse by Conditioning): train unconditionally until START kimg, then fade the condition in until END kimg, e.g. 10,40 (END within --kimg). Against a rare level collapsing to one product."),
    balance: Optional[str] = typer.Option(TRAIN_DEFAULTS.balance, help="A conditioned attribute whose rare levels are drawn more often (sqrt-inverse frequency), e.g. category."),
    spectral_norm: Optional[bool] = typer.Option(None, "--spectral-norm/--no-spectral-norm", help="Spectral norm in the discriminator (default: the family's measured default, resnet off, dcgan on)."),
    g_spectral_norm: bool = typer.Option(MODEL_DEFAULTS.g_spectral_norm, "--g-spectral-norm/--no-g-spectral-norm", help="Spectral norm in the generator too."),
    augment: str = typer.Option(",".join(TRAIN_DEFAULTS.augment), help="DiffAugment ops; those that would change a conditioned attribute are dropped. 'none' for no augmentation."),
    ema_kimg: float = float_option(TRAIN_DEFAULTS.ema_kimg, low=0, help="EMA half-life of the generator in kimg (0: no EMA)."),
    lr: float = float_option(TRAIN_DEFAULTS.lr_g, low=0, low_open=True, high=1.0, help="Adam learning rate for G and D."),
    sample_every: float = float_option(TRAIN_DEFAULTS.sample_every_kimg, low=0, low_open=True, help="Sample grids every this many kimg."),
    checkpoint_every: float = float_option(TRAIN_DEFAULTS.checkpoint_every_kimg, low=0, low_open=True, help="Checkpoint every this many kimg."),
    eval_every: float = float_option(TRAIN_DEFAULTS.eval_every_kimg, low=0, help="Evaluate (FID, KID, precision/recall, conditional accuracy) every this many kimg and keep best.safetensors by FID; 0: off."),
    eval_extractor: str = typer.Option(TRAIN_DEFAULTS.eval_extractor, help="Features for --eval-every: domain (a classifier trained on this catalog) or inception."),
    eval_n: int = int_option(TRAIN_DEFAULTS.eval_n, low=2, high=MAX_EVAL_IMAGES, help="Generated images per evaluation."),
    inception: Optional[Path] = typer.Option(None, help="Local Inception-v3 FID TorchScript file for --eval-extractor inception."),
    classifier: Optional[Path] = typer.Option(None, help="Domain classifier file for --eval-every (default: trained once per catalog, cached)."),
    device: str = device_option(),
    compile: bool = typer.Option(TRAIN_DEFAULTS.compile, help="torch.compile the models (GPU)."),
    bf16: bool = typer.Option(TRAIN_DEFAULTS.bf16, "--bf16/--no-bf16", help="bf16 autocast on CUDA (--no-bf16: full float32)."),
    threads: Optional[int] = int_option(TRAIN_DEFAULTS.threads, low=1, high=1024, help="CPU threads (default: chosen by timing steps at n and n-1 threads, checked again every 2 minutes)."),
    resume: bool = typer.Option(False, help="Continue the run in --out exactly where it stopped, with its settings: only --kimg, --minutes, --device, --compile and the sample/checkpoint schedules may change; other options given must match."),
):
    """Train a (conditional) GAN on a catalog. Exits 130 after Ctrl-C and 143 after SIGTERM, checkpoint written."""
    from productgan.checkpoint import CHECKPOINT_NAME
    from productgan.train import train as run_training

    require_output_folder(out)
    if data is None and not (resume and (out / CHECKPOINT_NAME).exists()):
        raise ProductGANError("--data is required (only --resume of a run with a checkpoint takes its catalog from it)")
    config = TrainConfig(
        data=data or "", out=str(out), condition=split(condition), min_count=min_count,
        model=ModelConfig(family=model, resolution=resolution, channels=channels, width=width, max_width=max_width,
                          latent_dim=latent_dim, embed_dim=embed_dim, d_spectral_norm=spectral_norm,
                          g_spectral_norm=g_spectral_norm, d_minibatch_std=minibatch_std,
                          g_skip_excitation=skip_excitation, d_reconstruction=recon_weight > 0),
        batch=batch, kimg=kimg, minutes=minutes, seed=seed, lr_g=lr, lr_d=lr, loss=loss,
        r1_gamma=r1_gamma, r2=r2, penalty_every=penalty_every, gp_weight=gp_weight, d_steps=d_steps,
        augment=[] if augment == "none" else split([augment]),
        ema_kimg=ema_kimg, sample_every_kimg=sample_every, checkpoint_every_kimg=checkpoint_every,
        eval_every_kimg=eval_every, eval_extractor=eval_extractor, eval_n=eval_n,
        inception_path=optional_str(inception), eval_classifier=optional_str(classifier),
        device=device, compile=compile, bf16=bf16, threads=threads, diversity_weight=diversity, lecam_weight=lecam,
        balance=balance, cr_weight=cr, ada_target=ada_target, ada_kimg=ada_kimg, recon_weight=recon_weight,
        class_weight=class_weight, class_as_real=class_as_real,
        condition_transition_kimg=kimg_range(condition_transition, "--condition-transition"),
    )
    given = given_settings(ctx, TRAIN_OPTION_SETTINGS)
    result = run_training(config, resume=resume, given=given)
    console.print(f"[green]done[/] ({result.stopped}): {result.images_seen / 1000:.1f} kimg in "
                  f"{result.elapsed_s:.0f} s, {result.images_per_s:.0f} img/s; checkpoint {result.checkpoint}")
    exit_for_stop(result.stopped)
