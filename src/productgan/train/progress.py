"""A rich progress bar for training: images/s and ETA against the kimg or minutes budget."""

from __future__ import annotations

from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

from productgan.train.config import TrainConfig


class TrainProgress:
    """Shows progress toward whichever budget is set (kimg preferred, else minutes)."""

    def __init__(self, config: TrainConfig, images_seen: int, elapsed: float, enabled: bool = True):
        self.by_images = config.kimg is not None
        self.total = config.kimg * 1000 if self.by_images else config.minutes * 60
        self.enabled = enabled
        self._start_images, self._start_elapsed = images_seen, elapsed
        self.progress = None
        if enabled:
            self.progress = Progress(
                TextColumn("[bold]train"), BarColumn(), TextColumn("{task.percentage:>5.1f}%"),
                TextColumn("{task.fields[kimg]:.2f} kimg"), TextColumn("{task.fields[rate]:.0f} img/s"),
                TimeRemainingColumn(), transient=False,
            )
            self.progress.start()
            self.task = self.progress.add_task("train", total=self.total, kimg=images_seen / 1000, rate=0.0)
            self.update(images_seen, elapsed)

    def update(self, images_seen: int, elapsed: float) -> None:
        if self.progress is None:
            return
        done = images_seen if self.by_images else elapsed
        span = max(elapsed - self._start_elapsed, 1e-9)
        rate = (images_seen - self._start_images) / span
        self.progress.update(self.task, completed=min(done, self.total), kimg=images_seen / 1000, rate=rate)

    def close(self) -> None:
        if self.progress is not None:
            self.progress.stop()
