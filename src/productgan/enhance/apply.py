"""Choosing the enhancer a task names: the classical steps a photo needs (auto), the fixed classical
chain (classic), or a learned model read from its checkpoint; and running one on a photo with
transparency (carry_alpha), for the CLI and the HTTP API alike."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import cv2
import numpy as np

from productgan.enhance.classic import DEFAULT_CHAIN, ClassicChain
from productgan.errors import ProductGANError
from productgan.photo_io import with_alpha_channel

LEARNED_TASKS = ("sr2", "sr4", "restore")
CLASSICAL_TASKS = ("auto", "classic")
TASKS = (*CLASSICAL_TASKS, *LEARNED_TASKS)
DEFAULT_TASK = "auto"  # the fixed chain makes good studio photos worse; auto touches only what is out of range

Enhancer = Callable[[np.ndarray], np.ndarray]


def build_enhancer(task: str, checkpoint: str | Path | None = None, chain: str | None = None,
                   device: str = "cpu") -> Enhancer:
    """The callable for `task`: auto (an AutoEnhancer, whose `fix` also says what it did and why), the
    classical chain, or a learned model read from its checkpoint alone.

    A learned task without a checkpoint uses the model shipped in the package (enhance/shipped.py);
    ShippedModelMissing says what to do when this install has none.
    """
    if task == "auto":
        if chain is not None:
            raise ProductGANError("--chain is for --task classic; --task auto chooses its own steps per photo")
        from productgan.enhance.auto import AutoEnhancer

        return AutoEnhancer()
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


def carry_alpha(enhance: Enhancer, image: np.ndarray, alpha: np.ndarray | None) -> np.ndarray:
    """enhance(image) with a cut-out's alpha carried through: uint8 (H', W', 4) RGBA when `alpha`
    (uint8 (H, W)) is given, else enhance's (H', W', 3) RGB as it is.

    Enhancers work on the colour flattened onto white (photo_io reads it so), which is what they
    were tuned and trained on; the alpha is the user's and is not theirs to change. A task that
    keeps the size (auto, classic, restore) hands the alpha back untouched, bit for bit; a
    super-resolution task makes the photo sr-times larger, and the alpha follows with a bilinear
    resize: it never overshoots, so a hard cut-out edge gets no faint halo outside the product or
    dip inside it (Lanczos rings there), and it is the resize Real-ESRGAN applies to alpha when it
    does not run its model on it.
    """
    result = enhance(image)
    if alpha is None:
        return result
    height, width = result.shape[:2]
    if alpha.shape != (height, width):
        alpha = cv2.resize(alpha, (width, height), interpolation=cv2.INTER_LINEAR)
    return with_alpha_channel(result, alpha)
