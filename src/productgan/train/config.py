"""The typed training configuration, saved in config.json and inside every checkpoint."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Iterable

from productgan.errors import ConfigError
from productgan.loop_kit.budget import Budget
from productgan.loop_kit.resume import chosen_settings, resume_conflicts
from productgan.models.config import ModelConfig

# What a resumed run may change: its budget, where it runs and how often it writes. Everything else
# (data, model, optimiser, seed, ...) is the checkpoint's, and a different value given is refused.
RESUME_MAY_CHANGE = frozenset({"kimg", "minutes", "out", "device", "compile", "sample_every_kimg",
                               "checkpoint_every_kimg", "threads"})
# Settings whose default changed: a config saved before they existed ran with these values, so a
# resumed or reloaded old run keeps its recipe instead of silently taking the new default.
LEGACY_DEFAULTS = {"diversity_weight": 0.0}
# Filled in from the catalog at the start of a run, never set by the user.
DERIVED_SETTINGS = frozenset({"model.level_counts"})


@dataclass
class TrainConfig:
    """Every hyper-parameter of a run in one place (nanoGPT-style), with the defaults we measured best.

    Stopping: at `kimg` thousand real images shown, or after `minutes` of wall time, whichever
    comes first; at least one must be set.
    """

    data: str = "builtin:catalog"
    out: str = "runs/default"
    condition: list[str] = field(default_factory=list)
    min_count: int = 1
    model: ModelConfig = field(default_factory=ModelConfig)
    batch: int = 32
    kimg: float | None = None
    minutes: float | None = None
    seed: int = 0
    lr_g: float = 2e-4
    lr_d: float = 2e-4
    betas: tuple[float, float] = (0.0, 0.99)
    loss: str = "hinge"  # hinge | nsgan | rpgan | wgan
    r1_gamma: float = 0.0  # R1 on reals (and R2 on fakes when r2 is set); 0 disables
    r2: bool = False
    gp_weight: float = 0.0  # WGAN-GP weight (for loss=wgan)
    diversity_weight: float = 1.0  # diversity-sensitive G term (DSGAN/MSGAN) against one product per label; 0 off
    lecam_weight: float = 0.0  # LeCam regulariser on D's logits (Tseng et al. 2021); 0 off
    cr_weight: float = 0.0  # consistency regularisation, |D(x) - D(augmented x)|^2 on reals (Zhang et al. 2020); 0 off
    ada_target: float = 0.0  # adaptive augmentation probability toward this mean sign of D(real) (ADA uses 0.6); 0: p = 1
    recon_weight: float = 0.0  # FastGAN's self-supervised D: L1 of D's decoded real images (needs model.d_reconstruction); 0 off
    class_weight: float = 0.0  # P2GAN's classification term: cross-entropy of D's level logits (reals: D, fakes: G); 0 off
    class_as_real: bool = False  # G's part of the term stops, per attribute, at D's cross-entropy on the real batch
    condition_transition_kimg: tuple[float, float] | None = None  # (start, end): the condition fades in between (Collapse by Conditioning); None: on from the start
    ada_kimg: float = 5.0  # how fast ADA's p may move: from 0 to 1 in this many kimg
    balance: str | None = None  # a conditioned attribute whose levels are drawn by sqrt-inverse frequency
    penalty_every: int = 4  # lazy regularisation interval (StyleGAN2)
    augment: list[str] = field(default_factory=lambda: ["translation", "cutout", "color"])
    ema_kimg: float = 2.0  # EMA half-life in thousands of images; 0 disables the EMA generator
    ema_rampup: float = 0.05
    d_steps: int = 1
    sample_every_kimg: float = 10.0
    eval_every_kimg: float = 0.0  # 0 disables; else FID & co. every this many kimg, best checkpoint kept
    eval_extractor: str = "domain"  # domain | inception
    eval_n: int = 1000
    inception_path: str | None = None
    eval_classifier: str | None = None  # a domain classifier file; default: trained once per catalog, cached
    checkpoint_every_kimg: float = 10.0
    grid_per_level: int = 8
    device: str = "auto"  # auto | cpu | cuda
    bf16: bool = True  # bf16 autocast on CUDA
    cpu_bf16: bool = False  # bf16 autocast on a CPU too (tests the GPU path; fast only on CPUs with AMX)
    threads: int | None = None  # CPU threads of torch; None: chosen by measurement and checked again (productgan/threads.py)
    compile: bool = False
    channels_last: bool = True

    def validate(self) -> None:
        """Reject impossible settings up front, with the valid choices, before any data is read."""
        from productgan.augment import OPS
        from productgan.losses import KINDS
        from productgan.models import FAMILIES

        problems = []
        if self.model.family not in FAMILIES:
            problems.append(f"model {self.model.family!r} is not one of: {', '.join(FAMILIES)}")
        if self.loss not in KINDS:
            problems.append(f"loss {self.loss!r} is not one of: {', '.join(KINDS)}")
        unknown_ops = [op for op in self.augment if op not in OPS]
        if unknown_ops:
            problems.append(f"augmentation {', '.join(unknown_ops)} unknown; available: {', '.join(OPS)}")
        try:  # the same bounds a checkpoint header is held to, so a run never writes one it cannot load
            ModelConfig.from_dict(asdict(self.model))
        except ValueError as error:
            problems.append(f"model: {error}")
        resolution = self.model.resolution
        if resolution < 8 or resolution & (resolution - 1):
            problems.append(f"resolution must be a power of two >= 8 (32, 64, 128, 256), got {resolution}")
        if self.model.channels not in (1, 3):
            problems.append(f"channels must be 1 or 3, got {self.model.channels}")
        if self.batch < 1 or self.model.width < 1:
            problems.append("batch and width must be positive")
        if self.eval_extractor not in ("domain", "inception"):
            problems.append(f"eval extractor {self.eval_extractor!r} is not one of: domain, inception")
        if not all(0 <= weight < 1e3 for weight in (self.diversity_weight, self.lecam_weight, self.cr_weight)):
            problems.append("diversity, LeCam and consistency weights must be finite and >= 0")
        if not 0 <= self.recon_weight < 1e3:
            problems.append(f"recon_weight must be finite and in [0, 1000), got {self.recon_weight}")
        if (self.recon_weight > 0) != bool(self.model.d_reconstruction):
            problems.append(f"recon_weight {self.recon_weight} and model d_reconstruction {self.model.d_reconstruction} "
                            "disagree: the decoders train only with a weight > 0, and a weight needs the decoders "
                            "(--recon-weight sets both)")
        if not 0 <= self.class_weight < 1e3:
            problems.append(f"class_weight must be finite and in [0, 1000), got {self.class_weight}")
        if self.class_weight > 0 and not self.condition:
            problems.append("class_weight needs conditioning attributes (--condition): it classifies their levels")
        if self.class_as_real and self.class_weight <= 0:
            problems.append("class_as_real needs class_weight > 0: it changes how the classification term reaches G")
        if self.class_weight > 0 and self.recon_weight > 0:
            problems.append("class_weight and recon_weight cannot be combined yet: both need D's real pass "
                            "and only one of them runs it")
        if not (0 <= self.ada_target < 1 and 0 < self.ada_kimg < 1e6):
            problems.append("ADA's target must be in [0, 1) and its speed (ada_kimg) positive")
        if (self.cr_weight > 0 or self.ada_target > 0) and not self.augment:
            problems.append("consistency regularisation and ADA need an augmentation policy (--augment)")
        problems += self._transition_problems()
        if self.balance is not None and self.balance not in self.condition:
            problems.append(f"balance {self.balance!r} must be one of the conditioned attributes: {', '.join(self.condition) or 'none'}")
        if self.threads is not None and self.threads < 1:
            problems.append(f"threads must be >= 1, got {self.threads}")
        if self.kimg is None and self.minutes is None:
            problems.append("set a budget: --kimg or --minutes")
        if problems:
            raise ConfigError("invalid training settings: " + "; ".join(problems))

    def _transition_problems(self) -> list[str]:
        if self.condition_transition_kimg is None:
            return []
        start, end = self.condition_transition_kimg
        if not 0 <= start < end < 1e6:
            return [f"condition transition {start:g}-{end:g} kimg: need 0 <= start < end"]
        if not self.condition:
            return ["condition_transition_kimg needs conditioning attributes (--condition): it fades them in"]
        if self.kimg is not None and end > self.kimg:
            return [f"the condition transition ends at {end:g} kimg, after the {self.kimg:g}-kimg budget: "
                    "the checkpoint would draw at a strength it never trained at"]
        return []

    @property
    def budget(self) -> Budget:
        """When the run stops: at kimg thousand images or after minutes, whichever comes first."""
        return Budget(kimg=self.kimg, minutes=self.minutes)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "TrainConfig":
        """Rebuild from JSON, ignoring keys from newer versions so old code can still read it."""
        known = {f.name for f in fields(cls)}
        kwargs = LEGACY_DEFAULTS | {k: v for k, v in data.items() if k in known}
        model = ModelConfig.from_saved(kwargs.pop("model", {}))
        for name in ("betas", "condition_transition_kimg"):  # JSON keeps tuples as lists
            if kwargs.get(name) is not None:
                kwargs[name] = tuple(kwargs[name])
        return cls(model=model, **kwargs)

    def resume_conflicts(self, saved: "TrainConfig", given: Iterable[str] | None = None) -> list[str]:
        """The settings chosen in this config that a resume from `saved` would ignore (see resume_conflicts)."""
        return resume_conflicts(saved, self, given, RESUME_MAY_CHANGE | DERIVED_SETTINGS)

    def take_resumable(self, saved: "TrainConfig", given: Iterable[str] | None = None) -> "TrainConfig":
        """saved, with this config's budget and those other settings a resumed run may change that
        were chosen (given; None: those away from their defaults), so an unset option keeps the run's."""
        chosen = chosen_settings(self, given) | {"kimg", "minutes", "out"}
        for name in RESUME_MAY_CHANGE & chosen:
            setattr(saved, name, getattr(self, name))
        return saved
