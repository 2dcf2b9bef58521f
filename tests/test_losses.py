"""Losses and penalties against values known in closed form."""

from __future__ import annotations

import math

import pytest
import torch

from productgan.losses import KINDS, discriminator_loss, generator_loss, r1_penalty, wgan_gp_penalty


def test_hinge_is_zero_once_the_margins_are_met_and_linear_inside_them():
    assert discriminator_loss("hinge", torch.tensor([1.0, 2.0]), torch.tensor([-1.0, -3.0])).item() == 0
    assert discriminator_loss("hinge", torch.tensor([0.0, 0.5]), torch.tensor([0.0, -0.5])).item() == pytest.approx(1.5)
    assert generator_loss("hinge", None, torch.tensor([2.0, -4.0])).item() == pytest.approx(1.0)


def test_nsgan_is_the_logistic_loss():
    real, fake = torch.tensor([0.0, 2.0]), torch.tensor([0.0, -1.0])
    expected = -(torch.log(torch.sigmoid(real)) + torch.log(1 - torch.sigmoid(fake))).mean()
    assert discriminator_loss("nsgan", real, fake).item() == pytest.approx(expected.item())
    assert generator_loss("nsgan", None, torch.tensor([0.0])).item() == pytest.approx(math.log(2))


def test_rpgan_is_symmetric_between_the_players():
    real, fake = torch.tensor([0.3, -1.0, 2.0]), torch.tensor([1.2, 0.5, -0.7])
    # G's loss is D's with the roles of real and fake swapped
    assert generator_loss("rpgan", real, fake).item() == pytest.approx(discriminator_loss("rpgan", fake, real).item())
    assert discriminator_loss("rpgan", real, real).item() == pytest.approx(math.log(2))
    # only the difference matters: shifting both by the same amount changes nothing
    shifted = discriminator_loss("rpgan", real + 5, fake + 5)
    assert shifted.item() == pytest.approx(discriminator_loss("rpgan", real, fake).item())
    with pytest.raises(ValueError, match="real logits"):
        generator_loss("rpgan", None, fake)


def test_wgan_is_the_difference_of_means():
    real, fake = torch.tensor([1.0, 3.0]), torch.tensor([0.0, -2.0])
    assert discriminator_loss("wgan", real, fake).item() == pytest.approx(-1.0 - 2.0)
    assert generator_loss("wgan", None, fake).item() == pytest.approx(1.0)


@pytest.mark.parametrize("kind", KINDS)
def test_discriminator_loss_falls_as_real_and_fake_separate(kind):
    near = discriminator_loss(kind, torch.tensor([0.1]), torch.tensor([-0.1]))
    far = discriminator_loss(kind, torch.tensor([0.9]), torch.tensor([-0.9]))
    assert far < near


def test_r1_of_a_linear_critic_is_its_squared_weight_norm():
    weight = torch.randn(3, 4, 4, requires_grad=True)
    images = torch.randn(5, 3, 4, 4, requires_grad=True)
    logits = (images * weight).sum(dim=(1, 2, 3))
    penalty = r1_penalty(logits, images)
    assert penalty.item() == pytest.approx(weight.pow(2).sum().item(), rel=1e-5)
    penalty.backward()  # the graph is kept, so the penalty trains D: d|w|^2/dw = 2w
    torch.testing.assert_close(weight.grad, 2 * weight.detach())


def test_wgan_gp_is_zero_for_a_critic_with_unit_gradient_and_grows_otherwise():
    direction = torch.randn(3 * 4 * 4)
    direction /= direction.norm()

    def critic(images, labels):
        return images.flatten(1) @ direction + labels.float().sum(1)

    real, fake, labels = torch.randn(6, 3, 4, 4), torch.randn(6, 3, 4, 4), torch.zeros(6, 1, dtype=torch.long)
    assert wgan_gp_penalty(critic, real, fake, labels).item() == pytest.approx(0.0, abs=1e-10)
    steep = wgan_gp_penalty(lambda images, labels: 3 * critic(images, labels), real, fake, labels)
    assert steep.item() == pytest.approx(4.0, rel=1e-5)  # (3 - 1)^2


def test_wgan_gp_draws_its_interpolation_from_the_given_generator():
    def critic(images, labels):
        return images.pow(2).flatten(1).sum(1)

    real, fake = torch.randn(4, 1, 2, 2), torch.randn(4, 1, 2, 2)
    first = wgan_gp_penalty(critic, real, fake, None, rng=torch.Generator().manual_seed(1))
    again = wgan_gp_penalty(critic, real, fake, None, rng=torch.Generator().manual_seed(1))
    other = wgan_gp_penalty(critic, real, fake, None, rng=torch.Generator().manual_seed(2))
    assert first.item() == again.item() != other.item()


def test_unknown_loss_lists_the_options():
    with pytest.raises(ValueError, match="hinge, nsgan, rpgan, wgan"):
        discriminator_loss("lsgan", torch.zeros(1), torch.zeros(1))
    with pytest.raises(ValueError, match="unknown loss"):
        generator_loss("lsgan", None, torch.zeros(1))


def test_diversity_loss_rewards_samples_that_move_with_z_and_is_capped():
    from productgan.losses import diversity_loss

    z_a, z_b = torch.zeros(4, 8), torch.ones(4, 8)
    same = torch.zeros(4, 3, 8, 8)
    assert float(diversity_loss(same, same, z_a, z_b)) == 0.0  # z ignored: no reward
    apart = torch.full((4, 3, 8, 8), 0.5)
    assert float(diversity_loss(same, apart, z_a, z_b)) == pytest.approx(-0.5)
    assert float(diversity_loss(same, 10 * apart, z_a, z_b, ceiling=1.0)) == pytest.approx(-1.0)
    images = torch.zeros(4, 3, 8, 8, requires_grad=True)
    diversity_loss(images, apart, z_a, z_b).backward()
    assert images.grad.abs().sum() > 0  # it trains G


def test_lecam_penalty_pulls_logits_towards_the_other_sides_average():
    from productgan.losses import LeCamAnchors

    anchors = LeCamAnchors(decay=0.0)  # anchors = this batch's means
    real, fake = torch.full((4,), 2.0), torch.full((4,), -2.0)
    assert float(anchors.penalty(real, fake)) == pytest.approx(16.0 + 16.0)
    assert anchors.state() == {"real": 2.0, "fake": -2.0}
    close = LeCamAnchors(decay=0.0)
    assert float(close.penalty(torch.zeros(4), torch.zeros(4))) == 0.0
