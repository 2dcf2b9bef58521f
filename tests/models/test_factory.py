"""The contract every family behind the factory keeps: shapes, range, conditioning, batch
independence at eval, gradient flow; and the factory's own errors."""

from __future__ import annotations

import pytest
import torch

from productgan.losses import discriminator_loss
from productgan.models import FAMILIES, ModelConfig, create_discriminator, create_generator
from productgan.models.layers import num_stages

TWO_ATTRIBUTES = (3, 4)


def small_config(family: str, resolution: int = 32, channels: int = 3, level_counts=TWO_ATTRIBUTES) -> ModelConfig:
    return ModelConfig(family=family, resolution=resolution, channels=channels, width=8, max_width=32,
                       latent_dim=16, embed_dim=16, level_counts=level_counts)


def random_labels(n: int, level_counts, seed: int = 0) -> torch.Tensor:
    rng = torch.Generator().manual_seed(seed)
    columns = [torch.randint(count, (n,), generator=rng) for count in level_counts]
    return torch.stack(columns, 1) if columns else torch.zeros(n, 0, dtype=torch.long)


def test_factory_knows_both_families_and_names_them_on_error():
    assert set(FAMILIES) == {"resnet", "dcgan"}
    with pytest.raises(ValueError, match="'stylegan9'.*available: resnet, dcgan"):
        create_generator(small_config("stylegan9"))
    with pytest.raises(ValueError, match="available: resnet, dcgan"):
        create_discriminator(small_config("stylegan9"))


def test_resolution_must_be_a_power_of_two():
    with pytest.raises(ValueError, match="power of two"):
        create_generator(small_config("resnet", resolution=48))
    assert [num_stages(r) for r in (16, 32, 64, 128, 256)] == [2, 3, 4, 5, 6]


@pytest.mark.parametrize("family", sorted(FAMILIES))
@pytest.mark.parametrize("resolution", [32, 64])
@pytest.mark.parametrize("channels", [1, 3])
@pytest.mark.parametrize("level_counts", [(), TWO_ATTRIBUTES], ids=["unconditional", "two-attributes"])
def test_shapes_and_range(family, resolution, channels, level_counts):
    torch.manual_seed(0)
    cfg = small_config(family, resolution, channels, level_counts)
    generator, discriminator = create_generator(cfg), create_discriminator(cfg)
    labels = random_labels(3, level_counts)
    assert generator.latent_dim == 16
    images = generator(torch.randn(3, 16) * 3, labels)  # large latents push tanh towards its limits
    assert images.shape == (3, channels, resolution, resolution)
    assert images.min() >= -1 and images.max() <= 1
    logits = discriminator(images, labels)
    assert logits.shape == (3,) and torch.isfinite(logits).all()


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_labels_must_match_the_attribute_count(family):
    generator = create_generator(small_config(family))
    with pytest.raises(ValueError, match=r"\(B, 2\)"):
        generator(torch.randn(2, 16), torch.zeros(2, 1, dtype=torch.long))


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_each_attribute_changes_what_is_generated_and_how_it_is_judged(family):
    """Fresh models, no training: every attribute already reaches G's output and D's logit."""
    torch.manual_seed(0)
    cfg = small_config(family)
    generator, discriminator = create_generator(cfg).eval(), create_discriminator(cfg).eval()
    z = torch.randn(4, 16)
    base = torch.tensor([[0, 0]] * 4)
    images = torch.rand(4, 3, 32, 32) * 2 - 1
    with torch.no_grad():
        for attribute in range(2):
            changed = base.clone()
            changed[:, attribute] = 2
            before, after = generator(z, base), generator(z, changed)
            assert (before - after).abs().max() > 0.01 * before.abs().max()  # fresh DCGAN outputs are tiny at eval
            assert (discriminator(images, base) - discriminator(images, changed)).abs().min() > 1e-5


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_eval_output_does_not_depend_on_the_rest_of_the_batch(family):
    torch.manual_seed(0)
    cfg = small_config(family)
    generator = create_generator(cfg)
    generator(torch.randn(8, 16), random_labels(8, TWO_ATTRIBUTES))  # a training pass (updates BN statistics)
    generator.eval()
    z, labels = torch.randn(6, 16), random_labels(6, TWO_ATTRIBUTES, seed=1)
    with torch.no_grad():
        alone = generator(z[:1], labels[:1])
        in_batch = generator(z, labels)[:1]
        in_other_batch = generator(torch.cat([z[:1], torch.randn(5, 16) * 4]), labels)[:1]
    torch.testing.assert_close(alone, in_batch, atol=1e-5, rtol=0)
    torch.testing.assert_close(alone, in_other_batch, atol=1e-5, rtol=0)


@pytest.mark.parametrize("family", sorted(FAMILIES))
@pytest.mark.parametrize("spectral_norm", [False, True])
def test_a_loss_backward_reaches_every_parameter(family, spectral_norm):
    torch.manual_seed(0)
    cfg = small_config(family)
    cfg.g_spectral_norm = cfg.d_spectral_norm = spectral_norm
    generator, discriminator = create_generator(cfg), create_discriminator(cfg)
    real_labels, fake_labels = random_labels(4, TWO_ATTRIBUTES), random_labels(4, TWO_ATTRIBUTES, seed=1)
    fake = generator(torch.randn(4, 16), fake_labels)
    real = torch.rand(4, 3, 32, 32) * 2 - 1
    discriminator_loss("nsgan", discriminator(real, real_labels), discriminator(fake, fake_labels)).backward()
    for name, parameter in [*generator.named_parameters(), *discriminator.named_parameters()]:
        assert parameter.grad is not None, f"{name} got no gradient"
        assert torch.isfinite(parameter.grad).all() and parameter.grad.abs().sum() > 0, name
