"""POST /api/turntable: one product looping through every level of an attribute (views by default)."""

from __future__ import annotations

import base64
import io

import numpy as np
from PIL import Image


def decode(content: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(content)).convert("RGB"))


def test_turntable_starts_on_the_product_and_loops_through_the_levels(client):
    body = {"model": "shop", "seed": 3, "attribute": "color", "frames": 6}
    strip = decode(client.post("/api/turntable?format=png", json=body).content)
    tiles = [strip[2:34, 2 + i * 34: 34 + i * 34] for i in range(6)]
    variants = client.post("/api/variants", json={"model": "shop", "seed": 3, "attribute": "color"},
                           headers={"accept": "application/json"}).json()
    first = decode(base64.b64decode(variants["images"][0]))  # the product in the first colour level
    assert strip.shape[1] == 2 + 6 * 34
    assert np.abs(tiles[0].astype(int) - first).max() <= 1
    assert not np.array_equal(tiles[0], tiles[3])  # half way round it is in the other colour


def test_turntable_gif_has_the_asked_frames(client):
    response = client.post("/api/turntable", json={"model": "shop", "attribute": "color", "frames": 5, "fps": 8})
    assert response.status_code == 200 and response.headers["content-type"] == "image/gif"
    gif = Image.open(io.BytesIO(response.content))
    assert gif.size == (32, 32) and 2 <= gif.n_frames <= 5  # Pillow merges identical neighbouring frames


def test_turntable_without_views_and_bad_frames_are_clear_4xx(client):
    response = client.post("/api/turntable", json={"model": "shop"})
    assert response.status_code == 422 and "needs a 'view' attribute" in response.json()["error"]
    response = client.post("/api/turntable", json={"model": "shop", "attribute": "color", "frames": 1})
    assert response.status_code == 422 and "frames must be between 2 and 64" in response.json()["error"]
