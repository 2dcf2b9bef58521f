"""The classical enhancement chain: the Photoshop-style baseline every learned model must beat.

Each step is an OpenCV call on a uint8 RGB image with its knobs as keyword arguments; a chain is
an ordered list of steps, written on the command line as
`white_balance,contrast_stretch:low=1;high=99,clahe:clip=2,denoise:strength=5,unsharp,whiten`.
Tone steps work on lightness only (Lab L) so they never shift a product's hue: an equalised red
shirt stays the same red, just better lit.

Every knob is declared once, in SPECS, with its type and range, and a Step checks its knobs when it
is made: a chain from the CLI or an HTTP form is refused before any pixel is touched. The ranges
are what keeps OpenCV safe (CLAHE divides by its tile count and allocates a histogram per tile)
and each step's cost proportional to the image (a blur's kernel grows with its radius).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Callable, Mapping

import cv2
import numpy as np

from productgan.edit.geometry import whiten_background
from productgan.edit.mask import product_mask
from productgan.edit.photo import MAX_THRESHOLD
from productgan.errors import ProductGANError

DEFAULT_CHAIN = "white_balance,contrast_stretch,clahe,denoise,unsharp"
MAX_STEPS = 16  # a chain longer than this is a typo or an attack, never a photo edit


class ChainError(ProductGANError, ValueError):
    """An unknown step, or a parameter that is unknown, malformed or out of its declared range."""


def _on_lightness(image: np.ndarray, operation: Callable[[np.ndarray], np.ndarray]) -> np.ndarray:
    lab = cv2.cvtColor(image, cv2.COLOR_RGB2LAB)
    lab[..., 0] = operation(np.ascontiguousarray(lab[..., 0]))
    return cv2.cvtColor(lab, cv2.COLOR_LAB2RGB)


def white_balance(image: np.ndarray, percentile: float = 99.0, strength: float = 1.0, lift: float = 0.0) -> np.ndarray:
    """White-patch balance: the brightest pixels (the studio backdrop) become neutral grey-white.

    Product photos always contain backdrop, which is meant to be white; that is a better
    reference than grey-world's assumption that the average colour is grey, which a red product
    filling the frame breaks. lift: 0 balances the reference to the mean of its channels (a
    warm white backdrop turns grey), 1 to its brightest channel (it stays white; --task auto).
    """
    channels = image.reshape(-1, 3).astype(np.float32)
    luminance = channels.mean(axis=1)
    bright = channels[luminance >= np.percentile(luminance, percentile)]
    reference = bright.mean(axis=0)
    target = reference.mean() + lift * (reference.max() - reference.mean())
    gains = target / np.maximum(reference, 1.0)
    gains = 1.0 + strength * (gains - 1.0)
    return cv2.convertScaleAbs(image.astype(np.float32) * gains.reshape(1, 1, 3))


def exposure(image: np.ndarray, percentile: float = 99.5, max_gain: float = 6.0) -> np.ndarray:
    """One gain on every channel, so the brightest pixels (the `percentile` of each pixel's brightest
    channel: on a studio photo, the backdrop) reach 255; at most max_gain, never darker.

    Why a gain and not a stretch: an exposure error scales the light, and sRGB's (about 2.2) power
    curve turns a scale of the light into a scale of the stored values, so one gain undoes it and
    keeps black black; contrast_stretch also pulls the darkest pixels down to 0, which on a
    dim photo of a pale product makes its midtones harsh (117 luma photos at x0.6: 55.6 dB back
    with the gain, 25.5 with the stretch; docs/BENCHMARKS.md). max_gain bounds how far noise and
    JPEG blocks in the shadows are amplified.
    """
    reference = float(np.percentile(image.max(axis=2), percentile))
    gain = min(max_gain, 255.0 / max(reference, 1.0))
    if gain <= 1.0:
        return image
    return cv2.convertScaleAbs(image, alpha=gain)


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


def denoise(image: np.ndarray, strength: float = 5.0, color_strength: float = 5.0) -> np.ndarray:
    """Non-local means (OpenCV), which keeps fabric texture better than a blur."""
    return cv2.fastNlMeansDenoisingColored(image, None, strength, color_strength, 7, 21)


def unsharp(image: np.ndarray, radius: float = 1.5, amount: float = 0.6) -> np.ndarray:
    """Unsharp mask: image + amount * (image - blurred)."""
    blurred = cv2.GaussianBlur(image, (0, 0), radius)
    return cv2.addWeighted(image, 1.0 + amount, blurred, -amount, 0)


def whiten(image: np.ndarray, threshold: float | None = None) -> np.ndarray:
    """Backdrop to pure white around the product mask.

    threshold: Lab distance to the backdrop that counts as product; None (not given) reads it from
    the backdrop's own noise (edit.mask.adaptive_threshold), as every photo edit does. A fixed 12,
    the old default, erased half of a white tank top on a white backdrop.
    """
    return whiten_background(image, product_mask(image, threshold=threshold))


@dataclass(frozen=True)
class Param:
    """One knob of a step: an int or a float, finite, within [low, high] (or (low, high] when
    low_open: a zero radius or clip limit does nothing or divides by zero). default is the step
    function's own default, shown in help and checked against its signature by the tests; None
    when not giving the knob lets the step choose per photo (whiten's adaptive threshold).
    old_name: a name the knob had before, still accepted in a chain for one release."""

    name: str
    kind: type
    low: float
    high: float
    default: float | None
    low_open: bool = False
    old_name: str | None = None

    def allowed(self) -> str:
        kind = "an integer" if self.kind is int else "a number"
        return f"{kind} in {'(' if self.low_open else '['}{self.low:g}, {self.high:g}]"

    def check(self, step: str, value: object) -> int | float:
        """The value as self.kind, or ChainError naming step, parameter, value and range."""
        number = _as_number(value)
        fits = (number is not None and math.isfinite(number)
                and (self.kind is float or number.is_integer())
                and (self.low < number if self.low_open else self.low <= number) and number <= self.high)
        if not fits:
            raise ChainError(f"step {step}: {self.name}={_show(value)} is not allowed; "
                             f"{self.name} must be {self.allowed()}")
        return self.kind(number)


def _as_number(value: object) -> float | None:
    if isinstance(value, bool):
        return None
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError):
        return None


def _show(value: object) -> str:
    """A value as the user wrote it (1e400, not inf); anything that is not a number is quoted, so a
    control character in it is shown escaped, never run by a terminal."""
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, (int, str)) and not isinstance(value, bool) and _as_number(value) is not None:
        return str(value).strip()
    return repr(value)


Check = Callable[[str, Mapping[str, float]], None]
Cost = Callable[[Mapping[str, float]], float]


def _no_relation(step: str, values: Mapping[str, float]) -> None:
    """Most steps' knobs are independent of each other."""


def _low_below_high(step: str, values: Mapping[str, float]) -> None:
    if not values["low"] < values["high"]:
        raise ChainError(f"step {step}: low={values['low']:g} must be below high={values['high']:g} "
                         "(percentiles of lightness, 0 <= low < high <= 100)")


def _flat(weight: float) -> Cost:
    return lambda values: weight


@dataclass(frozen=True)
class StepSpec:
    """A step's function, its declared knobs, how they relate, and its cost per pixel.

    cost(values) -> work per input pixel in light-pass units (see ClassicChain.cost_per_pixel) for
    the step's full values, defaults filled in.
    """

    function: Callable[..., np.ndarray]
    params: tuple[Param, ...] = ()
    relation: Check = _no_relation
    cost: Cost = _flat(1.0)

    def param(self, step: str, name: str) -> Param:
        for param in self.params:
            if name in (param.name, param.old_name):
                return param
        takes = ", ".join(p.name for p in self.params) or "none"
        raise ChainError(f"step {step}: unknown parameter {name!r}; it takes {takes}")

    def values(self, given: Mapping[str, float]) -> dict[str, float | None]:
        return {p.name: given.get(p.name, p.default) for p in self.params}


# Ranges: CLAHE divides the image by `tiles` and keeps a 256-bin histogram per tile, so 64 (64 x 64
# tiles, 1 MB) is its bound and 0 its crash; a blur's kernel spans about 6 radii, so `radius` <= 20
# keeps unsharp within a few passes; NL-means strengths beyond 50 flatten any photo (its cost does
# not depend on them); percentiles are percentiles. Costs were measured on one core at 1 MP with
# OpenCV 4: one unit is white_balance, about 0.15 s per megapixel; unsharp's grows with its radius.
SPECS: dict[str, StepSpec] = {
    "white_balance": StepSpec(white_balance, (Param("percentile", float, 0, 100, 99.0, low_open=True),
                                              Param("strength", float, 0, 2, 1.0),
                                              Param("lift", float, 0, 1, 0.0))),
    "exposure": StepSpec(exposure, (Param("percentile", float, 0, 100, 99.5, low_open=True),
                                    Param("max_gain", float, 1, 16, 6.0)), cost=_flat(1.0)),
    "contrast_stretch": StepSpec(contrast_stretch, (Param("low", float, 0, 100, 0.5),
                                                    Param("high", float, 0, 100, 99.5)),
                                 relation=_low_below_high, cost=_flat(1.3)),
    "equalize": StepSpec(equalize, cost=_flat(0.1)),
    "clahe": StepSpec(clahe, (Param("clip", float, 0, 100, 2.0, low_open=True),
                              Param("tiles", int, 1, 64, 8)),
                      cost=_flat(0.2)),
    "denoise": StepSpec(denoise, (Param("strength", float, 0, 50, 5.0),
                                  Param("color_strength", float, 0, 50, 5.0,
                                        old_name="colour_strength")),  # old spelling kept
                        cost=_flat(11.0)),
    "unsharp": StepSpec(unsharp, (Param("radius", float, 0, 20, 1.5, low_open=True),
                                  Param("amount", float, 0, 5, 0.6)),
                        cost=lambda values: 0.1 + 0.04 * values["radius"]),
    "whiten": StepSpec(whiten, (Param("threshold", float, 0, MAX_THRESHOLD, None),), cost=_flat(1.1)),
}


def _spec(name: str) -> StepSpec:
    spec = SPECS.get(name)
    if spec is None:
        raise ChainError(f"unknown enhancement step {name!r}; steps are: {', '.join(SPECS)}")
    return spec


@dataclass(frozen=True)
class Step:
    """One step and the knobs given for it (the others take their defaults); checked when made,
    so a Step that exists can run on any uint8 RGB image. Values may be given as numbers or as
    their text; params holds them converted to each knob's int or float."""

    name: str
    params: Mapping[str, float | str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        spec = _spec(self.name)
        checked: dict[str, float] = {}
        for key, value in self.params.items():
            param = spec.param(self.name, key)
            if param.name in checked:  # the knob under its new and its old name
                raise ChainError(f"step {self.name}: parameter {param.name!r} is given twice")
            checked[param.name] = param.check(self.name, value)
        spec.relation(self.name, spec.values(checked))
        object.__setattr__(self, "params", checked)

    @property
    def spec(self) -> StepSpec:
        return SPECS[self.name]

    def cost_per_pixel(self) -> float:
        return self.spec.cost(self.spec.values(self.params))

    def __call__(self, image: np.ndarray) -> np.ndarray:
        return self.spec.function(image, **self.params)


@dataclass
class ClassicChain:
    """An ordered list of steps; `ClassicChain.parse(DEFAULT_CHAIN)` is the default enhancement."""

    steps: list[Step]

    @classmethod
    def parse(cls, text: str) -> "ClassicChain":
        """`step:key=value;key=value,step,...` -> a chain whose every knob is checked (ChainError)."""
        parts = [part.strip() for part in text.split(",") if part.strip()]
        if not parts:
            raise ChainError(f"empty chain; steps are: {', '.join(SPECS)}")
        if len(parts) > MAX_STEPS:
            raise ChainError(f"a chain has at most {MAX_STEPS} steps, got {len(parts)}")
        return cls([_parse_step(part) for part in parts])

    def describe(self) -> str:
        return ",".join(s.name + (":" + ";".join(f"{k}={v:g}" for k, v in s.params.items()) if s.params else "")
                        for s in self.steps)

    def cost_per_pixel(self) -> float:
        """Estimated work per input pixel, in light-pass units: the sum of the steps' costs.

        Contract: running the chain on a photo of P pixels costs about P * cost_per_pixel() units,
        where one unit is one light full-image pass (white_balance at its defaults: about 0.15 s of
        one CPU core per megapixel); denoise, the dearest step, is 11. Every knob is bounded, so
        each step's cost is proportional to the pixels: a budget of pixels x steps is checked as
        `pixels * chain.cost_per_pixel() <= budget`, before the image is decoded (its header gives
        the pixels). The figures are relative estimates for admission, not a timing guarantee.
        """
        return sum(step.cost_per_pixel() for step in self.steps)

    def __call__(self, image: np.ndarray) -> np.ndarray:
        if image.ndim != 3 or image.shape[2] != 3 or image.dtype != np.uint8:
            raise ValueError(f"expected uint8 (H, W, 3) RGB, got {image.dtype} {image.shape}")
        for step in self.steps:
            image = step(image)
        return image


def _parse_step(text: str) -> Step:
    name, _, raw = text.partition(":")
    name = name.strip()
    _spec(name)  # an unknown step is named before its parameters are read
    params: dict[str, float | str] = {}
    for pair in filter(None, (pair.strip() for pair in raw.split(";"))):
        key, equals, value = (part.strip() for part in pair.partition("="))
        if not (key and equals and _as_number(value) is not None):
            raise ChainError(f"step {name}: parameter {pair!r} is not key=number")
        if key in params:
            raise ChainError(f"step {name}: parameter {key!r} is given twice")
        params[key] = value  # as typed, so an error shows what the user wrote (1e400, not inf)
    return Step(name, params)
