"""What a checkpoint header may say: CheckpointMeta, the envelope every kind shares, and a GAN's model.

A damaged or hostile header is one CheckpointError naming the file and the problem, raised before
any tensor or network exists. The kinds' own sections are checked by their loaders (enhance/
checkpoint.py, metrics/domain.py, edit/encoder.py) after kinds.read_meta has checked the kind.
"""

from __future__ import annotations

import json
import math
import unicodedata
from dataclasses import dataclass, field, fields, replace
from pathlib import Path

from productgan.checkpoint.shapes import planned_state, require_size
from productgan.errors import CheckpointError
from productgan.models import create_discriminator, create_generator
from productgan.models.config import MAX_ATTRIBUTES, MAX_LEVELS, ModelConfig
from productgan.version import code_version

MAX_NAME_LENGTH = 1000


@dataclass
class CheckpointMeta:
    """What a checkpoint says about itself (stored as JSON in the safetensors header).

    extra holds the kind-specific records; extra["kind"] names the kind (kinds.KINDS) and
    extra["architecture_version"] the version of its network code, both stamped on save.
    """

    config: dict
    condition_names: list[str]
    levels: dict[str, list[str]]
    step: int = 0
    images_seen: int = 0
    elapsed_s: float = 0.0
    code_version: str = field(default_factory=code_version)
    optimizers: dict = field(default_factory=dict)  # name -> param_groups (hyper-parameters only)
    extra: dict = field(default_factory=dict)


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
    require(path, _envelope_problems(values))
    meta = CheckpointMeta(**values)
    meta.config, meta.extra = HeaderSection(meta.config, path, "config"), HeaderSection(meta.extra, path, "extra")
    return meta


def require(path: str | Path, problems: list[str]) -> None:
    """One CheckpointError listing the first three problems, if there are any."""
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


# ------------------------------------------------------------------------------------ a GAN's header
def gan_model_config(meta: CheckpointMeta, path: str | Path) -> ModelConfig:
    """The model config of a GAN checkpoint's header, type- and range-checked (CheckpointError if not)."""
    model = meta.config.get("model")
    if model is None:
        raise CheckpointError(f"{path}: its header config has no 'model' section")
    try:
        return ModelConfig.from_dict(model)
    except ValueError as error:
        raise CheckpointError(f"{path}: invalid model config in its header: {error}") from None


def check_gan_header(meta: CheckpointMeta, path: str | Path) -> ModelConfig:
    """A GAN header against its own model: levels against level_counts, label combinations in range,
    and the parameter count its config asks for against MAX_PARAMETERS. Returns the model config."""
    model = gan_model_config(meta, path)
    require(path, _gan_problems(meta, model))
    # Spectral norm adds two vectors per layer and its power iteration has no cheap meta kernel,
    # so the count is taken without it.
    plain = replace(model, g_spectral_norm=False, d_spectral_norm=False)
    for role, build in (("generator", create_generator), ("discriminator", create_discriminator)):
        require_size(path, role, planned_state(lambda: build(plain)))
    return model


def _gan_problems(meta: CheckpointMeta, model: ModelConfig) -> list[str]:
    """One vocabulary per embedding table, of its row count, and the observed label combinations
    (which `generate` samples from) inside those tables."""
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
