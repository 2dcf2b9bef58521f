"""Training progress toward the kimg or minutes budget: images/s, losses and an ETA.

A bar on a terminal and a log line every few seconds elsewhere (productgan.progress), so a run
started from a script, CI or `nohup` shows how far it is and how fast it goes.
"""

from __future__ import annotations

from productgan.progress import WorkProgress
from productgan.train.config import TrainConfig


def _kimg_words(done: float, total: float) -> str:
    return f"{done / 1000:.1f}/{total / 1000:.1f} kimg"


def _minutes_words(done: float, total: float) -> str:
    return f"{done / 60:.1f}/{total / 60:.1f} min"


class TrainProgress:
    """Shows progress toward whichever budget is set (kimg preferred, else minutes)."""

    def __init__(self, config: TrainConfig, images_seen: int, elapsed: float, enabled: bool = True):
        self.by_images = config.kimg is not None
        total = config.kimg * 1000 if self.by_images else config.minutes * 60
        done = images_seen if self.by_images else elapsed
        self.work = WorkProgress("train", total, done=done, enabled=enabled,
                                 describe=_kimg_words if self.by_images else _minutes_words)
        self._start_images, self._start_elapsed = images_seen, elapsed

    def update(self, images_seen: int, elapsed: float, **figures: object) -> None:
        span = max(elapsed - self._start_elapsed, 1e-9)
        rate = (images_seen - self._start_images) / span
        fields = {} if self.by_images else {"kimg": f"{images_seen / 1000:.1f}"}
        self.work.update(images_seen if self.by_images else elapsed, **fields, **{"img/s": f"{rate:.0f}"}, **figures)

    def note(self, message: str) -> None:
        """A line of its own above the bar (or in the log): e.g. the thread count chosen."""
        self.work.note(message)

    def close(self) -> None:
        self.work.close()
