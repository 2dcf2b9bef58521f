"""Models are found once at start and named after their folders; names are never paths. The CLI's
`serve` maps its options onto ServeSettings and refuses a folder without checkpoints clearly."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from productgan.cli import app
from productgan.errors import CheckpointError
from productgan.serve.errors import UnknownModelError
from productgan.serve.registry import find_checkpoints, load_models


def test_a_folder_of_runs_and_loose_checkpoints_gives_one_name_each(models_dir):
    found = find_checkpoints(models_dir)
    assert sorted(found) == ["mirror", "shop"]
    assert found["shop"] == models_dir / "shop" / "checkpoint.safetensors"


def test_a_single_run_folder_or_file_is_named_after_its_folder(models_dir):
    assert list(find_checkpoints(models_dir / "shop")) == ["shop"]
    assert list(find_checkpoints(models_dir / "shop" / "checkpoint.safetensors")) == ["shop"]
    assert list(find_checkpoints(models_dir / "mirror.safetensors")) == ["mirror"]


def test_lookup_is_by_name_only(registry, models_dir):
    assert registry.get("shop").resolution == 32
    for name in ["../models/shop", str(models_dir / "shop"), "shop/checkpoint.safetensors", "mirror.safetensors"]:
        with pytest.raises(UnknownModelError, match="available: mirror, shop"):
            registry.get(name)


def test_a_folder_without_checkpoints_is_a_clear_error(tmp_path):
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(CheckpointError, match="no run folder or .safetensors checkpoint"):
        load_models(tmp_path)
    with pytest.raises(CheckpointError, match="neither a checkpoint"):
        load_models(tmp_path / "missing")


def test_cli_serve_passes_its_options_to_the_server(models_dir, monkeypatch):
    import productgan.serve.server as server

    calls = []
    monkeypatch.setattr(server, "run_server", lambda path, **kwargs: calls.append((path, kwargs)))
    result = CliRunner().invoke(app, ["serve", str(models_dir), "--port", "8123", "--api-key", "k",
                                      "--no-batching", "--device", "cpu"])
    assert result.exit_code == 0, result.output
    path, kwargs = calls[0]
    assert path == models_dir and kwargs["host"] == "127.0.0.1" and kwargs["port"] == 8123
    assert kwargs["device"] == "cpu"
    assert kwargs["settings"].api_key == "k" and kwargs["settings"].batching is False


def test_cli_serve_on_an_empty_folder_is_a_one_line_error(tmp_path):
    result = CliRunner().invoke(app, ["serve", str(tmp_path)])
    assert result.exit_code == 2
    assert "no run folder or .safetensors checkpoint" in result.output and "Traceback" not in result.output


def test_a_symlinked_run_is_named_after_the_link(models_dir, tmp_path):
    (tmp_path / "catalog-v2").symlink_to(models_dir / "shop", target_is_directory=True)
    assert list(find_checkpoints(tmp_path)) == ["catalog-v2"]
