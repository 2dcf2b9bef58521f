"""Inversion: find the latent (and optionally the condition) that makes the generator draw a given
photo, then edit it: "my real product photo, in red".

Optimisation, as in image2stylegan: Adam on z for a few hundred steps, from several random starts
run side by side in one batch (each start's loss is its own, so they never interact), keeping the
best. The loss is pixel L1 (or MSE) plus a feature distance: the frozen domain classifier's
embedding when one is given (it knows what the catalog's attributes look like), else the pixel
loss again at 1/2 and 1/4 scale, which rewards getting the coarse shape right before the details.
A small prior keeps z near the sphere Gaussian latents live on, where the generator was trained.

The condition starts from levels: given ones, else what the classifier reads on the photo, else
the catalog combination whose renders look most like the photo. With optimise_condition the embedding is tuned too, and
an edit keeps that tuned residual: edited = tuned + embed(new levels) - embed(start levels).
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import torch
import torch.nn.functional as F

from productgan.data.names import slug
from productgan.data.images import pad_to_square, resize_square
from productgan.errors import ConfigError
from productgan.generate import ProductGenerator, level_ids, unknown_attribute_error
from productgan.imaging import rgb_to_grey, tensor_to_uint8, uint8_to_tensor
from productgan.metrics.fidelity import image_psnr, ssim

MAX_PHOTO_PIXELS = 40_000_000  # a larger photo is refused before decoding (inversion works at model size anyway)
Progress = Callable[[int, int, float], None]  # (step, total steps, best loss so far)


@dataclass
class InversionSettings:
    """How an inversion runs; the defaults take seconds at 32-64 px on CPU."""

    steps: int = 300
    restarts: int = 4
    learning_rate: float = 0.05
    pixel_loss: str = "l1"  # l1 | mse
    feature_weight: float = 1.0
    prior_weight: float = 1e-3
    optimise_condition: bool = False
    seed: int = 0

    def __post_init__(self) -> None:
        if self.steps < 1 or self.restarts < 1:
            raise ConfigError(f"steps and restarts must be >= 1, got {self.steps} and {self.restarts}")
        if self.pixel_loss not in ("l1", "mse"):
            raise ConfigError(f"pixel_loss must be l1 or mse, got {self.pixel_loss!r}")


@dataclass
class Inversion:
    """The best start after optimisation. z (1, D); condition (1, E) or None; start_condition is the
    embedding of `levels` (the edit reference); images uint8 (H, W, C); errors are mean |pixel|
    differences in [0, 2] units of [-1, 1] images."""

    z: torch.Tensor
    condition: torch.Tensor | None
    start_condition: torch.Tensor | None
    levels: dict[str, str]
    target: np.ndarray
    reconstruction: np.ndarray
    start_error: float
    final_error: float
    psnr: float
    ssim: float
    losses: list[float] = field(default_factory=list)


def prepare_photo(photo: np.ndarray, resolution: int, channels: int) -> np.ndarray:
    """A photo of any size as the generator sees images: padded to a square with its own border
    colour, Lanczos-resized to the model resolution, grey if the model is. uint8 (R, R, channels)."""
    square = resize_square(pad_to_square(photo), resolution)
    if channels == 1:
        return rgb_to_grey(square)
    return square.copy()  # writable: Pillow's arrays are read-only, which torch.from_numpy warns about


def reconstruction_quality(reconstruction: np.ndarray, target: np.ndarray) -> tuple[float, float]:
    """(PSNR in dB, SSIM) of one uint8 (H, W, C) image against another of the same size."""
    return image_psnr(reconstruction, target), float(ssim(reconstruction, target)[0])


@contextlib.contextmanager
def frozen(*modules: torch.nn.Module | None):
    """No gradients for these modules' weights while only their inputs are optimised; restored after."""
    parameters = [p for module in modules if module is not None for p in module.parameters()]
    flags = [p.requires_grad for p in parameters]
    for parameter in parameters:
        parameter.requires_grad_(False)
    try:
        yield
    finally:
        for parameter, flag in zip(parameters, flags):
            parameter.requires_grad_(flag)


class ReconstructionLoss:
    """Per-sample loss (B,) between float NCHW images in [-1, 1] and one target (1, C, H, W)."""

    def __init__(self, target: torch.Tensor, settings: InversionSettings, classifier=None):
        self.target, self.settings = target, settings
        self.network = None if classifier is None else classifier.network
        self.feature_size = None if classifier is None else classifier.config.resolution
        if self.network is not None:
            self.target_features = self.features(target).detach()

    def pixels(self, images: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
        difference = images - target
        per_pixel = difference.abs() if self.settings.pixel_loss == "l1" else difference.square()
        return per_pixel.flatten(1).mean(1)

    def features(self, images: torch.Tensor) -> torch.Tensor:
        if images.shape[-1] != self.feature_size:
            images = F.interpolate(images, size=(self.feature_size,) * 2, mode="bilinear", antialias=True)
        return F.normalize(self.network(images)[0], dim=1)

    def __call__(self, images: torch.Tensor) -> torch.Tensor:
        loss = self.pixels(images, self.target)
        if self.network is not None:
            distance = (self.features(images) - self.target_features).square().sum(1)
        else:  # no classifier: the coarse shape, at 1/2 and 1/4 scale
            distance = sum(self.pixels(F.avg_pool2d(images, k), F.avg_pool2d(self.target, k)) for k in (2, 4))
        return loss + self.settings.feature_weight * distance


def start_levels(generator: ProductGenerator, target: np.ndarray, levels: dict[str, str] | None,
                 classifier=None, seed: int = 0) -> dict[str, str]:
    """Every attribute's level to start from: given, else read by the classifier, else the observed
    combination whose renders (a few seeded latents) come closest to the photo in pixels."""
    chosen = dict(levels or {})
    generator.level_ids(chosen)  # unknown attribute or level: a clear error now
    if classifier is not None:
        chosen.update(classify_photo(generator, target, classifier, exclude=chosen))
    if len(chosen) < len(generator.names):
        chosen = closest_combination(generator, target, chosen, seed)
    return chosen


def classify_photo(generator: ProductGenerator, target: np.ndarray, classifier, exclude: dict[str, str]) -> dict[str, str]:
    """The levels the domain classifier reads on the photo, for attributes the generator also has
    and `exclude` does not already give (the start levels of an inversion)."""
    predicted = classifier.predict(prepare_photo(target, classifier.config.resolution, classifier.config.channels)[None])
    read = {}
    for name in generator.names:
        vocabulary = classifier.levels.get(name, [])
        if name not in exclude and name in predicted and vocabulary:
            level = vocabulary[int(predicted[name][0])]
            if level in generator.levels[name]:
                read[name] = level
    return read


@torch.no_grad()
def closest_combination(generator: ProductGenerator, target: np.ndarray, chosen: dict[str, str], seed: int,
                        latents: int = 4, limit: int = 256) -> dict[str, str]:
    """Among observed combinations agreeing with `chosen` (the `limit` most frequent), the one whose
    renders of `latents` seeded latents have the lowest mean L1 to the photo; a drawn one without combos."""
    ids = generator.level_ids(chosen)
    rows = sorted((count, row) for row, count in generator.combos
                  if all(i is None or row[k] == i for k, i in enumerate(ids)))[::-1][:limit]
    if not rows:
        labels = generator.labels_for(1, chosen, torch.Generator().manual_seed(seed))
        return {name: generator.levels[name][int(labels[0, k])] for k, name in enumerate(generator.names)}
    z = torch.randn(latents, generator.latent_dim, generator=torch.Generator().manual_seed(seed))
    wanted = uint8_to_tensor(target[None], generator.device)
    errors = []
    for _, row in rows:
        labels = torch.tensor([row] * latents)
        images = generator.module(z.to(generator.device), labels.to(generator.device))
        errors.append(float((images - wanted).abs().mean()))
    best = rows[int(np.argmin(errors))][1]
    return {name: generator.levels[name][best[k]] for k, name in enumerate(generator.names)}


def initial_latents(generator: ProductGenerator, target: torch.Tensor, condition: torch.Tensor | None,
                    settings: InversionSettings, encoder=None) -> torch.Tensor:
    """(restarts, D) seeded Gaussian starts; the first is the encoder's guess when there is one."""
    z = torch.randn(settings.restarts, generator.latent_dim, generator=torch.Generator().manual_seed(settings.seed))
    if encoder is not None:
        with torch.no_grad():
            z[0] = encoder.encode(target, condition)[0].cpu()
    return z.to(generator.device)


def invert(generator: ProductGenerator, photo: np.ndarray, levels: dict[str, str] | None = None,
           classifier=None, encoder=None, settings: InversionSettings | None = None,
           progress: Progress | None = None) -> Inversion:
    """Find z (and optionally the condition) so the generator draws `photo`.

    photo: uint8 (H, W, C) of any size (brought to the model's size by prepare_photo). levels: the
    attributes to start from (others read by `classifier` when given, else drawn). encoder: a
    LatentEncoder whose guess is one of the starts. progress(step, steps, best loss) after each step.
    """
    settings = settings or InversionSettings()
    target_image = prepare_photo(photo, generator.resolution, generator.channels)
    levels = start_levels(generator, target_image, levels, classifier, settings.seed)
    module, device = generator.module, generator.device
    target = uint8_to_tensor(target_image[None], device)
    labels = generator.labels_for(1, levels, torch.Generator()).to(device)
    with torch.no_grad():
        start_condition = module.embed(labels)
    z = initial_latents(generator, target, start_condition, settings, encoder).requires_grad_(True)
    conditions = None if start_condition is None else start_condition.repeat(settings.restarts, 1)
    tuned = settings.optimise_condition and conditions is not None
    if tuned:
        conditions.requires_grad_(True)
    loss_fn = ReconstructionLoss(target, settings, classifier)
    parameters = [z, conditions] if tuned else [z]
    optimizer = torch.optim.Adam(parameters, lr=settings.learning_rate)
    losses: list[float] = []
    with frozen(module, loss_fn.network):
        with torch.no_grad():
            start_error = float(loss_fn.pixels(module.synthesize(z, conditions), target).min())
        for step in range(settings.steps):
            per_sample = loss_fn(module.synthesize(z, conditions)) + settings.prior_weight * (
                z.square().mean(1) - 1.0).square()
            optimizer.zero_grad(set_to_none=True)
            per_sample.sum().backward()
            optimizer.step()
            losses.append(float(per_sample.detach().min()))
            if progress is not None:
                progress(step + 1, settings.steps, losses[-1])
    return finish(generator, z.detach(), None if conditions is None else conditions.detach(), start_condition,
                  levels, target_image, loss_fn, start_error, losses)


@torch.no_grad()
def finish(generator: ProductGenerator, z: torch.Tensor, conditions: torch.Tensor | None,
           start_condition: torch.Tensor | None, levels: dict[str, str], target_image: np.ndarray,
           loss_fn: ReconstructionLoss, start_error: float, losses: list[float]) -> Inversion:
    """Keep the start whose final loss is lowest; measure its reconstruction."""
    images = generator.module.synthesize(z, conditions)
    best = int(loss_fn(images).argmin())
    condition = None if conditions is None else conditions[best:best + 1]
    reconstruction = tensor_to_uint8(images[best:best + 1])[0]
    psnr, ssim = reconstruction_quality(reconstruction, target_image)
    final_error = float(loss_fn.pixels(images[best:best + 1], loss_fn.target)[0])
    return Inversion(z[best:best + 1], condition, start_condition, levels, target_image, reconstruction,
                     start_error, final_error, psnr, ssim, losses)


@torch.no_grad()
def edit(generator: ProductGenerator, inversion: Inversion, changes: list[dict[str, str]]) -> np.ndarray:
    """uint8 (len(changes), H, W, C): the inverted product with other levels, e.g. [{'color': 'red'}].

    Same z; the condition moves by embed(new levels) - embed(start levels), so whatever optimise_condition
    tuned beyond the levels (the photo's own shade, say) stays.
    """
    if not changes:
        return np.zeros((0, *inversion.reconstruction.shape), np.uint8)
    wanted = [generator.with_tied_levels(inversion.levels, change) for change in changes]
    labels = torch.cat([generator.labels_for(1, levels, torch.Generator()) for levels in wanted])
    z = inversion.z.expand(len(changes), -1)
    if inversion.condition is None:
        return generator.render_conditions(z, None)
    return generator.render_conditions(z, inversion.condition + generator.embed(labels) - inversion.start_condition)


def expand_edits(changes: list[tuple[str, str]], levels: dict[str, list[str]]) -> list[dict[str, str]]:
    """One edit per (attribute, level) pair, each one edited image; level '*' means one per level of it.

    Every attribute and level is checked here, so a typo fails before the (slow) inversion runs.
    """
    edits = []
    for attribute, level in changes:
        if level == "*":
            if attribute not in levels:
                raise unknown_attribute_error([attribute], list(levels))
            edits += [{attribute: each} for each in levels[attribute]]
        else:
            edits.append({attribute: level})
    for change in edits:
        level_ids(levels, list(levels), change)  # an unknown attribute or level fails before the inversion
    return edits


def edit_file_name(change: dict[str, str]) -> str:
    """The file an edit is written to: {'color': 'Navy Blue'} -> 'edit-color-Navy-Blue.png'."""
    return "edit-" + "-".join(f"{slug(k)}-{slug(v)}" for k, v in change.items()) + ".png"
