"""A morph between two generated products: latents on the sphere, conditions on a straight line.

Each end is exactly the product that `ProductGenerator.generate(1, seed, attributes=attributes)` draws
(the same latent and the same filled-in attributes), so a morph can start and end on two products
a shopper has just seen.
"""

from __future__ import annotations

import io

import numpy as np
import torch

from productgan.generate import ProductGenerator
from productgan.imaging import check_image_batch, uint8_to_pil

PARALLEL_EPS = 1e-6  # below this sin(angle), slerp and lerp agree to float precision


def slerp(a: torch.Tensor, b: torch.Tensor, t: float | torch.Tensor) -> torch.Tensor:
    """Spherical interpolation between latents a and b (..., D), row by row; t in [0, 1].

    Gaussian latents live near a sphere, so a straight line between two of them passes through
    atypically short latents (washed-out images); the great-circle path keeps the norm typical.
    Nearly parallel rows fall back to linear interpolation, where slerp would divide by ~0.
    """
    t = torch.as_tensor(t, dtype=a.dtype, device=a.device)
    cos_angle = (a * b).sum(-1, keepdim=True) / (a.norm(dim=-1, keepdim=True) * b.norm(dim=-1, keepdim=True))
    angle = torch.acos(cos_angle.clamp(-1.0, 1.0))
    sin_angle = torch.sin(angle)
    safe = sin_angle.abs() > PARALLEL_EPS
    denominator = torch.where(safe, sin_angle, torch.ones_like(sin_angle))
    weight_a = torch.where(safe, torch.sin((1 - t) * angle) / denominator, 1 - t)
    weight_b = torch.where(safe, torch.sin(t * angle) / denominator, t)
    return weight_a * a + weight_b * b


@torch.no_grad()
def morph_frames(generator: ProductGenerator, seed_a: int, seed_b: int, frames: int,
                 attributes_a: dict[str, str] | None = None, attributes_b: dict[str, str] | None = None,
                 truncation: float | None = None) -> np.ndarray:
    """uint8 (frames, H, W, C): product A (seed_a, attributes_a) turning into product B.

    attributes_b defaults to attributes_a. Latents are slerped; the attribute embeddings are
    blended linearly, so a red tee can turn into a blue bag halfway through.
    """
    if frames < 2:
        raise ValueError(f"a morph needs at least 2 frames, got {frames}")
    attributes_a = dict(attributes_a or {})
    attributes_b = dict(attributes_a if attributes_b is None else attributes_b)
    z_a, labels_a = generator.inputs(1, seed_a, truncation, attributes_a)
    z_b, labels_b = generator.inputs(1, seed_b, truncation, attributes_b)
    condition_a, condition_b = generator.embed(labels_a), generator.embed(labels_b)
    steps = torch.linspace(0.0, 1.0, frames)[:, None]
    z = slerp(z_a.expand(frames, -1), z_b.expand(frames, -1), steps)
    condition = None if condition_a is None else torch.lerp(condition_a, condition_b, steps.to(condition_a.device))
    return generator.render_conditions(z, condition)


def encode_gif(frames: np.ndarray, fps: float = 12.0, loop: bool = True) -> bytes:
    """An animated GIF of uint8 (N, H, W, C) frames; Pillow quantises each frame to its own palette."""
    check_image_batch(frames, "frames")
    images = [uint8_to_pil(frame) for frame in frames]
    buffer = io.BytesIO()
    options = {"loop": 0} if loop else {}
    images[0].save(buffer, format="GIF", save_all=True, append_images=images[1:],
                   duration=max(20, round(1000 / fps)), disposal=1, **options)
    return buffer.getvalue()
