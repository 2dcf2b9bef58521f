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
from productgan.photo_io import read_photo

from helpers.damage import DAMAGES, clean_photos

EXPECTED_STEPS = {"darker": ["contrast_stretch"], "cast": ["white_balance"], "noisy": ["denoise"],
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
    assert "dark.png: contrast_stretch (underexposed" in result.output
    assert np.array_equal(read_photo(tmp_path / "out" / "good-auto.png"), photos[0])
