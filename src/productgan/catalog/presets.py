"""What a catalog's photos must look like: the presets `catalog check` and `catalog prepare` take.

`marketplace` is the format big marketplaces ask for: a pure white background, a square canvas,
the product centred and filling about 85% of the frame, at least 1000 px a side, an sRGB JPEG.
`web` only auto-fixes each photo and keeps its size and format, and checks only what auto-fixing
cannot (a photo still too dark or blurred).
"""

from __future__ import annotations

from dataclasses import dataclass

from productgan.errors import ProductGANError


@dataclass(frozen=True)
class Preset:
    """A catalog format: the layout prepare makes, and the rules check holds photos to.

    layout: make a square white canvas with the product centred (else keep the photo's framing).
    fill: the product's longer side as a share of the canvas side. min_side: the shorter side in
    pixels, upscaled to when smaller (0: any). suffix: the output format (None: the input's own,
    PNG when it cannot be written). quality: JPEG/WebP quality. srgb_profile: embed the sRGB ICC
    profile in each output (the pixels are sRGB anyway: photos are converted on read), for the
    marketplaces that ask for an "sRGB JPEG" and read the tag.
    Check rules: white_lightness/white_chroma: the backdrop (border) must be at least this light
    (CIE L, 0-100) and at most this coloured to count as pure white; min_fill: the product must
    fill at least this share of the frame; max_offset: its centre at most this share of the
    frame's side away from the middle.
    """

    name: str
    layout: bool
    fill: float = 0.85
    min_side: int = 0
    suffix: str | None = None
    quality: int = 92
    srgb_profile: bool = False
    white_lightness: float | None = None
    white_chroma: float = 3.0
    min_fill: float | None = None
    max_offset: float | None = None


PRESETS: dict[str, Preset] = {
    # L 98 is RGB ~250: a white seamless, exposed right, reads 100 (255), the built-in catalog's
    # near-white 245 reads 96 and is refused, as a marketplace's "pure white" refuses it.
    "marketplace": Preset("marketplace", layout=True, fill=0.85, min_side=1000, suffix=".jpg", quality=92,
                          srgb_profile=True, white_lightness=98.0, white_chroma=3.0, min_fill=0.6, max_offset=0.1),
    "web": Preset("web", layout=False),
}


def get_preset(name: str) -> Preset:
    """The preset called `name`, or an error listing the presets."""
    try:
        return PRESETS[name]
    except KeyError:
        raise ProductGANError(f"unknown preset {name!r}; presets are: {', '.join(PRESETS)}") from None
