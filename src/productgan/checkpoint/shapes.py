"""Sizes and shapes of the networks a header describes, checked before any weight is allocated.

A header is text anyone can write: a forged one once made the loader try to allocate 4.4 TB. Every
loader plans its network on meta tensors (no memory), refuses one over MAX_PARAMETERS, and compares
the file's tensor names, shapes and dtypes with the plan before reading a single weight.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

import torch
from torch.overrides import TorchFunctionMode

from productgan.checkpoint.io import stored_tensors
from productgan.errors import CheckpointError

# The most values (parameters plus buffers) one network in a checkpoint may have: 4 GB of float32,
# some 30x the largest model `productgan train` builds at 1024 px. A header asking for more is
# refused before anything is allocated.
MAX_PARAMETERS = 1_000_000_000


class _SkipRandomInit(TorchFunctionMode):
    """Random initialisation is meaningless on meta tensors, and its meta kernels import torch._dynamo
    (seconds on first use); skipping it keeps planning a network's shapes a few milliseconds."""

    SKIPPED = frozenset({"normal_", "uniform_", "trunc_normal_"})

    def __torch_function__(self, func, types, args=(), kwargs=None):
        if getattr(func, "__name__", "") in self.SKIPPED:
            return args[0] if args else (kwargs or {})["tensor"]
        return func(*args, **(kwargs or {}))


def planned_state(build: Callable[[], torch.nn.Module]) -> dict[str, torch.Tensor]:
    """The state_dict `build()` would have, as meta tensors: names, shapes and dtypes, nothing allocated.

    `build` must not need real values (no spectral norm: its power iteration runs at construction).
    """
    with torch.device("meta"), _SkipRandomInit():
        return build().state_dict()


def require_size(path: str | Path, name: str, planned: Mapping[str, torch.Tensor]) -> None:
    """Refuse, before allocating it, a network of more than MAX_PARAMETERS values (parameters and buffers)."""
    count = sum(tensor.numel() for tensor in planned.values())
    if count > MAX_PARAMETERS:
        raise CheckpointError(f"{path}: its header describes a {name} of {count:,} values, over the "
                              f"{MAX_PARAMETERS:,} a checkpoint may ask for; refused before allocating it")


def require_tensors(path: str | Path, name: str, expected: Mapping[str, torch.Tensor]) -> None:
    """The file's `name.*` tensors have exactly the names, shapes and kinds (float or integer) of
    `expected` (a state_dict, real or planned); compared on the header, before any tensor is read."""
    prefix = name + "."
    stored = {key[len(prefix):]: value for key, value in stored_tensors(path).items() if key.startswith(prefix)}
    problems = [f"{key} is missing" for key in expected if key not in stored]
    problems += [f"{key} is not part of the network" for key in stored if key not in expected]
    for key, tensor in expected.items():
        if key not in stored:
            continue
        dtype, shape = stored[key]
        if shape != tuple(tensor.shape):
            problems.append(f"{key} has shape {list(shape)}, the network needs {list(tensor.shape)}")
        elif _is_float_code(dtype) != tensor.is_floating_point():
            problems.append(f"{key} is stored as {dtype}, the network needs {tensor.dtype}")
    if problems:
        more = f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""
        raise CheckpointError(f"{path}: its {name} weights do not fit the network its header describes: "
                              + "; ".join(problems[:3]) + more)


def checked_network(path: str | Path, name: str, make_config: Callable[[], object],
                    build: Callable[[object], torch.nn.Module]) -> tuple[object, torch.nn.Module]:
    """(config, network) from a header, for the small networks that have no schema of their own (the
    domain classifier, the latent encoder): the config must build, its planned size must be under
    MAX_PARAMETERS and its tensors must match the file's, all before any weight is allocated."""
    try:
        config = make_config()
        planned = planned_state(lambda: build(config))
    except (TypeError, ValueError, RuntimeError, OverflowError) as error:
        raise CheckpointError(f"{path}: its {name} settings do not describe a network this code builds: {error}") from None
    require_size(path, name, planned)
    require_tensors(path, name, planned)
    return config, build(config)


def _is_float_code(dtype: str) -> bool:
    return dtype.startswith("F") or dtype == "BF16"
