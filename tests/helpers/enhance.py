"""A small synthetic product catalog and tiny enhancer configs shared by tests/enhance."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
from PIL import Image

from productgan.enhance.config import EnhanceModelConfig, EnhanceTrainConfig
from productgan.enhance.degrade import SRDegradation


def pattern_photo(rng: np.random.Generator, size: int = 64) -> np.ndarray:
    """A studio-like shot: hard-edged flat-colour shapes and thin stripes on white.

    Hard edges and one-pixel stripes are what bicubic upsampling blurs most, so a net that learns
    the catalog's sharpness beats bicubic clearly on them.
    """
    image = np.full((size, size, 3), 255, np.uint8)
    for _ in range(4):
        x, y = (int(v) for v in rng.integers(0, size - 16, 2))
        w, h = (int(v) for v in rng.integers(8, 28, 2))
        cv2.rectangle(image, (x, y), (x + w, y + h), tuple(int(c) for c in rng.integers(0, 200, 3)), -1)
    x = int(rng.integers(0, size - 24))
    for offset in range(0, 20, 3):
        cv2.line(image, (x + offset, 4), (x + offset, size - 5), (20, 20, 20), 1)
    return image


def write_catalog(root: Path, products: int = 10, views: int = 2, size: int = 64, seed: int = 0) -> Path:
    """root/images/*.png plus attributes.csv with a product column (`views` photos per product)."""
    rng = np.random.default_rng(seed)
    (root / "images").mkdir(parents=True, exist_ok=True)
    rows = ["file,product,color"]
    for product in range(products):
        for view in range(views):
            name = f"images/p{product:02d}-{view}.png"
            Image.fromarray(pattern_photo(rng, size)).save(root / name)
            rows.append(f"{name},p{product:02d},red")
    (root / "attributes.csv").write_text("\n".join(rows) + "\n")
    return root


# Gentle degradation: the test checks that the net learns sharpness, not how much noise it can remove.
GENTLE_SR = SRDegradation(blur_sigma=(0.3, 0.8), anisotropic_probability=0.0, noise_sigma=(0.0, 1.0),
                          poisson_probability=0.0, jpeg_quality=(90, 95))


def tiny_config(data: Path, out: Path, task: str = "sr2", **overrides) -> EnhanceTrainConfig:
    """A model and budget small enough for a test on one CPU thread."""
    model = EnhanceModelConfig(task=task, width=16, growth=8, blocks=1, dense_layers=3, depth=2, disc_width=8)
    settings = dict(data=str(data), out=str(out), model=model, crop=32, batch=8, steps=12, minutes=None,
                    warmup_steps=6, checkpoint_every=1000, sample_every=1000, log_every=4, validation_crops=8,
                    sr_degradation=GENTLE_SR)
    settings.update(overrides)
    return EnhanceTrainConfig(**settings)


def trained_runs(root: Path, tasks, steps: int = 4, products: int = 6) -> dict:
    """task -> checkpoint of a tiny run trained a few steps at a high learning rate, so its weights
    have moved off the bicubic/identity start (an untrained net would hide whether they are used)."""
    from productgan.enhance.train import train_enhancer

    catalog = write_catalog(root / "catalog", products=products, views=2)
    return {task: train_enhancer(tiny_config(catalog, root / task, task, steps=steps, warmup_steps=2, lr=1e-2),
                                 progress=False).checkpoint for task in tasks}
