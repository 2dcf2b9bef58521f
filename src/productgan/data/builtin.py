"""The built-in catalog `builtin:catalog`: procedural product photos with known attributes.

Every image is drawn by `render_product` from six attributes (category, color, pattern, size,
angle, material) plus small per-image jitter (position, scale, tilt, shade, shape proportions,
background level), so a GAN has something to learn while every attribute stays exactly
recoverable. Products are drawn as polygons in a local frame ([-1, 1] box, y down), rotated,
scaled and placed on a near-white (~245) studio background with a soft drop shadow, rendered
supersampled (at least 128 px across) and box-filtered down for antialiasing. Each product is
shifted so that its mean colour is exactly its `BUILTIN_COLORS` entry (up to a +-5% shade jitter)
whatever its pattern and material, and `render_product` also returns the product mask, so colour
control can be measured exactly.
"""

from __future__ import annotations

import math

import numpy as np
from PIL import Image, ImageDraw, ImageFilter

from productgan.data.catalog import Catalog
from productgan.data.images import check_catalog_memory
from productgan.data.palette import BUILTIN_COLOR_NAMES, NAMED_COLORS
from productgan.imaging import REC601_LUMA, rgb_to_grey

SOURCE = "builtin:catalog"
DEFAULT_COUNT = 3072

# The palette's entries for the colours this catalog draws (data/palette.py: one RGB per colour name).
BUILTIN_COLORS: dict[str, tuple[int, int, int]] = {name: NAMED_COLORS[name] for name in BUILTIN_COLOR_NAMES}

BUILTIN_ATTRIBUTES: dict[str, list[str]] = {
    "category": ["tee", "trousers", "shoe", "bag", "ring", "watch"],
    "color": list(BUILTIN_COLORS),
    "pattern": ["plain", "stripes", "dots", "check"],
    "size": ["small", "medium", "large"],
    "angle": ["left", "front", "right"],
    "material": ["matte", "glossy", "knit", "metallic"],
}

# Half-extent of the local [-1, 1] box as a fraction of the canvas side.
_SIZE_UNIT = {"small": 0.24, "medium": 0.31, "large": 0.38}
# Degrees counter-clockwise as seen: "left" leans the product's top to the left.
_ANGLE_DEGREES = {"left": 20.0, "front": 0.0, "right": -20.0}
_SUPERSAMPLE_PIXELS = 128  # render at least this many pixels across, then box-filter down
_PATTERN_PERIOD = 0.09  # stripe/dot/check period as a fraction of the canvas, whatever the size

# Part roles, drawn as label values into one map; later parts cover earlier ones, 0 cuts a hole.
HOLE, MAIN, TRIM, SOLE, DETAIL, GEM, DIAL = range(7)
PATTERN = 7  # not a part: the row of the pattern's colour in _role_colors


# ---------------------------------------------------------------- shape helpers (local frame)
def _ellipse(cx: float, cy: float, rx: float, ry: float, start: float = 0.0, stop: float = 2 * math.pi,
             n: int = 40) -> np.ndarray:
    """Points on an elliptical arc; angles in radians, y down (pi/2 is the bottom)."""
    t = np.linspace(start, stop, n)
    return np.stack([cx + rx * np.cos(t), cy + ry * np.sin(t)], axis=1)


def _band(cx: float, cy: float, rx: float, ry: float, width: float, start: float, stop: float) -> np.ndarray:
    """A curved strip (handle, collar) of the given width along an elliptical arc."""
    outer = _ellipse(cx, cy, rx + width / 2, ry + width / 2, start, stop)
    inner = _ellipse(cx, cy, rx - width / 2, ry - width / 2, start, stop)
    return np.concatenate([outer, inner[::-1]])


def _bar(x0: float, y0: float, x1: float, y1: float, width: float) -> np.ndarray:
    """A straight stroke from (x0, y0) to (x1, y1) as a quadrilateral."""
    dx, dy = x1 - x0, y1 - y0
    norm = math.hypot(dx, dy) or 1.0
    nx, ny = -dy / norm * width / 2, dx / norm * width / 2
    return np.array([(x0 + nx, y0 + ny), (x1 + nx, y1 + ny), (x1 - nx, y1 - ny), (x0 - nx, y0 - ny)])


def _rect(x0: float, y0: float, x1: float, y1: float) -> np.ndarray:
    return np.array([(x0, y0), (x1, y0), (x1, y1), (x0, y1)])


Parts = list[tuple[int, np.ndarray]]


# ---------------------------------------------------------------- the six silhouettes
def _tee(rng: np.random.Generator) -> Parts:
    neck, half, reach = rng.uniform(0.2, 0.26), rng.uniform(0.5, 0.58), rng.uniform(0.9, 1.0)
    top, cuff = -0.88, 0.26  # shoulder line height; cuff width
    outline = [(-half - 0.02, -0.8), (-reach, -0.42), (-reach + cuff * 0.8, -0.16), (-half, -0.36),
               (-half, 0.92), (half, 0.92), (half, -0.36), (reach - cuff * 0.8, -0.16), (reach, -0.42),
               (half + 0.02, -0.8)]
    body = np.concatenate([[(-neck, top)], outline, [(neck, top)],
                           _ellipse(0, top, neck, 0.2, 0, math.pi, 16)])
    return [
        (MAIN, body),
        (TRIM, _band(0, top, neck + 0.03, 0.23, 0.07, 0, math.pi)),
        (TRIM, _bar(-reach + 0.03, -0.39, -reach + cuff * 0.8 + 0.02, -0.13, 0.07)),
        (TRIM, _bar(reach - 0.03, -0.39, reach - cuff * 0.8 - 0.02, -0.13, 0.07)),
    ]


def _trousers(rng: np.random.Generator) -> Parts:
    waist, hem, crotch = rng.uniform(0.52, 0.6), rng.uniform(0.6, 0.7), rng.uniform(-0.3, -0.18)
    gap = rng.uniform(0.13, 0.18)  # half the gap between the legs at the hem
    legs = np.array([(-waist, -0.8), (waist, -0.8), (hem, 0.95), (gap, 0.95), (0, crotch),
                     (-gap, 0.95), (-hem, 0.95)])
    return [
        (MAIN, legs),
        (TRIM, _rect(-waist, -0.95, waist, -0.78)),
        (TRIM, _bar(0.0, -0.78, 0.0, crotch + 0.05, 0.035)),  # fly seam
        (TRIM, _rect(-hem + 0.01, 0.86, -gap - 0.02, 0.95)),  # cuffs
        (TRIM, _rect(gap + 0.02, 0.86, hem - 0.01, 0.95)),
    ]


def _shoe(rng: np.random.Generator) -> Parts:
    """Side view, toe to the right: a sneaker or an ankle boot on a thick sole."""
    boot = rng.random() < 0.35
    sole = np.array([(-0.96, 0.24), (0.93, 0.24), (0.99, 0.29), (0.97, 0.42), (0.9, 0.47), (-0.9, 0.47),
                     (-0.97, 0.41)])
    if boot:
        shaft = rng.uniform(-0.75, -0.6)
        upper = [(-0.93, 0.26), (-0.9, shaft), (-0.32, shaft - 0.03), (-0.28, -0.3), (0.05, -0.12),
                 (0.45, 0.0), (0.8, 0.07), (0.95, 0.15), (0.97, 0.26)]
        laces = [(-0.36 + 0.02 * k, shaft + 0.15 + 0.17 * k) for k in range(3)]
    else:
        collar = rng.uniform(-0.5, -0.4)
        upper = [(-0.93, 0.26), (-0.96, -0.15), (-0.86, collar + 0.02), (-0.62, collar), (-0.44, collar + 0.14),
                 (-0.2, collar - 0.02), (0.1, -0.26), (0.45, -0.06), (0.78, 0.04), (0.94, 0.13), (0.97, 0.26)]
        laces = [(-0.12 + 0.17 * k, collar + 0.14 + 0.11 * k) for k in range(3)]
    toe_cap = np.array([(0.52, -0.04), (0.78, 0.04), (0.94, 0.13), (0.97, 0.25), (0.52, 0.25)])
    heel_tab = _rect(-0.95, -0.05, -0.82, 0.25)
    parts: Parts = [(MAIN, np.array(upper)), (SOLE, sole), (TRIM, toe_cap), (TRIM, heel_tab)]
    for x, y in laces:
        parts.append((DETAIL, _bar(x - 0.07, y - 0.07, x + 0.07, y + 0.07, 0.05)))
    return parts


def _bag(rng: np.random.Generator) -> Parts:
    top_half, bottom_half = rng.uniform(0.62, 0.72), rng.uniform(0.8, 0.9)
    handle_height, handle_half = rng.uniform(0.6, 0.8), rng.uniform(0.38, 0.48)
    body = np.array([(-top_half, -0.15), (top_half, -0.15), (bottom_half, 0.82), (bottom_half - 0.08, 0.9),
                     (-bottom_half + 0.08, 0.9), (-bottom_half, 0.82)])
    flap = np.array([(-top_half - 0.02, -0.17), (top_half + 0.02, -0.17), (top_half + 0.05, 0.12),
                     (0.0, 0.32), (-top_half - 0.05, 0.12)])
    return [
        (TRIM, _band(0, -0.1, handle_half, handle_height, 0.11, math.pi, 2 * math.pi)),
        (MAIN, body),
        (TRIM, flap),
        (DETAIL, _rect(-0.08, 0.22, 0.08, 0.36)),
    ]


def _ring(rng: np.random.Generator) -> Parts:
    outer, inner = rng.uniform(0.7, 0.76), rng.uniform(0.46, 0.52)
    cy = 0.18
    top = cy - outer
    gem = np.array([(-0.13, top - 0.36), (0.13, top - 0.36), (0.24, top - 0.24), (0.0, top + 0.02),
                    (-0.24, top - 0.24)])
    return [
        (MAIN, _ellipse(0, cy, outer, outer * 0.97)),
        (HOLE, _ellipse(0, cy, inner, inner * 0.97)),
        (TRIM, np.array([(-0.2, top + 0.1), (0.2, top + 0.1), (0.16, top - 0.12), (-0.16, top - 0.12)])),
        (GEM, gem),
    ]


def _watch(rng: np.random.Generator) -> Parts:
    square = rng.random() < 0.4
    strap = rng.uniform(0.24, 0.29)
    if square:
        case = np.array([(-0.5, -0.5), (0.5, -0.5), (0.5, 0.5), (-0.5, 0.5)])
        dial = _rect(-0.4, -0.4, 0.4, 0.4)
    else:
        case, dial = _ellipse(0, 0, 0.53, 0.53), _ellipse(0, 0, 0.42, 0.42)
    hour, minute = rng.uniform(0, 2 * math.pi), rng.uniform(0, 2 * math.pi)
    parts: Parts = [
        (MAIN, np.array([(-strap, -0.4), (strap, -0.4), (strap - 0.03, -1.0), (-strap + 0.03, -1.0)])),
        (MAIN, np.array([(-strap, 0.4), (strap, 0.4), (strap - 0.03, 1.0), (-strap + 0.03, 1.0)])),
        (TRIM, case),
        (TRIM, _rect(0.5, -0.08, 0.6, 0.08)),  # crown
        (DIAL, dial),
        (DETAIL, _bar(0, 0, 0.22 * math.sin(hour), -0.22 * math.cos(hour), 0.07)),
        (DETAIL, _bar(0, 0, 0.34 * math.sin(minute), -0.34 * math.cos(minute), 0.05)),
        (TRIM, _ellipse(0, 0.72, 0.05, 0.05, n=10)),  # strap holes
        (TRIM, _ellipse(0, 0.86, 0.05, 0.05, n=10)),
    ]
    for k in range(4):  # hour marks at 12, 3, 6 and 9
        dx, dy = math.sin(k * math.pi / 2), -math.cos(k * math.pi / 2)
        parts.append((DETAIL, _bar(0.3 * dx, 0.3 * dy, 0.38 * dx, 0.38 * dy, 0.05)))
    return parts


_SHAPES = {"tee": _tee, "trousers": _trousers, "shoe": _shoe, "bag": _bag, "ring": _ring, "watch": _watch}


# ---------------------------------------------------------------- colour and shading
def _luma(rgb: np.ndarray) -> float:
    return float(rgb @ np.array(REC601_LUMA))


def _lighter(rgb: np.ndarray, amount: float) -> np.ndarray:
    return rgb + (255 - rgb) * amount


def _role_colors(rgb: np.ndarray) -> np.ndarray:
    """(8, 3) float colours per part role (rows indexed by role; the last row is the pattern colour).

    Secondary colours are mostly lighter tints, and darker shades are kept to small parts: the
    product's mean colour must stay nearest (Euclidean RGB) to its own BUILTIN_COLORS entry, and
    darkening yellow or orange quickly drifts towards orange or red by that measure.
    """
    black = _luma(rgb) < 60
    colors = np.empty((8, 3), np.float32)
    colors[HOLE] = 0
    colors[MAIN] = rgb
    colors[TRIM] = _lighter(rgb, 0.25) if black else rgb * 0.72
    colors[SOLE] = _lighter(rgb, 0.5)
    colors[DETAIL] = (245, 245, 240) if _luma(rgb) < 115 else (40, 38, 36)
    colors[GEM] = _lighter(rgb, 0.6)
    colors[DIAL] = rgb if black else _lighter(rgb, 0.3)
    colors[PATTERN] = _lighter(rgb, 0.3 if black else 0.45)
    return colors


def _pattern_coverage(pattern: str, lx: np.ndarray, ly: np.ndarray, period: float,
                      phase: np.ndarray) -> np.ndarray:
    """Fraction of each pixel in the pattern's second colour, from local coordinates."""
    if pattern == "plain":
        return np.zeros_like(lx)
    u, v = (lx + float(phase[0])) * (1 / period), (ly + float(phase[1])) * (1 / period)
    if pattern == "stripes":
        return (v - np.floor(v) < 0.4).astype(np.float32)
    if pattern == "dots":
        row = np.floor(v)
        u = u + 0.5 * (row % 2)  # offset every other row
        du, dv = u - np.floor(u) - 0.5, v - row - 0.5
        return (du * du + dv * dv < 0.22**2).astype(np.float32)
    if pattern == "check":
        return 0.75 * ((np.floor(u) + np.floor(v)) % 2)
    raise ValueError(f"unknown pattern {pattern!r}")


def _material_shading(material: str, label: np.ndarray, roles: set[int], soft: np.ndarray, px: np.ndarray,
                      py: np.ndarray, lx: np.ndarray, ly: np.ndarray, blur_px: float,
                      rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """(factor, white) per pixel: colour becomes colour * factor * (1 - white) + 255 * white.

    soft is the blurred product mask, so its gradient is a cheap surface normal: edges facing the
    light (top left) brighten, the far edges darken, and the inside reads as a rounded volume.
    px, py are image coordinates centred on the product in local units (they do not rotate).
    """
    light_x, light_y = -0.5, -0.85
    rim = np.zeros_like(soft)  # central differences along the light direction
    rim[1:-1, 1:-1] = (light_x * (soft[1:-1, :-2] - soft[1:-1, 2:]) + light_y * (soft[:-2, 1:-1] - soft[2:, 1:-1]))
    rim *= blur_px
    occlusion = 0.85 + 0.2 * soft  # ~1 inside, darker towards the edges
    white = np.zeros_like(soft)
    if material == "matte":
        factor = occlusion * (1 + 0.5 * rim) * (1 - 0.06 * (px * light_x + py * light_y))
    elif material == "glossy":
        factor = occlusion * (1 + 0.8 * rim) * (1 - 0.08 * (px * light_x + py * light_y))
        streak = (lx + ly) * 0.7 + rng.uniform(0.35, 0.55)
        white = 0.8 * np.exp(-((streak / 0.13) ** 2)) * soft**2 + 0.35 * np.clip(rim, 0, None)
    elif material == "knit":
        ribs = np.sin(2 * math.pi * lx / 0.1)
        noise = rng.random(soft.shape, dtype=np.float32) - 0.5
        factor = occlusion * (1 + 0.4 * rim) * (1 + 0.1 * ribs + 0.22 * noise)
    else:  # metallic: strong banded gradient like polished metal
        t = 0.5 + 0.5 * np.sin(2.4 * (0.8 * px + 0.6 * py) + rng.uniform(0, 2 * math.pi))
        factor = (0.6 + 0.8 * t) * occlusion * (1 + 0.8 * rim)
        white = 0.35 * t**6 + 0.3 * np.clip(rim, 0, None)
    if DETAIL in roles:  # small details stay flat so they read clearly
        factor = np.where(label == DETAIL, 1.0, factor)
    if GEM in roles:  # a gem sparkles whatever the band is made of
        white = np.where(label == GEM, np.clip(white + 0.35 * (1 - soft) + 0.25, 0, 0.9), white)
    return factor.astype(np.float32), np.clip(white, 0, 1).astype(np.float32)


# ---------------------------------------------------------------- rendering
def render_product(attributes: dict[str, str], resolution: int,
                   rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Draw one product photo.

    attributes: a level for each column of BUILTIN_ATTRIBUTES. rng supplies the per-image jitter.
    Returns (image uint8 (resolution, resolution, 3), mask bool (resolution, resolution)) where the
    mask marks pixels at least half covered by the product (its shadow is not product).
    """
    for name, levels in BUILTIN_ATTRIBUTES.items():
        if attributes.get(name) not in levels:
            raise ValueError(f"attribute {name!r} must be one of {levels}, got {attributes.get(name)!r}")
    supersample = max(2, -(-_SUPERSAMPLE_PIXELS // resolution))
    side = resolution * supersample

    # place the silhouette: centre it on its box, scale, tilt and shift it a little
    parts = _SHAPES[attributes["category"]](rng)
    local_points = np.concatenate([p for _, p in parts])
    centre = (local_points.min(axis=0) + local_points.max(axis=0)) / 2
    unit = _SIZE_UNIT[attributes["size"]] * side * rng.uniform(0.95, 1.05)
    angle = math.radians(_ANGLE_DEGREES[attributes["angle"]] + rng.uniform(-3, 3))
    cos, sin = math.cos(angle), math.sin(angle)
    rotation = np.array([[cos, sin], [-sin, cos]])  # counter-clockwise as seen with y pointing down
    origin = side / 2 + rng.uniform(-0.035, 0.035, size=2) * side
    screen_parts = [(role, (polygon - centre) @ rotation.T * unit + origin) for role, polygon in parts]
    screen_points = np.concatenate([p for _, p in screen_parts])

    # work on a block-aligned crop around the product (plus room for the blur) to save time
    blur_px = 0.07 * unit
    margin = math.ceil(2.5 * blur_px) + 1
    low = np.clip(np.floor((screen_points.min(axis=0) - margin) / supersample), 0, resolution).astype(int)
    high = np.clip(np.ceil((screen_points.max(axis=0) + margin) / supersample), 0, resolution).astype(int)
    x0, y0 = low * supersample
    width, height = (high - low) * supersample
    label_image = Image.new("L", (int(width), int(height)), 0)
    draw = ImageDraw.Draw(label_image)
    for role, polygon in screen_parts:
        draw.polygon((polygon - (x0, y0)).ravel().tolist(), fill=role)
    label = np.asarray(label_image)
    inside = label > 0
    soft = np.asarray(Image.fromarray(inside.astype(np.uint8) * 255).filter(ImageFilter.GaussianBlur(blur_px)),
                      dtype=np.float32) * (inside / np.float32(255))

    # pixel centres in image units around the product, and in the product's own (rotated) frame
    px = ((np.arange(width, dtype=np.float32) + np.float32(x0 + 0.5 - origin[0])) / np.float32(unit))[None, :]
    py = ((np.arange(height, dtype=np.float32) + np.float32(y0 + 0.5 - origin[1])) / np.float32(unit))[:, None]
    lx = np.float32(cos) * px - np.float32(sin) * py + np.float32(centre[0])
    ly = np.float32(sin) * px + np.float32(cos) * py + np.float32(centre[1])

    rgb = np.asarray(BUILTIN_COLORS[attributes["color"]], np.float32) * np.float32(rng.uniform(0.95, 1.04))
    colors = _role_colors(np.clip(rgb, 0, 255))
    # channels first from here on: numpy is slow when the innermost axis has length 3
    pixel_rgb = np.take(np.ascontiguousarray(colors.T), label, axis=1)
    period = _PATTERN_PERIOD * side / unit
    coverage = _pattern_coverage(attributes["pattern"], lx, ly, period, rng.uniform(0, period, size=2))
    if attributes["pattern"] != "plain":
        coverage = coverage * (label == MAIN)
        pixel_rgb += (colors[PATTERN][:, None, None] - pixel_rgb) * coverage
    roles = {role for role, _ in parts}
    factor, white = _material_shading(attributes["material"], label, roles, soft, px, py, lx, ly, blur_px, rng)
    product = pixel_rgb * (factor * (1 - white) * inside) + 255 * white * inside
    # shift the product so its mean colour is exactly the (shade-jittered) requested one, whatever
    # the pattern, material and trims did to it: colour stays measurable from the image alone
    drift = rgb - product.sum(axis=(1, 2)) / max(int(np.count_nonzero(inside)), 1)
    product = np.clip(product + drift[:, None, None] * inside, 0, 255)

    # box-filter the crop down: product colour summed over covered sub-pixels, and coverage
    area = np.float32(supersample**2)
    product_mean = _block_sum(product, supersample) / area
    covered = _block_sum(inside[None].astype(np.float32), supersample)[0] / area

    image = _studio_background(resolution, screen_points / supersample, unit / supersample, rng)
    window = (slice(None), slice(low[1], high[1]), slice(low[0], high[0]))
    image[window] = image[window] * (1 - covered) + product_mean
    mask = np.zeros((resolution, resolution), bool)
    mask[window[1:]] = covered >= 0.5
    return np.clip(image + 0.5, 0, 255).astype(np.uint8).transpose(1, 2, 0), mask


def _block_sum(pixels: np.ndarray, factor: int) -> np.ndarray:
    """Sum (C, H, W) over factor x factor blocks (strided adds: far faster than a reshaped reduce)."""
    total = pixels[:, 0::factor, 0::factor].copy()
    for dy in range(factor):
        for dx in range(factor):
            if dy or dx:
                total += pixels[:, dy::factor, dx::factor]
    return total


def _studio_background(resolution: int, outline: np.ndarray, unit: float, rng: np.random.Generator) -> np.ndarray:
    """(3, H, W) float near-white (~245) background, slight vertical falloff, soft shadow under outline."""
    level = (245 + rng.uniform(-3, 3) + rng.uniform(-1.5, 1.5, size=3)).astype(np.float32)
    falloff = np.linspace(2, -4, resolution, dtype=np.float32)[:, None]
    left, right, bottom = outline[:, 0].min(), outline[:, 0].max(), outline[:, 1].max()
    sx, sy = max(right - left, 1) * 0.42, 0.03 * resolution + 0.04 * unit
    centres = np.arange(resolution, dtype=np.float32) + np.float32(0.5)
    x = np.exp(-0.5 * ((centres - np.float32((left + right) / 2)) / np.float32(sx)) ** 2)
    y = np.exp(-0.5 * ((centres - np.float32(bottom)) / np.float32(sy)) ** 2)
    lit = (1 - np.float32(0.16) * (y[:, None] * x[None, :])) * (1 + falloff / 245)
    return level[:, None, None] * lit


def _sample_attributes(rng: np.random.Generator) -> dict[str, str]:
    return {name: levels[rng.integers(len(levels))] for name, levels in BUILTIN_ATTRIBUTES.items()}


def make_builtin_catalog(resolution: int = 64, channels: int = 3, count: int | None = None,
                         seed: int = 0) -> Catalog:
    """The built-in catalog: `count` (default 3072) product photos with uniform, independent attributes.

    Image i depends only on (seed, i, resolution), so a smaller count gives a prefix of a larger
    one, and the same arguments give byte-identical images. channels=1 converts to ITU-R 601 luma.
    """
    if channels not in (1, 3):
        raise ValueError(f"channels must be 1 or 3, got {channels}")
    if resolution < 8:
        raise ValueError(f"resolution must be at least 8, got {resolution}")
    count = DEFAULT_COUNT if count is None else int(count)
    check_catalog_memory(count, resolution, 3, SOURCE)  # a clear error, not an allocation failure
    images = np.empty((count, resolution, resolution, 3), np.uint8)
    table: dict[str, list[str]] = {name: [] for name in BUILTIN_ATTRIBUTES}
    for i in range(count):
        rng = np.random.default_rng([seed, i])
        attributes = _sample_attributes(rng)
        images[i], _ = render_product(attributes, resolution, rng)
        for name, value in attributes.items():
            table[name].append(value)
    if channels == 1:
        images = rgb_to_grey(images)
    files = [f"{SOURCE}#{i}" for i in range(count)]
    return Catalog(images=images, table=table, files=files, source=SOURCE)
