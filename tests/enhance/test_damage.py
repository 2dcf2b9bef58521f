"""The whole-photo damage measures a restorer is told: clean photos read ~0, noise raises the noise
measures and JPEG the blockiness, and the measures reach the network as planes that change its output."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
import torch

from productgan.enhance.config import EnhanceModelConfig
from productgan.enhance.damage import DAMAGE_MEASURES, blockiness, damage_measures
from productgan.enhance.degrade import add_gaussian_noise, jpeg_compress
from productgan.enhance.networks import UNetGenerator, image_statistics
from productgan.imaging import uint8_to_tensor


@pytest.fixture(scope="module")
def photo() -> np.ndarray:
    """256 px of smooth colour shading (blurred random fields): no clipped pixels, no 8-px structure."""
    field = cv2.GaussianBlur(np.random.default_rng(3).normal(0, 1, (256, 256, 3)).astype(np.float32), (0, 0), 5)
    return np.clip(128 + field / field.std() * 40, 0, 255).astype(np.uint8)


def test_a_clean_photo_reads_near_zero(photo):
    measures = damage_measures(photo)
    assert measures.shape == (DAMAGE_MEASURES,) and measures.dtype == np.float32
    assert np.all(np.abs(measures) < 0.1), measures


def test_noise_raises_the_noise_measures_with_its_strength(photo):
    weak = damage_measures(add_gaussian_noise(photo, np.random.default_rng(0), (4.0, 4.0), gray_probability=0.0))
    strong = damage_measures(add_gaussian_noise(photo, np.random.default_rng(0), (15.0, 15.0), gray_probability=0.0))
    assert 0.25 < weak[0] < strong[0] and 0.25 < weak[1] < strong[1], (weak, strong)
    assert strong[1] == pytest.approx(1.5, rel=0.25)  # sigma 15 per channel reads ~15 grey levels, in units of 10
    assert strong[0] == pytest.approx(1.0, rel=0.25)  # and in luma, a weighted mean of channels, ~0.67 of it
    gray = damage_measures(add_gaussian_noise(photo, np.random.default_rng(0), (15.0, 15.0), gray_probability=1.0))
    assert gray[0] > 1.0 and gray[1] < 0.2  # luminance-only noise: the luma measure sees it, the colour one not


def test_jpeg_raises_blockiness_and_a_shifted_grid_does_not(photo):
    low, high = (damage_measures(jpeg_compress(photo, np.random.default_rng(0), (q, q)))[2] for q in (15, 40))
    assert low > high > 0.3 > abs(damage_measures(photo)[2]), (low, high)
    luma = jpeg_compress(photo, np.random.default_rng(0), (15, 15)).astype(np.float32).mean(axis=2)
    assert abs(blockiness(luma[4:, 4:])) < 0.1  # blocks read on the photo's own 8-px grid


def test_tiny_or_blank_photos_read_zero_noise():
    assert np.all(damage_measures(np.full((12, 12, 3), 255, np.uint8)) == 0)


def test_restorer_with_damage_planes_reads_them_and_starts_as_identity(photo):
    config = EnhanceModelConfig(task="restore", width=8, depth=2)
    assert config.damage_planes == 1 and EnhanceModelConfig(task="sr4").damage_planes == 0
    torch.manual_seed(0)
    net = UNetGenerator(config)
    images = uint8_to_tensor(photo[None, :64, :64])
    statistics = torch.cat([image_statistics(images), torch.zeros(1, DAMAGE_MEASURES)], 1)
    assert torch.equal(net(images, statistics), images)  # zero-initialised last layer: the identity
    torch.nn.init.normal_(net.last.weight, std=0.1)
    noisy = statistics.clone()
    noisy[:, 2:] = 1.5
    assert not torch.allclose(net(images, statistics), net(images, noisy))
    assert net(images).shape == images.shape  # without statistics: measured on the input itself
    with pytest.raises(ValueError, match="reads 5 whole-photo statistics, got 2"):
        net(images, statistics[:, :2])


def test_super_resolution_refuses_damage_planes():
    from productgan.errors import ConfigError

    with pytest.raises(ConfigError, match="damage planes are for restoration"):
        EnhanceModelConfig(task="sr2", damage_planes=1)


def test_the_residual_gate_keeps_a_gradient_open_or_nearly_shut(photo):
    """A gate clamped to [0, 1] stuck open at its first step: this one can still learn to shut."""
    torch.manual_seed(0)
    net = UNetGenerator(EnhanceModelConfig(task="restore", width=8, depth=2))
    torch.nn.init.normal_(net.last.weight, std=0.1)
    images = uint8_to_tensor(photo[None, :32, :32])
    statistics = torch.cat([image_statistics(images), torch.ones(1, DAMAGE_MEASURES)], 1)
    for bias in (0.0, 3.0, -3.0):
        net.zero_grad()
        torch.nn.init.constant_(net.gate[-1].bias, bias)
        (net(images, statistics) - images).pow(2).mean().backward()  # the identity is the target: shut the gate
        assert float(net.gate[-1].bias.grad) > 0, bias
