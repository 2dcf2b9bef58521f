"""Training: the loop, its config, EMA, logging and multi-process data parallelism.

Checkpoint I/O is the checkpoint package's (productgan.checkpoint), which train/ uses like every other
package: nothing outside train/ imports it for checkpoints.
"""

from productgan.train.config import TrainConfig
from productgan.train.loop import TrainResult, Trainer, train

__all__ = ["TrainConfig", "TrainResult", "Trainer", "train"]
