"""A training budget: how long a run trains, in the units its loop counts.

A run may set several limits (a kimg budget and a minutes cap, say); the first one reached ends it.
The loops count different things (images shown for the GAN, optimiser steps for the enhancer and the
encoder, epochs for the domain classifier), so a budget takes any of them and a Usage holds them all.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from productgan.errors import ConfigError

UNITS = ("kimg", "steps", "epochs", "minutes")  # the order spent() checks them in and the progress shows them


@dataclass(frozen=True)
class Usage:
    """What a run has spent so far: images shown, optimiser steps, epochs (fractional) and seconds of training."""

    images: int = 0
    steps: int = 0
    epochs: float = 0.0
    seconds: float = 0.0


def kimg_images(kimg: float) -> int:
    """Images in a kimg budget, robust to float noise (0.24 kimg is 240 images, not 241)."""
    return math.ceil(kimg * 1000 - 1e-6)


@dataclass(frozen=True)
class Budget:
    """Limits in kimg (thousands of images), steps, epochs and minutes; None: no limit in that unit."""

    kimg: float | None = None
    steps: int | None = None
    epochs: float | None = None
    minutes: float | None = None

    def __post_init__(self) -> None:
        if not self.limits():
            raise ConfigError("a training budget needs a limit: kimg, steps, epochs or minutes")

    def limits(self) -> dict[str, float]:
        """The set limits by unit, in UNITS order."""
        return {unit: getattr(self, unit) for unit in UNITS if getattr(self, unit) is not None}

    def spent(self, usage: Usage) -> str | None:
        """The unit whose limit `usage` has reached ('kimg' | 'steps' | 'epochs' | 'minutes'), or None."""
        for unit, limit in self.limits().items():
            if _amount(unit, usage) >= (kimg_images(limit) if unit == "kimg" else _native(unit, limit)):
                return unit
        return None

    def fraction(self, usage: Usage) -> float:
        """How much of the budget is spent, 0 to 1 (beyond 1 when a last batch overshoots): the
        largest fraction over the set limits, since the first limit reached ends the run."""
        return max(_amount(unit, usage) / _native(unit, limit) if limit > 0 else 1.0
                   for unit, limit in self.limits().items())

    @property
    def lead(self) -> str:
        """The unit progress is shown in: the first counted limit (kimg, steps, epochs), else minutes."""
        return next(iter(self.limits()))

    def describe(self, usage: Usage) -> str:
        """Progress in the lead unit's words: '12.3/48.0 kimg', 'step 12/300', '1.2/10.0 epochs', '1.5/8.0 min'."""
        unit = self.lead
        limit = self.limits()[unit]
        if unit == "kimg":
            return f"{usage.images / 1000:.1f}/{limit:.1f} kimg"
        if unit == "steps":
            return f"step {usage.steps}/{limit}"
        if unit == "epochs":
            return f"{usage.epochs:.1f}/{limit:.1f} epochs"
        return f"{usage.seconds / 60:.1f}/{limit:.1f} min"


def _amount(unit: str, usage: Usage) -> float:
    """What usage holds in a unit's native count: images, steps, epochs or seconds."""
    return {"kimg": usage.images, "steps": usage.steps, "epochs": usage.epochs, "minutes": usage.seconds}[unit]


def _native(unit: str, limit: float) -> float:
    """A limit in its unit's native count (kimg -> images, minutes -> seconds)."""
    return limit * 1000 if unit == "kimg" else limit * 60 if unit == "minutes" else limit
