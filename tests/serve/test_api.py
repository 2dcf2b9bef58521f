"""The endpoints answer what they promise: models, PNG/JSON images, variants, morphs, health, metrics."""

from __future__ import annotations

import base64
import io

import numpy as np
from PIL import Image


def decode(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))


def test_models_lists_both_names_with_attributes_and_resolution(client):
    models = {m["name"]: m for m in client.get("/api/models").json()["models"]}
    assert sorted(models) == ["mirror", "shop"]
    assert models["shop"]["attributes"] == {"color": ["blue", "red"], "size": ["large", "small"]}
    assert models["shop"]["resolution"] == 32 and models["shop"]["family"] == "resnet"


def test_generate_one_is_a_png_at_the_model_resolution(client):
    response = client.post("/api/generate", json={"model": "shop", "attributes": {"color": "red"}, "seed": 4})
    assert response.status_code == 200 and response.headers["content-type"] == "image/png"
    assert decode(response.content).shape == (32, 32, 3)


def test_generate_many_is_json_with_n_images_and_canonical_levels(client):
    response = client.post("/api/generate", json={"model": "shop", "n": 5, "seed": 1, "attributes": {"color": "RED"}})
    assert response.headers["content-type"] == "application/json"
    answer = response.json()
    assert len(answer["images"]) == 5 and answer["attributes"] == {"color": "red"}
    assert all(decode(base64.b64decode(image)).shape == (32, 32, 3) for image in answer["images"])


def test_accept_png_for_many_gives_one_grid_and_accept_json_for_one_gives_json(client):
    grid = client.post("/api/generate", json={"model": "shop", "n": 4}, headers={"Accept": "image/png"})
    assert grid.headers["content-type"] == "image/png" and decode(grid.content).shape[1] > 4 * 32
    single = client.post("/api/generate", json={"model": "shop"}, headers={"Accept": "application/json"})
    assert len(single.json()["images"]) == 1


def test_same_seed_same_bytes_other_seed_differs(client):
    def png(seed):
        return client.post("/api/generate", json={"model": "shop", "seed": seed, "attributes": {"size": "large"}}).content

    assert png(11) == png(11)
    assert png(11) != png(12)


def test_repeated_request_is_a_cache_hit_with_the_same_bytes(make_client):
    client = make_client()
    body = {"model": "shop", "n": 3, "seed": 9}
    first, second = client.post("/api/generate", json=body), client.post("/api/generate", json=body)
    assert first.content == second.content
    assert 'productgan_cache_lookups_total{result="hit"} 1.0' in client.get("/metrics").text
    uncached = make_client(cache_entries=0)
    assert uncached.post("/api/generate", json=body).content == first.content


def test_variants_show_the_generated_product_once_per_level(client):
    product = client.post("/api/generate", json={"model": "shop", "seed": 21, "attributes": {"color": "blue"}}).content
    response = client.post("/api/variants", json={"model": "shop", "attribute": "color", "seed": 21,
                                                  "attributes": {"color": "blue"}})
    answer = response.json()
    assert answer["levels"] == ["blue", "red"] and len(answer["images"]) == 2
    assert answer["captions"] == ["blue", "red"]  # the shop's colours tie no size: nothing moved with them
    variants = [decode(base64.b64decode(image)) for image in answer["images"]]
    assert np.array_equal(variants[0], decode(product))  # the blue row is the very product shown
    assert not np.array_equal(variants[0], variants[1])


def test_variants_png_strip_has_one_tile_per_level(client):
    response = client.post("/api/variants", json={"model": "shop", "attribute": "size"}, headers={"Accept": "image/png"})
    height, width, _ = decode(response.content).shape
    assert response.headers["content-type"] == "image/png" and width > 2 * 32 > height


def test_morph_is_a_gif_with_the_asked_number_of_frames(client):
    response = client.post("/api/morph", json={"model": "shop", "seed_a": 1, "seed_b": 2, "frames": 7,
                                               "attributes_a": {"color": "red"}, "attributes_b": {"color": "blue"}})
    assert response.status_code == 200 and response.headers["content-type"] == "image/gif"
    gif = Image.open(io.BytesIO(response.content))
    assert gif.format == "GIF" and gif.n_frames == 7 and gif.size == (32, 32)


def test_morph_png_strip_starts_and_ends_on_the_two_products(client):
    body = {"model": "shop", "seed_a": 5, "seed_b": 6, "frames": 4}
    strip = decode(client.post("/api/morph?format=png", json=body).content)
    first = decode(client.post("/api/generate", json={"model": "shop", "seed": 5}).content)
    last = decode(client.post("/api/generate", json={"model": "shop", "seed": 6}).content)
    tiles = [strip[2:34, 2 + i * 34: 34 + i * 34] for i in range(4)]
    assert np.abs(tiles[0].astype(int) - first).max() <= 1  # same product, rendered in a batch of 4 instead of 8
    assert np.abs(tiles[3].astype(int) - last).max() <= 1
    assert not np.array_equal(tiles[0], tiles[3])


def test_health_ready_and_docs(client):
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").json() == {"status": "ready", "models": ["mirror", "shop"]}
    assert "/api/generate" in client.get("/openapi.json").json()["paths"]
    assert client.get("/docs").status_code == 200


def test_page_and_its_files_are_served(client):
    page = client.get("/")
    assert page.status_code == 200 and 'data-testid="show-button"' in page.text
    assert page.headers["content-security-policy"].startswith("default-src 'self'")
    assert client.get("/static/app.js").status_code == 200


def test_metrics_count_requests_by_endpoint_and_status_and_images(make_client):
    client = make_client()
    for seed in range(3):
        client.post("/api/generate", json={"model": "shop", "seed": seed, "n": 2})
    client.post("/api/generate", json={"model": "nope"})
    text = client.get("/metrics").text
    assert 'productgan_requests_total{endpoint="/api/generate",status="200"} 3.0' in text
    assert 'productgan_requests_total{endpoint="/api/generate",status="404"} 1.0' in text
    assert 'productgan_images_generated_total{endpoint="generate",model="shop"} 6.0' in text
    assert 'productgan_request_seconds_count{endpoint="/api/generate"} 4.0' in text
