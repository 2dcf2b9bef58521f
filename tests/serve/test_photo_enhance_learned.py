"""Learned enhancers over HTTP: offered only when loaded, upscaling bounded, masks repaired."""

from __future__ import annotations

import io

import numpy as np
import pytest
from PIL import Image

from productgan.errors import ProductGANError
from productgan.serve.enhancers import PhotoEnhancers
from productgan.serve.limits import ServeLimits

from helpers.enhance import trained_runs


@pytest.fixture(scope="module")
def checkpoints(tmp_path_factory):
    return trained_runs(tmp_path_factory.mktemp("served-enhancers"), ("sr2", "restore"), steps=3)


@pytest.fixture
def served(make_client, checkpoints):
    return make_client(photo_enhancers=PhotoEnhancers.load(list(checkpoints.values()), shipped=False))


def upload(array: np.ndarray, name: str = "file") -> dict:
    buffer = io.BytesIO()
    Image.fromarray(array).save(buffer, format="PNG")
    return {name: (f"{name}.png", buffer.getvalue(), "image/png")}


def photo(height: int = 40, width: int = 56) -> np.ndarray:
    image = np.full((height, width, 3), 245, np.uint8)
    image[8:32, 12:44] = (30, 60, 200)
    return image


def decode(content: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(content)).convert("RGB"))


def test_tasks_list_what_was_loaded(served, client):
    assert [t["task"] for t in served.get("/api/photo/tasks").json()["tasks"]] == ["auto", "classic", "restore", "sr2"]
    assert [t["task"] for t in client.get("/api/photo/tasks").json()["tasks"]] == ["auto", "classic"]


def test_learned_upscaling_and_restoration_over_http(served):
    response = served.post("/api/photo/enhance", files=upload(photo()), data={"task": "sr2"})
    assert response.status_code == 200, response.text
    assert decode(response.content).shape == (80, 112, 3)
    response = served.post("/api/photo/enhance", files=upload(photo()), data={"task": "restore"})
    assert response.status_code == 200 and decode(response.content).shape == (40, 56, 3)


def test_a_mask_repairs_only_what_it_marks_with_the_classical_chain(client):
    damaged, marks = photo(), np.zeros((40, 56), np.uint8)
    damaged[15:20, 20:25] = (250, 250, 0)
    marks[14:21, 19:26] = 255
    files = {**upload(damaged), **upload(marks, "mask")}
    response = client.post("/api/photo/enhance", files=files, data={"task": "classic", "chain": "white_balance:strength=0"})
    assert response.status_code == 200, response.text
    repaired = decode(response.content).astype(int)
    assert np.abs(repaired[marks > 0] - (30, 60, 200)).mean() < 40  # the yellow blot became product blue
    assert np.abs(repaired[marks == 0] - damaged[marks == 0]).max() <= 1


@pytest.mark.parametrize("task, data, status, message", [
    ("sr4", {}, 404, "this server has no sr4 model"),
    ("magic", {}, 422, "unknown task 'magic'"),
    ("sr2", {"mask": True}, 400, "a repair mask is for restoration"),
    ("restore", {"mask": "small"}, 400, "they must match"),
])
def test_bad_enhance_requests_are_clear_4xx(served, task, data, status, message):
    files = upload(photo())
    if data.get("mask"):
        files.update(upload(np.zeros((10, 10) if data["mask"] == "small" else (40, 56), np.uint8), "mask"))
    response = served.post("/api/photo/enhance", files=files, data={"task": task})
    assert response.status_code == status, response.text
    assert message in response.json()["error"]


def test_an_upscaled_result_over_the_limit_is_refused(make_client, checkpoints):
    client = make_client(photo_enhancers=PhotoEnhancers.load([checkpoints["sr2"]], shipped=False),
                         limits=ServeLimits(max_enhanced_pixels=80 * 80))
    response = client.post("/api/photo/enhance", files=upload(photo()), data={"task": "sr2"})
    assert response.status_code == 413 and "x2 of a 56 x 40 photo" in response.json()["error"]


def test_two_models_for_one_task_are_refused_at_load(checkpoints):
    with pytest.raises(ProductGANError, match="a second sr2 model"):
        PhotoEnhancers.load([checkpoints["sr2"], checkpoints["sr2"]], shipped=False)


def test_learned_tasks_count_against_the_work_budget_by_their_measured_cost(make_client, checkpoints):
    enhancers = PhotoEnhancers.load([checkpoints["sr2"]], shipped=False)
    cost = enhancers.build("sr2", None).cost_per_pixel
    assert cost > 0.1  # the network's multiply-accumulates per input pixel, in light-pass units
    just_under = 40 * 56 / 1e6 * cost * 0.9
    client = make_client(photo_enhancers=enhancers, limits=ServeLimits(max_photo_work=just_under))
    response = client.post("/api/photo/enhance", files=upload(photo()), data={"task": "sr2"})
    assert response.status_code == 413 and "task sr2 on a 0.0 MP photo" in response.json()["error"]
    response = client.post("/api/photo/enhance", files=upload(photo(20, 28)), data={"task": "sr2"})
    assert response.status_code == 200, response.text


def test_prepare_enlarges_with_the_servers_learned_sr_only_when_asked_and_priced(make_client, checkpoints):
    small = photo(120, 90)  # far below the marketplace minimum: the product is enlarged many times over
    served = make_client(photo_enhancers=PhotoEnhancers.load([checkpoints["sr2"]], shipped=False))
    learned = served.post("/api/photo/prepare", files=upload(small), data={"upscaler": "learned"})
    assert learned.status_code == 200, learned.text
    assert "learned x2 model (learned-sr2)" in learned.headers["x-warnings"]
    plain = served.post("/api/photo/prepare", files=upload(small))
    assert plain.status_code == 200 and "Lanczos" in plain.headers["x-warnings"]
    assert decode(learned.content).shape == decode(plain.content).shape
    assert not np.array_equal(decode(learned.content), decode(plain.content))
    unknown = served.post("/api/photo/prepare", files=upload(small), data={"upscaler": "esrgan"})
    assert unknown.status_code == 400 and "not one of: lanczos, learned" in unknown.text
    without = make_client(photo_enhancers=PhotoEnhancers.load([checkpoints["restore"]], shipped=False))
    refused = without.post("/api/photo/prepare", files=upload(small), data={"upscaler": "learned"})
    assert refused.status_code == 400 and "no learned sr2/sr4 model" in refused.text
    tight = make_client(photo_enhancers=PhotoEnhancers.load([checkpoints["sr2"]], shipped=False),
                        limits=ServeLimits(max_photo_work=7))
    assert tight.post("/api/photo/prepare", files=upload(small)).status_code == 200  # 1 MP x 6 units
    priced = tight.post("/api/photo/prepare", files=upload(small), data={"upscaler": "learned"})
    assert priced.status_code == 413 and "upscaler learned" in priced.text
