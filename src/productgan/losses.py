"""GAN losses and gradient penalties as pure functions over discriminator logits.

Logits are raw D outputs, shape (B,). Both players' losses are scalars to minimise.

kinds:
- 'hinge': D: relu(1 - real) + relu(1 + fake); G: -fake. SNGAN and BigGAN (Miyato et al. 2018;
  Brock et al. 2019); the usual partner of spectral norm and our default.
- 'nsgan': the non-saturating logistic loss (Goodfellow et al. 2014); StyleGAN2-ADA pairs it with R1.
- 'rpgan': relativistic pairing (Jolicoeur-Martineau 2019): D: softplus(fake - real),
  G: softplus(real - fake). R3GAN (Huang et al. 2024) shows that with R1 + R2 it converges
  locally and needs none of the usual tricks.
- 'wgan': the Wasserstein critic (Arjovsky et al. 2017); needs a Lipschitz constraint, e.g.
  `wgan_gp_penalty` (Gulrajani et al. 2017) or spectral norm.
"""

from __future__ import annotations

from collections.abc import Callable

import torch
import torch.nn.functional as F

KINDS = ("hinge", "nsgan", "rpgan", "wgan")


def _check(kind: str) -> None:
    if kind not in KINDS:
        raise ValueError(f"unknown loss {kind!r}; available: {', '.join(KINDS)}")


def discriminator_loss(kind: str, real_logits: torch.Tensor, fake_logits: torch.Tensor) -> torch.Tensor:
    """The scalar D minimises. 'rpgan' pairs real_logits[i] with fake_logits[i] (same batch size)."""
    _check(kind)
    if kind == "hinge":
        return F.relu(1 - real_logits).mean() + F.relu(1 + fake_logits).mean()
    if kind == "nsgan":  # -log sigmoid(real) - log(1 - sigmoid(fake))
        return F.softplus(-real_logits).mean() + F.softplus(fake_logits).mean()
    if kind == "rpgan":
        return F.softplus(fake_logits - real_logits).mean()
    return fake_logits.mean() - real_logits.mean()


def generator_loss(kind: str, real_logits: torch.Tensor | None, fake_logits: torch.Tensor) -> torch.Tensor:
    """The scalar G minimises; only 'rpgan' uses real_logits (pass None otherwise)."""
    _check(kind)
    if kind == "rpgan":
        if real_logits is None:
            raise ValueError("the rpgan generator loss needs real logits")
        return F.softplus(real_logits - fake_logits).mean()
    if kind == "nsgan":  # -log sigmoid(fake): strong gradients while D still wins (Goodfellow et al.)
        return F.softplus(-fake_logits).mean()
    return -fake_logits.mean()  # hinge (as in SNGAN/BigGAN) and wgan


def r1_penalty(real_logits: torch.Tensor, real_images: torch.Tensor) -> torch.Tensor:
    """Mean over the batch of ||d logit / d image||^2 (Mescheder et al. 2018, "Which training
    methods for GANs do actually converge?").

    real_images must have requires_grad set before D ran on them. Called on real images this is
    R1 (StyleGAN2's regulariser for nsgan); called on generated images it is R2, and R3GAN uses
    both with rpgan. Weighted by gamma / 2 by the caller. The graph is kept, so the penalty trains D.
    """
    (grad,) = torch.autograd.grad(real_logits.sum(), real_images, create_graph=True)
    return grad.float().pow(2).flatten(1).sum(1).mean()


def wgan_gp_penalty(discriminator: Callable[[torch.Tensor, torch.Tensor], torch.Tensor], real: torch.Tensor,
                    fake: torch.Tensor, labels: torch.Tensor, rng: torch.Generator | None = None) -> torch.Tensor:
    """Mean of (||grad_x D(x, labels)|| - 1)^2 at random interpolates x of real and fake
    (Gulrajani et al. 2017, WGAN-GP; weight 10 in the paper).

    The mixing weights come from `rng` (a CPU torch.Generator, for reproducible runs) when
    given. The interpolates carry the real images' labels.
    """
    alpha = torch.rand(real.shape[0], 1, 1, 1, generator=rng).to(device=real.device, dtype=real.dtype)
    mixed = (alpha * real.detach() + (1 - alpha) * fake.detach()).requires_grad_(True)
    (grad,) = torch.autograd.grad(discriminator(mixed, labels).sum(), mixed, create_graph=True)
    return (grad.float().flatten(1).norm(dim=1) - 1).pow(2).mean()


def diversity_loss(images_a: torch.Tensor, images_b: torch.Tensor, z_a: torch.Tensor, z_b: torch.Tensor,
                   ceiling: float = 1.0) -> torch.Tensor:
    """Minus the image distance per latent distance between two samples of the same labels, capped
    (diversity-sensitive loss, Yang et al. 2019, DSGAN; MSGAN's mode-seeking term, Mao et al. 2019).

    A conditional G on a small catalog learns to draw one product per label and ignore z ("six red
    shoes, one shoe"); this term rewards it for moving the image when z moves. The cap keeps it
    from paying for noise once samples differ as much as real ones do. Images (B, C, H, W), latents
    (B, D), pairs row by row; add weight * diversity_loss to G's loss.
    """
    image_distance = (images_a.float() - images_b.float()).abs().flatten(1).mean(1)
    latent_distance = (z_a.float() - z_b.float()).abs().flatten(1).mean(1)
    return -torch.clamp(image_distance / latent_distance.clamp_min(1e-8), max=ceiling).mean()


def reconstruction_loss(decoded: tuple[torch.Tensor, ...], targets: tuple[torch.Tensor, ...]) -> torch.Tensor:
    """Sum over pairs of the mean L1 pixel distance between D's decoded images and their targets
    (FastGAN's self-supervised D; add weight * reconstruction_loss to D's loss on the real batch).

    FastGAN measures this with LPIPS plus a pixel term; LPIPS needs pretrained weights this package
    cannot download, and a perceptual term from an untrained net would measure nothing in
    particular. L1 keeps the point of the term (D's features must describe the real image) and at
    16 px its blur costs little. Images (B, C, H, W) in [-1, 1], each decoded one shaped as its target.
    """
    return sum((d.float() - t.float()).abs().mean() for d, t in zip(decoded, targets, strict=True))


def class_cross_entropies(class_logits: list[torch.Tensor], labels: torch.Tensor) -> torch.Tensor:
    """The cross-entropy of D's per-level logits against labels (B, A), one per attribute: (A,).

    P2GAN's data-matching term (Han et al. 2021, "Dual projection GAN"): on real images it teaches
    D's level embeddings to tell the levels apart, on fakes it asks G for images D reads as their
    requested levels. A projection D alone only scores "image and label agree", which on a small
    catalog lets G pass with the commonest category's look (a person in a top for a watch).
    Their mean is the term (averaging keeps the weight's meaning whatever the number of attributes).
    """
    return torch.stack([F.cross_entropy(logits.float(), labels[:, k]) for k, logits in enumerate(class_logits)])


def class_loss_as_real(fake_terms: torch.Tensor, real_terms: torch.Tensor) -> torch.Tensor:
    """G's classification term floored, attribute by attribute, at D's cross-entropy on real images.

    P2GAN's term rewards G for fakes that D classifies ever more surely, past the certainty any real
    photo earns: a feature no product has but D's classifier reads well pays. The white mark on the
    chests of luma 64 px samples trained with the term may be one. Floored at the reals' own
    cross-entropy (detached: a figure, not a path to D), G is asked for products D reads as surely
    as real ones and no more, a margin in the spirit of ReACGAN's (Kang et al. 2021). On luma 64 px
    it beat the plain term at 42 kimg and lost to it at 84 on both seeds (docs/BENCHMARKS.md).
    """
    return torch.relu(fake_terms - real_terms.detach()).mean()


class LeCamAnchors:
    """Moving averages of D's real and fake logits for the LeCam regulariser (Tseng et al. 2021).

    The penalty ||D(real) - ema_fake||^2 + ||D(fake) - ema_real||^2 keeps D's outputs from
    drifting apart on a catalog it could memorise, which is the limited-data failure the paper
    targets; it costs two means per step.
    """

    def __init__(self, decay: float = 0.99, real: float = 0.0, fake: float = 0.0):
        self.decay = decay
        self.real, self.fake = torch.tensor(real), torch.tensor(fake)  # tensors: no device sync per step

    def penalty(self, real_logits: torch.Tensor, fake_logits: torch.Tensor) -> torch.Tensor:
        self.real = torch.lerp(self.real.to(real_logits.device), real_logits.detach().float().mean(), 1 - self.decay)
        self.fake = torch.lerp(self.fake.to(fake_logits.device), fake_logits.detach().float().mean(), 1 - self.decay)
        return (F.relu(real_logits - self.fake).pow(2).mean() + F.relu(self.real - fake_logits).pow(2).mean())

    def state(self) -> dict[str, float]:
        """The anchors as plain numbers, for the checkpoint header (a resumed run continues them)."""
        return {"real": float(self.real), "fake": float(self.fake)}
