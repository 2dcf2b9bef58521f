"""One genuine file of each checkpoint kind, written by the code that writes it in use, for the whole folder."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

TESTS = Path(__file__).resolve().parents[1]
from helpers.enhance import tiny_config as tiny_enhancer_config
from helpers.train import tiny_config, two_color_catalog

from productgan.edit.encoder import EncoderConfig, LatentEncoder
from productgan.enhance import networks
from productgan.enhance.checkpoint import HeldOut, save_enhancer
from productgan.metrics.domain import train_domain_classifier
from productgan.train import train


@pytest.fixture(scope="session")
def kind_files(tmp_path_factory) -> dict[str, Path]:
    """kind name -> what a user would hand a command: run folders for the GAN (runs/gan) and the
    enhancer (runs/enhance-sr4, as BENCHMARKS names them), files for the classifier and the encoder."""
    base = tmp_path_factory.mktemp("kinds")
    catalog = two_color_catalog(32)
    train(tiny_config(base / "runs" / "gan", kimg=0.016), progress=False, catalog=catalog)

    enhancer = tiny_enhancer_config(base / "photos", base / "runs" / "enhance-sr4", "sr4")
    modules = {"generator": networks.build_generator(enhancer.model),
               "discriminator": networks.build_discriminator(enhancer.model)}
    optimizers = {name: torch.optim.Adam(module.parameters()) for name, module in modules.items()}
    save_enhancer(base / "runs" / "enhance-sr4" / "checkpoint.safetensors", enhancer, modules, optimizers,
                  {"step": 0, "images_seen": 0, "elapsed_s": 0.0},
                  HeldOut(str(base / "photos"), "product", 0, 0.2, ["p1"], ["p1/main.png"]))

    classifier = train_domain_classifier(catalog, ["color"], epochs=1, width=8, batch_size=32, seed=0)
    encoder = LatentEncoder(EncoderConfig(resolution=32, channels=3, latent_dim=16, condition_dim=0, width=8))
    return {"gan": base / "runs" / "gan", "enhancer": base / "runs" / "enhance-sr4",
            "domain-classifier": classifier.save(base / "domain.safetensors"),
            "latent-encoder": encoder.save(base / "encoder.safetensors", {"color": ["blue", "red"]})}
