"""An enhancer checkpoint's header is checked before its network is built: forged sizes, held-out files
outside the data folder and weights that do not fit are each one EnhancerCheckpointError naming the file."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from helpers.checkpoint import rewrite
from helpers.enhance import tiny_config

import productgan.enhance.learned as learned
from productgan.enhance import networks
from productgan.enhance.checkpoint import EnhancerCheckpointError, HeldOut, held_out, save_enhancer
from productgan.enhance.learned import load_enhancer


@pytest.fixture(scope="module")
def good(tmp_path_factory) -> Path:
    """An untrained but genuine sr2 enhancer checkpoint, written the way training writes one."""
    base = tmp_path_factory.mktemp("enhancer-headers")
    config = tiny_config(base / "photos", base / "run", "sr2")
    modules = {"generator": networks.build_generator(config.model),
               "discriminator": networks.build_discriminator(config.model)}
    optimizers = {name: torch.optim.Adam(module.parameters()) for name, module in modules.items()}
    held = HeldOut(str(base / "photos"), "product", 0, 0.2, ["p1"], ["p1/main.png"])
    return save_enhancer(base / "good.safetensors", config, modules, optimizers,
                         {"step": 0, "images_seen": 0, "elapsed_s": 0.0}, held)


def refuse(path: Path, match: str) -> None:
    with pytest.raises(EnhancerCheckpointError) as caught:
        load_enhancer(path)
    message = str(caught.value)
    assert str(path) in message and "\n" not in message and match in message, message


def model_of(meta: dict) -> dict:
    return meta["config"]["model"]


def test_the_genuine_checkpoint_loads(good):
    assert load_enhancer(good).scale == 2


@pytest.mark.parametrize("field, value", [("width", "wide"), ("width", 0), ("blocks", 10**6), ("growth", 2.5),
                                          ("dense_layers", True)])
def test_network_sizes_of_wrong_type_or_range_are_refused(good, tmp_path, field, value):
    refuse(rewrite(good, tmp_path / "x.safetensors", lambda m: model_of(m).update({field: value})),
           f"model {field} {value!r}")


def test_a_huge_enhancer_is_refused_before_anything_is_built(good, tmp_path, monkeypatch):
    built = []
    monkeypatch.setattr(learned, "build_generator", lambda config: built.append(config))
    huge = rewrite(good, tmp_path / "huge.safetensors",
                   lambda m: model_of(m).update(width=2048, growth=2048, blocks=64, dense_layers=32))
    refuse(huge, "refused before allocating it")
    assert built == []


def test_weights_that_do_not_fit_the_header_are_refused(good, tmp_path):
    refuse(rewrite(good, tmp_path / "x.safetensors", lambda m: model_of(m).update(width=24)), "generator weights do not fit")
    last = sorted(key for key in _names(good) if key.startswith("generator."))[-1]
    refuse(rewrite(good, tmp_path / "y.safetensors", edit_tensors=lambda t: t.pop(last)),
           f"{last.removeprefix('generator.')} is missing")


def _names(path: Path) -> list[str]:
    from safetensors import safe_open

    with safe_open(str(path), framework="pt") as handle:
        return list(handle.keys())


@pytest.mark.parametrize("files", [["/etc/passwd"], ["../outside/x.png"], ["p1/../../x.png"], ["C:\\x.png"]])
def test_held_out_files_outside_the_data_folder_are_refused(good, tmp_path, files):
    path = rewrite(good, tmp_path / "x.safetensors", lambda m: m["extra"]["held_out"].update(files=files))
    with pytest.raises(EnhancerCheckpointError, match="not a relative path inside the data folder"):
        held_out(path)


def test_a_held_out_record_of_the_wrong_shape_is_refused(good, tmp_path):
    path = rewrite(good, tmp_path / "x.safetensors", lambda m: m["extra"]["held_out"].pop("seed"))
    refuse(path, "held_out must be an object")
    path = rewrite(good, tmp_path / "y.safetensors", lambda m: m["extra"]["held_out"].update(fraction="most"))
    refuse(path, "held_out fraction")


def test_a_meta_that_is_not_json_names_the_file(good, tmp_path):
    refuse(rewrite(good, tmp_path / "x.safetensors", meta_text="{oops"), "not JSON")
