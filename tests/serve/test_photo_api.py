"""The photo endpoints: a shop's own photo edited or enhanced, checked before it is decoded."""

from __future__ import annotations

import io

import cv2
import numpy as np
import pytest
from PIL import Image, ImageCms

from productgan.serve.limits import ServeLimits

from helpers.photo import studio_photo


def png_upload(array: np.ndarray, fmt: str = "PNG") -> dict:
    buffer = io.BytesIO()
    Image.fromarray(array).save(buffer, format=fmt)
    return {"file": ("photo." + fmt.lower(), buffer.getvalue(), f"image/{fmt.lower()}")}


def decode(content: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(content)).convert("RGB"))


def test_recolor_upload_returns_the_product_in_red_and_the_background_untouched(client):
    photo, truth = studio_photo()
    response = client.post("/api/photo/edit", files=png_upload(photo), data={"operation": "recolor", "color": "red"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "image/png"
    edited = decode(response.content)
    assert edited.shape == photo.shape
    red, green, blue = edited[truth].mean(axis=0)
    assert red > 150 and green < 90 and blue < 90
    assert np.array_equal(edited[~truth][:100], photo[~truth][:100])


def test_the_old_spellings_of_operation_and_field_make_the_same_edit(client):
    photo, _ = studio_photo()
    answers = [client.post("/api/photo/edit", files=png_upload(photo), data=fields).content for fields in (
        {"operation": "recolor", "color": "blue"}, {"operation": "recolour", "colour": "blue"})]  # old spelling kept
    assert answers[0][:8] == b"\x89PNG\r\n\x1a\n" and answers[0] == answers[1]
    form = client.get("/openapi.json").json()["paths"]["/api/photo/edit"]["post"]["requestBody"]
    fields = form["content"]["multipart/form-data"]["schema"]["properties"]
    assert "color" in fields and "colour" not in fields  # old spelling kept: hidden


@pytest.mark.parametrize("fields, size", [({"operation": "rotate", "degrees": "20"}, (120, 96)),
                                          ({"operation": "whiten"}, (120, 120)),
                                          ({"operation": "flip", "direction": "vertical"}, (120, 96))])
def test_geometry_edits_over_http(client, fields, size):
    photo, _ = studio_photo()
    response = client.post("/api/photo/edit", files=png_upload(photo, "JPEG"), data=fields)
    assert response.status_code == 200, response.text
    assert decode(response.content).shape[:2] == size


def test_enhance_upload_applies_the_classical_chain(client):
    photo, _ = studio_photo()
    low = np.rint(90 + photo * (80 / 255)).astype(np.uint8)
    response = client.post("/api/photo/enhance", files=png_upload(low), data={"chain": "contrast_stretch"})
    assert response.status_code == 200, response.text
    assert np.ptp(decode(response.content).astype(int)) > 1.5 * np.ptp(low.astype(int))


@pytest.mark.parametrize("url, files, data, status, message", [
    ("/api/photo/edit", None, {"operation": "recolor", "color": "reddish"}, 400, "unknown colour"),
    ("/api/photo/edit", None, {"operation": "melt"}, 400, "unknown operation"),
    ("/api/photo/edit", None, {"operation": "scale"}, 400, "scale needs a factor"),
    ("/api/photo/enhance", None, {"chain": "sharpen"}, 400, "unknown enhancement step"),
    ("/api/photo/edit", {"file": ("notes.txt", b"hello", "text/plain")}, {"operation": "flip"}, 415, "not an image"),
    ("/api/photo/edit", "gif", {"operation": "flip"}, 415, "GIF is not accepted"),
])
def test_bad_uploads_are_clear_4xx(client, url, files, data, status, message):
    photo, _ = studio_photo()
    if files is None:
        files = png_upload(photo)
    elif files == "gif":
        files = png_upload(photo, "GIF")
    response = client.post(url, files=files, data=data)
    assert response.status_code == status, response.text
    assert message in response.json()["error"]


def test_a_header_claiming_too_many_pixels_is_refused_before_decoding(make_client):
    client = make_client(limits=ServeLimits(max_upload_pixels=1000))
    photo, _ = studio_photo()
    response = client.post("/api/photo/edit", files=png_upload(photo), data={"operation": "flip"})
    assert response.status_code == 413 and "exceeds the limit" in response.json()["error"]


def test_photo_endpoints_need_the_api_key_when_one_is_set(make_client):
    client = make_client(api_key="secret")
    photo, _ = studio_photo()
    response = client.post("/api/photo/enhance", files=png_upload(photo))
    assert response.status_code == 401


def test_cutout_answers_a_transparent_png_with_the_product_opaque_and_the_backdrop_clear(client):
    photo, truth = studio_photo()
    response = client.post("/api/photo/cutout", files=png_upload(photo))
    assert response.status_code == 200, response.text
    cut = np.asarray(Image.open(io.BytesIO(response.content)))
    assert cut.shape == (*photo.shape[:2], 4)
    alpha = cut[:, :, 3]
    inside = cv2.erode(truth.astype(np.uint8), np.ones((7, 7), np.uint8)).astype(bool)  # away from the soft edge
    outside = ~cv2.dilate(truth.astype(np.uint8), np.ones((7, 7), np.uint8)).astype(bool)
    assert (alpha[inside] == 255).mean() > 0.98 and (alpha[outside] == 0).mean() > 0.98
    on_white = client.post("/api/photo/cutout", files=png_upload(photo), data={"background": "white"})
    flat = np.asarray(Image.open(io.BytesIO(on_white.content)))
    assert flat.shape == photo.shape and (flat[~truth] == 255).all(axis=1).mean() > 0.95


def test_cutout_refuses_a_bad_background_naming_the_field(client):
    photo, _ = studio_photo()
    response = client.post("/api/photo/cutout", files=png_upload(photo), data={"background": "#12345"})
    assert response.status_code in (400, 422) and "background" in response.text


def test_an_edit_of_a_transparent_upload_keeps_its_alpha(client):
    photo, truth = studio_photo()
    alpha = np.where(truth, 255, 0).astype(np.uint8)
    rgba = np.dstack([photo, alpha])
    response = client.post("/api/photo/edit", files=png_upload(rgba), data={"operation": "flip"})
    assert response.status_code == 200, response.text
    flipped = np.asarray(Image.open(io.BytesIO(response.content)))
    assert flipped.shape == rgba.shape and np.array_equal(flipped[:, :, 3], alpha[:, ::-1])


def test_enhance_without_a_task_is_auto_and_leaves_a_good_photo_as_it_was(client):
    photo, _ = studio_photo()
    response = client.post("/api/photo/enhance", files=png_upload(photo))
    assert response.status_code == 200, response.text
    assert np.array_equal(decode(response.content), photo)  # nothing out of range, nothing applied


def test_auto_brightens_a_dark_photo_and_refuses_a_chain(client):
    photo, _ = studio_photo()
    dark = np.rint(photo * 0.45).astype(np.uint8)  # the backdrop at L 48: a dim backdrop, still found
    response = client.post("/api/photo/enhance", files=png_upload(dark), data={"task": "auto"})
    assert response.status_code == 200, response.text
    assert decode(response.content).mean() > dark.mean() + 20
    refused = client.post("/api/photo/enhance", files=png_upload(dark), data={"task": "auto", "chain": "denoise"})
    assert refused.status_code == 400 and "auto chooses its own steps" in refused.text


def test_prepare_makes_a_marketplace_square_with_the_product_centred_on_white(client):
    photo, truth = studio_photo()
    response = client.post("/api/photo/prepare", files=png_upload(photo))
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "image/jpeg" and "lanczos" in response.headers["x-warnings"].lower()
    square = decode(response.content)
    assert square.shape[0] == square.shape[1] >= 1000
    product = (square.astype(int).min(axis=2) < 200)
    rows, columns = np.nonzero(product)
    assert 0.75 < (max(rows.max() - rows.min(), columns.max() - columns.min()) + 1) / square.shape[0] < 0.9
    assert abs((rows.min() + rows.max()) / 2 - square.shape[0] / 2) < 0.05 * square.shape[0]
    assert square[:20].min() >= 250 and square[:, :20].min() >= 250  # pure white margins
    with Image.open(io.BytesIO(response.content)) as prepared:  # the "sRGB JPEG" marketplaces ask for, tagged
        icc = prepared.info["icc_profile"]
    assert "sRGB" in ImageCms.ImageCmsProfile(io.BytesIO(icc)).profile.profile_description


def test_prepare_web_keeps_the_size_and_an_unknown_preset_is_named(client):
    photo, _ = studio_photo()
    web = client.post("/api/photo/prepare", files=png_upload(photo), data={"preset": "web"})
    assert web.status_code == 200 and decode(web.content).shape == photo.shape
    bad = client.post("/api/photo/prepare", files=png_upload(photo), data={"preset": "amazon"})
    assert bad.status_code == 400 and "unknown preset 'amazon'" in bad.text
