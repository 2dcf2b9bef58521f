"""Property: any chain string either parses, and then the chain turns a small uint8 photo into one of
the same shape, or it is a ChainError; never another exception, never a crash. Over HTTP the same
strings are a 200 or a JSON 4xx."""

from __future__ import annotations

import io

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from productgan.enhance.classic import SPECS, ChainError, ClassicChain

FUZZ = settings(max_examples=150, deadline=None, database=None,  # no example database in the repo
                suppress_health_check=[HealthCheck.too_slow])

# Numbers written as a careless or hostile client writes them, around every declared limit.
special_numbers = st.sampled_from(["0", "-0", "0.5", "1", "-3", "1e-300", "1e300", "1e400", "nan", "NaN", "inf",
                                   "-inf", "Infinity", "1_0", "0x10", "", " ", "1e", "--1", "2000", "64", "65"])


def near(limit: float) -> st.SearchStrategy[str]:
    return st.sampled_from([-1e-9, 0.0, 1e-9, 0.5, 1.0, -1.0]).map(lambda offset: f"{limit + offset:g}")


def inside(param) -> st.SearchStrategy[str]:
    values = (st.integers(int(param.low) + param.low_open, int(param.high)) if param.kind is int
              else st.floats(param.low, param.high, exclude_min=param.low_open))
    return values.map(repr)


def values_for(param) -> st.SearchStrategy[str]:
    """Often inside the declared range, else around and beyond its ends, or not a number at all."""
    return st.one_of(inside(param), inside(param), near(param.low), near(param.high), special_numbers,
                     st.floats(allow_nan=True, allow_infinity=True).map(repr))


@st.composite
def plausible_step(draw) -> str:
    name = draw(st.sampled_from([*SPECS, *SPECS, "sharpen", "", "CLAHE"]))
    params = {param.name: param for param in SPECS[name].params} if name in SPECS else {}
    keys = draw(st.lists(st.sampled_from([*params, *params, "radius", "x", ""]), max_size=3))
    pairs = [f"{key}={draw(values_for(params[key]) if key in params else special_numbers)}" for key in keys]
    return name + (":" + ";".join(pairs) if pairs or draw(st.booleans()) else "")


@st.composite
def allowed_step(draw) -> str:
    """Any step with any subset of its knobs at any value its declaration allows."""
    name = draw(st.sampled_from(sorted(SPECS)))
    chosen = draw(st.lists(st.sampled_from(SPECS[name].params), unique=True)) if SPECS[name].params else []
    pairs = [f"{param.name}={draw(inside(param))}" for param in chosen]
    return name + (":" + ";".join(pairs) if pairs else "")


plausible_chains = st.lists(plausible_step(), min_size=0, max_size=4).map(",".join)
allowed_chains = st.lists(allowed_step(), min_size=1, max_size=3).map(",".join)
chain_alphabet = "clahetiswnpdurobvqgkmx_:;=,.-+0123456789 \t\x00\x1b\u202e"
any_chains = st.one_of(st.text(max_size=40), st.text(alphabet=chain_alphabet, max_size=60))
photos = st.tuples(st.integers(1, 12), st.integers(1, 12), st.integers(0, 2**32 - 1))


def parse_or_refuse(text: str) -> ClassicChain | None:
    try:
        return ClassicChain.parse(text)
    except ChainError as error:
        assert str(error) and "\n" not in str(error)
        return None


def check_runs(chain: ClassicChain | None, photo: tuple[int, int, int]) -> None:
    if chain is None:
        return
    height, width, seed = photo
    image = np.random.default_rng(seed).integers(0, 256, (height, width, 3), dtype=np.uint8)
    out = chain(image)
    assert out.shape == image.shape and out.dtype == np.uint8


@pytest.mark.slow
@FUZZ
@given(text=plausible_chains, photo=photos)
def test_plausible_chains_parse_and_run_or_are_a_chain_error(text, photo):
    check_runs(parse_or_refuse(text), photo)


@pytest.mark.slow
@FUZZ
@given(text=allowed_chains, photo=photos)
def test_every_allowed_value_runs(text, photo):
    """The declared ranges are safe: a chain refused only for low >= high, never crashing when run."""
    chain = parse_or_refuse(text)
    assert chain is not None or "must be below high" in _refusal(text), text
    check_runs(chain, photo)


def _refusal(text: str) -> str:
    try:
        ClassicChain.parse(text)
    except ChainError as error:
        return str(error)
    return ""


@pytest.mark.slow
@FUZZ
@given(text=any_chains, photo=photos)
def test_any_text_parses_and_runs_or_is_a_chain_error(text, photo):
    check_runs(parse_or_refuse(text), photo)


@pytest.fixture(scope="module")
def photo_client():
    """A server with no GAN model: /api/photo/enhance needs none."""
    from fastapi.testclient import TestClient

    from productgan.serve import ModelRegistry, create_app

    app = create_app(ModelRegistry([]))
    with TestClient(app, base_url="http://localhost", raise_server_exceptions=False) as client:  # its own Host
        yield client


def small_png() -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(np.random.default_rng(0).integers(0, 256, (10, 14, 3), dtype=np.uint8)).save(buffer, format="PNG")
    return buffer.getvalue()


@settings(max_examples=80, deadline=None, database=None)
@given(chain=st.one_of(plausible_chains, any_chains),
       task=st.one_of(st.sampled_from(["classic", "sr2", "restore", "", "CLASSIC"]), st.text(max_size=8)))
def test_photo_enhance_form_fields_never_answer_5xx(photo_client, chain, task):
    response = photo_client.post("/api/photo/enhance", files={"file": ("p.png", small_png(), "image/png")},
                                 data={"chain": chain, "task": task})
    assert response.status_code < 500, (chain, task, response.text)
    if task == "classic" and (not chain or parse_or_refuse(chain) is not None):  # "" is the default chain
        assert response.status_code == 200, (chain, response.text)
    if response.status_code >= 400:
        assert isinstance(response.json()["error"], str) and response.json()["error"]
    else:
        assert response.headers["content-type"] == "image/png"
    assert photo_client.get("/healthz").status_code == 200
