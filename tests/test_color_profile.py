"""Photos tagged with a non-sRGB ICC profile are read as sRGB (color_profile.to_srgb, applied by every
photo reader); sRGB-tagged and untagged photos are read bit for bit; a broken profile warns, naming
the file. The profile is built in the test (helpers/icc.py): Adobe RGB primaries, gamma 2.2."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image, ImageCms

from productgan.color_profile import ColorProfileWarning, profile_warnings, srgb_icc, to_srgb
from productgan.photo_io import photo_from_image, read_photo, read_photo_and_alpha

from helpers.icc import rgb_profile

ADOBE = rgb_profile()
GREEN, MID_GREEN = (0, 255, 0), (60, 170, 60)


def swatch() -> np.ndarray:
    """uint8 (8, 12, 3): a saturated green, a mid green, and grey, red, blue and white patches."""
    colors = [GREEN, MID_GREEN, (128, 128, 128), (220, 30, 30), (30, 40, 210), (255, 255, 255)]
    return np.repeat(np.repeat(np.array(colors, np.uint8).reshape(2, 3, 3), 4, axis=0), 4, axis=1)


def save(path, array: np.ndarray, icc: bytes | None, **options):
    Image.fromarray(array).save(path, **({"icc_profile": icc} if icc else {}), **options)
    return path


def managed(path) -> np.ndarray:
    """What ImageCms itself makes of the file: its pixels through its profile to sRGB."""
    with Image.open(path) as image:
        profile = ImageCms.ImageCmsProfile(io.BytesIO(image.info["icc_profile"]))
        return np.asarray(ImageCms.profileToProfile(image.convert("RGB"), profile, ImageCms.createProfile("sRGB"),
                                                    outputMode="RGB"))


@pytest.mark.parametrize("suffix, options", [(".png", {}), (".jpg", {"quality": 95}), (".webp", {"lossless": True})])
def test_an_adobe_rgb_photo_is_converted_as_colour_management_says(tmp_path, suffix, options):
    path = save(tmp_path / f"adobe{suffix}", swatch(), ADOBE, **options)
    read = read_photo(path)
    assert np.array_equal(read, managed(path))
    mid_green = read[2, 6].astype(int)  # Adobe RGB's greens are wider: in sRGB its red goes, its green holds
    assert mid_green[0] < MID_GREEN[0] - 30 and abs(mid_green[1] - MID_GREEN[1]) < 10
    with Image.open(path) as stored:
        assert np.abs(read.astype(int) - np.asarray(stored.convert("RGB"), int)).max() > 30


@pytest.mark.parametrize("icc", [None, srgb_icc()], ids=["untagged", "srgb-tagged"])
def test_untagged_and_srgb_tagged_photos_are_read_bit_for_bit(tmp_path, icc):
    path = save(tmp_path / "plain.png", swatch(), icc)
    with profile_warnings() as messages:
        assert np.array_equal(read_photo(path), swatch())
    assert messages == []


def test_a_transparent_adobe_rgb_photo_keeps_its_alpha(tmp_path):
    alpha = np.full(swatch().shape[:2], 255, np.uint8)
    alpha[:, :4] = 0
    path = tmp_path / "cut.png"
    Image.fromarray(np.dstack([swatch(), alpha]), "RGBA").save(path, icc_profile=ADOBE)
    rgb, read_alpha = read_photo_and_alpha(path)
    assert np.array_equal(read_alpha, alpha)
    opaque = save(tmp_path / "opaque.png", swatch(), ADOBE)
    assert np.array_equal(rgb[:, 4:], managed(opaque)[:, 4:])  # the opaque part: converted alike


def test_a_rotated_adobe_rgb_jpeg_is_turned_upright_and_converted(tmp_path):
    exif = Image.Exif()
    exif[0x0112] = 6  # stored sideways: a viewer turns it 90 degrees clockwise
    path = save(tmp_path / "phone.jpg", swatch(), ADOBE, quality=95, exif=exif)
    read = read_photo(path)
    assert read.shape == (12, 8, 3)
    assert np.array_equal(read, np.rot90(managed(path), k=-1))


def test_a_broken_profile_warns_naming_the_file_and_the_photo_is_read_as_stored(tmp_path):
    path = save(tmp_path / "broken-profile.png", swatch(), b"not an ICC profile at all" * 10)
    with pytest.warns(ColorProfileWarning, match="broken-profile.png: its colour profile cannot be applied"):
        read = read_photo(path)
    assert np.array_equal(read, swatch())


def test_an_upload_is_converted_like_a_file(tmp_path):
    path = save(tmp_path / "adobe.png", swatch(), ADOBE)
    with Image.open(io.BytesIO(path.read_bytes())) as upload:
        assert np.array_equal(photo_from_image(upload), managed(path))


def test_to_srgb_drops_the_profile_it_applied():
    image = Image.fromarray(swatch())
    image.info["icc_profile"] = ADOBE
    converted = to_srgb(image, "swatch")
    assert "icc_profile" not in converted.info and converted.mode == "RGB"


def test_profile_warnings_collects_the_messages_for_a_report(tmp_path):
    path = save(tmp_path / "bad.png", swatch(), b"\0" * 200)
    with profile_warnings() as messages:
        read_photo(path)
    assert len(messages) == 1 and "bad.png" in messages[0]
