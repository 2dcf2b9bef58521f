"""The bytes of a checkpoint: one safetensors file, written atomically, read without unpickling.

Weights are named `<network>.<key>` (generator.*, ema_generator.*, domain.*, ...), optimiser state
`optim.<name>.<param id>.<key>`; the header's `meta` entry is the JSON that rebuilds them
(schema.CheckpointMeta). This module moves tensors and text; what the text may say is schema.py's.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import torch
from safetensors import safe_open
from safetensors.torch import save

from productgan.atomic import write_atomic
from productgan.errors import CheckpointError

if TYPE_CHECKING:
    from productgan.checkpoint.schema import CheckpointMeta

FORMAT = "productgan-checkpoint/1"
CHECKPOINT_NAME = "checkpoint.safetensors"


def find_file(path: str | Path, file_name: str = CHECKPOINT_NAME, noun: str = "checkpoint") -> Path:
    """Accept a checkpoint file or a folder holding `file_name`; name what is missing if neither works.

    noun names what was looked for in the message ("enhancer checkpoint runs/x does not exist").
    """
    path = Path(path)
    if path.is_dir():
        candidate = path / file_name
        if not candidate.exists():
            raise CheckpointError(f"run folder {path} has no {file_name}: has training written a checkpoint yet?")
        return candidate
    if not path.exists():
        raise CheckpointError(f"{noun} {path} does not exist")
    return path


def model_name(path: str | Path) -> str:
    """A model's name from its checkpoint path: the run folder's name, or a loose file's stem (as the
    server lists it; a symlinked run keeps its link's name; '.' and '..' become the real folder's)."""
    path = Path(path)
    if path.is_dir():
        return path.name if path.name not in ("", ".", "..") else path.resolve().name
    return model_name(path.parent) if path.name == CHECKPOINT_NAME else path.stem


def write_file(
    path: str | Path,
    meta: CheckpointMeta,
    modules: dict[str, torch.nn.Module],
    optimizers: dict[str, torch.optim.Optimizer] | None = None,
) -> Path:
    """Write modules' weights (and optimiser states) plus meta to one file, atomically (temp + rename).
    Callers go through kinds.save_checkpoint, which stamps the file's kind first."""
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


def read_header(path: Path) -> dict[str, str]:
    """The safetensors header metadata (format and meta text), unchecked."""
    try:
        with safe_open(str(path), framework="pt") as handle:
            return handle.metadata() or {}
    except Exception as error:  # safetensors raises several types for a damaged file
        raise CheckpointError(f"{path} is not a readable safetensors checkpoint: {error}") from error


def stored_tensors(path: str | Path) -> dict[str, tuple[str, tuple[int, ...]]]:
    """name -> (safetensors dtype code such as 'F32', shape) of every tensor, read from the header alone."""
    path = find_file(path)
    try:
        with safe_open(str(path), framework="pt") as handle:
            return {key: (handle.get_slice(key).get_dtype(), tuple(handle.get_slice(key).get_shape()))
                    for key in handle.keys()}
    except Exception as error:  # safetensors raises several types for a damaged file
        raise CheckpointError(f"{path} is not a readable safetensors checkpoint: {error}") from error


def load_tensors(path: str | Path, prefix: str | None = None, device: str = "cpu") -> dict[str, torch.Tensor]:
    """Load tensors whose name starts with prefix (all when None)."""
    path = find_file(path)
    out = {}
    try:
        with safe_open(str(path), framework="pt", device=str(device)) as handle:
            for key in handle.keys():
                if prefix is None or key.startswith(prefix):
                    out[key] = handle.get_tensor(key)
    except Exception as error:  # safetensors raises several types for a damaged file
        raise CheckpointError(f"{path} is not a readable safetensors checkpoint: {error}") from error
    return out


def load_module(module: torch.nn.Module, tensors: dict[str, torch.Tensor], name: str,
                source: str | Path = "checkpoint") -> None:
    """Load `name.*` tensors into module, strictly: a mismatch means the wrong checkpoint."""
    prefix = name + "."
    state = {k[len(prefix) :]: v for k, v in tensors.items() if k.startswith(prefix)}
    if not state:
        raise CheckpointError(f"{source} holds no weights for {name!r}")
    try:
        module.load_state_dict(state, strict=True)
    except RuntimeError as error:
        first = str(error).strip().splitlines()
        raise CheckpointError(f"{source}: its {name} weights do not fit the network: "
                              + " ".join(line.strip() for line in first[:3])) from None


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


def restore_optimizers(optimizers: dict[str, torch.optim.Optimizer], tensors: dict, meta: CheckpointMeta) -> None:
    for name, optimizer in optimizers.items():
        if name not in meta.optimizers:
            raise CheckpointError(f"checkpoint holds no optimiser state for {name!r}; it cannot be resumed")
        try:
            _restore_optimizer(f"optim.{name}", optimizer, tensors, meta.optimizers[name])
        except (ValueError, KeyError, TypeError, RuntimeError) as error:
            raise CheckpointError(f"checkpoint's optimiser state for {name!r} does not fit this run: {error}") from None
