"""/api/photo/enhance keeps a transparent upload's alpha, as `enhance apply` does (issue 15)."""

from __future__ import annotations

import io

import cv2
import numpy as np
import pytest
from PIL import Image

from productgan.serve.enhancers import PhotoEnhancers

from helpers.damage import darker
from helpers.photo import studio_photo


def cutout_upload() -> tuple[dict, np.ndarray]:
    """A dim studio photo with a transparent 6 px border, as an RGBA PNG upload, and its alpha."""
    photo, _ = studio_photo(48, 40)
    alpha = np.full(photo.shape[:2], 255, np.uint8)
    alpha[:6], alpha[-6:], alpha[:, :6], alpha[:, -6:] = 0, 0, 0, 0
    buffer = io.BytesIO()
    Image.fromarray(np.dstack([darker(photo), alpha]), "RGBA").save(buffer, format="PNG")
    return {"file": ("tee.png", buffer.getvalue(), "image/png")}, alpha


def rgba(content: bytes) -> np.ndarray:
    with Image.open(io.BytesIO(content)) as image:
        assert image.mode == "RGBA"
        return np.asarray(image)


@pytest.mark.parametrize("task", ["auto", "classic"])
def test_classical_tasks_give_back_the_alpha(client, task):
    files, alpha = cutout_upload()
    response = client.post("/api/photo/enhance", data={"task": task}, files=files)
    assert response.status_code == 200, response.text
    assert np.array_equal(rgba(response.content)[..., 3], alpha)


def test_the_shipped_sr2_model_enlarges_the_alpha_with_the_photo(make_client):
    served = make_client(photo_enhancers=PhotoEnhancers.load([], shipped=True))
    files, alpha = cutout_upload()
    response = served.post("/api/photo/enhance", data={"task": "sr2"}, files=files)
    assert response.status_code == 200, response.text
    height, width = alpha.shape
    expected = cv2.resize(alpha, (2 * width, 2 * height), interpolation=cv2.INTER_LINEAR)
    assert np.array_equal(rgba(response.content)[..., 3], expected)
