"""An untrained tiny generator with a known vocabulary and catalog combinations, for the "for you"
tests: the taste and the guard are properties of the fitting and drawing code, not of a trained
model, so these need no training (milliseconds to build)."""

from __future__ import annotations

from pathlib import Path

import torch

from productgan.generate import ProductGenerator
from productgan.models import create_generator
from productgan.models.config import ModelConfig

LEVELS = {"color": ["red", "blue", "green", "black"], "category": ["tee", "bag", "shorts"]}
# every colour x category pair, red and blue the most common: the catalog's level frequencies are not uniform
COMBOS = [([c, k], 10 if c < 2 else 3) for c in range(4) for k in range(3)]


def tiny_generator(seed: int = 0) -> ProductGenerator:
    """A width-8, 16 px ResNet generator with random weights (seeded) over LEVELS and COMBOS."""
    config = ModelConfig(family="resnet", resolution=16, width=8, max_width=16, latent_dim=8, embed_dim=8,
                         level_counts=tuple(len(v) for v in LEVELS.values()))
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        module = create_generator(config)
    return ProductGenerator(module, list(LEVELS), LEVELS, COMBOS)


def train_shop(out: Path) -> Path:
    """A tiny trained run folder (color x size, 8 steps: ~4 s of CPU) for the CLI and HTTP tests."""
    from helpers.train import tiny_config, two_color_catalog

    from productgan.train import train

    result = train(tiny_config(out, condition=["color", "size"]), progress=False, catalog=two_color_catalog())
    return result.checkpoint.parent
