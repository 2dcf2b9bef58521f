"""Generation needs only the checkpoint: no data, no config; bad requests name what is valid."""

from __future__ import annotations

import shutil

import numpy as np
import pytest
import torch
from typer.testing import CliRunner

from helpers.train import tiny_config, two_color_catalog

from productgan import load_generator
from productgan.cli import app
from productgan.device import resolve_device
from productgan.errors import AttributeLevelError, CheckpointError, ProductGANError
from productgan.train import train


@pytest.fixture(scope="module")
def lone_checkpoint(tmp_path_factory):
    """A trained checkpoint copied alone into an empty folder, away from its run and data."""
    base = tmp_path_factory.mktemp("gen")
    config = tiny_config(base / "run", condition=["color", "size"])
    result = train(config, progress=False, catalog=two_color_catalog())
    alone = base / "alone" / "model.safetensors"
    alone.parent.mkdir()
    shutil.copy(result.checkpoint, alone)
    shutil.rmtree(base / "run")
    return alone


def test_generate_from_checkpoint_alone(lone_checkpoint):
    generator = load_generator(lone_checkpoint)
    images = generator.generate(5, seed=7, color="red", size="large")
    assert images.shape == (5, 32, 32, 3) and images.dtype == np.uint8
    assert generator.attributes == {"color": ["blue", "red"], "size": ["large", "small"]}


def test_same_seed_same_images_other_seed_differs(lone_checkpoint):
    generator = load_generator(lone_checkpoint)
    a = generator.generate(4, seed=1, color="blue")
    assert np.array_equal(a, generator.generate(4, seed=1, color="blue"))
    assert not np.array_equal(a, generator.generate(4, seed=2, color="blue"))


def test_levels_match_case_insensitively(lone_checkpoint):
    generator = load_generator(lone_checkpoint)
    assert np.array_equal(generator.generate(2, seed=0, color="RED"), generator.generate(2, seed=0, color="red"))


def test_unknown_level_and_attribute_list_valid_ones(lone_checkpoint):
    generator = load_generator(lone_checkpoint)
    with pytest.raises(AttributeLevelError, match="valid levels: blue, red"):
        generator.generate(1, color="green")
    with pytest.raises(AttributeLevelError, match="conditioned on: color, size"):
        generator.generate(1, material="leather")


def test_truncation_shrinks_latents(lone_checkpoint):
    generator = load_generator(lone_checkpoint)
    assert not np.array_equal(generator.generate(4, seed=3), generator.generate(4, seed=3, truncation=0.5))
    with pytest.raises(ValueError, match="truncation"):
        generator.generate(1, truncation=0)


def test_cli_generate_writes_images_and_grid(lone_checkpoint, tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["generate", str(lone_checkpoint), "--n", "3", "--set", "color=red",
                                      "--out", str(out), "--grid"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["0000.png", "0001.png", "0002.png", "grid.png"]


def test_cli_generate_bad_level_is_a_clear_error(lone_checkpoint, tmp_path):
    result = CliRunner().invoke(app, ["generate", str(lone_checkpoint), "--set", "color=teal", "--out", str(tmp_path)])
    assert result.exit_code == 2
    assert "valid levels: blue, red" in result.output and "Traceback" not in result.output


def test_missing_checkpoint_is_a_clear_error(tmp_path):
    with pytest.raises(CheckpointError, match="has no checkpoint.safetensors"):
        load_generator(tmp_path)
    (tmp_path / "bad.safetensors").write_bytes(b"not a checkpoint")
    with pytest.raises(CheckpointError, match="not a readable safetensors"):
        load_generator(tmp_path / "bad.safetensors")


def test_cli_generate_by_attribute_writes_one_row_per_level(lone_checkpoint, tmp_path):
    from PIL import Image

    result = CliRunner().invoke(app, ["generate", str(lone_checkpoint), "--by", "color", "--n", "5", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    width, height = Image.open(tmp_path / "grid-color.png").size
    assert "rows are blue, red" in result.output and width > height  # 5 columns x 2 rows
    side = load_generator(lone_checkpoint).generate(1).shape[1]
    margin = width - 2 * (5 * (side + 2) + 2)  # the grid at scale 2, and the row labels' margin beside it
    labels = np.asarray(Image.open(tmp_path / "grid-color.png").convert("L"))[:, :margin]
    assert margin > 10 and (labels < 128).any()  # the levels are written beside their rows


def test_checkpoint_from_another_architecture_version_is_refused(lone_checkpoint, tmp_path, monkeypatch):
    from productgan import models

    monkeypatch.setitem(models.ARCHITECTURE_VERSIONS, "resnet", 99)
    with pytest.raises(CheckpointError, match="architecture version .* this code builds resnet version 99"):
        load_generator(lone_checkpoint)


def test_the_generator_reports_its_image_shape_and_draws_empty_batches_in_it(lone_checkpoint):
    generator = load_generator(lone_checkpoint)
    assert (generator.resolution, generator.channels) == (32, 3)
    z, labels = generator.inputs(2, seed=1)
    assert generator.render(z[:0], labels[:0]).shape == (0, 32, 32, 3)
    assert generator.render_conditions(z[:0], generator.embed(labels[:0])).shape == (0, 32, 32, 3)


def test_embedded_conditions_render_the_same_images_as_labels(lone_checkpoint):
    generator = load_generator(lone_checkpoint)
    z, labels = generator.inputs(5, seed=3, color="red")
    condition = generator.embed(labels)
    assert condition.shape == (5, 16)  # tiny_config's embed_dim
    assert np.array_equal(generator.render_conditions(z, condition, batch=2), generator.render(z, labels))
    blue = generator.embed(generator.every_level(labels, "color")[:5])  # the first level, blue, for each row
    halfway = generator.render_conditions(z, torch.lerp(condition, blue, 0.5))
    assert not np.array_equal(halfway, generator.render(z, labels))  # a blended condition is another image


def test_levels_are_given_back_as_the_model_spells_them(lone_checkpoint):
    generator = load_generator(lone_checkpoint)
    assert generator.canonical({"size": "LARGE", "color": "Red"}) == {"color": "red", "size": "large"}
    assert generator.level_ids({"size": "small"}) == [None, generator.levels["size"].index("small")]


def test_level_inputs_are_each_product_once_per_level(lone_checkpoint):
    generator = load_generator(lone_checkpoint)
    z, labels = generator.level_inputs("color", 3, seed=4, fixed={"size": "small"})
    base_z, base_labels = generator.inputs(3, seed=4, size="small")
    assert torch.equal(z, base_z.repeat(2, 1))
    assert labels[:, 0].tolist() == [0, 0, 0, 1, 1, 1]
    assert torch.equal(labels[:, 1], base_labels[:, 1].repeat(2))
    with pytest.raises(AttributeLevelError, match="^unknown attribute 'material'; this model is conditioned on: color, size$"):
        generator.level_inputs("material", 3)


def test_load_generator_resolves_its_device_as_every_command_does(lone_checkpoint, monkeypatch):
    """'auto' works here too, and a missing accelerator is one clear error, not a torch traceback."""
    assert load_generator(lone_checkpoint, device="auto").device == resolve_device("auto")
    assert load_generator(lone_checkpoint, device=" CPU ").device == torch.device("cpu")
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    with pytest.raises(ProductGANError, match="no CUDA GPU is visible"):
        load_generator(lone_checkpoint, device="cuda")
