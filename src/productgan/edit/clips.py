"""Clips of generated products: a morph between two products or two levels, a turntable over the
views, and the writers that turn uint8 frames into a PNG strip, a GIF or an MP4.

The morph is edit/morph.py's (the server's): latents slerped, embeddings blended linearly. The
turntable keeps one latent and blends the condition embedding from each `view` level to the next
and back to the first, so the clip loops without a jump. MP4 goes through PyAV, whose wheel ships
FFmpeg with libx264: H.264 in yuv420p plays everywhere but needs even frame sides, so small frames
are scaled up by a whole factor (sharp pixels, no resampling blur; GIFs too) and padded to even sides.
"""

from __future__ import annotations

import io
from fractions import Fraction
from pathlib import Path

import numpy as np
import torch

from productgan.atomic import write_atomic
from productgan.edit.morph import encode_gif, morph_frames
from productgan.errors import ProductGANError
from productgan.generate import ProductGenerator
from productgan.imaging import (
    check_frame_count, check_image_batch, encode_png, frame_strip, grey_to_rgb,
)

CLIP_FORMATS = ("png", "gif", "mp4")
VIEW_ATTRIBUTE = "view"
MP4_MIN_SIDE = 256  # frames smaller than this are scaled up by a whole factor before encoding
MAX_FRAMES = 2000


class ClipError(ProductGANError):
    """A clip that cannot be made or written as asked (frame count, format)."""


def check_clip_frames(frames: int, minimum: int = 2) -> None:
    """The library's bound on a written clip's frame count (ClipError); the server's is serve/limits'."""
    check_frame_count(frames, minimum, MAX_FRAMES, ClipError)


def morph_clip(generator: ProductGenerator, seed_a: int, seed_b: int, frames: int,
               attributes_a: dict[str, str] | None = None, attributes_b: dict[str, str] | None = None,
               truncation: float | None = None) -> np.ndarray:
    """uint8 (frames, H, W, C): product (seed_a, attributes_a) morphing into (seed_b, attributes_b).

    The same seed with two attribute sets morphs one product between two levels ("red into blue").
    """
    check_clip_frames(frames)
    return morph_frames(generator, seed_a, seed_b, frames, attributes_a, attributes_b, truncation)


def loop_weights(levels: int, frames: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """For a closed loop over `levels` stops in `frames` frames: (from level, to level, blend in [0, 1)).

    Frame 0 is exactly level 0 and the frame after the last would be level 0 again, so a looping
    player shows no repeated or skipped frame at the seam.
    """
    position = torch.arange(frames, dtype=torch.float64) * levels / frames
    start = position.floor().long()
    return start, (start + 1) % levels, (position - start).float()


@torch.no_grad()
def turntable_frames(generator: ProductGenerator, frames: int, seed: int = 0, truncation: float | None = None,
                     fixed: dict[str, str] | None = None, attribute: str = VIEW_ATTRIBUTE) -> np.ndarray:
    """uint8 (frames, H, W, C): one product (generate(1, seed, **fixed)) turning through every level
    of `attribute` (main -> back -> alt1 -> main for luma), embeddings blended between neighbours."""
    generator.attribute_index(attribute, hint=f"a turntable needs a {attribute!r} attribute: train with --condition "
                                              "including a view column, or make a morph clip instead")
    check_clip_frames(frames)
    z, labels = generator.inputs(1, seed, truncation, fixed)
    # the same product at every angle: nothing a view level ties (see tied_levels) may change it
    views = generator.embed(generator.every_level(labels, attribute, held=generator.names))  # (levels, embed_dim)
    start, end, blend = loop_weights(len(views), frames)
    condition = torch.lerp(views[start], views[end], blend[:, None].to(views.device))
    return generator.render_conditions(z.expand(frames, -1), condition)


# ------------------------------------------------------------------------------------------ writers
def clip_format(path: str | Path, fmt: str | None = None) -> str:
    """The format asked for, else the file's suffix; ClipError names the ones there are."""
    fmt = (fmt or Path(path).suffix.lstrip(".")).lower()
    if fmt not in CLIP_FORMATS:
        raise ClipError(f"{path}: unknown clip format {fmt!r}; use one of {', '.join(CLIP_FORMATS)}")
    return fmt


def write_clip(frames: np.ndarray, path: str | Path, fmt: str | None = None, fps: float = 12.0) -> Path:
    """Write uint8 (N, H, W, C) frames as a PNG strip, an animated GIF or an H.264 MP4, atomically."""
    frames = check_image_batch(frames, "frames", error=ClipError)
    fmt = clip_format(path, fmt)
    if fmt == "png":
        data = encode_png(frame_strip(frames))
    elif fmt == "gif":  # at the MP4's size: a 32 px GIF is a stamp on a screen
        data = encode_gif(upscaled(frames), fps=fps)
    else:
        data = encode_mp4(frames, fps=fps)
    return write_atomic(Path(path), lambda handle: handle.write(data))


def upscaled(frames: np.ndarray, min_side: int = MP4_MIN_SIDE) -> np.ndarray:
    """RGB frames scaled up by a whole factor (sharp pixels) until the shorter side reaches min_side."""
    frames = grey_to_rgb(frames)
    factor = max(1, -(-min_side // min(frames.shape[1:3])))
    return frames.repeat(factor, axis=1).repeat(factor, axis=2)


def even_frames(frames: np.ndarray, min_side: int = MP4_MIN_SIDE) -> np.ndarray:
    """upscaled() frames padded with their edge pixels to even sides (yuv420p halves the chroma planes)."""
    frames = upscaled(frames, min_side)
    pad_h, pad_w = frames.shape[1] % 2, frames.shape[2] % 2
    return np.pad(frames, ((0, 0), (0, pad_h), (0, pad_w), (0, 0)), mode="edge")


def encode_mp4(frames: np.ndarray, fps: float = 12.0, crf: int = 18) -> bytes:
    """H.264 (libx264, yuv420p) MP4 bytes holding exactly len(frames) frames at `fps`."""

    import av

    frames = even_frames(check_image_batch(frames, "frames", error=ClipError))
    buffer = io.BytesIO()
    rate = Fraction(fps).limit_denominator(1000)
    with av.open(buffer, mode="w", format="mp4") as container:
        stream = container.add_stream("libx264", rate=rate)
        stream.width, stream.height = frames.shape[2], frames.shape[1]
        stream.pix_fmt = "yuv420p"
        stream.options = {"crf": str(crf)}
        for frame in frames:
            container.mux(stream.encode(av.VideoFrame.from_ndarray(np.ascontiguousarray(frame), format="rgb24")))
        container.mux(stream.encode(None))  # flush the frames the encoder still holds
    return buffer.getvalue()
