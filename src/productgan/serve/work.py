"""Bounding photo work: what a photo request costs before it runs, and how many run at once.

Why: a 2 KB PNG can declare 16 megapixels, and the classical chain's denoise costs seconds of CPU
per megapixel, so one unbounded request cost a minute of CPU and most of a gigabyte. Each photo
request is priced from its header (pixels) and its steps' cost per pixel before anything is
decoded (`check_work`: a 413 naming the limit). Admitted work then waits for one of `photo_jobs`
slots (`PhotoGate`) at most `photo_wait_s`, else a 503 with Retry-After, and holds its slot until
its worker thread finishes, even when the client has gone: a thread cannot be stopped, so the
slot is what keeps at most `photo_jobs` photo threads running.

Units: one unit is one light pass over the photo (about 0.15 s per megapixel on one CPU core),
the unit of ClassicChain.cost_per_pixel; work is megapixels x units per pixel.
"""

from __future__ import annotations

import asyncio
import math
from typing import Any, Callable, TypeVar

import numpy as np
import torch

from productgan.serve.errors import PayloadTooLarge, ServerBusy
from productgan.serve.limits import ServeLimits

T = TypeVar("T")

# Multiply-accumulates per pixel that cost one unit on a CPU core (~8 GMAC/s measured on the
# enhancers' convolutions, so 0.15 s per megapixel is ~1.2 GMAC per megapixel).
UNIT_MACS = 1200.0
# The classical photo edits per result pixel, measured like classic.py's step costs (one core, 1 MP).
# cutout: the mask plus the matted edge, 2.5x the mask's time (bench/masks.py --speed, cpu2).
EDIT_COST = {"recolor": 2.4, "whiten": 1.0, "rotate": 1.5, "scale": 1.5, "flip": 0.1, "mask": 0.7, "cutout": 1.8}
PROBE_SIDE = 32  # pixels per side of the image the MAC count of a learned enhancer is measured on


def check_work(pixels: int, cost_per_pixel: float, limits: ServeLimits, what: str) -> float:
    """The work of `what` on a photo of `pixels`, in megapixel-units; over the budget is a 413."""
    work = pixels / 1e6 * cost_per_pixel
    if not work <= limits.max_photo_work:
        raise PayloadTooLarge(f"{what} on a {pixels / 1e6:.1f} MP photo would cost {work:.0f} megapixel-units of "
                              f"work, over this server's limit of {limits.max_photo_work:g} (server option "
                              f"--max-photo-work); send a smaller photo or ask for fewer steps")
    return work


def edit_result_size(operation: str, width: int, height: int) -> tuple[int, int]:
    """(width, height) of an edit's result: whiten pads to a square canvas (a 16 MP strip 16384 px
    long would become 268 MP), every other edit keeps the canvas."""
    if operation == "whiten":
        return max(width, height), max(width, height)
    return width, height


def check_result_size(width: int, height: int, limits: ServeLimits, what: str) -> None:
    """A result (an upscale, a squared canvas) must stay within limits.max_enhanced_pixels."""
    if not width * height <= limits.max_enhanced_pixels:
        raise PayloadTooLarge(f"{what} would make a {width} x {height} image, over the limit of "
                              f"{limits.max_enhanced_pixels} pixels; send a smaller photo")


def learned_cost_per_pixel(enhance: Callable[[np.ndarray], np.ndarray], network: torch.nn.Module) -> float:
    """Units per input pixel of a learned enhancer: its convolutions' multiply-accumulates, counted
    on a small probe image through the enhancer itself (so upscaling stages count), over UNIT_MACS."""
    macs = 0

    def count(module: torch.nn.Conv2d, _inputs: Any, output: torch.Tensor) -> None:
        nonlocal macs
        kernel = module.kernel_size[0] * module.kernel_size[1]
        macs += output.numel() * (module.in_channels // module.groups) * kernel

    hooks = [m.register_forward_hook(count) for m in network.modules() if isinstance(m, torch.nn.Conv2d)]
    try:
        enhance(np.zeros((PROBE_SIDE, PROBE_SIDE, 3), np.uint8))
    finally:
        for hook in hooks:
            hook.remove()
    return macs / (PROBE_SIDE * PROBE_SIDE) / UNIT_MACS


class PhotoGate:
    """At most `jobs` photo jobs in worker threads at once; a caller waits `wait_s` for a slot.

    The semaphore is made in the running event loop on first use (and again if the loop changes,
    as it does between test clients), so the gate needs no start-up hook.
    """

    def __init__(self, jobs: int, wait_s: float):
        self.jobs = jobs
        self.wait_s = wait_s
        self.running = 0
        self._loop: asyncio.AbstractEventLoop | None = None
        self._slots: asyncio.Semaphore | None = None

    async def run(self, work: Callable[..., T], *args: Any) -> T:
        """work(*args) in a worker thread once a slot is free; ServerBusy (503) after wait_s."""
        slots = self._semaphore()
        try:
            await asyncio.wait_for(slots.acquire(), self.wait_s)
        except asyncio.TimeoutError:
            raise ServerBusy(f"the server is busy with other photos ({self.jobs} at a time) and none finished "
                             f"within {self.wait_s:g} s; try again shortly", retry_after_s=max(1, math.ceil(self.wait_s))) from None
        self.running += 1
        job = asyncio.ensure_future(asyncio.to_thread(work, *args))
        job.add_done_callback(lambda done: self._release(slots, done))
        return await asyncio.shield(job)  # a client that leaves stops waiting; the slot stays held until the thread ends

    def _release(self, slots: asyncio.Semaphore, done: asyncio.Future) -> None:
        self.running -= 1
        slots.release()
        if not done.cancelled():
            done.exception()  # retrieved here too, so a job whose client left logs no "never retrieved"

    def _semaphore(self) -> asyncio.Semaphore:
        loop = asyncio.get_running_loop()
        if self._loop is not loop or self._slots is None:
            self._loop, self._slots = loop, asyncio.Semaphore(self.jobs)
        return self._slots
