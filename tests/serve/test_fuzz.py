"""Property: whatever the generate parameters, the answer is a 200 or a JSON 4xx, never a 5xx."""

from __future__ import annotations

import json

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


@FUZZ
@given(body=plausible_bodies, accept=st.sampled_from(["*/*", "image/png", "application/json"]))
def test_plausible_generate_parameters_never_answer_5xx(client, body, accept):
    assert_not_a_server_error(post(client, body, accept), body)


@FUZZ
@given(body=junk_bodies)
def test_any_json_body_never_answers_5xx(client, body):
    assert_not_a_server_error(post(client, body, "*/*"), body)
