"""Run under torchrun by test_distributed.py (which puts tests/ on PYTHONPATH): train briefly, then dump
this rank's weights."""

import sys
from pathlib import Path

import torch
from safetensors.torch import save_file

from helpers.train import tiny_config, two_color_catalog

from productgan.train import Trainer

if __name__ == "__main__":
    torch.set_num_threads(1)
    out = Path(sys.argv[1])
    trainer = Trainer(tiny_config(out / "run", kimg=0.096, r1_gamma=1.0, penalty_every=2), progress=False,
                      catalog=two_color_catalog())
    trainer.run()
    rank = trainer.dist.rank
    weights = {f"g.{k}": v for k, v in trainer.generator.state_dict().items()}
    weights |= {f"d.{k}": v for k, v in trainer.discriminator.state_dict().items()}
    save_file({k: v.contiguous() for k, v in weights.items()}, str(out / f"rank{rank}.safetensors"),
              metadata={"images_seen": str(trainer.images_seen), "world": str(trainer.dist.world_size)})
