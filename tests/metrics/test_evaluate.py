"""The evaluation composer on known cases: a generator that copies the catalog and one that draws noise.

A colour-statistics extractor and a nearest-colour classifier stand in for the trained networks, so
what is tested is the composition (floors, per-level figures, memorisation), not a network.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
import torch

from productgan.data import Catalog
from productgan.metrics.conditional import held_out_mix
from productgan.metrics.evaluate import EvalSettings, Evaluator
from productgan.metrics.extractor import FeatureExtractor

PALETTE = {"Blue": (30, 60, 220), "Green": (40, 180, 60), "Red": (220, 30, 40), "Yellow": (230, 210, 40)}
NAMES = list(PALETTE)
SIZE = 32


def color_catalog(per_color: int = 50, seed: int = 0) -> Catalog:
    """Noisy squares of four colours on white, at random places."""
    rng = np.random.default_rng(seed)
    images, colors = [], []
    for name in NAMES:
        for _ in range(per_color):
            image = np.full((SIZE, SIZE, 3), 250, np.float32)
            y, x = rng.integers(2, 14, 2)
            image[y:y + 16, x:x + 16] = np.array(PALETTE[name]) + rng.normal(0, 12, (16, 16, 3))
            images.append(np.clip(image, 0, 255).astype(np.uint8))
            colors.append(name)
    return Catalog(images=np.stack(images), table={"color": colors},
                   files=[f"test#{i}" for i in range(len(images))], source="test:colours")


class ColorStats(FeatureExtractor):
    name, dim, device = "test:colour-stats", 9, torch.device("cpu")

    def features(self, images, batch_size=64):
        pixels = images.reshape(len(images), -1, 3).astype(np.float32) / 255
        return np.concatenate([pixels.mean(1), pixels.std(1), np.percentile(pixels, 10, axis=1)], 1).astype(np.float32)


class NearestColorClassifier:
    levels = {"color": NAMES}
    holdout_accuracy = {"color": 1.0}

    def predict(self, images):
        pixels = images.reshape(len(images), -1, 3).astype(np.float32)
        product = pixels.min(axis=2) < 200  # not the white background
        means = np.stack([p[m].mean(0) if m.any() else np.full(3, 128.0) for p, m in zip(pixels, product)])
        palette = np.array([PALETTE[n] for n in NAMES], np.float32)
        return {"color": np.linalg.norm(means[:, None] - palette[None], axis=2).argmin(1)}


class StubGenerator:
    """The ProductGenerator surface the evaluator uses; renders catalog copies or noise."""

    names, latent_dim = ["color"], 8

    def __init__(self, catalog: Catalog, mode: str):
        self.catalog, self.mode = catalog, mode
        self.levels = {"color": NAMES}
        self.color_ids = np.array([NAMES.index(c) for c in catalog.table["color"]])

    def labels_for(self, n, wanted, rng):
        ids = torch.randint(len(NAMES), (n, 1), generator=rng)
        if "color" in wanted:
            ids[:] = NAMES.index(wanted["color"])
        return ids

    def render(self, z, labels):
        rng = np.random.default_rng(int(z[0, 0].abs() * 1e6))
        if self.mode == "noise":
            return rng.integers(0, 256, (len(z), SIZE, SIZE, 3), dtype=np.uint8)
        picks = [rng.choice(np.flatnonzero(self.color_ids == int(label))) for label in labels[:, 0]]
        return self.catalog.images[picks]

    def inputs(self, n, seed=0, truncation=None, attributes=None, **keyword_attributes):
        """ProductGenerator's contract: attributes as a mapping (or as keywords, for convenience)."""
        rng = torch.Generator().manual_seed(seed)
        wanted = {**(attributes or {}), **keyword_attributes}
        return torch.randn(n, self.latent_dim, generator=rng), self.labels_for(n, wanted, rng)

    def generate(self, n, seed=0, truncation=None, attributes=None, **keyword_attributes):
        return self.render(*self.inputs(n, seed, truncation, attributes, **keyword_attributes))


@pytest.fixture(scope="module")
def evaluator():
    settings = EvalSettings(n=200, per_level=20, kid_subsets=10, diversity_pairs=20, use_cache=False)
    return Evaluator(color_catalog(), ColorStats(), NearestColorClassifier(), settings)


def test_a_copying_generator_sits_at_the_floor_and_is_flagged_as_memorising(evaluator):
    result = evaluator.evaluate(StubGenerator(evaluator.catalog, "copy"))
    assert result.extractor == "test:colour-stats"
    assert result.sample_size == 100  # half of the 200 real images
    fid = result.figures["fid"]
    assert fid.floor > 0 and fid.value < 3 * fid.floor + 0.05
    assert result.figures["precision"].value > 0.8 and result.figures["recall"].value > 0.8
    assert result.conditional["color"]["accuracy"] == 1.0
    assert result.conditional["color"]["ceiling"] == 1.0
    assert result.memorisation["share_closer_than_real_neighbours"] > 0.9


def test_a_noise_generator_is_far_from_the_floor_and_ignores_the_color(evaluator):
    result = evaluator.evaluate(StubGenerator(evaluator.catalog, "noise"))
    fid = result.figures["fid"]
    assert fid.value > 20 * fid.floor
    assert result.figures["precision"].value < 0.1
    assert result.conditional["color"]["accuracy"] < 0.5
    assert result.memorisation["share_closer_than_real_neighbours"] < 0.1


def test_per_level_figures_cover_every_level_with_their_floors(evaluator):
    copy = evaluator.evaluate(StubGenerator(evaluator.catalog, "copy"))
    noise = evaluator.evaluate(StubGenerator(evaluator.catalog, "noise"))
    assert copy.intra_attribute == "color" and set(copy.intra_fid) == set(NAMES)
    for level in NAMES:
        assert noise.intra_fid[level].value > copy.intra_fid[level].value
        assert copy.intra_fid[level].floor == noise.intra_fid[level].floor  # the floor is real vs real
        # noise images are all different; copies of one colour's squares look alike
        assert noise.diversity[level]["generated"] < copy.diversity[level]["generated"]
    assert set(copy.to_dict()) >= {"figures", "conditional", "intra_fid", "diversity", "memorisation"}


def test_real_features_are_computed_once_per_evaluator(evaluator, monkeypatch):
    calls = []
    original = ColorStats.features
    monkeypatch.setattr(ColorStats, "features", lambda self, images, batch_size=64: calls.append(len(images)) or original(self, images))
    evaluator.evaluate(StubGenerator(evaluator.catalog, "copy"))
    settings = evaluator.settings
    assert calls == [settings.n] + [settings.per_level] * len(NAMES)  # generated images only, never the catalog


def test_memorisation_sheet_is_written_when_asked(evaluator, tmp_path):
    from PIL import Image

    sheet = tmp_path / "nearest.png"
    evaluator.evaluate(StubGenerator(evaluator.catalog, "copy"), sheet_path=sheet)
    width, height = Image.open(sheet).size
    assert width > 2 * SIZE and height > 2 * SIZE


class MisdrawingGenerator(StubGenerator):
    """Copies the catalog, but draws each colour in `wrong` as the colour it maps to."""

    def __init__(self, catalog: Catalog, wrong: dict[str, str]):
        super().__init__(catalog, "copy")
        self.wrong = {NAMES.index(k): NAMES.index(v) for k, v in wrong.items()}

    def render(self, z, labels):
        drawn = labels.clone()
        for asked, shown in self.wrong.items():
            drawn[labels == asked] = shown
        return super().render(z, drawn)


class HeldOutClassifier(NearestColorClassifier):
    """Its holdout held 30 blue, 10 green, 10 red and no yellow image (the level had too few photos)."""

    holdout = SimpleNamespace(by_level={"color": {"Blue": [30, 1.0], "Green": [10, 0.9], "Red": [10, 1.0]}})


def test_the_ceiling_is_met_by_the_held_out_mix_where_levels_alike_would_count_an_unreadable_level():
    settings = EvalSettings(n=100, per_level=20, kid_subsets=5, diversity_pairs=10, use_cache=False)
    evaluator = Evaluator(color_catalog(per_color=25), ColorStats(), HeldOutClassifier(), settings)
    result = evaluator.evaluate(MisdrawingGenerator(evaluator.catalog, {"Green": "Red", "Yellow": "Blue"}))
    scores = result.conditional["color"]
    assert scores["accuracy"] == 0.5  # Blue and Red right, Green and Yellow wrong: two of four levels
    assert scores["held_out_mix"] == pytest.approx(40 / 50)  # Yellow, never held out, has no weight
    assert scores["ceiling_per_level"] == {"Blue": 1.0, "Green": 0.9, "Red": 1.0}
    plain = Evaluator(evaluator.catalog, ColorStats(), NearestColorClassifier(), settings)
    assert plain.evaluate(StubGenerator(plain.catalog, "copy")).conditional["color"]["held_out_mix"] is None


def test_held_out_mix_weights_levels_by_their_held_out_images():
    ceilings = {"a": [3, 0.9], "b": [1, 0.5], "c": [0, 0.0]}
    assert held_out_mix({"a": 1.0, "b": 0.0, "c": 0.0, "d": 0.0}, ceilings) == pytest.approx(0.75)
    assert held_out_mix({"d": 1.0}, ceilings) is None


def test_images_made_elsewhere_get_the_same_set_figures_as_the_generator_that_made_them(evaluator):
    generator = StubGenerator(evaluator.catalog, "copy")
    from_generator = evaluator.evaluate(generator)
    settings = evaluator.settings
    from_images = evaluator.score_images(generator.generate(settings.n, seed=settings.seed))
    assert from_images.figures == from_generator.figures and from_images.memorisation == from_generator.memorisation
    assert not from_images.conditional  # per-level figures need a generator to ask for levels
