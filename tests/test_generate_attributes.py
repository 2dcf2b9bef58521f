"""Attributes travel as a mapping: no attribute name (n, seed, truncation, self, attributes) can collide with a
parameter of generate/inputs, in the library, the edit functions, the CLI or the server."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
from PIL import Image
import pytest
from typer.testing import CliRunner

from helpers.checkpoint import rewrite
from helpers.train import tiny_config, two_color_catalog

from productgan.cli import app
from productgan.edit.clips import turntable_frames
from productgan.edit.morph import morph_frames
from productgan.edit.variants import variant_sheet, variants
from productgan.errors import AttributeLevelError
from productgan.generate import load_generator
from productgan.train import train

RENAMED = {"color": "n", "size": "seed"}


@pytest.fixture(scope="module")
def checkpoints(tmp_path_factory) -> dict[str, Path]:
    """'plain': a tiny model conditioned on color and size; 'colliding': the same weights with those
    attributes renamed to 'n' and 'seed', as a catalog with such columns would have trained them."""
    base = tmp_path_factory.mktemp("attributes")
    result = train(tiny_config(base / "run", condition=["color", "size"], kimg=0.016), progress=False,
                   catalog=two_color_catalog(32))
    plain = base / "plain.safetensors"
    shutil.copy(result.checkpoint, plain)

    def rename(meta):
        meta["condition_names"] = [RENAMED[name] for name in meta["condition_names"]]
        meta["levels"] = {RENAMED[name]: levels for name, levels in meta["levels"].items()}
    return {"plain": plain, "colliding": rewrite(plain, base / "colliding.safetensors", rename)}


def test_mapping_and_keywords_draw_the_same_products(checkpoints):
    generator = load_generator(checkpoints["plain"])
    by_keyword = generator.generate(3, seed=4, color="red", size="small")
    assert np.array_equal(generator.generate(3, seed=4, attributes={"color": "red", "size": "small"}), by_keyword)
    assert np.array_equal(generator.generate(3, 4, None, {"color": "red"}, size="small"), by_keyword)


def test_attributes_named_like_parameters_generate(checkpoints):
    plain, colliding = load_generator(checkpoints["plain"]), load_generator(checkpoints["colliding"])
    expected = plain.generate(2, seed=5, color="red", size="large")
    assert np.array_equal(colliding.generate(2, seed=5, attributes={"n": "red", "seed": "large"}), expected)
    z, labels = colliding.inputs(2, 5, None, {"n": "red"})
    assert labels[:, 0].tolist() == [colliding.levels["n"].index("red")] * 2
    # The keyword form still works for a name only `n` would collide with: n is positional-only.
    assert np.array_equal(colliding.generate(2, seed=5, n="red", attributes={"seed": "large"}), expected)


def test_edit_functions_forward_colliding_attributes(checkpoints):
    colliding = load_generator(checkpoints["colliding"])
    table = variants(colliding, "seed", n=2, seed=1, fixed={"n": "blue"})
    assert table.images.shape[:2] == (2, 2) and all(held == {"n": "blue"} for held in table.held)
    assert variant_sheet(colliding, "n", "seed", seed=1).images.shape[:2] == (2, 2)
    assert morph_frames(colliding, 0, 1, 3, {"n": "red"}, {"n": "blue", "seed": "small"}).shape == (3, 32, 32, 3)
    assert turntable_frames(colliding, 4, seed=2, fixed={"n": "red"}, attribute="seed").shape == (4, 32, 32, 3)


@pytest.mark.parametrize("name", ["n", "seed", "truncation", "self", "attributes"])
def test_an_unknown_attribute_named_like_a_parameter_is_an_attribute_error(checkpoints, name):
    generator = load_generator(checkpoints["plain"])
    with pytest.raises(AttributeLevelError, match=f"unknown attribute '{name}'; this model is conditioned on: color, size"):
        generator.generate(1, attributes={name: "3"})
    with pytest.raises(AttributeLevelError, match=f"unknown attribute '{name}'"):
        generator.inputs(1, attributes={name: "3"})


def test_an_attribute_given_twice_is_refused(checkpoints):
    generator = load_generator(checkpoints["plain"])
    with pytest.raises(AttributeLevelError, match="'color' given both"):
        generator.generate(1, attributes={"color": "red"}, color="blue")


def test_cli_generate_set_n_is_unknown_attribute_not_a_traceback(checkpoints, tmp_path):
    result = CliRunner().invoke(app, ["generate", str(checkpoints["plain"]), "--set", "n=3", "--out", str(tmp_path / "a")])
    assert result.exit_code == 2, result.output
    assert "unknown attribute 'n'" in result.output and "Traceback" not in result.output


def test_cli_generate_sets_attributes_named_like_parameters(checkpoints, tmp_path):
    out = tmp_path / "b"
    result = CliRunner().invoke(app, ["generate", str(checkpoints["colliding"]), "--n", "2", "--set", "n=red",
                                      "--set", "seed=small", "--out", str(out)])
    assert result.exit_code == 0, result.output
    written = np.stack([np.asarray(Image.open(path)) for path in sorted(out.glob("*.png"))])
    expected = load_generator(checkpoints["colliding"]).generate(2, attributes={"n": "red", "seed": "small"})
    assert np.array_equal(written.reshape(expected.shape), expected)  # the levels asked for, not the --n/--seed options
    other = load_generator(checkpoints["colliding"]).generate(2, attributes={"n": "blue", "seed": "small"})
    assert not np.array_equal(expected, other)  # so the comparison above can tell a level that was ignored


def test_server_generates_and_varies_attributes_named_like_parameters(checkpoints, tmp_path):
    from fastapi.testclient import TestClient

    from productgan.serve import ServeSettings, create_app, load_models

    folder = tmp_path / "models"
    folder.mkdir()
    shutil.copy(checkpoints["colliding"], folder / "shop.safetensors")
    with TestClient(create_app(load_models(folder, device="cpu"), ServeSettings()), base_url="http://localhost",
                    raise_server_exceptions=False) as client:
        answer = client.post("/api/generate", json={"model": "shop", "attributes": {"n": "red", "seed": "small"}, "n": 2,
                                                    "truncation": 1.0})
        assert answer.status_code == 200, answer.text
        answer = client.post("/api/variants", json={"model": "shop", "attribute": "seed", "attributes": {"n": "blue"}})
        assert answer.status_code == 200, answer.text
        answer = client.post("/api/generate", json={"model": "shop", "attributes": {"truncation": "x"}})
        assert answer.status_code in (400, 422) and "unknown attribute 'truncation'" in answer.text
