"""Differentiable augmentation (DiffAugment, Zhao et al. 2020), applied to real and fake alike.

On a few hundred photos D memorises the catalog within minutes; augmenting both the real and the
generated images that D sees (differentiably, so G learns through the augmentation) keeps D
honest without the augmentations leaking into generated images. Ops that would change an
attribute the model is conditioned on are dropped by `safe_policy` (no colour jitter when
conditioning on colour, no flips when conditioning on view, no zoom when conditioning on size).

Images are float NCHW in [-1, 1]. All randomness is drawn on the CPU from the given
torch.Generator and then moved to the images' device, so one CPU generator makes a CUDA run
exactly reproducible and resumable.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
import torch.nn.functional as F

DEFAULT_POLICY = ("translation", "cutout", "color")

# op -> words in attribute names it would alter
CONFLICTS = {
    "color": ("color", "colour", "material", "shade", "tone"),  # "colour": old spelling kept, as catalogs spell it
    "flip": ("angle", "view", "orientation", "side", "pose"),
    "scale": ("size", "scale"),
}


def _uniform(n: int, rng: torch.Generator | None, like: torch.Tensor) -> torch.Tensor:
    """(n, 1, 1, 1) uniform [0, 1) drawn on the CPU, then moved to like's device and dtype."""
    return torch.rand(n, 1, 1, 1, generator=rng).to(device=like.device, dtype=like.dtype)


def _randint(low: int, high: int, n: int, rng: torch.Generator | None, like: torch.Tensor) -> torch.Tensor:
    """(n,) integers in [low, high) drawn on the CPU, then moved to like's device."""
    return torch.randint(low, high, (n,), generator=rng).to(like.device)


def random_color(x: torch.Tensor, rng: torch.Generator | None) -> torch.Tensor:
    """Brightness +-0.5, saturation x[0, 2), contrast x[0.5, 1.5), as in DiffAugment."""
    n = x.shape[0]
    x = x + (_uniform(n, rng, x) - 0.5)
    mean = x.mean(dim=1, keepdim=True)
    x = (x - mean) * (_uniform(n, rng, x) * 2) + mean
    mean = x.mean(dim=(1, 2, 3), keepdim=True)
    return (x - mean) * (_uniform(n, rng, x) + 0.5) + mean


def random_flip(x: torch.Tensor, rng: torch.Generator | None) -> torch.Tensor:
    """Horizontal flip of each image with probability 1/2."""
    chosen = _uniform(x.shape[0], rng, x) < 0.5
    return torch.where(chosen, x.flip(3), x)


def random_scale(x: torch.Tensor, rng: torch.Generator | None, amount: float = 0.15) -> torch.Tensor:
    """Zoom in or out by a factor in [1 - amount, 1 + amount] about the centre, edge-padded."""
    n = x.shape[0]
    factor = 1 + (torch.rand(n, generator=rng) * 2 - 1) * amount
    theta = torch.zeros(n, 2, 3)
    theta[:, 0, 0] = theta[:, 1, 1] = 1 / factor
    grid = F.affine_grid(theta.to(x.device, x.dtype), list(x.shape), align_corners=False)
    return F.grid_sample(x, grid, mode="bilinear", padding_mode="border", align_corners=False)


def random_translation(x: torch.Tensor, rng: torch.Generator | None, ratio: float = 0.125) -> torch.Tensor:
    """Integer shifts of up to ratio * size in each direction, filled with the edge pixels.

    A white studio background stays white; DiffAugment's zero padding would paint grey bars
    that exist in no product photo.
    """
    n, _, h, w = x.shape
    max_dy, max_dx = int(h * ratio + 0.5), int(w * ratio + 0.5)
    dy = _randint(-max_dy, max_dy + 1, n, rng, x)
    dx = _randint(-max_dx, max_dx + 1, n, rng, x)
    padded = F.pad(x, (max_dx, max_dx, max_dy, max_dy), mode="replicate")
    rows = torch.arange(h, device=x.device)[None, :] - dy[:, None] + max_dy  # (n, h) source rows
    cols = torch.arange(w, device=x.device)[None, :] - dx[:, None] + max_dx  # (n, w) source columns
    batch = torch.arange(n, device=x.device)[:, None, None]
    return padded.permute(0, 2, 3, 1)[batch, rows[:, :, None], cols[:, None, :]].permute(0, 3, 1, 2)


def random_cutout(x: torch.Tensor, rng: torch.Generator | None, ratio: float = 0.5) -> torch.Tensor:
    """Set a random square of ratio * size per image to 0 (mid-grey), as in DiffAugment."""
    n, _, h, w = x.shape
    cut_h, cut_w = int(h * ratio + 0.5), int(w * ratio + 0.5)
    top = _randint(0, h + 1 - cut_h % 2, n, rng, x) - cut_h // 2  # the centre may sit anywhere in the image
    left = _randint(0, w + 1 - cut_w % 2, n, rng, x) - cut_w // 2
    ys = torch.arange(h, device=x.device)[None, :] - top[:, None]
    xs = torch.arange(w, device=x.device)[None, :] - left[:, None]
    inside = ((ys >= 0) & (ys < cut_h))[:, :, None] & ((xs >= 0) & (xs < cut_w))[:, None, :]
    return x * (~inside)[:, None].to(x.dtype)


# In the order they are applied, whatever the order of a policy: photometric first, cutout last
# so that its hole is exactly 0.
# policy name -> op; the functions are named random_* apart from edit/geometry's deterministic photo edits
OPS = {"color": random_color, "flip": random_flip, "scale": random_scale, "translation": random_translation,
       "cutout": random_cutout}


def _check(policy: Sequence[str]) -> None:
    unknown = [op for op in policy if op not in OPS]
    if unknown:
        raise ValueError(f"unknown augmentation {', '.join(unknown)}; available: {', '.join(OPS)}")


def diff_augment(images: torch.Tensor, policy: Sequence[str], rng: torch.Generator | None = None,
                 p: float = 1.0) -> torch.Tensor:
    """Apply the ops named in policy (in OPS order, each once) to (B, C, H, W) images.

    Differentiable w.r.t. images; shape, device and dtype are kept. Each image gets its own
    random parameters, all drawn from `rng` (the global CPU generator when None).
    p < 1: each op reaches each image with probability p (StyleGAN2-ADA's augmentation
    probability, which `AdaptiveProbability` tunes); p = 1 is DiffAugment and draws no extra numbers.
    """
    _check(policy)
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"augmentation probability must be in [0, 1], got {p}")
    for name, op in OPS.items():
        if name in policy:
            if p >= 1.0:
                images = op(images, rng)
            else:
                chosen = _uniform(images.shape[0], rng, images) < p
                images = torch.where(chosen, op(images, rng), images)
    return images


class AdaptiveProbability:
    """The augmentation probability p of StyleGAN2-ADA (Karras et al. 2020), tuned while training.

    D's overfitting is read from r = mean(sign(D(real))) over the last `interval` steps: a D that
    is sure of every training image (r near 1) is memorising, so p rises; when r falls below the
    target, p falls. p moves by at most batch * interval / (speed_kimg * 1000) per adjustment, so
    it can cross [0, 1] in speed_kimg thousand images. Its state is plain numbers, kept in the
    checkpoint so a resumed run continues it exactly.
    """

    def __init__(self, target: float, speed_kimg: float, interval: int = 4, p: float = 0.0,
                 signs: float = 0.0, seen: int = 0):
        self.target, self.speed_kimg, self.interval = target, speed_kimg, interval
        self.p, self.signs, self.seen = p, signs, seen

    def observe(self, real_logits: torch.Tensor, batch: int) -> None:
        """Add one D step's real logits; every `interval` steps, move p."""
        self.signs += float(real_logits.detach().sign().sum())
        self.seen += real_logits.numel()
        if self.seen >= batch * self.interval:
            overfit = self.signs / self.seen
            step = self.seen / (self.speed_kimg * 1000)
            self.p = min(1.0, max(0.0, self.p + (step if overfit > self.target else -step)))
            self.signs, self.seen = 0.0, 0

    def state(self) -> dict[str, float]:
        return {"p": self.p, "signs": self.signs, "seen": self.seen}


def safe_policy(policy: Sequence[str], condition_names: Sequence[str]) -> tuple[list[str], dict[str, str]]:
    """Drop the ops that would change a conditioned attribute: returns (kept ops, {dropped op: reason}).

    Augmentation must never change what G is conditioned on ("ask for red, get red"): 'color' goes
    when an attribute name mentions colour/material/shade/tone, 'flip' for angle/view/orientation/
    side/pose, 'scale' for size/scale (case-insensitive substrings). Kept ops keep their order.
    """
    _check(policy)
    kept, dropped = [], {}
    for op in dict.fromkeys(policy):
        clash = [name for name in condition_names if any(word in name.lower() for word in CONFLICTS.get(op, ()))]
        if clash:
            dropped[op] = f"it would change the conditioned attribute {', '.join(map(repr, clash))}"
        else:
            kept.append(op)
    return kept, dropped
