"""Checkpoint I/O: one safetensors file holding weights, optimiser state and the JSON that rebuilds them.

The config, attribute vocabularies and code version live in the safetensors header metadata, so a
single file is enough to generate (no data, no config file) and a write is atomic (temp + rename).
Nothing is ever unpickled.
"""

from __future__ import annotations

import json
import math
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

import torch
from safetensors import safe_open
from safetensors.torch import save
from torch.overrides import TorchFunctionMode

from productgan.atomic import write_atomic
from productgan.errors import CheckpointError
from productgan.models import create_discriminator, create_generator
from productgan.models.config import ModelConfig
from productgan.version import code_version

FORMAT = "productgan-checkpoint/1"
CHECKPOINT_NAME = "checkpoint.safetensors"
# The most values (parameters plus buffers) one network in a checkpoint may have: 4 GB of float32,
# some 30x the largest model `productgan train` builds at 1024 px. A header asking for more is
# refused before anything is allocated (a forged one once made the loader try 4.4 TB).
MAX_PARAMETERS = 1_000_000_000


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
    """Read only the header, validated: cheap, and enough to rebuild the models.

    Every loader goes through here, so a damaged or hostile header is one CheckpointError naming the
    file, raised before any tensor or network exists. A GAN checkpoint (no `kind` in extra, a model
    section in config) is also checked against its model: levels against level_counts, label
    combinations in range, and the parameter count its config asks for against MAX_PARAMETERS.
    Other kinds check their own config in their loader, after checking the kind.
    """
    path = resolve_checkpoint(path)
    header = _read_header(path)
    if header.get("format") != FORMAT:
        raise CheckpointError(f"{path} is not a productgan checkpoint (format {header.get('format')!r})")
    meta = parse_meta(header.get("meta"), path)
    if meta.extra.get("kind") is None and "model" in meta.config:
        _check_gan_header(meta, path)
    return meta


class HeaderSection(dict):
    """A JSON object from a header: reading a key it lacks is a CheckpointError naming the file, not a
    KeyError traceback, wherever a caller indexes it (meta.config["model"]["family"], meta.extra[...])."""

    def __init__(self, values=(), path: str | Path = "checkpoint", where: str = "section"):
        # Defaults and pairs too: dataclasses.asdict and copy rebuild a dict subclass as type(d)(pairs).
        super().__init__({key: HeaderSection(value, path, f"{where}.{key}") if isinstance(value, dict) else value
                          for key, value in dict(values).items()})
        self.path, self.where = path, where

    def __missing__(self, key: object):
        raise CheckpointError(f"{self.path}: its header {self.where} has no {key!r:.60}")


def _read_header(path: Path) -> dict[str, str]:
    try:
        with safe_open(str(path), framework="pt") as handle:
            return handle.metadata() or {}
    except Exception as error:  # safetensors raises several types for a damaged file
        raise CheckpointError(f"{path} is not a readable safetensors checkpoint: {error}") from error


def _check_gan_header(meta: CheckpointMeta, path: Path) -> ModelConfig:
    """The GAN-specific part of the schema; returns the validated model config."""
    model = gan_model_config(meta, path)
    _require(path, _gan_problems(meta, model))
    # Spectral norm adds two vectors per layer and its power iteration has no cheap meta kernel,
    # so the count is taken without it.
    plain = replace(model, g_spectral_norm=False, d_spectral_norm=False)
    for role, build in (("generator", create_generator), ("discriminator", create_discriminator)):
        require_size(path, role, planned_state(lambda: build(plain)))
    return model


def gan_model_config(meta: CheckpointMeta, path: str | Path) -> ModelConfig:
    """The model config of a GAN checkpoint's header, type- and range-checked (CheckpointError if not)."""
    model = meta.config.get("model")
    if model is None:
        raise CheckpointError(f"{path}: its header config has no 'model' section")
    try:
        return ModelConfig.from_dict(model)
    except ValueError as error:
        raise CheckpointError(f"{path}: invalid model config in its header: {error}") from None


def require_architecture(meta: CheckpointMeta, path: str | Path) -> None:
    """Refuse a checkpoint of another kind, and weights made by an older version of a model family's
    code, which would otherwise load without error into a network that computes something else."""
    from productgan.models import ARCHITECTURE_VERSIONS

    kind = meta.extra.get("kind")
    if kind is not None:
        raise CheckpointError(f"{path} is a {str(kind)[:40]!r} checkpoint, not a GAN trained by `productgan train`")
    family = gan_model_config(meta, path).family
    saved, current = meta.extra.get("architecture_version", 1), ARCHITECTURE_VERSIONS.get(family)
    if saved != current:
        raise CheckpointError(
            f"{path} holds a {family!r} model of architecture version {saved} (code {meta.code_version}); "
            f"this code builds version {current}: retrain, or use the productgan version that wrote it"
        )


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


def stored_tensors(path: str | Path) -> dict[str, tuple[str, tuple[int, ...]]]:
    """name -> (safetensors dtype code such as 'F32', shape) of every tensor, read from the header alone."""
    path = resolve_checkpoint(path)
    try:
        with safe_open(str(path), framework="pt") as handle:
            return {key: (handle.get_slice(key).get_dtype(), tuple(handle.get_slice(key).get_shape()))
                    for key in handle.keys()}
    except Exception as error:  # safetensors raises several types for a damaged file
        raise CheckpointError(f"{path} is not a readable safetensors checkpoint: {error}") from error


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


def load_tensors(path: str | Path, prefix: str | None = None, device: str = "cpu") -> dict[str, torch.Tensor]:
    """Load tensors whose name starts with prefix (all when None)."""
    path = resolve_checkpoint(path)
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


# ----------------------------------------------------------------------------- the header's schema
MAX_NAME_LENGTH = 1000


def parse_meta(text: object, path: str | Path) -> CheckpointMeta:
    """The header's `meta` entry as a CheckpointMeta, or one CheckpointError naming the file and the problem.

    Unknown keys are refused: CheckpointMeta would not know where to put them, and a newer writer
    means fields this code would silently drop.
    """
    if not isinstance(text, str):
        raise CheckpointError(f"{path}: its header has no 'meta' entry")
    try:
        values = json.loads(text)
    except (ValueError, RecursionError) as error:
        raise CheckpointError(f"{path}: its header 'meta' is not JSON ({str(error)[:120]})") from None
    if not isinstance(values, dict):
        raise CheckpointError(f"{path}: its header 'meta' is not a JSON object")
    known = [f.name for f in fields(CheckpointMeta)]
    unknown = [key for key in values if key not in known]
    if unknown:
        raise CheckpointError(f"{path}: unknown header key {', '.join(repr(k[:40]) for k in unknown[:3])} "
                              f"(written by another productgan version? this code reads: {', '.join(known)})")
    missing = [key for key in ("config", "condition_names", "levels") if key not in values]
    if missing:
        raise CheckpointError(f"{path}: its header lacks {', '.join(map(repr, missing))}")
    _require(path, _envelope_problems(values))
    meta = CheckpointMeta(**values)
    meta.config, meta.extra = HeaderSection(meta.config, path, "config"), HeaderSection(meta.extra, path, "extra")
    return meta


def _require(path: str | Path, problems: list[str]) -> None:
    if problems:
        more = f" (and {len(problems) - 3} more)" if len(problems) > 3 else ""
        raise CheckpointError(f"{path}: invalid header: " + "; ".join(problems[:3]) + more)


def _is_count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _is_duration(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value) and value >= 0


def _name_problem(what: str, name: object) -> str | None:
    """Attribute and level names end up in file names, terminals and HTML: printable text only."""
    if not isinstance(name, str):
        return f"{what} {name!r:.60} is not a string"
    if len(name) > MAX_NAME_LENGTH:
        return f"{what} {name[:40]!r}... is longer than {MAX_NAME_LENGTH} characters"
    if any(unicodedata.category(character) == "Cc" for character in name):
        return f"{what} {name[:60]!r} holds a control character"
    return None


def _names_problems(what: str, names: object, limit: int) -> list[str]:
    if not isinstance(names, list):
        return [f"{what}s must be a list, got {type(names).__name__}"]
    if len(names) > limit:
        return [f"{len(names)} {what}s, more than {limit}"]
    problems = [p for p in (_name_problem(what, name) for name in names) if p]
    if not problems and len(set(names)) != len(names):
        problems.append(f"{what}s repeat a name")
    return problems


def _envelope_problems(values: dict) -> list[str]:
    """What every kind of checkpoint shares: the config object, names and vocabularies, counters."""
    from productgan.models.config import MAX_ATTRIBUTES, MAX_LEVELS

    problems = []
    if not isinstance(values["config"], dict):
        problems.append("config is not a JSON object")
    names, levels = values["condition_names"], values["levels"]
    problems += _names_problems("attribute", names, MAX_ATTRIBUTES)
    if not isinstance(levels, dict):
        problems.append("levels is not a JSON object")
    elif not problems and set(levels) != set(names):
        problems.append(f"levels name attributes {sorted(levels)[:5]} but condition_names are {names[:5]}")
    elif not problems:
        for name in names:
            problems += [f"{name!r}: {p}" for p in _names_problems("level", levels[name], MAX_LEVELS)]
            if levels[name] == []:
                problems.append(f"attribute {name!r} has no levels")
    for key in ("step", "images_seen"):
        if key in values and not _is_count(values[key]):
            problems.append(f"{key} {values[key]!r:.40} is not a non-negative integer")
    if "elapsed_s" in values and not _is_duration(values["elapsed_s"]):
        problems.append(f"elapsed_s {values['elapsed_s']!r:.40} is not a non-negative number")
    if "code_version" in values and not isinstance(values["code_version"], str):
        problems.append("code_version is not a string")
    optimizers = values.get("optimizers", {})
    if not isinstance(optimizers, dict) or not all(isinstance(groups, list) for groups in optimizers.values()):
        problems.append("optimizers is not an object of parameter-group lists")
    if not isinstance(values.get("extra", {}), dict):
        problems.append("extra is not a JSON object")
    return problems


def _gan_problems(meta: CheckpointMeta, model: ModelConfig) -> list[str]:
    """A GAN header against its own model: one vocabulary per embedding table, of its row count, and
    the observed label combinations (which `generate` samples from) inside those tables."""
    problems = []
    counts = list(model.level_counts)
    if len(counts) != len(meta.condition_names):
        problems.append(f"{len(meta.condition_names)} attributes but the model embeds {len(counts)}")
    else:
        problems += [f"attribute {name!r} has {len(meta.levels[name])} levels but the model embeds {count}"
                     for name, count in zip(meta.condition_names, counts) if len(meta.levels[name]) != count]
    if "ema_kimg" in meta.config and not _is_duration(meta.config["ema_kimg"]):
        problems.append(f"config ema_kimg {meta.config['ema_kimg']!r:.40} is not a non-negative number")
    if "min_count" in meta.config and not _is_count(meta.config["min_count"]):
        problems.append(f"config min_count {meta.config['min_count']!r:.40} is not a non-negative integer")
    if "data" in meta.config and not isinstance(meta.config["data"], str):
        problems.append("config data is not a string")
    version = meta.extra.get("architecture_version", 1)
    if not _is_count(version):
        problems.append(f"architecture_version {version!r:.40} is not an integer")
    return problems + (_combo_problems(meta.extra.get("label_combos", []), counts) if not problems else [])


def _combo_problems(combos: object, counts: list[int]) -> list[str]:
    if not isinstance(combos, list):
        return ["label_combos is not a list"]
    for row_and_count in combos:
        if not (isinstance(row_and_count, list) and len(row_and_count) == 2 and isinstance(row_and_count[0], list)):
            return [f"label combination {row_and_count!r:.60} is not [label ids, count]"]
        row, count = row_and_count
        if len(row) != len(counts) or not all(_is_count(i) and i < n for i, n in zip(row, counts)):
            return [f"label combination {row!r:.60} is out of range for level counts {counts}"]
        if not _is_count(count) or count < 1:
            return [f"label combination {row!r:.60} has count {count!r:.20}, not a positive integer"]
    return []


def restore_optimizers(optimizers: dict[str, torch.optim.Optimizer], tensors: dict, meta: CheckpointMeta) -> None:
    for name, optimizer in optimizers.items():
        if name not in meta.optimizers:
            raise CheckpointError(f"checkpoint holds no optimiser state for {name!r}; it cannot be resumed")
        try:
            _restore_optimizer(f"optim.{name}", optimizer, tensors, meta.optimizers[name])
        except (ValueError, KeyError, TypeError, RuntimeError) as error:
            raise CheckpointError(f"checkpoint's optimiser state for {name!r} does not fit this run: {error}") from None
