"""Checkpoint I/O: one safetensors file holding weights, optimiser state and the JSON that rebuilds them.

The config, attribute vocabularies and code version live in the safetensors header metadata, so a
single file is enough to generate (no data, no config file) and a write is atomic (temp + rename).
Nothing is ever unpickled.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

import torch
from safetensors import safe_open
from safetensors.torch import save

from productgan.atomic import write_atomic
from productgan.errors import CheckpointError
from productgan.version import code_version

FORMAT = "productgan-checkpoint/1"
CHECKPOINT_NAME = "checkpoint.safetensors"


@dataclass
class CheckpointMeta:
    """What a checkpoint says about itself (stored as JSON in the safetensors header)."""

    config: dict
    condition_names: list[str]
    levels: dict[str, list[str]]
    step: int = 0
    images_seen: int = 0
    elapsed_s: float = 0.0
    code_version: str = field(default_factory=code_version)
    optimizers: dict = field(default_factory=dict)  # name -> param_groups (hyper-parameters only)
    extra: dict = field(default_factory=dict)


def resolve_checkpoint(path: str | Path) -> Path:
    """Accept a checkpoint file or a run folder; name what is missing if neither works."""
    path = Path(path)
    if path.is_dir():
        candidate = path / CHECKPOINT_NAME
        if not candidate.exists():
            raise CheckpointError(f"run folder {path} has no {CHECKPOINT_NAME}: has training written a checkpoint yet?")
        return candidate
    if not path.exists():
        raise CheckpointError(f"checkpoint {path} does not exist")
    return path


def _flatten_optimizer(prefix: str, optimizer: torch.optim.Optimizer) -> tuple[dict[str, torch.Tensor], list]:
    state = optimizer.state_dict()
    tensors = {}
    for param_id, param_state in state["state"].items():
        for key, value in param_state.items():
            tensor = value if torch.is_tensor(value) else torch.tensor(value)
            tensors[f"{prefix}.{param_id}.{key}"] = tensor
    return tensors, state["param_groups"]


def _restore_optimizer(prefix: str, optimizer: torch.optim.Optimizer, tensors: dict, param_groups: list) -> None:
    state: dict[int, dict] = {}
    for name, tensor in tensors.items():
        if not name.startswith(prefix + "."):
            continue
        param_id, key = name[len(prefix) + 1 :].split(".", 1)
        state.setdefault(int(param_id), {})[key] = tensor
    optimizer.load_state_dict({"state": state, "param_groups": param_groups})


def save_checkpoint(
    path: str | Path,
    meta: CheckpointMeta,
    modules: dict[str, torch.nn.Module],
    optimizers: dict[str, torch.optim.Optimizer] | None = None,
) -> Path:
    """Write modules' weights (and optimiser states) plus meta to one file, atomically."""
    tensors: dict[str, torch.Tensor] = {}
    for name, module in modules.items():
        for key, value in module.state_dict().items():
            tensors[f"{name}.{key}"] = value
    meta.optimizers = {}
    for name, optimizer in (optimizers or {}).items():
        flat, groups = _flatten_optimizer(f"optim.{name}", optimizer)
        tensors.update(flat)
        meta.optimizers[name] = groups
    tensors = {k: v.detach().to("cpu").contiguous() for k, v in tensors.items()}
    header = {"format": FORMAT, "meta": json.dumps(meta.__dict__)}
    return write_atomic(path, lambda handle: handle.write(save(tensors, metadata=header)))


def read_meta(path: str | Path) -> CheckpointMeta:
    """Read only the header: cheap, and enough to rebuild the models."""
    path = resolve_checkpoint(path)
    try:
        with safe_open(str(path), framework="pt") as handle:
            header = handle.metadata() or {}
    except Exception as error:  # safetensors raises several types for a damaged file
        raise CheckpointError(f"{path} is not a readable safetensors checkpoint: {error}") from error
    if header.get("format") != FORMAT:
        raise CheckpointError(f"{path} is not a productgan checkpoint (format {header.get('format')!r})")
    return CheckpointMeta(**json.loads(header["meta"]))


def require_architecture(meta: CheckpointMeta, path: str | Path) -> None:
    """Refuse weights made by an older version of a model family's code, which would otherwise
    load without error into a network that computes something else."""
    from productgan.models import ARCHITECTURE_VERSIONS

    family = meta.config["model"]["family"]
    saved, current = meta.extra.get("architecture_version", 1), ARCHITECTURE_VERSIONS.get(family)
    if saved != current:
        raise CheckpointError(
            f"{path} holds a {family!r} model of architecture version {saved} (code {meta.code_version}); "
            f"this code builds version {current}: retrain, or use the productgan version that wrote it"
        )


def load_tensors(path: str | Path, prefix: str | None = None, device: str = "cpu") -> dict[str, torch.Tensor]:
    """Load tensors whose name starts with prefix (all when None)."""
    path = resolve_checkpoint(path)
    out = {}
    with safe_open(str(path), framework="pt", device=str(device)) as handle:
        for key in handle.keys():
            if prefix is None or key.startswith(prefix):
                out[key] = handle.get_tensor(key)
    return out


def load_module(module: torch.nn.Module, tensors: dict[str, torch.Tensor], name: str) -> None:
    """Load `name.*` tensors into module, strictly: a mismatch means the wrong checkpoint."""
    prefix = name + "."
    state = {k[len(prefix) :]: v for k, v in tensors.items() if k.startswith(prefix)}
    if not state:
        raise CheckpointError(f"checkpoint holds no weights for {name!r}")
    module.load_state_dict(state, strict=True)


def restore_optimizers(optimizers: dict[str, torch.optim.Optimizer], tensors: dict, meta: CheckpointMeta) -> None:
    for name, optimizer in optimizers.items():
        _restore_optimizer(f"optim.{name}", optimizer, tensors, meta.optimizers[name])
