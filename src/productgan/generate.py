"""Sampling from a trained generator: the object the CLI, the demo, the report and the server use.

`load_generator(checkpoint)` needs nothing but the checkpoint file (or its run folder): the model
config, attribute vocabularies and the observed attribute combinations are in its header.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import torch

from productgan.data.catalog import level_ids
from productgan.errors import AttributeLevelError
from productgan.imaging import make_grid, tensor_to_uint8 as to_uint8
from productgan.models import create_generator
from productgan.checkpoint import (
    GAN, gan_model_config, load_module, load_tensors, read_meta, require_tensors, resolve_checkpoint,
)


def truncated_normal(shape: tuple[int, ...], truncation: float | None, generator: torch.Generator) -> torch.Tensor:
    """Standard normal latents; with truncation t, values beyond |t| are redrawn (BigGAN's trick:
    lower t trades diversity for typicality)."""
    z = torch.randn(shape, generator=generator)
    if truncation is None:
        return z
    if not (truncation > 0 and math.isfinite(truncation)):
        raise ValueError(f"truncation must be > 0, got {truncation}")
    for _ in range(100):
        outside = z.abs() > truncation
        if not outside.any():
            break
        z[outside] = torch.randn(int(outside.sum()), generator=generator)
    return z.clamp_(-truncation, truncation)


class ProductGenerator:
    """A generator plus its vocabulary: ask for attributes by name, get uint8 images.

    combos: observed rows of label ids with their counts; attributes not asked for are drawn from
    the combinations that exist in the catalog and agree with what was asked ("a red one" draws a
    category that exists in red), falling back to each attribute's own frequencies.
    """

    def __init__(self, module: torch.nn.Module, names: list[str], levels: dict[str, list[str]],
                 combos: list[tuple[list[int], int]] | None = None, device: str | torch.device = "cpu"):
        self.module = module.eval()
        self.names = list(names)
        self.levels = {n: list(levels[n]) for n in self.names}
        self.combos = combos or []
        self.device = torch.device(device)
        self.latent_dim = int(module.latent_dim)

    @property
    def attributes(self) -> dict[str, list[str]]:
        return {n: list(self.levels[n]) for n in self.names}

    def labels_for(self, n: int, wanted: Mapping[str, str], generator: torch.Generator) -> torch.Tensor:
        """(n, A) label ids honouring `wanted` and filling the rest from observed combinations."""
        ids = level_ids(self.levels, self.names, wanted)
        if not self.names:
            return torch.zeros(n, 0, dtype=torch.long)
        rows = [(row, count) for row, count in self.combos
                if all(i is None or row[k] == i for k, i in enumerate(ids))]
        if rows:
            weights = torch.tensor([c for _, c in rows], dtype=torch.float)
            picks = torch.multinomial(weights, n, replacement=True, generator=generator)
            labels = torch.tensor([rows[p][0] for p in picks.tolist()], dtype=torch.long)
        else:
            labels = torch.stack([self._marginal(k, n, generator) for k in range(len(self.names))], dim=1)
        for k, i in enumerate(ids):
            if i is not None:
                labels[:, k] = i
        return labels

    def _marginal(self, k: int, n: int, generator: torch.Generator) -> torch.Tensor:
        counts = torch.ones(len(self.levels[self.names[k]]))
        for row, count in self.combos:
            counts[row[k]] += count
        return torch.multinomial(counts, n, replacement=True, generator=generator)

    @torch.no_grad()
    def render(self, z: torch.Tensor, labels: torch.Tensor, batch: int = 64) -> np.ndarray:
        """Run the network on given latents and labels; uint8 (N, H, W, C)."""
        out = []
        for start in range(0, len(z), batch):
            images = self.module(z[start:start + batch].to(self.device), labels[start:start + batch].to(self.device))
            out.append(to_uint8(images))
        return np.concatenate(out) if out else np.zeros((0,), np.uint8)

    def inputs(self, n: int, /, seed: int = 0, truncation: float | None = None,
               attributes: Mapping[str, str] | None = None, **keyword_attributes: str) -> tuple[torch.Tensor, torch.Tensor]:
        """The (n, latent_dim) latents and (n, A) labels that generate(n, seed, ...) renders.

        Drawing them apart from rendering lets a caller render many requests' inputs together (the
        server's batching) or change them first (a morph, a colour swap) and still start from the
        very products `generate` shows. Attributes: see `generate`.
        """
        wanted = merge_attributes(attributes, keyword_attributes)
        if n < 1:
            raise ValueError(f"n must be >= 1, got {n}")
        generator = torch.Generator().manual_seed(seed)
        z = truncated_normal((n, self.latent_dim), truncation, generator)
        return z, self.labels_for(n, wanted, generator)

    def generate(self, n: int, /, seed: int = 0, truncation: float | None = None,
                 attributes: Mapping[str, str] | None = None, **keyword_attributes: str) -> np.ndarray:
        """n images with the given attribute levels.

        generate(8, color='Red', category='Shoes') is the Python convenience; code that forwards user
        input passes generate(8, attributes={...}), where no attribute name (not even 'n', 'seed' or
        'attributes') can collide with a parameter. Unknown names are an AttributeLevelError.
        """
        return self.render(*self.inputs(n, seed, truncation, attributes, **keyword_attributes))

    def attribute_index(self, attribute: str) -> int:
        """Column of `attribute` in the label rows; AttributeLevelError names the model's attributes."""
        if attribute not in self.levels:
            raise AttributeLevelError(f"unknown attribute {attribute!r}; this model is conditioned on: "
                                      + (", ".join(self.names) or "(nothing)"))
        return self.names.index(attribute)

    def every_level(self, labels: torch.Tensor, attribute: str) -> torch.Tensor:
        """(L * n, A) labels: `labels` (n, A) repeated once per level of `attribute`, level-major,
        with that column set to the level and every other column kept."""
        k = self.attribute_index(attribute)
        rows = labels.repeat(len(self.levels[attribute]), 1)
        rows[:, k] = torch.arange(len(self.levels[attribute])).repeat_interleave(len(labels))
        return rows

    def level_images(self, attribute: str, per_level: int = 8, seed: int = 0, truncation: float | None = None,
                     fixed: Mapping[str, str] | None = None) -> tuple[np.ndarray, list[str]]:
        """uint8 (levels, per_level, H, W, C): the products generate(per_level, seed, attributes=fixed) draws,
        each rendered once per level of `attribute` with its other attributes kept. Returns (images, levels)."""
        self.attribute_index(attribute)  # validate before any sampling
        z, labels = self.inputs(per_level, seed, truncation, fixed)
        count = len(self.levels[attribute])
        images = self.render(z.repeat(count, 1), self.every_level(labels, attribute))
        return images.reshape(count, per_level, *images.shape[1:]), list(self.levels[attribute])

    def level_grid(self, attribute: str, per_level: int = 8, seed: int = 0, truncation: float | None = None,
                   fixed: Mapping[str, str] | None = None) -> tuple[np.ndarray, list[str]]:
        """One row per level of `attribute`, the same latents (and other attributes) in each column.

        That makes the effect of the attribute alone visible. Returns (grid image, row labels).
        """
        images, levels = self.level_images(attribute, per_level, seed, truncation, fixed)
        return make_grid(images.reshape(-1, *images.shape[2:]), ncols=per_level), levels

    def sample_grid(self, n: int = 64, seed: int = 0, truncation: float | None = None) -> np.ndarray:
        images = self.generate(n, seed=seed, truncation=truncation)
        return make_grid(images, ncols=int(np.ceil(np.sqrt(n))))


def merge_attributes(attributes: Mapping[str, str] | None, keyword_attributes: Mapping[str, str]) -> dict[str, str]:
    """One mapping from the mapping and the keyword forms; a name given in both is ambiguous."""
    if attributes is not None and not isinstance(attributes, Mapping):
        raise TypeError(f"attributes must be a mapping of attribute name to level, got {type(attributes).__name__}")
    merged = dict(attributes or {})
    twice = sorted(set(merged) & set(keyword_attributes))
    if twice:
        raise AttributeLevelError(f"attribute {', '.join(map(repr, twice))} given both in attributes and as a keyword")
    merged.update(keyword_attributes)
    return merged


def load_generator(path: str | Path, device: str | torch.device = "cpu", use_ema: bool = True) -> ProductGenerator:
    """Rebuild the (EMA) generator from a checkpoint file or run folder.

    The header is validated (checkpoint.read_meta, expecting a GAN) before the network is built, and
    the file's tensor names and shapes are compared with the built network before any weight is read,
    so a damaged or forged checkpoint, or one of another kind, is one CheckpointError naming the file.
    """
    path = resolve_checkpoint(path, GAN)
    meta = read_meta(path, expect=GAN)
    module = create_generator(gan_model_config(meta, path))
    name = "ema_generator" if use_ema and meta.config.get("ema_kimg", 0) > 0 else "generator"
    require_tensors(path, name, module.state_dict())
    load_module(module, load_tensors(path, prefix=name + ".", device="cpu"), name, source=path)
    combos = [(list(row), int(count)) for row, count in meta.extra.get("label_combos", [])]
    return ProductGenerator(module.to(device), meta.condition_names, meta.levels, combos, device)
