"""The JSON bodies the API accepts. Strict types (no "3" for 3) and no unknown fields, so a typo
such as "seeds" is refused with a message instead of being silently ignored."""

from __future__ import annotations

from typing import Optional

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, model_validator



def name_field():
    return Field(min_length=1, max_length=200, description="a model name from GET /api/models")

Attributes = dict[str, str]


class StrictBody(BaseModel):
    model_config = ConfigDict(strict=True, extra="forbid")


class GenerateRequest(StrictBody):
    """n products with the given attributes; the rest are drawn from combinations seen in the catalog."""

    model: str = name_field()
    attributes: Attributes = Field(default_factory=dict, max_length=32,
                                   examples=[{"category": "Shoes", "color": "Red"}])
    n: int = Field(1, description="number of images, 1..64")
    seed: int = Field(0, description="the same seed and settings give the same images, 0..2**63-1")
    truncation: Optional[float] = Field(None, allow_inf_nan=False, description="redraw latents beyond |z| > t; null: off")


class VariantsRequest(StrictBody):
    """The product `generate(n=1, seed, attributes)` draws, once per level of `attribute`."""

    model: str = name_field()
    attribute: str = Field(min_length=1, max_length=200, examples=["color"])
    attributes: Attributes = Field(default_factory=dict, max_length=32)
    seed: int = 0
    truncation: Optional[float] = Field(None, allow_inf_nan=False)


class MorphRequest(StrictBody):
    """Product A (seed_a, attributes_a) turning into product B (seed_b, attributes_b, default attributes_a)."""

    model: str = name_field()
    seed_a: int
    seed_b: int
    attributes_a: Attributes = Field(default_factory=dict, max_length=32)
    attributes_b: Optional[Attributes] = Field(None, max_length=32)
    frames: int = Field(16, description="2..64")
    fps: float = Field(12.0, allow_inf_nan=False, description="frames per second of the GIF, up to 50")
    truncation: Optional[float] = Field(None, allow_inf_nan=False)


class TurntableRequest(StrictBody):
    """One product (generate(n=1, seed, attributes)) looping through every level of `attribute` and
    back to the first: the catalog's views by default, a turntable."""

    model: str = name_field()
    seed: int = 0
    attributes: Attributes = Field(default_factory=dict, max_length=32)
    attribute: str = Field("view", min_length=1, max_length=200, description="the attribute to turn through")
    frames: int = Field(16, description="2..64")
    fps: float = Field(12.0, allow_inf_nan=False, description="frames per second of the GIF, up to 50")
    truncation: Optional[float] = Field(None, allow_inf_nan=False)


class MaskFields(BaseModel):
    """The fields every photo form that finds the product shares: what goes behind a cut-out, and the mask's threshold."""

    background: str = Field("none", max_length=64, description="cutout: none (transparent PNG) | white | a name | #RRGGBB")
    threshold: Optional[float] = Field(None, allow_inf_nan=False, description="the product mask's Lab distance to the "
                                       "backdrop, 0..400; default: adaptive to the backdrop's own noise")


class PhotoEditForm(MaskFields):
    """The text fields of POST /api/photo/edit (with the `file` part): one operation and its option."""

    model_config = ConfigDict(extra="forbid")

    operation: str = Field(max_length=32, description="recolor | whiten | scale | rotate | flip | mask | cutout")
    color: Optional[str] = Field(None, max_length=64, description="recolor: a name such as red, or #RRGGBB",
                                 validation_alias=AliasChoices("color", "colour"))  # old spelling kept, hidden
    factor: Optional[float] = Field(None, allow_inf_nan=False, description="scale: size factor in (0, 10]")
    degrees: Optional[float] = Field(None, allow_inf_nan=False, description="rotate: anticlockwise angle")
    direction: str = Field("horizontal", max_length=16, description="flip: horizontal | vertical")
    region: str = Field("dominant", max_length=16, description="recolor: dominant | whole")


class PhotoPrepareForm(BaseModel):
    """The text fields of POST /api/photo/prepare (with the `file` part)."""

    model_config = ConfigDict(extra="forbid")

    preset: str = Field("marketplace", max_length=32, description="marketplace (white square, product at 85%, "
                        ">= 1000 px, JPEG) | web (auto-fix only)")
    upscaler: str = Field("lanczos", max_length=16, description="how a photo below the preset's minimum side is "
                          "enlarged: lanczos (measured closer on shop photos at x1-2, and instant) | learned "
                          "(the server's sr2/sr4 models, for photos far below the minimum; costs more work)")


class PhotoCutoutForm(MaskFields):
    """The text fields of POST /api/photo/cutout (with the `file` part)."""

    model_config = ConfigDict(extra="forbid")


class PhotoEnhanceForm(BaseModel):
    """The text fields of POST /api/photo/enhance (with `file` and an optional `mask` part)."""

    model_config = ConfigDict(extra="forbid")

    task: str = Field("auto", max_length=16, description="auto (only the steps the photo needs) | classic | sr2 | sr4 | "
                      "restore (GET /api/photo/tasks); with a chain and no task: classic")
    chain: Optional[str] = Field(None, max_length=2000, description="classic: the steps, e.g. "
                                 "white_balance,contrast_stretch:low=1;high=99,clahe,denoise,unsharp")


class ItemReference(StrictBody):
    """A liked or disliked item: a product a model drew ({seed, attributes, model}: POST /api/generate
    {n: 1, seed, attributes} shows it) or a photo of the model's catalog by id ({catalog}), whose
    levels come from the catalog's attribute table."""

    seed: Optional[int] = Field(None, description="a generated product's seed, 0..2**63-1")
    attributes: Attributes = Field(default_factory=dict, max_length=32, examples=[{"color": "Red"}])
    model: Optional[str] = Field(None, min_length=1, max_length=200,
                                 description="the model that drew it; null: the request's model (another model is refused)")
    catalog: Optional[str] = Field(None, min_length=1, max_length=300,
                                   description="a catalog photo's id: its file name without extension (or with it, or "
                                               "its path in the catalog folder; an index for built-in catalogs)")

    @model_validator(mode="after")
    def one_kind(self) -> "ItemReference":
        if (self.seed is None) == (self.catalog is None):
            raise ValueError("an item is a generated product (seed) or a catalog photo (catalog): give exactly one")
        if self.catalog is not None and (self.attributes or self.model):
            raise ValueError("a catalog photo's levels come from the catalog's table: give catalog alone")
        return self


class ForYouRequest(StrictBody):
    """n new products near the liked products, away from the disliked ones, none a near copy of a liked one.

    Items are generated products or catalog photos by id (at most 8 catalog photos: each is a short
    inversion); uploaded photos go to POST /api/foryou/photos (multipart). The server keeps no
    profile: the page sends the whole history each time."""

    model: str = name_field()
    liked: list[ItemReference] = Field(default_factory=list, description="at least one, at most 64 with disliked")
    disliked: list[ItemReference] = Field(default_factory=list)
    n: int = Field(8, description="number of products, 1..64")
    explore: float = Field(0.3, allow_inf_nan=False, description="0 close to the taste .. 1 the whole catalog")
    seed: int = Field(0, description="the same history and seed give the same products, 0..2**63-1")


class ForYouPhotoForm(BaseModel):
    """The text field of POST /api/foryou/photos: the ForYouRequest as JSON; the photo parts are
    liked1..liked4 and disliked1..disliked4."""

    model_config = ConfigDict(extra="forbid")

    request: str = Field(max_length=64 * 1024, description='a ForYouRequest as JSON, e.g. {"model": "shop", "n": 8}')
