"""productgan.edit.measure_generated: the rows bench/edit_enhance.py --generator prints, on the tiny colour/backdrop model."""

from __future__ import annotations

import importlib.util
import math
from pathlib import Path

import pytest
from PIL import Image

from productgan.edit.measure_generated import Setup, bench_generated
from productgan.metrics.domain import ceiling_by_level


def edit_mix_script():
    path = Path(__file__).resolve().parents[2] / "bench" / "edit_mix.py"
    spec = importlib.util.spec_from_file_location("edit_mix", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_generated_edit_bench_rows(tmp_path, trained_edit_model):
    model = trained_edit_model
    setup = Setup(model.generator, model.classifier, model.catalog, min_count=1)
    results, headings = bench_generated(setup, photos=2, products=4, steps=20, out=tmp_path, skip=[])
    assert set(results) == set(headings) == {"variants", "variant_levels", "inversion", "learned_recolor"}

    assert [row["attribute"] for row in results["variants"]] == ["color", "backdrop"]
    assert {(row["attribute"], row["level"]) for row in results["variant_levels"]} == {
        ("color", "red"), ("color", "blue"), ("color", "green"), ("backdrop", "white"), ("backdrop", "grey")}
    for row in results["variants"] + results["variant_levels"]:
        assert 0.0 <= row["edit_success"] <= 1.0
    assert min(row["edit_success"] for row in results["variants"]) >= 0.75  # this model obeys both attributes
    ceilings = ceiling_by_level(model.classifier, model.catalog)
    for row in results["variants"]:  # the levels' edit success weighted by their held-out photos
        held = ceilings[row["attribute"]]
        levels = [r for r in results["variant_levels"] if r["attribute"] == row["attribute"] and r["level"] in held]
        weighted = sum(held[r["level"]][0] * r["edit_success"] for r in levels) / sum(held[r["level"]][0] for r in levels)
        assert row["edit_success_held_out_mix"] == pytest.approx(weighted)
    rescored = edit_mix_script().mixes(results, ceilings)  # bench/edit_mix.py, on results the bench wrote
    assert rescored == {row["attribute"]: (row["edit_success"], pytest.approx(row["edit_success_held_out_mix"]))
                        for row in results["variants"]}

    inversion, = results["inversion"]
    assert inversion["photos"] == 2 and math.isfinite(inversion["psnr"]) and 0.0 < inversion["ssim"] <= 1.0
    assert inversion["final_error"] < inversion["start_error"]

    rows = results["learned_recolor"]
    assert [row["target"] for row in rows] == ["red", "red", "green", "green", "blue", "blue"]  # bench order
    assert "yellow, black, white" in headings["learned_recolor"]  # the targets this model has no level for
    classical = [row for row in rows if row["method"] == "classical (Lab)"]
    learned = [row for row in rows if row["method"].startswith("learned (color=")]
    assert len(classical) == len(learned) == 3
    for row, redrawn in zip(classical, learned):
        assert max(row["delta_e_after"], row["delta_e_after_photo_region"]) < row["delta_e_before"]
        # The classical edit leaves the rest as it was, but for the antialiased edge just outside the region
        # that it grows into (edit/recolor.py: no halo), a visible share of a 32 px image: far more intact
        # than a redraw, which moves everything.
        assert row["ssim_outside"] > 0.9 and row["ssim_outside"] > redrawn["ssim_outside"] + 0.05
    for row in learned:
        assert all(math.isfinite(row[key]) for key in row if key not in ("target", "method"))
        assert -1.0 <= row["ssim_outside"] <= 1.0 and -1.0 <= row["ssim_outside_vs_reconstruction"] <= 1.0
    assert sum(row["delta_e_after"] for row in learned) < sum(row["delta_e_before"] for row in learned)

    side = model.catalog.images.shape[1] * 4  # 16 px tiles drawn at x4
    width, height = Image.open(tmp_path / "learned-recolour-sheet.png").size
    assert width > 8 * side and 2 * side < height < 3 * side  # 2 photos: photo, reconstruction, 3 + 3 edits
