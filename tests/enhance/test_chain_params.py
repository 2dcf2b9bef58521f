"""The classical chain's declared knobs: the hostile-input campaign's chains are refused by name,
before any pixel is touched, by the library, the CLI and the HTTP endpoint alike."""

from __future__ import annotations

import inspect
import io
import math
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

from productgan.enhance.classic import DEFAULT_CHAIN, MAX_STEPS, SPECS, ChainError, ClassicChain, Step
from productgan.errors import ProductGANError

# (chain, the parameter text the message must quote, the range it must state)
CAMPAIGN = [
    ("clahe:tiles=0", "tiles=0", "an integer in [1, 64]"),  # OpenCV divides by it: SIGFPE
    ("clahe:tiles=0.5", "tiles=0.5", "an integer in [1, 64]"),  # int() made it 0
    ("clahe:tiles=-3", "tiles=-3", "an integer in [1, 64]"),
    ("clahe:tiles=2000", "tiles=2000", "an integer in [1, 64]"),  # a histogram per tile: +1 GB
    ("clahe:tiles=1e400", "tiles=1e400", "an integer in [1, 64]"),
    ("clahe:clip=0", "clip=0", "(0, 100]"),
    ("clahe:clip=inf", "clip=inf", "(0, 100]"),
    ("contrast_stretch:low=200", "low=200", "[0, 100]"),
    ("contrast_stretch:high=-1", "high=-1", "[0, 100]"),
    ("white_balance:percentile=nan", "percentile=nan", "(0, 100]"),
    ("white_balance:percentile=0", "percentile=0", "(0, 100]"),
    ("white_balance:strength=-inf", "strength=-inf", "[0, 2]"),
    ("unsharp:radius=0", "radius=0", "(0, 20]"),
    ("unsharp:radius=1e6", "radius=1e6", "(0, 20]"),  # a blur kernel of millions of pixels
    ("unsharp:amount=NaN", "amount=NaN", "[0, 5]"),
    ("denoise:strength=-1", "strength=-1", "[0, 50]"),
    ("denoise:color_strength=1e30", "color_strength=1e30", "[0, 50]"),
    ("whiten:threshold=nan", "threshold=nan", "[0, 400]"),
]


@pytest.mark.parametrize("text, quoted, allowed", CAMPAIGN)
def test_campaign_chains_are_refused_naming_step_parameter_value_and_range(text, quoted, allowed):
    with pytest.raises(ChainError) as caught:
        ClassicChain.parse(text)
    message = str(caught.value)
    assert message.startswith(f"step {text.split(':')[0]}: {quoted} ")
    assert allowed in message and "\n" not in message


@pytest.mark.parametrize("text, message", [
    ("contrast_stretch:low=60;high=40", "low=60 must be below high=40"),
    ("contrast_stretch:low=99.7", "low=99.7 must be below high=99.5"),  # against the default high
    ("clahe:tiles=2;tiles=3", "parameter 'tiles' is given twice"),
    ("clahe:tiles", "not key=number"),
    ("clahe:=3", "not key=number"),
    ("equalize:strength=1", "unknown parameter 'strength'; it takes none"),
    ("unsharp:sigma=2", "unknown parameter 'sigma'; it takes radius, amount"),
    ("\x1b[31mred:x=1", r"unknown enhancement step '\x1b[31mred'"),  # shown escaped, never run by a terminal
    (",".join(["equalize"] * (MAX_STEPS + 1)), f"at most {MAX_STEPS} steps"),
])
def test_malformed_chains_say_what_is_wrong(text, message):
    with pytest.raises(ChainError) as caught:
        ClassicChain.parse(text)
    assert message in str(caught.value)


def test_a_chain_error_is_a_user_error_and_a_value_error():
    assert issubclass(ChainError, ProductGANError) and issubclass(ChainError, ValueError)


def test_integral_numbers_are_accepted_for_integer_knobs_and_stored_as_int():
    chain = ClassicChain.parse("clahe:tiles=4.0;clip=3, unsharp : radius = 2 ")
    assert chain.steps[0].params == {"tiles": 4, "clip": 3.0} and isinstance(chain.steps[0].params["tiles"], int)
    assert chain.describe() == "clahe:tiles=4;clip=3,unsharp:radius=2"


def test_the_old_spelling_of_a_knob_still_sets_it():
    old = ClassicChain.parse("denoise:colour_strength=9")  # old spelling kept: accepted for one release
    assert old.steps[0].params == {"color_strength": 9.0} and old.describe() == "denoise:color_strength=9"
    with pytest.raises(ChainError, match="'color_strength' is given twice"):
        ClassicChain.parse("denoise:color_strength=1;colour_strength=2")  # old spelling kept
    with pytest.raises(ChainError, match="color_strength=60 is not allowed"):
        Step("denoise", {"colour_strength": 60})  # old spelling kept


def test_a_step_made_directly_is_checked_too():
    """The check lives in Step itself, so no caller (a bench, a server) can bypass the parser."""
    with pytest.raises(ChainError, match="tiles=0 is not allowed"):
        Step("clahe", {"tiles": 0})
    with pytest.raises(ChainError, match="must be a number"):
        Step("unsharp", {"radius": True})
    with pytest.raises(ChainError, match="unknown enhancement step"):
        Step("sharpen")


@pytest.mark.parametrize("name", sorted(SPECS))
def test_declared_knobs_are_exactly_the_functions_keywords_with_their_defaults(name):
    spec = SPECS[name]
    signature = inspect.signature(spec.function)
    keywords = {key: p.default for key, p in list(signature.parameters.items())[1:]}
    assert keywords == {param.name: param.default for param in spec.params}
    for param in spec.params:
        assert param.kind in (int, float)
        if param.default is not None:  # None: the step chooses per photo when the knob is not given
            assert isinstance(param.check(name, param.default), param.kind)  # a default is within its range


def boundary_values(param) -> list[float]:
    """The extreme values a chain may ask for: the smallest allowed and the largest."""
    low = param.low + (1 if param.kind is int else 1e-6) if param.low_open else param.low
    return [low, param.high]


@pytest.mark.parametrize("name, key, value", [(name, param.name, value) for name, spec in sorted(SPECS.items())
                                              for param in spec.params for value in boundary_values(param)
                                              if name != "contrast_stretch"])  # low < high: tested below
@pytest.mark.parametrize("shape", [(1, 1, 3), (7, 5, 3), (40, 33, 3)])
def test_every_step_runs_at_the_edges_of_its_ranges(name, key, value, shape):
    """The ranges are safe, not just declared: at both ends each step returns an image like its input,
    even when CLAHE's 64 tiles are more than the image has pixels."""
    image = np.random.default_rng(0).integers(0, 256, shape, dtype=np.uint8)
    out = ClassicChain([Step(name, {key: value})])(image)
    assert out.shape == image.shape and out.dtype == np.uint8


@pytest.mark.parametrize("low, high", [(0, 1e-9), (0, 100), (99.999, 100)])
def test_contrast_stretch_runs_at_its_extremes(low, high):
    image = np.random.default_rng(1).integers(0, 256, (9, 9, 3), dtype=np.uint8)
    out = ClassicChain([Step("contrast_stretch", {"low": low, "high": high})])(image)
    assert out.shape == image.shape and out.dtype == np.uint8


def test_cost_per_pixel_adds_the_steps_and_follows_what_is_dear():
    costs = {name: ClassicChain.parse(name).cost_per_pixel() for name in SPECS}
    assert all(cost > 0 and math.isfinite(cost) for cost in costs.values())
    assert costs["white_balance"] == pytest.approx(1.0)  # the unit
    assert max(costs, key=costs.get) == "denoise"
    default = ClassicChain.parse(DEFAULT_CHAIN)
    assert default.cost_per_pixel() == pytest.approx(sum(costs[s.name] for s in default.steps))
    twice = ClassicChain.parse("denoise,denoise")
    assert twice.cost_per_pixel() == pytest.approx(2 * costs["denoise"])
    wide = ClassicChain.parse("unsharp:radius=20").cost_per_pixel()
    assert wide > 3 * ClassicChain.parse("unsharp:radius=1").cost_per_pixel()


def test_the_dearest_chain_has_a_bounded_cost():
    """Every knob is bounded and a chain has at most MAX_STEPS steps, so the per-pixel cost is too."""
    dearest = max(spec.cost({p.name: p.high for p in spec.params}) for spec in SPECS.values())
    chain = ClassicChain.parse(",".join(["denoise:strength=50"] * MAX_STEPS))
    assert chain.cost_per_pixel() <= MAX_STEPS * dearest < 400


@pytest.mark.slow
def test_cli_refuses_clahe_tiles_zero_with_exit_2_not_a_signal(tmp_path):
    """The campaign's `enhance apply photo.png --chain clahe:tiles=0` died of SIGFPE (exit 136)."""
    photo = tmp_path / "photo.png"
    Image.fromarray(np.full((24, 24, 3), 200, np.uint8)).save(photo)
    result = subprocess.run([sys.executable, "-m", "productgan.cli", "enhance", "apply", str(photo),
                             "--chain", "clahe:tiles=0", "--out", str(tmp_path / "x")],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 2, (result.returncode, result.stderr)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and "tiles=0 is not allowed" in lines[0] and "[1, 64]" in lines[0]
    assert not (tmp_path / "x").exists()


def png(shape=(16, 16, 3)) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(np.full(shape, 200, np.uint8)).save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture(scope="module")
def photo_client():
    """A server with no GAN model: /api/photo/enhance needs none."""
    from fastapi.testclient import TestClient

    from productgan.serve import ModelRegistry, create_app

    app = create_app(ModelRegistry([]))
    with TestClient(app, base_url="http://localhost", raise_server_exceptions=False) as client:  # its own Host
        yield client


@pytest.mark.parametrize("text, quoted, allowed", CAMPAIGN)
def test_http_answers_campaign_chains_with_a_400_and_stays_up(photo_client, text, quoted, allowed):
    response = photo_client.post("/api/photo/enhance", files={"file": ("p.png", png(), "image/png")},
                                 data={"chain": text})
    assert response.status_code == 400, response.text
    assert quoted in response.json()["error"] and allowed in response.json()["error"]
    good = photo_client.post("/api/photo/enhance", files={"file": ("p.png", png(), "image/png")},
                             data={"chain": "clahe:tiles=4"})
    assert good.status_code == 200 and good.headers["content-type"] == "image/png"
