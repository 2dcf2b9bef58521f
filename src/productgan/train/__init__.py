"""Training: the loop, its config, checkpoints, EMA, logging and multi-process data parallelism."""

from productgan.train.config import TrainConfig

__all__ = ["TrainConfig", "TrainResult", "Trainer", "train"]


def __getattr__(name: str):
    # The loop imports generation (for sample grids) and generation imports checkpoint I/O from
    # this package, so the loop is loaded on first use rather than at package import.
    if name in ("TrainResult", "Trainer", "train"):
        from productgan.train import loop

        return getattr(loop, name)
    raise AttributeError(name)
