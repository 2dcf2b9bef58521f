"""A shopper's taste, fitted from the liked (and disliked) products placed in the generator's space,
and new products drawn from it.

Latents. The liked latents z_1..z_k (each ~ N(0, I) under the generator's prior) are summarised by a
diagonal Gaussian whose mean and variance are shrunk toward the prior N(0, I):

    w      = k / (k + kappa)                              (kappa = prior_count, default 2)
    mean   = w * mean(z_i)
    var_d  = (kappa * 1 + k * spread_d) / (kappa + k)     (spread_d: the liked z's variance in dimension d)

The mean is the conjugate normal estimate with the prior worth kappa pseudo-items, and the
variance pools kappa pseudo-items of the prior's unit variance with the liked spread the same way:
one liked product moves the mean a third of the way toward it and keeps two thirds of the prior's
variance (one like says little: the next products should still vary); ten liked products move it
83 % and narrow it toward their own spread. Disliked latents push the mean away: mean += push * m / (m + kappa) * (mean -
mean(disliked z)) for m disliked items (their pull is shrunk the same way).

Levels. Per attribute, the liked items' level counts c are smoothed toward the catalog's level
frequencies q (from the combinations the checkpoint records) with alpha pseudo-counts, Dirichlet
style: p = (c + alpha * q) / (k + alpha) with alpha = 0.5, so one liked red shirt makes red two thirds
of the draws or more without ruling out every other colour, and ten make it nearly all. A disliked item takes dislike_weight off the
count of each of its levels: p is proportional to max(c + alpha * q - dislike_weight * d, floor *
alpha * q) for d disliked items carrying the level. Subtracting, not multiplying, because a disliked
item carries every attribute: a disliked large red bag after two liked red shirts should mostly
count against "large" and "bag", not cancel "red"; and the floor (a tenth of the catalog's own
pseudo-count) keeps a level drawable, since "never shorts" after three dislikes is rare, not impossible.

Explore (0..1) trades closeness for variety: mean -> (1 - e) mean, var -> (1 - e) var + e (the
prior at e = 1), and p -> p^(1 - e) renormalised (every level equally likely at e = 1).

Drawing: z from the Gaussian; levels attribute by attribute in model order, each from p restricted
to the levels that the catalog combines with the levels already drawn, so no product is of a
combination the catalog never showed (independent draws when the checkpoint records none).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from productgan.errors import ConfigError
from productgan.generate import ProductGenerator


@dataclass
class TasteSettings:
    """The pseudo-counts and weights of the fit (module docstring); explore is per request."""

    prior_count: float = 2.0        # kappa: the prior N(0, I) is worth this many liked latents
    level_pseudo_count: float = 0.5  # alpha: the catalog's level frequencies are worth this many liked items
    # (3 diluted one like to a quarter of the draws: the demo's simulated shoppers and the page showed it)
    dislike_weight: float = 1.0     # a disliked item takes this much off the count of each of its levels
    dislike_floor: float = 0.1      # ... but a level keeps at least this share of its catalog pseudo-count
    dislike_push: float = 0.5       # how far disliked latents push the mean away (0: not at all)

    def __post_init__(self) -> None:
        if not (self.prior_count > 0 and self.level_pseudo_count > 0):
            raise ConfigError(f"prior_count and level_pseudo_count must be > 0, got {self.prior_count} and "
                              f"{self.level_pseudo_count}")
        if self.dislike_weight < 0 or not 0 < self.dislike_floor <= 1 or self.dislike_push < 0:
            raise ConfigError(f"dislike_weight and dislike_push must be >= 0 and dislike_floor in (0, 1], got "
                              f"{self.dislike_weight}, {self.dislike_push} and {self.dislike_floor}")


def check_explore(explore: float) -> float:
    if not 0.0 <= explore <= 1.0:
        raise ConfigError(f"explore must be between 0 and 1, got {explore}")
    return float(explore)


@dataclass
class Taste:
    """The fitted taste before exploring. mean, var: (D,) float tensors; probabilities: attribute ->
    (levels,) float64 summing to 1, in the model's level order; catalog: the same for the catalog."""

    mean: torch.Tensor
    var: torch.Tensor
    probabilities: dict[str, np.ndarray]
    catalog: dict[str, np.ndarray]
    liked: int
    disliked: int

    def explored(self, explore: float) -> tuple[torch.Tensor, torch.Tensor, dict[str, np.ndarray]]:
        """(mean, var, probabilities) after explore (module docstring)."""
        e = check_explore(explore)
        flattened = {name: _normalise(p ** (1.0 - e)) for name, p in self.probabilities.items()}
        return (1.0 - e) * self.mean, (1.0 - e) * self.var + e, flattened

    def level_frequencies(self, levels: dict[str, list[str]], explore: float) -> dict[str, dict[str, float]]:
        """attribute -> level -> probability after explore, JSON-ready (for reports)."""
        _, _, probabilities = self.explored(explore)
        return {name: {level: round(float(p), 6) for level, p in zip(levels[name], probabilities[name])}
                for name in probabilities}


def catalog_frequencies(generator: ProductGenerator) -> dict[str, np.ndarray]:
    """attribute -> (levels,) level frequencies over the catalog's recorded combinations, each count
    plus one (as ProductGenerator draws unasked attributes), so no level has probability zero."""
    frequencies = {}
    for k, name in enumerate(generator.names):
        counts = np.ones(len(generator.levels[name]))
        for row, count in generator.combos:
            counts[row[k]] += count
        frequencies[name] = _normalise(counts)
    return frequencies


def fit_taste(generator: ProductGenerator, liked: list[tuple[torch.Tensor, torch.Tensor]],
              disliked: list[tuple[torch.Tensor, torch.Tensor]], settings: TasteSettings | None = None) -> Taste:
    """The taste from (z (D,), labels (A,)) pairs of liked and disliked products; at least one liked."""
    settings = settings or TasteSettings()
    if not liked:
        raise ValueError("fit_taste needs at least one liked product")
    kappa = settings.prior_count
    liked_z = torch.stack([z.float().cpu() for z, _ in liked])
    k = len(liked_z)
    mean = k / (k + kappa) * liked_z.mean(0)
    spread = liked_z.var(0, unbiased=False)
    var = (kappa + k * spread) / (kappa + k)
    if disliked:
        disliked_z = torch.stack([z.float().cpu() for z, _ in disliked])
        m = len(disliked_z)
        mean = mean + settings.dislike_push * m / (m + kappa) * (mean - disliked_z.mean(0))
    catalog = catalog_frequencies(generator)
    probabilities = {}
    for a, name in enumerate(generator.names):
        counts = np.bincount([int(labels[a]) for _, labels in liked], minlength=len(catalog[name]))
        prior = settings.level_pseudo_count * catalog[name]
        against = np.bincount([int(labels[a]) for _, labels in disliked], minlength=len(prior))
        probabilities[name] = _normalise(np.maximum(counts + prior - settings.dislike_weight * against,
                                                    settings.dislike_floor * prior))
    return Taste(mean, var, probabilities, catalog, k, len(disliked))


def draw(generator: ProductGenerator, taste: Taste, n: int, explore: float,
         rng: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    """(n, D) latents and (n, A) labels from the taste after explore; seeded by rng."""
    mean, var, probabilities = taste.explored(explore)
    z = mean + var.sqrt() * torch.randn(n, generator.latent_dim, generator=rng)
    labels = torch.tensor([_draw_levels(generator, probabilities, rng) for _ in range(n)], dtype=torch.long)
    return z, labels.reshape(n, len(generator.names))


def _draw_levels(generator: ProductGenerator, probabilities: dict[str, np.ndarray], rng: torch.Generator) -> list[int]:
    """One label row: each attribute in turn from its probabilities, among the levels the catalog's
    combinations hold together with the levels drawn so far (all levels when none is recorded)."""
    rows = [row for row, _ in generator.combos]
    chosen: list[int] = []
    for a, name in enumerate(generator.names):
        allowed = np.zeros(len(probabilities[name]), dtype=bool)
        for row in rows:
            allowed[row[a]] = True
        weights = probabilities[name] * allowed if allowed.any() else probabilities[name]
        level = int(torch.multinomial(torch.from_numpy(weights), 1, generator=rng))
        chosen.append(level)
        rows = [row for row in rows if row[a] == level]
    return chosen


def _normalise(weights: np.ndarray) -> np.ndarray:
    weights = np.asarray(weights, dtype=np.float64)
    return weights / weights.sum()
