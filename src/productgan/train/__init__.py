"""Training the GAN: the loop, its config, EMA and multi-process data parallelism.

What every training loop shares (budget, progress, SIGTERM handling, config.json, metrics.jsonl) is
productgan.loop_kit's.

Checkpoint I/O is the checkpoint package's (productgan.checkpoint), which train/ uses like every other
package: nothing outside train/ imports it for checkpoints.
"""

from productgan.train.config import TrainConfig
from productgan.train.loop import TrainResult, Trainer, train

__all__ = ["TrainConfig", "TrainResult", "Trainer", "train"]
