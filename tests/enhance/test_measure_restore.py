"""productgan.enhance.measure: bench/edit_enhance.py's restoration-by-damage table, one damage at a time, each method scored."""

from __future__ import annotations

import numpy as np

from productgan.enhance.measure import bench_restore_by_damage, one_damage


def studio(seed: int) -> np.ndarray:
    image = np.full((64, 64, 3), 245, np.uint8)
    image[12:52, 16:48] = np.random.default_rng(seed).integers(40, 200, 3)
    return image


def test_one_damage_switches_on_exactly_one_kind():
    settings = one_damage("hole")
    assert settings.hole_probability == 1.0
    assert settings.jpeg_probability == settings.noise_probability == settings.low_light_probability == 0.0
    assert one_damage("none").hole_probability == 0.0


def test_rows_per_damage_and_inpainting_repairs_holes():
    rows = {row["damage"]: row for row in bench_restore_by_damage([studio(0), studio(1)], None)}
    assert list(rows) == ["none", "jpeg", "noise", "low_light", "blemish", "hole"]
    assert rows["none"]["damaged input"] == 60.0  # untouched: the cap, not infinity
    assert rows["hole"]["OpenCV inpaint (mask)"] > rows["hole"]["damaged input"] + 5
    assert rows["low_light"]["classical"] > rows["low_light"]["damaged input"]
