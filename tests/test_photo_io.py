"""Reading a user's photos and planning outputs: clear errors, and never overwriting an input."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from productgan.photo_io import PhotoError, map_photos, plan_outputs, read_photo


def write(path, size=(20, 16), color=(200, 10, 10)):
    Image.new("RGB", size, color).save(path)
    return path


def test_read_photo_keeps_the_full_size(tmp_path):
    image = read_photo(write(tmp_path / "a.png", (40, 30)))
    assert image.shape == (30, 40, 3) and image.dtype == np.uint8


def test_unreadable_and_oversized_photos_name_the_file(tmp_path):
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"not a jpeg at all")
    with pytest.raises(PhotoError, match="broken.jpg: not an image"):
        read_photo(broken)
    with pytest.raises(PhotoError, match="big.png: decompression bomb"):
        read_photo(write(tmp_path / "big.png", (200, 200)), max_pixels=10_000)


def test_outputs_never_overwrite_an_input(tmp_path):
    photo = write(tmp_path / "shoe-classic.png")
    write(tmp_path / "shoe.png")
    with pytest.raises(PhotoError, match="would overwrite an input"):
        plan_outputs(tmp_path, tmp_path, suffix="classic")


def test_map_photos_skips_and_reports_bad_files(tmp_path):
    source = tmp_path / "in"
    source.mkdir()
    write(source / "good.png")
    (source / "bad.png").write_bytes(b"")
    report = map_photos(lambda image: 255 - image, source, tmp_path / "out", "inv", progress=False)
    assert [p.name for p in report.written] == ["good-inv.png"]
    assert report.skipped and "empty file" in report.skipped[0][1]
    assert read_photo(report.written[0])[0, 0].tolist() == [55, 245, 245]


def test_missing_source_and_empty_folder_are_clear(tmp_path):
    with pytest.raises(PhotoError, match="no such file"):
        plan_outputs(tmp_path / "nope", tmp_path, "x")
    with pytest.raises(PhotoError, match="no image files"):
        plan_outputs(tmp_path, tmp_path / "o", "x")


def test_refuse_overwrite_names_the_photo_an_output_would_replace(tmp_path):
    from productgan.errors import ProductGANError
    from productgan.photo_io import refuse_overwrite

    photo = tmp_path / "photo.png"
    photo.write_bytes(b"")
    refuse_overwrite(photo, tmp_path / "out", ["photo.png"])  # another folder: fine
    refuse_overwrite(photo, tmp_path, ["reconstruction.png"])  # another name: fine
    with pytest.raises(ProductGANError, match="would overwrite the input photo"):
        refuse_overwrite(photo, tmp_path / "sub" / "..", ["photo.png"])
