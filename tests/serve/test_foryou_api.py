"""POST /api/foryou and /api/foryou/photos over the suite's tiny served model ("shop": color x size)."""

from __future__ import annotations

import base64
import io
import json
import shutil

import numpy as np
import pytest
from PIL import Image

from helpers.foryou import folder_run_with_encoder

from productgan.edit.encoder import ENCODER_FILE_NAME, train_encoder
from productgan.foryou import ForYouSettings, GeneratedItem, recommend
from productgan.serve import ModelRegistry, ServeSettings, create_app, load_models


@pytest.fixture(autouse=True)
def own_cache(tmp_path, monkeypatch):
    """The near-copy guard's threshold is cached beside the feature cache: a fresh one per test."""
    monkeypatch.setenv("PRODUCTGAN_CACHE", str(tmp_path / "cache" / "catalogs"))


def liked_reds(count: int = 3) -> list[dict]:
    return [{"seed": seed, "attributes": {"color": "red"}} for seed in range(count)]


def images_of(answer: dict) -> list[np.ndarray]:
    return [np.asarray(Image.open(io.BytesIO(base64.b64decode(text)))) for text in answer["images"]]


def png(image: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(image).save(buffer, format="PNG")
    return buffer.getvalue()


def test_foryou_answers_the_librarys_products_with_their_levels(client, registry):
    body = {"model": "shop", "liked": liked_reds(), "disliked": [{"seed": 9, "attributes": {"size": "large"}}],
            "n": 4, "explore": 0.2, "seed": 5}
    response = client.post("/api/foryou", json=body)
    assert response.status_code == 200, response.text
    answer = response.json()
    assert answer["n"] == 4 and len(answer["images"]) == 4 and len(answer["levels"]) == 4
    assert answer["level_frequencies"]["color"]["red"] > 0.5
    assert [item["item"] for item in answer["liked"]] == ["gen:0:color=red", "gen:1:color=red", "gen:2:color=red"]
    library = recommend(registry.get("shop").generator, [GeneratedItem(s, {"color": "red"}) for s in range(3)],
                        [GeneratedItem(9, {"size": "large"})], ForYouSettings(n=4, explore=0.2, seed=5),
                        model_name="shop")
    assert all(np.array_equal(a, b) for a, b in zip(images_of(answer), library.images))
    assert answer["levels"] == library.levels
    assert client.post("/api/foryou", json=body).json()["images"] == answer["images"]  # seeded


@pytest.mark.parametrize("change, status, message", [
    ({"liked": []}, 400, "the history has no liked item"),
    ({"liked": [{"seed": 1, "attributes": {"color": "purple"}}]}, 400, "is not from this model's catalog"),
    ({"liked": [{"seed": 1, "model": "mirror"}]}, 400, "a product of model 'mirror', not of 'shop'"),
    ({"model": "nope"}, 404, "unknown model 'nope'"),
    ({"n": 65}, 422, "n must be between 1 and 64"),
    ({"explore": 1.5}, 422, "explore must be between 0 and 1"),
    ({"liked": [{"seed": 1}] * 65}, 422, "at most 64 items"),
    ({"liked": [{"seed": -1}]}, 422, "an item's seed must be between 0"),
    ({"liked": [{"seeds": 1}]}, 422, "liked.0.seeds"),
])
def test_a_bad_foryou_request_is_one_clear_error(client, change, status, message):
    response = client.post("/api/foryou", json={"model": "shop", "liked": liked_reds(1), **change})
    assert response.status_code == status and message in response.json()["error"], response.text


def test_a_photo_without_an_encoder_is_refused_with_how_to_make_one(client):
    photo = png(np.full((24, 24, 3), 200, np.uint8))
    response = client.post("/api/foryou/photos", data={"request": json.dumps({"model": "shop", "n": 2})},
                           files={"liked1": ("shirt.png", photo, "image/png")})
    assert response.status_code == 400 and "latent encoder" in response.json()["error"], response.text
    assert f"RUN/{ENCODER_FILE_NAME}" in response.json()["error"]


def test_uploaded_photos_are_placed_by_the_models_own_encoder(models_dir, tmp_path):
    from fastapi.testclient import TestClient

    run = shutil.copytree(models_dir / "shop", tmp_path / "shop")
    registry: ModelRegistry = load_models(run, device="cpu")
    generator = registry.get("shop").generator
    train_encoder(generator, steps=2).save(run / ENCODER_FILE_NAME, generator.levels)
    photo = png(generator.generate(1, seed=3)[0])
    request = {"model": "shop", "n": 2, "liked": [{"seed": 4}]}
    with TestClient(create_app(registry), base_url="http://localhost") as client:
        response = client.post("/api/foryou/photos", data={"request": json.dumps(request)},
                               files={"liked1": ("mine.png", photo, "image/png")})
        assert response.status_code == 200, response.text
        answer = response.json()
        assert [item["how"] for item in answer["liked"]] == ["generated", "inverted"]
        assert answer["liked"][1]["item"] == "liked1" and len(answer["images"]) == 2
        bad = client.post("/api/foryou/photos", data={"request": "{not json"},
                          files={"liked1": ("mine.png", photo, "image/png")})
        assert bad.status_code == 422 and "form field 'request'" in bad.json()["error"]
        stray = client.post("/api/foryou/photos", data={"request": json.dumps(request)},
                            files={"liked9": ("mine.png", photo, "image/png")})
        assert stray.status_code == 422 and stray.json()["error"] == (
            "unknown form field 'liked9'; the form has request and photos liked1..liked4, disliked1..disliked4")


def test_foryou_is_in_the_openapi_docs(client):
    paths = client.get("/openapi.json").json()["paths"]
    assert "/api/foryou" in paths and "/api/foryou/photos" in paths
    form = paths["/api/foryou/photos"]["post"]["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert {"request", "liked1", "disliked4"} <= set(form["properties"])


def test_a_bad_history_is_answered_without_waiting_for_a_worker(make_client):
    client = make_client()
    client.app.state.photo_gate.run = lambda *args: pytest.fail("queued")
    response = client.post("/api/foryou", json={"model": "shop", "liked": [{"seed": 1, "attributes": {"size": "xl"}}]})
    assert response.status_code == 400 and "unknown level 'xl'" in response.json()["error"]
    response = client.post("/api/foryou/photos", data={"request": json.dumps({"model": "shop"})},
                           files={"disliked1": ("no.png", png(np.zeros((8, 8, 3), np.uint8)), "image/png")})
    assert response.status_code == 400 and "no liked item" in response.json()["error"]


@pytest.fixture(scope="module")
def folder_run(tmp_path_factory):
    """A tiny run trained on a catalog folder (its config records the path), with an encoder."""
    return folder_run_with_encoder(tmp_path_factory.mktemp("foryou-catalog"))


def serve_run(run, **settings):
    from fastapi.testclient import TestClient

    return TestClient(create_app(load_models(run, device="cpu"), ServeSettings(**settings)), base_url="http://localhost",
                      raise_server_exceptions=False)


def test_catalog_ids_are_placed_with_the_catalogs_levels(folder_run):
    run, _ = folder_run
    request = {"model": "shop", "n": 2, "liked": [{"catalog": "red-large-2"}, {"seed": 4}],
               "disliked": [{"catalog": "images/blue-small-1.png"}]}
    with serve_run(run) as client:
        response = client.post("/api/foryou", json=request)
        assert response.status_code == 200, response.text
        answer = response.json()
        assert [(item["item"], item["how"]) for item in answer["liked"]] == [("catalog:red-large-2", "inverted"),
                                                                           ("gen:4", "generated")]
        assert answer["liked"][0]["levels"] == {"color": "red", "size": "large"}
        assert answer["disliked"][0]["levels"] == {"color": "blue", "size": "small"} and len(answer["images"]) == 2
        unknown = client.post("/api/foryou", json={"model": "shop", "liked": [{"catalog": "red-large-99"}]})
        assert unknown.status_code == 400 and "close matches: red-large-" in unknown.json()["error"], unknown.text


def test_a_moved_catalog_is_named_and_serve_catalog_finds_it(folder_run, tmp_path):
    run, folder = folder_run
    moved = shutil.copytree(folder, tmp_path / "moved")
    shutil.rmtree(folder)
    request = {"model": "shop", "n": 1, "liked": [{"catalog": "blue-large-3"}]}
    try:
        with serve_run(run) as client:
            response = client.post("/api/foryou", json=request)
            assert response.status_code == 400, response.text
            assert f"'{folder}' (recorded in" in response.json()["error"]
            assert response.json()["error"].endswith("`productgan serve RUN --catalog DIR`")
        with serve_run(run, catalog=str(moved)) as client:
            response = client.post("/api/foryou", json=request)
            assert response.status_code == 200 and response.json()["liked"][0]["levels"]["color"] == "blue", response.text
    finally:
        shutil.copytree(moved, folder)


@pytest.mark.parametrize("liked, message", [
    ([{"seed": 1, "catalog": "a"}], "give exactly one"),
    ([{"attributes": {"color": "red"}}], "give exactly one"),
    ([{"catalog": "a", "attributes": {"color": "red"}}], "give catalog alone"),
    ([{"catalog": ""}], "liked.0.catalog"),
    ([{"catalog": str(i)} for i in range(9)], "at most 8 photos (catalog items and uploads"),
])
def test_a_bad_catalog_reference_is_one_clear_error(client, liked, message):
    client.app.state.photo_gate.run = lambda *args: pytest.fail("queued")
    response = client.post("/api/foryou", json={"model": "shop", "liked": liked})
    assert response.status_code == 422 and message in response.json()["error"], response.text


def test_a_catalog_id_of_a_run_without_a_readable_catalog_says_which_path_was_tried(client):
    response = client.post("/api/foryou", json={"model": "shop", "liked": [{"catalog": "3"}]})
    assert response.status_code == 400 and "'test:two-colour'" in response.json()["error"], response.text
    assert "--catalog DIR" in response.json()["error"]
