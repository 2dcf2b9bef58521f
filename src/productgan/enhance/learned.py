"""Applying a trained enhancer to a photo of any size: `load_enhancer(checkpoint)(image)`.

The checkpoint alone rebuilds the generator (its config is in the header). Large photos are cut
into tiles that overlap by `overlap` input pixels; each tile's output keeps only its core, so the
seams fall where every kept pixel saw the same neighbourhood as in a whole-image pass (exactly so
when the overlap exceeds the network's receptive field, within a few grey levels otherwise) and
memory stays bounded by the tile size, not the photo's.

A file may pack a first-stage restorer (`enhance export --first-stage`): it runs on the whole photo
before the file's own generator, as the shipped restore runs its noise/JPEG stage before the
exposure-and-repair one.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch

from productgan.checkpoint import load_module, load_tensors
from productgan.enhance.checkpoint import (
    FIRST_STAGE, EnhancerCheckpointError, HeldOut, first_stage_config, held_out, read_enhancer_meta,
)
from productgan.enhance.config import EnhanceTrainConfig
from productgan.enhance.networks import build_generator
from productgan.enhance.photos import whole_photo_statistics
from productgan.enhance.repair import inpaint
from productgan.errors import CheckpointError, ProductGANError
from productgan.heap import release_freed_memory
from productgan.imaging import tensor_to_uint8, uint8_to_tensor

__all__ = ["EnhancerCheckpointError", "EnhanceInputError", "HeldOut", "LearnedEnhancer", "held_out", "load_enhancer"]

DEFAULT_TILE = 192  # input pixels per tile side: an x4 tile is then 768 px, ~40 MB of activations per layer
DEFAULT_OVERLAP = 16


class EnhanceInputError(ProductGANError, ValueError):
    """The image handed to an enhancer is not uint8 (H, W, 3)."""


@dataclass
class LearnedEnhancer:
    """A trained generator ready to apply: uint8 (H, W, 3) -> uint8 (H*scale, W*scale, 3)."""

    generator: torch.nn.Module
    config: EnhanceTrainConfig
    path: Path
    code_version: str
    device: torch.device
    tile: int = DEFAULT_TILE
    overlap: int = DEFAULT_OVERLAP
    summary: str = ""  # how it was trained, one line (shipped files carry one: enhance/shipped.py)
    # A blind restorer run on the whole photo first (a shipped file may pack one: `enhance export --first-stage`).
    first: "LearnedEnhancer | None" = None

    @property
    def task(self) -> str:
        return self.config.task

    @property
    def scale(self) -> int:
        return self.config.model.scale

    @torch.inference_mode()
    def __call__(self, image: np.ndarray, repair: np.ndarray | None = None) -> np.ndarray:
        """repair (restore only): (H, W) mask, non-zero where the user marked damage to repair."""
        _check_image(image)
        plane = self._repair_plane(repair, image.shape[:2])
        if self.first is not None:
            image = self.first(image)
        # Restoration reads the whole photo's exposure (and damage) once, so every tile is judged
        # alike; from the photo as this stage gets it, as training reads it before the marked pixels are filled.
        statistics = (whole_photo_statistics(image, bool(self.config.model.damage_planes), self.device)
                      if self.task == "restore" else None)
        if plane is not None:  # the network refines OpenCV's fill of the marked pixels (as trained)
            image = inpaint(image, np.asarray(repair) > 0)
        tensor = uint8_to_tensor(image[None], self.device)
        enhanced = tensor_to_uint8(self._tiled(tensor, statistics, plane))[0]
        release_freed_memory()  # the tiles' activations, or a folder's worth of photos grows the process (heap.py)
        return enhanced

    def _repair_plane(self, repair: np.ndarray | None, shape: tuple[int, int]) -> torch.Tensor | None:
        if repair is None:
            return None
        if self.task != "restore":
            raise EnhanceInputError(f"a repair mask is for restoration; this is a {self.task} model")
        if repair.shape[:2] != shape or repair.ndim != 2:
            raise EnhanceInputError(f"the repair mask is {repair.shape}, the photo {shape}: they must match")
        return torch.from_numpy(np.asarray(repair) > 0).to(self.device)[None, None].float()

    def _tiled(self, tensor: torch.Tensor, statistics: torch.Tensor | None, repair: torch.Tensor | None) -> torch.Tensor:
        height, width, scale = tensor.shape[2], tensor.shape[3], self.scale
        output = torch.empty(1, tensor.shape[1], height * scale, width * scale, device=self.device)
        for top in range(0, height, self.tile):
            for left in range(0, width, self.tile):
                bottom, right = min(top + self.tile, height), min(left + self.tile, width)
                # The tile plus its margin, clipped to the image; only the core is kept.
                y0, x0 = max(top - self.overlap, 0), max(left - self.overlap, 0)
                y1, x1 = min(bottom + self.overlap, height), min(right + self.overlap, width)
                window = (slice(None), slice(None), slice(y0, y1), slice(x0, x1))
                result = self.generator(tensor[window], statistics, None if repair is None else repair[window])
                core = result[:, :, (top - y0) * scale:(bottom - y0) * scale, (left - x0) * scale:(right - x0) * scale]
                output[:, :, top * scale:bottom * scale, left * scale:right * scale] = core
        return output


def _check_image(image: np.ndarray) -> None:
    if not isinstance(image, np.ndarray) or image.dtype != np.uint8 or image.ndim != 3 or image.shape[2] != 3:
        shape = getattr(image, "shape", None)
        dtype = getattr(image, "dtype", type(image).__name__)
        raise EnhanceInputError(f"an enhancer takes a uint8 (H, W, 3) RGB image, got {dtype} of shape {shape}")
    if min(image.shape[:2]) < 1:
        raise EnhanceInputError(f"cannot enhance an empty image of shape {image.shape}")


def load_enhancer(checkpoint: str | Path, device: str | torch.device = "cpu", tile: int = DEFAULT_TILE,
                  overlap: int = DEFAULT_OVERLAP) -> LearnedEnhancer:
    """Rebuild the generator of an enhancer checkpoint (a file, or a run folder holding one).

    Raises CheckpointError, naming the file, when it is missing, not an enhancer, or from an
    incompatible code version.
    """
    if tile < 8 or overlap < 0:
        raise ValueError(f"tile must be >= 8 and overlap >= 0, got tile={tile}, overlap={overlap}")
    path, meta, config = read_enhancer_meta(checkpoint)
    device = torch.device(device)
    generator = _load_generator(path, config, "generator", device)
    first = None
    stage = first_stage_config(path, meta)
    if stage is not None:
        summary = str(meta.extra[FIRST_STAGE].get("summary", ""))
        first = LearnedEnhancer(_load_generator(path, stage, FIRST_STAGE, device), stage, path, meta.code_version,
                                device, tile, overlap, summary)
    return LearnedEnhancer(generator, config, path, meta.code_version, device, tile, overlap,
                           str(meta.extra.get("summary", "")), first)


def _load_generator(path: Path, config: EnhanceTrainConfig, prefix: str, device: torch.device) -> torch.nn.Module:
    generator = build_generator(config.model)
    try:
        load_module(generator, load_tensors(path, prefix + ".", device=str(device)), prefix)
    except (RuntimeError, ProductGANError) as error:
        raise CheckpointError(f"{path}: its {prefix} weights do not fit this code's network ({error})") from None
    return generator.to(device).eval()
