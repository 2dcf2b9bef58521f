"""Differentiable augmentation (DiffAugment, Zhao et al. 2020), applied to real and fake alike.

On a few hundred photos D memorises the catalog within minutes; augmenting both real and generated
images (differentiably, so G learns through it) keeps it honest without leaking augmentations into
the generated images. Ops that would change an attribute the model is conditioned on are dropped
by `safe_policy` (no colour jitter when conditioning on colour, no flips when on angle/view).
All randomness comes from the given torch.Generator, so training stays exactly reproducible.
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
import torch.nn.functional as F

DEFAULT_POLICY = ("translation", "cutout", "color")

# op -> words in attribute names it would alter
CONFLICTS = {
    "color": ("color", "colour", "material", "shade", "tone"),
    "flip": ("angle", "view", "orientation", "side", "pose"),
    "scale": ("size", "scale"),
}


def _rand(shape: tuple[int, ...], generator: torch.Generator | None, like: torch.Tensor) -> torch.Tensor:
    """Uniform [0, 1) drawn on the CPU generator, then moved: one generator serves CPU and CUDA."""
    return torch.rand(shape, generator=generator).to(device=like.device, dtype=like.dtype)


def brightness_saturation_contrast(x: torch.Tensor, g: torch.Generator | None) -> torch.Tensor:
    n = x.shape[0]
    x = x + (_rand((n, 1, 1, 1), g, x) - 0.5)
    mean = x.mean(dim=1, keepdim=True)
    x = (x - mean) * (_rand((n, 1, 1, 1), g, x) * 2) + mean
    mean = x.mean(dim=(1, 2, 3), keepdim=True)
    return (x - mean) * (_rand((n, 1, 1, 1), g, x) + 0.5) + mean


def translation(x: torch.Tensor, g: torch.Generator | None, ratio: float = 0.125) -> torch.Tensor:
    """Integer shifts of up to ratio*size, filling with the edge pixels (a white studio background
    stays white; zero padding would paint black bars D could learn to look for)."""
    n, _, h, w = x.shape
    max_dy, max_dx = int(h * ratio + 0.5), int(w * ratio + 0.5)
    dy = (_rand((n,), g, x) * (2 * max_dy + 1)).long().clamp(max=2 * max_dy) - max_dy
    dx = (_rand((n,), g, x) * (2 * max_dx + 1)).long().clamp(max=2 * max_dx) - max_dx
    padded = F.pad(x, (max_dx, max_dx, max_dy, max_dy), mode="replicate")
    rows = (torch.arange(h, device=x.device)[None, :] - dy[:, None] + max_dy)  # (n, h)
    cols = (torch.arange(w, device=x.device)[None, :] - dx[:, None] + max_dx)  # (n, w)
    batch = torch.arange(n, device=x.device)[:, None, None]
    out = padded.permute(0, 2, 3, 1)[batch, rows[:, :, None], cols[:, None, :]]
    return out.permute(0, 3, 1, 2)


def cutout(x: torch.Tensor, g: torch.Generator | None, ratio: float = 0.5) -> torch.Tensor:
    """Zero a random square of ratio*size per image."""
    n, _, h, w = x.shape
    ch, cw = int(h * ratio + 0.5), int(w * ratio + 0.5)
    cy = (_rand((n,), g, x) * (h + 1 - ch % 2)).long()
    cx = (_rand((n,), g, x) * (w + 1 - cw % 2)).long()
    ys = torch.arange(h, device=x.device)[None, :]
    xs = torch.arange(w, device=x.device)[None, :]
    inside_y = ((ys - cy[:, None] + ch // 2) >= 0) & ((ys - cy[:, None] + ch // 2) < ch)
    inside_x = ((xs - cx[:, None] + cw // 2) >= 0) & ((xs - cx[:, None] + cw // 2) < cw)
    mask = ~(inside_y[:, :, None] & inside_x[:, None, :])
    return x * mask[:, None].to(x.dtype)


def flip(x: torch.Tensor, g: torch.Generator | None) -> torch.Tensor:
    """Horizontal flip of half the images."""
    chosen = (_rand((x.shape[0],), g, x) < 0.5).view(-1, 1, 1, 1)
    return torch.where(chosen, x.flip(3), x)


def scale(x: torch.Tensor, g: torch.Generator | None, amount: float = 0.15) -> torch.Tensor:
    """Zoom in or out by up to `amount`, about the centre, edge-padded."""
    n = x.shape[0]
    factor = 1 + (_rand((n,), g, x) * 2 - 1) * amount
    theta = torch.zeros(n, 2, 3, device=x.device, dtype=x.dtype)
    theta[:, 0, 0] = theta[:, 1, 1] = 1 / factor
    grid = F.affine_grid(theta, list(x.shape), align_corners=False)
    return F.grid_sample(x, grid, mode="bilinear", padding_mode="border", align_corners=False)


OPS = {"color": brightness_saturation_contrast, "translation": translation, "cutout": cutout,
       "flip": flip, "scale": scale}


def diff_augment(images: torch.Tensor, policy: Sequence[str], generator: torch.Generator | None = None) -> torch.Tensor:
    """Apply the ops of `policy` in order; differentiable w.r.t. images."""
    unknown = [op for op in policy if op not in OPS]
    if unknown:
        raise ValueError(f"unknown augmentation {', '.join(unknown)}; available: {', '.join(OPS)}")
    for op in policy:
        images = OPS[op](images, generator)
    return images


def safe_policy(policy: Sequence[str], condition_names: Sequence[str]) -> tuple[list[str], dict[str, str]]:
    """Drop ops that would change a conditioned attribute; returns (kept ops, {dropped op: why})."""
    kept, dropped = [], {}
    for op in policy:
        clash = [name for name in condition_names
                 if any(word in name.lower() for word in CONFLICTS.get(op, ()))]
        if clash:
            dropped[op] = f"would change the conditioned attribute {', '.join(clash)}"
        else:
            kept.append(op)
    return kept, dropped
