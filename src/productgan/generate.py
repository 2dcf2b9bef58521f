"""Sampling from a trained generator: the one generation API that the CLI, the demo, the report,
the edits (variants, morphs, clips, inversion) and the server use.

`load_generator(checkpoint)` needs nothing but the checkpoint file (or its run folder): the model
config, attribute vocabularies and the observed attribute combinations are in its header. Every
"unknown attribute" and "unknown level" message comes from here (`unknown_attribute_error`,
`level_ids`), so a shop sees the same words from the CLI, the server and the clips.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from pathlib import Path

import numpy as np
import torch

from productgan.data.names import printable
from productgan.device import resolve_device
from productgan.errors import AttributeLevelError
from productgan.imaging import make_grid, tensor_to_uint8
from productgan.models import create_generator
from productgan.checkpoint import (
    GAN, gan_model_config, load_module, load_tensors, read_meta, require_tensors, resolve_checkpoint,
)


def unknown_attribute_error(asked: list[str], names: list[str], hint: str = "") -> AttributeLevelError:
    """The one "unknown attribute" error: what was asked, and what the model is conditioned on.

    hint: why the caller needed the attribute and what to do instead, added in parentheses.
    """
    conditioned = printable(", ".join(names)) or "(nothing: it is unconditional)"
    message = f"unknown attribute {', '.join(map(repr, asked))}; this model is conditioned on: {conditioned}"
    return AttributeLevelError(message + (f" ({hint})" if hint else ""))


def level_ids(levels: Mapping[str, list[str]], names: list[str], wanted: Mapping[str, str]) -> list[int | None]:
    """Map {'color': 'Red'} to label ids in model order; None for attributes not asked for.

    Matching is exact first, then case-insensitive; anything else is an AttributeLevelError that
    lists what is valid, so a typo in a shop's request is easy to fix.
    """
    unknown = [k for k in wanted if k not in levels]
    if unknown:
        raise unknown_attribute_error(unknown, names)
    ids: list[int | None] = []
    for name in names:
        if name not in wanted:
            ids.append(None)
            continue
        vocab, value = levels[name], str(wanted[name])
        if value in vocab:
            ids.append(vocab.index(value))
            continue
        folded = [v.lower() for v in vocab]
        if value.lower() in folded:
            ids.append(folded.index(value.lower()))
            continue
        raise AttributeLevelError(f"unknown level {value!r} for {name!r}; valid levels: {printable(', '.join(vocab))}")
    return ids


def truncated_normal(shape: tuple[int, ...], truncation: float | None, rng: torch.Generator) -> torch.Tensor:
    """Standard normal latents; with truncation t, values beyond |t| are redrawn (BigGAN's trick:
    lower t trades diversity for typicality)."""
    z = torch.randn(shape, generator=rng)
    if truncation is None:
        return z
    if not (truncation > 0 and math.isfinite(truncation)):
        raise ValueError(f"truncation must be > 0, got {truncation}")
    for _ in range(100):
        outside = z.abs() > truncation
        if not outside.any():
            break
        z[outside] = torch.randn(int(outside.sum()), generator=rng)
    return z.clamp_(-truncation, truncation)


TIED_MIN_ROWS = 5  # catalog rows a level needs before what always comes with it counts as tied to it (tied_levels)


class ProductGenerator:
    """A generator plus its vocabulary: ask for attributes by name, get uint8 images.

    resolution, channels: the side and channel count of the images it draws. Besides generate()
    it hands out the pieces callers compose: inputs() (latents and labels), every_level() (a label
    per level of one attribute), embed() (labels -> condition tensors, which a morph or a turntable
    blends) and render()/render_conditions() (uint8 images from either).

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
        self.resolution = int(module.resolution)
        self.channels = int(module.channels)

    @property
    def attributes(self) -> dict[str, list[str]]:
        return {n: list(self.levels[n]) for n in self.names}

    def level_ids(self, wanted: Mapping[str, str]) -> list[int | None]:
        """Label ids in model order for {'color': 'RED'}; None where not asked (see `level_ids`)."""
        return level_ids(self.levels, self.names, wanted)

    def canonical(self, wanted: Mapping[str, str]) -> dict[str, str]:
        """{'color': 'RED'} -> {'color': 'Red'}, as the model spells its levels, in model order."""
        ids = self.level_ids(wanted)
        return {name: self.levels[name][i] for name, i in zip(self.names, ids) if i is not None}

    def attribute_index(self, attribute: str, hint: str = "") -> int:
        """Column of `attribute` in the label rows; else the one unknown-attribute error (with `hint`)."""
        if attribute not in self.levels:
            raise unknown_attribute_error([attribute], self.names, hint)
        return self.names.index(attribute)

    def labels_for(self, n: int, wanted: Mapping[str, str], rng: torch.Generator) -> torch.Tensor:
        """(n, A) label ids honouring `wanted` and filling the rest from observed combinations."""
        ids = self.level_ids(wanted)
        if not self.names:
            return torch.zeros(n, 0, dtype=torch.long)
        rows = [(row, count) for row, count in self.combos
                if all(i is None or row[k] == i for k, i in enumerate(ids))]
        if rows:
            weights = torch.tensor([c for _, c in rows], dtype=torch.float)
            picks = torch.multinomial(weights, n, replacement=True, generator=rng)
            labels = torch.tensor([rows[p][0] for p in picks.tolist()], dtype=torch.long)
        else:
            labels = torch.stack([self._marginal(k, n, rng) for k in range(len(self.names))], dim=1)
        for k, i in enumerate(ids):
            if i is not None:
                labels[:, k] = i
        return labels

    def _marginal(self, k: int, n: int, rng: torch.Generator) -> torch.Tensor:
        counts = torch.ones(len(self.levels[self.names[k]]))
        for row, count in self.combos:
            counts[row[k]] += count
        return torch.multinomial(counts, n, replacement=True, generator=rng)

    @torch.no_grad()
    def render(self, z: torch.Tensor, labels: torch.Tensor, batch: int = 64) -> np.ndarray:
        """Run the network on given latents and labels; uint8 (N, H, W, C)."""
        return self._in_batches(len(z), batch, lambda rows: self.module(z[rows].to(self.device),
                                                                        labels[rows].to(self.device)))

    @torch.no_grad()
    def embed(self, labels: torch.Tensor) -> torch.Tensor | None:
        """(N, A) label ids -> (N, embed_dim) condition tensors on the device; None when unconditional.

        Conditions can be blended (a morph, a turntable) or shifted (an inverted photo's edit) and
        then drawn with render_conditions.
        """
        return self.module.embed(labels.to(self.device))

    @torch.no_grad()
    def render_conditions(self, z: torch.Tensor, condition: torch.Tensor | None, batch: int = 64) -> np.ndarray:
        """uint8 (N, H, W, C) from latents and already-embedded conditions (None: unconditional)."""
        return self._in_batches(len(z), batch, lambda rows: self.module.synthesize(
            z[rows].to(self.device), None if condition is None else condition[rows].to(self.device)))

    def _in_batches(self, count: int, batch: int, draw) -> np.ndarray:
        """draw(slice) -> float images for that slice of rows; all rows as uint8 (count, H, W, C)."""
        out = [tensor_to_uint8(draw(slice(start, start + batch))) for start in range(0, count, batch)]
        return np.concatenate(out) if out else np.zeros((0, self.resolution, self.resolution, self.channels), np.uint8)

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
        rng = torch.Generator().manual_seed(seed)
        z = truncated_normal((n, self.latent_dim), truncation, rng)
        return z, self.labels_for(n, wanted, rng)

    def generate(self, n: int, /, seed: int = 0, truncation: float | None = None,
                 attributes: Mapping[str, str] | None = None, **keyword_attributes: str) -> np.ndarray:
        """n images with the given attribute levels.

        generate(8, color='Red', category='Shoes') is the Python convenience; code that forwards user
        input passes generate(8, attributes={...}), where no attribute name (not even 'n', 'seed' or
        'attributes') can collide with a parameter. Unknown names are an AttributeLevelError.
        """
        return self.render(*self.inputs(n, seed, truncation, attributes, **keyword_attributes))

    def tied_levels(self, attribute: str) -> dict[int, dict[int, int]]:
        """Per level id of `attribute`, {column: level id} of the other attributes the catalog always
        pairs that level with (luma: Bags -> gender Gear, Watches -> view main and gender Gear).

        An edit into such a level moves them with it: "this women's top as a bag" asks for a bag
        for women, a combination the catalog never had, and the generator then draws its habit
        for women (a person in a top) instead of a bag. Only levels seen at least TIED_MIN_ROWS
        times tie anything: one lavender hoodie does not make lavender a hoodie colour.
        """
        k = self.attribute_index(attribute)
        tied = {}
        for level in range(len(self.levels[attribute])):
            rows = [(row, count) for row, count in self.combos if row[k] == level]
            if sum(count for _, count in rows) < TIED_MIN_ROWS:
                continue
            ties = {b: rows[0][0][b] for b in range(len(self.names))
                    if b != k and len({row[b] for row, _ in rows}) == 1}
            if ties:
                tied[level] = ties
        return tied

    def level_captions(self, attribute: str, held: Iterable[str] = ()) -> list[str]:
        """One row label per level of `attribute` that names the levels it moves with it, as
        every_level(held=held) draws them: ['Tees', 'Bags (gender Gear)', ...]."""
        kept = {self.attribute_index(name) for name in held}
        tied = self.tied_levels(attribute)
        captions = []
        for level, name in enumerate(self.levels[attribute]):
            moved = [f"{self.names[b]} {self.levels[self.names[b]][v]}" for b, v in tied.get(level, {}).items()
                     if b not in kept]
            captions.append(f"{name} ({', '.join(moved)})" if moved else name)
        return captions

    def with_tied_levels(self, levels: Mapping[str, str], changes: Mapping[str, str]) -> dict[str, str]:
        """`levels` (names) with `changes` applied and the levels each change ties moved with it
        (see tied_levels); an attribute named in `changes` keeps the level asked for."""
        result = {**levels, **changes}
        for name, level in changes.items():
            level_id = self.level_ids({name: level})[self.attribute_index(name)]
            for column, tied in self.tied_levels(name).get(level_id, {}).items():
                other = self.names[column]
                if other not in changes:
                    result[other] = self.levels[other][tied]
        return result

    def every_level(self, labels: torch.Tensor, attribute: str, held: Iterable[str] = ()) -> torch.Tensor:
        """(L * n, A) labels: `labels` (n, A) repeated once per level of `attribute`, level-major,
        with that column set to the level, the attributes that level ties moved with it (see
        tied_levels) unless named in `held` (what a caller asked for), every other column kept."""
        k = self.attribute_index(attribute)
        count = len(labels)
        rows = labels.repeat(len(self.levels[attribute]), 1)
        rows[:, k] = torch.arange(len(self.levels[attribute])).repeat_interleave(count)
        kept = {self.attribute_index(name) for name in held}
        for level, ties in self.tied_levels(attribute).items():
            for column, tied in ties.items():
                if column not in kept:
                    rows[level * count:(level + 1) * count, column] = tied
        return rows

    def level_inputs(self, attribute: str, per_level: int, seed: int = 0, truncation: float | None = None,
                     fixed: Mapping[str, str] | None = None) -> tuple[torch.Tensor, torch.Tensor]:
        """(L * per_level, latent_dim) latents and (L * per_level, A) labels, level-major: the products
        generate(per_level, seed, attributes=fixed) draws, once per level of `attribute` (with the
        levels each one ties, except those in `fixed`: see tied_levels)."""
        self.attribute_index(attribute)  # validate before any sampling
        z, labels = self.inputs(per_level, seed, truncation, fixed)
        asked = self.canonical(fixed or {})
        return z.repeat(len(self.levels[attribute]), 1), self.every_level(labels, attribute, held=asked)

    def level_images(self, attribute: str, per_level: int = 8, seed: int = 0, truncation: float | None = None,
                     fixed: Mapping[str, str] | None = None) -> tuple[np.ndarray, list[str]]:
        """uint8 (levels, per_level, H, W, C): the products generate(per_level, seed, attributes=fixed) draws,
        each rendered once per level of `attribute` with its other attributes kept. Returns (images, levels)."""
        images = self.render(*self.level_inputs(attribute, per_level, seed, truncation, fixed))
        count = len(self.levels[attribute])
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

    device: as every command's --device (productgan.device.resolve_device): 'auto' takes CUDA, then
    MPS, then the CPU; a named accelerator that is not there is one ProductGANError, asked before
    the file is read.
    The header is validated (checkpoint.read_meta, expecting a GAN) before the network is built, and
    the file's tensor names and shapes are compared with the built network before any weight is read,
    so a damaged or forged checkpoint, or one of another kind, is one CheckpointError naming the file.
    """
    device = resolve_device(device)
    path = resolve_checkpoint(path, GAN)
    meta = read_meta(path, expect=GAN)
    module = create_generator(gan_model_config(meta, path))
    name = "ema_generator" if use_ema and meta.config.get("ema_kimg", 0) > 0 else "generator"
    require_tensors(path, name, module.state_dict())
    load_module(module, load_tensors(path, prefix=name + ".", device="cpu"), name, source=path)
    combos = [(list(row), int(count)) for row, count in meta.extra.get("label_combos", [])]
    return ProductGenerator(module.to(device), meta.condition_names, meta.levels, combos, device)
