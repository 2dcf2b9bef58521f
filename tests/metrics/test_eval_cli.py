"""`productgan eval` end to end on a tiny run whose catalog lives on disk, as a user's would."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from PIL import Image
from typer.testing import CliRunner

from helpers.train import tiny_config, two_color_catalog

from productgan.cli import app
from productgan.train import train

runner = CliRunner()


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("PRODUCTGAN_CACHE", str(tmp_path / "cache" / "catalogs"))


@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    """(run folder, catalog folder, classifier file): a tiny run trained from a folder + attributes.csv."""
    base = tmp_path_factory.mktemp("evalcli")
    catalog, folder = two_color_catalog(), base / "catalog"
    folder.mkdir()
    rows = ["file,color,size"]
    for i, image in enumerate(catalog.images):
        Image.fromarray(image).save(folder / f"{i:03d}.png")
        rows.append(f"{i:03d}.png,{catalog.table['color'][i]},{catalog.table['size'][i]}")
    (folder / "attributes.csv").write_text("\n".join(rows) + "\n")
    train(tiny_config(base / "run", data=str(folder)), progress=False)
    classifier = base / "colour.safetensors"
    result = runner.invoke(app, ["eval", "train-features", "--data", str(folder), "--out", str(classifier),
                                 "--condition", "color", "--resolution", "32", "--epochs", "2", "--device", "cpu"])
    assert result.exit_code == 0, result.output
    assert "color: held-out accuracy" in result.output
    return base / "run", folder, classifier


def test_eval_prints_figures_with_floors_and_writes_json(trained, tmp_path):
    run, _, classifier = trained
    out = tmp_path / "result.json"
    result = runner.invoke(app, ["eval", str(run), "--extractor", "domain", "--classifier", str(classifier),
                                 "--n", "32", "--per-level", "10", "--json", str(out), "--device", "cpu"])
    assert result.exit_code == 0, result.output
    assert "floor (real vs real)" in result.output and "conditional accuracy" in result.output
    record = json.loads(out.read_text())
    assert record["extractor"].startswith("domain:") and record["sample_size"] == 32
    assert record["figures"]["fid"]["value"] >= 0 and record["figures"]["fid"]["floor"] >= 0
    assert 0 <= record["conditional"]["color"]["accuracy"] <= 1
    assert (run / "eval" / "eval.json").exists() and (run / "eval" / "nearest-training.png").exists()


def test_a_missing_inception_file_is_a_clear_error_not_a_traceback(trained, tmp_path):
    run, _, _ = trained
    missing = tmp_path / "nowhere" / "default_1.pt"
    result = runner.invoke(app, ["eval", str(run), "--inception", str(missing), "--device", "cpu"])
    assert result.exit_code == 2
    assert "no such file" in result.output and "Traceback" not in result.output


def test_train_features_without_attributes_is_a_clear_error(trained, tmp_path):
    _, folder, _ = trained
    result = runner.invoke(app, ["eval", "train-features", "--data", str(folder), "--out", str(tmp_path / "x")])
    assert result.exit_code == 2 and "--condition" in result.output


def copy_run(run: Path, to: Path) -> Path:
    """A copy of the run folder's checkpoint, so a test may add files beside it."""
    to.mkdir()
    shutil.copy(run / "checkpoint.safetensors", to / "checkpoint.safetensors")
    return to


def test_eval_measures_with_the_classifier_the_run_carries_and_trains_none(trained, tmp_path, monkeypatch):
    """As after `productgan demo`, which saves its classifier in the run folder."""
    from productgan.metrics import prepare

    run, _, classifier = trained
    copy = copy_run(run, tmp_path / "run")
    shutil.copy(classifier, copy / prepare.RUN_CLASSIFIER_NAME)

    def no_training(*args, **kwargs):
        raise AssertionError("eval trained a classifier although the run carries one that fits")

    monkeypatch.setattr(prepare, "train_domain_classifier", no_training)
    result = runner.invoke(app, ["eval", str(copy), "--extractor", "domain", "--n", "32", "--per-level", "10",
                                 "--device", "cpu"])
    assert result.exit_code == 0, result.output
    record = json.loads((copy / "eval" / "eval.json").read_text())
    assert record["extractor"].startswith(f"domain:{copy / prepare.RUN_CLASSIFIER_NAME}")
    assert "training a domain classifier" not in result.output


def test_eval_says_before_it_trains_a_classifier_and_where_it_caches_it(trained, tmp_path, monkeypatch):
    """A classifier in the run folder that does not fit (another resolution) is passed over, and the
    training that replaces it is announced first, naming the cache file it will be kept in."""
    from productgan.metrics import prepare

    run, folder, _ = trained
    copy = copy_run(run, tmp_path / "run")
    other = runner.invoke(app, ["eval", "train-features", "--data", str(folder), "--out",
                                str(copy / prepare.RUN_CLASSIFIER_NAME), "--condition", "color", "--resolution", "16",
                                "--epochs", "1", "--device", "cpu"])
    assert other.exit_code == 0, other.output
    trained_for = []
    real_training = prepare.train_domain_classifier

    def recorded_training(catalog, attributes, **kwargs):
        trained_for.append(list(attributes))
        return real_training(catalog, attributes, **{**kwargs, "epochs": 1})

    monkeypatch.setattr(prepare, "train_domain_classifier", recorded_training)
    result = runner.invoke(app, ["eval", str(copy), "--extractor", "domain", "--n", "32", "--per-level", "10",
                                 "--device", "cpu"])
    assert result.exit_code == 0, result.output
    assert trained_for == [["color"]]
    said = " ".join(result.output.split())
    assert "training a domain classifier for this catalog" in said
    cached = sorted(prepare.classifiers_dir().glob("*.safetensors"))
    assert len(cached) == 1 and f"cached at {cached[0]}" in said
