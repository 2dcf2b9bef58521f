"""Every limit the service enforces, in one place: counts, frames, values, body and upload sizes.

Handlers call these checks before any work is queued, so an oversized or malformed request costs
microseconds and is answered with a 4xx that says what is allowed.
"""

from __future__ import annotations

import io
import math
import warnings
from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError

from productgan.serve.errors import LimitError, PayloadTooLarge, UnsupportedMediaType

MAX_SEED = 2**63 - 1  # torch.Generator.manual_seed takes 64-bit seeds; JSON clients handle 63 safely


@dataclass(frozen=True)
class ServeLimits:
    """The bounds on what one request may ask for."""

    max_images: int = 64          # n of one generate request
    min_frames: int = 2
    max_frames: int = 64          # frames of one morph
    max_fps: float = 50.0
    max_truncation: float = 10.0  # beyond ~4 truncation changes nothing; larger values are typos
    max_body_bytes: int = 64 * 1024               # JSON bodies: a request is a few hundred bytes
    max_upload_bytes: int = 10 * 1024 * 1024      # photo uploads (edit/enhance endpoints, later)
    max_upload_pixels: int = 4096 * 4096          # refuse decompression bombs from the header alone
    max_enhanced_pixels: int = 4096 * 4096        # an upscaled result: x4 takes photos up to 1024 x 1024
    upload_formats: tuple[str, ...] = ("PNG", "JPEG", "WEBP")  # Pillow format names we decode


DEFAULT_LIMITS = ServeLimits()


def check_count(n: int, limits: ServeLimits) -> int:
    if not 1 <= n <= limits.max_images:
        raise LimitError(f"n must be between 1 and {limits.max_images}, got {n}")
    return n


def check_frames(frames: int, fps: float, limits: ServeLimits) -> None:
    if not limits.min_frames <= frames <= limits.max_frames:
        raise LimitError(f"frames must be between {limits.min_frames} and {limits.max_frames}, got {frames}")
    if not (math.isfinite(fps) and 0 < fps <= limits.max_fps):
        raise LimitError(f"fps must be > 0 and <= {limits.max_fps:g}, got {fps}")


def check_seed(seed: int, name: str = "seed") -> int:
    if not 0 <= seed <= MAX_SEED:
        raise LimitError(f"{name} must be between 0 and 2**63-1, got {seed}")
    return seed


def check_truncation(truncation: float | None, limits: ServeLimits) -> float | None:
    """None (no truncation) or a finite value in (0, max_truncation]."""
    if truncation is None:
        return None
    if not (math.isfinite(truncation) and 0 < truncation <= limits.max_truncation):
        raise LimitError(f"truncation must be > 0 and <= {limits.max_truncation:g} (or null), got {truncation}")
    return float(truncation)


def check_body_size(size: int, limits: ServeLimits, upload: bool = False) -> None:
    """Refuse a body by its declared or counted size, before it is parsed."""
    limit = limits.max_upload_bytes if upload else limits.max_body_bytes
    if size > limit:
        raise PayloadTooLarge(f"request body of {size} bytes exceeds the limit of {limit} bytes")


def check_upload(data: bytes, limits: ServeLimits) -> Image.Image:
    """Open an uploaded photo safely: size, format and pixel count are checked before decoding.

    For the upload endpoints to come (edit/enhance a shop's photo). Returns the loaded image.
    """
    check_body_size(len(data), limits, upload=True)
    if not data:
        raise UnsupportedMediaType("the upload is empty")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data))
        except (UnidentifiedImageError, OSError):
            raise UnsupportedMediaType("the upload is not an image we can read; accepted: "
                                       + ", ".join(limits.upload_formats)) from None
        if image.format not in limits.upload_formats:
            raise UnsupportedMediaType(f"image type {image.format} is not accepted; accepted: "
                                       + ", ".join(limits.upload_formats))
        width, height = image.size
        if width * height > limits.max_upload_pixels:
            raise PayloadTooLarge(f"image of {width} x {height} pixels exceeds the limit of "
                                  f"{limits.max_upload_pixels} pixels")
        try:
            image.load()
        except Exception as exc:  # noqa: BLE001 - a malformed file can make any decoder raise anything
            raise UnsupportedMediaType(f"the image data is corrupt ({type(exc).__name__})") from None
    return image
