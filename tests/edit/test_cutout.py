"""Transparent cut-outs (issue 15): alpha 0 on the backdrop, 255 inside, soft only at the edge;
--background none | colour; `productgan photo cutout` and `productgan edit cutout`."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image
from typer.testing import CliRunner

from productgan.cli import app
from productgan.edit.cutout import BackgroundError, cutout, parse_background
from productgan.edit.photo import PhotoEdit, PhotoEditError

from helpers.photo import studio_photo

runner = CliRunner()


def band(mask: np.ndarray, width: int) -> np.ndarray:
    """The pixels within `width` px of the mask's outline, both sides."""
    kernel = np.ones((2 * width + 1, 2 * width + 1), np.uint8)
    as_bytes = mask.astype(np.uint8)
    return cv2.dilate(as_bytes, kernel).astype(bool) & ~cv2.erode(as_bytes, kernel).astype(bool)


def test_alpha_is_0_on_the_backdrop_255_inside_and_soft_only_at_the_edge():
    photo, inside = studio_photo()
    rgba = cutout(photo)
    alpha, edge = rgba[..., 3], band(inside, 4)
    assert rgba.shape == (*photo.shape[:2], 4) and np.array_equal(rgba[..., :3][~edge], photo[~edge])
    assert (alpha[~inside & ~edge] == 0).all()
    assert (alpha[inside & ~edge] == 255).all()
    soft = (alpha > 0) & (alpha < 255)
    assert soft.any() and edge[soft].all()  # a soft edge exists, and only there


def test_a_colour_background_composites_the_product_onto_it():
    photo, inside = studio_photo()
    on_navy = cutout(photo, background=parse_background("#102030"))
    edge = band(inside, 4)
    assert on_navy.shape == photo.shape
    assert (on_navy[~inside & ~edge] == (16, 32, 48)).all()
    assert np.array_equal(on_navy[inside & ~edge], photo[inside & ~edge])


def test_an_existing_alpha_is_kept_the_cutout_only_removes_more():
    photo, inside = studio_photo()
    alpha = np.full(inside.shape, 255, np.uint8)
    alpha[:, : photo.shape[1] // 2] = 100
    rgba = PhotoEdit("cutout").apply(photo, alpha)
    assert (rgba[..., 3] <= alpha).all()
    left_core = inside & ~band(inside, 4)
    left_core[:, photo.shape[1] // 2:] = False
    assert (np.abs(rgba[..., 3][left_core].astype(int) - 100) <= 1).all()


def test_the_matted_edge_leaves_no_white_halo_on_a_dark_page():
    """An orange disc antialiased onto the white backdrop: cut out and put on navy, its edge must
    look like the disc on navy, not like a white rim (which the feathered mask leaves)."""
    big = np.full((480, 480, 3), 255, np.uint8)
    cv2.circle(big, (240, 240), 150, (235, 120, 30), -1)
    coverage_big = np.zeros((480, 480), np.float32)
    cv2.circle(coverage_big, (240, 240), 150, 1.0, -1)
    photo = cv2.resize(big, (120, 120), interpolation=cv2.INTER_AREA)
    coverage = cv2.resize(coverage_big, (120, 120), interpolation=cv2.INTER_AREA)
    navy = np.float32([20, 30, 60])
    truth = coverage[..., None] * np.float32([235, 120, 30]) + (1 - coverage[..., None]) * navy
    edge = band(coverage > 0.5, 2)

    def rim_error(matte: bool) -> float:
        shown = cutout(photo, background=(20, 30, 60), matte=matte).astype(np.float32)
        return float(np.abs(shown - truth)[edge].mean())

    assert rim_error(matte=True) < 12.0 < rim_error(matte=False)


@pytest.mark.parametrize("text, expected", [("none", None), ("NONE", None), ("transparent", None),
                                            ("white", (255, 255, 255)), ("#FF8000", (255, 128, 0)),
                                            ("ff8000", (255, 128, 0))])
def test_parse_background(text, expected):
    assert parse_background(text) == expected


@pytest.mark.parametrize("text", ["", "blu", "#12345", "#GGGGGG", "rgb(1,2,3)"])
def test_a_bad_background_is_one_clear_error(text):
    with pytest.raises(BackgroundError, match="background must be none .*white.*#RRGGBB, got"):
        parse_background(text)
    with pytest.raises(PhotoEditError) as error:
        PhotoEdit("cutout", background=text)
    assert error.value.option == "background"


@pytest.fixture
def photo_file(tmp_path: Path) -> Path:
    photo, _ = studio_photo()
    Image.fromarray(photo).save(tmp_path / "tee.jpg", quality=95)
    return tmp_path / "tee.jpg"


@pytest.mark.parametrize("group", ["photo", "edit"])
def test_cutout_command_writes_a_transparent_png(photo_file, tmp_path, group):
    out = tmp_path / group
    result = runner.invoke(app, [group, "cutout", str(photo_file), "--out", str(out)])
    assert result.exit_code == 0, result.output
    with Image.open(out / "tee-cutout.png") as written:
        assert written.mode == "RGBA"
        alpha = np.asarray(written)[..., 3]
    assert alpha[0, 0] == 0 and alpha[66, 48] == 255


def test_cutout_command_on_white_writes_rgb(photo_file, tmp_path):
    result = runner.invoke(app, ["photo", "cutout", str(photo_file), "--background", "white", "--out", str(tmp_path / "o")])
    assert result.exit_code == 0, result.output
    with Image.open(tmp_path / "o" / "tee-cutout.png") as written:
        assert written.mode == "RGB" and written.getpixel((0, 0)) == (255, 255, 255)


def test_cutout_command_names_a_bad_background_flag(photo_file, tmp_path):
    result = runner.invoke(app, ["photo", "cutout", str(photo_file), "--background", "blu", "--out", str(tmp_path / "o")])
    assert result.exit_code != 0
    assert "--background: background must be none" in " ".join(result.output.split())
    assert not (tmp_path / "o").exists() or not any((tmp_path / "o").iterdir())


def test_edit_cutout_is_hidden_and_points_to_photo_cutout():
    assert "cutout" not in runner.invoke(app, ["edit", "--help"]).output
    assert "cutout" in runner.invoke(app, ["photo", "--help"]).output
    help_text = " ".join(runner.invoke(app, ["edit", "cutout", "--help"], terminal_width=200).output.split())
    assert "The same as `productgan photo cutout`" in help_text
