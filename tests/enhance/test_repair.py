"""Repairing marked damage: the mask reaches the restorer and the classical inpainting, and only
where it is painted; masks that do not fit are refused naming the file."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from PIL import Image
from typer.testing import CliRunner

from helpers.enhance import trained_runs
from productgan.cli import app
from productgan.enhance.classic import ClassicChain
from productgan.enhance.config import EnhanceModelConfig
from productgan.enhance.degrade import RestoreDegradation, degrade_for_restore
from productgan.enhance.learned import EnhanceInputError, load_enhancer
from productgan.enhance.networks import build_generator
from productgan.enhance.repair import RepairMaskError, inpaint, mask_for, read_repair_mask, with_repair
from productgan.photo_io import read_photo

runner = CliRunner()


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    return trained_runs(tmp_path_factory.mktemp("repair"), ("sr2", "restore"))


def studio(height: int = 48, width: int = 64) -> np.ndarray:
    image = np.full((height, width, 3), 250, np.uint8)
    image[10:38, 16:48] = (200, 40, 40)
    return image


def test_repair_mask_marks_holes_and_every_blemish_pixel():
    image = np.full((96, 96, 3), 128, np.uint8)
    only_marks = RestoreDegradation(jpeg_probability=0, noise_probability=0, low_light_probability=0,
                                    blemish_probability=1, hole_probability=1)
    damaged = degrade_for_restore(image, np.random.default_rng(3), only_marks)
    changed = (damaged.image != image).any(axis=2)
    assert changed.any() and not changed[damaged.repair_mask == 0].any()
    assert (damaged.repair_mask[damaged.hole_mask > 0] == 255).all()
    assert (damaged.repair_mask > 0).mean() < 0.3  # the marks, not the photo


def test_the_repair_plane_reaches_the_restorer():
    generator = build_generator(EnhanceModelConfig(task="restore", width=8, depth=2))
    torch.nn.init.normal_(generator.last.weight, std=0.1)
    image = torch.rand(1, 3, 24, 24) * 2 - 1
    marks = torch.zeros(1, 1, 24, 24)
    assert torch.equal(generator(image), generator(image, None, marks))  # no mask = nothing marked
    marks[..., 8:16, 8:16] = 1
    assert not torch.allclose(generator(image), generator(image, None, marks))


def test_learned_restore_takes_a_mask_and_tiles_it(runs):
    image, marks = studio(70, 90), np.zeros((70, 90), np.uint8)
    marks[20:40, 30:50] = 255
    enhancer = load_enhancer(runs["restore"], tile=512)
    whole = enhancer(image, marks).astype(int)
    assert whole.shape == image.shape
    assert np.abs(whole - enhancer(image).astype(int)).max() > 0  # the mask is used
    tiled = load_enhancer(runs["restore"], tile=24, overlap=16)(image, marks).astype(int)
    assert np.abs(tiled - whole).mean() < 0.5


def test_masks_that_do_not_fit_are_refused(runs):
    with pytest.raises(EnhanceInputError, match="must match"):
        load_enhancer(runs["restore"])(studio(), np.zeros((10, 10), np.uint8))
    with pytest.raises(EnhanceInputError, match="for restoration"):
        load_enhancer(runs["sr2"])(studio(), np.zeros((48, 64), np.uint8))
    with pytest.raises(RepairMaskError, match="classic or restore"):
        with_repair(lambda image: image, "sr4")


def test_classical_repair_inpaints_only_the_marked_pixels():
    clean, marks = studio(), np.zeros((48, 64), bool)
    damaged = clean.copy()
    damaged[20:26, 24:30] = (0, 255, 0)  # a green blot on the red product
    marks[19:27, 23:31] = True
    repaired = inpaint(damaged, marks)
    assert np.array_equal(repaired[~marks], damaged[~marks])
    assert np.abs(repaired[marks].astype(int) - clean[marks]).mean() < 0.2 * np.abs(damaged[marks].astype(int) - clean[marks]).mean()
    identity = ClassicChain([])
    assert np.array_equal(with_repair(identity, "classic")(damaged, marks), repaired)


def test_mask_files_are_found_read_and_checked(tmp_path):
    folder = tmp_path / "masks"
    folder.mkdir()
    painted = np.zeros((48, 64), np.uint8)
    painted[5:9, 5:9] = 255
    Image.fromarray(painted).save(folder / "tee.png")
    assert mask_for(folder, tmp_path / "tee.jpg") == folder / "tee.png"
    assert mask_for(folder, tmp_path / "other.jpg") is None
    assert read_repair_mask(folder / "tee.png", (48, 64)).sum() == 16
    with pytest.raises(RepairMaskError, match="tee.png.*64x48 px, its photo 32x32"):
        read_repair_mask(folder / "tee.png", (32, 32))
    with pytest.raises(RepairMaskError, match="nowhere"):
        mask_for(tmp_path / "nowhere", tmp_path / "tee.jpg")


def test_cli_repairs_with_a_mask_and_refuses_a_file_mask_for_a_folder(tmp_path, runs):
    photos = tmp_path / "photos"
    photos.mkdir()
    damaged = studio()
    damaged[20:26, 24:30] = (0, 255, 0)
    Image.fromarray(damaged).save(photos / "tee.png")
    painted = np.zeros((48, 64), np.uint8)
    painted[19:27, 23:31] = 255
    Image.fromarray(painted).save(tmp_path / "tee-mask.png")
    result = runner.invoke(app, ["enhance", "apply", str(photos / "tee.png"), "--chain", "white_balance",
                                 "--mask", str(tmp_path / "tee-mask.png"), "--out", str(tmp_path / "o")])
    assert result.exit_code == 0, result.output
    repaired = read_photo(tmp_path / "o" / "tee-classic.png")
    assert repaired[22, 26, 1] < 128  # the green blot is gone
    result = runner.invoke(app, ["enhance", "apply", str(photos), "--mask", str(tmp_path / "tee-mask.png"),
                                 "--out", str(tmp_path / "o2")])
    assert result.exit_code == 2 and "one mask file goes with one photo" in result.output
    result = runner.invoke(app, ["enhance", "apply", str(photos / "tee.png"), "--task", "sr2", "--checkpoint",
                                 str(runs["sr2"]), "--mask", str(tmp_path / "tee-mask.png"), "--out", str(tmp_path / "o3")])
    assert result.exit_code == 2 and "classic or restore" in result.output
