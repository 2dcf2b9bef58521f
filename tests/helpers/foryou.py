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


def tiny_catalog(products: int = 24):
    """16 px squares in LEVELS' colours (black as dark grey) on white, 2 views per product, with
    color, category (the square's size) and product columns: enough for simulated shoppers."""
    import numpy as np

    from productgan.data import Catalog

    paint = {"red": (220, 30, 30), "blue": (30, 60, 220), "green": (30, 170, 60), "black": (40, 40, 40)}
    rng = np.random.default_rng(0)
    images, table = [], {"color": [], "category": [], "product": []}
    for product in range(products):
        color, category = list(paint)[product % 4], LEVELS["category"][(product // 4) % 3]
        half = 3 + LEVELS["category"].index(category)
        for view in range(2):
            image = np.full((16, 16, 3), 245, np.uint8)
            centre = 8 + int(rng.integers(-1, 2)) + view
            image[centre - half:centre + half, centre - half:centre + half] = paint[color]
            images.append(image)
            table["color"].append(color)
            table["category"].append(category)
            table["product"].append(f"p{product}")
    return Catalog(images=np.stack(images), table=table, files=[f"tiny#{i}" for i in range(len(images))],
                   source="test:foryou-tiny")


def write_folder_catalog(folder: Path) -> Path:
    """two_color_catalog as a shop exports it: PNGs named COLOR-SIZE-I.png under images/ and an
    attributes.csv (file, color, size), for catalog:ID items read from a run's recorded catalog."""
    from PIL import Image

    from helpers.train import two_color_catalog

    catalog = two_color_catalog()
    (folder / "images").mkdir(parents=True)
    rows = ["file,color,size"]
    for i, image in enumerate(catalog.images):
        name = f"images/{catalog.table['color'][i]}-{catalog.table['size'][i]}-{i}.png"
        Image.fromarray(image).save(folder / name)
        rows.append(f"{name},{catalog.table['color'][i]},{catalog.table['size'][i]}")
    (folder / "attributes.csv").write_text("\n".join(rows) + "\n")
    return folder


def train_shop_on_folder(out: Path, folder: Path) -> Path:
    """train_shop, but on write_folder_catalog's folder, so the run's config records its path (~4 s)."""
    from helpers.train import tiny_config

    from productgan.train import train

    result = train(tiny_config(out, data=str(folder), condition=["color", "size"]), progress=False)
    return result.checkpoint.parent


def folder_run_with_encoder(base: Path) -> tuple[Path, Path]:
    """(run, catalog folder): train_shop_on_folder under `base` with its own catalog cache, and a
    2-step encoder beside it, so catalog items can be placed (the CLI and the HTTP tests share it)."""
    import pytest

    from productgan.edit.encoder import ENCODER_FILE_NAME, train_encoder
    from productgan.generate import load_generator

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PRODUCTGAN_CACHE", str(base / "cache"))
        run = train_shop_on_folder(base / "shop", write_folder_catalog(base / "catalog"))
    generator = load_generator(run)
    train_encoder(generator, steps=2).save(run / ENCODER_FILE_NAME, generator.levels)
    return run, base / "catalog"
