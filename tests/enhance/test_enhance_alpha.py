"""`enhance apply` and /api/photo/enhance keep a cut-out's alpha (issue 15): the colour is enhanced,
the alpha comes back as it was (enlarged with the photo by sr2/sr4), and a transparent result asked
for as JPEG is written as PNG, with a line saying so."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image
from typer.testing import CliRunner

from productgan.cli import app
from productgan.enhance.apply import build_enhancer, carry_alpha

from helpers.damage import darker
from helpers.photo import studio_photo

runner = CliRunner()
BORDER = 6  # px of fully transparent border around the cut-out


def cutout(height: int = 48, width: int = 40) -> tuple[np.ndarray, np.ndarray]:
    """(RGB, alpha): a dim studio photo (so auto and classic both change its colour), a transparent
    border, an opaque product and a half-transparent band on its left."""
    photo, inside = studio_photo(height, width)
    alpha = np.full((height, width), 255, np.uint8)
    alpha[:, : width // 3] = 128
    alpha[:BORDER], alpha[-BORDER:], alpha[:, :BORDER], alpha[:, -BORDER:] = 0, 0, 0, 0
    return darker(photo), alpha


@pytest.fixture
def rgba_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "photos"
    folder.mkdir()
    rgb, alpha = cutout()
    Image.fromarray(np.dstack([rgb, alpha]), "RGBA").save(folder / "tee.png")
    Image.fromarray(rgb).save(folder / "opaque.png")
    return folder


def read(path: Path) -> np.ndarray:
    with Image.open(path) as image:
        return np.asarray(image)


def enhance(folder: Path, out: Path, *options: str):
    result = runner.invoke(app, ["enhance", "apply", str(folder), "--out", str(out), *options])
    assert result.exit_code == 0, result.output
    return result


@pytest.mark.parametrize("task", ["auto", "classic", "restore"])
def test_same_size_tasks_give_back_the_alpha_bit_for_bit(rgba_folder, tmp_path, task):
    rgb, alpha = cutout()
    enhance(rgba_folder, tmp_path / "out", "--task", task)
    result = read(tmp_path / "out" / f"tee-{task}.png")
    assert result.shape == (*alpha.shape, 4) and np.array_equal(result[..., 3], alpha)
    if task != "restore":  # the colour was enhanced, not just copied (restore may leave it close)
        assert np.abs(result[..., :3].astype(int) - rgb).mean() > 5
    assert read(tmp_path / "out" / f"opaque-{task}.png").shape == (*alpha.shape, 3)  # opaque stays RGB


def test_super_resolution_enlarges_the_alpha_with_the_photo(rgba_folder, tmp_path):
    """The shipped sr2 model (src/productgan/weights): the alpha is the bilinear x2 of the input's."""
    _, alpha = cutout()
    enhance(rgba_folder, tmp_path / "out", "--task", "sr2")
    result = read(tmp_path / "out" / "tee-sr2.png")
    height, width = alpha.shape
    assert result.shape == (2 * height, 2 * width, 4)
    assert np.array_equal(result[..., 3], cv2.resize(alpha, (2 * width, 2 * height), interpolation=cv2.INTER_LINEAR))
    inner = 2 * BORDER - 1  # the transparent border stays transparent, the product opaque
    assert result[:inner, :, 3].max() == 0 and result[:, -inner:, 3].max() == 0
    assert result[height, width, 3] == 255


def test_a_transparent_photo_asked_for_as_jpeg_is_written_as_png_and_said_so(rgba_folder, tmp_path):
    _, alpha = cutout()
    result = enhance(rgba_folder, tmp_path / "out", "--task", "classic", "--format", "jpg")
    assert "tee-classic.jpg: kept the transparency, which JPEG cannot hold: wrote tee-classic.png" in result.output
    assert np.array_equal(read(tmp_path / "out" / "tee-classic.png")[..., 3], alpha)
    assert not (tmp_path / "out" / "tee-classic.jpg").exists()
    with Image.open(tmp_path / "out" / "opaque-classic.jpg") as opaque:  # the opaque photo: JPEG as asked
        assert opaque.format == "JPEG"


def test_carry_alpha_leaves_an_opaque_photo_as_the_enhancer_made_it():
    rgb, alpha = cutout()
    chain = build_enhancer("classic")
    assert np.array_equal(carry_alpha(chain, rgb, None), chain(rgb))
    assert np.array_equal(carry_alpha(chain, rgb, alpha)[..., :3], chain(rgb))
