"""Transparent cut-outs of a studio photo: the product on nothing (RGBA), or on a colour of choice.

Marketplaces, ads and the shopping-guide page place a product on their own background, so the
backdrop must go, not just turn white. The alpha comes from the product mask with a soft edge
(a Gaussian feather a pixel or two wide, centred on the mask's outline): a hard 0/255 edge shows
stair-steps on any background but white, a wide one a halo. A photo that already had an alpha
keeps it: the cut-out can only remove more.
"""

from __future__ import annotations

import numpy as np

from productgan.edit.colors import UnknownColor, parse_color
from productgan.edit.mask import feathered, product_mask

EDGE_RADIUS = 1.0  # px, the feather's sigma: an antialiased edge, without a visible glow
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
    soft = feathered(mask, radius)[..., 0]
    if alpha is not None:
        soft = soft * (alpha.astype(np.float32) / 255.0)
    return np.clip(np.rint(soft * 255.0), 0, 255).astype(np.uint8)


def cutout(image: np.ndarray, mask: np.ndarray | None = None, background: tuple[int, int, int] | None = None,
           alpha: np.ndarray | None = None, threshold: float | None = None, grabcut: bool = False,
           radius: float = EDGE_RADIUS) -> np.ndarray:
    """The product of uint8 RGB `image` cut out of its backdrop.

    mask: boolean (H, W) product mask, by default product_mask(image, threshold, grabcut).
    background None: uint8 (H, W, 4) RGBA, transparent outside the product (its colour there is the
    photo's own, so a viewer that ignores alpha still shows the photo). A colour: uint8 (H, W, 3)
    RGB, the product composited onto it through the soft alpha. alpha: the photo's own alpha.
    """
    mask = product_mask(image, threshold, grabcut) if mask is None else mask.astype(bool)
    edge = soft_alpha(mask, radius, alpha)
    if background is None:
        return np.dstack([image, edge])
    weight = edge[..., None].astype(np.float32) / 255.0
    color = np.asarray(background, np.float32).reshape(1, 1, 3)
    return np.rint(weight * image.astype(np.float32) + (1.0 - weight) * color).astype(np.uint8)
