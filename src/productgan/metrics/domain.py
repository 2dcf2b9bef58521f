"""A feature extractor and attribute classifier trained by the project on the catalog itself.

Why it exists: Inception-v3 features describe ImageNet photos at 299 px. On 28-32 px grayscale
clothing, or on studio product shots far from ImageNet, they separate little of what matters, so
FID/KID on them says little. A small CNN trained to predict the catalog's own attributes gives
features that do, and its per-attribute heads are the classifiers that conditional accuracy needs
("is the image generated for color=red classified red?"). Its held-out accuracy is the ceiling
for that figure: a generator cannot score higher than the classifier can read real images.

FID values from different extractors are not comparable, nor from two domain classifiers trained
separately; each figure therefore names its extractor: "domain:<checkpoint> (weights sha256 ...)".

The network: a 3x3 conv stage per 2x max pooling until the map is at most 8 px, each conv with
BatchNorm (in eval mode a fixed affine map, so an image's features never depend on its batch),
global max pooling, a linear embedding (the features), and one linear head per attribute. Training sums the
cross-entropy over attributes; augmentation is translation, plus horizontal flips unless an
attribute names a direction (angle/view/...), and never colour changes, which would change the
colour attribute. Checkpoints are safetensors + JSON header (never pickle), written atomically.
"""

from __future__ import annotations

import hashlib
import json
import math
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from productgan.checkpoint import (
    DOMAIN_CLASSIFIER, CheckpointMeta, checked_network, load_module, load_tensors, read_meta, resolve_checkpoint,
    save_checkpoint,
)
from productgan.data import Catalog, encode_conditions
from productgan.data.split import PRODUCT_COLUMN, split_by_product
from productgan.device import resolve_device
from productgan.errors import CheckpointError, ConfigError, ProductGANError
from productgan.imaging import uint8_to_tensor
from productgan.loop_kit import Budget, BudgetProgress, Usage
from productgan.metrics.extractor import (
    DEFAULT_BATCH_SIZE, ExtractorInputError, FeatureExtractor, check_images, run_batched,
)
from productgan.progress import format_duration

# Attributes a horizontal flip would change (a product facing left would be labelled as facing right).
DIRECTIONAL_ATTRIBUTES = {"angle", "view", "pose", "orientation", "direction", "side", "facing"}
MAX_FEATURE_MAP = 8  # pool until the map is at most this many pixels across
ESTIMATE_AFTER_STEPS = 5  # steps timed before the remaining training time is estimated and said


@dataclass
class DomainConfig:
    """Everything that rebuilds the network (stored in the checkpoint header)."""

    resolution: int
    channels: int
    attribute_names: list[str]
    level_counts: list[int]
    width: int = 32
    max_width: int = 256
    embedding_dim: int = 256


@dataclass
class HoldoutReport:
    """How well the classifier reads real held-out images: the ceiling for conditional accuracy.

    chance: accuracy of always answering the holdout's most common level, for comparison.
    split: 'product' (no product in both parts) or 'image'.
    by_level: attribute -> level -> [held-out images of that level, accuracy on them]. The overall
    accuracy weights each level by its share of the holdout, so a generated figure compared with
    it must weight its levels the same way (`held_out_mix`); a level with one photo in the whole
    catalog has none held out and no ceiling at all. Empty in classifiers saved before it existed
    (`ceiling_by_level` rebuilds it from the catalog).
    """

    accuracy: dict[str, float]
    chance: dict[str, float]
    split: str
    train_size: int
    holdout_size: int
    epochs: float
    seconds: float
    by_level: dict[str, dict[str, list[float]]] = field(default_factory=dict)


@dataclass
class DomainTraining:
    """How a domain classifier is trained (stored in its checkpoint header beside the config).

    The run stops after `epochs` passes or `minutes`, whichever comes first; the learning rate
    follows a cosine to zero over that budget. min_count merges rarer levels into 'other', as
    --min-count does for the generator, so both can share one vocabulary.
    """

    epochs: float | None = 10
    minutes: float | None = None
    seed: int = 0
    holdout_fraction: float = 0.2
    batch_size: int = 64
    learning_rate: float = 2e-3
    weight_decay: float = 5e-4
    min_count: int = 1

    def __post_init__(self) -> None:
        if self.epochs is None and self.minutes is None:
            raise ConfigError("set epochs or minutes (or both): the training budget")

    @property
    def budget(self) -> Budget:
        return Budget(epochs=self.epochs, minutes=self.minutes)


def stage_count(resolution: int) -> int:
    """Number of 2x poolings until the feature map is at most MAX_FEATURE_MAP px (28 -> 2, 64 -> 3)."""
    stages, size = 0, resolution
    while size > MAX_FEATURE_MAP:
        size //= 2
        stages += 1
    return stages


def conv_norm_act(in_channels: int, out_channels: int) -> list[nn.Module]:
    return [nn.Conv2d(in_channels, out_channels, 3, padding=1, bias=False),
            nn.BatchNorm2d(out_channels), nn.SiLU()]


class DomainNet(nn.Module):
    """float NCHW images in [-1, 1] -> (embedding (B, embedding_dim), concatenated head logits).

    Max pooling, inside and at the end: a product fills only part of a plain background, and an
    average over the whole map dilutes its response with background. Measured on builtin:catalog at
    32 px (two convs per stage, width 16, 6 epochs on 1229 images, seed 0): category held-out
    accuracy 0.49 with average pooling throughout, 0.68 with max pooling inside and a global
    average, 1.0 with max pooling inside and a global max.
    """

    def __init__(self, config: DomainConfig):
        super().__init__()
        layers: list[nn.Module] = conv_norm_act(config.channels, config.width)
        channels, stages = config.width, stage_count(config.resolution)
        for stage in range(stages + 1):
            out = min(config.width * 2**stage, config.max_width)
            layers += conv_norm_act(channels, out)
            channels = out
            if stage < stages:
                layers.append(nn.MaxPool2d(2))
        self.body = nn.Sequential(*layers)
        self.embed = nn.Sequential(nn.Linear(channels, config.embedding_dim), nn.SiLU())
        self.heads = nn.Linear(config.embedding_dim, sum(config.level_counts))  # all heads as one matrix

    def forward(self, images: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        embedding = self.embed(self.body(images).amax(dim=(2, 3)))
        return embedding, self.heads(embedding)


class DomainClassifier(FeatureExtractor):
    """The trained network as a FeatureExtractor (features = embedding) plus per-attribute predict."""

    def __init__(self, network: DomainNet, config: DomainConfig, levels: dict[str, list[str]],
                 holdout: HoldoutReport, device: torch.device, path: str | Path | None = None,
                 training: DomainTraining | None = None):
        self.network = network.to(device).eval()
        self.config, self.levels, self.holdout, self.device = config, levels, holdout, device
        self.training = training
        self.dim = config.embedding_dim
        self.name = self._name(path)

    @property
    def attribute_names(self) -> list[str]:
        return list(self.config.attribute_names)

    @property
    def holdout_accuracy(self) -> dict[str, float]:
        return dict(self.holdout.accuracy)

    def _name(self, path: str | Path | None) -> str:
        """The checkpoint plus a hash of the weights, so a retrained file at the same path gets a new name."""
        digest = hashlib.sha256(json.dumps(asdict(self.config)).encode())
        for key, tensor in sorted(self.network.state_dict().items()):
            digest.update(key.encode())
            digest.update(tensor.detach().cpu().contiguous().numpy().tobytes())
        return f"domain:{path if path is not None else '(unsaved)'} (weights sha256 {digest.hexdigest()[:12]})"

    def _check(self, images: np.ndarray) -> np.ndarray:
        images = check_images(images)
        expected = (self.config.resolution, self.config.resolution, self.config.channels)
        if images.shape[1:] != expected:
            raise ExtractorInputError(
                f"{self.name} was trained on {expected[0]}x{expected[1]} images with {expected[2]} channel(s); got "
                f"{images.shape[1]}x{images.shape[2]} with {images.shape[3]}: train a domain classifier at that "
                "resolution and channel count (its held-out accuracy is only known there), or resize the images first")
        return images

    def features(self, images: np.ndarray, batch_size: int = DEFAULT_BATCH_SIZE) -> np.ndarray:
        images = self._check(images)
        return run_batched(lambda b: self.network(uint8_to_tensor(b))[0], images, batch_size, self.device, self.dim)

    def logits(self, images: np.ndarray, batch_size: int = DEFAULT_BATCH_SIZE) -> dict[str, np.ndarray]:
        """attribute -> float32 (N, levels) logits."""
        images = self._check(images)
        joined = run_batched(lambda b: self.network(uint8_to_tensor(b))[1], images, batch_size, self.device,
                             sum(self.config.level_counts))
        return self._split_heads(joined)

    def features_and_logits(self, images: np.ndarray, batch_size: int = DEFAULT_BATCH_SIZE
                            ) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """Embedding and per-attribute logits from one forward pass."""
        images = self._check(images)
        joined = run_batched(lambda b: torch.cat(self.network(uint8_to_tensor(b)), dim=1), images, batch_size,
                             self.device, self.dim + sum(self.config.level_counts))
        return joined[:, : self.dim], self._split_heads(joined[:, self.dim:])

    def _split_heads(self, joined: np.ndarray) -> dict[str, np.ndarray]:
        bounds = np.cumsum(self.config.level_counts)[:-1]
        return dict(zip(self.config.attribute_names, np.split(joined, bounds, axis=1)))

    def predict(self, images: np.ndarray, batch_size: int = DEFAULT_BATCH_SIZE) -> dict[str, np.ndarray]:
        """attribute -> int64 (N,) level ids (index into self.levels[attribute])."""
        return {name: scores.argmax(axis=1).astype(np.int64) for name, scores in self.logits(images, batch_size).items()}

    def save(self, path: str | Path) -> Path:
        """Write weights, config, levels and holdout report to one safetensors file, atomically
        (a folder: domain.safetensors in it)."""
        path = Path(path)
        if path.is_dir():
            path = path / DOMAIN_CLASSIFIER.file_name
        meta = CheckpointMeta(
            config=asdict(self.config), condition_names=self.attribute_names, levels=self.levels,
            extra={"holdout": asdict(self.holdout),
                   "training": asdict(self.training) if self.training is not None else None},
        )
        save_checkpoint(path, meta, {"domain": self.network}, kind=DOMAIN_CLASSIFIER)
        self.name = self._name(path)
        return path


def load_domain_classifier(path: str | Path, device: str | torch.device = "cpu") -> DomainClassifier:
    """Rebuild a DomainClassifier from a file written by save() (or a folder holding domain.safetensors)."""
    device, path = torch.device(device), resolve_checkpoint(path, DOMAIN_CLASSIFIER)
    meta = read_meta(path, expect=DOMAIN_CLASSIFIER)
    config, network = checked_network(path, "domain", lambda: DomainConfig(**meta.config), DomainNet)
    load_module(network, load_tensors(path, "domain."), "domain")
    training = meta.extra.get("training")
    try:
        holdout = HoldoutReport(**meta.extra["holdout"])
        training = DomainTraining(**training) if training else None
    except TypeError as error:
        raise CheckpointError(f"{path}: its holdout or training record is malformed: {error}") from None
    return DomainClassifier(network, config, meta.levels, holdout, device, path, training)


# ------------------------------------------------------------------------------------------ training
def split_holdout(catalog: Catalog, fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray, str]:
    """(train ids, holdout ids, 'product' | 'image'): data.split.split_by_product over the catalog,
    so views of one product never sit on both sides and the enhancers, split by the same function
    with the same seed, hold out the same products. Without a product column each image is its own
    group; that kind is recorded as 'image' in classifier checkpoints."""
    keys = catalog.table if PRODUCT_COLUMN in catalog.table else [str(i) for i in range(len(catalog))]
    try:
        split = split_by_product(keys, fraction, seed)
    except ValueError as error:
        raise ValueError(f"catalog {catalog.source!r}: {error}") from None
    kind = "product" if split.kind == "product" else "image"
    return np.asarray(split.train, dtype=np.int64), np.asarray(split.holdout, dtype=np.int64), kind


def flips_allowed(attribute_names: list[str]) -> bool:
    return not any(name.lower() in DIRECTIONAL_ATTRIBUTES for name in attribute_names)


def augment(images: torch.Tensor, max_shift: int, flip: bool, rng: torch.Generator) -> torch.Tensor:
    """Random translation by up to max_shift px (edges replicated) and optional horizontal flips of
    float NCHW images; nothing that changes colour, size or direction."""
    batch, _, height, width = images.shape
    if max_shift > 0:
        padded = F.pad(images, [max_shift] * 4, mode="replicate")
        offsets = torch.randint(0, 2 * max_shift + 1, (batch, 2), generator=rng).tolist()
        images = torch.stack([padded[i, :, y:y + height, x:x + width] for i, (y, x) in enumerate(offsets)])
    if flip:
        mirrored = torch.rand(batch, generator=rng) < 0.5
        images = torch.where(mirrored[:, None, None, None], images.flip(3), images)
    return images


def resize_catalog_images(images: np.ndarray, resolution: int, chunk: int = 256) -> np.ndarray:
    """uint8 NHWC at another square resolution (antialiased bilinear), a chunk at a time so a large
    catalog never exists in float all at once."""
    if images.shape[1] == resolution:
        return images
    resized = []
    for first in range(0, len(images), chunk):
        pixels = torch.from_numpy(images[first:first + chunk]).permute(0, 3, 1, 2).float()
        pixels = F.interpolate(pixels, size=(resolution, resolution), mode="bilinear", antialias=True)
        resized.append(pixels.round().clamp(0, 255).to(torch.uint8).permute(0, 2, 3, 1).numpy())
    return np.ascontiguousarray(np.concatenate(resized))


def holdout_report(classifier: DomainClassifier, images: np.ndarray, labels: np.ndarray, split: str,
                   train_size: int, epochs: float, seconds: float) -> HoldoutReport:
    predicted = classifier.predict(images)
    accuracy, chance, by_level = {}, {}, {}
    for column, name in enumerate(classifier.attribute_names):
        truth = labels[:, column]
        accuracy[name] = float((predicted[name] == truth).mean())
        chance[name] = float(np.bincount(truth).max() / len(truth))
        by_level[name] = {level: [int((truth == k).sum()), float((predicted[name][truth == k] == k).mean())]
                          for k, level in enumerate(classifier.levels[name]) if (truth == k).any()}
    return HoldoutReport(accuracy, chance, split, train_size, len(images), epochs, seconds, by_level)


def ceiling_by_level(classifier, catalog: Catalog) -> dict[str, dict[str, list[float]]]:
    """The classifier's held-out accuracy level by level (see HoldoutReport.by_level).

    A classifier saved before the report kept it is measured again on its own holdout, rebuilt from
    its training record and this catalog; the rebuilt overall accuracy must equal the recorded one,
    else this is not the catalog it was trained on and nothing is returned ({}). A classifier without
    a holdout report (a test's stand-in) has no ceilings either.
    """
    holdout, training = getattr(classifier, "holdout", None), getattr(classifier, "training", None)
    if holdout is None or holdout.by_level or training is None:
        return holdout.by_level if holdout is not None else {}
    try:
        conditions = encode_conditions(catalog, classifier.attribute_names, training.min_count)
        _, holdout_ids, split = split_holdout(catalog, training.holdout_fraction, training.seed)
    except (ValueError, KeyError, ProductGANError):
        return {}
    if conditions.levels != classifier.levels or len(holdout_ids) != classifier.holdout.holdout_size:
        return {}
    images = resize_catalog_images(catalog.images[holdout_ids], classifier.config.resolution)
    report = holdout_report(classifier, images, conditions.labels[holdout_ids], split, 0, 0.0, 0.0)
    same = all(abs(report.accuracy[k] - v) < 1e-9 for k, v in classifier.holdout.accuracy.items())
    return report.by_level if same else {}


def train_domain_classifier(
    catalog: Catalog, attribute_names: list[str], resolution: int | None = None, *, epochs: float | None = 10,
    minutes: float | None = None, seed: int = 0, holdout_fraction: float = 0.2, batch_size: int = 64,
    learning_rate: float = 2e-3, min_count: int = 1, width: int = 32, embedding_dim: int = 256,
    device: str | torch.device = "cpu", progress: bool = False,
) -> DomainClassifier:
    """Train a DomainClassifier on part of the catalog and measure it on the rest (see DomainTraining).

    resolution defaults to the catalog's; another one resizes the images (the classifier then takes
    only that resolution). With an epoch budget on CPU the same seed gives the same classifier; a
    minutes budget depends on machine speed. The final weights are kept, not the best on the
    holdout, so the holdout accuracy is an unbiased ceiling.
    """
    settings = DomainTraining(epochs, minutes, seed, holdout_fraction, batch_size, learning_rate, min_count=min_count)
    device = resolve_device(device)
    resolution = catalog.resolution if resolution is None else int(resolution)
    conditions = encode_conditions(catalog, list(attribute_names), min_count)
    images = resize_catalog_images(catalog.images, resolution)
    train_ids, holdout_ids, split = split_holdout(catalog, holdout_fraction, seed)
    config = DomainConfig(resolution, catalog.channels, list(attribute_names), conditions.level_counts,
                          width=width, embedding_dim=embedding_dim)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        network = DomainNet(config).to(device)
    start = time.monotonic()
    epochs_done = fit(network, config, images[train_ids], conditions.labels[train_ids], settings, device, progress)
    placeholder = HoldoutReport({}, {}, split, len(train_ids), len(holdout_ids), epochs_done, 0.0)
    classifier = DomainClassifier(network, config, conditions.levels, placeholder, device, training=settings)
    classifier.holdout = holdout_report(classifier, images[holdout_ids], conditions.labels[holdout_ids], split,
                                        len(train_ids), epochs_done, time.monotonic() - start)
    return classifier


def fit(network: DomainNet, config: DomainConfig, images: np.ndarray, labels: np.ndarray, settings: DomainTraining,
        device: torch.device, progress: bool) -> float:
    """The training loop; returns the number of epochs completed (fractional when time ran out).

    The budget's fraction spent (the larger of the epoch and the time fractions) also sets the
    learning rate's cosine, so a minutes budget anneals to zero as the time runs out.
    """
    rng = torch.Generator().manual_seed(settings.seed)
    optimizer = torch.optim.AdamW(network.parameters(), lr=settings.learning_rate, weight_decay=settings.weight_decay)
    steps_per_epoch = math.ceil(len(images) / settings.batch_size)
    flip, max_shift = flips_allowed(config.attribute_names), max(1, config.resolution // 8)
    budget = settings.budget
    start, step, seen, done = time.monotonic(), 0, 0, 0.0
    network.train()
    with BudgetProgress("domain classifier", budget, enabled=progress) as bar:
        while done < 1.0:
            order = torch.randperm(len(images), generator=rng).numpy()
            for first in range(0, len(images), settings.batch_size):
                ids = order[first:first + settings.batch_size]
                batch = augment(uint8_to_tensor(images[ids]), max_shift, flip, rng)
                loss = train_step(network, optimizer, batch.to(device), torch.from_numpy(labels[ids]).to(device),
                                  config.level_counts)
                step, seen = step + 1, seen + len(ids)
                usage = Usage(images=seen, steps=step, epochs=step / steps_per_epoch, seconds=time.monotonic() - start)
                done = budget.fraction(usage)
                for group in optimizer.param_groups:
                    group["lr"] = settings.learning_rate * 0.5 * (1 + math.cos(math.pi * min(done, 1.0)))
                bar.update(usage, loss=loss)
                if step == ESTIMATE_AFTER_STEPS and done < 1.0:  # said once a few steps are timed
                    bar.note(f"about {format_duration((time.monotonic() - start) * (1.0 - done) / done)} to go")
                if done >= 1.0:
                    break
    network.eval()
    return step / steps_per_epoch


def train_step(network: DomainNet, optimizer: torch.optim.Optimizer, batch: torch.Tensor, targets: torch.Tensor,
               level_counts: list[int]) -> float:
    """One AdamW step on the cross-entropy summed over attributes; returns the loss."""
    with torch.autocast(batch.device.type, dtype=torch.bfloat16, enabled=batch.device.type == "cuda"):
        _, joined = network(batch)
    heads = joined.float().split(level_counts, dim=1)
    loss = sum(F.cross_entropy(scores, targets[:, k]) for k, scores in enumerate(heads))
    optimizer.zero_grad(set_to_none=True)
    loss.backward()
    optimizer.step()
    return loss.item()
