"""Losses and penalties against values known in closed form."""

from __future__ import annotations

import pytest
import torch

from productgan.losses import discriminator_loss, generator_loss, r1_penalty, wgan_gp_penalty


def test_hinge_is_zero_when_margins_are_met():
    assert discriminator_loss("hinge", torch.tensor([1.0, 2.0]), torch.tensor([-1.0, -3.0])).item() == 0
    assert discriminator_loss("hinge", torch.tensor([0.0]), torch.tensor([0.0])).item() == pytest.approx(2.0)


def test_rpgan_is_symmetric_between_players():
    real, fake = torch.tensor([0.3, -1.0]), torch.tensor([1.2, 0.5])
    assert discriminator_loss("rpgan", real, fake).item() == pytest.approx(generator_loss("rpgan", fake, real).item())
    with pytest.raises(ValueError, match="real logits"):
        generator_loss("rpgan", None, fake)


def test_nsgan_matches_log_sigmoid():
    real, fake = torch.tensor([0.0]), torch.tensor([0.0])
    assert discriminator_loss("nsgan", real, fake).item() == pytest.approx(2 * torch.log(torch.tensor(2.0)).item())


def test_r1_of_a_linear_critic_is_its_squared_weight_norm():
    weight = torch.randn(12)
    images = torch.randn(5, 12, requires_grad=True)
    assert r1_penalty(images @ weight, images).item() == pytest.approx(weight.pow(2).sum().item(), rel=1e-5)


def test_wgan_gp_is_zero_for_a_unit_gradient_critic():
    direction = torch.randn(3 * 4 * 4)
    direction /= direction.norm()

    def critic(images, labels):  # noqa: ARG001
        return images.flatten(1) @ direction

    real, fake = torch.randn(6, 3, 4, 4), torch.randn(6, 3, 4, 4)
    assert wgan_gp_penalty(critic, real, fake, None).item() == pytest.approx(0.0, abs=1e-10)


def test_unknown_loss_lists_the_options():
    with pytest.raises(ValueError, match="hinge, nsgan, rpgan, wgan"):
        discriminator_loss("lsgan", torch.zeros(1), torch.zeros(1))
