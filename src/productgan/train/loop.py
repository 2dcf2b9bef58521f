"""The training loop: catalog in, conditional generator checkpoint out.

Read top to bottom: prepare data on the device, build models and optimisers, maybe resume, then
alternate D and G steps until the kimg or minutes budget is spent, logging, sampling and
checkpointing along the way. Every random draw of step s comes from a generator seeded by
(seed, s, rank), so a resumed run repeats an uninterrupted one exactly.
"""

from __future__ import annotations

import contextlib
import math
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable

import numpy as np
import torch

from productgan.augment import AdaptiveProbability, diff_augment, safe_policy
from productgan.checkpoint import (
    CHECKPOINT_NAME, GAN, CheckpointMeta, load_module, load_tensors, read_meta, restore_optimizers, save_checkpoint,
)
from productgan.data import Catalog, Conditions, encode_conditions, load_catalog
from productgan.device import resolve_device
from productgan.errors import CheckpointError, ProductGANError, TrainingDiverged
from productgan.generate import ProductGenerator
from productgan.imaging import uint8_tensor_to_float, write_png
from productgan.loop_kit import (
    Budget, BudgetProgress, GracefulStop, RunLog, Usage, catalog_location, write_run_config,
)
from productgan.losses import (
    LeCamAnchors, class_cross_entropies, class_loss_as_real, discriminator_loss, diversity_loss, generator_loss,
    r1_penalty, reconstruction_loss, wgan_gp_penalty,
)
from productgan.models import create_discriminator, create_generator
from productgan.models.resnet import reconstruction_targets
from productgan.train import distributed as dist_utils
from productgan.train.config import TrainConfig
from productgan.train.ema import ema_beta, make_ema, update_ema
from productgan.train.evaluation import BEST_CHECKPOINT_NAME, PeriodicEvaluator
from productgan.train.transition import condition_strength, set_condition_strength
from productgan.threads import ThreadTuner

LOG_EVERY_STEPS = 20


@dataclass
class TrainResult:
    run_dir: Path
    checkpoint: Path
    steps: int
    images_seen: int
    elapsed_s: float
    images_per_s: float
    stopped: str  # 'kimg' | 'minutes' | 'interrupted' (Ctrl-C) | 'terminated' (SIGTERM)
    threads: int = 0  # torch's CPU threads at the end (0 on a GPU, where they do not matter)


def step_generator(seed: int, step: int, rank: int) -> torch.Generator:
    """The only source of randomness for one step: a pure function of (seed, step, rank)."""
    mixed = (seed * 1_000_003 + step * 7919 + rank * 104_729) % (2**63 - 1)
    return torch.Generator().manual_seed(mixed)


class Trainer:
    """Holds the state of one run; `run()` trains until the budget is spent."""

    def __init__(self, config: TrainConfig, resume: bool = False, progress: bool = True,
                 catalog: Catalog | None = None, given: Iterable[str] | None = None):
        """given: on resume, the settings the user chose (dotted names, e.g. model.resolution); one
        that differs from the checkpoint's is refused. None: those away from TrainConfig's defaults."""
        config.validate()
        config.data = catalog_location(config.data)
        self.run_dir = Path(config.out)
        self.checkpoint_path = self.run_dir / CHECKPOINT_NAME
        saved = self._saved_config(config, given) if resume else None
        self.good_checkpoint: Path | None = self.checkpoint_path if saved is not None else None  # this run's latest
        self.config = saved or config
        self.device = resolve_device(self.config.device)
        self.dist = dist_utils.init_distributed(self.device.type)
        if self.device.type == "cuda":
            self.device = torch.device("cuda", self.dist.local_rank)
            torch.cuda.set_device(self.device)
        self.show_progress = progress and self.dist.is_main
        torch.manual_seed(self.config.seed)  # weight initialisation
        self._prepare_data(catalog)
        self._build_models()
        self.step, self.images_seen, self.elapsed_before = 0, 0, 0.0
        self.paused_s = 0.0  # time spent evaluating, left out of the training clock
        best_fid = None
        if saved is not None:
            best_fid = self._restore()
        evaluates = self.config.eval_every_kimg > 0 and self.dist.is_main
        self.periodic_eval = PeriodicEvaluator(self.catalog, self.config, self.device, best_fid) if evaluates else None
        self.log = RunLog(self.run_dir, enabled=self.dist.is_main)
        self.log.truncate_after(self.images_seen)

    # ----- set-up -------------------------------------------------------------------------------
    def _saved_config(self, config: TrainConfig, given: Iterable[str] | None) -> TrainConfig | None:
        """On --resume, continue with the checkpoint's settings; only the budget, device and output
        schedules may change, and any other setting given differently is refused, all listed."""
        if not self.checkpoint_path.exists():
            return None
        saved = TrainConfig.from_dict(read_meta(self.checkpoint_path).config)
        conflicts = config.resume_conflicts(saved, given)
        if conflicts:
            raise ProductGANError(
                f"cannot resume {self.checkpoint_path} with different settings: {'; '.join(conflicts)}. "
                "A resumed run keeps its checkpoint's settings (only the budget, --device and the sample/checkpoint "
                "schedules may change): leave these options out, or start a new run folder"
            )
        return config.take_resumable(saved, given)

    def _prepare_data(self, catalog: Catalog | None) -> None:
        cfg = self.config
        catalog = catalog or load_catalog(cfg.data, resolution=cfg.model.resolution, channels=cfg.model.channels)
        catalog.require_images()
        self.catalog = catalog
        self.conditions: Conditions = encode_conditions(catalog, cfg.condition, cfg.min_count)
        cfg.model.resolution, cfg.model.channels = catalog.resolution, catalog.channels
        cfg.model.level_counts = tuple(self.conditions.level_counts)
        images = torch.from_numpy(np.ascontiguousarray(catalog.images.transpose(0, 3, 1, 2)))
        self.images = images.to(self.device)  # the whole catalog stays on the device as uint8
        self.labels = torch.from_numpy(self.conditions.labels).to(self.device)
        self.policy, self.dropped_augment = safe_policy(cfg.augment, cfg.condition)
        combos = Counter(tuple(row) for row in self.conditions.labels.tolist())
        self.label_combos = [[list(row), count] for row, count in sorted(combos.items())]
        self.draw_weights = self._balanced_weights()

    def _balanced_weights(self) -> torch.Tensor | None:
        """Per catalog image, a drawing weight that makes each level of `balance` as likely as the
        square root of its count (None: draw uniformly). Rare levels (a shop's few watches) then get
        G and D steps in proportion to sqrt(count) instead of count, without repeating them as often
        as uniform level sampling would."""
        if self.config.balance is None:
            return None
        column = self.conditions.labels[:, self.conditions.names.index(self.config.balance)]
        counts = np.bincount(column)
        return torch.from_numpy(1.0 / np.sqrt(counts[column])).float()

    def _build_models(self) -> None:
        cfg = self.config
        self.generator = create_generator(cfg.model).to(self.device)
        self.discriminator = create_discriminator(cfg.model).to(self.device)
        if self.device.type == "cuda" and cfg.channels_last:
            self.generator.to(memory_format=torch.channels_last)
            self.discriminator.to(memory_format=torch.channels_last)
        dist_utils.broadcast_module(self.generator, self.dist)
        dist_utils.broadcast_module(self.discriminator, self.dist)
        self.ema = make_ema(self.generator) if cfg.ema_kimg > 0 else None
        fused = {"fused": True} if self.device.type == "cuda" else {}
        self.opt_g = torch.optim.Adam(self.generator.parameters(), lr=cfg.lr_g, betas=cfg.betas, **fused)
        self.opt_d = torch.optim.Adam(self.discriminator.parameters(), lr=cfg.lr_d, betas=cfg.betas, **fused)
        self.lecam = LeCamAnchors() if cfg.lecam_weight > 0 else None
        # D's cross-entropy on the reals per attribute, set by each D step: class_as_real's floor for G
        self._class_real_terms = torch.zeros(len(cfg.condition), device=self.device)
        self.ada = AdaptiveProbability(cfg.ada_target, cfg.ada_kimg) if cfg.ada_target > 0 else None
        self.condition_strength = 1.0  # below 1 only during a condition transition (_fade_condition)
        self.g_step = torch.compile(self.generator) if cfg.compile else self.generator
        self.d_step = torch.compile(self.discriminator) if cfg.compile else self.discriminator

    def _modules(self) -> dict[str, torch.nn.Module]:
        modules = {"generator": self.generator, "discriminator": self.discriminator}
        if self.ema is not None:
            modules["ema_generator"] = self.ema
        return modules

    def _restore(self) -> float | None:
        """Load weights, optimisers and counters; returns the run's best FID so far (if it evaluates)."""
        meta = read_meta(self.checkpoint_path, expect=GAN)
        if meta.levels != self.conditions.levels or meta.condition_names != self.conditions.names:
            raise CheckpointError(
                f"cannot resume {self.checkpoint_path}: the catalog {self.config.data!r} now has attribute levels "
                f"{self.conditions.levels}, the checkpoint was trained on {meta.levels}; start a new run folder"
            )
        tensors = load_tensors(self.checkpoint_path, device="cpu")
        for name, module in self._modules().items():
            load_module(module, tensors, name)
        restore_optimizers({"g": self.opt_g, "d": self.opt_d}, tensors, meta)
        self.step, self.images_seen, self.elapsed_before = meta.step, meta.images_seen, meta.elapsed_s
        if self.lecam is not None and meta.extra.get("lecam"):
            self.lecam = LeCamAnchors(**meta.extra["lecam"])
        if self.ada is not None and meta.extra.get("ada"):
            self.ada = AdaptiveProbability(self.config.ada_target, self.config.ada_kimg, **meta.extra["ada"])
        return meta.extra.get("best_fid")

    # ----- one step -----------------------------------------------------------------------------
    def _autocast(self):
        if self.config.bf16 and (self.device.type == "cuda" or self.config.cpu_bf16):
            return torch.autocast(self.device.type, dtype=torch.bfloat16)
        return contextlib.nullcontext()

    def _draw(self, rng: torch.Generator) -> torch.Tensor:
        """A batch of catalog indices: uniform, or by the balance weights."""
        if self.draw_weights is None:
            index = torch.randint(len(self.images), (self.config.batch,), generator=rng)
        else:
            index = torch.multinomial(self.draw_weights, self.config.batch, replacement=True, generator=rng)
        return index.to(self.device)

    def _real_batch(self, rng: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
        index = self._draw(rng)
        real = uint8_tensor_to_float(self.images[index])
        if self.device.type == "cuda" and self.config.channels_last:
            real = real.contiguous(memory_format=torch.channels_last)
        return real, self.labels[index]

    def _fake_inputs(self, rng: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
        """Latents and labels drawn from the catalog's own label rows (its joint distribution)."""
        z = torch.randn(self.config.batch, self.config.model.latent_dim, generator=rng).to(self.device)
        return z, self.labels[self._draw(rng)]

    def _augment(self, images: torch.Tensor, rng: torch.Generator) -> torch.Tensor:
        if not self.policy:
            return images
        return diff_augment(images, self.policy, rng=rng, p=self.ada.p if self.ada is not None else 1.0)

    def _real_logits(self, real_aug: torch.Tensor, real_labels: torch.Tensor,
                     rng: torch.Generator) -> tuple[torch.Tensor, dict[str, tuple[float, torch.Tensor]]]:
        """D's logits on the real batch and the extra terms of D's loss read from the same pass, by
        name as (weight, term): 'recon' with recon_weight, 'class_real' with class_weight.

        FastGAN's decoders rebuild the images D saw (augmented, as FastGAN does) from the same
        forward pass, so the term costs only the decoders. The quadrant is drawn from the step's
        generator, and only when the term is on, so other runs draw exactly what they drew before.
        The decoding pass calls the module itself, not the compiled d_step (a CPU-scale candidate).
        """
        cfg = self.config
        if cfg.class_weight > 0:
            logits, classes = self._logits_and_classes(real_aug, real_labels)
            self._class_real_terms = classes.detach()  # the floor of G's term with class_as_real, this step
            return logits, {"class_real": (cfg.class_weight * self.condition_strength, classes.mean())}
        if cfg.recon_weight <= 0:
            return self.d_step(real_aug, real_labels).float(), {}
        part = int(torch.randint(4, (1,), generator=rng))
        logits, *decoded = self.discriminator.forward_with_reconstruction(real_aug, real_labels, part)
        recon = reconstruction_loss(tuple(decoded), reconstruction_targets(real_aug.detach(), part))
        return logits.float(), {"recon": (cfg.recon_weight, recon)}

    def _logits_and_classes(self, images: torch.Tensor, labels: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """D's logits and the cross-entropy of its level logits against labels, one per attribute
        (class_weight's term is their mean), from one pass. It calls the module, not the compiled
        d_step: compile is a CPU-scale candidate, the classification term another, measured apart."""
        pooled = self.discriminator.pooled(images)
        logits = self.discriminator.head(pooled, labels).float()
        return logits, class_cross_entropies(self.discriminator.head.class_logits(pooled), labels)

    def _discriminator_step(self, rng: torch.Generator) -> dict[str, torch.Tensor]:
        cfg = self.config
        real, real_labels = self._real_batch(rng)
        z, fake_labels = self._fake_inputs(rng)
        with torch.no_grad(), self._autocast():
            fake = self.g_step(z, fake_labels).float()
        penalise = cfg.r1_gamma > 0 and self.step % cfg.penalty_every == 0
        real_aug = self._augment(real, rng).detach().requires_grad_(penalise)
        fake_aug = self._augment(fake, rng).detach().requires_grad_(penalise and cfg.r2)
        with self._autocast():
            real_logits, real_terms = self._real_logits(real_aug, real_labels, rng)
            fake_logits = self.d_step(fake_aug, fake_labels).float()
        loss = discriminator_loss(cfg.loss, real_logits, fake_logits)
        stats = {"loss_d": loss.detach(), "real_logit": real_logits.detach().mean(),
                 "fake_logit": fake_logits.detach().mean()}
        for name, (weight, term) in real_terms.items():
            loss = loss + weight * term
            stats[name] = term.detach()
        if self.lecam is not None:
            lecam = self.lecam.penalty(real_logits, fake_logits)
            loss = loss + cfg.lecam_weight * lecam
            stats["lecam"] = lecam.detach()
        if cfg.cr_weight > 0:
            with self._autocast():
                clean_logits = self.d_step(real, real_labels).float()
            consistency = (clean_logits - real_logits).pow(2).mean()
            loss = loss + cfg.cr_weight * consistency
            stats["consistency"] = consistency.detach()
        if self.ada is not None:
            self.ada.observe(real_logits, cfg.batch)
            stats["augment_p"] = torch.tensor(self.ada.p)
        if penalise:
            r1 = r1_penalty(real_logits, real_aug)
            penalty = r1 + (r1_penalty(fake_logits, fake_aug) if cfg.r2 else 0.0)
            loss = loss + (cfg.r1_gamma / 2) * cfg.penalty_every * penalty
            stats["r1"] = r1.detach()
        if cfg.gp_weight > 0:
            gp = wgan_gp_penalty(self.discriminator, real, fake, real_labels, rng=rng)
            loss = loss + cfg.gp_weight * gp
            stats["gp"] = gp.detach()
        self.opt_d.zero_grad(set_to_none=True)
        loss.backward()
        dist_utils.average_gradients(self.discriminator, self.dist)
        self.opt_d.step()
        return stats

    def _generator_step(self, rng: torch.Generator) -> dict[str, torch.Tensor]:
        cfg = self.config
        z, fake_labels = self._fake_inputs(rng)
        pairs = cfg.batch // 2 if cfg.diversity_weight > 0 else 0
        if pairs:  # the second half redraws the first half's labels with other latents
            fake_labels = torch.cat([fake_labels[:pairs], fake_labels[:pairs], fake_labels[2 * pairs:]])
        with self._autocast():
            fake = self.g_step(z, fake_labels)
            if cfg.class_weight > 0:
                fake_logits, class_fake = self._logits_and_classes(self._augment(fake, rng), fake_labels)
            else:
                fake_logits, class_fake = self.d_step(self._augment(fake, rng), fake_labels).float(), None
            if cfg.loss == "rpgan":  # the relativistic loss compares against real logits
                real, real_labels = self._real_batch(rng)
                real_logits = self.d_step(self._augment(real, rng), real_labels).float().detach()
            else:
                real_logits = None
        loss = generator_loss(cfg.loss, real_logits, fake_logits)
        stats = {"loss_g": loss.detach()}
        if class_fake is not None:
            term = class_loss_as_real(class_fake, self._class_real_terms) if cfg.class_as_real else class_fake.mean()
            loss = loss + cfg.class_weight * self.condition_strength * term
            stats["class_fake"] = class_fake.mean().detach()
        if pairs:
            diversity = diversity_loss(fake[:pairs], fake[pairs:2 * pairs], z[:pairs], z[pairs:2 * pairs])
            loss = loss + cfg.diversity_weight * diversity
            stats["diversity"] = -diversity.detach()
        self.opt_g.zero_grad(set_to_none=True)
        loss.backward()
        dist_utils.average_gradients(self.generator, self.dist)
        self.opt_g.step()
        return stats

    def _fade_condition(self) -> dict[str, torch.Tensor]:
        """Set this step's condition strength on G and D's head (the EMA copies G's with its buffers);
        the log carries it while a transition is configured."""
        transition = self.config.condition_transition_kimg
        if transition is None:
            return {}
        self.condition_strength = condition_strength(self.images_seen / 1000, transition)
        set_condition_strength((self.generator, self.discriminator.head), self.condition_strength)
        return {"condition_strength": torch.tensor(self.condition_strength)}

    def train_step(self) -> dict[str, torch.Tensor]:
        rng = step_generator(self.config.seed, self.step, self.dist.rank)
        stats = self._fade_condition()
        self.discriminator.requires_grad_(True)
        for _ in range(self.config.d_steps):
            stats.update(self._discriminator_step(rng))
        self.discriminator.requires_grad_(False)
        stats.update(self._generator_step(rng))
        self.step += 1
        self.images_seen += self.config.batch * self.dist.world_size
        if self.ema is not None:
            beta = ema_beta(self.config.batch * self.dist.world_size, self.images_seen,
                            self.config.ema_kimg, self.config.ema_rampup)
            update_ema(self.ema, self.generator, beta)
        return stats

    # ----- the loop -----------------------------------------------------------------------------
    @property
    def budget(self) -> Budget:
        """The config's, read each time: a caller may extend it before run() (bench/gpu_train.py does)."""
        return self.config.budget

    def _usage(self, elapsed: float) -> Usage:
        return Usage(images=self.images_seen, steps=self.step, seconds=elapsed)

    def _should_stop(self, elapsed: float, at_log_step: bool) -> str | None:
        """With several ranks, clocks differ: agree on a time stop only at log steps, all together."""
        if self.dist.world_size == 1:
            return self.budget.spent(self._usage(elapsed))
        counted = self.budget.spent(Usage(images=self.images_seen, steps=self.step))  # the same on every rank
        if counted is not None:
            return counted
        timed_out = self.budget.spent(self._usage(elapsed)) is not None
        if at_log_step and dist_utils.any_rank(timed_out, self.dist, self.device):
            return "minutes"
        return None

    def sampler(self) -> ProductGenerator:
        module = self.ema if self.ema is not None else self.generator
        return ProductGenerator(module, self.conditions.names, self.conditions.levels,
                                [(r, c) for r, c in self.label_combos], self.device)

    def save_samples(self) -> dict[str, Path]:
        """A fixed-latent grid per attribute (one row per level), kept per kimg and as latest."""
        if not self.dist.is_main:
            return {}
        sampler, kimg = self.sampler(), self.images_seen // 1000
        grids = {name: sampler.level_grid(name, self.config.grid_per_level, seed=self.config.seed)[0]
                 for name in self.conditions.names}
        if not grids:
            grids["samples"] = sampler.sample_grid(64, seed=self.config.seed)
        paths = {}
        for name, grid in grids.items():
            safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in name)
            write_png(grid, self.run_dir / "samples" / f"{safe}-kimg{kimg:05d}.png")
            paths[name] = write_png(grid, self.run_dir / f"samples-{safe}.png", scale=2)
            self.log.image(f"samples/{name}", grid, self.images_seen)
        self.generator.train()  # the sampler may have put it in eval mode when there is no EMA
        return paths

    def save(self, elapsed: float, path: Path | None = None) -> Path:
        if not self.dist.is_main:
            return self.checkpoint_path
        best_fid = self.periodic_eval.best_fid if self.periodic_eval is not None else None
        meta = CheckpointMeta(config=self.config.to_dict(), condition_names=self.conditions.names,
                              levels=self.conditions.levels, step=self.step, images_seen=self.images_seen,
                              elapsed_s=elapsed, extra={"label_combos": self.label_combos,
                                                        "augment": self.policy,
                                                        "augment_dropped": self.dropped_augment,
                                                        "best_fid": best_fid if best_fid != math.inf else None,
                                                        "lecam": self.lecam.state() if self.lecam is not None else None,
                                                        "ada": self.ada.state() if self.ada is not None else None})
        written = save_checkpoint(path or self.checkpoint_path, meta, self._modules(), {"g": self.opt_g, "d": self.opt_d})
        if path is None:
            self.good_checkpoint = written
        return written

    def evaluate(self, elapsed: float) -> None:
        """Score the sampler now; log the figures and keep best.safetensors when FID improves.

        The time spent here is not training time: it is left out of the run's clock, so a minutes
        budget buys the same training with or without --eval-every.
        """
        started = time.perf_counter()
        record = self.periodic_eval.evaluate(self.sampler())
        self.generator.train()  # the sampler may have put it in eval mode when there is no EMA
        self.log.scalars({"step": self.step, "images_seen": self.images_seen, "kimg": self.images_seen / 1000,
                          "elapsed_s": round(elapsed, 3), **record.scalars})
        # mid-transition the sampler draws at a strength no saved checkpoint draws at: never "best"
        if self.condition_strength >= 1 and self.periodic_eval.is_best(record):
            self.save(elapsed, self.run_dir / BEST_CHECKPOINT_NAME)
        self.paused_s += time.perf_counter() - started

    def _check_finite(self, stats: dict[str, torch.Tensor]) -> None:
        bad = {k: float(v) for k, v in stats.items() if not math.isfinite(float(v))}
        if bad:
            raise TrainingDiverged(
                f"training diverged at step {self.step} ({self.images_seen} images): non-finite "
                + ", ".join(f"{k}={v}" for k, v in bad.items()) + ". " + diverged_advice(self.good_checkpoint)
            )

    def _write_run_config(self) -> None:
        if self.dist.is_main:
            write_run_config(self.run_dir, self.config.to_dict(), levels=self.conditions.levels,
                             catalog={"source": self.catalog.source, "images": len(self.catalog),
                                      "skipped": len(self.catalog.skipped)},
                             augment=self.policy, augment_dropped=self.dropped_augment)

    def _log(self, stats: dict[str, torch.Tensor], elapsed: float) -> None:
        now = time.perf_counter()
        rate = (self.images_seen - self._window[1]) / max(now - self._window[0], 1e-9)
        self._window = (now, self.images_seen)
        figures = {k: float(v) for k, v in stats.items()}
        self.figures = {k: figures[k] for k in ("loss_d", "loss_g") if k in figures}
        self.log.scalars({"step": self.step, "images_seen": self.images_seen, "kimg": self.images_seen / 1000,
                          "elapsed_s": round(elapsed, 3), "images_per_s": round(rate, 2),
                          "threads": self.threads.chosen if self.threads else 0, **figures})

    def _after_step(self, before: int, stats: dict[str, torch.Tensor], elapsed: float) -> bool:
        """Log, sample and checkpoint on their schedules; a non-finite loss stops before any write.

        Returns whether this was a log step (the only steps where ranks agree on a time stop).
        """
        def crossed(every_kimg: float) -> bool:
            every = max(1, int(every_kimg * 1000))
            return before // every != self.images_seen // every

        at_log_step = self.step % LOG_EVERY_STEPS == 0
        sample_now, checkpoint_now = crossed(self.config.sample_every_kimg), crossed(self.config.checkpoint_every_kimg)
        if at_log_step or sample_now or checkpoint_now or self.budget.spent(self._usage(elapsed)):
            self._check_finite(stats)
            self._log(stats, elapsed)
        if sample_now:
            self.save_samples()
        if self.periodic_eval is not None and crossed(self.config.eval_every_kimg):
            self.evaluate(elapsed)
        if checkpoint_now:
            self.save(elapsed)
        return at_log_step

    def run(self) -> TrainResult:
        self._write_run_config()
        start = time.perf_counter()
        self._window = (start, self.images_seen)
        spent = self.budget.spent(self._usage(self.elapsed_before))  # a resumed run may have nothing left
        self.figures: dict[str, float] = {}
        start_usage = self._usage(self.elapsed_before)
        with BudgetProgress("train", self.budget, start_usage, enabled=self.show_progress) as progress:
            self.threads = self._thread_tuner(progress)
            with GracefulStop() as outside:  # SIGTERM or Ctrl-C ends the loop; the checkpoint below is written
                while spent is None:
                    before = self.images_seen
                    with self.threads.step() if self.threads else contextlib.nullcontext():
                        stats = self.train_step()
                    elapsed = self.elapsed_before + time.perf_counter() - start - self.paused_s
                    progress.update(self._usage(elapsed), **self.figures)
                    at_log_step = self._after_step(before, stats, elapsed)
                    spent = self._should_stop(elapsed, at_log_step)
            if self.condition_strength < 1 and self.show_progress:
                progress.note(f"stopped during the condition transition (strength {self.condition_strength:.2f}): "
                              "the checkpoint draws at full strength; resume with more --kimg to finish it")
        stop = outside.reason or spent
        elapsed = self.elapsed_before + time.perf_counter() - start - self.paused_s
        path = self.save(elapsed)  # also after Ctrl-C, so --resume continues from here
        self.save_samples()
        self.log.close()
        dist_utils.barrier(self.dist)
        return TrainResult(self.run_dir, path, self.step, self.images_seen, elapsed,
                           self.images_seen / max(elapsed, 1e-9), stop, self.threads.chosen if self.threads else 0)

    def _thread_tuner(self, progress: BudgetProgress) -> ThreadTuner | None:
        """On a CPU, torch's thread count by measurement (or --threads); each choice is shown once made."""
        if self.device.type != "cpu":
            return None
        say = progress.note if self.show_progress else None
        return ThreadTuner(fixed=self.config.threads, on_choice=say)


def diverged_advice(checkpoint: Path | None) -> str:
    """What a diverged run keeps: its last good checkpoint, or (None) nothing yet."""
    if checkpoint is None:
        return ("No checkpoint was written yet (the run diverged before its first one); lower the learning "
                "rate or add --r1-gamma, and start again.")
    return f"The last good checkpoint is kept at {checkpoint}; lower the learning rate, add --r1-gamma, or resume with --resume."


def train(config: TrainConfig, resume: bool = False, progress: bool = True, catalog: Catalog | None = None,
          given: Iterable[str] | None = None) -> TrainResult:
    """Train a model as configured; with resume, continue the run in config.out exactly.

    given: the settings the caller chose, checked against the checkpoint's on resume (see Trainer).
    """
    return Trainer(config, resume=resume, progress=progress, catalog=catalog, given=given).run()
