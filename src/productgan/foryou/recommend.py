""""For you": new products drawn from a shopper's liked and disliked items.

recommend() resolves catalog items by id to their photos and table levels (catalog.py), checks the
history (at least one liked item, every item of this model's catalog, an encoder when there are
photos), places every item in the generator's space (place.py), fits the
taste (taste.py) and draws n products from it, redrawing any product that is a near copy of a
liked item (guard.py). Seeded: the same history, settings and seed give the same images.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch

from productgan.errors import ConfigError
from productgan.foryou.catalog import CatalogPhotos
from productgan.foryou.errors import EmptyHistoryError, ForYouError
from productgan.foryou.guard import CopyGuard, copy_guard
from productgan.foryou.items import Item
from productgan.foryou.place import PHOTO_RESTARTS, PHOTO_STEPS, Placed, check_items, place
from productgan.foryou.taste import Taste, TasteSettings, check_explore, draw, fit_taste
from productgan.generate import ProductGenerator

WIDEN_PER_ROUND = 0.1  # explore added per redraw round, so a tight taste still finds products that are not copies


@dataclass
class ForYouSettings:
    """One request's settings. explore: 0 (close to the taste) .. 1 (the prior, every level alike);
    photo_steps, photo_restarts: the short inversion that places a photo; max_rounds: redraw rounds
    before giving up on near copies."""

    n: int = 16
    explore: float = 0.3
    seed: int = 0
    photo_steps: int = PHOTO_STEPS
    photo_restarts: int = PHOTO_RESTARTS
    max_rounds: int = 20
    taste: TasteSettings = field(default_factory=TasteSettings)

    def __post_init__(self) -> None:
        check_explore(self.explore)
        if self.n < 1 or self.photo_steps < 1 or self.photo_restarts < 1 or self.max_rounds < 1:
            raise ConfigError(f"n, photo_steps, photo_restarts and max_rounds must be >= 1, got {self.n}, "
                              f"{self.photo_steps}, {self.photo_restarts} and {self.max_rounds}")


@dataclass
class ForYou:
    """The drawn products: images uint8 (n, H, W, C), z (n, D), labels (n, A), levels one dict per
    image; nearest: each image's distance to its nearest liked item (in guard.space); redraws: the
    near copies dropped and drawn again."""

    images: np.ndarray
    z: torch.Tensor
    labels: torch.Tensor
    levels: list[dict[str, str]]
    nearest: np.ndarray
    redraws: int
    taste: Taste
    liked: list[Placed]
    disliked: list[Placed]
    guard: CopyGuard
    settings: ForYouSettings

    def report(self, generator: ProductGenerator) -> dict:
        """What was fitted and drawn, JSON-ready (the CLI's foryou.json)."""
        return {"n": len(self.images), "seed": self.settings.seed, "explore": self.settings.explore,
                "level_frequencies": self.taste.level_frequencies(generator.levels, self.settings.explore),
                "catalog_frequencies": {name: {level: round(float(p), 6) for level, p in zip(generator.levels[name], q)}
                                        for name, q in self.taste.catalog.items()},
                "liked": [p.report() for p in self.liked], "disliked": [p.report() for p in self.disliked],
                "near_copy_guard": self.guard.describe(), "near_copy_redraws": self.redraws,
                "products": [{"levels": levels, "nearest_liked_distance": round(float(d), 6)}
                             for levels, d in zip(self.levels, self.nearest)]}


def recommend(generator: ProductGenerator, liked: list[Item], disliked: list[Item] | None = None,
              settings: ForYouSettings | None = None, *, model_name: str | None = None, encoder=None,
              classifier=None, guard: CopyGuard | None = None, encoder_hint: str = "",
              catalog: CatalogPhotos | None = None) -> ForYou:
    """n products for a shopper who liked `liked` and disliked `disliked`.

    model_name: this model's name, to refuse generated items of another; encoder: a LatentEncoder,
    needed when there are photos (encoder_hint says how to get one, in the error); classifier: a
    DomainClassifier, reading photos' levels and measuring near copies; guard: built once per
    model by the caller (copy_guard), else here; catalog: the model's catalog, needed when there
    are catalog items (load_catalog_photos).
    """
    settings = settings or ForYouSettings()
    disliked = list(disliked or [])
    if catalog is not None:
        liked, disliked = catalog.resolve_history(liked, disliked, generator)
    check_history(generator, liked, disliked, model_name, encoder is not None, encoder_hint)
    placed = [place(generator, item, encoder, classifier, settings.photo_steps, settings.photo_restarts, settings.seed)
              for item in [*liked, *disliked]]
    liked_placed, disliked_placed = placed[:len(liked)], placed[len(liked):]
    taste = fit_taste(generator, [(p.z, p.labels) for p in liked_placed], [(p.z, p.labels) for p in disliked_placed],
                      settings.taste)
    guard = guard or copy_guard(generator, classifier)
    z, labels, images, nearest, redraws = draw_guarded(generator, taste, settings, guard,
                                                       np.stack([p.image for p in liked_placed]))
    levels = [{name: generator.levels[name][int(row[a])] for a, name in enumerate(generator.names)} for row in labels]
    return ForYou(images, z, labels, levels, nearest, redraws, taste, liked_placed, disliked_placed, guard, settings)


def check_history(generator: ProductGenerator, liked: list[Item], disliked: list[Item], model_name: str | None = None,
                  has_encoder: bool = False, encoder_hint: str = "") -> None:
    """Refuse an empty history, items of another catalog or model, photos without an encoder: cheap,
    so a caller about to build something dear for the request (a guard) can ask first."""
    if not liked:
        raise EmptyHistoryError("the history has no liked item: like at least one product (a generated one, "
                                "gen:SEED, or a photo) to get products for you")
    check_items(generator, liked, "liked", model_name, has_encoder, encoder_hint)
    check_items(generator, disliked, "disliked", model_name, has_encoder, encoder_hint)


def draw_guarded(generator: ProductGenerator, taste: Taste, settings: ForYouSettings, guard: CopyGuard,
                 liked_images: np.ndarray) -> tuple[torch.Tensor, torch.Tensor, np.ndarray, np.ndarray, int]:
    """(z, labels, images, nearest distances, redraws): n products none of which is a near copy.

    Each round draws the products still missing and drops the near copies; a later round explores
    a little more (WIDEN_PER_ROUND), so a tight taste still gets away from what was liked.
    """
    rng = torch.Generator().manual_seed(settings.seed)
    liked_features = guard.features(liked_images)
    kept: list[tuple[torch.Tensor, torch.Tensor, np.ndarray, np.ndarray]] = []
    count, redraws = 0, 0
    for round_ in range(settings.max_rounds):
        explore = min(1.0, settings.explore + WIDEN_PER_ROUND * round_)
        z, labels = draw(generator, taste, settings.n - count, explore, rng)
        images = generator.render(z, labels)
        distances = guard.nearest(images, liked_features)
        keep = distances >= guard.threshold
        kept.append((z[torch.from_numpy(keep)], labels[torch.from_numpy(keep)], images[keep], distances[keep]))
        count += int(keep.sum())
        redraws += int((~keep).sum())
        if count == settings.n:
            z, labels, images, distances = (torch.cat([k[0] for k in kept]), torch.cat([k[1] for k in kept]),
                                            np.concatenate([k[2] for k in kept]), np.concatenate([k[3] for k in kept]))
            return z, labels, images, distances, redraws
    raise ForYouError(f"after {settings.max_rounds} rounds only {count} of {settings.n} products were farther than "
                      f"{guard.threshold:.4g} ({guard.space}) from every liked item; raise explore or like more "
                      "varied products")
