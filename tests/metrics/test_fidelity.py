"""metrics/fidelity: PSNR (plain, capped, masked, on tensors), SSIM, luminance SSIM and CIEDE2000."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from productgan.metrics.fidelity import (
    ciede2000, image_psnr, luminance_ssim, masked_psnr, mean_color_delta_e, mean_image_psnr, psnr_from_mse,
    rgb_delta_e, ssim, tensor_psnr,
)

# Sharma, Wu and Dalal (2005), "The CIEDE2000 color-difference formula", Table 1: pairs 1, 7, 17-21, 25, 34.
SHARMA_PAIRS = [
    ((50.0000, 2.6772, -79.7751), (50.0000, 0.0000, -82.7485), 2.0425),
    ((50.0000, 0.0000, 0.0000), (50.0000, -1.0000, 2.0000), 2.3669),
    ((50.0000, 2.5000, 0.0000), (73.0000, 25.0000, -18.0000), 27.1492),
    ((50.0000, 2.5000, 0.0000), (61.0000, -5.0000, 29.0000), 22.8977),
    ((50.0000, 2.5000, 0.0000), (56.0000, -27.0000, -3.0000), 31.9030),
    ((50.0000, 2.5000, 0.0000), (58.0000, 24.0000, 15.0000), 19.4535),
    ((50.0000, 2.5000, 0.0000), (50.0000, 3.1736, 0.5854), 1.0000),
    ((60.2574, -34.0099, 36.2677), (60.4626, -34.1751, 39.4387), 1.2644),
    ((2.0776, 0.0795, -1.1350), (0.9033, -0.0636, -0.5514), 0.9082),
]


def grey_photo(seed: int = 0, shape=(32, 32, 3)) -> np.ndarray:
    return np.random.default_rng(seed).integers(40, 216, shape, dtype=np.uint8)


def test_psnr_of_a_known_error_is_the_formula():
    target = grey_photo()
    off_by_ten = target + np.uint8(10)  # every value 10 levels off: MSE 100
    assert image_psnr(off_by_ten, target) == pytest.approx(10 * math.log10(255 ** 2 / 100))
    assert image_psnr(target, target) == math.inf and image_psnr(target, target, cap=60.0) == 60.0
    assert image_psnr(target + np.uint8(1), target, cap=40.0) == 40.0  # 48.13 dB, capped
    assert psnr_from_mse(255.0 ** 2) == pytest.approx(0.0)


def test_psnr_of_seeded_gaussian_noise_is_what_its_sigma_says():
    target = np.full((64, 64, 3), 128, np.uint8)
    noise = np.random.default_rng(1).normal(0.0, 5.0, target.shape)
    noisy = np.clip(np.rint(target + noise), 0, 255).astype(np.uint8)
    expected = 10 * math.log10(255 ** 2 / float(((noisy.astype(float) - target) ** 2).mean()))
    assert image_psnr(noisy, target) == pytest.approx(expected)
    assert image_psnr(noisy, target) == pytest.approx(20 * math.log10(255 / 5), abs=0.15)  # ~34.15 dB


def test_mean_psnr_averages_images_and_the_cap_keeps_a_clean_one_finite():
    target = grey_photo()
    outputs = [target, target + np.uint8(10)]
    assert mean_image_psnr(outputs, [target, target]) == math.inf
    assert mean_image_psnr(outputs, [target, target], cap=60.0) == pytest.approx((60.0 + 28.1308) / 2, abs=1e-3)
    with pytest.raises(ValueError):
        mean_image_psnr(outputs, [target])


def test_masked_psnr_reads_only_the_marked_pixels_pooled_over_photos():
    target = grey_photo()
    damaged = target.copy()
    mark = np.zeros(target.shape[:2], bool)
    mark[4:8, 4:8] = True
    damaged[mark] = target[mark] + np.uint8(20)  # MSE 400 on the marked pixels, 0 elsewhere
    assert masked_psnr([damaged, target], [target, target], [mark, mark]) == pytest.approx(
        10 * math.log10(255 ** 2 / 200))
    assert masked_psnr([target], [target], [mark]) == pytest.approx(10 * math.log10(255 ** 2 / 1e-10))


def test_tensor_psnr_uses_peak_to_peak_two_and_clamps_outputs():
    targets = torch.zeros(2, 3, 8, 8)
    outputs = torch.full_like(targets, 0.1)
    outputs[1] = 5.0  # clamped to 1: MSE 1
    expected = [10 * math.log10(4 / 0.01), 10 * math.log10(4)]
    assert tensor_psnr(outputs, targets).tolist() == pytest.approx(expected, abs=1e-4)


def test_ssim_is_one_for_identical_images_and_lower_for_noise():
    image = grey_photo(shape=(2, 32, 32, 3))
    assert ssim(image, image) == pytest.approx([1.0, 1.0], abs=1e-6)
    assert ssim(image[0], image[0]).shape == (1,)
    assert ssim(image, grey_photo(seed=3, shape=(2, 32, 32, 3))).max() < 0.2
    with pytest.raises(ValueError, match="differ in shape"):
        ssim(image, image[:1])


def test_luminance_ssim_sees_shape_not_hue():
    image = np.full((1, 16, 16, 3), 128, np.uint8)
    image[:, 4:12, 4:12] = (200, 50, 50)
    same_luminance = image.copy()
    same_luminance[:, 4:12, 4:12] = (50, 112, 113)  # another hue, luminance within 1 of the red
    moved = np.roll(image, 4, axis=2)
    assert luminance_ssim(image, same_luminance)[0] > 0.99
    assert luminance_ssim(image, moved)[0] < 0.6


@pytest.mark.parametrize("lab_a, lab_b, expected", SHARMA_PAIRS)
def test_ciede2000_matches_sharmas_published_pairs(lab_a, lab_b, expected):
    assert float(ciede2000(lab_a, lab_b)) == pytest.approx(expected, abs=1e-4)
    assert float(ciede2000(lab_b, lab_a)) == pytest.approx(expected, abs=1e-4)


def test_rgb_delta_e_is_zero_for_one_color_and_large_for_red_against_blue():
    assert rgb_delta_e((200, 30, 30), (200, 30, 30)) == 0.0
    assert rgb_delta_e((255, 0, 0), (0, 0, 255)) > 50
    image = np.zeros((4, 4, 3), np.uint8)
    region = np.zeros((4, 4), bool)
    region[:2] = True
    image[region] = (255, 0, 0)
    image[~region] = (0, 0, 255)  # outside the region: not counted
    assert mean_color_delta_e(image, region, (255, 0, 0)) == 0.0
