"""The server draws through ProductGenerator: its variants are every_level's rows, and an unknown
attribute reads the same from the library, the clips and every endpoint."""

from __future__ import annotations

import base64
import io

import numpy as np
import pytest
from PIL import Image

from productgan.edit.clips import morph_clip, turntable_frames
from productgan.edit.variants import variant_sheet, variants
from productgan.errors import AttributeLevelError
from productgan.generate import ProductGenerator

UNKNOWN = "unknown attribute 'material'; this model is conditioned on: color, size"


def decode(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB"))


def test_variants_endpoint_renders_every_levels_rows(client, registry, monkeypatch):
    calls = []
    every_level = ProductGenerator.every_level

    def spy(self, labels, attribute, held=()):
        calls.append((attribute, list(held)))
        return every_level(self, labels, attribute, held)

    monkeypatch.setattr(ProductGenerator, "every_level", spy)
    answer = client.post("/api/variants", json={"model": "shop", "attribute": "size", "seed": 5,
                                                "attributes": {"color": "RED"}}).json()
    assert calls == [("size", ["color"])]  # the colour asked for is held whatever a size ties
    expected, levels = registry.get("shop").generator.level_images("size", per_level=1, seed=5, fixed={"color": "red"})
    assert answer["levels"] == levels == ["large", "small"] and answer["attributes"] == {"color": "red"}
    served = np.stack([decode(base64.b64decode(image)) for image in answer["images"]])
    assert np.array_equal(served, expected[:, 0])


TURNTABLE = UNKNOWN + (" (a turntable needs a 'material' attribute: train with --condition including a view "
                       "column, or make a morph clip instead)")


def test_an_unknown_attribute_is_one_message_from_the_generator_the_edits_and_the_clips(registry):
    generator = registry.get("shop").generator
    labels = generator.inputs(2, seed=0)[1]
    calls = [lambda: generator.generate(1, material="wool"), lambda: generator.inputs(1, attributes={"material": "x"}),
             lambda: generator.attribute_index("material"), lambda: generator.every_level(labels, "material"),
             lambda: generator.level_grid("material"), lambda: variants(generator, "material"),
             lambda: variant_sheet(generator, "material", "color"),
             lambda: morph_clip(generator, 0, 1, 3, {"material": "wool"})]
    for call in calls:
        with pytest.raises(AttributeLevelError) as caught:
            call()
        assert str(caught.value) == UNKNOWN
    with pytest.raises(AttributeLevelError) as caught:
        turntable_frames(generator, 4, attribute="material")
    assert str(caught.value) == TURNTABLE  # the same words, then why a turntable needs it


@pytest.mark.parametrize("path, body, expected", [
    ("/api/generate", {"attributes": {"material": "wool"}}, UNKNOWN),
    ("/api/variants", {"attribute": "material"}, UNKNOWN),
    ("/api/variants", {"attribute": "color", "attributes": {"material": "wool"}}, UNKNOWN),
    ("/api/morph", {"seed_a": 0, "seed_b": 1, "attributes_b": {"material": "wool"}}, UNKNOWN),
    ("/api/turntable", {"attribute": "material"}, TURNTABLE),
])
def test_the_server_answers_an_unknown_attribute_with_the_same_message(client, path, body, expected):
    response = client.post(path, json={"model": "shop", **body})
    assert response.status_code == 422 and response.json()["error"] == expected
