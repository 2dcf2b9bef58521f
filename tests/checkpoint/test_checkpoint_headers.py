"""Checkpoint headers are validated before any network is built: each damaged or forged copy of a real
checkpoint is one CheckpointError naming the file, on every path that loads one (library, CLI, serve, eval)."""

from __future__ import annotations

import resource
import shutil
from pathlib import Path

import pytest
import torch
from typer.testing import CliRunner

from helpers.checkpoint import rewrite
from helpers.train import tiny_config, two_color_catalog

import productgan.generate as generate_module
from productgan.cli import app
from productgan.errors import CheckpointError
from productgan.generate import load_generator
from productgan.train import train
from productgan.checkpoint import MAX_PARAMETERS


@pytest.fixture(scope="module")
def good(tmp_path_factory) -> Path:
    """A real checkpoint of a tiny conditional run (two attributes, EMA on), copied alone."""
    base = tmp_path_factory.mktemp("headers")
    result = train(tiny_config(base / "run", condition=["color", "size"], kimg=0.016), progress=False,
                   catalog=two_color_catalog(32))
    alone = base / "good.safetensors"
    shutil.copy(result.checkpoint, alone)
    return alone


def forged(good: Path, tmp_path: Path, edit_meta=None, edit_tensors=None, raw_meta: str | None = None) -> Path:
    """A copy of `good` with its header meta and/or tensors changed in place by the edits."""
    return rewrite(good, tmp_path / "forged.safetensors", edit_meta, edit_tensors, raw_meta)


def model_of(meta: dict) -> dict:
    return meta["config"]["model"]


def refuse(path: Path, match: str) -> CheckpointError:
    """load_generator refuses `path` with one line that names the file and says `match`."""
    with pytest.raises(CheckpointError) as caught:
        load_generator(path)
    message = str(caught.value)
    assert str(path) in message and "\n" not in message
    assert match in message, message
    return caught.value


def test_the_real_checkpoint_passes_every_check(good):
    generator = load_generator(good)
    assert generator.generate(2, seed=0).shape == (2, 32, 32, 3)


def test_meta_that_is_not_json_is_refused(good, tmp_path):
    refuse(forged(good, tmp_path, raw_meta='{"config": {"model": '), "not JSON")
    refuse(forged(good, tmp_path, raw_meta="[" * 100_000 + "]" * 100_000), "not JSON")  # nesting bomb
    refuse(forged(good, tmp_path, raw_meta="[1, 2]"), "not a JSON object")


def test_header_without_family_or_config_is_refused(good, tmp_path):
    refuse(forged(good, tmp_path, lambda m: model_of(m).pop("family")), "lacks 'family'")
    refuse(forged(good, tmp_path, lambda m: m["config"].pop("model")), "no 'model' section")
    refuse(forged(good, tmp_path, lambda m: m.pop("levels")), "lacks 'levels'")


def test_extra_keys_are_refused_at_the_top_and_in_the_model(good, tmp_path):
    refuse(forged(good, tmp_path, lambda m: m.update(surprise=1)), "unknown header key 'surprise'")
    refuse(forged(good, tmp_path, lambda m: model_of(m).update(depth=9)), "unknown model setting 'depth'")


@pytest.mark.parametrize("field, value, says", [
    ("resolution", 100, "resolution 100 is not one of"),
    ("resolution", "32", "resolution '32'"),
    ("channels", 2, "channels 2 is not 1 or 3"),
    ("width", -1, "width -1 is not an integer"),
    ("width", 8.0, "width 8.0 is not an integer"),
    ("latent_dim", True, "latent_dim True"),
    ("family", "stylegan9", "family 'stylegan9' is not one of"),
    ("level_counts", [2, 0], "level_counts"),
    ("g_spectral_norm", "yes", "g_spectral_norm 'yes'"),
])
def test_model_fields_out_of_type_or_range_are_refused(good, tmp_path, field, value, says):
    refuse(forged(good, tmp_path, lambda m: model_of(m).update({field: value})), says)


@pytest.mark.parametrize("edit, says", [
    (lambda m: m.update(step=-1), "step -1"),
    (lambda m: m.update(elapsed_s="soon"), "elapsed_s 'soon'"),
    (lambda m: m.update(condition_names=["color"]), "levels name attributes"),
    (lambda m: m["levels"].update(color=["blue", "blue"]), "levels repeat a name"),
    (lambda m: m["levels"].update(color=["blue", "re\x00d"]), "control character"),
    (lambda m: m["levels"].update(color=["blue", "\x1b[31mred"]), "control character"),
    (lambda m: m["config"].update(ema_kimg="lots"), "ema_kimg 'lots'"),
    (lambda m: m["extra"].update(label_combos=[[[5, 0], 3]]), "out of range"),
    (lambda m: m["extra"].update(label_combos=[[[1, -1], 3]]), "out of range"),
    (lambda m: m["extra"].update(label_combos=[[[1], 3]]), "out of range"),
    (lambda m: m["extra"].update(label_combos=[[[1, 0], 0]]), "not a positive integer"),
    (lambda m: m["extra"].update(label_combos="all"), "label_combos is not a list"),
])
def test_header_values_out_of_range_are_refused(good, tmp_path, edit, says):
    refuse(forged(good, tmp_path, edit), says)


def test_levels_that_disagree_with_the_embedding_tables_are_refused(good, tmp_path):
    # The vocabulary says three colours, the model config says two embedding rows.
    refuse(forged(good, tmp_path, lambda m: m["levels"].update(color=["blue", "red", "green"])),
           "attribute 'color' has 3 levels but the model embeds 2")

    # Vocabulary and config agree on three colours, but the stored tables have two rows.
    def three_colors(meta):
        meta["levels"]["color"].append("green")
        model_of(meta)["level_counts"][0] = 3
        meta["extra"]["label_combos"] = []
    refuse(forged(good, tmp_path, three_colors), "embed.tables.0.weight has shape [2, 16], the network needs [3, 16]")


def test_wrong_missing_or_extra_tensors_are_refused_before_reading_weights(good, tmp_path):
    def squash(tensors):
        tensors["ema_generator.stem.weight"] = tensors["ema_generator.stem.weight"][:, :3].contiguous()
    refuse(forged(good, tmp_path, edit_tensors=squash), "ema_generator weights do not fit")
    refuse(forged(good, tmp_path, edit_tensors=lambda t: t.pop("ema_generator.to_image.bias")),
           "to_image.bias is missing")
    refuse(forged(good, tmp_path, edit_tensors=lambda t: t.update({"ema_generator.spy": torch.zeros(2)})),
           "spy is not part of the network")
    refuse(forged(good, tmp_path, edit_tensors=lambda t: t.update(
        {"ema_generator.stem.bias": t["ema_generator.stem.bias"].long()})), "stored as I64")


def test_a_header_claiming_a_huge_model_builds_nothing(good, tmp_path, monkeypatch):
    built = []
    monkeypatch.setattr(generate_module, "create_generator", lambda config: built.append(config))
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # Every field within its own range, yet 2048 px at 4096-16384 channels is some 10^11 values.
    error = refuse(forged(good, tmp_path, lambda m: model_of(m).update(resolution=2048, width=4096, max_width=16384)),
                   "refused before allocating it")
    assert f"{MAX_PARAMETERS:,}" in str(error)
    refuse(forged(good, tmp_path, lambda m: model_of(m).update(width=10**9)), "width 1000000000 is not an integer in")
    refuse(forged(good, tmp_path, lambda m: model_of(m).update(level_counts=[10**12, 2])), "level_counts")
    assert built == []
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak_before < 200_000  # kB: no big allocation


def test_another_kind_of_checkpoint_is_refused_by_kind(good, tmp_path):
    refuse(forged(good, tmp_path, lambda m: m["extra"].update(kind="latent-encoder")),
           "is a latent encoder checkpoint, not a GAN checkpoint")


def test_cli_generate_and_eval_print_one_line_and_exit_2(good, tmp_path):
    path = forged(good, tmp_path, lambda m: model_of(m).update(width=-1))
    runner = CliRunner()
    for args in (["generate", str(path), "--out", str(tmp_path / "out")], ["eval", str(path)]):
        result = runner.invoke(app, args)
        assert result.exit_code == 2, (args, result.output)
        assert "width -1" in result.output and "Traceback" not in result.output


def test_serve_refuses_a_forged_checkpoint_at_load(good, tmp_path):
    from productgan.serve import load_models

    folder = tmp_path / "models"
    folder.mkdir()
    forged(good, tmp_path, lambda m: m.update(surprise=1)).rename(folder / "shop.safetensors")
    with pytest.raises(CheckpointError, match="unknown header key"):
        load_models(folder, device="cpu")


def test_a_missing_section_read_by_any_caller_is_a_checkpoint_error(good, tmp_path):
    """Callers index the header directly (the registry reads config['model']['family']): a section the
    header lacks is a CheckpointError naming the file there too, not a KeyError."""
    from productgan.serve import load_models
    from productgan.checkpoint import read_meta

    path = forged(good, tmp_path, lambda m: m["config"].pop("model"))
    with pytest.raises(CheckpointError, match="its header config has no 'model'"):
        read_meta(path).config["model"]
    with pytest.raises(CheckpointError, match="forged.safetensors.*'model'"):
        load_models(path, device="cpu")
