"""The photo enhancers a server offers: the classical chain always, learned models when started with
them (--enhancer) and, for every other task, the model shipped in the package (enhance/shipped.py).

Why a registry of its own: learned enhancers are loaded once at start (like the GAN models), their
task is read from each checkpoint, never from the request, and an x4 model turns an accepted upload
into 16x the pixels, so the output size is bounded before any work is queued. Each job carries its
cost per input pixel (the chain's estimate, or the network's measured multiply-accumulates), which
serve/work.py checks against the server's budget before the upload is decoded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np

from productgan.enhance.apply import TASKS
from productgan.enhance.auto import AutoEnhancer
from productgan.enhance.classic import DEFAULT_CHAIN, ClassicChain
from productgan.enhance.repair import with_repair
from productgan.errors import ProductGANError
from productgan.serve.errors import LimitError, PayloadTooLarge, RequestError
from productgan.serve.work import learned_cost_per_pixel

Enhance = Callable[[np.ndarray, np.ndarray | None], np.ndarray]


@dataclass(frozen=True)
class EnhanceJob:
    """What one enhance request will run: the callable (image, repair mask or None) -> image, its
    output scale, and its estimated cost in units per input pixel (see serve/work.py)."""

    enhance: Enhance
    scale: int
    cost_per_pixel: float


@dataclass
class PhotoEnhancers:
    """task -> a loaded learned enhancer (sr2, sr4, restore); `classic` needs none."""

    learned: dict = field(default_factory=dict)
    costs: dict = field(default_factory=dict)  # task -> units per input pixel, measured once per model

    @classmethod
    def load(cls, paths: tuple[str | Path, ...] | list[str | Path], device: str = "cpu",
             shipped: bool = True) -> "PhotoEnhancers":
        """Load each checkpoint once; two checkpoints for one task are refused before serving.

        shipped: also offer the package's shipped model for each task no checkpoint was given for
        (a given checkpoint overrides the shipped one of its task)."""
        from productgan.enhance.learned import load_enhancer
        from productgan.enhance.shipped import shipped_path, shipped_tasks

        learned: dict = {}
        for path in paths:
            enhancer = load_enhancer(path, device=device)
            if enhancer.task in learned:
                raise ProductGANError(f"{path}: a second {enhancer.task} model; serve one per task "
                                      f"(the first is {learned[enhancer.task].path})")
            learned[enhancer.task] = enhancer
        for task in shipped_tasks() if shipped else ():
            if task not in learned:
                learned[task] = load_enhancer(shipped_path(task), device=device)
        return cls(learned, {task: learned_cost_per_pixel(model, model.generator) for task, model in learned.items()})

    def tasks(self) -> list[str]:
        return ["auto", "classic", *sorted(self.learned)]

    def describe(self) -> list[dict]:
        return [{"task": "auto", "scale": 1}, {"task": "classic", "scale": 1, "default_chain": DEFAULT_CHAIN}] + [
            {"task": task, "scale": model.scale, "checkpoint": _checkpoint_name(model.path),
             "code_version": model.code_version} for task, model in sorted(self.learned.items())]

    def build(self, task: str, chain: str | None) -> EnhanceJob:
        """The job for a request; refused before the upload is decoded when the task is unknown or
        not loaded, or the chain is bad (ChainError, a 400 naming the step and its allowed range)."""
        if task == "auto":  # a fresh enhancer per request: it keeps the report of its last photo
            if chain:
                raise RequestError("a chain is for task classic; auto chooses its own steps")
            auto = AutoEnhancer()
            return EnhanceJob(with_repair(auto, "auto"), 1, auto.cost_per_pixel())
        if task == "classic":
            classic = ClassicChain.parse(chain or DEFAULT_CHAIN)
            return EnhanceJob(with_repair(classic, "classic"), 1, classic.cost_per_pixel())
        if task not in TASKS:
            raise LimitError(f"unknown task {task!r}; tasks are: {', '.join(TASKS)}")
        if task not in self.learned:
            raise RequestError(f"this server has no {task} model (it offers: {', '.join(self.tasks())}); "
                               f"start it with `productgan serve ... --enhancer CHECKPOINT` (this install ships none for "
                               f"{task})", status=404)
        model = self.learned[task]
        if task not in self.costs:
            self.costs[task] = learned_cost_per_pixel(model, model.generator)
        return EnhanceJob(model, model.scale, self.costs[task])  # an SR model refuses a repair mask itself


def _checkpoint_name(path: Path) -> str:
    """The run folder's name, or "shipped sr4.safetensors" for a file from the package (never a full path:
    the server's file system is not the client's business)."""
    from productgan.enhance.shipped import weights_folder

    path = Path(path)
    return f"shipped {path.name}" if path.parent == weights_folder() else path.parent.name


def check_enhanced_size(shape: tuple[int, int], scale: float, max_pixels: int) -> None:
    """An upscaled result must stay within max_pixels (a 16 MP upload at x4 would be 256 MP)."""
    height, width = shape
    if not height * width * scale * scale <= max_pixels:
        raise PayloadTooLarge(f"x{scale:g} of a {width} x {height} photo would be {round(width * scale)} x {round(height * scale)} "
                              f"pixels, over the limit of {max_pixels}; send a smaller photo")
