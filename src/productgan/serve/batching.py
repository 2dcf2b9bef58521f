"""Rendering for the server: fixed-shape forward passes, and a per-model queue that batches requests.

Why fixed shapes: CPU and GPU kernels choose their reduction order by batch size, so the same
latent rendered alone or beside seven others differs by ~1e-6, which flips a few uint8 pixels.
`render_fixed` always runs the network on exactly `rows` latents (zero-padded), so a product's
pixels never depend on what else shared its forward pass: batched and unbatched answers are
byte-identical.

Why a queue: one forward pass over 32 latents costs far less than 32 passes over one. Each
request draws its own latents and labels from its own seed, then waits in its model's queue; one
worker per model takes up to `max_images` latents (waiting at most `max_wait_s` for more to
arrive), renders them in a worker thread, so the event loop never blocks on the model, and hands
each request its own rows back. The wait is skipped while traffic is light (the previous batch
held one request and nothing is queued): a lone shopper should not pay max_wait_s for company
that is not coming.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Callable

import numpy as np
import torch

from productgan.generate import ProductGenerator


def render_fixed(generator: ProductGenerator, z: torch.Tensor, labels: torch.Tensor, rows: int) -> np.ndarray:
    """uint8 (N, H, W, C) for latents z (N, D) and labels (N, A), run `rows` at a time (the last chunk zero-padded)."""
    padding = -len(z) % rows
    if padding:
        z = torch.cat([z, z.new_zeros(padding, z.shape[1])])
        labels = torch.cat([labels, labels.new_zeros(padding, labels.shape[1])])
    return generator.render(z, labels, batch=rows)[: len(z) - padding]


class DirectRenderer:
    """No batching: each request runs its own forward pass in a worker thread (the benchmark's baseline)."""

    def __init__(self, generator: ProductGenerator, rows: int):
        self.generator = generator
        self.rows = rows

    async def render(self, z: torch.Tensor, labels: torch.Tensor) -> np.ndarray:
        return await asyncio.to_thread(render_fixed, self.generator, z, labels, self.rows)

    async def close(self) -> None:
        return None


@dataclass
class _Job:
    z: torch.Tensor
    labels: torch.Tensor
    future: asyncio.Future = field(repr=False)


class BatchingRenderer:
    """One queue and one worker per model; `render` returns exactly what DirectRenderer would.

    The worker starts on first use in the running event loop (and again if the loop changes, as
    it does between test clients), so the renderer needs no start-up hook.
    """

    def __init__(self, generator: ProductGenerator, rows: int, max_images: int = 64, max_wait_s: float = 0.01,
                 on_batch: Callable[[int], None] | None = None):
        self.generator = generator
        self.rows = rows
        self.max_images = max_images
        self.max_wait_s = max_wait_s
        self.on_batch = on_batch
        self.largest_batch = 0
        self._last_batch_jobs = 2  # assume company until a batch turns out to be alone
        self._loop: asyncio.AbstractEventLoop | None = None
        self._queue: asyncio.Queue[_Job] | None = None
        self._worker: asyncio.Task | None = None

    async def render(self, z: torch.Tensor, labels: torch.Tensor) -> np.ndarray:
        queue = self._ensure_worker()
        job = _Job(z, labels, asyncio.get_running_loop().create_future())
        queue.put_nowait(job)
        return await job.future

    async def close(self) -> None:
        if self._worker is not None and not self._worker.done():
            self._worker.cancel()
            try:
                await self._worker
            except (asyncio.CancelledError, RuntimeError):
                pass  # cancelled here, or bound to a loop that has already gone
        self._worker = self._queue = self._loop = None

    def _ensure_worker(self) -> asyncio.Queue:
        loop = asyncio.get_running_loop()
        if self._loop is not loop or self._worker is None or self._worker.done():
            self._loop, self._queue = loop, asyncio.Queue()
            self._worker = loop.create_task(self._run(self._queue), name="productgan-render-batcher")
        assert self._queue is not None
        return self._queue

    async def _run(self, queue: asyncio.Queue) -> None:
        held: _Job | None = None  # a job that did not fit in the last batch goes first in the next
        while True:
            first = held or await queue.get()
            jobs, held = await self._collect(queue, first)
            self._last_batch_jobs = len(jobs)
            jobs = [job for job in jobs if not job.future.done()]  # callers that gave up
            if jobs:
                await self._render_batch(jobs)

    async def _collect(self, queue: asyncio.Queue, first: _Job) -> tuple[list[_Job], _Job | None]:
        """Add queued jobs to `first` until max_images latents or max_wait_s has passed."""
        loop = asyncio.get_running_loop()
        jobs, size = [first], len(first.z)
        light_traffic = self._last_batch_jobs == 1 and queue.empty()
        deadline = loop.time() + (0.0 if light_traffic else self.max_wait_s)
        while size < self.max_images:
            try:
                job = queue.get_nowait()
            except asyncio.QueueEmpty:
                remaining = deadline - loop.time()
                if remaining <= 0:
                    break
                try:
                    job = await asyncio.wait_for(queue.get(), remaining)
                except asyncio.TimeoutError:
                    break
            if size + len(job.z) > self.max_images:
                return jobs, job
            jobs.append(job)
            size += len(job.z)
        return jobs, None

    async def _render_batch(self, jobs: list[_Job]) -> None:
        z = torch.cat([job.z for job in jobs])
        labels = torch.cat([job.labels for job in jobs])
        try:
            images = await asyncio.to_thread(render_fixed, self.generator, z, labels, self.rows)
        except Exception as exc:  # noqa: BLE001 - every waiting request gets the error, the worker lives on
            for job in jobs:
                if not job.future.done():
                    job.future.set_exception(exc)
            return
        self.largest_batch = max(self.largest_batch, len(z))
        if self.on_batch is not None:
            self.on_batch(len(z))
        start = 0
        for job in jobs:
            if not job.future.done():
                job.future.set_result(images[start:start + len(job.z)])
            start += len(job.z)
