"""Choosing the enhancer a task names: the classical chain, or a learned model read from its checkpoint."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import numpy as np

from productgan.enhance.classic import DEFAULT_CHAIN, ClassicChain
from productgan.errors import ProductGANError

LEARNED_TASKS = ("sr2", "sr4", "restore")
TASKS = ("classic", *LEARNED_TASKS)

Enhancer = Callable[[np.ndarray], np.ndarray]


def build_enhancer(task: str, checkpoint: str | Path | None = None, chain: str | None = None,
                   device: str = "cpu") -> Enhancer:
    """The callable for `task`: the classical chain, or a learned model read from its checkpoint alone.

    A learned task without a checkpoint uses the model shipped in the package (enhance/shipped.py);
    ShippedModelMissing says what to do when this install has none.
    """
    if task == "classic":
        return ClassicChain.parse(chain or DEFAULT_CHAIN)
    if task not in LEARNED_TASKS:
        raise ProductGANError(f"unknown task {task!r}; tasks are: {', '.join(TASKS)}")
    from productgan.enhance.learned import load_enhancer
    from productgan.enhance.shipped import require_shipped

    if checkpoint is None:
        checkpoint = require_shipped(task)
    enhancer = load_enhancer(checkpoint, device=device)
    if enhancer.task != task:
        raise ProductGANError(f"{checkpoint}: this checkpoint was trained for {enhancer.task}, not {task}")
    return enhancer
