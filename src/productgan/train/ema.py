"""Exponential moving average of the generator: the weights we sample from (StyleGAN2-ADA, BigGAN)."""

from __future__ import annotations

import copy

import torch


def make_ema(generator: torch.nn.Module) -> torch.nn.Module:
    ema = copy.deepcopy(generator).eval()
    ema.requires_grad_(False)
    return ema


def ema_beta(batch: int, images_seen: int, half_life_kimg: float, rampup: float | None) -> float:
    """Decay per step from a half-life in images, so it does not depend on the batch size.

    With rampup, the half-life is capped at rampup * images seen, so early samples are not
    dominated by the random initial weights (StyleGAN2-ADA's ema_rampup).
    """
    half_life = half_life_kimg * 1000.0
    if rampup:
        half_life = min(half_life, images_seen * rampup)
    return 0.5 ** (batch / max(half_life, 1e-8))


@torch.no_grad()
def update_ema(ema: torch.nn.Module, generator: torch.nn.Module, beta: float) -> None:
    """ema <- lerp(generator, ema, beta); buffers (e.g. norm statistics) are copied as they are."""
    ema_params = list(ema.parameters())
    params = [p.detach() for p in generator.parameters()]
    torch._foreach_lerp_(ema_params, params, 1.0 - beta)
    for ema_buffer, buffer in zip(ema.buffers(), generator.buffers()):
        ema_buffer.copy_(buffer)
