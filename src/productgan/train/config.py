"""The typed training configuration, saved in config.json and inside every checkpoint."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields

from productgan.errors import ProductGANError
from productgan.models.config import ModelConfig


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
    bf16: bool = True  # autocast on CUDA only
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
        resolution = self.model.resolution
        if resolution < 8 or resolution & (resolution - 1):
            problems.append(f"resolution must be a power of two >= 8 (32, 64, 128, 256), got {resolution}")
        if self.model.channels not in (1, 3):
            problems.append(f"channels must be 1 or 3, got {self.model.channels}")
        if self.batch < 1 or self.model.width < 1:
            problems.append("batch and width must be positive")
        if self.eval_extractor not in ("domain", "inception"):
            problems.append(f"eval extractor {self.eval_extractor!r} is not one of: domain, inception")
        if self.kimg is None and self.minutes is None:
            problems.append("set a budget: --kimg or --minutes")
        if problems:
            raise ProductGANError("invalid training settings: " + "; ".join(problems))

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "TrainConfig":
        """Rebuild from JSON, ignoring keys from newer versions so old code can still read it."""
        known = {f.name for f in fields(cls)}
        kwargs = {k: v for k, v in data.items() if k in known}
        model_known = {f.name for f in fields(ModelConfig)}
        model = ModelConfig(**{k: v for k, v in kwargs.pop("model", {}).items() if k in model_known})
        model.level_counts = tuple(model.level_counts)
        if "betas" in kwargs:
            kwargs["betas"] = tuple(kwargs["betas"])
        return cls(model=model, **kwargs)
