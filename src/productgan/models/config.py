"""The typed model configuration saved inside every checkpoint, and the bounds a stored one must meet."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields

from productgan.errors import ConfigError

# What a checkpoint header may ask for. The bounds are generous (a 2048 px model with 16k channels
# passes) yet keep the arithmetic of building a network small; the checkpoint loader separately caps
# the parameter count (checkpoint.shapes.MAX_PARAMETERS) before allocating anything.
SUPPORTED_RESOLUTIONS = tuple(2**power for power in range(3, 12))  # 8 ... 2048
SUPPORTED_CHANNELS = (1, 3)
SIZE_RANGES = {"latent_dim": (1, 4096), "width": (1, 4096), "max_width": (1, 16384), "embed_dim": (1, 4096)}
MAX_ATTRIBUTES = 64
# Stored in every checkpoint since the first; a header lacking one was not written by productgan.
# The spectral-norm switches may default (d_spectral_norm None: the family's default).
REQUIRED_FIELDS = ("family", "resolution", "channels", "latent_dim", "width", "max_width", "embed_dim", "level_counts")
MAX_LEVELS = 100_000


@dataclass
class ModelConfig:
    """Everything needed to rebuild a generator/discriminator pair (weights come from safetensors).

    family: 'resnet' (the data-efficient default) or 'dcgan' (the articles' baseline).
    level_counts: number of levels of each conditioning attribute, in model order; empty means
    unconditional.
    """

    family: str = "resnet"
    resolution: int = 64
    channels: int = 3
    latent_dim: int = 128
    width: int = 64  # channel count at the highest resolution; lower resolutions use multiples
    max_width: int = 512
    embed_dim: int = 128  # size of the joint condition embedding fed to the generator
    level_counts: tuple[int, ...] = ()
    d_spectral_norm: bool | None = None  # None: the family's measured default (D_SPECTRAL_NORM_DEFAULT)
    g_spectral_norm: bool = False
    d_minibatch_std: bool | None = None  # StyleGAN's minibatch-std feature in D's last block; None: the family's default
    g_skip_excitation: bool = False  # FastGAN's skip-layer excitation in G: each block's features gate those two blocks on (resnet)
    d_reconstruction: bool = False  # FastGAN's self-supervised D: decoders rebuild real images from D's features (resnet, >= 16 px)

    def __post_init__(self) -> None:
        # Resolved here, so a saved config always holds an explicit value and old checkpoints keep theirs.
        if self.d_spectral_norm is None:
            self.d_spectral_norm = D_SPECTRAL_NORM_DEFAULT.get(self.family, True)
        if self.d_minibatch_std is None:
            self.d_minibatch_std = D_MINIBATCH_STD_DEFAULT.get(self.family, False)

    @classmethod
    def from_dict(cls, values: object) -> "ModelConfig":
        """Rebuild a stored config, refusing anything this code cannot build faithfully.

        Unlike TrainConfig.from_dict, unknown keys are refused: a model setting this code does not
        know would change the network, so ignoring it would load weights into the wrong computation.
        Raises ConfigError (a ValueError) naming the field and the problem.
        """
        if not isinstance(values, Mapping):
            raise ConfigError(f"the model config must be a JSON object, got {type(values).__name__}")
        known = {f.name for f in fields(cls)}
        unknown = sorted(str(key) for key in values if key not in known)
        if unknown:
            raise ConfigError(f"unknown model setting {', '.join(map(repr, unknown))} (this code knows: {', '.join(sorted(known))})")
        missing = [name for name in REQUIRED_FIELDS if name not in values]
        if missing:
            raise ConfigError(f"the model config lacks {', '.join(map(repr, missing))}")
        problems = _field_problems(values)
        if problems:
            raise ConfigError("; ".join(problems))
        return cls.from_saved(values)

    @classmethod
    def from_saved(cls, values: Mapping) -> "ModelConfig":
        """A stored config as it was trained: keys this code does not know are dropped (the caller
        decides whether that is allowed; from_dict refuses them first), and a setting whose default
        changed since takes the value it had when the config was written (LEGACY_MODEL_DEFAULTS)."""
        known = {f.name for f in fields(cls)}
        stored = {k: v for k, v in values.items() if k in known}
        return cls(**{**LEGACY_MODEL_DEFAULTS, **stored, "level_counts": tuple(stored.get("level_counts", ()))})


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _field_problems(values: Mapping) -> list[str]:
    """Type and range of every field present (absent ones take the dataclass default)."""
    from productgan.models import FAMILIES  # models/__init__ imports this module

    problems = []
    family = values.get("family", "resnet")
    if family not in FAMILIES:
        problems.append(f"family {family!r} is not one of: {', '.join(FAMILIES)}")
    resolution = values.get("resolution", 64)
    if not _is_int(resolution) or resolution not in SUPPORTED_RESOLUTIONS:
        problems.append(f"resolution {resolution!r} is not one of {', '.join(map(str, SUPPORTED_RESOLUTIONS))}")
    channels = values.get("channels", 3)
    if not _is_int(channels) or channels not in SUPPORTED_CHANNELS:
        problems.append(f"channels {channels!r} is not 1 or 3")
    for name, (low, high) in SIZE_RANGES.items():
        value = values.get(name, low)
        if not _is_int(value) or not low <= value <= high:
            problems.append(f"{name} {value!r} is not an integer in [{low}, {high}]")
    problems += _level_count_problems(values.get("level_counts", ()))
    if values.get("d_reconstruction") is True and (family != "resnet" or not _is_int(resolution) or resolution < 16):
        problems.append(f"d_reconstruction needs the resnet family at 16 px or more (it decodes D's 16x16 and 8x8 "
                        f"features), got {family!r} at {resolution!r} px")
    for name in ("d_spectral_norm", "g_spectral_norm", "d_minibatch_std", "g_skip_excitation", "d_reconstruction"):
        value = values.get(name, False)
        if not (isinstance(value, bool) or (value is None and name in ("d_spectral_norm", "d_minibatch_std"))):
            problems.append(f"{name} {value!r} is not true or false")
    return problems


def _level_count_problems(counts: object) -> list[str]:
    if not isinstance(counts, (list, tuple)):
        return [f"level_counts must be a list of integers, got {type(counts).__name__}"]
    if len(counts) > MAX_ATTRIBUTES:
        return [f"level_counts names {len(counts)} attributes, more than {MAX_ATTRIBUTES}"]
    bad = [count for count in counts if not _is_int(count) or not 1 <= count <= MAX_LEVELS]
    return [f"level_counts {bad[:3]!r} are not integers in [1, {MAX_LEVELS}]"] if bad else []


# Spectral norm in D per family. resnet: off, because the side-by-side at equal training time
# measured lower FID without it in all three runs made (docs/BENCHMARKS.md, "spectral norm");
# dcgan: on, the baseline as it was measured.
D_SPECTRAL_NORM_DEFAULT = {"resnet": False, "dcgan": True}
# Minibatch std in D per family. resnet: on since December 2026, because at equal work it lowered
# FID and raised coverage and variety on both seeds of the demo's catalog and raised recall and
# lowered KID on both seeds of luma 32 px (docs/BENCHMARKS.md, "recipe candidates"); dcgan has no
# such layer.
D_MINIBATCH_STD_DEFAULT = {"resnet": True, "dcgan": False}
# Model settings whose default changed: a stored config without them was trained with these values.
LEGACY_MODEL_DEFAULTS = {"d_minibatch_std": False}
