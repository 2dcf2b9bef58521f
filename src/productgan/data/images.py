"""Safe decoding of one image file into a square uint8 array, and reading many of them.

Shop photos arrive in every mode Pillow knows (CMYK, palette, 16-bit, alpha), rotated by EXIF,
tagged with colour profiles (Adobe RGB, Display P3: converted to sRGB), sometimes broken. Each file is either decoded into a clean (R, R, C) uint8 array or refused
with an ImageSkipped that says why, so one bad file never stops a catalog.
"""

from __future__ import annotations

import os
import stat
import warnings
from dataclasses import dataclass, field
from numbers import Integral
from pathlib import Path

import numpy as np
from PIL import Image, ImageOps, UnidentifiedImageError

from productgan.color_profile import to_srgb
from productgan.data.catalog import SkippedFile
from productgan.data.names import printable
from productgan.errors import CatalogError
from productgan.imaging import uint8_to_pil

IMAGE_EXTENSIONS = frozenset({".jpg", ".jpeg", ".png", ".bmp", ".gif", ".webp", ".tif", ".tiff"})
MIN_RESOLUTION = 8
MAX_RESOLUTION = 1024  # above it a catalog of a few thousand images no longer fits in memory
MAX_IMAGE_PIXELS = 64_000_000  # refuse larger headers before decoding: a 64 MP photo is already far more than we need
BORDER_RING = 2  # outermost pixels used to estimate a photo's background colour
SIXTEEN_BIT_MODES = ("I;16", "I;16L", "I;16B", "I;16N")
ALPHA_MODES = ("RGBA", "LA", "PA", "La", "RGBa")


class ImageSkipped(Exception):
    """A file that cannot be used as a catalog image; `reason` is shown to the user."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def is_image_file(path: Path) -> bool:
    """True when the extension is one we read (hidden files are never catalog images)."""
    return path.suffix.lower() in IMAGE_EXTENSIONS and not path.name.startswith(".")


def check_target_shape(resolution: int, channels: int) -> None:
    """Refuse an output shape before any file is read: a side in [MIN_RESOLUTION, MAX_RESOLUTION], 1 or 3 channels.

    Why here: every decode path (catalog readers, load_image) asks for this shape, and a side of
    100000 would otherwise only fail after minutes, when the first array is allocated.
    """
    if isinstance(resolution, bool) or not isinstance(resolution, Integral) or not (
        MIN_RESOLUTION <= resolution <= MAX_RESOLUTION
    ):
        raise CatalogError(
            f"resolution must be an integer >= {MIN_RESOLUTION} and <= {MAX_RESOLUTION}, got {resolution!r}"
        )
    if isinstance(channels, bool) or channels not in (1, 3):
        raise CatalogError(f"channels must be 1 (grayscale) or 3 (RGB), got {channels!r}")


def physical_memory_bytes() -> int | None:
    """Total RAM of this machine, or None where the OS does not say."""
    try:
        return int(os.sysconf("SC_PAGE_SIZE")) * int(os.sysconf("SC_PHYS_PAGES"))
    except (AttributeError, ValueError, OSError):
        return None


def check_catalog_memory(count: int, resolution: int, channels: int, source: str) -> None:
    """Refuse, before decoding, a catalog whose uint8 images alone would not fit in this machine's memory."""
    needed = int(count) * int(resolution) ** 2 * int(channels)
    available = physical_memory_bytes()
    if available is not None and needed > available:
        raise CatalogError(
            f"{printable(source)}: {count} images at {resolution}x{resolution}x{channels} "
            f"need {needed / 2**30:.1f} GiB, "
            f"more than this machine's {available / 2**30:.1f} GiB of memory; choose a lower resolution"
        )


def load_image(path: str | Path, resolution: int, channels: int, *, max_pixels: int = MAX_IMAGE_PIXELS) -> np.ndarray:
    """Decode, pad to square with the photo's own background and resize: uint8 (resolution, resolution, channels).

    Raises ImageSkipped for empty, corrupt, truncated, oversized or non-image files.
    """
    return load_image_with_size(path, resolution, channels, max_pixels=max_pixels)[0]


def load_image_with_size(
    path: str | Path, resolution: int, channels: int, *, max_pixels: int = MAX_IMAGE_PIXELS
) -> tuple[np.ndarray, tuple[int, int]]:
    """Like load_image, also returning the original (width, height) as displayed (after EXIF rotation)."""
    check_target_shape(resolution, channels)
    image, original_size = decode_image(path, channels, draft_size=2 * resolution, max_pixels=max_pixels)
    array = np.asarray(image, dtype=np.uint8).reshape(image.height, image.width, channels)
    return resize_square(pad_to_square(array), resolution), original_size


def decode_image(
    path: str | Path, channels: int, *, draft_size: int | None = None, max_pixels: int = MAX_IMAGE_PIXELS,
    keep_alpha: bool = False,
) -> tuple[Image.Image, tuple[int, int]]:
    """Open one file as an 'L' (channels=1) or 'RGB' (channels=3) image, upright per EXIF, in sRGB
(an embedded ICC profile applied by color_profile.to_srgb; a broken one warns, naming the file).

    draft_size lets JPEG decode at a reduced scale (both sides stay >= draft_size), which makes
    reading hundreds of large photos for a 64 px model several times faster. keep_alpha: a file
    with transparency comes back 'RGBA' (channels=3 only): its colour still flattened onto white, as
    without, and its own alpha beside, so a photo edit can carry the cut-out through.
    Returns the image and its original (width, height) after EXIF rotation.
    """
    path = Path(path)
    _refuse_empty(path)
    with warnings.catch_warnings():
        # We apply our own, lower pixel limit below; Pillow's warning would only be noise.
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        try:
            with Image.open(path) as image:
                _refuse_bomb(image.size, max_pixels)
                original_size = _displayed_size(image)
                if draft_size:
                    image.draft(None, (draft_size, draft_size))
                image.load()
                image = to_srgb(apply_exif_orientation(image), str(path))
                converted = _to_mode(to_8bit_rgb_or_grey(image), "L" if channels == 1 else "RGB")
                if keep_alpha and channels == 3 and has_alpha(image):
                    converted = with_alpha(converted, image)
                return converted, original_size
        except ImageSkipped:
            raise
        except UnidentifiedImageError:
            raise ImageSkipped(_unidentified_reason(path)) from None
        except Image.DecompressionBombError as exc:
            raise ImageSkipped(f"decompression bomb: {exc}") from None
        except OSError as exc:
            if "truncated" in str(exc):
                raise ImageSkipped(f"truncated image: {exc}") from None
            raise ImageSkipped(f"corrupt image data: {exc}") from None
        except Exception as exc:  # noqa: BLE001 - a malformed file can make any decoder raise anything
            raise ImageSkipped(f"corrupt image data ({type(exc).__name__}: {exc})") from None


def _refuse_empty(path: Path) -> None:
    """Refuse before opening: a FIFO or a device (/dev/zero) would block or never end, an empty file holds nothing."""
    try:
        status = path.stat()
    except OSError as exc:
        raise ImageSkipped(f"cannot read file: {exc.strerror or exc}") from None
    if not stat.S_ISREG(status.st_mode):
        raise ImageSkipped("not a regular file (a device, FIFO or socket); not read")
    if status.st_size == 0:
        raise ImageSkipped("empty file (0 bytes)")


def _refuse_bomb(size: tuple[int, int], max_pixels: int) -> None:
    """Check the size the header claims before any pixel is decoded."""
    width, height = size
    if width * height > max_pixels:
        raise ImageSkipped(f"decompression bomb: {width} x {height} pixels exceeds limit of {max_pixels} pixels")


def _displayed_size(image: Image.Image) -> tuple[int, int]:
    """(width, height) as a viewer shows it: EXIF orientations 5-8 swap the sides."""
    try:
        orientation = image.getexif().get(0x0112, 1)
    except Exception:  # noqa: BLE001 - broken EXIF: treat as upright, as apply_exif_orientation does
        orientation = 1
    width, height = image.size
    return (height, width) if orientation in (5, 6, 7, 8) else (width, height)


def apply_exif_orientation(image: Image.Image) -> Image.Image:
    """The image as a viewer shows it (EXIF orientation applied: phones store photos sideways).

    Public because every reader of user photos needs it, files (decode_image) and uploads alike
    (photo_io). A broken EXIF block leaves the pixels as stored rather than losing the photo.
    """
    try:
        return ImageOps.exif_transpose(image)
    except Exception:  # noqa: BLE001
        return image


def _unidentified_reason(path: Path) -> str:
    with open(path, "rb") as handle:
        head = handle.read(512)
    try:
        head.decode("utf-8")
        looks_like_text = b"\x00" not in head
    except UnicodeDecodeError:
        looks_like_text = False
    if looks_like_text:
        return "not an image: the file looks like text"
    return "not an image: unknown format or corrupt header"


def to_8bit_rgb_or_grey(image: Image.Image) -> Image.Image:
    """Any Pillow mode (CMYK, palette, 16-bit, float, 1-bit, alpha) as 8-bit 'L' or 'RGB'.

    Transparency is composited onto white (the studio background), so a cut-out product looks as
    it would on a product page; high-bit-depth grey is scaled by its nominal range. Public for the
    same reason as apply_exif_orientation: uploads need the conversion files get.
    """
    if image.mode in SIXTEEN_BIT_MODES or image.mode in ("I", "F"):
        return Image.fromarray(_scale_to_8bit(image), mode="L")
    if image.mode == "1":
        return image.convert("L")
    if has_alpha(image):
        rgba = image.convert("RGBA")
        white = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(white, rgba).convert("RGB")
    return image if image.mode in ("L", "RGB") else image.convert("RGB")


def has_alpha(image: Image.Image) -> bool:
    """Whether a Pillow image carries transparency (an alpha band or a transparent palette entry)."""
    return image.mode in ALPHA_MODES or "transparency" in image.info


def with_alpha(rgb: Image.Image, original: Image.Image) -> Image.Image:
    """'RGBA': the flattened 'RGB' colour with the original's alpha as the fourth band."""
    alpha = original.convert("RGBA").getchannel("A")
    return Image.merge("RGBA", (*rgb.split(), alpha))


def _scale_to_8bit(image: Image.Image) -> np.ndarray:
    """Scale high-bit-depth gray to 0..255 by its nominal range (65535 -> 255, 32768 -> 128), not by clipping."""
    values = np.asarray(image).astype(np.float64)
    full_scale = _nominal_full_scale(image.mode, float(values.max(initial=0.0)))
    return np.clip(np.rint(values * (255.0 / full_scale)), 0, 255).astype(np.uint8)


def _nominal_full_scale(mode: str, peak: float) -> float:
    """The white level of the data: 65535 for 16-bit modes, else the smallest usual range holding the peak.

    32-bit 'I' and float 'F' files do not say their range, so 0..255, 0..65535 (and 0..1 for
    floats) are tried in turn; only data beyond all of them is scaled by its own maximum.
    """
    if mode in SIXTEEN_BIT_MODES:
        return 65535.0
    ranges = (1.0, 255.0, 65535.0) if mode == "F" else (255.0, 65535.0)
    return next((r for r in ranges if peak <= r), peak)


def _to_mode(image: Image.Image, mode: str) -> Image.Image:
    return image if image.mode == mode else image.convert(mode)


def estimate_background(array: np.ndarray, ring: int = BORDER_RING) -> np.ndarray:
    """Per-channel median of the outermost `ring` pixels of a uint8 (H, W, C) image: the photo's backdrop colour."""
    height, width = array.shape[:2]
    if height <= 2 * ring or width <= 2 * ring:
        border = array.reshape(-1, array.shape[2])
    else:
        border = np.concatenate(
            [
                array[:ring].reshape(-1, array.shape[2]),
                array[-ring:].reshape(-1, array.shape[2]),
                array[ring:-ring, :ring].reshape(-1, array.shape[2]),
                array[ring:-ring, -ring:].reshape(-1, array.shape[2]),
            ]
        )
    return np.median(border, axis=0).round().astype(np.uint8)


def pad_to_square(array: np.ndarray, background: np.ndarray | None = None) -> np.ndarray:
    """Centre a uint8 (H, W, C) image on a square canvas of side max(H, W).

    The canvas is filled with `background`, by default the photo's own border colour, so that a
    product on light grey is not framed by black bars the GAN would then learn to draw.
    """
    height, width, channels = array.shape
    side = max(height, width)
    if height == width:
        return array
    fill = estimate_background(array) if background is None else np.asarray(background, dtype=np.uint8)
    canvas = np.empty((side, side, channels), dtype=np.uint8)
    canvas[...] = fill.reshape(1, 1, -1)
    top, left = (side - height) // 2, (side - width) // 2
    canvas[top : top + height, left : left + width] = array
    return canvas


def resize_square(array: np.ndarray, resolution: int) -> np.ndarray:
    """Antialiased (Lanczos) resize of a square uint8 (S, S, C) image to (resolution, resolution, C)."""
    if array.shape[0] == resolution:
        return array
    channels = array.shape[2]
    resized = uint8_to_pil(array).resize((resolution, resolution), Image.Resampling.LANCZOS, reducing_gap=3.0)
    return np.asarray(resized, dtype=np.uint8).reshape(resolution, resolution, channels)


@dataclass
class DecodedImages:
    """What reading a list of files gave: arrays for the usable ones (with their index in the list) and skips."""

    arrays: list[np.ndarray] = field(default_factory=list)
    original_sizes: list[tuple[int, int]] = field(default_factory=list)
    kept: list[int] = field(default_factory=list)
    skipped: list[SkippedFile] = field(default_factory=list)

    def stacked(self, resolution: int, channels: int) -> np.ndarray:
        """All arrays as one uint8 (N, R, R, C) block; (0, R, R, C) when nothing was usable."""
        if not self.arrays:
            return np.zeros((0, resolution, resolution, channels), dtype=np.uint8)
        return np.stack(self.arrays)


def read_image_files(paths: list[Path], resolution: int, channels: int, source: str = "catalog") -> DecodedImages:
    """Decode each file; the unusable ones land in `skipped` with their reason instead of raising.

    The shape and the memory the result needs are checked first (CatalogError), not after the
    files were read.
    """
    check_target_shape(resolution, channels)
    check_catalog_memory(len(paths), resolution, channels, source)
    decoded = DecodedImages()
    for index, path in enumerate(paths):
        try:
            array, size = load_image_with_size(path, resolution, channels)
        except ImageSkipped as skip:
            decoded.skipped.append(SkippedFile(str(path), skip.reason))
            continue
        decoded.arrays.append(array)
        decoded.original_sizes.append(size)
        decoded.kept.append(index)
    return decoded
