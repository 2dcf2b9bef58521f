"""Every setting of a learned enhancer in one place: what rebuilds the networks, and how they train.

Both dataclasses are stored as JSON in the checkpoint header, so a checkpoint alone rebuilds the
model (nanoGPT's habit) and a run can be resumed or audited from its file.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields

from productgan.enhance.degrade import RestoreDegradation, SRDegradation
from productgan.errors import ConfigError
from productgan.loop_kit.budget import Budget

TASK_SCALES = {"sr2": 2, "sr4": 4, "restore": 1}
# The U-Net works at full resolution, the RRDB trunk at LR: at equal width the U-Net costs ~6x more
# per crop, so it gets half the width (measured: ~0.2 s per fwd+bwd of 8 64-px crops on one core each).
DEFAULT_WIDTHS = {"sr": 32, "restore": 16}
PIXEL_KINDS = ("l1", "l2", "psnr")
# Restoration trains on whole photos shrunk so their short side is drawn from this range (area
# averaging): the source JPEG's own 8x8 blocks and grain vanish from the targets, and a crop shows
# as much of a product as a shop photo of that size does. (0, 0): full size, as super-resolution.
RESTORE_PHOTO_SIDE = (256, 384)
FULL_SIZE = (0, 0)
# What a checkpoint written before a setting existed trained with: its absence means this.
LEGACY = {"model": {"damage_planes": 0}, "weights": {"pixel_kind": "l1"}, "photo_side": FULL_SIZE,
          "pixel_warmup_steps": 0}
# Steps of squared error before the PSNR loss takes over: from the identity, squared error learns
# noise and JPEG fastest, and the PSNR loss then shuts the residual off on clean photos (the shipped
# first stage: 600 steps of L2, then PSNR; docs/ENHANCERS.md).
PSNR_WARMUP_STEPS = 600


def check_task(task: str) -> str:
    if task not in TASK_SCALES:
        raise ConfigError(f"unknown enhancement task {task!r}; choose one of {', '.join(TASK_SCALES)}")
    return task


@dataclass
class EnhanceModelConfig:
    """Network sizes. The defaults train on a CPU in minutes; tests shrink them further.

    sr tasks: an RRDB-lite generator (`blocks` residual-in-residual dense blocks of `width`
    channels, `growth` channels per dense layer) and a U-Net discriminator with spectral norm.
    restore: a pix2pix U-Net generator `depth` levels deep and a PatchGAN discriminator; prior=1
    adds a classical denoise of the input to what the U-Net sees.
    """

    task: str = "sr4"
    channels: int = 3
    width: int | None = None  # None: the task's default, DEFAULT_WIDTHS
    growth: int = 16
    blocks: int = 1
    dense_layers: int = 4
    depth: int = 3
    disc_width: int = 16
    prior: int = 0  # restore: 1 = also show the U-Net a non-local-means denoise of its input (networks.denoised_prior)
    # restore: 1 = also show the U-Net the whole photo's noise and JPEG blockiness (enhance/damage.py)
    # as constant planes; None: 1 for restore, 0 for sr. Checkpoints from before it rebuild with 0.
    damage_planes: int | None = None

    def __post_init__(self) -> None:
        check_task(self.task)
        if self.width is None:
            self.width = DEFAULT_WIDTHS["restore" if self.task == "restore" else "sr"]
        if self.damage_planes is None:
            self.damage_planes = int(self.task == "restore")
        if self.damage_planes and self.task != "restore":
            raise ConfigError("damage planes are for restoration: super-resolution keeps the noise it is given")

    @property
    def scale(self) -> int:
        return TASK_SCALES[self.task]


@dataclass
class LossWeights:
    """Generator loss = pixel * pixel loss + feature * feature distance + adversarial * GAN loss.

    The ratio follows ESRGAN/pix2pix: the pixel loss dominates, the GAN term is small and only
    switched on after a pixel-loss-only warm-up, so the adversary sharpens a net that already reconstructs.
    """

    pixel: float = 1.0
    feature: float = 0.05
    adversarial: float = 0.005
    # restore: extra pixel-loss weight on damaged pixels, a few % of a crop yet what restoring is for
    repair: float = 4.0
    # restore: > 0 divides each crop's L1 by (its input's L1 + relative), so a crop counts by the share
    # of its damage left, not by its size (train.pixel_loss). Off by default: at 500-750 steps on luma
    # it slowed learning exposure and still left JPEG and noise untouched (docs/ENHANCERS.md).
    relative: float = 0.0
    # "l1", "l2" (mean squared error) or "psnr" (minus the mean PSNR per crop, floored at 50 dB).
    # None: psnr (after pixel_warmup_steps of l2) for restore, l1 for sr. Restoration starts as the
    # identity, where L1's gradient on zero-mean noise is a sign that cancels out: with L1 the
    # restorer stayed the identity on JPEG and noise for 2800 steps. L2 learns them (noise +2.7 dB in
    # 600 steps) but smooths clean photos (45 dB); PSNR weighs each crop by its own error, so a clean
    # photo left alone stays at the cap (60 dB on held-out luma) while noise and JPEG are learned
    # (docs/ENHANCERS.md). Checkpoints from before it: l1.
    pixel_kind: str | None = None

    def __post_init__(self) -> None:
        if self.pixel_kind not in (None, *PIXEL_KINDS):
            raise ConfigError(f"pixel loss {self.pixel_kind!r} is not one of {', '.join(PIXEL_KINDS)}")


@dataclass
class EnhanceTrainConfig:
    """A training run. Budget: `steps`, `minutes`, or both (whichever ends first).

    crop is the HR (sr) or clean (restore) crop side in pixels; for sr it must divide by the scale.
    warmup_steps of L1 only come before the discriminator starts. repair_mask_probability: how often
    restoration is shown where the damage is (as a user's painted mask would), so one model serves
    both blind restoration and masked repair. classifier: a domain classifier
    file (productgan.metrics.domain) whose frozen convolutional features give the feature loss;
    without one the feature loss is discriminator feature matching.
    """

    data: str
    out: str
    model: EnhanceModelConfig = field(default_factory=EnhanceModelConfig)
    crop: int = 64
    batch: int = 8
    steps: int | None = None
    minutes: float | None = 8.0
    lr: float = 2e-4
    lr_discriminator: float = 2e-4
    warmup_steps: int = 300
    weights: LossWeights = field(default_factory=LossWeights)
    seed: int = 0
    holdout_fraction: float = 0.2
    device: str = "auto"
    classifier: str | None = None
    sr_degradation: SRDegradation = field(default_factory=SRDegradation)
    restore_degradation: RestoreDegradation = field(default_factory=lambda: RestoreDegradation(clean_probability=0.15))
    repair_mask_probability: float = 0.5
    checkpoint_every: int = 200
    sample_every: int = 200
    log_every: int = 20
    validation_crops: int = 16
    # restore: (low, high) short side in px the whole photo is shrunk to before it is damaged and
    # cropped; None: RESTORE_PHOTO_SIDE for restore, FULL_SIZE for sr (which always trains full size).
    photo_side: tuple[int, int] | None = None
    # An enhancer checkpoint of the same task whose generator this run starts from (train.warm_start).
    init_from: str | None = None
    # With the psnr pixel loss: this many first steps use squared error; None: PSNR_WARMUP_STEPS.
    pixel_warmup_steps: int | None = None

    def __post_init__(self) -> None:
        if self.steps is None and self.minutes is None:
            raise ConfigError("set steps or minutes (or both): the training budget")
        self._resolve_task_defaults()
        low, high = self.photo_side
        if self.photo_side != FULL_SIZE and (self.task != "restore" or not self.crop <= low <= high):
            raise ConfigError(f"photo_side {self.photo_side} must be (0, 0) (full size), or for restore a range "
                              f"(low, high) with crop {self.crop} <= low <= high")
        # The discriminators halve the crop three times (the U-Net D adds its skips back; the PatchGAN
        # needs 32 px for one logit); a multiple of 8 is also a multiple of every scale (1, 2, 4).
        if self.crop % 8 or self.crop < 32:
            raise ConfigError(f"crop {self.crop} must be a multiple of 8 (so of the scale {self.model.scale}) and at least 32")
        if not 0.0 <= self.repair_mask_probability <= 1.0:
            raise ConfigError(f"repair_mask_probability must be in [0, 1], got {self.repair_mask_probability}")
        if not 0.0 < self.holdout_fraction < 1.0:
            raise ConfigError(f"holdout_fraction must be in (0, 1), got {self.holdout_fraction}")

    def _resolve_task_defaults(self) -> None:
        """None means the task's default: written out here, so the checkpoint records what was used."""
        restore = self.task == "restore"
        if self.weights.pixel_kind is None:
            self.weights.pixel_kind = "psnr" if restore else "l1"
        if self.pixel_warmup_steps is None:
            self.pixel_warmup_steps = PSNR_WARMUP_STEPS if self.weights.pixel_kind == "psnr" else 0
        self.photo_side = tuple(self.photo_side if self.photo_side is not None else
                                RESTORE_PHOTO_SIDE if restore else FULL_SIZE)

    @property
    def task(self) -> str:
        return self.model.task

    @property
    def budget(self) -> Budget:
        """When the run stops: after `steps` or `minutes` of training, whichever comes first."""
        return Budget(steps=self.steps, minutes=self.minutes)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, values: dict) -> "EnhanceTrainConfig":
        """Rebuild from to_dict()'s output (JSON turns tuples into lists; dataclasses are rebuilt)."""
        nested = {"model": EnhanceModelConfig, "weights": LossWeights,
                  "sr_degradation": SRDegradation, "restore_degradation": RestoreDegradation}
        known = {f.name for f in fields(cls)}
        kwargs = {key: value for key, value in values.items() if key in known}
        for key, legacy in LEGACY.items():
            if isinstance(legacy, dict) and isinstance(kwargs.get(key), dict):
                kwargs[key] = {**legacy, **kwargs[key]}
            elif not isinstance(legacy, dict) and key not in kwargs:
                kwargs[key] = legacy
        for key, kind in nested.items():
            if key in kwargs:
                kwargs[key] = _rebuild(kind, kwargs[key])
        return cls(**kwargs)


def _rebuild(kind: type, values: dict):
    return kind(**{key: tuple(value) if isinstance(value, list) else value for key, value in values.items()})
