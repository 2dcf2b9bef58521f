"""The product-mask threshold every photo edit may use is a finite Lab distance, checked with the
other options: a NaN would silently find no product at all."""

from __future__ import annotations

import math

import numpy as np
import pytest
from PIL import Image
from typer.testing import CliRunner

from productgan.cli import app
from productgan.edit.photo import MAX_THRESHOLD, PhotoEdit, PhotoEditError


@pytest.mark.parametrize("operation, options", [("whiten", {}), ("mask", {}), ("recolor", {"color": "red"}),
                                                ("rotate", {"degrees": 10.0})])
@pytest.mark.parametrize("threshold", [math.nan, -1.0, math.inf, MAX_THRESHOLD + 1])
def test_a_threshold_outside_its_range_is_refused_naming_the_option(operation, options, threshold):
    with pytest.raises(PhotoEditError, match=r"threshold must be a number in \[0, 400\]") as caught:
        PhotoEdit(operation, threshold=threshold, **options)
    assert caught.value.option == "threshold"


@pytest.mark.parametrize("threshold", [0.0, 12.0, MAX_THRESHOLD])
def test_thresholds_in_range_mask_an_image(threshold):
    image = np.full((20, 20, 3), 250, np.uint8)
    image[5:15, 5:15] = (30, 60, 200)
    mask = PhotoEdit("mask", threshold=threshold)(image)
    assert mask.shape == image.shape and mask.dtype == np.uint8


@pytest.mark.parametrize("value", ["nan", "-5", "1e9"])
def test_cli_refuses_the_threshold_before_reading_a_photo(tmp_path, value):
    photo = tmp_path / "tee.png"
    Image.fromarray(np.full((12, 12, 3), 250, np.uint8)).save(photo)
    result = CliRunner().invoke(app, ["photo", "whiten", str(photo), "--threshold", value, "--out", str(tmp_path / "o")])
    assert result.exit_code == 2, result.output
    assert "--threshold" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "o").exists()


def test_cli_refuses_an_out_that_is_a_file_before_reading_a_photo(tmp_path):
    photo = tmp_path / "tee.png"
    Image.fromarray(np.full((12, 12, 3), 250, np.uint8)).save(photo)
    taken = tmp_path / "taken"
    taken.write_text("a file")
    result = CliRunner().invoke(app, ["photo", "flip", str(photo), "--out", str(taken)])
    assert result.exit_code == 2 and "--out" in result.output and "existing file" in result.output, result.output
    assert taken.read_text() == "a file"
