"""Applying an enhancer: sizes and dtype, tiling equals a whole-image pass, and clear errors."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from safetensors.torch import save_file

from helpers.enhance import trained_runs
from productgan.enhance.learned import EnhanceInputError, EnhancerCheckpointError, load_enhancer
from productgan.errors import ProductGANError


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """One trained-for-a-few-steps run per task (weights moved off the bicubic/identity start)."""
    return trained_runs(tmp_path_factory.mktemp("learned"), ("sr2", "sr4", "restore"))


def photo(height: int = 45, width: int = 70) -> np.ndarray:
    return np.random.default_rng(0).integers(0, 256, (height, width, 3), dtype=np.uint8)


@pytest.mark.parametrize("task,scale", [("sr2", 2), ("sr4", 4), ("restore", 1)])
def test_output_size_dtype_and_attributes(runs, task, scale):
    enhancer = load_enhancer(runs[task])
    assert enhancer.task == task and enhancer.scale == scale
    out = enhancer(photo())
    assert out.shape == (45 * scale, 70 * scale, 3) and out.dtype == np.uint8


@pytest.mark.parametrize("task", ["sr2", "restore"])
def test_tiled_equals_untiled(runs, task):
    image = photo(70, 90)
    whole = load_enhancer(runs[task], tile=512)(image).astype(int)
    tiled = load_enhancer(runs[task], tile=24, overlap=16)(image).astype(int)
    assert tiled.shape == whole.shape
    difference = np.abs(tiled - whole)
    assert difference.mean() < 0.5 and np.percentile(difference, 99) <= 3
    seams = load_enhancer(runs[task], tile=24, overlap=0)(image).astype(int)
    assert np.abs(seams - whole).mean() > difference.mean()  # the overlap is what removes the seams


def test_enhancer_changes_the_image_beyond_bicubic(runs):
    """The trained weights are really used (an untrained net would be bicubic exactly)."""
    import cv2

    image = photo(32, 32)
    bicubic = cv2.resize(image, (64, 64), interpolation=cv2.INTER_CUBIC).astype(int)
    assert np.abs(load_enhancer(runs["sr2"])(image).astype(int) - bicubic).mean() > 1


def test_missing_file_and_folder_without_checkpoint(tmp_path):
    with pytest.raises(EnhancerCheckpointError, match="nothing.safetensors"):
        load_enhancer(tmp_path / "nothing.safetensors")
    with pytest.raises(EnhancerCheckpointError, match="has no checkpoint.safetensors"):
        load_enhancer(tmp_path)
    assert issubclass(EnhancerCheckpointError, ProductGANError)


def test_not_a_checkpoint_and_not_an_enhancer(tmp_path):
    junk = tmp_path / "junk.safetensors"
    junk.write_bytes(b"\x00" * 64)
    with pytest.raises(EnhancerCheckpointError, match="junk.safetensors"):
        load_enhancer(junk)
    foreign = tmp_path / "foreign.safetensors"
    save_file({"w": torch.zeros(1)}, str(foreign), metadata={"format": "other"})
    with pytest.raises(EnhancerCheckpointError, match="foreign.safetensors.*not a productgan checkpoint"):
        load_enhancer(foreign)


def test_a_gan_checkpoint_is_refused_by_kind(tmp_path):
    from productgan.checkpoint import CheckpointMeta, save_checkpoint

    path = save_checkpoint(tmp_path / "gan.safetensors", CheckpointMeta(config={}, condition_names=[], levels={}),
                           {"generator": torch.nn.Linear(2, 2)})
    with pytest.raises(EnhancerCheckpointError, match="gan.safetensors.*not an enhancer"):
        load_enhancer(path)


def test_incompatible_architecture_version_is_refused(runs, monkeypatch):
    from productgan.checkpoint import ENHANCER

    monkeypatch.setitem(ENHANCER.versions, "rrdb", 999)
    with pytest.raises(EnhancerCheckpointError, match="architecture version 1.*builds rrdb version 999"):
        load_enhancer(runs["sr2"])
    load_enhancer(runs["restore"])  # another family's version is not this one's business


@pytest.mark.parametrize("bad", [np.zeros((8, 8), np.uint8), np.zeros((8, 8, 4), np.uint8),
                                 np.zeros((8, 8, 3), np.float32), np.zeros((0, 8, 3), np.uint8)])
def test_wrong_images_are_refused_clearly(runs, bad):
    with pytest.raises(EnhanceInputError, match="uint8 \\(H, W, 3\\)|empty"):
        load_enhancer(runs["sr2"])(bad)
