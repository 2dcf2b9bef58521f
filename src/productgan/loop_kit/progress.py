"""Progress of a training loop toward its Budget: productgan.progress.WorkProgress, fed by the budget.

The bar (or, off a terminal, the log line every few seconds) advances by the budget's fraction, so its
percentage and ETA are toward whichever limit ends the run first; the amount is written in the unit the
loop counts. Every loop shows the same fields: images per second since this session started, the
kimg when time is the lead unit, then the loop's own figures (losses).
"""

from __future__ import annotations

from rich.console import Console

from productgan.loop_kit.budget import Budget, Usage
from productgan.progress import WorkProgress


def rate_words(images_per_s: float) -> str:
    """Images per second to the precision worth reading: '1234', '56.7'."""
    return f"{images_per_s:.0f}" if images_per_s >= 100 else f"{images_per_s:.1f}"


class BudgetProgress:
    """`update(usage, **figures)` after each step, `note(message)` for a line of its own, `close()` at the end.

    start: the usage a resumed run starts from, so the rate counts only this session's work.
    """

    def __init__(self, label: str, budget: Budget, start: Usage = Usage(), enabled: bool = True,
                 console: Console | None = None, every_s: float | None = None):
        self.budget, self.start, self.now = budget, start, start
        self.work = WorkProgress(label, 1.0, done=budget.fraction(start), enabled=enabled,
                                 describe=lambda done, total: budget.describe(self.now), console=console,
                                 every_s=every_s)

    def update(self, usage: Usage, **figures: object) -> None:
        self.now = usage
        fields: dict[str, object] = {}
        if self.budget.lead == "minutes" and usage.images:
            fields["kimg"] = f"{usage.images / 1000:.1f}"
        seconds = usage.seconds - self.start.seconds
        if usage.images > self.start.images and seconds > 0:
            fields["img/s"] = rate_words((usage.images - self.start.images) / seconds)
        self.work.update(self.budget.fraction(usage), **fields, **figures)

    def note(self, message: str) -> None:
        """A line of its own above the bar (or in the log): e.g. the thread count chosen."""
        self.work.note(message)

    def close(self) -> None:
        self.work.close()

    def __enter__(self) -> "BudgetProgress":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
