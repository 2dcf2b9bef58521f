"""Property: whatever the generate parameters, photo form fields, chains or uploaded bytes, the answer is a
200 or a JSON 4xx, never a 5xx, and the server stays up."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

FUZZ = settings(max_examples=120, deadline=None, database=None,  # no example database in the repo
                suppress_health_check=[HealthCheck.function_scoped_fixture])

names = st.one_of(st.sampled_from(["color", "size", "material", "COLOR"]), st.text(max_size=10))
levels = st.one_of(st.sampled_from(["red", "blue", "RED", "large", "small", "", "Red "]), st.text(max_size=10))
json_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=8))
json_values = st.recursive(json_scalars, lambda inner: st.one_of(st.lists(inner, max_size=3),
                                                                   st.dictionaries(st.text(max_size=6), inner, max_size=3)),
                           max_leaves=6)

# Plausible bodies: a real model, each parameter near or across its limits, often several at once.
plausible_bodies = st.fixed_dictionaries(
    {"model": st.sampled_from(["shop", "mirror"])},
    optional={
        "attributes": st.dictionaries(names, levels, max_size=3),
        "n": st.integers(min_value=-3, max_value=70),
        "seed": st.one_of(st.integers(min_value=-5, max_value=2**64 + 5), st.integers()),
        "truncation": st.one_of(st.none(), st.floats(allow_nan=True, allow_infinity=True)),
    },
)

# Anything at all in any field: wrong types, unknown models and fields, nested junk.
junk_bodies = st.one_of(json_values, st.dictionaries(
    st.sampled_from(["model", "attributes", "n", "seed", "truncation", "extra"]), json_values, max_size=6))


def post(client, body, accept):
    # encoded by hand: NaN and Infinity literals reach the server as a careless client would send them
    return client.post("/api/generate", content=json.dumps(body),
                       headers={"Accept": accept, "Content-Type": "application/json"})


def assert_not_a_server_error(response, body):
    assert response.status_code < 500, (body, response.text)
    if response.status_code >= 400:
        assert isinstance(response.json()["error"], str) and response.json()["error"]
    else:
        assert response.headers["content-type"] in ("image/png", "application/json")


@pytest.mark.slow
@FUZZ
@given(body=plausible_bodies, accept=st.sampled_from(["*/*", "image/png", "application/json"]))
def test_plausible_generate_parameters_never_answer_5xx(client, body, accept):
    assert_not_a_server_error(post(client, body, accept), body)


@pytest.mark.slow
@FUZZ
@given(body=junk_bodies)
def test_any_json_body_never_answers_5xx(client, body):
    assert_not_a_server_error(post(client, body, "*/*"), body)


# ----------------------------------------------------------------------------------- photo forms
# The photo endpoints' form fields, plausible and hostile: chains built from real steps and knobs
# with values across and far beyond their ranges, and any text in any field.
STEP_NAMES = ["white_balance", "contrast_stretch", "equalize", "clahe", "denoise", "unsharp", "whiten", "sharpen"]
KNOBS = ["percentile", "strength", "low", "high", "clip", "tiles", "color_strength", "radius", "amount", "threshold", "x"]
numbers = st.one_of(st.sampled_from(["0", "0.5", "-3", "2000", "nan", "inf", "-inf", "1e308", "1e-300", "", "abc", "8"]),
                    st.floats(allow_nan=True, allow_infinity=True).map(repr), st.integers(-10**6, 10**6).map(str))
steps = st.builds(lambda name, knobs: name + (":" + ";".join(f"{k}={v}" for k, v in knobs) if knobs else ""),
                  st.sampled_from(STEP_NAMES), st.lists(st.tuples(st.sampled_from(KNOBS), numbers), max_size=3))
chains = st.one_of(st.lists(steps, min_size=0, max_size=5).map(",".join), st.text(max_size=40))
amounts = st.one_of(numbers, st.text(max_size=8))
edit_forms = st.fixed_dictionaries(
    {"operation": st.one_of(st.sampled_from(["recolor", "whiten", "scale", "rotate", "flip", "mask"]), st.text(max_size=12))},
    optional={"color": st.one_of(st.sampled_from(["red", "#c81e28", "#zzz", "", "navy"]), st.text(max_size=10)),
              "factor": amounts, "degrees": amounts,
              "direction": st.one_of(st.sampled_from(["horizontal", "vertical"]), st.text(max_size=8)),
              "region": st.one_of(st.sampled_from(["dominant", "whole"]), st.text(max_size=8)),
              "extra": st.text(max_size=5)})
enhance_forms = st.fixed_dictionaries(
    {}, optional={"task": st.one_of(st.sampled_from(["auto", "classic", "sr2", "sr4", "restore", ""]), st.text(max_size=8)),
                  "chain": chains})
PHOTO_FUZZ = settings(max_examples=60, deadline=None, database=None,
                      suppress_health_check=[HealthCheck.function_scoped_fixture])


def tiny_png() -> bytes:
    import io

    import numpy as np
    from PIL import Image

    buffer = io.BytesIO()
    image = np.full((12, 16, 3), 235, np.uint8)
    image[3:9, 4:12] = (180, 40, 40)
    Image.fromarray(image).save(buffer, format="PNG")
    return buffer.getvalue()


TINY_PNG = tiny_png()


def assert_photo_answer(response, form):
    assert response.status_code < 500, (form, response.text)
    if response.status_code >= 400:
        assert isinstance(response.json()["error"], str) and response.json()["error"]
    else:
        assert response.headers["content-type"] == "image/png"


@PHOTO_FUZZ
@given(form=edit_forms)
def test_any_photo_edit_form_never_answers_5xx(client, form):
    response = client.post("/api/photo/edit", files={"file": ("p.png", TINY_PNG, "image/png")}, data=form)
    assert_photo_answer(response, form)


@PHOTO_FUZZ
@given(form=enhance_forms)
def test_any_chain_or_task_never_answers_5xx(client, form):
    response = client.post("/api/photo/enhance", files={"file": ("p.png", TINY_PNG, "image/png")}, data=form)
    assert_photo_answer(response, form)
    assert client.get("/healthz").status_code == 200


@PHOTO_FUZZ
@given(upload=st.one_of(st.binary(max_size=64), st.binary(max_size=32).map(lambda tail: TINY_PNG[:40] + tail),
                        st.integers(0, len(TINY_PNG)).map(lambda cut: TINY_PNG[:cut])))
def test_any_uploaded_bytes_never_answer_5xx(client, upload):
    response = client.post("/api/photo/enhance", files={"file": ("p.png", upload, "image/png")})
    assert_photo_answer(response, upload)
