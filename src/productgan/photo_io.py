"""Reading a user's own photos at full size and writing edited copies beside them, never over them.

Edits and enhancements work on whatever a shop hands over (a file or a folder, any mode Pillow
reads), so decoding goes through the catalog reader's guards (decompression bombs, corrupt and
truncated files, EXIF rotation, embedded colour profiles converted to sRGB, alpha onto white)
and every output path is checked against the inputs: a new file, written atomically, or a clear
refusal.

A photo with transparency (a cut-out PNG) is read as its colour flattened onto white, which the
edits and the product mask expect, plus its alpha; `map_photos(..., with_alpha=True)` hands both
to the edit and writes RGBA PNG back (PNG even when JPEG was asked for: keep_transparency), so a
cut-out stays cut out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

import numpy as np
from PIL import Image

from productgan.atomic import write_atomic
from productgan.color_profile import srgb_icc, to_srgb
from productgan.data.images import (
    MAX_IMAGE_PIXELS, ImageSkipped, apply_exif_orientation, decode_image, has_alpha, is_image_file,
    to_8bit_rgb_or_grey, with_alpha,
)
from productgan.errors import ProductGANError
from productgan.imaging import uint8_to_pil
from productgan.progress import WorkProgress

OUTPUT_FORMATS = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".webp": "WEBP"}


class PhotoError(ProductGANError):
    """A photo that cannot be read, or an output that would overwrite an input."""


def read_photo(path: str | Path, max_pixels: int = MAX_IMAGE_PIXELS) -> np.ndarray:
    """uint8 (H, W, 3) RGB at the file's own size; PhotoError names the file and the problem."""
    return read_photo_and_alpha(path, max_pixels, keep_alpha=False)[0]


def read_photo_and_alpha(path: str | Path, max_pixels: int = MAX_IMAGE_PIXELS,
                         keep_alpha: bool = True) -> tuple[np.ndarray, np.ndarray | None]:
    """(uint8 (H, W, 3) RGB flattened onto white, uint8 (H, W) alpha or None when the file has none),
    with read_photo's guards; PhotoError names the file and the problem."""
    try:
        image, _ = decode_image(path, channels=3, max_pixels=max_pixels, keep_alpha=keep_alpha)
    except ImageSkipped as skip:
        raise PhotoError(f"{path}: {skip.reason}") from None
    return _split_alpha(np.asarray(image, dtype=np.uint8).reshape(image.height, image.width, -1))


def _split_alpha(array: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
    return (array[..., :3], array[..., 3]) if array.shape[2] == 4 else (array, None)


def photo_from_image(image: Image.Image, name: str = "upload") -> np.ndarray:
    """uint8 (H, W, 3) RGB from an already opened and checked Pillow image (an HTTP upload):
    upright per EXIF, in sRGB, alpha onto white, any mode to RGB, as read_photo does for files.
    name: how a warning about its colour profile names it."""
    return photo_and_alpha_from_image(image, name)[0]


def photo_and_alpha_from_image(image: Image.Image, name: str = "upload") -> tuple[np.ndarray, np.ndarray | None]:
    """photo_from_image's RGB and the upload's alpha (uint8 (H, W), or None when it has none)."""
    upright = to_srgb(apply_exif_orientation(image), name)
    rgb = to_8bit_rgb_or_grey(upright).convert("RGB")
    if has_alpha(upright):
        rgb = with_alpha(rgb, upright)
    return _split_alpha(np.asarray(rgb, dtype=np.uint8).reshape(rgb.height, rgb.width, -1))


def with_alpha_channel(rgb: np.ndarray, alpha: np.ndarray | None) -> np.ndarray:
    """uint8 (H, W, 4) RGBA when there is an alpha, else the (H, W, 3) RGB unchanged."""
    return rgb if alpha is None else np.dstack([rgb, alpha])


def write_photo(array: np.ndarray, path: str | Path, quality: int = 95, srgb_profile: bool = False) -> Path:
    """Write uint8 (H, W, 3) RGB or (H, W, 4) RGBA atomically in the format the suffix names (PNG,
    JPEG, WebP); JPEG has no alpha, so RGBA to .jpg is refused rather than silently flattened.
    srgb_profile: embed the sRGB ICC profile (save_options)."""
    path = Path(path)
    fmt = OUTPUT_FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise PhotoError(f"{path}: unsupported output format {path.suffix!r}; use one of {', '.join(OUTPUT_FORMATS)}")
    if fmt == "JPEG" and array.ndim == 3 and array.shape[2] == 4:
        raise PhotoError(f"{path}: JPEG cannot hold transparency; write .png (or .webp) for an RGBA result")
    image = uint8_to_pil(array)
    options = save_options(fmt, quality, srgb_profile)
    return write_atomic(path, lambda handle: image.save(handle, format=fmt, **options))


def save_options(fmt: str, quality: int, srgb_profile: bool = False) -> dict:
    """Pillow's save options for a photo in `fmt` (PNG, JPEG, WEBP): the quality where it has one,
    and with srgb_profile the sRGB ICC profile embedded. Pixels are sRGB either way (photos are
    converted on read); the tag is for a marketplace that asks for "sRGB JPEG" and checks the file."""
    options: dict = {"quality": quality} if fmt in ("JPEG", "WEBP") else {}
    if srgb_profile:
        options["icc_profile"] = srgb_icc()
    return options


@dataclass(frozen=True)
class PhotoJob:
    """One input photo and the new file its result goes to."""

    source: Path
    target: Path


def plan_outputs(source: str | Path, out: str | Path, suffix: str, fmt: str = ".png") -> list[PhotoJob]:
    """Pair each photo in `source` (a file or a folder) with a new file in `out` named STEM-SUFFIX.FMT.

    Refuses, before anything is written, when a target would be one of the inputs (never overwrite
    what the user handed over) or when a folder holds no image.
    """
    source, out = Path(source), Path(out)
    if not source.exists():
        raise PhotoError(f"{source}: no such file or folder")
    photos = [source] if source.is_file() else sorted(p for p in source.iterdir() if p.is_file() and is_image_file(p))
    if not photos:
        raise PhotoError(f"{source}: no image files found (looked for {', '.join(sorted(OUTPUT_FORMATS))}, ...)")
    jobs = [PhotoJob(p, out / f"{p.stem}-{suffix}{fmt}") for p in photos]
    inputs = {p.resolve() for p in photos}
    for job in jobs:
        if job.target.resolve() in inputs:
            raise PhotoError(f"{job.target}: would overwrite an input photo; choose another --out or suffix")
    return jobs


def iter_readable(jobs: list[PhotoJob], skipped: list[tuple[Path, str]], keep_alpha: bool = False,
                  ) -> Iterator[tuple[PhotoJob, np.ndarray, np.ndarray | None]]:
    """Decode each job's photo (and its alpha when keep_alpha), recording unreadable ones in
    `skipped` instead of stopping the batch."""
    for job in jobs:
        try:
            yield (job, *read_photo_and_alpha(job.source)) if keep_alpha else (job, read_photo(job.source), None)
        except PhotoError as error:
            skipped.append((job.source, str(error)))


@dataclass
class MapReport:
    """The files written, the photos skipped (with why), and notes on what was done differently
    from what was asked (a transparent result written as PNG instead of JPEG)."""

    written: list[Path] = field(default_factory=list)
    skipped: list[tuple[Path, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def map_photos(edit: Callable[..., np.ndarray], source: str | Path, out: str | Path, suffix: str,
               fmt: str = ".png", progress: bool = True, with_source: bool = False,
               with_alpha: bool = False) -> MapReport:
    """Apply `edit` to every photo in `source`, writing `out`/STEM-SUFFIX.FMT; unreadable photos are reported, not fatal.

    with_source: call edit(image, source_path), for edits that read a per-photo companion file (a mask).
    with_alpha: call edit(image, alpha), alpha uint8 (H, W) or None; the edit returns RGB or RGBA.
    Both: edit(image, alpha, source_path). An RGBA result asked for as JPEG is written as PNG
    (keep_transparency), with a note in the report.
    """
    jobs = plan_outputs(source, out, suffix, fmt)
    inputs = {job.source.resolve() for job in jobs}
    report = MapReport()
    with WorkProgress(suffix, len(jobs), enabled=progress, describe=lambda d, t: f"{d:.0f}/{t:.0f} photos") as bar:
        for job, image, alpha in iter_readable(jobs, report.skipped, keep_alpha=with_alpha):
            extras = ((alpha,) if with_alpha else ()) + ((job.source,) if with_source else ())
            result = edit(image, *extras)
            target = keep_transparency(result, job.target, inputs, report.notes)
            report.written.append(write_photo(result, target))
            bar.update(len(report.written) + len(report.skipped))
    return report


def keep_transparency(result: np.ndarray, target: Path, inputs: set[Path], notes: list[str]) -> Path:
    """The file an edit's result goes to: `target`, or for an RGBA result asked for as JPEG, the same
    name as .png, with a note saying so.

    Why switch rather than refuse or flatten: a cut-out's transparency is what the user made it for,
    and a batch should not stop on its first transparent photo; Real-ESRGAN's and rembg's users get a
    PNG for RGBA input whatever extension they asked for, and expect the same here.
    """
    if result.ndim != 3 or result.shape[2] != 4 or OUTPUT_FORMATS.get(target.suffix.lower()) != "JPEG":
        return target
    png = target.with_suffix(".png")
    if png.resolve() in inputs:
        raise PhotoError(f"{png}: would overwrite an input photo (a transparent result is written as PNG); "
                         "choose another --out")
    notes.append(f"{target.name}: kept the transparency, which JPEG cannot hold: wrote {png.name}")
    return png


def refuse_overwrite(photo: str | Path, out: str | Path, names: list[str]) -> None:
    """Never write over the photo the user handed over: refuse when out/NAME is the photo for any name."""
    photo, out = Path(photo), Path(out)
    if photo.resolve() in {(out / name).resolve() for name in names}:
        raise ProductGANError(f"{photo}: --out {out} would overwrite the input photo; choose another folder")
