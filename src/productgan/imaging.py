"""The one place where images change form: float tensors <-> uint8 pixels, PNG bytes and files,
grids, frame strips and frame checks, and luma.

Two conventions meet here. Networks see float32 NCHW tensors in [-1, 1] (uint8 p maps to
p / 127.5 - 1); everything a person sees or a file holds is uint8 NHWC (or HWC) numpy with 1 or
3 channels. Measures that want the [0, 1] range (SSIM, MS-SSIM) take p / 255 instead.

Rounding back to uint8 is round-half-to-even of (x + 1) * 127.5 (torch.round): the nearest grey
level to the float value, with no second rounding in between.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Sequence

import numpy as np
import torch
from PIL import Image

from productgan.atomic import write_atomic

# ITU-R BT.601 luma weights (R, G, B): what Pillow's "L" mode uses, and so what grey catalogs hold.
REC601_LUMA = (0.299, 0.587, 0.114)


# ------------------------------------------------------------------------------ tensor <-> uint8
def uint8_to_tensor(images: np.ndarray | Sequence[np.ndarray] | torch.Tensor,
                    device: torch.device | str | None = None) -> torch.Tensor:
    """uint8 (N, H, W, C) pixels -> float32 (N, C, H, W) in [-1, 1], on `device` (default: where they are).

    images: a numpy array or a list of (H, W, C) arrays (copied, so Pillow's read-only arrays are
    fine), or a uint8 tensor (used as it is). The division happens on `device`.
    """
    pixels = images if isinstance(images, torch.Tensor) else torch.from_numpy(np.array(images, copy=True))
    if pixels.ndim != 4 or pixels.dtype != torch.uint8:
        raise ValueError(f"expected uint8 (N, H, W, C) images, got {pixels.dtype} {tuple(pixels.shape)}")
    if device is not None:
        pixels = pixels.to(device)
    return uint8_tensor_to_float(pixels.permute(0, 3, 1, 2))


def uint8_tensor_to_float(pixels: torch.Tensor) -> torch.Tensor:
    """A uint8 tensor of any layout -> float32 in [-1, 1], same layout (p / 127.5 - 1)."""
    if pixels.dtype != torch.uint8:
        raise TypeError(f"expected a uint8 tensor, got {pixels.dtype}")
    return pixels.float().div_(127.5).sub_(1.0)


def tensor_to_uint8(images: torch.Tensor) -> np.ndarray:
    """float (N, C, H, W) in [-1, 1] (values outside are clamped) -> uint8 (N, H, W, C) numpy.

    Quantised on the tensor's device, so only uint8 crosses to the CPU.
    """
    if images.ndim != 4:
        raise ValueError(f"expected (N, C, H, W) images, got shape {tuple(images.shape)}")
    pixels = images.detach().float().clamp(-1.0, 1.0).add(1.0).mul(127.5).round().to(torch.uint8)
    return pixels.permute(0, 2, 3, 1).contiguous().cpu().numpy()


def uint8_to_unit_tensor(images: np.ndarray) -> torch.Tensor:
    """uint8 (N, H, W, C) -> float32 (N, C, H, W) in [0, 1] (p / 255): the range SSIM measures take."""
    images = np.asarray(images)
    if images.ndim != 4 or images.dtype != np.uint8:
        raise ValueError(f"expected uint8 (N, H, W, C) images, got {images.dtype} {images.shape}")
    return torch.from_numpy(np.ascontiguousarray(images.transpose(0, 3, 1, 2))).float() / 255.0


# -------------------------------------------------------------------------------------------- luma
def rgb_luma(images: np.ndarray) -> np.ndarray:
    """Rec.601 luma of uint8 (..., 3) RGB as float32 (...), in 0-255 units, not rounded."""
    return np.asarray(images).astype(np.float32) @ np.array(REC601_LUMA, np.float32)


def rgb_to_grey(images: np.ndarray) -> np.ndarray:
    """uint8 (..., 3) RGB -> uint8 (..., 1) grey: Rec.601 luma rounded half up, as Pillow's "L" rounds."""
    return np.clip(rgb_luma(images) + 0.5, 0, 255).astype(np.uint8)[..., None]


def grey_to_rgb(images: np.ndarray) -> np.ndarray:
    """uint8 (..., 1) grey repeated to (..., 3); (..., 3) RGB returned as it is."""
    return np.repeat(images, 3, axis=-1) if images.shape[-1] == 1 else images


# ------------------------------------------------------------------------------------- Pillow, PNG
def uint8_to_pil(image: np.ndarray) -> Image.Image:
    """A uint8 (H, W), (H, W, 1), (H, W, 3) or (H, W, 4) array as a Pillow image: "L", "RGB" or "RGBA"."""
    array = image[:, :, 0] if image.ndim == 3 and image.shape[2] == 1 else image
    return Image.fromarray(np.ascontiguousarray(array))


def encode_png(image: np.ndarray, optimize: bool = False) -> bytes:
    """One uint8 (H, W), (H, W, 1), (H, W, 3) or (H, W, 4) image as PNG bytes; the same pixels always give
    the same bytes. optimize: smaller files, slower to write (for pictures shipped in docs)."""
    buffer = io.BytesIO()
    uint8_to_pil(image).save(buffer, format="PNG", optimize=optimize)
    return buffer.getvalue()


def write_png(image: np.ndarray, path: str | Path, scale: int = 1) -> Path:
    """Write a uint8 (H, W, C) image as PNG atomically (temp file + rename), enlarged `scale` times
    with nearest-neighbour (sharp pixels) when scale > 1; returns the path."""
    if scale > 1:
        image = image.repeat(scale, axis=0).repeat(scale, axis=1)
    data = encode_png(image)
    return write_atomic(path, lambda handle: handle.write(data))


# ---------------------------------------------------------------------------------- grids and frames
def check_frame_count(frames: int, minimum: int, maximum: int, error: type[Exception] = ValueError) -> int:
    """`frames` when minimum <= frames <= maximum, else `error` (the caller's kind) saying the range."""
    if not minimum <= frames <= maximum:
        raise error(f"frames must be between {minimum} and {maximum}, got {frames}")
    return frames


def check_image_batch(images, name: str = "images", min_images: int = 1,
                      error: type[Exception] = ValueError) -> np.ndarray:
    """A uint8 (N, H, W, C) batch, C in {1, 3}, N >= min_images, as numpy (a tensor is moved to the
    CPU); else `error` (the caller's kind) naming `name`, what it got and what it needs."""
    if isinstance(images, torch.Tensor):
        images = images.detach().cpu().numpy()
    array = np.asarray(images)
    if array.dtype != np.uint8 or array.ndim != 4 or array.shape[3] not in (1, 3):
        raise error(f"{name}: expected uint8 (N, H, W, C) with C in 1 or 3, got {array.dtype} {array.shape}")
    if array.shape[0] < min_images:
        raise error(f"{name}: needs at least {min_images} images, got {array.shape[0]}")
    return array


def make_grid(images: np.ndarray, ncols: int, pad: int = 2, pad_value: int = 255) -> np.ndarray:
    """Tile uint8 images (N, H, W, C) into one (rows*H', ncols*W', 3) uint8 array, row-major;
    grey images become RGB, `pad` px of `pad_value` between and around the tiles."""
    if images.ndim != 4 or images.dtype != np.uint8:
        raise ValueError(f"expected uint8 (N,H,W,C), got {images.dtype} {images.shape}")
    images = grey_to_rgb(images)
    n, h, w, _ = images.shape
    ncols = max(1, min(ncols, n))
    nrows = -(-n // ncols)
    canvas = np.full((nrows * (h + pad) + pad, ncols * (w + pad) + pad, 3), pad_value, dtype=np.uint8)
    for i, image in enumerate(images):
        r, c = divmod(i, ncols)
        y, x = pad + r * (h + pad), pad + c * (w + pad)
        canvas[y : y + h, x : x + w] = image
    return canvas


def frame_strip(frames: np.ndarray, pad: int = 2) -> np.ndarray:
    """uint8 (N, H, W, C) frames side by side in one row, `pad` px white gaps: uint8 (H', W', 3)."""
    return make_grid(frames, ncols=len(frames), pad=pad)
