"""The enhancers shipped inside the package: productgan/weights/{sr4,sr2,restore}.safetensors.

Why: `enhance apply --task sr4` should work out of the box, as Real-ESRGAN and rembg do, instead of
asking for 8-30 CPU-minutes of training first. A shipped file is an ordinary enhancer checkpoint
(kind ENHANCER) holding the generator alone (no discriminator, no optimiser state), so it stays a
few hundred kB; its header keeps the training config, the held-out products (benchmarks measure on
exactly those) and a one-line training summary that `enhance apply` prints when it uses the file.
docs/ENHANCERS.md gives the command that trained each file and its held-out figures.
"""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import torch

from productgan.checkpoint import (
    ENHANCER, CheckpointMeta, load_module, load_tensors, save_checkpoint,
)
from productgan.enhance.checkpoint import FIRST_STAGE, read_enhancer_meta
from productgan.enhance.config import TASK_SCALES
from productgan.enhance.networks import build_generator
from productgan.errors import ProductGANError

SHIPPED_TASKS = tuple(TASK_SCALES)  # sr2, sr4, restore
TRAIN_HINT = "productgan enhance train --data CATALOG --task {task} --out RUN"


class ShippedModelMissing(ProductGANError):
    """This install has no shipped file for a task (a source checkout before training, a trimmed wheel)."""


def weights_folder() -> Path:
    """The package folder the shipped files live in (package data, see pyproject.toml)."""
    return Path(str(resources.files("productgan") / "weights"))


def shipped_path(task: str, folder: Path | None = None) -> Path | None:
    """The shipped file for `task`, or None when this install has none."""
    path = (folder or weights_folder()) / f"{task}.safetensors"
    return path if path.is_file() else None


def shipped_tasks(folder: Path | None = None) -> list[str]:
    """The tasks this install ships a model for, in SHIPPED_TASKS order."""
    return [task for task in SHIPPED_TASKS if shipped_path(task, folder) is not None]


def require_shipped(task: str, folder: Path | None = None) -> Path:
    """The shipped file for `task`; ShippedModelMissing, saying what to do instead, when there is none."""
    path = shipped_path(task, folder)
    if path is None:
        raise ShippedModelMissing(f"no shipped model for {task} in this install ({(folder or weights_folder())}); "
                                  f"train one with `{TRAIN_HINT.format(task=task)}` and pass --checkpoint RUN")
    return path


def export_generator(run: str | Path, out: str | Path, note: str = "", first_stage: str | Path | None = None) -> Path:
    """Write the generator of a training checkpoint (file or run folder) alone to `out`, for shipping.

    The header keeps the run's config and held-out record, and gains extra["summary"]: steps, crops,
    training time, the run's last held-out validation PSNR (from its metrics.jsonl, when beside it)
    and `note` (e.g. the command that trained it). first_stage: a restorer run whose generator the
    file also holds and runs first on every photo (a denoise/deblock stage before a restorer that
    fixes exposure and marks), with its own config and summary; one file still loads as one model.
    """
    path, meta, config = read_enhancer_meta(run)
    modules = {"generator": _trained_generator(path, config)}
    summary = _summary(path, meta, config) + (f"; {note}" if note else "")
    extra = {key: value for key, value in meta.extra.items() if key not in ("kind", "architecture_version", FIRST_STAGE)}
    if first_stage is not None:
        stage_path, stage_meta, stage_config = read_enhancer_meta(first_stage)
        if stage_config.model.scale != 1 or config.model.scale != 1:
            raise ProductGANError(f"a first stage goes before a restorer: {stage_path} is {stage_config.task}, "
                                  f"{path} is {config.task}")
        modules[FIRST_STAGE] = _trained_generator(stage_path, stage_config)
        stage_summary = _summary(stage_path, stage_meta, stage_config)
        extra[FIRST_STAGE] = {"config": stage_meta.config, "summary": stage_summary}
        summary = f"first {stage_summary}; then {summary}"
    shipped = CheckpointMeta(
        config=meta.config, condition_names=[], levels={}, step=meta.step, images_seen=meta.images_seen,
        elapsed_s=meta.elapsed_s, code_version=meta.code_version, extra={**extra, "summary": summary},
    )
    return save_checkpoint(out, shipped, modules, None, kind=ENHANCER)


def _summary(path: Path, meta: CheckpointMeta, config) -> str:
    """A run's training summary; an exported file (no metrics.jsonl beside it) keeps the one it carries."""
    validation = _last_validation(path.parent)
    if validation is None and meta.extra.get("summary"):
        return str(meta.extra["summary"])
    return training_summary(meta, config, validation)


def _trained_generator(path: Path, config) -> torch.nn.Module:
    generator = build_generator(config.model)
    load_module(generator, load_tensors(path, "generator.", device="cpu"), "generator")
    return generator


def training_summary(meta: CheckpointMeta, config, validation: dict | None) -> str:
    """One line: what the model is and how it was trained, printed whenever the file is used."""
    data = Path(str(meta.extra.get("held_out", {}).get("data", config.data))).name or config.data
    line = (f"{config.task} {_network(config)}, {meta.step} steps of {config.batch} crops of {config.crop} px "
            f"on the {data} catalog ({meta.elapsed_s / 60:.1f} min)")
    if validation:
        line += (f"; held-out validation PSNR {validation['val_psnr']:.2f} dB vs "
                 f"{'bicubic' if config.model.scale > 1 else 'the damaged input'} {validation['val_psnr_baseline']:.2f} dB")
    return line


def _network(config) -> str:
    model = config.model
    if config.task == "restore":
        return f"U-Net width {model.width} depth {model.depth}"
    return f"RRDB width {model.width} x{model.blocks} block(s)"


def _last_validation(run_folder: Path) -> dict | None:
    """The last metrics.jsonl record with validation PSNR, or None when the run's log is not there."""
    log = run_folder / "metrics.jsonl"
    if not log.is_file():
        return None
    records = [json.loads(line) for line in log.read_text().splitlines() if line.strip()]
    found = [record for record in records if "val_psnr" in record and "val_psnr_baseline" in record]
    return found[-1] if found else None


__all__ = ["SHIPPED_TASKS", "ShippedModelMissing", "export_generator", "require_shipped", "shipped_path",
           "shipped_tasks", "training_summary", "weights_folder"]
