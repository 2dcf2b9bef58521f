"""Training a learned enhancer (x2/x4 super-resolution or restoration) on a catalog's own photos.

Read top to bottom: photos are read at full size and split by product; each step cuts random crops
from training photos, degrades them (enhance/degrade.py) and teaches the generator to undo the
damage. Restoration damages the whole photo, shrunk to a shop photo's size, and then crops it, so
the damage measures it is told (enhance/damage.py) are read as in use. The generator learns from
its pixel loss alone for `warmup_steps` (ESRGAN's PSNR-oriented start: L1 for super-resolution,
squared error or PSNR for restoration, config.LossWeights says why), then
a discriminator joins with a small adversarial weight and a feature loss: discriminator feature
matching, or the frozen features of a domain classifier when one is given (no VGG: its weights
cannot be downloaded here, and a classifier trained on the catalog knows product photos better).

Reproducible: step k's crops and degradations come from numpy's Generator seeded with (seed, k), and
the checkpoint holds every weight and optimiser state, so a run killed and resumed from its last
checkpoint ends with the same weights as one never interrupted.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Iterable

import numpy as np
import torch
import torch.nn.functional as F

from productgan.checkpoint import CHECKPOINT_NAME, load_module, load_tensors, restore_optimizers
from productgan.data.catalog import SkippedFile
from productgan.data.split import split_by_product
from productgan.enhance.checkpoint import HeldOut, read_enhancer_meta, save_enhancer
from productgan.enhance.config import FULL_SIZE, EnhanceTrainConfig
from productgan.enhance.degrade import degrade_for_restore, degrade_for_sr
from productgan.enhance.networks import build_discriminator, build_generator, discriminator_input, image_statistics
from productgan.enhance.photos import (content_window, context_thumbnail, random_crop, read_catalog_photos,
                                       shrunk_photo, whole_photo_statistics)
from productgan.enhance.repair import inpaint
from productgan.device import resolve_device
from productgan.errors import ProductGANError, TrainingDiverged
from productgan.imaging import tensor_to_uint8, uint8_to_tensor
from productgan.loop_kit import (
    BudgetProgress, GracefulStop, RunLog, Usage, catalog_location, chosen_settings, resume_conflicts, write_run_config,
)
from productgan.losses import discriminator_loss, generator_loss
from productgan.metrics.fidelity import tensor_psnr
from productgan.photo_io import write_photo

VALIDATION_PSNR_CAP = 60.0  # dB, as enhance.measure.PSNR_CAP
# The "psnr" pixel loss stops pulling near 50 dB: a crop restored that well is done, and a clean
# crop left at the identity (MSE ~0) must not weigh without bound.
PSNR_FLOOR_MSE = 1e-5
GAN_LOSS = "nsgan"  # the logistic loss of ESRGAN/pix2pix, per pixel (U-Net D) or per patch (PatchGAN)
# What a resumed run may change; every other setting is the checkpoint's (a different one is refused).
RESUME_MAY_CHANGE = ("out", "steps", "minutes", "device")
VALIDATION_SEED = 2**31 - 1  # a stream no training step uses: step seeds are (seed, k) with k < 2**31 - 1


@dataclass
class EnhanceResult:
    """What a finished (or interrupted) run reports."""

    checkpoint: Path
    step: int
    images_seen: int
    elapsed_s: float
    images_per_s: float
    losses: dict[str, float]
    validation: dict[str, float]
    train_photos: int
    holdout_photos: int
    skipped: list[SkippedFile]
    stopped: str = "budget"  # 'budget' | 'interrupted' (Ctrl-C) | 'terminated' (SIGTERM)


# ------------------------------------------------------------------------------------------ data
@dataclass
class Batch:
    """Degraded inputs, clean targets (float NCHW in [-1, 1]) and, for restoration (None for
    super-resolution): the exposure statistics of the whole damaged photos the crops came from,
    the repair planes the generator is shown (the damage, or zeros when it must find it), and
    where the damage truly is (for the loss)."""

    inputs: torch.Tensor
    targets: torch.Tensor
    statistics: torch.Tensor | None
    repair: torch.Tensor | None = None
    damage: torch.Tensor | None = None


class Photos:
    """Training or held-out photos with the thumbnails their whole-photo statistics are read from."""

    def __init__(self, photos: list[np.ndarray]):
        self.photos = photos
        self.thumbnails = [context_thumbnail(photo) for photo in photos]

    def __len__(self) -> int:
        return len(self.photos)


def make_batch(config: EnhanceTrainConfig, photos: Photos, rng: np.random.Generator, count: int,
               device: torch.device) -> Batch:
    """count (degraded input, clean target) crop pairs from random photos."""
    if config.task == "restore" and config.photo_side != FULL_SIZE:
        return _whole_photo_restore_batch(config, photos, rng, count, device)
    inputs, targets, contexts, damage, shown = [], [], [], [], []
    for index in rng.integers(len(photos), size=count):
        target = random_crop(photos.photos[int(index)], config.crop, rng)
        if config.task == "restore":
            damaged = degrade_for_restore(target, rng, config.restore_degradation, photos.thumbnails[int(index)])
            damage.append(damaged.repair_mask > 0)
            shown.append(rng.random() < config.repair_mask_probability)
            # Shown damage arrives prefilled by OpenCV, exactly as LearnedEnhancer prefills a user's mask.
            inputs.append(inpaint(damaged.image, damage[-1]) if shown[-1] else damaged.image)
            contexts.append(uint8_to_tensor([damaged.context], device))
        else:
            inputs.append(degrade_for_sr(target, config.model.scale, rng, config.sr_degradation))
        targets.append(target)
    if not contexts:
        return Batch(uint8_to_tensor(inputs, device), uint8_to_tensor(targets, device), None)
    statistics = torch.cat([image_statistics(context) for context in contexts])
    return _restore_batch(inputs, targets, statistics, damage, shown, device)


def _whole_photo_restore_batch(config: EnhanceTrainConfig, photos: Photos, rng: np.random.Generator, count: int,
                               device: torch.device) -> Batch:
    """Restoration pairs as a user's photo arrives: the whole (shrunk) photo is damaged, its
    statistics are read from all of it, and then the crop is cut (the same window of both)."""
    inputs, targets, statistics, damage, shown = [], [], [], [], []
    for index in rng.integers(len(photos), size=count):
        photo = shrunk_photo(photos.photos[int(index)], config.photo_side, rng)
        damaged = degrade_for_restore(photo, rng, config.restore_degradation)
        statistics.append(whole_photo_statistics(damaged.image, bool(config.model.damage_planes), device))
        top, left = content_window(photo, config.crop, rng)
        window = (slice(top, top + config.crop), slice(left, left + config.crop))
        damage.append(np.ascontiguousarray(damaged.repair_mask[window]) > 0)
        shown.append(rng.random() < config.repair_mask_probability)
        crop = np.ascontiguousarray(damaged.image[window])
        inputs.append(inpaint(crop, damage[-1]) if shown[-1] else crop)
        targets.append(np.ascontiguousarray(photo[window]))
    return _restore_batch(inputs, targets, torch.cat(statistics), damage, shown, device)


def _restore_batch(inputs: list[np.ndarray], targets: list[np.ndarray], statistics: torch.Tensor,
                   damage: list[np.ndarray], shown: list[bool], device: torch.device) -> Batch:
    truth = torch.from_numpy(np.stack(damage)[:, None]).to(device).float()
    repair = truth * torch.tensor(shown, dtype=truth.dtype, device=device)[:, None, None, None]
    return Batch(uint8_to_tensor(inputs, device), uint8_to_tensor(targets, device), statistics, repair, truth)


def pixel_loss(outputs: torch.Tensor, targets: torch.Tensor, damage: torch.Tensor | None, repair_weight: float,
               inputs: torch.Tensor | None = None, relative: float = 0.0, kind: str = "l1") -> torch.Tensor:
    """L1 (kind "l1") or squared error ("l2"), with the damaged pixels (when known) weighted 1 + repair_weight.

    With inputs and relative > 0, each crop's L1 is divided by (the input's L1 + relative): the
    share of its damage left. The idea: in a plain mean, a dark photo or a hole (input error ~0.3-1
    in [-1, 1] units) pulls the shared weights its way more coherently than JPEG blocking or noise
    (~0.02-0.05); a clean crop (input error 0) weighs 1/relative, so leaving it alone matters.
    Measured on luma it did not make JPEG or noise learnable within 750 steps (docs/ENHANCERS.md).
    """
    error = (outputs - targets).abs() if kind == "l1" else (outputs - targets) ** 2
    if damage is not None:
        error = error * (1.0 + repair_weight * damage)
    if kind == "psnr":  # minus the mean PSNR per crop (in dB, peak-to-peak 2), floored as the benches cap it
        return (10.0 * torch.log10(error.flatten(1).mean(1) / 4.0 + PSNR_FLOOR_MSE)).mean()
    if inputs is None or relative <= 0:
        return error.mean()
    reference = ((inputs - targets).abs() if kind == "l1" else (inputs - targets) ** 2).flatten(1).mean(1)
    return (error.flatten(1).mean(1) / (reference + relative)).mean() * relative


def baseline(config: EnhanceTrainConfig, inputs: torch.Tensor) -> torch.Tensor:
    """What the model must beat at equal input: bicubic upsampling (sr) or the damaged input (restore)."""
    if config.model.scale == 1:
        return inputs
    return F.interpolate(inputs, scale_factor=config.model.scale, mode="bicubic", align_corners=False).clamp(-1, 1)


# -------------------------------------------------------------------------------------- features
class ClassifierFeatures:
    """Frozen convolutional features of a domain classifier: the feature loss when --classifier is given."""

    def __init__(self, path: str, device: torch.device):
        from productgan.metrics.domain import load_domain_classifier

        classifier = load_domain_classifier(path, device)
        self.body, self.resolution = classifier.network.body.eval(), classifier.config.resolution
        for parameter in self.body.parameters():
            parameter.requires_grad_(False)

    def distance(self, images: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
        size = (self.resolution, self.resolution)
        pair = F.interpolate(torch.cat([images, targets]), size=size, mode="bilinear", align_corners=False, antialias=True)
        fake, real = self.body(pair).chunk(2)
        return F.l1_loss(fake, real.detach())


def warm_start(generator: torch.nn.Module, path: str, task: str) -> None:
    """Start the generator from another enhancer checkpoint's generator of the same task, as
    Real-ESRGAN starts from a PSNR-trained net. Input planes the old net lacks (a restorer from
    before damage planes) start at zero weight, so the warm net first computes what the old one did."""
    source, _, config = read_enhancer_meta(path)
    if config.task != task:
        raise ProductGANError(f"{source} is a {config.task} model; --init-from needs a {task} one")
    stored = {name[len("generator."):]: tensor for name, tensor in load_tensors(source, "generator.").items()}
    state = generator.state_dict()
    for name, tensor in state.items():
        old = stored.get(name)
        if old is None and name.startswith("gate."):
            continue  # the residual gate is new with damage planes, and starts open: the old net's output
        if old is not None and old.shape == tensor.shape:
            tensor.copy_(old)
        elif old is not None and old.ndim == 4 and old.shape[0] == tensor.shape[0] and old.shape[1] < tensor.shape[1]:
            tensor.zero_()
            tensor[:, :old.shape[1]].copy_(old)
        else:
            raise ProductGANError(f"{source}: its generator's {name} ({None if old is None else tuple(old.shape)}) "
                                  f"does not fit this network's ({tuple(tensor.shape)}): start without --init-from")


def feature_matching(fake_features: list[torch.Tensor], real_features: list[torch.Tensor]) -> torch.Tensor:
    """Mean L1 between the discriminator's features of fakes and of reals (pix2pixHD's feature loss)."""
    return sum(F.l1_loss(f, r.detach()) for f, r in zip(fake_features, real_features)) / len(fake_features)


# --------------------------------------------------------------------------------------- trainer
class EnhanceTrainer:
    """Holds the run's state; `run()` trains until the budget ends or the process is told to stop."""

    def __init__(self, config: EnhanceTrainConfig, resume: bool = False, progress: bool = True,
                 given: Iterable[str] | None = None):
        """given: on resume, the settings the user chose (dotted names, e.g. model.width); one that
        differs from the checkpoint's is refused. None: those away from EnhanceTrainConfig's defaults."""
        config = replace(config, data=catalog_location(config.data))
        self.out = Path(config.out)
        stored = None
        if resume and (self.out / CHECKPOINT_NAME).exists():
            stored, config = self._resumed(config, given)
        self.config, self.show_progress = config, progress
        self.stopped = "budget"
        self.device = resolve_device(config.device)
        self._load_data()
        torch.manual_seed(config.seed)
        self.generator = build_generator(config.model).to(self.device)
        if config.init_from and stored is None:
            warm_start(self.generator, config.init_from, config.task)
        self.discriminator = build_discriminator(config.model).to(self.device)
        self.optimizers = {
            "generator": torch.optim.Adam(self.generator.parameters(), config.lr, betas=(0.9, 0.99)),
            "discriminator": torch.optim.Adam(self.discriminator.parameters(), config.lr_discriminator, betas=(0.9, 0.99)),
        }
        self.features = ClassifierFeatures(config.classifier, self.device) if config.classifier else None
        self.step, self.images_seen, self.elapsed = 0, 0, 0.0
        self.good_checkpoint = stored is not None  # whether a divergence leaves a checkpoint of this run behind
        self.log = RunLog(self.out, tensorboard=False)
        if stored is not None:
            self._restore(stored)
        self.losses: dict[str, float] = {}

    def _resumed(self, config: EnhanceTrainConfig, given: Iterable[str] | None):
        """The checkpoint's header and settings; only the budget and device may change on resume."""
        _, stored, saved_config = read_enhancer_meta(self.out / CHECKPOINT_NAME)
        conflicts = resume_conflicts(saved_config, config, given, RESUME_MAY_CHANGE)
        if conflicts:
            raise ProductGANError(
                f"cannot resume {self.out / CHECKPOINT_NAME} with different settings: {'; '.join(conflicts)}. "
                "A resumed run keeps its checkpoint's settings (only --steps, --minutes and --device may change): "
                "leave these options out, or start a new run folder"
            )
        changed = {"out", "steps", "minutes"} | (chosen_settings(config, given) & set(RESUME_MAY_CHANGE))
        return stored, replace(saved_config, **{name: getattr(config, name) for name in changed})

    def _load_data(self) -> None:
        config = self.config
        photos = read_catalog_photos(config.data, config.crop)
        split = split_by_product(photos.grouping(), config.holdout_fraction, config.seed)
        self.skipped = photos.skipped
        self.train_photos = Photos([photos.photos[i] for i in split.train])
        self.held_out = HeldOut(str(photos.root), split.kind, config.seed, config.holdout_fraction,
                                split.holdout_keys, [photos.files[i] for i in split.holdout])
        holdout_photos = Photos([photos.photos[i] for i in split.holdout])
        self.validation = make_batch(config, holdout_photos, np.random.default_rng([config.seed, VALIDATION_SEED]),
                                     config.validation_crops, self.device)

    def _restore(self, meta) -> None:
        tensors = load_tensors(self.out / CHECKPOINT_NAME, device=str(self.device))
        load_module(self.generator, tensors, "generator")
        load_module(self.discriminator, tensors, "discriminator")
        restore_optimizers(self.optimizers, tensors, meta)
        self.step, self.images_seen, self.elapsed = meta.step, meta.images_seen, meta.elapsed_s
        self.log.truncate_after(self.images_seen)

    # ---------------------------------------------------------------------------------- one step
    def train_step(self) -> dict[str, float]:
        config = self.config
        batch = make_batch(config, self.train_photos, np.random.default_rng([config.seed, self.step]), config.batch, self.device)
        inputs, targets = batch.inputs, batch.targets
        adversarial = self.step >= config.warmup_steps
        outputs = self.generator(inputs, batch.statistics, batch.repair)
        relative = config.weights.relative if config.task == "restore" else 0.0
        losses = {"pixel": pixel_loss(outputs, targets, batch.damage, config.weights.repair, inputs, relative,
                                      self.pixel_kind())}
        if adversarial:
            # One forward of the reals serves both players: its features (detached) for the
            # generator's feature matching, its logits for the discriminator's step.
            real_logits, real_features = self.discriminator(discriminator_input(config.task, targets, inputs))
            losses.update(self._generator_gan_terms(inputs, outputs, targets, real_features))
        elif self.features is not None:
            losses["feature"] = self.features.distance(outputs, targets)
        total = config.weights.pixel * losses["pixel"] + config.weights.feature * losses.get("feature", 0.0) \
            + config.weights.adversarial * losses.get("adversarial", 0.0)
        self._optimise("generator", total)
        if adversarial:
            fake_logits, _ = self.discriminator(discriminator_input(config.task, outputs.detach(), inputs))
            losses["discriminator"] = discriminator_loss(GAN_LOSS, real_logits, fake_logits)
            self._optimise("discriminator", losses["discriminator"])
        values = {name: float(value.detach()) for name, value in losses.items()}
        if not all(np.isfinite(list(values.values()))):
            kept = (f"the last good checkpoint in {self.out} is kept" if self.good_checkpoint
                    else "no checkpoint was written yet (it diverged before its first one)")
            raise TrainingDiverged(f"a loss became NaN/Inf at step {self.step} ({values}); {kept}: lower --lr")
        self.step += 1
        self.images_seen += config.batch
        return values

    def pixel_kind(self) -> str:
        """The pixel loss of this step: squared error during a PSNR run's warm-up, then the configured one."""
        kind = self.config.weights.pixel_kind
        return "l2" if kind == "psnr" and self.step < self.config.pixel_warmup_steps else kind

    def _generator_gan_terms(self, inputs, outputs, targets, real_features) -> dict[str, torch.Tensor]:
        """Adversarial and feature terms of the generator's loss; D's weights get no gradient from them."""
        for parameter in self.discriminator.parameters():
            parameter.requires_grad_(False)
        fake_logits, fake_features = self.discriminator(discriminator_input(self.config.task, outputs, inputs))
        for parameter in self.discriminator.parameters():
            parameter.requires_grad_(True)
        terms = {"adversarial": generator_loss(GAN_LOSS, None, fake_logits)}
        if self.features is not None:
            terms["feature"] = self.features.distance(outputs, targets)
        else:
            terms["feature"] = feature_matching(fake_features, real_features)
        return terms

    def _optimise(self, name: str, loss: torch.Tensor) -> None:
        optimizer = self.optimizers[name]
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()

    # ------------------------------------------------------------------------------- reporting
    @torch.no_grad()
    def validate(self) -> dict[str, float]:
        """PSNR on fixed crops of held-out products, beside the baseline's (bicubic or the damaged input)."""
        inputs, targets = self.validation.inputs, self.validation.targets
        self.generator.eval()
        outputs = torch.cat([self.generator(*self._validation_slice(i, i + 4)) for i in range(0, len(inputs), 4)])
        self.generator.train()
        # Capped as the benches cap it: one undamaged crop would otherwise read ~100 dB and swamp the mean.
        return {"val_psnr": float(tensor_psnr(outputs, targets).clamp_max(VALIDATION_PSNR_CAP).mean()),
                "val_psnr_baseline": float(tensor_psnr(baseline(self.config, inputs), targets)
                                           .clamp_max(VALIDATION_PSNR_CAP).mean())}

    @torch.no_grad()
    def write_samples(self) -> Path:
        """A PNG: per held-out crop, input (nearest-enlarged) | baseline | output | target."""
        inputs, targets = self.validation.inputs[:4], self.validation.targets[:4]
        self.generator.eval()
        outputs = self.generator(*self._validation_slice(0, 4))
        self.generator.train()
        enlarged = F.interpolate(inputs, scale_factor=self.config.model.scale, mode="nearest")
        columns = [enlarged, baseline(self.config, inputs), outputs, targets]
        pictures = [tensor_to_uint8(column) for column in columns]
        rows = [np.concatenate([picture[i] for picture in pictures], axis=1) for i in range(len(inputs))]
        return write_photo(np.concatenate(rows, axis=0), self.out / "samples" / f"step-{self.step:07d}.png")

    def _validation_slice(self, start: int, stop: int) -> tuple[torch.Tensor | None, ...]:
        """The generator's inputs for held-out crops start:stop (images, statistics, repair planes)."""
        batch = self.validation
        return tuple(None if part is None else part[start:stop] for part in (batch.inputs, batch.statistics, batch.repair))

    def save(self) -> Path:
        path = save_enhancer(
            self.out / CHECKPOINT_NAME, self.config,
            {"generator": self.generator, "discriminator": self.discriminator}, self.optimizers,
            {"step": self.step, "images_seen": self.images_seen, "elapsed_s": self.elapsed}, self.held_out,
        )
        self.good_checkpoint = True
        return path

    # ------------------------------------------------------------------------------------- loop
    def usage(self) -> Usage:
        return Usage(images=self.images_seen, steps=self.step, seconds=self.elapsed)

    def done(self) -> bool:
        return self.config.budget.spent(self.usage()) is not None

    def run(self) -> EnhanceResult:
        write_run_config(self.out, self.config.to_dict())
        start_step, start_elapsed = self.step, self.elapsed
        with BudgetProgress(f"enhance {self.config.task}", self.config.budget, self.usage(),
                            enabled=self.show_progress) as progress, GracefulStop() as outside:
            while not self.done():
                began = time.perf_counter()
                self.losses = self.train_step()
                self.elapsed += time.perf_counter() - began
                rate = (self.step - start_step) * self.config.batch / max(self.elapsed - start_elapsed, 1e-9)
                progress.update(self.usage(), **{self.pixel_kind(): float(self.losses.get("pixel", 0.0))})
                self._periodic(rate)
        self.stopped = outside.reason or "budget"  # after SIGTERM or Ctrl-C the checkpoint below is written too
        validation = self.validate()
        rate = (self.step - start_step) * self.config.batch / max(self.elapsed - start_elapsed, 1e-9)
        self.log.scalars({"step": self.step, "images_seen": self.images_seen, "images_per_s": rate, **self.losses, **validation})
        self.write_samples()
        checkpoint = self.save()
        return EnhanceResult(checkpoint, self.step, self.images_seen, self.elapsed, rate, self.losses, validation,
                             len(self.train_photos), len(self.held_out.files), self.skipped, self.stopped)

    def _periodic(self, rate: float) -> None:
        config, step = self.config, self.step
        if step % config.log_every == 0:
            record = {"step": step, "images_seen": self.images_seen, "elapsed_s": round(self.elapsed, 2),
                      "images_per_s": rate, **self.losses}
            if step % config.checkpoint_every == 0:
                record.update(self.validate())
            self.log.scalars(record)
        if step % config.sample_every == 0:
            self.write_samples()
        if step % config.checkpoint_every == 0:
            self.save()


def train_enhancer(config: EnhanceTrainConfig, resume: bool = False, progress: bool = True,
                   given: Iterable[str] | None = None) -> EnhanceResult:
    """Train as configured; with resume, continue the run in config.out from its last checkpoint.

    given: the settings the caller chose, checked against the checkpoint's on resume (see EnhanceTrainer).
    """
    return EnhanceTrainer(config, resume=resume, progress=progress, given=given).run()
