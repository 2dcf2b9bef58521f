"""--task auto: a good photo comes back untouched; a damaged one gets the step its damage calls for, alone."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image
from typer.testing import CliRunner

from productgan.cli.app import app
from productgan.enhance.apply import DEFAULT_TASK, build_enhancer
from productgan.enhance.auto import AutoEnhancer
from productgan.imaging import rgb_luma
from productgan.metrics.fidelity import image_psnr
from productgan.photo_io import read_photo

from helpers.damage import DAMAGES, clean_photos, darker

# A darker photo gets one gain (its shadows stay dark); a washed-out one, whose shadows are lifted, the stretch.
EXPECTED_STEPS = {"darker": ["exposure"], "cast": ["white_balance"], "noisy": ["denoise"],
                  "blurred": ["unsharp"], "washed_out": ["contrast_stretch"]}


@pytest.fixture(scope="module")
def photos():
    return clean_photos(3)


def error(image: np.ndarray, clean: np.ndarray) -> float:
    return float(np.abs(image.astype(np.float32) - clean).mean())


def test_auto_is_the_default_task_and_refuses_a_chain():
    assert DEFAULT_TASK == "auto" and isinstance(build_enhancer("auto"), AutoEnhancer)
    with pytest.raises(Exception, match="--chain is for --task classic"):
        build_enhancer("auto", chain="denoise")


def test_a_good_studio_photo_comes_back_untouched(photos):
    enhancer = AutoEnhancer()
    for photo in photos:
        fix = enhancer.fix(photo)
        assert fix.image is photo and not fix.steps and fix.summary() == "unchanged: every measure in range"


def test_luma_photos_come_back_untouched(shared_datasets):
    enhancer = AutoEnhancer()
    for path in sorted((shared_datasets / "luma" / "images").glob("*.jpg"))[5::60]:
        photo = read_photo(path)
        assert np.array_equal(enhancer(photo), photo), (path.name, enhancer.last_fix.summary())


@pytest.mark.parametrize("damage", sorted(EXPECTED_STEPS))
def test_a_damaged_photo_gets_its_step_alone_and_comes_closer_to_the_clean_one(photos, damage):
    enhancer = AutoEnhancer()
    for photo in photos:
        damaged = DAMAGES[damage](photo)
        fix = enhancer.fix(damaged)
        assert fix.step_names() == EXPECTED_STEPS[damage], (damage, fix.summary())
        assert error(fix.image, photo) < error(damaged, photo), (damage, fix.summary())
        assert all(fix.steps[0].reasons) and fix.step_names()[0] in fix.summary()


def test_a_darker_photo_comes_back_brighter(photos):
    dark = DAMAGES["darker"](photos[0])
    fixed = AutoEnhancer()(dark)
    assert rgb_luma(fixed).mean() > rgb_luma(dark).mean() + 40


def test_a_cast_is_neutralised_and_the_backdrop_stays_white(photos):
    fix = AutoEnhancer().fix(DAMAGES["cast"](photos[0]))
    assert "cast" in fix.before.problems and "cast" not in fix.after.problems
    corner = fix.image[:8, :8].reshape(-1, 3).astype(int).mean(axis=0)
    assert np.ptp(corner) <= 3 and corner.min() >= 235


def test_sharpening_raises_the_sharpness_measure(photos):
    fix = AutoEnhancer().fix(DAMAGES["blurred"](photos[0]))
    assert fix.after.measures["sharpness"] > 1.3 * fix.before.measures["sharpness"]


def test_cli_default_task_reports_per_photo_and_keeps_a_good_photo(tmp_path, photos):
    folder = tmp_path / "photos"
    folder.mkdir()
    Image.fromarray(photos[0]).save(folder / "good.png")
    Image.fromarray(DAMAGES["darker"](photos[1])).save(folder / "dark.png")
    result = CliRunner().invoke(app, ["enhance", "apply", str(folder), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "good.png: unchanged: every measure in range" in result.output
    assert "dark.png: exposure (underexposed" in result.output
    assert np.array_equal(read_photo(tmp_path / "out" / "good-auto.png"), photos[0])


def test_a_dim_studio_photo_is_brought_back_by_one_gain(photos):
    """x0.45 exposure puts the backdrop at L 48, which used to read as no backdrop: left as dark as it came."""
    for photo in photos:
        dim = darker(photo, 0.45)
        fix = AutoEnhancer().fix(dim)
        assert fix.before.has_backdrop and fix.step_names() == ["exposure"], fix.summary()
        assert "underexposed" in fix.summary() and fix.after.ok, fix.after.problems
        assert image_psnr(fix.image, photo) > image_psnr(dim, photo) + 20


@pytest.mark.parametrize("name", ["mh12-green_main.jpg", "wp13-orange_main.jpg", "mj04-black_alt1.jpg"])
def test_a_dim_luma_photo_comes_back_close_to_the_original(shared_datasets, name):
    """wp13-orange_main is a pale product: at x0.45 its contrast is low too, yet its shadows are dark,
    so it gets the gain (a stretch would pull its orange to black: 14.7 dB). mj04-black_alt1 is a
    close-up with no backdrop, too dark overall: the gain too (the stretch gave 25 dB)."""
    photo = read_photo(shared_datasets / "luma" / "images" / name)
    fix = AutoEnhancer().fix(darker(photo, 0.45))
    assert fix.step_names() == ["exposure"], fix.summary()
    assert image_psnr(fix.image, photo) > 45.0


@pytest.mark.parametrize("level", [60, 110])
def test_a_plain_grey_close_up_is_not_taken_for_a_dim_backdrop(level):
    """Flat grey cloth filling the frame (a faint weave, no product): its border is uniform and grey,
    but nothing stands out from it, so it is not read as an underexposed white backdrop. (Its low
    contrast is still judged, backdrop or not.)"""
    cloth = np.full((200, 160, 3), level, np.uint8)
    cloth[::5] += 3
    fix = AutoEnhancer().fix(cloth)
    assert not fix.before.has_backdrop and "white_point" not in fix.before.problems, fix.summary()
    assert "exposure" not in fix.step_names()


def test_dark_cloth_with_a_lighter_weave_is_not_taken_for_a_dim_backdrop():
    """The border is the cloth's dark ground, and its weave is brighter: not a backdrop."""
    cloth = np.full((200, 160, 3), 70, np.uint8)
    cloth[::4] = 110
    cloth[60:140, 50:110] = 20  # a dark patch, so something stands out
    fix = AutoEnhancer().fix(cloth)
    assert not fix.before.has_backdrop and "exposure" not in fix.step_names(), fix.summary()
