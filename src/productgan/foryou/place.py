"""Placing liked and disliked items in the generator's space: a latent z and a label row each.

A generated product is there already: its z and labels are exactly the ones generate(n=1, seed,
levels) draws. A photo is placed by the latent encoder's guess refined by a short inversion (a few
dozen Adam steps: the taste needs the neighbourhood, not a pixel-perfect fit), with its levels held
fixed at the ones it carries (a catalog photo's, from the table), the rest read by the domain
classifier when given, else the closest catalog combination (edit/inversion.py).
Every item is checked before any inversion runs, so a bad last item fails at once.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from productgan.edit.inversion import InversionSettings, invert
from productgan.errors import AttributeLevelError
from productgan.foryou.errors import ForeignItemError, ForYouError, NoEncoderError
from productgan.foryou.items import CatalogItem, GeneratedItem, Item, PhotoItem
from productgan.generate import ProductGenerator

PHOTO_STEPS = 40     # Adam steps refining the encoder's guess of a photo
PHOTO_RESTARTS = 2   # the encoder's guess and one seeded random start, side by side


@dataclass
class Placed:
    """An item in the generator's space. z (D,) and labels (A,) on the CPU; image: uint8 (R, R, C),
    the item as the model sees it (a generated product's render, a photo at model size); how:
    'generated' or 'inverted'; fit_error: an inverted photo's mean |pixel| error in [-1, 1] units."""

    item: Item
    z: torch.Tensor
    labels: torch.Tensor
    levels: dict[str, str]
    image: np.ndarray
    how: str
    fit_error: float | None = None

    def report(self) -> dict:
        """Where the item landed, JSON-ready."""
        return {"item": self.item.describe(), "how": self.how, "levels": self.levels,
                "z_norm": round(float(self.z.norm()), 4),
                "fit_error": None if self.fit_error is None else round(self.fit_error, 4)}


def check_items(generator: ProductGenerator, items: list[Item], role: str, model_name: str | None,
                has_encoder: bool, encoder_hint: str = "") -> None:
    """Refuse, before any work, an item of another catalog or model, a catalog item not resolved to
    its photo (catalog.py) and a photo without an encoder.

    role: 'liked' or 'disliked', for the message; encoder_hint: how to get an encoder, appended.
    """
    for item in items:
        if isinstance(item, CatalogItem):
            raise ForYouError(f"{role} item {item.describe()} is a catalog item, and no catalog was given to look it "
                              "up in (load_catalog_photos)")
        if isinstance(item, GeneratedItem):
            if item.model and model_name and item.model != model_name:
                raise ForeignItemError(f"{role} item {item.describe()} is a product of model {item.model!r}, not of "
                                       f"{model_name!r}: its seed draws another product here")
            _check_levels(generator, item, role)
        elif item.levels:
            _check_levels(generator, item, role)
    photos = [item for item in items if isinstance(item, PhotoItem)]
    if photos and not has_encoder:
        raise NoEncoderError(f"{role} item {photos[0].describe()} is a photo, and placing a photo needs the model's "
                             f"latent encoder, which was not found{encoder_hint}")


def _check_levels(generator: ProductGenerator, item: GeneratedItem | PhotoItem, role: str) -> None:
    try:
        generator.level_ids(item.levels)
    except AttributeLevelError as error:
        raise ForeignItemError(f"{role} item {item.describe()} is not from this model's catalog: {error}") from None


def place(generator: ProductGenerator, item: Item, encoder=None, classifier=None, steps: int = PHOTO_STEPS,
          restarts: int = PHOTO_RESTARTS, seed: int = 0) -> Placed:
    """One checked item (check_items) in the generator's space; seed seeds a photo's inversion."""
    if isinstance(item, GeneratedItem):
        z, labels = generator.inputs(1, item.seed, attributes=item.levels)
        levels = {name: generator.levels[name][int(labels[0, a])] for a, name in enumerate(generator.names)}
        return Placed(item, z[0], labels[0], levels, generator.render(z, labels)[0], "generated")
    settings = InversionSettings(steps=steps, restarts=restarts, seed=seed)
    inversion = invert(generator, item.image, item.levels or None, classifier, encoder, settings)
    labels = generator.labels_for(1, inversion.levels, torch.Generator())[0]
    return Placed(item, inversion.z[0].detach().cpu(), labels, dict(inversion.levels), inversion.target, "inverted",
                  inversion.final_error)
