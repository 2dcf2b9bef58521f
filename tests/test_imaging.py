"""imaging: tensor <-> uint8 conversions, PNG bytes and files, grids, frame strips and checks, luma."""

from __future__ import annotations

import io

import numpy as np
import pytest
import torch
from PIL import Image

from productgan.imaging import (
    REC601_LUMA, check_frame_count, check_image_batch, encode_png, frame_strip, grey_to_rgb, make_grid, rgb_luma,
    rgb_to_grey, tensor_to_uint8, uint8_tensor_to_float, uint8_to_pil, uint8_to_tensor, uint8_to_unit_tensor,
    write_png,
)


def every_level(channels: int = 3) -> np.ndarray:
    """uint8 (2, 16, 16, C) holding each of the 256 grey levels (twice over the batch)."""
    levels = np.arange(256, dtype=np.uint8).reshape(1, 16, 16, 1)
    return np.repeat(np.concatenate([levels, levels[:, ::-1]]), channels, axis=3)


def test_uint8_round_trip_is_exact_for_every_level_and_shape_is_nchw():
    images = every_level(3)
    tensor = uint8_to_tensor(images)
    assert tensor.shape == (2, 3, 16, 16) and tensor.dtype == torch.float32
    assert float(tensor.min()) == -1.0 and float(tensor.max()) == 1.0
    assert np.array_equal(tensor_to_uint8(tensor), images)


def test_uint8_to_tensor_takes_lists_read_only_arrays_and_tensors_alike():
    images = every_level(1)
    read_only = images.copy()
    read_only.flags.writeable = False
    expected = torch.from_numpy(images).permute(0, 3, 1, 2).float() / 127.5 - 1.0
    for given in (list(images), read_only, torch.from_numpy(images)):
        assert torch.equal(uint8_to_tensor(given), expected)
    with pytest.raises(ValueError, match=r"\(N, H, W, C\)"):
        uint8_to_tensor(images[0])
    with pytest.raises(ValueError, match="float32"):  # never cast silently: 0-255 floats would wrap
        uint8_to_tensor(images.astype(np.float32))


def test_tensor_to_uint8_clamps_and_rounds_to_the_nearest_level():
    values = torch.tensor([-3.0, -1.0, 0.0, 1.0 / 127.5 * 0.49, 1.0, 7.0]).reshape(1, 1, 1, 6)
    assert tensor_to_uint8(values)[0, 0, :, 0].tolist() == [0, 0, 128, 128, 255, 255]
    assert tensor_to_uint8(torch.zeros(2, 3, 4, 5)).shape == (2, 4, 5, 3)


def test_uint8_tensor_to_float_refuses_float_input_it_would_modify():
    pixels = torch.tensor([0, 255], dtype=torch.uint8)
    assert uint8_tensor_to_float(pixels).tolist() == [-1.0, 1.0]
    with pytest.raises(TypeError, match="uint8"):
        uint8_tensor_to_float(pixels.float())


def test_unit_tensor_is_pixels_over_255():
    tensor = uint8_to_unit_tensor(every_level(3))
    assert tensor.shape == (2, 3, 16, 16) and float(tensor.min()) == 0.0 and float(tensor.max()) == 1.0
    assert float(tensor[0, 0, 0, 1]) == pytest.approx(1 / 255)


def test_luma_is_rec601_and_grey_rounds_half_up():
    assert REC601_LUMA == (0.299, 0.587, 0.114)
    colors = np.array([[255, 0, 0], [0, 255, 0], [0, 0, 255], [255, 255, 255]], np.uint8)
    assert rgb_luma(colors) == pytest.approx([76.245, 149.685, 29.07, 255.0], abs=1e-3)
    assert rgb_to_grey(colors)[:, 0].tolist() == [76, 150, 29, 255]
    assert rgb_to_grey(np.zeros((3, 4, 3), np.uint8)).shape == (3, 4, 1)


def test_png_bytes_decode_to_the_same_pixels_grey_included():
    rng = np.random.default_rng(0)
    for image in (rng.integers(0, 256, (9, 7, 3), dtype=np.uint8), rng.integers(0, 256, (9, 7, 1), dtype=np.uint8)):
        data = encode_png(image)
        assert data.startswith(b"\x89PNG") and data == encode_png(image.copy())
        decoded = np.asarray(Image.open(io.BytesIO(data)))
        assert np.array_equal(decoded.reshape(image.shape), image)
    smaller = encode_png(image, optimize=True)
    assert np.array_equal(np.asarray(Image.open(io.BytesIO(smaller))).reshape(image.shape), image)


def test_write_png_is_atomic_and_scales_with_sharp_pixels(tmp_path):
    image = np.arange(2 * 3 * 3, dtype=np.uint8).reshape(2, 3, 3)
    path = write_png(image, tmp_path / "a" / "x.png", scale=3)
    assert path == tmp_path / "a" / "x.png" and [p.name for p in path.parent.iterdir()] == ["x.png"]
    written = np.asarray(Image.open(path))
    assert written.shape == (6, 9, 3) and np.array_equal(written[::3, ::3], image)
    assert np.array_equal(written[2, 5], image[0, 1])


def test_pillow_images_are_grey_or_rgb_and_grey_repeats_to_rgb():
    grey = np.arange(12, dtype=np.uint8).reshape(3, 4, 1)
    assert uint8_to_pil(grey).mode == "L" and uint8_to_pil(grey[:, :, 0]).mode == "L"
    assert np.array_equal(np.asarray(uint8_to_pil(grey)), grey[:, :, 0])
    rgb = grey_to_rgb(grey)
    assert rgb.shape == (3, 4, 3) and (rgb == grey).all() and grey_to_rgb(rgb) is rgb
    assert uint8_to_pil(rgb).mode == "RGB"


def test_grid_and_strip_tile_with_white_gaps_and_grey_becomes_rgb():
    frames = np.zeros((3, 4, 5, 1), np.uint8)
    strip = frame_strip(frames, pad=2)
    assert strip.shape == (2 + 4 + 2, 2 + 3 * (5 + 2), 3)
    assert strip[0].min() == 255 and strip[2:6, 2:7].max() == 0
    assert make_grid(np.zeros((5, 4, 4, 3), np.uint8), ncols=2).shape == (2 + 3 * 6, 2 + 2 * 6, 3)


def test_frame_count_check_names_the_range_in_the_callers_error():
    assert check_frame_count(5, 2, 64) == 5
    with pytest.raises(KeyError, match="frames must be between 2 and 64, got 65"):
        check_frame_count(65, 2, 64, KeyError)
    with pytest.raises(ValueError, match="got 1"):
        check_frame_count(1, 2, 64)


def test_image_batch_check_accepts_uint8_nhwc_and_names_what_it_got():
    batch = np.zeros((2, 4, 4, 3), np.uint8)
    assert check_image_batch(batch) is batch
    assert isinstance(check_image_batch(torch.from_numpy(batch)), np.ndarray)
    with pytest.raises(ValueError, match="frames: expected uint8 .* got float32"):
        check_image_batch(batch.astype(np.float32), "frames")
    with pytest.raises(ValueError, match="with C in 1 or 3"):
        check_image_batch(np.zeros((2, 4, 4, 4), np.uint8))
    with pytest.raises(RuntimeError, match="needs at least 3 images, got 2"):
        check_image_batch(batch, min_images=3, error=RuntimeError)
