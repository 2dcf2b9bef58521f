"""--upscaler: shipped loads the package's sr2 and sr4 once, lanczos loads nothing, a path loads that
model; the older --sr-checkpoint still works, both at once is refused, and an install without the
shipped files says what to use instead."""

from __future__ import annotations

import pytest

from productgan.catalog import upscalers
from productgan.catalog.upscalers import load_upscalers, resolve_choice
from productgan.enhance.shipped import ShippedModelMissing, shipped_path
from productgan.errors import ProductGANError


def test_lanczos_is_the_default_and_shipped_loads_sr2_and_sr4():
    assert resolve_choice(None, None) == "lanczos"
    loaded = load_upscalers("shipped")
    assert [(u.scale, u.name) for u in loaded] == [(2, "shipped-sr2"), (4, "shipped-sr4")]
    assert loaded[0].model.task == "sr2" and loaded[1].model.task == "sr4"


def test_lanczos_loads_nothing_and_one_shipped_model_can_be_named():
    assert load_upscalers("lanczos") == ()
    assert [(u.scale, u.name) for u in load_upscalers("shipped-sr4")] == [(4, "shipped-sr4")]


def test_a_path_or_the_older_sr_checkpoint_names_one_model():
    path = shipped_path("sr2")
    assert resolve_choice(None, path) == resolve_choice(str(path), None) == resolve_choice(str(path), path) == str(path)
    assert [(u.scale, u.name) for u in load_upscalers(str(path))] == [(2, str(path))]
    with pytest.raises(ProductGANError, match="both choose the upscaler"):
        resolve_choice("lanczos", path)


def test_a_wrong_file_is_named(tmp_path):
    with pytest.raises(ProductGANError, match="restore"):
        load_upscalers(str(shipped_path("restore")))
    with pytest.raises(ProductGANError, match="missing.safetensors"):
        load_upscalers(str(tmp_path / "missing.safetensors"))


def test_an_install_without_shipped_sr_models_says_to_use_lanczos(monkeypatch):
    import productgan.enhance.shipped as shipped

    monkeypatch.setattr(shipped, "shipped_path", lambda task, folder=None: None)
    with pytest.raises(ShippedModelMissing, match="--upscaler lanczos"):
        load_upscalers("shipped")
    assert upscalers.DEFAULT_UPSCALER == "lanczos"  # so the default needs no shipped model
