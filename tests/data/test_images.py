"""Decoding one file: every mode becomes 8-bit RGB/L, padding uses the photo's background, bad files are refused."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from helpers.data import GREY, RED, bomb_png_bytes, jpeg_bytes, product_on_background, solid, write_image
from productgan.data.images import (
    ImageSkipped,
    apply_exif_orientation,
    estimate_background,
    load_image,
    load_image_with_size,
    pad_to_square,
    read_image_files,
    resize_square,
    to_8bit_rgb_or_grey,
)


def skip_reason(path, **kwargs) -> str:
    with pytest.raises(ImageSkipped) as caught:
        load_image(path, kwargs.pop("resolution", 16), kwargs.pop("channels", 3), **kwargs)
    return caught.value.reason


# --- preprocessing ---------------------------------------------------------------------------


def test_padding_uses_the_photos_background_not_black(tmp_path):
    path = write_image(tmp_path / "wide.png", product_on_background(height=20, width=40))
    image = load_image(path, resolution=40, channels=3)
    assert image.shape == (40, 40, 3) and image.dtype == np.uint8
    assert (image[:10] == GREY).all() and (image[30:] == GREY).all()  # the added bands
    assert (image[20, 20] == RED).all()  # the product stays centred


def test_background_estimate_ignores_a_product_touching_the_border():
    array = solid(30, 60, GREY)
    array[:, 25:35] = RED  # a strap running off the top and bottom edges
    assert tuple(estimate_background(array)) == GREY
    padded = pad_to_square(array)
    assert padded.shape == (60, 60, 3)
    assert (padded[:15] == GREY).all()


def test_pad_to_square_centres_tall_images_with_an_explicit_fill():
    padded = pad_to_square(solid(10, 4, RED), background=np.array([1, 2, 3], dtype=np.uint8))
    assert padded.shape == (10, 10, 3)
    assert (padded[:, :3] == [1, 2, 3]).all() and (padded[:, 3:7] == RED).all() and (padded[:, 7:] == [1, 2, 3]).all()


def test_downscaling_is_antialiased():
    """A one-pixel checkerboard must average to grey; nearest-neighbour would give pure black or white."""
    checkerboard = ((np.indices((64, 64)).sum(axis=0) % 2) * 255).astype(np.uint8)
    small = resize_square(np.repeat(checkerboard[..., None], 3, axis=2), 8)
    assert small.shape == (8, 8, 3)
    assert np.abs(small.astype(int) - 128).max() <= 10


def test_grayscale_request_gives_one_channel_and_color_request_repeats_gray(tmp_path):
    rgb = write_image(tmp_path / "rgb.png", solid(16, 16, RED))
    gray = write_image(tmp_path / "gray.png", np.full((16, 16), 77, dtype=np.uint8))
    assert load_image(rgb, 16, channels=1).shape == (16, 16, 1)
    colored = load_image(gray, 16, channels=3)
    assert colored.shape == (16, 16, 3) and (colored == 77).all()


# --- modes -------------------------------------------------------------------------------------


def test_cmyk_jpeg_becomes_rgb(tmp_path):
    path = tmp_path / "cmyk.jpg"
    Image.new("CMYK", (16, 16), (0, 255, 255, 0)).save(path, quality=95)  # pure red in CMYK
    image = load_image(path, 16, 3)
    assert image.shape == (16, 16, 3)
    assert image[8, 8, 0] > 200 and image[8, 8, 1] < 50 and image[8, 8, 2] < 50


def test_palette_png_with_transparency_composites_onto_white(tmp_path):
    path = tmp_path / "palette.png"
    indices = np.zeros((16, 16), dtype=np.uint8)
    indices[:, 8:] = 1
    image = Image.fromarray(indices, mode="P")
    image.putpalette([0, 0, 0, 0, 0, 255] + [0] * 762)
    image.save(path, transparency=0)  # index 0 (black) is fully transparent
    loaded = load_image(path, 16, 3)
    assert (loaded[:, :7] == 255).all()  # transparent black -> white, not black
    assert (loaded[:, 9:] == [0, 0, 255]).all()


def test_rgba_transparent_area_becomes_white_and_alpha_blends(tmp_path):
    rgba = np.zeros((16, 16, 4), dtype=np.uint8)
    rgba[:, :8] = (*RED, 255)  # opaque red
    rgba[:, 8:] = (0, 0, 0, 0)  # fully transparent black
    rgba[0, 0] = (0, 0, 0, 128)  # half-transparent black over white -> mid grey
    path = tmp_path / "rgba.png"
    Image.fromarray(rgba, mode="RGBA").save(path)
    loaded = load_image(path, 16, 3)
    assert (loaded[1:, :8] == RED).all()
    assert (loaded[:, 8:] == 255).all()
    assert abs(int(loaded[0, 0, 0]) - 127) <= 2


def test_gray_with_alpha_becomes_white_where_transparent(tmp_path):
    path = tmp_path / "la.png"
    la = np.zeros((16, 16, 2), dtype=np.uint8)
    la[:, :, 0] = 30
    la[:, :8, 1] = 255
    Image.fromarray(la, mode="LA").save(path)
    loaded = load_image(path, 16, 1)
    assert (loaded[:, :8] == 30).all() and (loaded[:, 8:] == 255).all()


@pytest.mark.parametrize("value, expected", [(65535, 255), (32768, 128), (0, 0), (257, 1)])
def test_16bit_gray_is_scaled_not_clipped(tmp_path, value, expected):
    path = tmp_path / "deep.png"
    Image.fromarray(np.full((16, 16), value, dtype=np.uint16)).save(path)
    with Image.open(path) as written:
        assert written.mode.startswith("I")  # really a 16-bit file
    loaded = load_image(path, 16, 1)
    assert (loaded == expected).all()


def test_32bit_integer_tiff_with_16bit_values_is_scaled(tmp_path):
    path = tmp_path / "deep.tif"
    Image.fromarray(np.full((16, 16), 65535, dtype=np.int32), mode="I").save(path)
    assert (load_image(path, 16, 3) == 255).all()


@pytest.mark.parametrize("value, expected", [(0.5, 128), (1.0, 255), (200.0, 200)])
def test_float_tiff_is_scaled_by_its_likely_range(tmp_path, value, expected):
    path = tmp_path / "float.tif"
    Image.fromarray(np.full((16, 16), value, dtype=np.float32), mode="F").save(path)
    assert (load_image(path, 16, 1) == expected).all()


def test_one_bit_image_becomes_black_and_white(tmp_path):
    path = tmp_path / "bits.png"
    bits = np.zeros((16, 16), dtype=bool)
    bits[:, 8:] = True
    Image.fromarray(bits).convert("1").save(path)
    loaded = load_image(path, 16, 1)
    assert (loaded[:, :8] == 0).all() and (loaded[:, 8:] == 255).all()


def test_exif_orientation_is_applied_and_displayed_size_recorded(tmp_path):
    """Stored 20 wide x 40 tall, red on top; orientation 6 means 'rotate 90 clockwise to display'."""
    stored = solid(40, 20, (0, 0, 255))
    stored[:20] = RED
    exif = Image.Exif()
    exif[0x0112] = 6
    path = tmp_path / "rotated.jpg"
    Image.fromarray(stored).save(path, exif=exif, quality=95)
    image, size = load_image_with_size(path, resolution=40, channels=3)
    assert size == (40, 20)  # as displayed: landscape
    middle_row = image[20].astype(int)
    assert middle_row[35, 0] > 180 and middle_row[35, 2] < 80  # red went to the right
    assert middle_row[5, 2] > 180 and middle_row[5, 0] < 80  # blue to the left


def test_an_already_opened_image_is_turned_upright_and_flattened_onto_white(tmp_path):
    """What an HTTP upload gets (photo_io.photo_from_image): the same two steps as a file, in public."""
    stored = np.zeros((40, 20, 4), np.uint8)
    stored[:20] = (*RED, 255)  # red on top, the rest fully transparent
    exif = Image.Exif()
    exif[0x0112] = 6
    path = tmp_path / "rotated.png"
    Image.fromarray(stored, mode="RGBA").save(path, exif=exif)
    with Image.open(path) as opened:
        upright = to_8bit_rgb_or_grey(apply_exif_orientation(opened))
    pixels = np.asarray(upright)
    assert upright.mode == "RGB" and pixels.shape == (20, 40, 3)
    assert (pixels[:, 30] == RED).all() and (pixels[:, 5] == 255).all()  # red turned to the right, the rest white


# --- bad files ---------------------------------------------------------------------------------


def test_zero_byte_file_is_refused(tmp_path):
    path = tmp_path / "empty.jpg"
    path.write_bytes(b"")
    assert skip_reason(path) == "empty file (0 bytes)"


def test_text_file_with_image_extension_is_refused(tmp_path):
    path = tmp_path / "notes.png"
    path.write_text("these are not pixels\n")
    assert "not an image" in skip_reason(path) and "text" in skip_reason(path)


def test_random_bytes_are_refused(tmp_path):
    path = tmp_path / "noise.jpg"
    path.write_bytes(np.random.default_rng(0).integers(0, 256, 4096, dtype=np.uint8).tobytes())
    assert "not an image" in skip_reason(path)


def test_png_with_corrupt_data_is_refused(tmp_path):
    good = write_image(tmp_path / "good.png", product_on_background()).read_bytes()
    path = tmp_path / "corrupt.png"
    path.write_bytes(good[:60] + b"\xff" * (len(good) - 60))  # valid header, garbage after it
    reason = skip_reason(path)
    assert "corrupt" in reason or "truncated" in reason


def test_truncated_jpeg_is_refused_not_half_grey(tmp_path):
    noise = np.random.default_rng(1).integers(0, 256, (64, 64, 3), dtype=np.uint8)
    data = jpeg_bytes(noise)
    path = tmp_path / "cut.jpg"
    path.write_bytes(data[: len(data) // 2])
    assert skip_reason(path).startswith("truncated image")


def test_truncated_png_is_refused(tmp_path):
    noise = np.random.default_rng(2).integers(0, 256, (64, 64, 3), dtype=np.uint8)
    data = write_image(tmp_path / "whole.png", noise).read_bytes()
    path = tmp_path / "cut.png"
    path.write_bytes(data[: len(data) * 2 // 3])
    assert "truncated" in skip_reason(path)


def test_decompression_bomb_is_refused_from_its_header(tmp_path):
    path = tmp_path / "bomb.png"
    path.write_bytes(bomb_png_bytes(10_000, 10_000))  # 100 MP claimed, a few hundred bytes on disk
    assert path.stat().st_size < 1000
    assert skip_reason(path) == "decompression bomb: 10000 x 10000 pixels exceeds limit of 64000000 pixels"


def test_huge_bomb_that_pillow_itself_refuses_is_reported_as_bomb(tmp_path):
    path = tmp_path / "huge.png"
    path.write_bytes(bomb_png_bytes(40_000, 40_000))
    assert skip_reason(path).startswith("decompression bomb")


def test_pixel_limit_is_a_parameter(tmp_path):
    path = write_image(tmp_path / "photo.png", solid(100, 100))
    assert skip_reason(path, max_pixels=5_000).startswith("decompression bomb: 100 x 100")
    assert load_image(path, 16, 3, max_pixels=10_000).shape == (16, 16, 3)


def test_read_image_files_keeps_good_files_and_reports_bad_ones(tmp_path):
    good = write_image(tmp_path / "a.png", solid(30, 10))
    empty = tmp_path / "b.png"
    empty.write_bytes(b"")
    also_good = write_image(tmp_path / "c.jpg", solid(8, 8))
    decoded = read_image_files([good, empty, also_good], resolution=12, channels=3)
    assert decoded.kept == [0, 2]
    assert decoded.original_sizes == [(10, 30), (8, 8)]
    assert decoded.stacked(12, 3).shape == (2, 12, 12, 3)
    assert [(s.path, s.reason) for s in decoded.skipped] == [(str(empty), "empty file (0 bytes)")]
