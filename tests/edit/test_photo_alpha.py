"""Every photo command keeps a cut-out's alpha: the edit applies to the colour, the alpha is carried
through, and geometric edits move it with the pixels (issue 15)."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image
from typer.testing import CliRunner

from productgan.cli import app
from productgan.edit.photo import PhotoEdit

from helpers.photo import studio_photo

runner = CliRunner()


def cutout_photo() -> tuple[np.ndarray, np.ndarray]:
    """(RGB on white, alpha): the studio photo's product opaque, its backdrop transparent, an
    asymmetric soft band on the left edge so a flip or a turn that forgot the alpha is seen."""
    photo, inside = studio_photo()
    alpha = inside.astype(np.uint8) * 255
    alpha[:, :40] = np.minimum(alpha[:, :40], 128)
    return photo, alpha


@pytest.fixture
def rgba_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "cutouts"
    folder.mkdir()
    photo, alpha = cutout_photo()
    Image.fromarray(np.dstack([photo, alpha]), "RGBA").save(folder / "tee.png")
    return folder


def read_rgba(path: Path) -> np.ndarray:
    with Image.open(path) as image:
        assert image.mode == "RGBA", f"{path.name} lost its alpha ({image.mode})"
        return np.asarray(image)


@pytest.mark.parametrize("args, suffix", [
    (["recolor", "--to", "red"], "recolor-red"),
    (["whiten", "--no-square"], "whiten"),
    (["scale", "--factor", "1"], "scale1"),
    (["rotate", "--degrees", "0"], "rotate0"),
])
def test_edits_that_keep_the_geometry_keep_the_alpha_exactly(rgba_folder, tmp_path, args, suffix):
    out = tmp_path / "out"
    result = runner.invoke(app, ["photo", *args, str(rgba_folder), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert np.array_equal(read_rgba(out / f"tee-{suffix}.png")[..., 3], cutout_photo()[1])


def test_flip_mirrors_the_alpha_with_the_pixels(rgba_folder, tmp_path):
    result = runner.invoke(app, ["edit", "flip", str(rgba_folder), "--out", str(tmp_path / "o")])  # old name too
    assert result.exit_code == 0, result.output
    assert np.array_equal(read_rgba(tmp_path / "o" / "tee-flip-horizontal.png")[..., 3], cutout_photo()[1][:, ::-1])


@pytest.mark.parametrize("edit", [PhotoEdit("rotate", degrees=30), PhotoEdit("scale", factor=0.7)])
def test_rotate_and_scale_move_the_alpha_as_they_move_the_product(edit):
    photo, alpha = cutout_photo()
    result = edit.apply(photo, alpha)
    assert result.shape == (*photo.shape[:2], 4)
    assert np.array_equal(result[..., :3], edit(photo))  # the colour is the RGB edit's, unchanged
    moved_product = np.abs(result[..., :3].astype(int) - 250).sum(axis=2) > 60  # where the blue product went
    assert (result[..., 3][moved_product] > 0).mean() > 0.97
    assert result[..., 3][~cv2.dilate(moved_product.astype(np.uint8), np.ones((5, 5))).astype(bool)].max() <= 8  # Lanczos ringing only


def test_whiten_pads_a_cutout_with_transparency():
    photo, alpha = cutout_photo()
    squared = PhotoEdit("whiten").apply(photo, alpha)
    assert squared.shape == (120, 120, 4)
    assert (squared[:, :12, 3] == 0).all() and (squared[:, :12, :3] == 255).all()


def test_an_opaque_photo_still_gives_rgb():
    photo, _ = cutout_photo()
    assert PhotoEdit("flip").apply(photo, None).shape == photo.shape


def test_mask_of_a_cutout_stays_within_its_opaque_part():
    photo, alpha = cutout_photo()
    mask = PhotoEdit("mask").apply(photo, alpha)
    assert mask.shape == photo.shape and not mask[alpha < 128].any()
