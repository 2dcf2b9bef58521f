"""Training: the loop, its config, checkpoints, EMA, logging and multi-process data parallelism."""

from productgan.train.config import TrainConfig
from productgan.train.loop import TrainResult, Trainer, train

__all__ = ["TrainConfig", "TrainResult", "Trainer", "train"]
