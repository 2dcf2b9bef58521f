"""The default family: width arithmetic, spectral-norm options, batch independence even while
training, GPU-friendly formats, and a discriminator that learns labels through its projection."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from productgan.losses import discriminator_loss
from productgan.models import ModelConfig, create_discriminator, create_generator
from productgan.models.resnet import ResNetDiscriminator, ResNetGenerator, minibatch_std


def resnet_config(**overrides) -> ModelConfig:
    settings = dict(family="resnet", resolution=32, channels=3, width=8, max_width=32, latent_dim=16,
                    embed_dim=16, level_counts=(3, 4))
    return ModelConfig(**{**settings, **overrides})


def conv_widths(module: nn.Module) -> list[int]:
    return [m.out_channels for m in module.modules() if isinstance(m, nn.Conv2d) and m.kernel_size == (3, 3)]


def test_width_is_at_the_top_resolution_and_doubles_below_up_to_the_cap():
    cfg = resnet_config(resolution=64, width=8, max_width=32)
    generator, discriminator = create_generator(cfg), create_discriminator(cfg)
    assert isinstance(generator, ResNetGenerator) and isinstance(discriminator, ResNetDiscriminator)
    assert generator.stem_shape == (32, 4, 4)  # 4 px: 8 * 16 capped at 32
    assert conv_widths(generator) == [32, 32, 32, 32, 16, 16, 8, 8, 3]
    assert conv_widths(discriminator) == [8, 8, 16, 16, 32, 32, 32, 32, 32, 32]  # the last: minibatch std (default)


def test_spectral_norm_follows_the_config():
    def normalised(module):
        return any("parametrizations" in name for name, _ in module.named_parameters())

    assert not normalised(create_discriminator(resnet_config())) and not normalised(create_generator(resnet_config()))
    assert normalised(create_discriminator(resnet_config(d_spectral_norm=True)))
    assert normalised(create_generator(resnet_config(g_spectral_norm=True)))


def test_a_sample_does_not_depend_on_its_batch_even_in_training_mode():
    """GroupNorm, not BatchNorm: training, EMA sampling and serving all see the same function."""
    torch.manual_seed(0)
    generator = create_generator(resnet_config())
    z, labels = torch.randn(5, 16), torch.tensor([[0, 1], [2, 3], [1, 0], [0, 0], [2, 2]])
    torch.testing.assert_close(generator(z[:2], labels[:2]), generator(z, labels)[:2], atol=1e-5, rtol=0)
    discriminator = create_discriminator(resnet_config(d_minibatch_std=False)).eval()
    images = torch.rand(5, 3, 32, 32) * 2 - 1
    torch.testing.assert_close(discriminator(images[:2], labels[:2]), discriminator(images, labels)[:2])
    # With minibatch std (resnet's default) D reads the spread of its batch: that is the point of it.
    batch_aware = create_discriminator(resnet_config()).eval()
    assert not torch.allclose(batch_aware(images[:2], labels[:2]), batch_aware(images, labels)[:2])


def test_runs_in_channels_last_and_bf16_autocast():
    torch.manual_seed(0)
    cfg = resnet_config()
    generator = create_generator(cfg).to(memory_format=torch.channels_last)
    discriminator = create_discriminator(cfg).to(memory_format=torch.channels_last)
    z, labels = torch.randn(2, 16), torch.tensor([[0, 1], [2, 3]])
    with torch.autocast("cpu", dtype=torch.bfloat16):
        logits = discriminator(generator(z, labels), labels)
    assert logits.shape == (2,) and torch.isfinite(logits.float()).all()
    reference = discriminator(generator(z, labels).float(), labels)
    torch.testing.assert_close(logits.float(), reference, atol=0.1 * reference.abs().max().item() + 0.05, rtol=0)


def test_discriminator_learns_which_image_goes_with_which_label():
    """Two constant image classes, light and dark, appear among real and fake alike: only the
    pairing with the label differs, so the hinge loss can fall only through the projection head."""
    torch.manual_seed(0)
    cfg = resnet_config(level_counts=(2,))
    discriminator = create_discriminator(cfg)
    optimiser = torch.optim.Adam(discriminator.parameters(), lr=1e-3, betas=(0.0, 0.99))
    light, dark = torch.full((4, 3, 32, 32), 0.8), torch.full((4, 3, 32, 32), -0.8)
    images = torch.cat([light, dark])
    true_labels = torch.cat([torch.zeros(4, 1), torch.ones(4, 1)]).long()
    losses = []
    for _ in range(30):
        loss = discriminator_loss("hinge", discriminator(images, true_labels), discriminator(images, 1 - true_labels))
        optimiser.zero_grad()
        loss.backward()
        optimiser.step()
        losses.append(loss.item())
    assert losses[0] > 1.5  # chance: the two logits are about equal
    assert sum(losses[-5:]) / 5 < 0.5 * losses[0]
    with torch.no_grad():
        assert (discriminator(images, true_labels) > discriminator(images, 1 - true_labels)).all()


@pytest.mark.parametrize("resolution", [16, 128])
def test_other_powers_of_two(resolution):
    cfg = resnet_config(resolution=resolution, level_counts=())
    images = create_generator(cfg)(torch.randn(1, 16), torch.zeros(1, 0, dtype=torch.long))
    assert images.shape == (1, 3, resolution, resolution)
    assert create_discriminator(cfg)(images, torch.zeros(1, 0, dtype=torch.long)).shape == (1,)


def test_minibatch_std_is_the_spread_of_each_group_and_lets_d_see_a_collapsed_batch():
    x = torch.randn(8, 5, 4, 4)
    out = minibatch_std(x, group=4)
    assert out.shape == (8, 6, 4, 4) and torch.equal(out[:, :5], x)
    expected = x[:4].std(dim=0, unbiased=False).mean()
    assert torch.allclose(out[:4, 5], expected.expand(4, 4, 4), atol=1e-5)
    collapsed = minibatch_std(x[:1].expand(8, 5, 4, 4))
    assert collapsed[:, 5].max() < 1e-3 < out[:, 5].min()
    assert minibatch_std(torch.randn(6, 2, 4, 4), group=4)[:, 2].unique().numel() == 2  # two groups of 3


def test_with_minibatch_std_the_logits_depend_on_the_batch_and_old_configs_build_without_it():
    torch.manual_seed(0)
    cfg = resnet_config(d_minibatch_std=True)
    discriminator = create_discriminator(cfg)
    images, labels = torch.rand(4, 3, 32, 32) * 2 - 1, torch.zeros(4, 2, dtype=torch.long)
    varied = discriminator(images, labels)
    same = discriminator(images[:1].expand(4, 3, 32, 32), labels)
    assert not torch.allclose(varied[0], same[0])
    assert create_discriminator(resnet_config(d_minibatch_std=False)).epilogue is None
    assert ModelConfig.from_dict({k: v for k, v in resnet_config().__dict__.items() if k != "d_minibatch_std"}).d_minibatch_std is False


def test_skip_excitation_gates_every_block_from_two_blocks_back_and_stays_batch_independent():
    cfg = resnet_config(resolution=32, g_skip_excitation=True)  # features at 4, 8, 16, 32 px
    generator = create_generator(cfg)
    assert sorted(generator.excitations) == ["2", "3"]  # 4 px gates 16 px, 8 px gates 32 px
    z, labels = torch.randn(3, 16), torch.zeros(3, 2, dtype=torch.long)
    images = generator(z, labels)
    assert images.shape == (3, 3, 32, 32)
    assert torch.allclose(generator(z[:1], labels[:1]), images[:1], atol=1e-5)
    with torch.no_grad():  # the gates are live: closing them changes the image
        generator.excitations["3"].excite.bias.fill_(-1e4)
    assert not torch.allclose(generator(z, labels), images, atol=1e-3)
    assert not create_generator(resnet_config()).excitations
