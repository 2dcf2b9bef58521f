"""FastGAN's self-supervised discriminator (cfg.d_reconstruction): the decoders' shapes at the
resolutions we train, their targets, a forward() left as it was, and decoders that learn."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F

from productgan.errors import ConfigError
from productgan.losses import reconstruction_loss
from productgan.models import ModelConfig, create_discriminator
from productgan.models.resnet import RECON_SIZE, quadrant, reconstruction_targets


def recon_config(**overrides) -> ModelConfig:
    settings = dict(family="resnet", resolution=32, channels=3, width=8, max_width=32, latent_dim=16,
                    embed_dim=16, level_counts=(3, 4), d_reconstruction=True)
    return ModelConfig(**{**settings, **overrides})


def batch(resolution: int, size: int = 4) -> tuple[torch.Tensor, torch.Tensor]:
    torch.manual_seed(0)
    images = torch.rand(size, 3, resolution, resolution) * 2 - 1
    return images, torch.tensor([[0, 1], [2, 3], [1, 0], [0, 2]])[:size]


@pytest.mark.parametrize("resolution", [16, 32, 64, 128])
def test_both_decoders_give_16_px_images_in_range_and_the_same_logits_as_forward(resolution):
    discriminator = create_discriminator(recon_config(resolution=resolution))
    images, labels = batch(resolution)
    logits, whole, part = discriminator.forward_with_reconstruction(images, labels, part=3)
    assert whole.shape == part.shape == (4, 3, RECON_SIZE, RECON_SIZE)
    assert whole.abs().max() <= 1 and part.abs().max() <= 1
    torch.testing.assert_close(logits, discriminator(images, labels))
    targets = reconstruction_targets(images, 3)
    assert [t.shape for t in targets] == [whole.shape, part.shape]


def test_the_decoders_read_the_8_px_features_and_one_quadrant_of_the_16_px_ones():
    discriminator = create_discriminator(recon_config(resolution=64))  # features at 64, 32, 16, 8, 4 px
    seen = {}
    discriminator.decode_whole.register_forward_hook(lambda m, args, out: seen.update(whole=args[0].shape))
    discriminator.decode_part.register_forward_hook(lambda m, args, out: seen.update(part=args[0].shape))
    discriminator.forward_with_reconstruction(*batch(64), part=0)
    assert seen == {"whole": (4, 32, 8, 8), "part": (4, 32, 8, 8)}  # 8 * 4 and 8 * 8 channels, capped at 32


def test_the_targets_are_the_image_and_the_chosen_quadrant_at_16_px():
    images = torch.zeros(1, 1, 32, 32)
    images[:, :, 16:, :16] = 1.0  # bottom-left quadrant white
    whole, part = reconstruction_targets(images, 2)
    assert whole.shape == part.shape == (1, 1, 16, 16)
    assert torch.equal(whole, F.avg_pool2d(images, 2))  # the mean of each 2x2 block
    assert torch.equal(part, torch.ones(1, 1, 16, 16))
    assert torch.equal(reconstruction_targets(images, 1)[1], torch.zeros(1, 1, 16, 16))
    grid = torch.arange(16.0).reshape(1, 1, 4, 4)
    assert [quadrant(grid, i).flatten().tolist() for i in range(4)] == [
        [0, 1, 4, 5], [2, 3, 6, 7], [8, 9, 12, 13], [10, 11, 14, 15]]


def test_without_the_option_there_are_no_decoders_and_the_forward_is_unchanged():
    plain = create_discriminator(recon_config(d_reconstruction=False))
    assert not any("decode" in name for name in plain.state_dict())
    with pytest.raises(RuntimeError, match="without d_reconstruction"):
        plain.forward_with_reconstruction(*batch(32), part=0)
    decoding = create_discriminator(recon_config())
    missing, unexpected = decoding.load_state_dict(plain.state_dict(), strict=False)
    assert not unexpected and missing and all(name.startswith("decode_") for name in missing)
    images, labels = batch(32)
    torch.testing.assert_close(decoding(images, labels), plain(images, labels))


def test_the_reconstruction_loss_falls_when_d_trains_on_it():
    torch.manual_seed(0)
    discriminator = create_discriminator(recon_config())
    _, labels = batch(32)
    images = F.interpolate(torch.rand(4, 3, 4, 4) * 2 - 1, size=32, mode="bilinear")  # smooth: learnable at 16 px
    optimizer = torch.optim.Adam(discriminator.parameters(), lr=2e-3, betas=(0.0, 0.99))
    losses = []
    for step in range(40):
        part = step % 4
        _, whole, decoded_part = discriminator.forward_with_reconstruction(images, labels, part)
        loss = reconstruction_loss((whole, decoded_part), reconstruction_targets(images, part))
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        losses.append(float(loss.detach()))
    assert sum(losses[-4:]) < 0.5 * sum(losses[:4])


def test_the_config_refuses_decoders_it_cannot_build():
    assert ModelConfig.from_dict(vars(recon_config())).d_reconstruction is True
    with pytest.raises(ConfigError, match="d_reconstruction needs the resnet family"):
        ModelConfig.from_dict(vars(recon_config(family="dcgan")))
    with pytest.raises(ConfigError, match="at 8 px"):
        ModelConfig.from_dict(vars(recon_config(resolution=8)))
    with pytest.raises(ConfigError, match="d_reconstruction 'yes' is not true or false"):
        ModelConfig.from_dict({**vars(recon_config()), "d_reconstruction": "yes"})
    old = {k: v for k, v in vars(recon_config()).items() if k != "d_reconstruction"}  # saved before the option
    assert ModelConfig.from_dict(old).d_reconstruction is False
