"""Which photos break a preset's rules, and why: `productgan catalog check DIR`.

Each photo gets a list of breaches, each a rule and a one-line reason with the figures: the
background is not white, the product is too small or off-centre, the image is too small, blurred
or too dark. Nothing is written but the report; the photos are only read.

The product's place comes from edit.mask.product_mask (colour distance to the backdrop) on a copy
at most GEOMETRY_SIDE px long, which is plenty to place a box and several times quicker.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

from productgan.atomic import write_atomic
from productgan.catalog.pool import map_in_processes
from productgan.catalog.presets import Preset, get_preset
from productgan.catalog.walk import find_photos, source_of
from productgan.data.images import estimate_background
from productgan.edit.mask import product_mask
from productgan.enhance.assess import BACKDROP_SHARE, MEASURE_NAMES, Assessment, assess
from productgan.errors import ProductGANError
from productgan.photo_io import PhotoError, read_photo
from productgan.progress import WorkProgress

GEOMETRY_SIDE = 512
RULES = ("unreadable", "failed", "too_small", "background", "no_product", "product_small", "off_centre", "blurred",
         "too_dark")
DARK_MEASURES = ("white_point", "brightness")


@dataclass(frozen=True)
class Geometry:
    """Where the product sits, as shares of the frame: fill is the larger of its width over the
    frame's and its height over the frame's; offset_x/offset_y its box centre's distance from the
    middle (positive: right, down); touches_edge: the frame cuts it."""

    fill: float
    offset_x: float
    offset_y: float
    touches_edge: bool


@dataclass(frozen=True)
class Breach:
    rule: str
    reason: str


@dataclass
class PhotoCheck:
    """One photo's verdict: its breaches (none: it passes), its measures and where its product is."""

    photo: Path
    breaches: list[Breach] = field(default_factory=list)
    measures: dict[str, float] = field(default_factory=dict)
    size: tuple[int, int] | None = None  # (width, height)
    geometry: Geometry | None = None

    @property
    def ok(self) -> bool:
        return not self.breaches

    def reasons(self) -> str:
        return "; ".join(b.reason for b in self.breaches)


def box_of(mask: np.ndarray) -> tuple[int, int, int, int] | None:
    """(top, left, bottom, right), bottom/right exclusive, of a boolean mask's True pixels; None if none."""
    rows, cols = np.flatnonzero(mask.any(axis=1)), np.flatnonzero(mask.any(axis=0))
    if len(rows) == 0:
        return None
    return int(rows[0]), int(cols[0]), int(rows[-1]) + 1, int(cols[-1]) + 1


def product_geometry(image: np.ndarray) -> Geometry | None:
    """Where the product sits in a uint8 RGB photo; None when no product stands out from the backdrop."""
    longer = max(image.shape[:2])
    if longer > GEOMETRY_SIDE:
        factor = GEOMETRY_SIDE / longer
        size = (max(1, round(image.shape[1] * factor)), max(1, round(image.shape[0] * factor)))
        image = cv2.resize(image, size, interpolation=cv2.INTER_AREA)
    box = box_of(product_mask(image))
    if box is None:
        return None
    height, width = image.shape[:2]
    top, left, bottom, right = box
    return Geometry(fill=max((bottom - top) / height, (right - left) / width),
                    offset_x=((left + right) / 2 - width / 2) / width,
                    offset_y=((top + bottom) / 2 - height / 2) / height,
                    touches_edge=top == 0 or left == 0 or bottom == height or right == width)


def check_image(image: np.ndarray, preset: Preset, assessment: Assessment | None = None) -> PhotoCheck:
    """The breaches of one decoded photo (uint8 RGB); `photo` is left for the caller to name."""
    assessment = assess(image) if assessment is None else assessment
    height, width = image.shape[:2]
    result = PhotoCheck(Path(), measures=dict(assessment.measures), size=(width, height))
    breaches = result.breaches
    if preset.min_side and min(height, width) < preset.min_side:
        breaches.append(Breach("too_small", f"too small: {width} x {height} px, "
                                            f"needs at least {preset.min_side} px a side"))
    if preset.white_lightness is not None:
        breaches.extend(_background(image, assessment, preset))
    if preset.min_fill is not None or preset.max_offset is not None:
        result.geometry = product_geometry(image)
        breaches.extend(_placement(result.geometry, preset))
    if "sharpness" in assessment.problems:
        breaches.append(Breach("blurred", assessment.problems["sharpness"]))
    dark = [assessment.problems[m] for m in DARK_MEASURES if m in assessment.problems]
    if dark:
        breaches.append(Breach("too_dark", "too dark: " + "; ".join(dark)))
    return result


def _background(image: np.ndarray, assessment: Assessment, preset: Preset) -> list[Breach]:
    measures = assessment.measures
    if measures["backdrop_share"] < BACKDROP_SHARE:
        return [Breach("background", f"background not white: the border is not one colour (only "
                                     f"{measures['backdrop_share']:.0%} of it is); the product or a scene fills the frame")]
    if measures["backdrop"] < preset.white_lightness or measures["cast"] > preset.white_chroma:
        rgb = ",".join(str(int(v)) for v in estimate_background(image))
        return [Breach("background", f"background not white: the border reads RGB {rgb} (L {measures['backdrop']:.0f}, "
                                     f"chroma {measures['cast']:.1f}); needs L >= {preset.white_lightness:g} and "
                                     f"chroma <= {preset.white_chroma:g}")]
    return []


def _placement(geometry: Geometry | None, preset: Preset) -> list[Breach]:
    if geometry is None:
        return [Breach("no_product", "no product found: nothing stands out from the backdrop")]
    breaches = []
    if preset.min_fill is not None and geometry.fill < preset.min_fill:
        breaches.append(Breach("product_small", f"product too small: it spans {geometry.fill:.0%} of the frame, "
                                                f"needs at least {preset.min_fill:.0%} ({preset.fill:.0%} is the aim)"))
    if preset.max_offset is not None and max(abs(geometry.offset_x), abs(geometry.offset_y)) > preset.max_offset:
        axes = ((geometry.offset_x, "width", ("left of", "right of")),
                (geometry.offset_y, "height", ("above", "below")))
        where = [f"{abs(offset):.0%} of the {side} {words[offset > 0]}" for offset, side, words in axes
                 if abs(offset) >= 0.005]
        breaches.append(Breach("off_centre", f"product off-centre: its centre is {' and '.join(where)} the middle; "
                                             f"needs at most {preset.max_offset:.0%}"))
    return breaches


def check_file(task: tuple[Path, Path, str]) -> PhotoCheck:
    """One photo of a folder, for map_in_processes: (root, relative name, preset name) -> its check.
    An unreadable file is a breach of its own, named; any other error is reported, not raised, so
    one odd photo never stops a catalog."""
    root, relative, preset_name = task
    try:
        image = read_photo(source_of(root, relative))
    except PhotoError as error:
        return PhotoCheck(relative, [Breach("unreadable", f"unreadable: {error}")])
    try:
        result = check_image(image, get_preset(preset_name))
    except Exception as error:  # noqa: BLE001 - reported per photo, the run goes on
        return PhotoCheck(relative, [Breach("failed", f"could not be checked ({type(error).__name__}: {error})")])
    result.photo = relative
    return result


def check_folder(root: str | Path, preset: Preset, workers: int = 1, progress: bool = True) -> list[PhotoCheck]:
    """Every photo under `root` (any depth) checked against `preset`, sorted by name."""
    root = Path(root)
    photos = find_photos(root)
    if not photos:
        raise ProductGANError(f"{root}: no image files found")
    results: list[PhotoCheck] = []
    with WorkProgress("check", len(photos), enabled=progress, describe=lambda d, t: f"{d:.0f}/{t:.0f} photos") as bar:
        for _, result in map_in_processes(check_file, [(root, p, preset.name) for p in photos], workers):
            results.append(result)
            bar.update(len(results))
    return sorted(results, key=lambda r: r.photo)


CSV_COLUMNS = ("photo", "ok", "rules", "reasons", "width", "height", "fill", "offset_x", "offset_y", *MEASURE_NAMES)


def write_check_csv(results: list[PhotoCheck], path: str | Path) -> Path:
    """One row per photo: ok, the rules broken, the reasons, its size, placement and measures."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for r in results:
        g = r.geometry
        placement = ("", "", "") if g is None else (f"{g.fill:.3f}", f"{g.offset_x:.3f}", f"{g.offset_y:.3f}")
        writer.writerow([str(r.photo), "yes" if r.ok else "no", " ".join(b.rule for b in r.breaches), r.reasons(),
                         *(r.size or ("", "")), *placement, *(_number(r.measures.get(name)) for name in MEASURE_NAMES)])
    data = buffer.getvalue().encode()
    return write_atomic(path, lambda handle: handle.write(data))


def _number(value: float | None) -> str:
    return "" if value is None else f"{value:.4g}"
