"""GAN losses and gradient penalties as pure functions over discriminator logits.

kinds:
- 'hinge': SNGAN/BigGAN (Miyato et al. 2018; Brock et al. 2019); the usual partner of spectral norm.
- 'nsgan': non-saturating logistic loss (Goodfellow et al. 2014), used by StyleGAN2-ADA with R1.
- 'rpgan': relativistic pairing (Jolicoeur-Martineau 2019), which R3GAN (Huang et al. 2024) pairs
  with R1 + R2 to get a well-behaved loss without tricks.
- 'wgan': Wasserstein critic (Arjovsky et al. 2017), with the gradient penalty of Gulrajani et al.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

KINDS = ("hinge", "nsgan", "rpgan", "wgan")


def _check(kind: str) -> None:
    if kind not in KINDS:
        raise ValueError(f"unknown loss {kind!r}; available: {', '.join(KINDS)}")


def discriminator_loss(kind: str, real_logits: torch.Tensor, fake_logits: torch.Tensor) -> torch.Tensor:
    """Scalar loss the discriminator minimises."""
    _check(kind)
    if kind == "hinge":
        return F.relu(1 - real_logits).mean() + F.relu(1 + fake_logits).mean()
    if kind == "nsgan":
        return F.softplus(-real_logits).mean() + F.softplus(fake_logits).mean()
    if kind == "rpgan":
        return F.softplus(fake_logits - real_logits).mean()
    return fake_logits.mean() - real_logits.mean()


def generator_loss(kind: str, real_logits: torch.Tensor | None, fake_logits: torch.Tensor) -> torch.Tensor:
    """Scalar loss the generator minimises; only 'rpgan' needs real_logits."""
    _check(kind)
    if kind == "rpgan":
        if real_logits is None:
            raise ValueError("the rpgan generator loss needs real logits")
        return F.softplus(real_logits - fake_logits).mean()
    if kind == "nsgan":
        return F.softplus(-fake_logits).mean()
    return -fake_logits.mean()  # hinge (as in SNGAN/BigGAN) and wgan


def r1_penalty(logits: torch.Tensor, images: torch.Tensor) -> torch.Tensor:
    """Mean squared gradient norm of D at the given images (Mescheder et al. 2018).

    On real images this is R1, on generated ones R2; images must have requires_grad set before D ran.
    """
    (grad,) = torch.autograd.grad(logits.sum(), images, create_graph=True)
    return grad.float().pow(2).flatten(1).sum(1).mean()


def wgan_gp_penalty(discriminator, real: torch.Tensor, fake: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """(||grad D(x_hat)|| - 1)^2 at random interpolates of real and fake (Gulrajani et al. 2017)."""
    alpha = torch.rand(real.shape[0], 1, 1, 1, device=real.device, dtype=real.dtype)
    mixed = (alpha * real.detach() + (1 - alpha) * fake.detach()).requires_grad_(True)
    (grad,) = torch.autograd.grad(discriminator(mixed, labels).sum(), mixed, create_graph=True)
    return (grad.flatten(1).norm(dim=1) - 1).pow(2).mean()
