"""The report reads as a person needs: labelled grids, explained figures, curves with axes, warnings."""

from __future__ import annotations

import numpy as np

from productgan.grid import labelled_grid
from productgan.imaging import make_grid, write_png
from productgan.report import GridSection, ReportTable, loss_curve_svg, nice_ticks, write_report


def test_labelled_grid_draws_each_row_label_beside_its_own_row():
    grid = make_grid(np.zeros((6, 8, 8, 3), np.uint8), ncols=2)  # 3 rows of black squares
    image = labelled_grid(grid, ["alpha", "b", "c"], scale=2)
    added = image.shape[1] - grid.shape[1] * 2
    assert added > 10 and image.shape[0] == grid.shape[0] * 2
    margin = image[:, :added].min(axis=2) < 128  # dark text pixels in the label margin
    rows_with_text = np.flatnonzero(margin.any(axis=1))
    thirds = np.array_split(np.arange(image.shape[0]), 3)
    assert all(np.isin(third, rows_with_text).any() for third in thirds)  # a label in every row's band
    assert np.array_equal(image[:, added:], np.asarray(grid).repeat(2, 0).repeat(2, 1))  # the grid is untouched


def test_labelled_grid_adds_column_labels_above():
    grid = make_grid(np.zeros((2, 8, 8, 3), np.uint8), ncols=2)
    image = labelled_grid(grid, [], ["red", "blue"], scale=3)
    assert image.shape[0] > grid.shape[0] * 3 and image.shape[1] == grid.shape[1] * 3
    assert (image[: image.shape[0] - grid.shape[0] * 3].min(axis=2) < 128).any()


def test_nice_ticks_are_round_and_cover_the_range():
    assert nice_ticks(0.0, 48.0) == [0.0, 10.0, 20.0, 30.0, 40.0]
    assert nice_ticks(0.83, 1.92) == [1.0, 1.2, 1.4, 1.6, 1.8]
    ticks = nice_ticks(0.3, 2.7)
    assert ticks[0] >= 0.3 and ticks[-1] <= 2.7 and len(ticks) >= 3


def test_loss_curves_have_labelled_axes_and_tick_values():
    metrics = [{"kimg": k, "loss_d": 1.0 + 0.1 * k, "loss_g": 2.0 - 0.1 * k} for k in range(0, 11)]
    svg = loss_curve_svg(metrics)
    assert "thousands of real images shown" in svg and ">loss<" in svg
    assert ">0<" in svg and ">10<" in svg  # x ticks
    assert svg.count("<polyline") == 2


def test_report_shows_warnings_first_and_explains_each_table(tmp_path):
    png = write_png(np.zeros((4, 4, 3), np.uint8), tmp_path / "g.png")
    path = write_report(tmp_path, "demo", [GridSection("By colour", png, "how to read it")], {"training": "1 kimg"},
                        [ReportTable("Quality", {"fid": "3 (floor 1)"}, "lower is better")], ["too short"])
    html = path.read_text()
    assert html.index("too short") < html.index("Quality") < html.index("By colour")
    assert "lower is better" in html and "how to read it" in html and 'class="warning"' in html
