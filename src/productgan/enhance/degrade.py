"""Realistic, seeded degradations of clean photos: the inputs learned enhancers are trained on.

Why: a model trained on bicubic-downscaled images learns to undo bicubic downscaling only, and
fails on real shop photos, which are blurred, noisy and JPEG-compressed. Real-ESRGAN (Wang et al.
2021) trains on a random chain of blur, resize, noise and JPEG instead; we do the same, with
OpenCV doing every filter. Restoration adds the damage a shop photo suffers: JPEG blocks, sensor
noise, low light, small blemishes (dust spots, scratches) and missing patches (holes).

Contract: every function takes and returns uint8 (H, W, 3) RGB and draws all its randomness from
the `numpy.random.Generator` it is given, so one seed reproduces a degradation exactly.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from PIL import Image

INTERPOLATIONS = (cv2.INTER_AREA, cv2.INTER_LINEAR, cv2.INTER_CUBIC)
DAMAGE_KINDS = ("jpeg", "noise", "low_light", "blemish", "hole")  # RestoreDegradation's <kind>_probability


@dataclass
class SRDegradation:
    """Ranges of the Real-ESRGAN-style chain that turns an HR crop into its LR input."""

    blur_sigma: tuple[float, float] = (0.2, 2.0)  # in HR pixels
    anisotropic_probability: float = 0.5
    noise_sigma: tuple[float, float] = (0.0, 8.0)  # Gaussian, in 0-255 units
    poisson_probability: float = 0.3
    poisson_scale: tuple[float, float] = (0.05, 0.5)
    jpeg_quality: tuple[int, int] = (40, 95)
    # Share of inputs that are a plain bicubic downscale, nothing else: clean studio shots exist too, and a
    # model that has only seen blur, noise and JPEG smooths a clean input it should sharpen.
    plain_probability: float = 0.2


@dataclass
class RestoreDegradation:
    """Probabilities and ranges of the damage restoration learns to undo (each applied independently)."""

    jpeg_probability: float = 0.6
    jpeg_quality: tuple[int, int] = (10, 40)
    noise_probability: float = 0.5
    noise_sigma: tuple[float, float] = (3.0, 20.0)
    low_light_probability: float = 0.4
    brightness: tuple[float, float] = (0.35, 0.8)
    gamma: tuple[float, float] = (1.2, 2.0)
    blemish_probability: float = 0.5
    blemishes: tuple[int, int] = (1, 6)
    hole_probability: float = 0.3
    holes: tuple[int, int] = (1, 2)
    hole_size: tuple[float, float] = (0.05, 0.15)  # side as a fraction of the shorter image side
    # Share of photos left clean (before the kinds above are drawn): a restorer must learn to leave a
    # clean photo alone. Drawn only when > 0, so benches' seeded damage stays what it was.
    clean_probability: float = 0.0


# --------------------------------------------------------------------------------- single steps
def _uniform(rng: np.random.Generator, bounds: tuple[float, float]) -> float:
    return float(rng.uniform(bounds[0], bounds[1]))


def gaussian_kernel(sigma_x: float, sigma_y: float, angle: float) -> np.ndarray:
    """A normalised, possibly rotated (anisotropic) Gaussian kernel; odd side ~ 6 sigma.

    OpenCV has only axis-aligned Gaussians, so the rotated covariance is built here; applying it
    is cv2.filter2D's job.
    """
    radius = max(1, int(np.ceil(3 * max(sigma_x, sigma_y))))
    grid = np.arange(-radius, radius + 1, dtype=np.float64)
    xx, yy = np.meshgrid(grid, grid)
    cos, sin = np.cos(angle), np.sin(angle)
    u, v = cos * xx + sin * yy, -sin * xx + cos * yy
    kernel = np.exp(-0.5 * ((u / sigma_x) ** 2 + (v / sigma_y) ** 2))
    return (kernel / kernel.sum()).astype(np.float32)


def random_blur(image: np.ndarray, rng: np.random.Generator, sigma: tuple[float, float] = (0.2, 2.0),
                anisotropic_probability: float = 0.5) -> np.ndarray:
    """Isotropic Gaussian blur (cv2.GaussianBlur) or, with the given probability, a rotated anisotropic one."""
    if rng.random() < anisotropic_probability:
        kernel = gaussian_kernel(_uniform(rng, sigma), _uniform(rng, sigma), _uniform(rng, (0.0, np.pi)))
        return cv2.filter2D(image, -1, kernel, borderType=cv2.BORDER_REFLECT_101)
    return cv2.GaussianBlur(image, (0, 0), _uniform(rng, sigma), borderType=cv2.BORDER_REFLECT_101)


def add_gaussian_noise(image: np.ndarray, rng: np.random.Generator, sigma: tuple[float, float] = (1.0, 15.0),
                       gray_probability: float = 0.4) -> np.ndarray:
    """Additive Gaussian noise of a random strength (0-255 units), colour or, sometimes, luminance-only."""
    strength = _uniform(rng, sigma)
    shape = image.shape[:2] + (1,) if rng.random() < gray_probability else image.shape
    noise = rng.normal(0.0, strength, size=shape)
    return np.clip(image + noise, 0, 255).round().astype(np.uint8)


def add_poisson_noise(image: np.ndarray, rng: np.random.Generator, scale: tuple[float, float] = (0.05, 1.0)) -> np.ndarray:
    """Signal-dependent (shot) noise: brighter pixels get more noise, as on a real sensor.

    The photon count is 255 * 10**k / scale-ish: scale near 1 is a noisy phone shot, near 0 clean.
    """
    photons = 10.0 ** rng.uniform(1.0, 3.0) / _uniform(rng, scale) / 255.0
    counts = rng.poisson(image.astype(np.float64) * photons)
    return np.clip(counts / photons, 0, 255).round().astype(np.uint8)


def jpeg_compress(image: np.ndarray, rng: np.random.Generator, quality: tuple[int, int] = (30, 95)) -> np.ndarray:
    """Round-trip through cv2's JPEG codec at a random quality (8x8 blocks, ringing, chroma loss)."""
    level = int(rng.integers(quality[0], quality[1] + 1))
    ok, encoded = cv2.imencode(".jpg", cv2.cvtColor(image, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, level])
    if not ok:  # cv2 only fails here on an empty image
        raise ValueError(f"cannot JPEG-encode an image of shape {image.shape}")
    return cv2.cvtColor(cv2.imdecode(encoded, cv2.IMREAD_COLOR), cv2.COLOR_BGR2RGB)


def random_resize(image: np.ndarray, rng: np.random.Generator, size: tuple[int, int]) -> np.ndarray:
    """Resize to (width, height) with an interpolation drawn from area, bilinear and bicubic."""
    return cv2.resize(image, size, interpolation=INTERPOLATIONS[int(rng.integers(len(INTERPOLATIONS)))])


def low_light_table(rng: np.random.Generator, brightness: tuple[float, float] = (0.35, 0.8),
                    gamma: tuple[float, float] = (1.2, 2.0)) -> np.ndarray:
    """The 256-entry lookup table of one under-exposure: darken (scale) and crush the shadows (gamma > 1)."""
    table = 255.0 * _uniform(rng, brightness) * (np.arange(256) / 255.0) ** _uniform(rng, gamma)
    return np.clip(table, 0, 255).round().astype(np.uint8)


def low_light(image: np.ndarray, rng: np.random.Generator, brightness: tuple[float, float] = (0.35, 0.8),
              gamma: tuple[float, float] = (1.2, 2.0)) -> np.ndarray:
    """An under-exposed shot, via cv2.LUT of low_light_table."""
    return cv2.LUT(image, low_light_table(rng, brightness, gamma))


def add_blemishes(image: np.ndarray, rng: np.random.Generator, count: tuple[int, int] = (1, 6),
                  mask: np.ndarray | None = None) -> np.ndarray:
    """Small dust spots (filled circles) and thin scratches (lines), dark or light, drawn by cv2.

    mask: a uint8 (H, W) array the same marks are drawn into (255), as a user would paint them.
    """
    out = image.copy()
    height, width = image.shape[:2]
    side = min(height, width)
    for _ in range(int(rng.integers(count[0], count[1] + 1))):
        color = tuple(int(c) for c in (rng.integers(0, 60, 3) if rng.random() < 0.5 else rng.integers(200, 256, 3)))
        centre = (int(rng.integers(width)), int(rng.integers(height)))
        if rng.random() < 0.5:
            radius = max(1, int(side * rng.uniform(0.005, 0.02)))
            cv2.circle(out, centre, radius, color, -1, lineType=cv2.LINE_AA)
            if mask is not None:
                cv2.circle(mask, centre, radius + 2, 255, -1)  # + the anti-aliased fringe
        else:
            length, angle = side * rng.uniform(0.05, 0.25), rng.uniform(0, np.pi)
            end = (int(centre[0] + length * np.cos(angle)), int(centre[1] + length * np.sin(angle)))
            thickness = int(rng.integers(1, 3))
            cv2.line(out, centre, end, color, thickness, lineType=cv2.LINE_AA)
            if mask is not None:
                cv2.line(mask, centre, end, 255, thickness + 3)
    return out


def cut_holes(image: np.ndarray, rng: np.random.Generator, count: tuple[int, int] = (1, 2),
              size: tuple[float, float] = (0.05, 0.15)) -> tuple[np.ndarray, np.ndarray]:
    """Missing patches: rectangles filled with one flat colour. Returns (image, mask), mask uint8 (H, W),
    255 inside holes, 0 elsewhere: exactly what cv2.inpaint expects as inpaintMask."""
    out, mask = image.copy(), np.zeros(image.shape[:2], np.uint8)
    height, width = image.shape[:2]
    side = min(height, width)
    for _ in range(int(rng.integers(count[0], count[1] + 1))):
        hole_w, hole_h = (max(2, int(side * _uniform(rng, size))) for _ in range(2))
        x, y = int(rng.integers(0, max(1, width - hole_w))), int(rng.integers(0, max(1, height - hole_h)))
        fill = tuple(int(c) for c in rng.integers(0, 256, 3))
        cv2.rectangle(out, (x, y), (x + hole_w - 1, y + hole_h - 1), fill, -1)
        cv2.rectangle(mask, (x, y), (x + hole_w - 1, y + hole_h - 1), 255, -1)
    return out, mask


def bicubic_downscale(image: np.ndarray, scale: int) -> np.ndarray:
    """(H, W, 3) uint8 -> (H // scale, W // scale, 3) by antialiased bicubic (PIL), the textbook SR input.

    PIL widens the bicubic kernel by the scale as MATLAB's imresize does; cv2.INTER_CUBIC would alias.
    """
    height, width = image.shape[:2]
    return np.asarray(Image.fromarray(image).resize((width // scale, height // scale), Image.Resampling.BICUBIC))


# ------------------------------------------------------------------------------------- pipelines
def degrade_for_sr(image: np.ndarray, scale: int, rng: np.random.Generator,
                   settings: SRDegradation | None = None) -> np.ndarray:
    """HR uint8 (H, W, 3) -> LR uint8 (H // scale, W // scale, 3): blur, downscale, noise, JPEG, or
    (with settings.plain_probability) a plain bicubic downscale.

    The order follows Real-ESRGAN's first-order model: a camera blurs, the pipeline downsizes,
    the sensor adds noise, and the shop's export compresses.
    """
    settings = settings or SRDegradation()
    # Drawn only when plain inputs are asked for, so a chain with none reproduces the older seeded inputs.
    if settings.plain_probability > 0 and rng.random() < settings.plain_probability:
        return bicubic_downscale(image, scale)
    height, width = image.shape[:2]
    out = random_blur(image, rng, settings.blur_sigma, settings.anisotropic_probability)
    out = random_resize(out, rng, (width // scale, height // scale))
    out = add_gaussian_noise(out, rng, settings.noise_sigma)
    if rng.random() < settings.poisson_probability:
        out = add_poisson_noise(out, rng, settings.poisson_scale)
    return jpeg_compress(out, rng, settings.jpeg_quality)


@dataclass
class Damaged:
    """A degraded photo for restoration, the mask of its missing patches (255 = hole), the context
    image (if one was given) under the same exposure change, and the repair mask: holes and
    blemishes, what a user marking the damage would paint (255 = damaged)."""

    image: np.ndarray
    hole_mask: np.ndarray
    context: np.ndarray | None = None
    repair_mask: np.ndarray | None = None


def degrade_for_restore(image: np.ndarray, rng: np.random.Generator, settings: RestoreDegradation | None = None,
                        context: np.ndarray | None = None) -> Damaged:
    """Clean uint8 (H, W, 3) -> damaged photo of the same size plus its hole mask.

    Each kind of damage is drawn independently; holes and blemishes come before JPEG and noise,
    because a scan of a scratched print is then compressed, not the other way round.
    context: when `image` is a crop, a thumbnail of the whole photo; it gets the same low-light
    table, so image-level exposure statistics can be read from it as from a whole damaged photo.
    """
    settings = settings or RestoreDegradation()
    out, mask, repair = image, np.zeros(image.shape[:2], np.uint8), np.zeros(image.shape[:2], np.uint8)
    if settings.clean_probability > 0 and rng.random() < settings.clean_probability:
        return Damaged(np.ascontiguousarray(out), mask, context, repair)
    if rng.random() < settings.low_light_probability:
        table = low_light_table(rng, settings.brightness, settings.gamma)
        out = cv2.LUT(out, table)
        context = cv2.LUT(context, table) if context is not None else None
    if rng.random() < settings.blemish_probability:
        out = add_blemishes(out, rng, settings.blemishes, mask=repair)
    if rng.random() < settings.hole_probability:
        out, mask = cut_holes(out, rng, settings.holes, settings.hole_size)
    if rng.random() < settings.noise_probability:
        out = add_gaussian_noise(out, rng, settings.noise_sigma)
    if rng.random() < settings.jpeg_probability:
        out = jpeg_compress(out, rng, settings.jpeg_quality)
    return Damaged(np.ascontiguousarray(out), mask, context, np.maximum(repair, mask))
