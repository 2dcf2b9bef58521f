"""An enhancer's checkpoint: one safetensors file holding the networks, optimiser states and, in its
header, the training config, code version and the held-out products.

It is the project's checkpoint format (productgan.checkpoint) of kind ENHANCER, so a GAN or
classifier checkpoint handed to `enhance apply` is refused by name. The held-out side of the split
travels in the header, so a benchmark measures on exactly the products the model never saw, from
the checkpoint alone.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path, PurePosixPath, PureWindowsPath

import torch

from productgan.checkpoint import (
    ENHANCER, CheckpointMeta, planned_state, read_meta, require_size, require_tensors, resolve_checkpoint,
    save_checkpoint,
)
from productgan.enhance import networks
from productgan.enhance.config import EnhanceTrainConfig
from productgan.errors import CheckpointError

# Integer network sizes a header may hold: generous bounds that keep planning the network cheap;
# the parameter cap (checkpoint.MAX_PARAMETERS) decides what may be allocated.
MODEL_RANGES = {"channels": (1, 4), "width": (1, 2048), "growth": (1, 2048), "blocks": (1, 64),
                "dense_layers": (1, 32), "depth": (1, 10), "disc_width": (1, 2048), "prior": (0, 1),
                "damage_planes": (0, 1)}
# The tensor prefix and header key of a restorer that a shipped file runs before its own generator.
FIRST_STAGE = "first_stage"

# The old name: every problem with an enhancer checkpoint (missing, another kind, damaged) is the
# project's one CheckpointError, whose message names the file.
EnhancerCheckpointError = CheckpointError


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
        extra={"task": config.task, "scale": config.model.scale, "held_out": held_out.__dict__},
    )
    return save_checkpoint(path, meta, modules, optimizers, kind=ENHANCER)


def read_enhancer_meta(path: str | Path) -> tuple[Path, CheckpointMeta, EnhanceTrainConfig]:
    """Header of an enhancer checkpoint (a file or a run folder), checked: (file, meta, training config).

    Kind and architecture version are checked by read_meta; the network sizes, held-out record and
    tensor shapes here, all before anything is built.
    """
    path = resolve_checkpoint(path, ENHANCER)
    meta = read_meta(path, expect=ENHANCER)
    _require_schema(path, _held_out_problems(meta.extra.get("held_out")))
    return path, meta, _generator_config(path, meta.config, "generator")


def first_stage_config(path: Path, meta: CheckpointMeta) -> EnhanceTrainConfig | None:
    """The config of the restorer a shipped file runs first (extra["first_stage"], written by
    `enhance export --first-stage`), checked as a main generator is; None when it has none."""
    stage = meta.extra.get("first_stage")
    if stage is None:
        return None
    if not isinstance(stage, dict) or not isinstance(stage.get("config"), dict):
        raise CheckpointError(f"{path}: invalid enhancer header: first_stage must be an object with a config")
    config = _generator_config(path, stage["config"], FIRST_STAGE)
    if config.model.scale != 1:
        raise CheckpointError(f"{path}: a first stage must keep the size; this one is {config.task}")
    return config


def _generator_config(path: Path, values: dict, prefix: str) -> EnhanceTrainConfig:
    """A stored training config, checked before anything is built from it: the network sizes, then
    the size and the tensors (under `prefix`) of the generator it describes."""
    _require_schema(path, _model_problems(values.get("model")))
    try:
        config = EnhanceTrainConfig.from_dict(values)
    except (TypeError, ValueError) as error:
        raise CheckpointError(f"{path}: its {prefix} training config cannot be read by this code ({error})") from None
    planned = planned_state(lambda: networks.build_generator(config.model))
    require_size(path, f"{config.task} {prefix}", planned)
    require_tensors(path, prefix, planned)
    return config


def _require_schema(path: Path, problems: list[str]) -> None:
    if problems:
        raise CheckpointError(f"{path}: invalid enhancer header: " + "; ".join(problems[:3]))


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
