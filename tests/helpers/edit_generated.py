"""The tiny generator and domain classifier behind tests/edit/conftest.py's `trained_edit_model` fixture.

The catalog: a square whose colour (red, blue, green) and backdrop (white or grey) are both
global, easy to see, so after a few seconds of training the generator obeys both attributes and the
classifier reads both: whether an edit changed one and kept the other is then a property of the
edit code, not of an undertrained model. Trained once per test session, by whichever test asks first.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from helpers.train import tiny_config

from productgan.data import Catalog
from productgan.generate import ProductGenerator, load_generator
from productgan.models.config import ModelConfig
from productgan.metrics.domain import DomainClassifier, train_domain_classifier
from productgan.train import train

COLORS = {"red": (220, 30, 30), "blue": (30, 60, 220), "green": (30, 170, 60)}
BACKDROPS = {"white": 245, "grey": 110}
RESOLUTION = 16  # 4x cheaper than 32 px: enough steps in seconds for both attributes to take


def color_backdrop_catalog(n: int = 192, resolution: int = RESOLUTION) -> Catalog:
    """Squares of a colour (red, blue, green) on a backdrop (white or grey), with jitter in size and place."""
    rng = np.random.default_rng(0)
    images = np.empty((n, resolution, resolution, 3), dtype=np.uint8)
    color, backdrop = [], []
    for i in range(n):
        name, behind = list(COLORS)[i % len(COLORS)], list(BACKDROPS)[(i // len(COLORS)) % 2]
        images[i] = BACKDROPS[behind]
        half = resolution // 5 + int(rng.integers(0, 3))
        y, x = resolution // 2 + int(rng.integers(-3, 4)), resolution // 2 + int(rng.integers(-3, 4))
        images[i, y - half:y + half, x - half:x + half] = COLORS[name]
        color.append(name)
        backdrop.append(behind)
    return Catalog(images=images, table={"color": color, "backdrop": backdrop},
                   files=[f"test#{i}" for i in range(n)], source="test:colour-backdrop")


@dataclass
class Trained:
    generator: ProductGenerator
    classifier: DomainClassifier
    checkpoint: Path
    catalog: Catalog


def train_edit_model(out: Path) -> Trained:
    """~20 s on one CPU thread: 7 kimg of a width-8 16 px ResNet GAN (no augmentation, lr 5e-4: it
    learns both attributes sooner) and 15 epochs of a width-8 classifier (held-out accuracy 1.0)."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        catalog = color_backdrop_catalog()
        # minibatch std off, as when these figures were set: at 6 kimg it loosens the held backdrop (read kept
        # for 75-88% of colour edits instead of >= 95%); like the diversity term below, a recipe choice
        model = ModelConfig(family="resnet", resolution=RESOLUTION, width=8, max_width=32, latent_dim=16, embed_dim=16,
                            d_minibatch_std=False)
        # diversity term off: at 6 kimg and 16 px it loosens the held attribute (backdrop read kept for
        # 75% of colour edits instead of >= 95%), and these tests check the edit code, not the recipe
        # 7 kimg, one thread: at 6 kimg (or with the thread count left to the tuner) the held backdrop was kept
        # for only 75-92% of colour edits with numpy 2.4 / Pillow 13, against >= 95% before
        config = tiny_config(out, condition=["color", "backdrop"], model=model, kimg=7.0, batch=16, lr_g=5e-4,
                             lr_d=5e-4, augment=[], sample_every_kimg=100, checkpoint_every_kimg=100,
                             diversity_weight=0.0, threads=1)  # not tuned: another thread count, another model
        result = train(config, progress=False, catalog=catalog)
        classifier = train_domain_classifier(catalog, ["color", "backdrop"], epochs=15, width=8, embedding_dim=32)
    finally:
        torch.set_num_threads(threads)
    return Trained(load_generator(result.checkpoint), classifier, Path(result.checkpoint), catalog)
