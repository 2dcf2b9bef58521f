"""Where the product is in a studio photo: everything that differs from the backdrop.

Two masks for two jobs. `product_mask` is the careful one, for one real photo of any size that
an edit will change (recolour, whiten, geometry): Lab distance, morphology, hole filling, optional
GrabCut. `rough_product_masks` is the quick one, for a batch of small generated images whose
colour is then read as a median (the demo's colour control): RGB distance to the top and bottom
rows, no clean-up, so a stray pixel costs nothing and a 32 px product keeps its thin parts.

Catalog photos are shot on a near-white seamless backdrop, so colour distance to the backdrop
(estimated from the photo's border) separates product from background far more reliably than a
fixed threshold on brightness: a white shirt on a white backdrop still differs in Lab by a few
units of shading. How many is enough depends on the backdrop's own noise, so the threshold is
read from it (adaptive_threshold: 4 sigmas, between 3 and 12; a fixed 12 lost half of a white
tank top). Morphology closes pin-holes and removes dust; small enclosed gaps (a white logo) are
filled, large ones too when they are faint product rather than clean backdrop (a white jacket's
lit chest), but not the backdrop inside a bag's handles. GrabCut can refine the edge when asked.
Measured on 25 labelled luma photos: bench/masks.py, docs/BENCHMARKS.md.
"""

from __future__ import annotations

import cv2
import numpy as np

from productgan.data.images import estimate_background

DEFAULT_THRESHOLD = 12.0  # the old fixed Lab distance; now the adaptive threshold's ceiling
MIN_THRESHOLD = 3.0  # adaptive floor: above a clean backdrop's JPEG noise (0-2), below a white shirt's shading
NOISE_SIGMAS = 4.0  # adaptive threshold: this many sigmas of the backdrop's own noise
NOISE_RING = 6  # border pixels read for the backdrop's noise
FAINT_HOLE = 0.6  # an enclosed gap this close to the threshold on average is faint product, not backdrop
MIN_KERNEL = 3


def _odd(size: float) -> int:
    size = max(MIN_KERNEL, int(round(size)))
    return size if size % 2 else size + 1


def lab(image: np.ndarray) -> np.ndarray:
    """float32 CIE Lab (L 0..100, a/b about -128..127) of a uint8 RGB image."""
    return cv2.cvtColor(image.astype(np.float32) / 255.0, cv2.COLOR_RGB2LAB)


def backdrop_distance(image: np.ndarray) -> np.ndarray:
    """Per-pixel Lab distance (float32 H, W) to the backdrop colour read from the photo's border."""
    background = estimate_background(image).reshape(1, 1, 3).astype(np.uint8)
    return np.linalg.norm(lab(image) - lab(background), axis=2)


def adaptive_threshold(distance: np.ndarray, ring: int = NOISE_RING) -> float:
    """The Lab distance that counts as product, from the backdrop's own noise on the photo's border.

    A fixed 12 loses a white shirt on a white backdrop (its shading is 3-10 units away), while a
    threshold of 3 would flood a grainy grey backdrop. So the spread (RMS) of the border pixels that
    look like backdrop (closer than DEFAULT_THRESHOLD: a model's legs cut by the frame are not noise)
    sets the threshold at NOISE_SIGMAS above it, clamped to [MIN_THRESHOLD, DEFAULT_THRESHOLD].
    """
    height, width = distance.shape
    ring = max(1, min(ring, height // 4, width // 4))
    border = np.concatenate([distance[:ring].ravel(), distance[-ring:].ravel(),
                             distance[:, :ring].ravel(), distance[:, -ring:].ravel()])
    backdrop = border[border < DEFAULT_THRESHOLD]
    if len(backdrop) < 0.25 * len(border):  # the product fills the frame: no backdrop to learn from
        return DEFAULT_THRESHOLD
    sigma = float(np.sqrt(np.mean(np.square(backdrop, dtype=np.float64))))
    return float(np.clip(NOISE_SIGMAS * sigma, MIN_THRESHOLD, DEFAULT_THRESHOLD))


def _fill_small_holes(mask: np.ndarray, max_fraction: float, distance: np.ndarray | None = None,
                      threshold: float = 0.0) -> np.ndarray:
    """Fill enclosed gaps smaller than max_fraction of the image (a white logo, a highlight).

    Larger enclosed regions are real background seen through the product (inside a bag's
    handles) and stay out; filling them would recolour the backdrop behind the handles. Given the
    backdrop distance, a large gap is filled too when it is not clean backdrop (its mean distance
    above FAINT_HOLE of the threshold): the lit chest of a white jacket, 2-3 Lab units off white.
    """
    holes = (mask == 0).astype(np.uint8)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(holes, connectivity=4)
    height, width = mask.shape
    filled = mask.copy()
    for index in range(1, count):
        x, y, w, h, area = stats[index]
        touches_border = x == 0 or y == 0 or x + w == width or y + h == height
        if touches_border:
            continue
        gap = labels == index
        if area < max_fraction * height * width or (
                distance is not None and distance[gap].mean() > FAINT_HOLE * threshold):
            filled[gap] = 255
    return filled


def _drop_specks(mask: np.ndarray, min_fraction: float) -> np.ndarray:
    """Keep connected parts at least min_fraction of the largest one (a shoe pair, not the dust)."""
    count, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    if count <= 2:
        return mask
    areas = stats[1:, cv2.CC_STAT_AREA]
    keep = np.flatnonzero(areas >= min_fraction * areas.max()) + 1
    return np.isin(labels, keep).astype(np.uint8) * 255


ROUGH_THRESHOLD = 60.0  # RGB distance to the backdrop: well above the built-in catalog's shadow and shade jitter


def rough_product_masks(images: np.ndarray, threshold: float = ROUGH_THRESHOLD) -> np.ndarray:
    """Boolean (N, H, W): pixels of uint8 (N, H, W, C) images farther than `threshold` (RGB distance)
    from their image's backdrop, read as the median of its top and bottom rows. No clean-up."""
    background = np.median(np.concatenate([images[:, 0], images[:, -1]], axis=1), axis=1)  # (N, C)
    distance = np.linalg.norm(images.astype(np.float32) - background[:, None, None, :], axis=-1)
    return distance > threshold


def product_mask(image: np.ndarray, threshold: float | None = None, grabcut: bool = False,
                 min_fraction: float = 0.05, max_hole: float = 0.005) -> np.ndarray:
    """Boolean (H, W) mask of the product in a uint8 RGB studio photo.

    threshold: Lab distance to the backdrop above which a pixel is product; None (the default)
    reads it from the backdrop's own noise (adaptive_threshold). grabcut=True refines
    the edge with OpenCV's GrabCut, seeded by this mask (slower, better on soft shadows).
    min_fraction: parts smaller than this share of the largest are dust; max_hole: enclosed
    gaps smaller than this share of the image are filled.
    """
    if image.ndim != 3 or image.shape[2] != 3 or image.dtype != np.uint8:
        raise ValueError(f"expected uint8 (H, W, 3) RGB, got {image.dtype} {image.shape}")
    side = min(image.shape[:2])
    distance = backdrop_distance(image)
    threshold = adaptive_threshold(distance) if threshold is None else threshold
    raw = (distance > threshold).astype(np.uint8) * 255
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (_odd(side / 150), _odd(side / 150)))
    cleaned = cv2.morphologyEx(raw, cv2.MORPH_OPEN, kernel)
    cleaned = cv2.morphologyEx(cleaned, cv2.MORPH_CLOSE, cv2.getStructuringElement(
        cv2.MORPH_ELLIPSE, (_odd(side / 40), _odd(side / 40))))
    cleaned = _fill_small_holes(_drop_specks(cleaned, min_fraction), max_hole, distance, threshold)
    if grabcut and cleaned.any() and not cleaned.all():
        cleaned = _grabcut(image, cleaned)
    return cleaned > 0


def _grabcut(image: np.ndarray, seed: np.ndarray, iterations: int = 3) -> np.ndarray:
    """Refine a rough mask: its eroded core is sure product, far background sure background."""
    side = min(image.shape[:2])
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (_odd(side / 30), _odd(side / 30)))
    sure_fg = cv2.erode(seed, kernel) > 0
    maybe = cv2.dilate(seed, kernel) > 0
    labels = np.full(seed.shape, cv2.GC_BGD, np.uint8)
    labels[maybe] = cv2.GC_PR_FGD
    labels[sure_fg] = cv2.GC_FGD
    background_model, foreground_model = np.zeros((1, 65), np.float64), np.zeros((1, 65), np.float64)
    bgr = cv2.cvtColor(image, cv2.COLOR_RGB2BGR)
    cv2.grabCut(bgr, labels, None, background_model, foreground_model, iterations, cv2.GC_INIT_WITH_MASK)
    return np.isin(labels, (cv2.GC_FGD, cv2.GC_PR_FGD)).astype(np.uint8) * 255


def feathered(mask: np.ndarray, radius: float = 1.5) -> np.ndarray:
    """float32 (H, W, 1) alpha in 0..1 with a soft edge, so a blend leaves no hard seam."""
    alpha = mask.astype(np.float32)
    if radius > 0:
        alpha = cv2.GaussianBlur(alpha, (0, 0), radius)
    return alpha[..., None]


LIGHTNESS_WEIGHT = 0.3  # shading changes L far more than a/b: weigh it down so folds stay in one cluster
SAME_COLOR_DISTANCE = 12.0  # cluster centres closer than this (weighted Lab) are one colour in two shades


def dominant_color_region(image: np.ndarray, mask: np.ndarray, clusters: int = 3, seed: int = 0,
                           sample: int = 20000) -> np.ndarray:
    """Boolean (H, W): the pixels of the mask's most common colour (k-means in Lab).

    A catalog's `color` names a product's main colour, and apparel is photographed on a person:
    recolouring the whole foreground would dye skin, hair and trousers. The largest colour cluster
    inside the mask is the garment's main colour; straps, zips, prints and people stay as they are.
    Lightness counts less than chroma, and clusters with near centres count as one colour, so a
    fold's shadow belongs to the same cloth as its highlight.
    """
    pixels = lab(image)[mask] * np.float32([LIGHTNESS_WEIGHT, 1.0, 1.0])
    if len(pixels) < clusters:
        return mask.copy()
    rng = np.random.default_rng(seed)
    picks = pixels[rng.choice(len(pixels), min(sample, len(pixels)), replace=False)].astype(np.float32)
    cv2.setRNGSeed(seed)
    criteria = (cv2.TERM_CRITERIA_EPS + cv2.TERM_CRITERIA_MAX_ITER, 20, 0.5)
    _, labels, centres = cv2.kmeans(picks, clusters, None, criteria, 2, cv2.KMEANS_PP_CENTERS)
    counts = np.bincount(labels.ravel(), minlength=clusters)
    same_cloth = np.linalg.norm(centres[:, None] - centres[None], axis=2) < SAME_COLOR_DISTANCE
    main = same_cloth[(same_cloth * counts[None]).sum(axis=1).argmax()]  # clusters of the biggest colour family
    nearest = np.linalg.norm(pixels[:, None, :] - centres[None], axis=2).argmin(axis=1)
    region = np.zeros(mask.shape, np.uint8)
    region[mask] = main[nearest].astype(np.uint8) * 255
    side = min(image.shape[:2])
    kernel = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (_odd(side / 200), _odd(side / 200)))
    region = cv2.morphologyEx(cv2.morphologyEx(region, cv2.MORPH_CLOSE, kernel), cv2.MORPH_OPEN, kernel)
    return (region > 0) & mask
