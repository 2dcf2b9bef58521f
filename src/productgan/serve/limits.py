"""Every limit the service enforces, in one place: counts, frames, values, body and upload sizes,
and the bounds on photo work (budget per request, concurrent jobs, queue wait).

Handlers call these checks before any work is queued, so an oversized or malformed request costs
microseconds and is answered with a 4xx that says what is allowed. `productgan serve` sets the
photo-work bounds from its options (--max-photo-work, --photo-jobs, --photo-wait).
"""

from __future__ import annotations

import io
import math
import warnings
from dataclasses import dataclass

from PIL import Image

from productgan.errors import ConfigError
from productgan.imaging import check_frame_count
from productgan.serve.errors import LimitError, PayloadTooLarge, UnsupportedMediaType

# torch.Generator.manual_seed takes up to 2**64-1; 2**63-1 is the largest signed 64-bit integer, which
# JSON parsers commonly decode exactly (JavaScript's Number is exact only up to 2**53).
MAX_SEED = 2**63 - 1


@dataclass(frozen=True)
class ServeLimits:
    """The bounds on what one request may ask for."""

    max_images: int = 64          # n of one generate request
    min_frames: int = 2
    max_frames: int = 64          # frames of one morph or turntable
    min_fps: float = 0.5          # 2 s a frame: slower is a slide show (GIF itself allows 655 s: 16 bits of 1/100 s)
    max_fps: float = 50.0
    max_truncation: float = 10.0  # beyond ~4 truncation changes nothing; larger values are typos
    max_body_bytes: int = 64 * 1024               # JSON bodies: a request is a few hundred bytes
    max_upload_bytes: int = 10 * 1024 * 1024      # a whole multipart photo form, held in memory
    max_upload_pixels: int = 4096 * 4096          # refuse decompression bombs from the header alone
    max_enhanced_pixels: int = 4096 * 4096        # an edited or upscaled result (scale, sr2, sr4)
    upload_formats: tuple[str, ...] = ("PNG", "JPEG", "WEBP")  # Pillow format names we decode
    max_form_fields: int = 16                     # parts of one multipart photo form
    # Photo work, in megapixel-units: megapixels x the steps' cost per pixel (see serve/work.py; one
    # unit is one light pass over the photo, ~0.15 s per megapixel on one CPU core). 100 takes the
    # default classical chain up to ~7 MP and a learned x4 upscale up to ~0.5 MP on a CPU.
    max_photo_work: float = 100.0
    photo_jobs: int = 2                           # photo jobs running at once; the rest wait in line
    photo_wait_s: float = 15.0                    # longest wait in line before a 503 with Retry-After

    def __post_init__(self) -> None:
        if self.photo_jobs < 1 or not self.photo_wait_s > 0 or not self.max_photo_work > 0:
            raise ConfigError("photo_jobs must be >= 1, photo_wait_s and max_photo_work > 0")


DEFAULT_LIMITS = ServeLimits()


def check_count(n: int, limits: ServeLimits) -> int:
    if not 1 <= n <= limits.max_images:
        raise LimitError(f"n must be between 1 and {limits.max_images}, got {n}")
    return n


def check_clip_request(frames: int, fps: float, limits: ServeLimits) -> None:
    """A morph or turntable request's frame count and rate within the served limits (a 4xx otherwise);
    edit/clips.check_clip_frames is the library's own, wider bound on written clips."""
    check_frame_count(frames, limits.min_frames, limits.max_frames, LimitError)
    if not (math.isfinite(fps) and limits.min_fps <= fps <= limits.max_fps):
        raise LimitError(f"fps must be between {limits.min_fps:g} and {limits.max_fps:g}, got {fps:g}")


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
    """Open an uploaded photo safely (open_upload) and decode it (decode_upload). Returns the loaded image."""
    return decode_upload(open_upload(data, limits))


def open_upload(data: bytes, limits: ServeLimits) -> Image.Image:
    """Read an upload's header only: size, format and pixel count are checked before any decoding,
    so a bomb costs microseconds. Returns the image, not yet decoded (decode_upload does that)."""
    check_body_size(len(data), limits, upload=True)
    if not data:
        raise UnsupportedMediaType("the upload is empty")
    accepted = ", ".join(limits.upload_formats)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data), formats=limits.upload_formats)
        except Image.DecompressionBombError:  # not an OSError: Pillow's own cap, far above ours
            raise PayloadTooLarge(f"the image header claims more pixels than the limit of "
                                  f"{limits.max_upload_pixels} pixels") from None
        except Exception:  # noqa: BLE001 - a malformed header can make a decoder raise anything
            return _refuse_unreadable(data, accepted)
    if image.format not in limits.upload_formats:  # e.g. MPO: a JPEG plugin's variant we do not take
        raise UnsupportedMediaType(f"image type {image.format} is not accepted; accepted: {accepted}")
    width, height = image.size
    if width * height > limits.max_upload_pixels:
        raise PayloadTooLarge(f"image of {width} x {height} pixels exceeds the limit of "
                              f"{limits.max_upload_pixels} pixels")
    return image


def _refuse_unreadable(data: bytes, accepted: str) -> Image.Image:
    """Name the format when Pillow knows it but we do not accept it; else say it is not an image."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            found = Image.open(io.BytesIO(data)).format
    except Exception:  # noqa: BLE001 - not an image (or a bomb) in any format: the message below
        found = None
    if found:
        raise UnsupportedMediaType(f"image type {found} is not accepted; accepted: {accepted}")
    raise UnsupportedMediaType(f"the upload is not an image we can read; accepted: {accepted}")


def decode_upload(image: Image.Image) -> Image.Image:
    """Decode an image open_upload accepted; the dear part, run in a photo worker thread."""
    try:
        image.load()
    except Exception as exc:  # noqa: BLE001 - a malformed file can make any decoder raise anything
        raise UnsupportedMediaType(f"the image data is corrupt ({type(exc).__name__})") from None
    return image
