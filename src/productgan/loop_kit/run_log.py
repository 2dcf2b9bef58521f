"""What a run writes for people to look at: metrics.jsonl, TensorBoard scalars and images."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np


class RunLog:
    """Appends one JSON object per logged step and mirrors scalars/images to TensorBoard.

    TensorBoard is optional at run time: if it cannot be imported the run still writes JSONL.
    """

    def __init__(self, run_dir: Path, enabled: bool = True, tensorboard: bool = True):
        self.run_dir = Path(run_dir)
        self.enabled = enabled
        self.path = self.run_dir / "metrics.jsonl"
        self.writer = None
        if enabled and tensorboard:
            try:
                from torch.utils.tensorboard import SummaryWriter

                self.writer = SummaryWriter(str(self.run_dir / "tensorboard"))
            except Exception:  # noqa: BLE001 - TensorBoard missing or broken must not stop training
                self.writer = None

    def truncate_after(self, images_seen: int) -> None:
        """On resume, drop lines logged after the checkpoint so the file matches the restored state."""
        if not self.enabled or not self.path.exists():
            return
        kept = [line for line in self.path.read_text().splitlines() if line.strip() and json.loads(line).get("images_seen", 0) <= images_seen]
        self.path.write_text("".join(line + "\n" for line in kept))

    def scalars(self, record: dict) -> None:
        if not self.enabled:
            return
        clean = {k: (None if isinstance(v, float) and not math.isfinite(v) else v) for k, v in record.items()}
        with self.path.open("a") as handle:
            handle.write(json.dumps(clean) + "\n")
        if self.writer is not None:
            step = int(record.get("images_seen", 0))
            for key, value in record.items():
                if isinstance(value, (int, float)) and key not in ("images_seen", "step"):
                    self.writer.add_scalar(key, value, step)

    def image(self, tag: str, grid: np.ndarray, images_seen: int) -> None:
        if self.enabled and self.writer is not None:
            self.writer.add_image(tag, grid, images_seen, dataformats="HWC")

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


def read_metrics(run_dir: str | Path) -> list[dict]:
    path = Path(run_dir) / "metrics.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
