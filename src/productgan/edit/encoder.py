"""A latent encoder: a small CNN that guesses z from an image, so inversion starts near the answer.

Trained on the generator's own images, where the true z is known (regress z from G(z, labels);
the condition embedding is an input, since the same z draws different pictures under different
levels). A guess costs one forward pass; the optimiser in inversion.py then only refines it.
Saved like every productgan network: safetensors with the config in the header, never pickle.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from pathlib import Path

import torch
import torch.nn.functional as F
from torch import nn

from productgan.checkpoint import (
    LATENT_ENCODER, CheckpointMeta, checked_network, load_module, load_tensors, read_meta, resolve_checkpoint, save_checkpoint,
)
from productgan.edit.inversion import frozen
from productgan.errors import CheckpointError
from productgan.generate import ProductGenerator
from productgan.loop_kit import Budget, BudgetProgress, Usage

ENCODER_FILE_NAME = "encoder.safetensors"  # a run's own encoder, beside its checkpoint (found by `foryou`, `serve`)
DEFAULT_ENCODER_STEPS = 2000
DEFAULT_ENCODER_BATCH = 32


@dataclass
class EncoderConfig:
    """Everything that rebuilds the network (stored in the file's header)."""

    resolution: int
    channels: int
    latent_dim: int
    condition_dim: int  # 0 for an unconditional generator
    width: int = 32
    max_width: int = 256


class LatentEncoder(nn.Module):
    """encode(images float NCHW in [-1, 1], condition (B, condition_dim) or None) -> z (B, latent_dim).

    Stride-2 convs halve the image down to 4x4; the flattened map and the condition feed an MLP.
    """

    def __init__(self, config: EncoderConfig):
        super().__init__()
        self.config = config
        layers, channels, size = [], config.channels, config.resolution
        while size > 4:
            out = min(config.width * (config.resolution // size), config.max_width)
            layers += [nn.Conv2d(channels, out, 4, stride=2, padding=1), nn.LeakyReLU(0.2)]
            channels, size = out, size // 2
        self.body = nn.Sequential(*layers)
        self.head = nn.Sequential(nn.Linear(channels * size * size + config.condition_dim, 512), nn.LeakyReLU(0.2),
                                  nn.Linear(512, config.latent_dim))

    def encode(self, images: torch.Tensor, condition: torch.Tensor | None) -> torch.Tensor:
        features = self.body(images).flatten(1)
        if self.config.condition_dim:
            features = torch.cat([features, condition.to(features.dtype)], dim=1)
        return self.head(features)

    def save(self, path: str | Path, levels: dict[str, list[str]], extra: dict | None = None) -> Path:
        """One safetensors file; levels name the generator vocabulary it was trained against."""
        meta = CheckpointMeta(config=asdict(self.config), condition_names=list(levels), levels=levels, extra=extra or {})
        return save_checkpoint(path, meta, {"encoder": self}, kind=LATENT_ENCODER)


def load_encoder(path: str | Path, generator: ProductGenerator | None = None) -> LatentEncoder:
    """Rebuild an encoder; with a generator, refuse one trained for another latent size or vocabulary."""
    path = resolve_checkpoint(path, LATENT_ENCODER)
    meta = read_meta(path, expect=LATENT_ENCODER)
    _, encoder = checked_network(path, "encoder", lambda: EncoderConfig(**meta.config), LatentEncoder)
    load_module(encoder, load_tensors(path, "encoder."), "encoder")
    if generator is not None and (encoder.config.latent_dim != generator.latent_dim or meta.levels != generator.levels):
        raise CheckpointError(f"{path} was trained for another generator (latent size {encoder.config.latent_dim}, "
                              f"attributes {sorted(meta.levels)}); this one has latent size {generator.latent_dim}, "
                              f"attributes {generator.names}")
    return encoder.to(generator.device if generator is not None else "cpu").eval()


def train_encoder(generator: ProductGenerator, steps: int = DEFAULT_ENCODER_STEPS, batch: int = DEFAULT_ENCODER_BATCH, learning_rate: float = 1e-3,
                  seed: int = 0, width: int = 32, reconstruction_weight: float = 1.0,
                  progress: bool = False) -> LatentEncoder:
    """Regress z from G(z, labels) for `steps` Adam steps; labels drawn as the catalog combines them.

    Where the generator ignores part of z (a collapsed combination) z cannot be read back from the
    image, so the loss adds reconstruction_weight x L1(G(guess), image): a guess that redraws the
    image is as good a start as the true z.

    progress: show a bar (log lines off a terminal) toward the step budget, with the loss. It runs on
    the generator's device. Seeded: the same generator and seed give the same encoder on CPU.
    """
    module, device = generator.module, generator.device
    condition = generator.embed(generator.labels_for(1, {}, torch.Generator()))
    config = EncoderConfig(generator.resolution, generator.channels, generator.latent_dim,
                           0 if condition is None else condition.shape[1], width=width)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        encoder = LatentEncoder(config).to(device)
    optimizer = torch.optim.Adam(encoder.parameters(), lr=learning_rate)
    rng = torch.Generator().manual_seed(seed)
    encoder.train()
    started = time.perf_counter()
    with frozen(module), BudgetProgress("encoder", Budget(steps=steps), enabled=bool(progress)) as bar:
        for step in range(steps):
            z, labels = torch.randn(batch, generator.latent_dim, generator=rng), generator.labels_for(batch, {}, rng)
            with torch.no_grad():
                condition = module.embed(labels.to(device))
                images = module.synthesize(z.to(device), condition)
            guess = encoder.encode(images, condition)
            loss = F.mse_loss(guess, z.to(device))
            if reconstruction_weight:
                loss = loss + reconstruction_weight * (module.synthesize(guess, condition) - images).abs().mean()
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            if progress:  # loss.item() waits for the device: only when someone reads it
                bar.update(Usage(images=(step + 1) * batch, steps=step + 1, seconds=time.perf_counter() - started),
                           loss=loss.item())
    return encoder.eval()



def encoder_beside(checkpoint: str | Path) -> Path | None:
    """The run's own encoder (ENCODER_FILE_NAME in the checkpoint's folder) when it exists, else None."""
    path = Path(resolve_checkpoint(checkpoint)).parent / ENCODER_FILE_NAME
    return path if path.is_file() else None


def estimate_training_seconds(generator: ProductGenerator, steps: int = DEFAULT_ENCODER_STEPS, probe: int = 3,
                              budget_s: float = 3.0) -> float:
    """About how long train_encoder(generator, steps) takes here, timed on this generator and device.

    A first one-step run is not timed: it pays torch's one-off start-up (about 2.5 s measured on a
    loaded 2-core machine against 0.2 s a step for the demo's 32 px model), which would make the
    estimate for 2000 steps 15 times too high. A second one-step run gives the time per step and,
    when probe steps fit in budget_s, a probe-step run a steadier one. Costs the start-up plus at
    most budget_s + two steps, so an error message can say what training costs."""
    train_encoder(generator, 1)
    started = time.perf_counter()
    train_encoder(generator, 1)
    per_step = time.perf_counter() - started
    if per_step * probe <= budget_s:
        started = time.perf_counter()
        train_encoder(generator, probe)
        per_step = (time.perf_counter() - started) / probe
    return per_step * steps
