"""Transparent cut-outs of a studio photo: the product on nothing (RGBA), or on a colour of choice.

Marketplaces, ads and the shopping-guide page place a product on their own background, so the
backdrop must go, not just turn white. The alpha comes from the product mask with a soft edge
(a Gaussian feather a pixel or two wide, centred on the mask's outline): a hard 0/255 edge shows
stair-steps on any background but white, a wide one a halo. A photo that already had an alpha
keeps it: the cut-out can only remove more.
"""

from __future__ import annotations

import cv2
import numpy as np

from productgan.data.images import estimate_background
from productgan.edit.colors import UnknownColor, parse_color
from productgan.edit.mask import backdrop_distance, feathered, product_mask

EDGE_RADIUS = 1.0  # px, the feather's sigma (matte=False): an antialiased edge, without a visible glow
MATTE_BAND = 2  # px either side of the mask's outline where the alpha is read from the colour
MATTE_SMOOTHING = 0.5  # px, sigma: takes the JPEG grain out of the matted edge
MIN_UNMIX = 0.05  # below this alpha the backdrop is not unmixed: the pixel is all but invisible
TRANSPARENT = ("none", "transparent")
# A marketplace's white is #FFFFFF; the palette's "white" (245) is the colour of a white garment.
PURE = {"white": (255, 255, 255), "black": (0, 0, 0)}


class BackgroundError(UnknownColor):
    """A --background that is neither none nor a colour."""


def parse_background(text: str) -> tuple[int, int, int] | None:
    """None for a transparent background ('none'), else the RGB of white/black (pure), a colour
    name or #RRGGBB."""
    key = text.strip().lower()
    if key in TRANSPARENT:
        return None
    if key in PURE:
        return PURE[key]
    try:
        return parse_color(key)
    except UnknownColor:
        raise BackgroundError(f"background must be none (transparent), white, a colour name or #RRGGBB, "
                              f"got {text!r}") from None


def soft_alpha(mask: np.ndarray, radius: float = EDGE_RADIUS, alpha: np.ndarray | None = None) -> np.ndarray:
    """uint8 (H, W) alpha: 255 inside the boolean mask, 0 on the backdrop, in between only within a
    few `radius` of the outline; multiplied by an existing uint8 alpha when given."""
    return soft_alpha_from(feathered(mask, radius)[..., 0], alpha)


def soft_alpha_from(soft: np.ndarray, alpha: np.ndarray | None = None) -> np.ndarray:
    """uint8 (H, W) from a float 0..1 alpha, multiplied by an existing uint8 alpha when given."""
    if alpha is not None:
        soft = soft * (alpha.astype(np.float32) / 255.0)
    return np.clip(np.rint(soft * 255.0), 0, 255).astype(np.uint8)


def matted_alpha(image: np.ndarray, mask: np.ndarray, band: int = MATTE_BAND) -> np.ndarray:
    """float32 (H, W) alpha in 0..1: the mask, except within `band` px of its outline, where each
    pixel's share of product is read from its colour. An edge pixel is a mix of product and
    backdrop, so its Lab distance to the backdrop over that of the solid product just inside
    (the local mean over a few px) is how much product it holds. A feathered mask cannot know
    this: it keeps a rim of near-white pixels opaque, which shows as a white halo on a dark page.
    """
    distance = backdrop_distance(image)
    solid = cv2.erode(mask.astype(np.uint8), np.ones((2 * band + 1,) * 2, np.uint8)).astype(np.float32)
    window = (4 * band + 1, 4 * band + 1)
    inside = cv2.blur(distance * solid, window) / np.maximum(cv2.blur(solid, window), 1e-6)
    kernel = np.ones((2 * band + 1,) * 2, np.uint8)
    edge = (cv2.dilate(mask.astype(np.uint8), kernel) > 0) & (solid == 0)
    alpha = mask.astype(np.float32)
    share = np.clip(distance / np.maximum(inside, 1e-6), 0.0, 1.0)
    alpha[edge] = np.where(inside[edge] > 0, share[edge], alpha[edge])
    return cv2.GaussianBlur(alpha, (0, 0), MATTE_SMOOTHING)


def decontaminated(image: np.ndarray, alpha: np.ndarray, backdrop: np.ndarray) -> np.ndarray:
    """uint8 RGB with the old backdrop's share taken out of each edge pixel (F = B + (I - B) / alpha),
    so the product composited onto any colour carries no trace of the studio white."""
    weight = np.maximum(alpha, 1e-3)[..., None]
    foreground = backdrop + (image.astype(np.float32) - backdrop) / weight
    unmixed = np.clip(np.rint(foreground), 0, 255).astype(np.uint8)
    return np.where(((alpha > MIN_UNMIX) & (alpha < 1.0))[..., None], unmixed, image)


def cutout(image: np.ndarray, mask: np.ndarray | None = None, background: tuple[int, int, int] | None = None,
           alpha: np.ndarray | None = None, threshold: float | None = None, grabcut: bool = False,
           matte: bool = True) -> np.ndarray:
    """The product of uint8 RGB `image` cut out of its backdrop.

    mask: boolean (H, W) product mask, by default product_mask(image, threshold, grabcut).
    matte: the edge's alpha read from its colour (matted_alpha), and the backdrop unmixed from the
    edge colour; False: the mask feathered by EDGE_RADIUS (soft_alpha), colour as it is.
    background None: uint8 (H, W, 4) RGBA, transparent outside the product (its colour there is the
    photo's own, so a viewer that ignores alpha still shows the photo). A colour: uint8 (H, W, 3)
    RGB, the product composited onto it through the soft alpha. alpha: the photo's own alpha.
    """
    mask = product_mask(image, threshold, grabcut) if mask is None else mask.astype(bool)
    if matte:
        soft = matted_alpha(image, mask)
        image = decontaminated(image, soft, estimate_background(image).astype(np.float32))
        edge = soft_alpha_from(soft, alpha)
    else:
        edge = soft_alpha(mask, EDGE_RADIUS, alpha)
    if background is None:
        return np.dstack([image, edge])
    weight = edge[..., None].astype(np.float32) / 255.0
    color = np.asarray(background, np.float32).reshape(1, 1, 3)
    return np.rint(weight * image.astype(np.float32) + (1.0 - weight) * color).astype(np.uint8)
