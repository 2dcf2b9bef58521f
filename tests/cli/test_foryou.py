"""`productgan foryou` on a tiny trained run: what it writes, that it is the library's answer, its errors."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pytest
from PIL import Image
from typer.testing import CliRunner

from helpers.foryou import folder_run_with_encoder, train_shop

from productgan.cli import app
from productgan.edit.encoder import ENCODER_FILE_NAME, train_encoder
from productgan.foryou import ForYouSettings, GeneratedItem, recommend
from productgan.generate import load_generator


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    return train_shop(tmp_path_factory.mktemp("foryou") / "shop")


@pytest.fixture(autouse=True)
def own_cache(tmp_path, monkeypatch):
    """The near-copy guard's threshold is cached beside the feature cache: a fresh one per test."""
    monkeypatch.setenv("PRODUCTGAN_CACHE", str(tmp_path / "cache" / "catalogs"))


def invoke(*args):
    return CliRunner().invoke(app, ["foryou", *map(str, args)])


def test_foryou_writes_the_products_a_grid_and_what_it_fitted(run, tmp_path):
    result = invoke(run, "--liked", "gen:1:color=red", "--liked", "gen:2:color=red,size=small",
                    "--disliked", "gen:5:size=large", "--n", "5", "--seed", "3", "--out", tmp_path)
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in tmp_path.glob("foryou-*.png")) == [f"foryou-0{i}.png" for i in range(1, 6)]
    grid = np.asarray(Image.open(tmp_path / "grid.png"))
    assert grid.shape[0] > 3 * 32 * 2  # three labelled rows (liked, disliked, for you) at scale 2
    report = json.loads((tmp_path / "foryou.json").read_text())
    assert [item["item"] for item in report["liked"]] == ["gen:1:color=red", "gen:2:color=red,size=small"]
    assert report["liked"][1]["levels"] == {"color": "red", "size": "small"}
    assert report["level_frequencies"]["color"]["red"] > report["catalog_frequencies"]["color"]["red"]
    assert report["level_frequencies"]["size"]["large"] < report["catalog_frequencies"]["size"]["large"]
    assert report["near_copy_guard"]["reference"] == "model samples" and "near_copy_redraws" in report
    assert len(report["products"]) == 5
    # the command is the library's answer, nothing more
    library = recommend(load_generator(run), [GeneratedItem(1, {"color": "red"}),
                                              GeneratedItem(2, {"color": "red", "size": "small"})],
                        [GeneratedItem(5, {"size": "large"})], ForYouSettings(n=5, seed=3), model_name="shop")
    assert np.array_equal(np.asarray(Image.open(tmp_path / "foryou-03.png")), library.images[2])
    assert [p["levels"] for p in report["products"]] == library.levels


@pytest.mark.parametrize("args, message", [
    ([], "the history has no liked item"),
    (["--liked", "gen:1:color=purple"], "liked item gen:1:color=purple is not from this model's catalog"),
    (["--liked", "gen@luma:1"], "is a product of model 'luma', not of 'shop'"),
    (["--liked", "gen:x"], "the seed must be a whole number"),
    (["--liked", "gen:1", "--explore", "2"], "2 is not in [0, 1]"),
])
def test_a_bad_history_fails_with_one_clear_line(run, tmp_path, args, message):
    result = invoke(run, *args, "--out", tmp_path)
    assert result.exit_code == 2 and message in result.output, result.output
    assert "Traceback" not in result.output


def test_a_photo_without_an_encoder_says_how_to_train_one_and_what_it_costs(run, tmp_path):
    Image.fromarray(np.full((40, 40, 3), 200, np.uint8)).save(tmp_path / "shirt.png")
    result = invoke(run, "--liked", tmp_path / "shirt.png", "--out", tmp_path / "out")
    assert result.exit_code == 2, result.output
    flat = " ".join(result.output.split())
    assert "needs the model's latent encoder" in flat and "productgan edit train-encoder" in flat
    assert ENCODER_FILE_NAME in flat and "2000 steps of 32 images, about" in flat and "timed on a few steps" in flat


def test_a_photo_is_placed_with_the_runs_own_encoder(run, tmp_path):
    copy = shutil.copytree(run, tmp_path / "shop")
    generator = load_generator(copy)
    train_encoder(generator, steps=2).save(copy / ENCODER_FILE_NAME, generator.levels)
    Image.fromarray(generator.generate(1, seed=4)[0].repeat(3, 0).repeat(3, 1)).save(tmp_path / "liked.png")
    result = invoke(copy, "--liked", tmp_path / "liked.png", "--liked", "gen:2", "--photo-steps", "2", "--n", "2",
                    "--out", tmp_path / "out")
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "out" / "foryou.json").read_text())
    assert [item["how"] for item in report["liked"]] == ["inverted", "generated"]
    assert report["liked"][0]["item"] == str(tmp_path / "liked.png") and report["liked"][0]["fit_error"] >= 0


def test_a_bad_history_is_refused_before_the_guard_is_built(run, tmp_path, monkeypatch):
    import productgan.foryou

    monkeypatch.setattr(productgan.foryou, "cached_copy_guard", lambda *args: pytest.fail("guard built first"))
    result = invoke(run, "--liked", "gen:1:size=huge", "--out", tmp_path)
    assert result.exit_code == 2 and "unknown level 'huge'" in result.output, result.output


@pytest.fixture(scope="module")
def folder_run(tmp_path_factory):
    """A tiny run trained on a catalog folder (its config records the path), with an encoder."""
    return folder_run_with_encoder(tmp_path_factory.mktemp("foryou-catalog"))


def test_a_catalog_item_is_read_from_the_runs_catalog_with_its_tables_levels(folder_run, tmp_path):
    run, _ = folder_run
    result = invoke(run, "--liked", "catalog:red-large-2", "--liked", "catalog:images/blue-small-1.png",
                    "--disliked", "catalog:blue-large-3.png", "--photo-steps", "2", "--n", "2", "--out", tmp_path)
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "foryou.json").read_text())
    assert [item["item"] for item in report["liked"]] == ["catalog:red-large-2", "catalog:images/blue-small-1.png"]
    assert [item["levels"] for item in report["liked"]] == [{"color": "red", "size": "large"},
                                                            {"color": "blue", "size": "small"}]
    assert report["disliked"][0]["levels"] == {"color": "blue", "size": "large"}
    assert {item["how"] for item in report["liked"] + report["disliked"]} == {"inverted"}


def test_an_unknown_catalog_id_names_close_matches(folder_run, tmp_path):
    run, _ = folder_run
    result = invoke(run, "--liked", "catalog:red-large-99", "--out", tmp_path)
    assert result.exit_code == 2, result.output
    flat = " ".join(result.output.split())
    assert "catalog item 'red-large-99' is not in the catalog" in flat and "close matches: red-large-" in flat


def test_a_moved_catalog_names_the_path_tried_and_catalog_finds_it(folder_run, tmp_path):
    run, folder = folder_run
    moved = shutil.copytree(folder, tmp_path / "moved")
    copy = shutil.copytree(run, tmp_path / "shop")
    shutil.rmtree(folder)
    try:
        result = invoke(copy, "--liked", "catalog:red-large-2", "--out", tmp_path / "a")
        assert result.exit_code == 2, result.output
        flat = "".join(result.output.split())  # the path may be wrapped anywhere
        assert "".join(f"'{folder}'(recordedin".split()) in flat and "--catalogDIR" in flat
        result = invoke(copy, "--liked", "catalog:red-large-2", "--catalog", moved, "--photo-steps", "2", "--n", "2",
                        "--out", tmp_path / "b")
        assert result.exit_code == 0, result.output
        assert json.loads((tmp_path / "b" / "foryou.json").read_text())["liked"][0]["levels"]["color"] == "red"
    finally:
        shutil.copytree(moved, folder)


def test_a_catalog_item_of_a_run_without_a_readable_catalog_says_so(run, tmp_path):
    result = invoke(run, "--liked", "catalog:3", "--out", tmp_path)
    assert result.exit_code == 2, result.output
    assert "'test:two-colour'" in result.output and "--catalog DIR" in " ".join(result.output.split())
