"""Colour-managed reading: a photo with an embedded ICC profile other than sRGB is converted to sRGB.

Why: every measure, mask, model and output here works in sRGB, the space of the web and of the
marketplaces' "sRGB JPEG". A camera or editor export in Adobe RGB or Display P3, read as if its
numbers were sRGB, looks duller and shifted in hue (its greens most). So each photo's profile, when
it has one, is applied once as it is decoded (data.images.decode_image for files,
photo_io.photo_and_alpha_from_image for uploads) with Pillow's ImageCms (littlecms), and the
pixels handed on are sRGB with no profile attached. A photo without a profile is taken as sRGB, as
browsers take it; a profile that already is sRGB leaves the pixels untouched, bit for bit. A
profile that cannot be read or applied is a warning naming the file, never a lost photo: its
pixels are used as they are.
"""

from __future__ import annotations

import io
import warnings
from contextlib import contextmanager
from functools import lru_cache
from typing import Iterator

import numpy as np
from PIL import Image, ImageCms

INTENT = ImageCms.Intent.PERCEPTUAL  # Pillow's default; for matrix profiles (Adobe RGB, P3) it is relative colorimetric
SAME_AS_SRGB = 1  # grey levels: a profile that moves no swatch colour further than this is sRGB (rounding aside)
# Colour modes littlecms converts; 16-bit and float grey, 1-bit and others keep their pixels as stored.
COLOR_MODES = ("RGB", "L", "CMYK")
ALPHA_MODES = {"RGBA": "RGB", "LA": "L", "PA": "RGB"}  # a mode with an alpha band -> its colour mode


class ColorProfileWarning(UserWarning):
    """A photo's embedded colour profile could not be read or applied; its pixels were used as stored."""


@lru_cache(maxsize=1)
def _srgb() -> ImageCms.ImageCmsProfile:
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB"))


def srgb_icc() -> bytes:
    """The bytes of littlecms's sRGB profile (588 bytes), to embed in a file that promises sRGB."""
    return _srgb().tobytes()


@lru_cache(maxsize=1)
def _swatch() -> Image.Image:
    """216 RGB colours, every channel at 0, 51, ..., 255: primaries, greys and everything between."""
    levels = np.arange(0, 256, 51, dtype=np.uint8)
    cube = np.stack(np.meshgrid(levels, levels, levels, indexing="ij"), axis=-1).reshape(1, -1, 3)
    return Image.fromarray(cube, "RGB")


def to_srgb(image: Image.Image, name: str) -> Image.Image:
    """`image` with its embedded ICC profile (info['icc_profile']) applied, as sRGB pixels with no
    profile attached: 'RGB' (or 'RGBA', its alpha kept) for a colour, grey or CMYK photo.

    Unchanged when the image has no profile, when its profile is sRGB, or when its mode is not one
    littlecms converts (16-bit grey, for one). name: how a warning names the photo (its path).
    """
    icc = image.info.get("icc_profile")
    if not icc:
        return image
    try:
        converted = _apply(image, ImageCms.ImageCmsProfile(io.BytesIO(icc)))
    except Exception as error:  # noqa: BLE001 - a malformed profile can make littlecms raise anything
        warnings.warn(f"{name}: its colour profile cannot be applied ({type(error).__name__}: {error}); "
                      "its pixels were read as sRGB", ColorProfileWarning, stacklevel=2)
        converted = image
    converted.info.pop("icc_profile", None)
    return converted


def _apply(image: Image.Image, profile: ImageCms.ImageCmsProfile) -> Image.Image:
    if image.mode == "P":
        image = image.convert("RGBA" if "transparency" in image.info else "RGB")
    alpha = image.getchannel("A") if image.mode in ALPHA_MODES else None
    color = image.convert(ALPHA_MODES[image.mode]) if alpha is not None else image
    if color.mode not in COLOR_MODES:
        return image
    transform = ImageCms.buildTransform(profile, _srgb(), color.mode, "RGB", renderingIntent=INTENT)
    if color.mode == "RGB" and _moves_nothing(transform):
        return image  # already sRGB (or a copy of it under another name): bit for bit
    converted = ImageCms.applyTransform(color, transform)
    if alpha is not None:
        converted.putalpha(alpha)
    return converted


def _moves_nothing(transform: ImageCms.ImageCmsTransform) -> bool:
    """Whether an RGB -> sRGB transform leaves every swatch colour within SAME_AS_SRGB grey levels:
    then the profile is sRGB in all but name, and converting would only add rounding."""
    moved = np.asarray(ImageCms.applyTransform(_swatch(), transform), np.int16) - np.asarray(_swatch(), np.int16)
    return int(np.abs(moved).max()) <= SAME_AS_SRGB


@contextmanager
def profile_warnings() -> Iterator[list[str]]:
    """Collect the ColorProfileWarning messages raised inside (for a report row) instead of printing
    them; other warnings go on as usual."""
    messages: list[str] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ColorProfileWarning)
        yield messages
    for warning in caught:
        if issubclass(warning.category, ColorProfileWarning):
            messages.append(str(warning.message))
        else:
            warnings.warn_explicit(warning.message, warning.category, warning.filename, warning.lineno)
