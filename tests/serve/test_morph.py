"""edit.morph: slerp, morph frames that start and end on generated products, GIF encoding; and the
models' synthesize(z, condition) that the morph relies on."""

from __future__ import annotations

import io

import numpy as np
import pytest
import torch
from PIL import Image

from productgan.edit import encode_gif, morph_frames, slerp
from productgan.models import ModelConfig, create_generator


def test_slerp_ends_exactly_and_keeps_the_norm_of_orthogonal_latents():
    a, b = torch.tensor([[3.0, 0.0]]), torch.tensor([[0.0, 3.0]])
    assert torch.equal(slerp(a, b, 0.0), a) and torch.equal(slerp(a, b, 1.0), b)
    middle = slerp(a, b, 0.5)
    torch.testing.assert_close(middle.norm(), torch.tensor(3.0))  # a straight line would give 2.12
    torch.testing.assert_close(middle, torch.tensor([[1.0, 1.0]]) * 3 / 2**0.5)


def test_slerp_of_parallel_latents_is_linear_not_nan():
    a = torch.tensor([[1.0, 2.0]])
    result = slerp(a, 2 * a, 0.5)
    assert torch.isfinite(result).all()
    torch.testing.assert_close(result, 1.5 * a)


def test_slerp_interpolates_each_row_with_its_own_t():
    a, b = torch.randn(4, 8), torch.randn(4, 8)
    t = torch.tensor([[0.0], [0.25], [0.75], [1.0]])
    rows = slerp(a, b, t)
    torch.testing.assert_close(rows[1], slerp(a[1:2], b[1:2], 0.25)[0])
    torch.testing.assert_close(rows[3], b[3])


def test_morph_starts_and_ends_on_the_generated_products(registry):
    generator = registry.get("shop").generator
    frames = morph_frames(generator, 3, 4, 5, {"color": "red"}, {"color": "blue", "size": "small"})
    assert frames.shape == (5, 32, 32, 3) and frames.dtype == np.uint8
    start = generator.generate(1, seed=3, color="red")[0]
    end = generator.generate(1, seed=4, color="blue", size="small")[0]
    assert np.abs(frames[0].astype(int) - start).max() <= 1  # up to rounding: a batch of 5 vs a batch of 1
    assert np.abs(frames[-1].astype(int) - end).max() <= 1
    assert len({frame.tobytes() for frame in frames}) > 2


def test_morph_refuses_fewer_than_two_frames(registry):
    with pytest.raises(ValueError, match="at least 2 frames"):
        morph_frames(registry.get("shop").generator, 1, 2, 1)


def test_encode_gif_has_every_frame_and_the_frame_rate():
    frames = np.stack([np.full((8, 8, 3), 30 * i, np.uint8) for i in range(6)])
    gif = Image.open(io.BytesIO(encode_gif(frames, fps=10)))
    assert gif.n_frames == 6 and gif.info["duration"] == 100 and gif.info["loop"] == 0
    gif.seek(5)
    assert np.array_equal(np.asarray(gif.convert("RGB"))[0, 0], [150, 150, 150])


@pytest.mark.parametrize("family", ["resnet", "dcgan"])
@pytest.mark.parametrize("level_counts", [(3, 4), ()])
def test_forward_is_synthesize_of_the_embedded_labels(family, level_counts):
    torch.manual_seed(0)
    config = ModelConfig(family=family, resolution=32, width=8, max_width=32, latent_dim=16, embed_dim=16,
                         level_counts=level_counts)
    generator = create_generator(config).eval()
    z = torch.randn(3, 16)
    labels = torch.tensor([[0, 1], [2, 3], [1, 0]])[:, :len(level_counts)]
    with torch.no_grad():
        assert torch.equal(generator(z, labels), generator.synthesize(z, generator.embed(labels)))
