"""The classical enhancement chain: each step does what its name says, and chains parse strictly."""

from __future__ import annotations


import cv2
import numpy as np
import pytest

from productgan.enhance.classic import DEFAULT_CHAIN, ChainError, ClassicChain, clahe, contrast_stretch, denoise, \
    equalize, unsharp, white_balance

from helpers.photo import studio_photo


def dull(photo: np.ndarray) -> np.ndarray:
    """Low contrast: squeeze into 90..170."""
    return np.rint(90 + photo.astype(np.float32) * (80 / 255)).astype(np.uint8)


def lightness(image: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(image, cv2.COLOR_RGB2LAB)[..., 0].astype(np.float32)


def test_contrast_stretch_uses_the_full_range():
    photo, _ = studio_photo()
    low = dull(photo)
    stretched = contrast_stretch(low)
    assert np.ptp(lightness(stretched)) > 1.8 * np.ptp(lightness(low))


@pytest.mark.parametrize("operation", [equalize, clahe])
def test_equalisation_raises_contrast_without_shifting_hue(operation):
    photo, truth = studio_photo()
    low = dull(photo)
    out = operation(low)
    assert lightness(out).std() > 1.3 * lightness(low).std()
    hue = lambda image: cv2.cvtColor(image, cv2.COLOR_RGB2HSV)[..., 0][truth].astype(float)  # noqa: E731
    assert abs(np.median(hue(out)) - np.median(hue(low))) <= 3


def test_white_balance_neutralises_a_color_cast():
    photo, _ = studio_photo()
    cast = np.clip(photo.astype(np.float32) * np.float32([1.0, 0.92, 0.8]), 0, 255).astype(np.uint8)
    balanced = white_balance(cast)
    backdrop = balanced[0, 0].astype(int)
    assert np.ptp(backdrop) <= 3 < np.ptp(cast[0, 0].astype(int))


def test_denoise_brings_a_noisy_photo_closer_to_the_clean_one():
    photo, _ = studio_photo()
    noisy = np.clip(photo + np.random.default_rng(0).normal(0, 12, photo.shape), 0, 255).astype(np.uint8)
    error = lambda image: np.abs(image.astype(float) - photo).mean()  # noqa: E731
    assert error(denoise(noisy, strength=10)) < 0.6 * error(noisy)


def test_unsharp_adds_edge_energy():
    photo, _ = studio_photo()
    soft = cv2.GaussianBlur(photo, (0, 0), 1.5)
    energy = lambda image: np.abs(cv2.Laplacian(lightness(image), cv2.CV_32F)).mean()  # noqa: E731
    assert energy(unsharp(soft, amount=1.0)) > 1.3 * energy(soft)


def test_default_chain_keeps_shape_and_type():
    photo, _ = studio_photo()
    out = ClassicChain.parse(DEFAULT_CHAIN)(photo)
    assert out.shape == photo.shape and out.dtype == np.uint8


def test_chain_parses_parameters_and_describes_itself():
    chain = ClassicChain.parse("clahe:clip=3;tiles=4, unsharp")
    assert [s.name for s in chain.steps] == ["clahe", "unsharp"]
    assert chain.steps[0].params == {"clip": 3.0, "tiles": 4}
    assert chain.describe() == "clahe:clip=3;tiles=4,unsharp"


@pytest.mark.parametrize("text, message", [
    ("sharpen", "unknown enhancement step 'sharpen'"),
    ("clahe:clip=high", "not key=number"),
    ("clahe:radius=2", "unknown parameter"),
    ("", "empty chain"),
])
def test_chain_errors_are_clear(text, message):
    with pytest.raises(ChainError, match=message):
        ClassicChain.parse(text)
