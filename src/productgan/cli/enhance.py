"""`productgan enhance apply|train`: run the classical chain or a learned model over photos, writing new files;
train a super-resolution or restoration model on a catalog."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Optional

import typer

from productgan.cli.common import (
    console, device_option, err_console, exit_for_stop, float_option, friendly_errors, given_settings, int_option,
    require_output_folder, seed_option,
)
from productgan.device import resolve_device
from productgan.enhance.config import FULL_SIZE, EnhanceModelConfig, EnhanceTrainConfig, LossWeights
from productgan.enhance.degrade import DAMAGE_KINDS, RestoreDegradation
from productgan.errors import ProductGANError

HELP = ("Enhance product photos: only the classical steps a photo needs (auto), the fixed classical chain, learned "
        "x2/x4 super-resolution, learned restoration.")


@friendly_errors
def apply(
    source: Path = typer.Argument(..., help="A photo or a folder of photos (never modified)."),
    task: Optional[str] = typer.Option(None, help="auto (measure each photo, fix only what is out of range, say why) | classic (the fixed chain) | sr2 | sr4 | restore. Default: auto, or classic when --chain is given."),
    out: Path = typer.Option(Path("enhanced"), help="Folder for the new files (STEM-TASK.png)."),
    checkpoint: Optional[Path] = typer.Option(None, help="Model from `productgan enhance train` (sr2/sr4/restore); default: the model shipped with productgan for --task."),
    chain: Optional[str] = typer.Option(None, help="Classical steps, e.g. white_balance,contrast_stretch,clahe:clip=2,denoise,unsharp,whiten."),
    format: str = typer.Option("png", help="png | jpg | jpeg | webp; a photo with transparency is written as PNG (or WebP) to keep its alpha."),
    mask: Optional[Path] = typer.Option(None, help="Damage to repair (classic, restore): a mask image (white = repair) for one photo, or a folder of masks named like the photos."),
    device: str = device_option(),
):
    """Enhance photos into new files; unreadable ones are listed and skipped. --task auto prints, per photo,
    the steps it applied and the measures that called for them. A photo with transparency keeps its
    alpha (enlarged with it by sr2/sr4) and is written as PNG, even when --format asks for jpg.

    Every option (--format, --out, --task, --chain, --mask) is checked before the first photo is read.
    """
    from productgan.enhance.apply import DEFAULT_TASK, build_enhancer
    from productgan.enhance.repair import RepairMaskError, masked_file_enhancer
    from productgan.photo_io import map_photos

    suffix = output_suffix(format)
    require_output_folder(out)
    task = task if task is not None else ("classic" if chain is not None else DEFAULT_TASK)
    if chain is not None and task not in ("classic", "auto"):
        raise ProductGANError(f"--chain is for --task classic; --task {task} runs a learned model")
    if mask is not None and mask.is_file() and source.is_dir():
        raise RepairMaskError(f"{mask}: one mask file goes with one photo; for the folder {source} give a folder "
                              "of masks named like its photos")
    enhancer = build_enhancer(task, checkpoint, chain, str(resolve_device(device)))
    describe_model(enhancer, shipped=checkpoint is None)
    edit = masked_file_enhancer(enhancer, task, mask) if mask is not None else (lambda image, _: enhancer(image))
    if task == "auto":
        edit = saying_what_auto_did(edit, enhancer)
    report = map_photos(keeping_alpha(edit), source, out, suffix=task, fmt=suffix, with_source=True, with_alpha=True)
    for note in report.notes:
        console.print(note, markup=False, highlight=False, soft_wrap=True)
    for path, reason in report.skipped:
        err_console.print(f"[yellow]skipped[/] {reason}", soft_wrap=True, highlight=False)
    console.print(f"wrote {len(report.written)} file(s) to {out}" + (f"; skipped {len(report.skipped)}" if report.skipped else ""))
    if not report.written:
        raise typer.Exit(code=1)


def keeping_alpha(edit):
    """edit(image, source) as map_photos' edit(image, alpha, source): a transparent photo's alpha
    carried through (resized with the photo by sr2/sr4), RGBA PNG out."""
    from productgan.enhance.apply import carry_alpha

    return lambda image, alpha, source: carry_alpha(lambda rgb: edit(rgb, source), image, alpha)


def saying_what_auto_did(edit, enhancer):
    """edit(image, source), printing after each photo the steps --task auto applied and why."""
    def apply(image, source: Path):
        result = edit(image, source)
        console.print(f"{source.name}: {enhancer.last_fix.summary()}", markup=False, highlight=False, soft_wrap=True)
        return result
    return apply


def describe_model(enhancer, shipped: bool) -> None:
    """Say which learned model runs (the shipped file, or the checkpoint given) and how it was trained."""
    path = getattr(enhancer, "path", None)
    if path is None:  # the classical chain
        return
    origin = "shipped model" if shipped else "model"
    summary = f": {enhancer.summary}" if enhancer.summary else ""
    console.print(f"{enhancer.task} {origin} {path}{summary}", soft_wrap=True, highlight=False)


@friendly_errors
def export(
    run: Path = typer.Argument(..., help="A run folder or checkpoint from `productgan enhance train`."),
    out: Path = typer.Option(..., help="File to write (e.g. src/productgan/weights/sr4.safetensors)."),
    note: str = typer.Option("", help="Appended to the file's training summary, e.g. the command that trained it."),
    first_stage: Optional[Path] = typer.Option(None, help="restore: a restorer run (e.g. one trained with --damage jpeg,noise) packed into the same file and run first on every photo."),
):
    """Write a run's generator alone (no discriminator, no optimiser state): the small file that ships."""
    from productgan.enhance.shipped import export_generator

    written = export_generator(run, out, note, first_stage)
    console.print(f"wrote {written} ({written.stat().st_size / 1e6:.2f} MB)", highlight=False)


def output_suffix(fmt: str) -> str:
    """--format as the file suffix photo_io writes ('.png'), refused up front when it cannot write it:
    a format checked only at the first write would fail after a photo was already processed."""
    from productgan.photo_io import OUTPUT_FORMATS

    suffix = "." + fmt.strip().lower().lstrip(".")
    if suffix not in OUTPUT_FORMATS:
        raise ProductGANError(f"--format {fmt!r} is not an output format; use one of "
                              + ", ".join(name.lstrip(".") for name in OUTPUT_FORMATS))
    return suffix


ENHANCE_DEFAULTS = EnhanceTrainConfig(data="", out="")  # the options' defaults are the library's: read them here

# Each option and the EnhanceTrainConfig settings it sets, so --resume can check the options given.
TRAIN_OPTION_SETTINGS = {
    "data": ("data",), "task": ("model.task",), "minutes": ("minutes",), "steps": ("steps",), "crop": ("crop",),
    "batch": ("batch",), "width": ("model.width",), "blocks": ("model.blocks",), "depth": ("model.depth",),
    "lr": ("lr", "lr_discriminator"), "warmup_steps": ("warmup_steps",), "pixel_weight": ("weights.pixel",),
    "feature_weight": ("weights.feature",), "adversarial_weight": ("weights.adversarial",),
    "relative_loss": ("weights.relative",), "denoise_prior": ("model.prior",), "pixel_loss": ("weights.pixel_kind",),
    "damage_planes": ("model.damage_planes",), "photo_side": ("photo_side",), "init_from": ("init_from",),
    "pixel_warmup_steps": ("pixel_warmup_steps",), "damage": ("restore_degradation",),
    "classifier": ("classifier",), "holdout": ("holdout_fraction",), "seed": ("seed",),
    "checkpoint_every": ("checkpoint_every", "sample_every"), "device": ("device",),
}


def restore_damage(kinds: str | None) -> RestoreDegradation:
    """--damage as the restoration degradation: the kinds named keep their default probability, the rest none."""
    chosen = ENHANCE_DEFAULTS.restore_degradation
    if kinds is None:
        return chosen
    names = [name.strip() for name in kinds.split(",") if name.strip()]
    unknown = [name for name in names if name not in DAMAGE_KINDS]
    if unknown or not names:
        raise typer.BadParameter(f"--damage takes kinds from {', '.join(DAMAGE_KINDS)}, not {kinds!r}")
    return replace(chosen, **{f"{kind}_probability": 0.0 for kind in DAMAGE_KINDS if kind not in names})


def parse_photo_side(text: str | None) -> tuple[int, int] | None:
    """'LOW:HIGH' -> (LOW, HIGH); 'full' -> (0, 0); None -> None (the task's default)."""
    if text is None:
        return None
    if text.strip().lower() == "full":
        return FULL_SIZE
    try:
        low, high = (int(part) for part in text.split(":"))
    except ValueError:
        raise typer.BadParameter(f"--photo-side takes LOW:HIGH in pixels (e.g. 256:384) or 'full', not {text!r}") from None
    return low, high


@friendly_errors
def train(
    ctx: typer.Context,
    data: str = typer.Option(..., help="Catalog folder of photos (optionally with attributes.csv; a 'product' column makes the held-out split by product)."),
    task: str = typer.Option(ENHANCE_DEFAULTS.model.task, help="sr4 | sr2 (super-resolution x4 / x2) | restore (JPEG blocks, noise, low light, blemishes, holes)."),
    out: Path = typer.Option(..., help="Run folder: checkpoint.safetensors, config.json, metrics.jsonl, samples/."),
    minutes: Optional[float] = float_option(None, low=0, low_open=True, help=f"Wall-clock budget (default {ENHANCE_DEFAULTS.minutes:g} when --steps is not given)."),
    steps: Optional[int] = int_option(None, high=10**9, help="Budget in optimiser steps."),
    crop: int = int_option(ENHANCE_DEFAULTS.crop, low=32, high=1024, help="Side of the clean/HR training crops in pixels (a multiple of 8)."),
    batch: int = int_option(ENHANCE_DEFAULTS.batch, high=1024, help="Crops per step."),
    width: Optional[int] = int_option(None, high=512, help="Generator channels (default 32 for sr, 16 for restore)."),
    blocks: int = int_option(ENHANCE_DEFAULTS.model.blocks, high=64, help="RRDB blocks (sr)."),
    depth: int = int_option(ENHANCE_DEFAULTS.model.depth, high=8, help="U-Net levels (restore)."),
    denoise_prior: bool = typer.Option(False, help="restore: also show the U-Net a non-local-means denoise of its input, to blend per pixel (tried, not the shipped recipe: docs/ENHANCERS.md)."),
    lr: float = float_option(ENHANCE_DEFAULTS.lr, low=0, low_open=True, high=1.0, help="Adam learning rate of the generator and the discriminator."),
    warmup_steps: int = int_option(ENHANCE_DEFAULTS.warmup_steps, low=0, help="L1-only steps before the discriminator joins (ESRGAN's warm-up)."),
    pixel_weight: float = float_option(ENHANCE_DEFAULTS.weights.pixel, low=0, help="Weight of the L1 pixel loss."),
    feature_weight: float = float_option(ENHANCE_DEFAULTS.weights.feature, low=0, help="Weight of the feature loss (discriminator feature matching, or --classifier features)."),
    adversarial_weight: float = float_option(ENHANCE_DEFAULTS.weights.adversarial, low=0, help="Weight of the adversarial loss (0: a pure L1 model)."),
    relative_loss: float = float_option(ENHANCE_DEFAULTS.weights.relative, low=0, high=10, help="restore: divide each crop's L1 by (its input's L1 + this), so JPEG and noise count as much as dark photos and holes; 0: plain mean L1."),
    pixel_loss: Optional[str] = typer.Option(None, help="l1 | l2 | psnr (default: psnr for restore, l1 for sr). From the identity a restorer starts as, L1 never learns to remove noise or JPEG blocks; L2 learns fastest but smooths clean photos; psnr keeps them."),
    pixel_warmup_steps: Optional[int] = int_option(None, low=0, help="With --pixel-loss psnr: the first steps use squared error, which learns noise and JPEG fastest (default 600; 0: none)."),
    damage_planes: Optional[bool] = typer.Option(None, "--damage-planes/--no-damage-planes", help="restore: show the net the whole photo's measured noise and JPEG blockiness (default: on for restore)."),
    photo_side: Optional[str] = typer.Option(None, help="restore: LOW:HIGH short side in px the whole photo is shrunk to before it is damaged and cropped, or 'full' (default 256:384)."),
    damage: Optional[str] = typer.Option(None, help="restore: the kinds of damage to train on, comma-separated, of jpeg, noise, low_light, blemish, hole (default: all)."),
    init_from: Optional[Path] = typer.Option(None, help="Start the generator from this enhancer checkpoint of the same task (e.g. the shipped one); new input planes start at zero."),
    classifier: Optional[Path] = typer.Option(None, help="Domain classifier file whose frozen features give the feature loss."),
    holdout: float = float_option(ENHANCE_DEFAULTS.holdout_fraction, low=0, high=1, low_open=True, high_open=True, help="Fraction of images (whole products) held out of training."),
    seed: int = seed_option(ENHANCE_DEFAULTS.seed, help="Seed of initialisation, crops, degradations and the held-out split."),
    checkpoint_every: int = int_option(ENHANCE_DEFAULTS.checkpoint_every, help="Checkpoint (and validation PSNR) every this many steps."),
    device: str = device_option(),
    resume: bool = typer.Option(False, help="Continue the run in --out from its last checkpoint, with its settings: only --steps, --minutes and --device may change; other options given must match."),
):
    """Train a learned enhancer on a catalog's photos, holding out whole products for measurement.

    Exits 130 after Ctrl-C and 143 after SIGTERM, checkpoint written."""
    require_output_folder(out)
    from productgan.enhance.train import train_enhancer

    try:
        config = EnhanceTrainConfig(
            data=data, out=str(out), crop=crop, batch=batch, steps=steps,
            minutes=minutes if minutes is not None or steps is not None else ENHANCE_DEFAULTS.minutes,
            model=EnhanceModelConfig(task=task, width=width, blocks=blocks, depth=depth, prior=int(denoise_prior),
                                     damage_planes=None if damage_planes is None else int(damage_planes)),
            lr=lr, lr_discriminator=lr, warmup_steps=warmup_steps,
            weights=LossWeights(pixel=pixel_weight, feature=feature_weight, adversarial=adversarial_weight,
                                relative=relative_loss, pixel_kind=pixel_loss),
            photo_side=parse_photo_side(photo_side), init_from=str(init_from) if init_from else None,
            restore_degradation=restore_damage(damage), pixel_warmup_steps=pixel_warmup_steps,
            classifier=str(classifier) if classifier else None, holdout_fraction=holdout, seed=seed,
            checkpoint_every=checkpoint_every, sample_every=checkpoint_every, device=device,
        )
    except ValueError as error:
        raise typer.BadParameter(str(error)) from None
    given = given_settings(ctx, TRAIN_OPTION_SETTINGS)
    result = train_enhancer(config, resume=resume, given=given)
    for skipped in result.skipped:
        console.print(f"[yellow]skipped[/] {skipped.path}: {skipped.reason}", highlight=False)
    losses = ", ".join(f"{name} {value:.4f}" for name, value in result.losses.items())
    console.print(f"{result.step} steps, {result.images_seen} crops in {result.elapsed_s / 60:.1f} min "
                  f"({result.images_per_s:.1f} crops/s); {result.train_photos} training photos, "
                  f"{result.holdout_photos} held out; last losses: {losses}", highlight=False)
    console.print(f"held-out PSNR {result.validation['val_psnr']:.2f} dB vs baseline "
                  f"{result.validation['val_psnr_baseline']:.2f} dB; checkpoint: {result.checkpoint}", highlight=False)
    exit_for_stop(result.stopped)
