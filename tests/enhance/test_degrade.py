"""Degradations: shapes, dtypes, reproducibility from a seed, and that each does what it says."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from productgan.enhance import degrade
from productgan.enhance.degrade import RestoreDegradation, SRDegradation, degrade_for_restore, degrade_for_sr


def photo(seed: int = 0, height: int = 64, width: int = 80) -> np.ndarray:
    rng = np.random.default_rng(seed)
    image = np.full((height, width, 3), 230, np.uint8)
    cv2.rectangle(image, (10, 12), (50, 40), (200, 30, 40), -1)
    return (image.astype(int) + rng.integers(-5, 6, image.shape)).clip(0, 255).astype(np.uint8)


def rng(seed: int = 0) -> np.random.Generator:
    return np.random.default_rng(seed)


@pytest.mark.parametrize("scale", [2, 4])
def test_sr_degradation_shape_dtype_and_seed(scale):
    image = photo()
    low = degrade_for_sr(image, scale, rng(3))
    assert low.shape == (64 // scale, 80 // scale, 3) and low.dtype == np.uint8
    assert np.array_equal(low, degrade_for_sr(image, scale, rng(3)))
    assert not np.array_equal(low, degrade_for_sr(image, scale, rng(4)))


def test_plain_sr_inputs_are_an_antialiased_bicubic_downscale():
    image = photo()
    plain = degrade_for_sr(image, 4, rng(3), SRDegradation(plain_probability=1.0))
    assert np.array_equal(plain, degrade.bicubic_downscale(image, 4)) and plain.shape == (16, 20, 3)
    # antialiased: a one-pixel checkerboard averages to grey instead of aliasing to one of its colours
    checker = np.indices((64, 64)).sum(axis=0) % 2 * 255
    grey = degrade.bicubic_downscale(np.repeat(checker[..., None], 3, axis=2).astype(np.uint8), 4)
    assert np.abs(grey.astype(int) - 128).max() <= 8


def test_plain_probability_mixes_plain_and_realistic_inputs():
    image = photo()
    assert not np.array_equal(degrade_for_sr(image, 4, rng(5), SRDegradation(plain_probability=0.0)),
                              degrade.bicubic_downscale(image, 4))
    mixed = [degrade_for_sr(image, 4, rng(seed), SRDegradation(plain_probability=0.5)) for seed in range(40)]
    plain = sum(np.array_equal(out, degrade.bicubic_downscale(image, 4)) for out in mixed)
    assert 8 <= plain <= 32


def test_clean_probability_leaves_the_photo_and_its_masks_untouched():
    image = photo(2, 64, 64)
    always = RestoreDegradation(clean_probability=1.0, jpeg_probability=1, noise_probability=1, hole_probability=1)
    clean = degrade_for_restore(image, rng(0), always)
    assert np.array_equal(clean.image, image) and not clean.hole_mask.any() and not clean.repair_mask.any()
    assert not np.array_equal(degrade_for_restore(image, rng(0), RestoreDegradation(clean_probability=0.0,
                                                                                   jpeg_probability=1)).image, image)


def test_restore_degradation_reproducible_with_mask():
    image = photo(1, 96, 96)
    always = RestoreDegradation(jpeg_probability=1, noise_probability=1, low_light_probability=1,
                                blemish_probability=1, hole_probability=1)
    first, second = degrade_for_restore(image, rng(5), always), degrade_for_restore(image, rng(5), always)
    assert first.image.shape == image.shape and first.image.dtype == np.uint8
    assert np.array_equal(first.image, second.image) and np.array_equal(first.hole_mask, second.hole_mask)
    assert first.hole_mask.shape == (96, 96) and first.hole_mask.dtype == np.uint8
    assert set(np.unique(first.hole_mask)) == {0, 255}
    assert first.image.mean() < image.mean() - 20  # low light darkened it


def test_nothing_applied_leaves_the_photo_and_an_empty_mask():
    never = RestoreDegradation(jpeg_probability=0, noise_probability=0, low_light_probability=0,
                               blemish_probability=0, hole_probability=0)
    damaged = degrade_for_restore(photo(), rng(), never)
    assert np.array_equal(damaged.image, photo()) and not damaged.hole_mask.any()


def test_holes_mask_marks_changed_pixels_and_cv2_inpaint_accepts_it():
    image = np.full((64, 64, 3), 128, np.uint8)
    holed, mask = degrade.cut_holes(image, rng(2), count=(2, 2), size=(0.2, 0.2))
    changed = (holed != image).any(axis=2)
    assert changed[mask == 0].sum() == 0
    assert mask.sum() > 0
    repaired = cv2.inpaint(holed, mask, 3, cv2.INPAINT_TELEA)
    assert np.abs(repaired.astype(int) - 128).mean() < np.abs(holed.astype(int) - 128).mean()


def test_blur_smooths_and_anisotropic_kernel_is_normalised_and_oriented():
    edges = np.zeros((32, 32, 3), np.uint8)
    edges[:, ::2] = 255
    blurred = degrade.random_blur(edges, rng(), sigma=(1.5, 1.5))
    assert blurred.std() < edges.std() / 2
    kernel = degrade.gaussian_kernel(3.0, 0.5, 0.0)
    assert kernel.sum() == pytest.approx(1.0, abs=1e-5)
    centre = kernel.shape[0] // 2
    assert kernel[centre, :].sum() > kernel[:, centre].sum()  # wide along x at angle 0


def test_noise_strength_and_poisson_depends_on_brightness():
    grey = np.full((64, 64, 3), 128, np.uint8)
    noisy = degrade.add_gaussian_noise(grey, rng(), sigma=(10, 10), gray_probability=0)
    assert 8 < noisy.astype(float).std() < 12
    dark_bright = np.concatenate([np.full((64, 64, 3), 20, np.uint8), np.full((64, 64, 3), 220, np.uint8)])
    shot = degrade.add_poisson_noise(dark_bright, rng(), scale=(1.0, 1.0)).astype(float)
    assert shot[64:].std() > shot[:64].std()


def test_jpeg_quality_controls_error_and_keeps_color_order():
    image = photo(2)
    low = degrade.jpeg_compress(image, rng(), quality=(10, 10)).astype(int)
    high = degrade.jpeg_compress(image, rng(), quality=(95, 95)).astype(int)
    assert np.abs(high - image).mean() < np.abs(low - image).mean()
    red_patch = high[20:30, 20:40].mean(axis=(0, 1))
    assert red_patch[0] > 150 and red_patch[2] < 90  # RGB stays RGB through cv2's BGR codec


def test_low_light_darkens_and_blemishes_touch_few_pixels():
    image = photo()
    assert degrade.low_light(image, rng()).mean() < image.mean() * 0.85
    marked = degrade.add_blemishes(image, rng(1), count=(3, 3))
    changed = (marked != image).any(axis=2).mean()
    assert 0 < changed < 0.2


def test_random_resize_size_and_settings_defaults():
    assert degrade.random_resize(photo(), rng(), (20, 16)).shape == (16, 20, 3)
    assert SRDegradation().jpeg_quality[0] < SRDegradation().jpeg_quality[1]
