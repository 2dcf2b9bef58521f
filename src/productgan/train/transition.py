"""Transitional conditioning (Shahbazi et al. 2022, "Collapse by Conditioning"): the condition fades in.

Why: on a small catalog a class-conditional GAN can collapse where an unconditional one does not,
most of all on its rare levels (luma's 7 watches gave one object per model). The paper's remedy is
to train unconditionally first, so every level shares what the whole catalog teaches, and then
raise the condition's weight from 0 to 1: in G the embedded condition is scaled by it, in D the
projection term (and the classification term, when on) is.
"""

from __future__ import annotations

from collections.abc import Iterable

import torch


def condition_strength(kimg: float, transition_kimg: tuple[float, float] | None) -> float:
    """The condition's weight after `kimg`: 0 until the transition's start, 1 from its end, linear
    between; always 1 without a transition."""
    if transition_kimg is None:
        return 1.0
    start, end = transition_kimg
    return min(max((kimg - start) / (end - start), 0.0), 1.0)


def set_condition_strength(modules: Iterable[torch.nn.Module], strength: float) -> None:
    """Write the strength into each module's condition_strength buffer (generators, projection heads)."""
    for module in modules:
        module.condition_strength.fill_(strength)
