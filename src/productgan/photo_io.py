"""Reading a user's own photos at full size and writing edited copies beside them, never over them.

Edits and enhancements work on whatever a shop hands over (a file or a folder, any mode Pillow
reads), so decoding goes through the catalog reader's guards (decompression bombs, corrupt and
truncated files, EXIF rotation, alpha onto white) and every output path is checked against the
inputs: a new file, written atomically, or a clear refusal.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

import numpy as np
from PIL import Image

from productgan.atomic import write_atomic
from productgan.data.images import (
    MAX_IMAGE_PIXELS, ImageSkipped, apply_exif_orientation, decode_image, is_image_file, to_8bit_rgb_or_grey,
)
from productgan.errors import ProductGANError
from productgan.imaging import uint8_to_pil
from productgan.progress import WorkProgress

OUTPUT_FORMATS = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".webp": "WEBP"}


class PhotoError(ProductGANError):
    """A photo that cannot be read, or an output that would overwrite an input."""


def read_photo(path: str | Path, max_pixels: int = MAX_IMAGE_PIXELS) -> np.ndarray:
    """uint8 (H, W, 3) RGB at the file's own size; PhotoError names the file and the problem."""
    try:
        image, _ = decode_image(path, channels=3, max_pixels=max_pixels)
    except ImageSkipped as skip:
        raise PhotoError(f"{path}: {skip.reason}") from None
    return np.asarray(image, dtype=np.uint8).reshape(image.height, image.width, 3)


def photo_from_image(image: Image.Image) -> np.ndarray:
    """uint8 (H, W, 3) RGB from an already opened and checked Pillow image (an HTTP upload):
    upright per EXIF, alpha onto white, any mode to RGB, as read_photo does for files."""
    return np.asarray(to_8bit_rgb_or_grey(apply_exif_orientation(image)).convert("RGB"), dtype=np.uint8)


def write_photo(array: np.ndarray, path: str | Path, quality: int = 95) -> Path:
    """Write uint8 (H, W, 3) atomically in the format the suffix names (PNG, JPEG, WebP)."""
    path = Path(path)
    fmt = OUTPUT_FORMATS.get(path.suffix.lower())
    if fmt is None:
        raise PhotoError(f"{path}: unsupported output format {path.suffix!r}; use one of {', '.join(OUTPUT_FORMATS)}")
    image = uint8_to_pil(array)
    options = {"quality": quality} if fmt in ("JPEG", "WEBP") else {}
    return write_atomic(path, lambda handle: image.save(handle, format=fmt, **options))


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


def iter_readable(jobs: list[PhotoJob], skipped: list[tuple[Path, str]]) -> Iterator[tuple[PhotoJob, np.ndarray]]:
    """Decode each job's photo, recording unreadable ones in `skipped` instead of stopping the batch."""
    for job in jobs:
        try:
            yield job, read_photo(job.source)
        except PhotoError as error:
            skipped.append((job.source, str(error)))


@dataclass
class MapReport:
    """The files written and the photos skipped, with why."""

    written: list[Path] = field(default_factory=list)
    skipped: list[tuple[Path, str]] = field(default_factory=list)


def map_photos(edit: Callable[..., np.ndarray], source: str | Path, out: str | Path, suffix: str,
               fmt: str = ".png", progress: bool = True, with_source: bool = False) -> MapReport:
    """Apply `edit` to every photo in `source`, writing `out`/STEM-SUFFIX.FMT; unreadable photos are reported, not fatal.

    with_source: call edit(image, source_path), for edits that read a per-photo companion file (a mask).
    """
    jobs = plan_outputs(source, out, suffix, fmt)
    report = MapReport()
    with WorkProgress(suffix, len(jobs), enabled=progress, describe=lambda d, t: f"{d:.0f}/{t:.0f} photos") as bar:
        for job, image in iter_readable(jobs, report.skipped):
            result = edit(image, job.source) if with_source else edit(image)
            report.written.append(write_photo(result, job.target))
            bar.update(len(report.written) + len(report.skipped))
    return report


def refuse_overwrite(photo: str | Path, out: str | Path, names: list[str]) -> None:
    """Never write over the photo the user handed over: refuse when out/NAME is the photo for any name."""
    photo, out = Path(photo), Path(out)
    if photo.resolve() in {(out / name).resolve() for name in names}:
        raise ProductGANError(f"{photo}: --out {out} would overwrite the input photo; choose another folder")
