"""What is wrong with one photo: exposure, white balance, contrast, noise and blur, each measured
and held against a documented acceptable range.

Why: the fixed classical chain makes a good studio photo worse (a clean luma photo came back at
~25 dB, an orange hoodie browner, a white tank greyer). `--task auto` (enhance/auto.py) and the
catalog checks (catalog/check.py) first ask this module what is out of range, and touch only that.

The ranges are what good studio photos measure: on the 611 shared luma photos (619 x 768 JPEGs
on a white seamless backdrop) nearly all pass; the distribution is in docs/BENCHMARKS.md ("Whole
catalog: check and prepare") and comes from `python bench/assess_catalog.py DIR`. Every measure
is read from the photo alone (no reference image), in units a person can check: grey levels of
Rec.601 luma (0-255), CIE Lab for the backdrop, grey levels per channel for noise.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from productgan.data.images import estimate_background
from productgan.imaging import rgb_luma

MEASURE_SIDE = 512  # sharpness is read at this longer side, so a 4000 px photo and a 600 px one compare
BORDER = 4  # pixels of the photo's edge read as the backdrop
MIN_FLAT_PIXELS = 500  # fewer flat, unclipped pixels than this: the noise cannot be read, and reads 0
# A backdrop is found when at least this share of the border is one colour (Lab distance < 6 to its
# median), light (L >= 50) and near-neutral (chroma <= 25, which a cast of 15-20 still passes).
# Close-ups whose product fills the frame have none, and are not judged on the backdrop's measures.
BACKDROP_SHARE, BACKDROP_MIN_LIGHTNESS, BACKDROP_MAX_CHROMA = 0.5, 50.0, 25.0
# A dimmer border (L 20..50: a white seamless at x0.2..x0.45 exposure) is a backdrop too when it is
# the brightest part of the photo (its luma within DIM_MARGIN of the 99th percentile: dark cloth
# filling the frame has lighter weave and highlights) and a product stands out from it (at least
# DIM_PRODUCT_SHARE of the pixels more than DIM_PRODUCT_LEVELS grey levels away: a plain grey
# close-up has none). Below L 20 a photo is left alone: a gain of 5x and more would mostly lift noise.
DIM_MIN_LIGHTNESS, DIM_MARGIN, DIM_PRODUCT_LEVELS, DIM_PRODUCT_SHARE = 20.0, 5.0, 8.0, 0.02


@dataclass(frozen=True)
class Range:
    """An acceptable range of one measure, and what it means when a value is outside it.

    low/high: None for no bound. too_low/too_high: what is wrong, in words ("too dark").
    on_backdrop: judged only when the photo shows a backdrop (a close-up of navy cloth is not an
    underexposed white backdrop).
    """

    name: str
    low: float | None
    high: float | None
    too_low: str = ""
    too_high: str = ""
    on_backdrop: bool = False

    def verdict(self, value: float) -> str | None:
        """None when value is in range, else a one-line reason naming the value and the bound."""
        if self.low is not None and value < self.low:
            return f"{self.too_low} ({self.name} {value:.3g} < {self.low:g})"
        if self.high is not None and value > self.high:
            return f"{self.too_high} ({self.name} {value:.3g} > {self.high:g})"
        return None

    def shown(self) -> str:
        """'>= 90', '<= 2', '20..80': the range as a person reads it."""
        if self.low is not None and self.high is not None:
            return f"{self.low:g}..{self.high:g}"
        return f">= {self.low:g}" if self.low is not None else f"<= {self.high:g}"


# The acceptable ranges, in one place. Each bound sits outside what the 611 luma photos measure
# (minimum / maximum over them in brackets; percentiles in docs/BENCHMARKS.md).
RANGES: dict[str, Range] = {
    # 99th percentile of luma (0-255): the backdrop's level on a studio photo, 255 on a white
    # seamless; an underexposed shot's is grey (x0.6 exposure reads 153). Judged only with a
    # backdrop: a white close-up's border may read grey (L 84) while its highlights are white.
    # [luma, photos with a backdrop: all 255]
    "white_point": Range("white_point", 230.0, None, too_low="underexposed: the backdrop is grey, not white",
                         on_backdrop=True),
    # Mean luma (0-255): a whole photo too dark, backdrop or not. [luma: 45.5 .. 244]
    "brightness": Range("brightness", 35.0, None, too_low="too dark overall"),
    # Share of pixels at luma <= 4: crushed shadows, which no classical step brings back. [0 .. 0.052]
    "shadows_clipped": Range("shadows_clipped", None, 0.08, too_high="shadows crushed to black"),
    # Lab chroma of the backdrop: 0 for neutral white; a x(1, 0.92, 0.8) cast reads 17. [luma: 0]
    "cast": Range("cast", None, 5.0, too_high="color cast on the backdrop", on_backdrop=True),
    # Luma spread, 99th minus 1st percentile: a washed-out photo squeezed into 90..170 reads 28-76;
    # a pale product on white reads about 110. [luma: 85 .. 255]
    "contrast": Range("contrast", 75.0, None, too_low="low contrast (washed out)"),
    # Colour noise, robust sigma per channel in grey levels on the flattest unclipped pixels:
    # Gaussian noise of sigma 5 reads 4.8-5.1. [luma: 0 .. 0.18]
    "noise": Range("noise", None, 2.0, too_high="noisy"),
    # Edge crispness at MEASURE_SIDE: mean squared Laplacian over mean squared gradient on the
    # strongest tenth of edges, about 1 / edge width^2. A Gaussian blur of 1.5 px reads 0.39-0.57.
    # [luma: 1.44 .. 10.5]
    "sharpness": Range("sharpness", 1.0, None, too_low="blurred"),
}


# Every measure `measure` returns, in the order reports list them.
MEASURE_NAMES = ("white_point", "backdrop", "backdrop_share", "brightness", "shadows_clipped", "cast", "contrast",
                 "noise", "sharpness")


@dataclass(frozen=True)
class Assessment:
    """The measures of one photo (name -> value), whether it shows a backdrop, and, for each
    measure out of its range, why (name -> one-line reason)."""

    measures: dict[str, float]
    problems: dict[str, str]
    has_backdrop: bool

    @property
    def ok(self) -> bool:
        return not self.problems


def assess(image: np.ndarray) -> Assessment:
    """Measure a uint8 (H, W, 3) RGB photo and hold each measure against RANGES."""
    if image.ndim != 3 or image.shape[2] != 3 or image.dtype != np.uint8:
        raise ValueError(f"expected uint8 (H, W, 3) RGB, got {image.dtype} {image.shape}")
    measures = measure(image)
    found = measures["backdrop_share"] >= BACKDROP_SHARE and measures["cast"] <= BACKDROP_MAX_CHROMA and (
        measures["backdrop"] >= BACKDROP_MIN_LIGHTNESS or dim_backdrop(image, measures))
    problems = {}
    for name, bounds in RANGES.items():
        reason = None if bounds.on_backdrop and not found else bounds.verdict(measures[name])
        if reason:
            problems[name] = reason
    return Assessment(measures, problems, found)


def dim_backdrop(image: np.ndarray, measures: dict[str, float]) -> bool:
    """Whether a border darker than L 50 is still a studio backdrop, underexposed (see DIM_MIN_LIGHTNESS).

    Why: a good studio photo at x0.45 exposure has its white seamless at L 48; read as "no
    backdrop", no measure of --task auto called it underexposed and it came back as dark as it went.
    """
    if measures["backdrop"] < DIM_MIN_LIGHTNESS:
        return False
    luma = rgb_luma(image)
    level = float(np.median(rgb_luma(_border(image))))
    brightest = level >= measures["white_point"] - DIM_MARGIN
    return brightest and float((np.abs(luma - level) > DIM_PRODUCT_LEVELS).mean()) >= DIM_PRODUCT_SHARE


def measure(image: np.ndarray) -> dict[str, float]:
    """Every measure of RANGES, and backdrop_share, for a uint8 (H, W, 3) RGB photo, as plain floats."""
    luma = rgb_luma(image)
    low, high = np.percentile(luma, (1.0, 99.0))
    share, lightness, chroma = backdrop(image)
    return {
        "white_point": float(high),
        "backdrop": lightness,
        "backdrop_share": share,
        "brightness": float(luma.mean()),
        "shadows_clipped": float((luma <= 4.0).mean()),
        "cast": chroma,
        "contrast": float(high - low),
        "noise": color_noise(image, luma),
        "sharpness": sharpness(_at_measure_side(image)),
    }


def _at_measure_side(image: np.ndarray) -> np.ndarray:
    """The photo shrunk (area average) to MEASURE_SIDE on its longer side; a smaller one as it is."""
    longer = max(image.shape[:2])
    if longer <= MEASURE_SIDE:
        return image
    factor = MEASURE_SIDE / longer
    size = (max(1, round(image.shape[1] * factor)), max(1, round(image.shape[0] * factor)))
    return cv2.resize(image, size, interpolation=cv2.INTER_AREA)


def _border(image: np.ndarray, ring: int = BORDER) -> np.ndarray:
    """(N, 3) pixels of the outermost `ring` rows and columns (all pixels of a tiny image)."""
    height, width = image.shape[:2]
    if height <= 2 * ring or width <= 2 * ring:
        return image.reshape(-1, 3)
    return np.concatenate([image[:ring].reshape(-1, 3), image[-ring:].reshape(-1, 3),
                           image[ring:-ring, :ring].reshape(-1, 3), image[ring:-ring, -ring:].reshape(-1, 3)])


def _lab(pixels: np.ndarray) -> np.ndarray:
    """float32 (N, 3) CIE Lab of uint8 (N, 3) RGB pixels."""
    unit = (pixels.astype(np.float32) / 255.0).reshape(-1, 1, 3)
    return cv2.cvtColor(unit, cv2.COLOR_RGB2LAB).reshape(-1, 3)


def backdrop(image: np.ndarray) -> tuple[float, float, float]:
    """(share, lightness, chroma) of the photo's border: the share of border pixels within Lab
    distance 6 of their median colour, and that median's L (0-100) and chroma (0 = neutral).

    The border, not the brightest pixels, because a studio photo's edge is backdrop by
    construction, and it stays grey when the shot is underexposed (the brightest pixels of a
    dark photo may be a label).
    """
    border = _lab(_border(image))
    median = np.median(border, axis=0)
    share = float((np.linalg.norm(border - median, axis=1) < 6.0).mean())
    return share, float(median[0]), float(np.hypot(median[1], median[2]))


# Immerkaer's noise kernel: the difference of two Laplacians, blind to planes and ramps; on
# independent Gaussian noise of sigma s its response has sigma 6 s (the kernel's L2 norm).
_NOISE_KERNEL = np.array([[1, -2, 1], [-2, 4, -2], [1, -2, 1]], np.float32)


def color_noise(image: np.ndarray, luma: np.ndarray | None = None) -> float:
    """Robust sigma (grey levels per channel) of colour noise on the flattest third of unclipped pixels.

    Colour, not luma: a sensor's noise is independent in each channel, so it shows in R-G and
    B-G, while a grey heather or a fine knit is texture in luma alone (on luma, heather close-ups
    read 6-7 grey levels of "noise", as much as real noise of sigma 10).
    """
    return color_noise_at(image, flat_pixels(image, rgb_luma(image) if luma is None else luma))


def color_noise_at(image: np.ndarray, flat: np.ndarray | None) -> float:
    """color_noise on flat pixels already chosen (None: too few unclipped, 0.0), for a caller that
    measures luma noise on the same pixels (enhance/damage.py)."""
    if flat is None:
        return 0.0
    pixels = image.astype(np.float32)
    differences = (pixels[..., 0] - pixels[..., 1], pixels[..., 2] - pixels[..., 1])
    sigmas = [noise_sigma(difference, flat) for difference in differences]
    return float(np.mean(sigmas) / np.sqrt(2.0))  # a difference of two channels has sqrt(2) sigma


def flat_pixels(image: np.ndarray, luma: np.ndarray) -> np.ndarray | None:
    """Boolean (H, W): the flattest third of the unclipped pixels, where noise can be read; None
    when fewer than MIN_FLAT_PIXELS are unclipped. Flat pixels are picked on a blurred copy, so
    noise does not make them look busy; clipped pixels hold no noise."""
    smooth = cv2.GaussianBlur(luma, (0, 0), 2.0)
    gradient = np.hypot(cv2.Sobel(smooth, cv2.CV_32F, 1, 0), cv2.Sobel(smooth, cv2.CV_32F, 0, 1))
    usable = (image.max(axis=2) < 250) & (image.min(axis=2) > 5)
    usable[:2], usable[-2:], usable[:, :2], usable[:, -2:] = False, False, False, False
    if usable.sum() < MIN_FLAT_PIXELS:
        return None
    return usable & (gradient <= np.percentile(gradient[usable], 33.0))


def noise_sigma(channel: np.ndarray, flat: np.ndarray) -> float:
    """Robust sigma of float32 (H, W) `channel`'s noise on the `flat` pixels (Immerkaer's kernel, MAD)."""
    response = cv2.filter2D(channel, cv2.CV_32F, _NOISE_KERNEL, borderType=cv2.BORDER_REFLECT)
    return 1.4826 * float(np.median(np.abs(response[flat]))) / 6.0


def product_box(image: np.ndarray, distance: float = 20.0) -> tuple[int, int, int, int] | None:
    """(top, left, bottom, right) of the pixels farther than `distance` (RGB) from the border's
    colour: a quick box for measures; None when the photo is all backdrop. The careful mask is
    edit.mask.product_mask, for layout."""
    background = estimate_background(image).astype(np.int16)
    away = np.abs(image.astype(np.int16) - background).max(axis=2) > distance
    rows, cols = np.flatnonzero(away.any(axis=1)), np.flatnonzero(away.any(axis=0))
    if len(rows) == 0:
        return None
    return int(rows[0]), int(cols[0]), int(rows[-1]) + 1, int(cols[-1]) + 1


def sharpness(image: np.ndarray) -> float:
    """Mean squared Laplacian over mean squared gradient on the strongest tenth of edges in the
    product's box: about 1 / (edge width)^2, so neither the product's contrast nor how much of
    it is textured moves it much, while a soft focus does (the backdrop is left out: flat either way)."""
    luma = rgb_luma(image)
    box = product_box(image)
    if box is not None and (box[2] - box[0]) >= 8 and (box[3] - box[1]) >= 8:
        luma = luma[box[0]:box[2], box[1]:box[3]]
    laplacian = cv2.Laplacian(luma, cv2.CV_32F)
    gradient = (cv2.Sobel(luma, cv2.CV_32F, 1, 0) / 8) ** 2 + (cv2.Sobel(luma, cv2.CV_32F, 0, 1) / 8) ** 2
    strong = gradient >= np.percentile(gradient, 90.0)
    edge = float(gradient[strong].mean())
    return float((laplacian[strong] ** 2).mean() / edge) if edge > 1e-6 else 0.0
