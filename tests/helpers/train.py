"""Tiny catalogs and configs so training tests run in seconds on 2 CPU cores."""

from __future__ import annotations

import numpy as np

from productgan.data import Catalog
from productgan.models.config import ModelConfig
from productgan.train import TrainConfig

COLORS = {"red": (220, 30, 30), "blue": (30, 60, 220)}


def two_color_catalog(n: int = 64, resolution: int = 32) -> Catalog:
    """Squares on white, red or blue, small or large: the simplest catalog where control is checkable."""
    rng = np.random.default_rng(0)
    images = np.full((n, resolution, resolution, 3), 245, dtype=np.uint8)
    color, size = [], []
    for i in range(n):
        name = "red" if i % 2 == 0 else "blue"
        half = resolution // 4 if (i // 2) % 2 == 0 else resolution // 3
        centre = resolution // 2 + int(rng.integers(-2, 3))
        images[i, centre - half:centre + half, centre - half:centre + half] = COLORS[name]
        color.append(name)
        size.append("small" if half == resolution // 4 else "large")
    return Catalog(images=images, table={"color": color, "size": size},
                   files=[f"test#{i}" for i in range(n)], source="test:two-colour")


def tiny_config(out, **overrides) -> TrainConfig:
    settings = dict(
        data="test:two-colour", out=str(out), condition=["color"],
        model=ModelConfig(family="resnet", resolution=32, width=8, max_width=32, latent_dim=16, embed_dim=16),
        batch=8, kimg=0.064, seed=3, sample_every_kimg=0.032, checkpoint_every_kimg=0.032, ema_kimg=0.05,
        augment=["translation", "cutout"], device="cpu",
    )
    settings.update(overrides)
    return TrainConfig(**settings)
