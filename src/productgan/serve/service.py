"""What the endpoints do, apart from HTTP: validate against the limits, draw inputs, render, encode.

Generate answers are cached as encoded bodies, keyed by (model, attribute ids, seed, n,
truncation, format): the level ids, not the spelling, so "RED" and "red" share an entry.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field

import numpy as np
import torch

from productgan.edit.clips import turntable_frames
from productgan.edit.morph import encode_gif, morph_frames
from productgan.serve.batching import BatchingRenderer, DirectRenderer
from productgan.serve.cache import LRUCache
from productgan.serve.images import base64_list, grid_png, png_bytes, png_list, strip_png
from productgan.serve.limits import (
    DEFAULT_LIMITS, ServeLimits, check_count, check_clip_request, check_seed, check_truncation,
)
from productgan.serve.metrics import ServeMetrics
from productgan.serve.registry import ModelRegistry, ServedModel
from productgan.serve.schemas import GenerateRequest, MorphRequest, TurntableRequest, VariantsRequest

PNG, GIF, JSON = "image/png", "image/gif", "application/json"


@dataclass(frozen=True)
class ServeSettings:
    """How the server runs; the CLI's options map onto these one to one."""

    api_key: str | None = None
    batching: bool = True
    max_batch_images: int = 64   # latents per forward pass of the batcher
    max_wait_ms: float = 10.0    # how long the batcher waits for more requests to join a batch
    render_rows: int = 8         # every forward pass runs on exactly this many latents (see batching.py)
    cache_entries: int = 1024
    cache_bytes: int = 64 * 1024 * 1024
    limits: ServeLimits = field(default_factory=lambda: DEFAULT_LIMITS)
    enhancers: tuple[str, ...] = ()  # learned enhancer checkpoints (sr2, sr4, restore) for /api/photo/enhance
    shipped_enhancers: bool = True  # also offer the package's shipped model for each task not given above
    allow_hosts: tuple[str, ...] = ()  # host names answered besides localhost and the bound address (serve/hosts.py)
    bind_host: str | None = None       # the address uvicorn binds (run_server sets it); a name the server answers to
    catalog: str | None = None  # the folder /api/foryou looks catalog ids up in, instead of each run's recorded catalog


@dataclass
class Answer:
    """An encoded response body and its media type."""

    body: bytes
    media_type: str


class ProductService:
    """One per app: the registry, a renderer per model, the cache and the metrics."""

    def __init__(self, registry: ModelRegistry, settings: ServeSettings, metrics: ServeMetrics):
        self.registry = registry
        self.settings = settings
        self.metrics = metrics
        self.cache = LRUCache(settings.cache_entries, settings.cache_bytes)
        self.renderers = {model.name: self._renderer(model) for model in registry.models()}

    def _renderer(self, model: ServedModel) -> BatchingRenderer | DirectRenderer:
        rows = self.settings.render_rows
        if not self.settings.batching:
            return DirectRenderer(model.generator, rows)
        observe = self.metrics.batch_images.labels(model=model.name).observe
        return BatchingRenderer(model.generator, rows, self.settings.max_batch_images,
                                self.settings.max_wait_ms / 1000, on_batch=observe)

    async def close(self) -> None:
        for renderer in self.renderers.values():
            await renderer.close()

    async def render(self, model: ServedModel, z: torch.Tensor, labels: torch.Tensor, endpoint: str) -> np.ndarray:
        images = await self.renderers[model.name].render(z, labels)
        self.metrics.images.labels(model=model.name, endpoint=endpoint).inc(len(images))
        return images

    async def generate(self, request: GenerateRequest, image_format: str) -> Answer:
        """image_format: 'png' (one image, or a grid when n > 1) or 'json' (every image, base64)."""
        limits = self.settings.limits
        model = self.registry.get(request.model)
        n, seed = check_count(request.n, limits), check_seed(request.seed)
        truncation = check_truncation(request.truncation, limits)
        attributes = model.generator.canonical(request.attributes)
        key = (model.name, tuple(sorted(attributes.items())), seed, n, truncation, image_format)
        cached = self.cache.get(key)
        self.metrics.cache.labels(result="hit" if cached is not None else "miss").inc()
        if cached is not None:
            return Answer(cached, PNG if image_format == "png" else JSON)
        z, labels = model.generator.inputs(n, seed, truncation, attributes)
        images = await self.render(model, z, labels, "generate")
        if image_format == "png":
            answer = Answer(await asyncio.to_thread(_one_png, images), PNG)
        else:
            pngs = await asyncio.to_thread(png_list, images)
            answer = Answer(_json({"model": model.name, "n": n, "seed": seed, "truncation": truncation,
                                   "attributes": attributes, "media_type": PNG, "images": base64_list(pngs)}), JSON)
        self.cache.put(key, answer.body)
        return answer

    async def variants(self, request: VariantsRequest, image_format: str) -> Answer:
        """The product generate(n=1, seed, attributes) shows, once per level of request.attribute."""
        model = self.registry.get(request.model)
        seed, truncation = check_seed(request.seed), check_truncation(request.truncation, self.settings.limits)
        generator = model.generator
        z, labels = generator.level_inputs(request.attribute, 1, seed, truncation, request.attributes)
        attributes = generator.canonical(request.attributes)
        levels = generator.levels[request.attribute]
        images = await self.render(model, z, labels, "variants")
        if image_format == "png":
            return Answer(await asyncio.to_thread(strip_png, images), PNG)
        pngs = await asyncio.to_thread(png_list, images)
        return Answer(_json({"model": model.name, "seed": seed, "attribute": request.attribute, "levels": levels,
                             "captions": generator.level_captions(request.attribute, held=attributes),
                             "attributes": attributes, "media_type": PNG, "images": base64_list(pngs)}), JSON)

    async def morph(self, request: MorphRequest, image_format: str) -> Answer:
        """image_format: 'gif' (animated) or 'png' (the frames side by side)."""
        limits = self.settings.limits
        model = self.registry.get(request.model)
        seed_a, seed_b = check_seed(request.seed_a, "seed_a"), check_seed(request.seed_b, "seed_b")
        check_clip_request(request.frames, request.fps, limits)
        truncation = check_truncation(request.truncation, limits)
        attributes_a = model.generator.canonical(request.attributes_a)
        attributes_b = attributes_a if request.attributes_b is None else model.generator.canonical(request.attributes_b)
        frames = await asyncio.to_thread(morph_frames, model.generator, seed_a, seed_b, request.frames,
                                         attributes_a, attributes_b, truncation)
        self.metrics.images.labels(model=model.name, endpoint="morph").inc(len(frames))
        return await _clip_answer(frames, image_format, request.fps)


    async def turntable(self, request: TurntableRequest, image_format: str) -> Answer:
        """image_format: 'gif' (animated, looping) or 'png' (the frames side by side)."""
        limits = self.settings.limits
        model = self.registry.get(request.model)
        seed = check_seed(request.seed)
        check_clip_request(request.frames, request.fps, limits)
        truncation = check_truncation(request.truncation, limits)
        attributes = model.generator.canonical(request.attributes)
        frames = await asyncio.to_thread(turntable_frames, model.generator, request.frames, seed, truncation,
                                         attributes, request.attribute)
        self.metrics.images.labels(model=model.name, endpoint="turntable").inc(len(frames))
        return await _clip_answer(frames, image_format, request.fps)


async def _clip_answer(frames: np.ndarray, image_format: str, fps: float) -> Answer:
    """A clip's frames as an animated GIF, or side by side in one PNG strip (image_format 'png')."""
    if image_format == "png":
        return Answer(await asyncio.to_thread(strip_png, frames), PNG)
    return Answer(await asyncio.to_thread(encode_gif, frames, fps), GIF)


def _one_png(images: np.ndarray) -> bytes:
    """The image itself for one, a grid for several."""
    return png_bytes(images[0]) if len(images) == 1 else grid_png(images)


def _json(payload: dict) -> bytes:
    return json.dumps(payload, separators=(",", ":")).encode()
