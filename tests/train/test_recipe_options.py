"""The recipe options against collapse and for rare levels: they train, log, checkpoint and resume."""

from __future__ import annotations

import numpy as np
import torch
from helpers_train import tiny_config, two_colour_catalog

from productgan.data import Catalog
from productgan.train import TrainConfig, train
from productgan.checkpoint import read_meta
from productgan.train.loop import Trainer
from productgan.train.run_log import read_metrics


def test_diversity_is_the_default_and_an_old_config_keeps_its_recipe():
    assert TrainConfig().diversity_weight == 1.0
    old = TrainConfig(kimg=1).to_dict()
    del old["diversity_weight"]  # saved before the option existed
    assert TrainConfig.from_dict(old).diversity_weight == 0.0


def test_diversity_and_lecam_train_log_and_keep_their_state(tmp_path):
    config = tiny_config(tmp_path / "run", diversity_weight=1.0, lecam_weight=0.01, threads=1)
    result = train(config, progress=False, catalog=two_colour_catalog())
    logged = read_metrics(tmp_path / "run")
    assert all("diversity" in line and "lecam" in line for line in logged if "loss_g" in line)
    assert all(np.isfinite(line["diversity"]) and line["diversity"] >= 0 for line in logged if "diversity" in line)
    anchors = read_meta(result.checkpoint).extra["lecam"]
    assert set(anchors) == {"real", "fake"} and anchors != {"real": 0.0, "fake": 0.0}


def test_the_diversity_pairs_share_their_labels(tmp_path):
    trainer = Trainer(tiny_config(tmp_path / "run", threads=1), progress=False, catalog=two_colour_catalog())
    seen = {}
    original = trainer.g_step

    def spy(z, labels):
        seen["labels"] = labels.clone()
        return original(z, labels)

    trainer.g_step = spy
    trainer._generator_step(torch.Generator().manual_seed(0))
    half = trainer.config.batch // 2
    assert torch.equal(seen["labels"][:half], seen["labels"][half:2 * half])


def test_balance_draws_rare_levels_by_the_square_root_of_their_count(tmp_path):
    base = two_colour_catalog(n=64)
    keep = [i for i, colour in enumerate(base.table["color"]) if colour == "red" or i < 8]  # 32 red, 4 blue
    catalog = Catalog(images=base.images[keep], table={k: [v[i] for i in keep] for k, v in base.table.items()},
                      files=[base.files[i] for i in keep], source=base.source)
    trainer = Trainer(tiny_config(tmp_path / "run", balance="color", threads=1), progress=False, catalog=catalog)
    rng = torch.Generator().manual_seed(0)
    drawn = torch.cat([trainer._draw(rng) for _ in range(400)])
    blue = np.array(catalog.table["color"])[drawn.numpy()] == "blue"
    expected = np.sqrt(4) / (np.sqrt(4) + np.sqrt(32))  # 0.26, against 4/36 = 0.11 when drawn uniformly
    assert abs(blue.mean() - expected) < 0.03
