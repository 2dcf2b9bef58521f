"""Pairwise MS-SSIM diversity: 1 for identical images, about 0 for independent noise, at every size."""

import numpy as np
import pytest

from productgan.metrics.diversity import STANDARD_BETAS, mean_pairwise_ms_ssim, ms_ssim_betas, pairwise_ms_ssim


def noise_images(n, size, channels, seed=0):
    return np.random.default_rng(seed).integers(0, 256, size=(n, size, size, channels), dtype=np.uint8)


def smooth_image(size, channels):
    """A soft diagonal gradient with a bright disc: structure at several scales."""
    y, x = np.mgrid[0:size, 0:size] / size
    image = 0.5 * (x + y) / 2 + 0.5 * (((x - 0.4) ** 2 + (y - 0.5) ** 2) < 0.08)
    return np.repeat((image * 255).astype(np.uint8)[:, :, None], channels, axis=2)


@pytest.mark.parametrize(("size", "scales"), [(256, 5), (176, 5), (128, 4), (64, 3), (32, 2), (28, 2), (16, 1)])
def test_number_of_scales_follows_the_image_size(size, scales):
    betas = ms_ssim_betas(size)
    assert len(betas) == scales
    assert sum(betas) == pytest.approx(1.0)
    assert betas[0] / betas[-1] == pytest.approx(STANDARD_BETAS[0] / STANDARD_BETAS[scales - 1])


def test_too_small_images_are_refused():
    with pytest.raises(ValueError, match="too small"):
        ms_ssim_betas(10)


@pytest.mark.parametrize("size", [28, 32, 64])
@pytest.mark.parametrize("channels", [1, 3])
def test_identical_images_score_one_and_noise_about_zero(size, channels):
    copies = np.repeat(smooth_image(size, channels)[None], 4, axis=0)
    assert mean_pairwise_ms_ssim(copies, pairs=8) == pytest.approx(1.0, abs=1e-4)
    assert mean_pairwise_ms_ssim(noise_images(16, size, channels), pairs=16) < 0.1


@pytest.mark.parametrize("size", [128, 256])
def test_large_images_work(size):
    copies = np.repeat(smooth_image(size, 1)[None], 2, axis=0)
    assert mean_pairwise_ms_ssim(copies, pairs=2) == pytest.approx(1.0, abs=1e-4)
    assert mean_pairwise_ms_ssim(noise_images(2, size, 1), pairs=2) < 0.2


def test_more_noise_means_lower_similarity():
    base = smooth_image(64, 3).astype(np.float64)
    rng = np.random.default_rng(1)

    def noisy(amount):
        return np.clip(base + rng.normal(0, amount, size=(6, *base.shape)), 0, 255).astype(np.uint8)

    scores = [mean_pairwise_ms_ssim(noisy(amount), pairs=10) for amount in (2, 20, 80)]
    assert 1.0 > scores[0] > scores[1] > scores[2]


def test_pairs_are_distinct_images_and_seeded():
    # two different noise images: a pair of an image with itself would score 1 and lift the mean
    images = noise_images(2, 32, 1)
    assert mean_pairwise_ms_ssim(images, pairs=20, seed=3) < 0.1
    assert mean_pairwise_ms_ssim(noise_images(8, 32, 3), seed=5, pairs=10) == mean_pairwise_ms_ssim(
        noise_images(8, 32, 3), seed=5, pairs=10
    )


def test_pairwise_scores_and_shape_checks():
    a = np.repeat(smooth_image(32, 3)[None], 3, axis=0)
    b = a.copy()
    b[1] = noise_images(1, 32, 3)[0]
    scores = pairwise_ms_ssim(a, b, batch_size=2)
    assert scores.shape == (3,)
    assert scores[[0, 2]] == pytest.approx(1.0, abs=1e-4) and scores[1] < 0.2
    with pytest.raises(ValueError):
        pairwise_ms_ssim(a, b[:, :, :, :1])
    with pytest.raises(ValueError):
        mean_pairwise_ms_ssim(a[:1])
    with pytest.raises(ValueError):
        mean_pairwise_ms_ssim(a.astype(np.float32))
