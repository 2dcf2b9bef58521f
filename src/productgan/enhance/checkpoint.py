"""An enhancer's checkpoint: one safetensors file holding the networks, optimiser states and, in its
header, the training config, code version and the held-out products.

It reuses the project's checkpoint format (productgan.train.checkpoint), tagged with kind
'enhancer' so a GAN or classifier checkpoint handed to `enhance apply` is refused by name. The
held-out side of the split travels in the header, so a benchmark measures on exactly the products
the model never saw, from the checkpoint alone.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path, PurePosixPath, PureWindowsPath

import torch

from productgan.enhance.config import EnhanceTrainConfig
from productgan.enhance import networks
from productgan.errors import CheckpointError
from productgan.train.checkpoint import (
    CHECKPOINT_NAME, CheckpointMeta, planned_state, read_meta, require_size, require_tensors, save_checkpoint,
)

KIND = "enhancer"
# Integer network sizes a header may hold: generous bounds that keep planning the network cheap;
# the parameter cap (train.checkpoint.MAX_PARAMETERS) decides what may be allocated.
MODEL_RANGES = {"channels": (1, 4), "width": (1, 2048), "growth": (1, 2048), "blocks": (1, 64),
                "dense_layers": (1, 32), "depth": (1, 10), "disc_width": (1, 2048)}


class EnhancerCheckpointError(CheckpointError):
    """The file is missing, not an enhancer, or written by incompatible code; the message names it."""


@dataclass(frozen=True)
class HeldOut:
    """The products a model never trained on. keys: product ids (kind 'product') or files (kind 'file');
    files: the held-out photos, relative to data."""

    data: str
    kind: str
    seed: int
    fraction: float
    keys: list[str]
    files: list[str]

    def paths(self, data: str | Path | None = None) -> list[Path]:
        """The held-out photos as paths, below `data` (default: where training read them)."""
        root = Path(data if data is not None else self.data)
        return [root / name for name in self.files]


def save_enhancer(path: str | Path, config: EnhanceTrainConfig, modules: dict[str, torch.nn.Module],
                  optimizers: dict[str, torch.optim.Optimizer], progress: dict, held_out: HeldOut) -> Path:
    """progress: step, images_seen, elapsed_s. Atomic: a kill mid-write keeps the previous file."""
    meta = CheckpointMeta(
        config=config.to_dict(), condition_names=[], levels={}, step=progress["step"],
        images_seen=progress["images_seen"], elapsed_s=progress["elapsed_s"],
        extra={"kind": KIND, "architecture_version": networks.ARCHITECTURE_VERSIONS[networks.architecture_family(config.task)],
               "task": config.task,
               "scale": config.model.scale, "held_out": held_out.__dict__},
    )
    return save_checkpoint(path, meta, modules, optimizers)


def resolve(path: str | Path) -> Path:
    """A checkpoint file, or a run folder holding checkpoint.safetensors."""
    path = Path(path)
    candidate = path / CHECKPOINT_NAME if path.is_dir() else path
    if not candidate.is_file():
        where = f"run folder {path} has no {CHECKPOINT_NAME}" if path.is_dir() else f"enhancer checkpoint {path} does not exist"
        raise EnhancerCheckpointError(where)
    return candidate


def read_enhancer_meta(path: str | Path) -> tuple[Path, CheckpointMeta, EnhanceTrainConfig]:
    """Header of an enhancer checkpoint, checked: (file, meta, training config)."""
    path = resolve(path)
    try:
        meta = read_meta(path)
    except CheckpointError as error:
        raise EnhancerCheckpointError(f"{error}; expected an enhancer trained by `productgan enhance train`") from None
    if meta.extra.get("kind") != KIND:
        raise EnhancerCheckpointError(f"{path} is a productgan checkpoint but not an enhancer "
                                      f"(kind {meta.extra.get('kind', 'generator')!r}); train one with `productgan enhance train`")
    _require_schema(path, _model_problems(meta.config.get("model")) + _held_out_problems(meta.extra.get("held_out")))
    try:
        config = EnhanceTrainConfig.from_dict(meta.config)
    except (TypeError, ValueError) as error:
        raise EnhancerCheckpointError(f"{path}: its training config cannot be read by this code ({error})") from None
    family = networks.architecture_family(config.task)
    version, current = meta.extra.get("architecture_version"), networks.ARCHITECTURE_VERSIONS[family]
    if version != current:
        raise EnhancerCheckpointError(f"{path} holds a {config.task} enhancer of architecture version {version} "
                                      f"(code {meta.code_version}); this code builds {family} version {current}: "
                                      f"retrain, or use the productgan version that wrote it")
    planned = planned_state(lambda: networks.build_generator(config.model))
    try:
        require_size(path, f"{config.task} generator", planned)
        require_tensors(path, "generator", planned)
    except CheckpointError as error:
        raise EnhancerCheckpointError(str(error)) from None
    return path, meta, config


def _require_schema(path: Path, problems: list[str]) -> None:
    if problems:
        raise EnhancerCheckpointError(f"{path}: invalid enhancer header: " + "; ".join(problems[:3]))


def _model_problems(model: object) -> list[str]:
    """Types and ranges of the network sizes, checked before anything is built from them."""
    if not isinstance(model, dict):
        return ["config has no 'model' object"]
    problems = []
    for name, (low, high) in MODEL_RANGES.items():
        value = model.get(name, low)
        if not (isinstance(value, int) and not isinstance(value, bool) and low <= value <= high):
            problems.append(f"model {name} {value!r:.40} is not an integer in [{low}, {high}]")
    return problems


def _held_out_problems(held: object) -> list[str]:
    """The held-out record names files below the training folder; anything that could point elsewhere
    (absolute, '..') is refused, since benchmarks open those files."""
    names = [f.name for f in fields(HeldOut)]
    if not isinstance(held, dict) or sorted(held) != sorted(names):
        return [f"held_out must be an object with exactly {', '.join(names)}"]
    problems = [f"held_out {key} is not a string" for key in ("data", "kind") if not isinstance(held[key], str)]
    if not (isinstance(held["seed"], int) and not isinstance(held["seed"], bool)):
        problems.append("held_out seed is not an integer")
    if not (isinstance(held["fraction"], (int, float)) and 0 <= held["fraction"] <= 1):
        problems.append("held_out fraction is not a number in [0, 1]")
    for key in ("keys", "files"):
        if not (isinstance(held[key], list) and all(isinstance(item, str) for item in held[key])):
            problems.append(f"held_out {key} is not a list of strings")
    if not problems:
        outside = [name for name in held["files"] if _leaves_folder(name)]
        problems += [f"held_out file {name[:80]!r} is not a relative path inside the data folder" for name in outside[:1]]
    return problems


def _leaves_folder(name: str) -> bool:
    posix, windows = PurePosixPath(name), PureWindowsPath(name)
    return (not name or "\0" in name or posix.is_absolute() or windows.is_absolute() or bool(windows.drive)
            or ".." in posix.parts or ".." in windows.parts)


def held_out(checkpoint: str | Path) -> HeldOut:
    """The held-out products and photos of the run that wrote `checkpoint` (file or run folder)."""
    _, meta, _ = read_enhancer_meta(checkpoint)
    return HeldOut(**meta.extra["held_out"])
