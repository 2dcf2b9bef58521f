"""The classical enhancement chain: the Photoshop-style baseline every learned model must beat.

Each step is an OpenCV call on a uint8 RGB image with its knobs as keyword arguments; a chain is
an ordered list of steps, written on the command line as
`white_balance,contrast_stretch:low=1;high=99,clahe:clip=2,denoise:strength=5,unsharp,whiten`.
Tone steps work on lightness only (Lab L) so they never shift a product's hue: an equalised red
shirt stays the same red, just better lit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import cv2
import numpy as np

from productgan.edit.geometry import whiten_background
from productgan.edit.mask import product_mask
from productgan.errors import ProductGANError

DEFAULT_CHAIN = "white_balance,contrast_stretch,clahe,denoise,unsharp"


class ChainError(ProductGANError, ValueError):
    """An unknown step or a malformed parameter in a chain description."""


def _on_lightness(image: np.ndarray, operation: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    lab = cv2.cvtColor(image, cv2.COLOR_RGB2LAB)
    lab[..., 0] = operation(np.ascontiguousarray(lab[..., 0]))
    return cv2.cvtColor(lab, cv2.COLOR_LAB2RGB)


def white_balance(image: np.ndarray, percentile: float = 99.0, strength: float = 1.0) -> np.ndarray:
    """White-patch balance: the brightest pixels (the studio backdrop) become neutral grey-white.

    Product photos always contain backdrop, which is meant to be white; that is a better
    reference than grey-world's assumption that the average colour is grey, which a red product
    filling the frame breaks.
    """
    channels = image.reshape(-1, 3).astype(np.float32)
    luminance = channels.mean(axis=1)
    bright = channels[luminance >= np.percentile(luminance, percentile)]
    reference = bright.mean(axis=0)
    gains = reference.mean() / np.maximum(reference, 1.0)
    gains = 1.0 + strength * (gains - 1.0)
    return cv2.convertScaleAbs(image.astype(np.float32) * gains.reshape(1, 1, 3))


def contrast_stretch(image: np.ndarray, low: float = 0.5, high: float = 99.5) -> np.ndarray:
    """Linearly map the low..high lightness percentiles to the full range (clipping the tails)."""
    def stretch(lightness: np.ndarray) -> np.ndarray:
        lo, hi = np.percentile(lightness, (low, high))
        if hi - lo < 1:
            return lightness
        return cv2.convertScaleAbs(lightness, alpha=255.0 / (hi - lo), beta=-lo * 255.0 / (hi - lo))
    return _on_lightness(image, stretch)


def equalize(image: np.ndarray) -> np.ndarray:
    """Global histogram equalisation of lightness: strong, often harsh on white backdrops."""
    return _on_lightness(image, cv2.equalizeHist)


def clahe(image: np.ndarray, clip: float = 2.0, tiles: int = 8) -> np.ndarray:
    """Contrast-limited adaptive equalisation of lightness: local contrast without blowing out the backdrop."""
    operator = cv2.createCLAHE(clipLimit=clip, tileGridSize=(tiles, tiles))
    return _on_lightness(image, operator.apply)


def denoise(image: np.ndarray, strength: float = 5.0, colour_strength: float = 5.0) -> np.ndarray:
    """Non-local means (OpenCV), which keeps fabric texture better than a blur."""
    return cv2.fastNlMeansDenoisingColored(image, None, strength, colour_strength, 7, 21)


def unsharp(image: np.ndarray, radius: float = 1.5, amount: float = 0.6) -> np.ndarray:
    """Unsharp mask: image + amount * (image - blurred)."""
    blurred = cv2.GaussianBlur(image, (0, 0), radius)
    return cv2.addWeighted(image, 1.0 + amount, blurred, -amount, 0)


def whiten(image: np.ndarray, threshold: float = 12.0) -> np.ndarray:
    """Backdrop to pure white around the product mask."""
    return whiten_background(image, product_mask(image, threshold=threshold))


STEPS: dict[str, Callable[..., np.ndarray]] = {
    "white_balance": white_balance, "contrast_stretch": contrast_stretch, "equalize": equalize,
    "clahe": clahe, "denoise": denoise, "unsharp": unsharp, "whiten": whiten,
}


@dataclass
class Step:
    name: str
    params: dict[str, float] = field(default_factory=dict)

    def __call__(self, image: np.ndarray) -> np.ndarray:
        return STEPS[self.name](image, **self.params)


@dataclass
class ClassicChain:
    """An ordered list of steps; `ClassicChain.parse(DEFAULT_CHAIN)` is the default enhancement."""

    steps: list[Step]

    @classmethod
    def parse(cls, text: str) -> "ClassicChain":
        steps = [_parse_step(part.strip()) for part in text.split(",") if part.strip()]
        if not steps:
            raise ChainError(f"empty chain; steps are: {', '.join(STEPS)}")
        return cls(steps)

    def describe(self) -> str:
        return ",".join(s.name + (":" + ";".join(f"{k}={v:g}" for k, v in s.params.items()) if s.params else "")
                        for s in self.steps)

    def __call__(self, image: np.ndarray) -> np.ndarray:
        if image.ndim != 3 or image.shape[2] != 3 or image.dtype != np.uint8:
            raise ValueError(f"expected uint8 (H, W, 3) RGB, got {image.dtype} {image.shape}")
        for step in self.steps:
            image = step(image)
        return image


def _parse_step(text: str) -> Step:
    name, _, raw = text.partition(":")
    if name not in STEPS:
        raise ChainError(f"unknown enhancement step {name!r}; steps are: {', '.join(STEPS)}")
    params = {}
    for pair in filter(None, raw.split(";")):
        key, _, value = pair.partition("=")
        try:
            params[key.strip()] = float(value)
        except ValueError:
            raise ChainError(f"step {name}: parameter {pair!r} is not key=number") from None
    known = STEPS[name].__code__.co_varnames[1:STEPS[name].__code__.co_argcount]
    unknown = set(params) - set(known)
    if unknown:
        raise ChainError(f"step {name}: unknown parameter(s) {', '.join(sorted(unknown))}; it takes {', '.join(known) or 'none'}")
    if "tiles" in params:
        params["tiles"] = int(params["tiles"])
    return Step(name, params)
