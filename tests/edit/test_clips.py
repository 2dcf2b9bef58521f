"""Clips: morphs and turntables hold exactly the asked number of frames, in every format."""

from __future__ import annotations

import io

import av
import numpy as np
import pytest
import torch
from PIL import Image

from productgan.edit.clips import (
    ClipError, encode_mp4, even_frames, loop_weights, morph_clip, turntable_frames, write_clip,
)
from productgan.errors import AttributeLevelError


@pytest.fixture(scope="module")
def generator(trained_edit_model):
    return trained_edit_model.generator


def mp4_frames(path) -> list[np.ndarray]:
    with av.open(path if isinstance(path, io.BytesIO) else str(path)) as container:
        return [frame.to_ndarray(format="rgb24") for frame in container.decode(video=0)]


@pytest.mark.parametrize("frames", [2, 7, 13])
def test_a_morph_has_the_asked_frames_in_every_format(generator, tmp_path, frames):
    clip = morph_clip(generator, 1, 2, frames, {"color": "red"}, {"color": "blue", "backdrop": "grey"})
    assert clip.shape == (frames, 16, 16, 3)
    strip = np.asarray(Image.open(write_clip(clip, tmp_path / "c.png")))
    assert strip.shape == (2 + 16 + 2, 2 + frames * 18, 3)
    gif = Image.open(write_clip(clip, tmp_path / "c.gif", fps=10))
    assert gif.n_frames == frames and gif.size == (256, 256)  # upscaled like the MP4, not a 16 px stamp
    decoded = mp4_frames(write_clip(clip, tmp_path / "c.mp4", fps=10))
    assert len(decoded) == frames
    assert decoded[0].shape[0] % 2 == 0 and decoded[0].shape[0] >= 256  # scaled up whole, even sides


def test_a_morph_starts_and_ends_on_the_two_products(generator):
    clip = morph_clip(generator, 4, 5, 6, {"color": "green"}, {"color": "red"})
    np.testing.assert_array_equal(clip[0], generator.generate(1, seed=4, color="green")[0])
    np.testing.assert_array_equal(clip[-1], generator.generate(1, seed=5, color="red")[0])


def test_mp4_frames_look_like_the_input(generator):
    clip = morph_clip(generator, 1, 2, 5)
    decoded = mp4_frames(io.BytesIO(encode_mp4(clip)))
    scale = decoded[0].shape[0] // 16
    restored = np.stack(decoded)[:, ::scale, ::scale][:, :16, :16]
    assert np.abs(restored.astype(int) - clip.astype(int)).mean() < 12  # lossy, yet the same pictures


def test_even_frames_pads_odd_sides():
    frames = np.zeros((3, 15, 9, 1), np.uint8)
    out = even_frames(frames, min_side=10)
    assert out.shape == (3, 30, 18, 3)
    assert even_frames(np.zeros((1, 7, 7, 3), np.uint8), min_side=1).shape == (1, 8, 8, 3)


def test_loop_weights_visit_every_level_and_come_back():
    start, end, blend = loop_weights(3, 6)
    assert start.tolist() == [0, 0, 1, 1, 2, 2]
    assert end.tolist() == [1, 1, 2, 2, 0, 0]
    assert torch.allclose(blend, torch.tensor([0.0, 0.5] * 3))


def test_a_turntable_passes_through_every_level(generator, tmp_path):
    clip = turntable_frames(generator, 8, seed=3, attribute="backdrop")
    z, labels = generator.inputs(1, seed=3)
    for frame, level in ((0, 0), (4, 1)):  # 2 levels in 8 frames: level 1 exactly halfway
        labels[:, generator.attribute_index("backdrop")] = level
        np.testing.assert_allclose(clip[frame].astype(int), generator.render(z, labels)[0].astype(int), atol=1)
    assert len(mp4_frames(write_clip(clip, tmp_path / "t.mp4"))) == 8


def test_turntable_without_a_view_attribute_names_what_there_is(generator):
    with pytest.raises(AttributeLevelError, match=r"^unknown attribute 'view'; this model is conditioned on: "
                                                  r"color, backdrop \(a turntable needs a 'view' attribute: "):
        turntable_frames(generator, 8)


def test_bad_frame_counts_and_formats_are_clear_errors(generator, tmp_path):
    with pytest.raises(ClipError, match="frames must be between 2"):
        morph_clip(generator, 1, 2, 1)
    with pytest.raises(ClipError, match="unknown clip format 'avi'"):
        write_clip(np.zeros((2, 8, 8, 3), np.uint8), tmp_path / "c.avi")
    with pytest.raises(ClipError, match="uint8"):
        write_clip(np.zeros((2, 8, 8, 3), np.float32), tmp_path / "c.gif")
    assert not list(tmp_path.iterdir())
