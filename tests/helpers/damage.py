"""Clean studio photos (the built-in catalog rendered at 256 px) and the one-kind damages the
photo measures must each catch alone: darker, colour cast, noise, blur, washed out."""

from __future__ import annotations

import cv2
import numpy as np

from productgan.data.builtin import make_builtin_catalog


def clean_photos(count: int = 6, size: int = 256) -> np.ndarray:
    """uint8 (N, size, size, 3) good studio photos: near-white backdrop, crisp product, no noise."""
    return make_builtin_catalog(resolution=size, count=count).images


def darker(photo: np.ndarray, factor: float = 0.6) -> np.ndarray:
    return np.rint(photo.astype(np.float32) * factor).astype(np.uint8)


def color_cast(photo: np.ndarray) -> np.ndarray:
    """A warm cast at about the same luma: red up 5%, blue down 16% (the backdrop reads 10-17 Lab of chroma)."""
    return np.clip(np.rint(photo.astype(np.float32) * np.float32([1.05, 1.0, 0.84])), 0, 255).astype(np.uint8)


def noisy(photo: np.ndarray, sigma: float = 8.0, seed: int = 0) -> np.ndarray:
    noise = np.random.default_rng(seed).normal(0.0, sigma, photo.shape)
    return np.clip(np.rint(photo + noise), 0, 255).astype(np.uint8)


def blurred(photo: np.ndarray, sigma: float = 2.0) -> np.ndarray:
    return cv2.GaussianBlur(photo, (0, 0), sigma)


def washed_out(photo: np.ndarray) -> np.ndarray:
    """Low contrast: squeezed into 130..200 (the backdrop stays light, the darks are gone)."""
    return np.rint(130 + photo.astype(np.float32) * (70 / 255)).astype(np.uint8)


DAMAGES = {"darker": darker, "cast": color_cast, "noisy": noisy, "blurred": blurred, "washed_out": washed_out}
