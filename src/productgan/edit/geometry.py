"""Size and angle edits that keep the canvas: what a product page needs to line up a range.

Every edit returns an image of the input's own size (except `square`), filling the space it
opens with the photo's backdrop colour, so a scaled or rotated product still sits on its studio
background instead of black corners. Given an alpha (a cut-out), the same transform moves it too,
and the space opened is transparent: the result is (H, W, 4) RGBA.
"""

from __future__ import annotations

import cv2
import numpy as np

from productgan.data.images import estimate_background, pad_to_square
from productgan.edit.mask import feathered, product_mask

WHITE = (255, 255, 255)


def _fill(image: np.ndarray) -> tuple[int, int, int]:
    return tuple(int(v) for v in estimate_background(image))  # type: ignore[return-value]


def _affine(image: np.ndarray, matrix: np.ndarray, alpha: np.ndarray | None = None) -> np.ndarray:
    height, width = image.shape[:2]
    fill = _fill(image)
    if alpha is not None:  # RGB and alpha warped as one, the opened corners transparent
        image, fill = np.dstack([image, alpha]), (*fill, 0)
    return cv2.warpAffine(image, matrix, (width, height), flags=cv2.INTER_LANCZOS4,
                          borderMode=cv2.BORDER_CONSTANT, borderValue=fill)


def product_centre(image: np.ndarray, mask: np.ndarray | None = None) -> tuple[float, float]:
    """(x, y) centre of the product's bounding box; the canvas centre when nothing is found."""
    mask = product_mask(image) if mask is None else mask
    ys, xs = np.nonzero(mask)
    if len(xs) == 0:
        return (image.shape[1] - 1) / 2.0, (image.shape[0] - 1) / 2.0
    return (xs.min() + xs.max()) / 2.0, (ys.min() + ys.max()) / 2.0


def scale(image: np.ndarray, factor: float, mask: np.ndarray | None = None,
          alpha: np.ndarray | None = None) -> np.ndarray:
    """The product made `factor` times larger (or smaller) about its own centre, canvas unchanged.
    With alpha (uint8 (H, W)), (H, W, 4) RGBA with the alpha scaled alike."""
    if factor <= 0:
        raise ValueError(f"scale factor must be > 0, got {factor}")
    matrix = cv2.getRotationMatrix2D(product_centre(image, mask), 0.0, factor)
    return _affine(image, matrix, alpha)


def rotate(image: np.ndarray, degrees: float, mask: np.ndarray | None = None,
           alpha: np.ndarray | None = None) -> np.ndarray:
    """The product turned `degrees` anticlockwise about its own centre, canvas unchanged.
    With alpha (uint8 (H, W)), (H, W, 4) RGBA with the alpha turned alike."""
    matrix = cv2.getRotationMatrix2D(product_centre(image, mask), degrees, 1.0)
    return _affine(image, matrix, alpha)


def flip(image: np.ndarray, direction: str = "horizontal", alpha: np.ndarray | None = None) -> np.ndarray:
    """Mirror left-right ('horizontal') or top-bottom ('vertical'); with alpha, RGBA mirrored alike."""
    codes = {"horizontal": 1, "vertical": 0}
    if direction not in codes:
        raise ValueError(f"flip direction must be horizontal or vertical, got {direction!r}")
    if alpha is not None:
        image = np.dstack([image, alpha])
    return cv2.flip(image, codes[direction])


def whiten_background(image: np.ndarray, mask: np.ndarray | None = None,
                      color: tuple[int, int, int] = WHITE) -> np.ndarray:
    """Everything outside the product set to pure white (or `color`), with a soft edge."""
    mask = product_mask(image) if mask is None else mask
    alpha = feathered(mask)
    backdrop = np.asarray(color, np.float32).reshape(1, 1, 3)
    return np.rint(alpha * image.astype(np.float32) + (1.0 - alpha) * backdrop).astype(np.uint8)


def square(image: np.ndarray, color: tuple[int, int, int] | None = WHITE) -> np.ndarray:
    """Pad to a square canvas (marketplaces want 1:1) in `color`, or in the backdrop's colour if None.
    An (H, W, 4) RGBA image is padded with transparent `color`."""
    if image.shape[2] == 4:
        fill = estimate_background(image[..., :3]) if color is None else np.asarray(color, np.uint8)
        return pad_to_square(image, np.append(fill, 0).astype(np.uint8))
    return pad_to_square(image, None if color is None else np.asarray(color, np.uint8))
