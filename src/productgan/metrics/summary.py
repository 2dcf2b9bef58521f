"""How evaluation results read to a person: one rich table, each figure beside its floor."""

from __future__ import annotations

import math

from rich.table import Table

from productgan.metrics.evaluate import EvalResult, Figure

BETTER = {"fid": "lower", "fid_all": "lower", "kid": "lower", "precision": "higher", "recall": "higher",
          "density": "higher", "coverage": "higher"}


def format_value(value: float | None, digits: int = 3) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    return f"{value:.{digits}g}" if abs(value) >= 1e-3 or value == 0 else f"{value:.2e}"


def _with_std(value: float | None, std: float | None) -> str:
    return format_value(value) + (f" ± {format_value(std, 2)}" if std is not None else "")


def figures_table(result: EvalResult, title: str = "") -> Table:
    """Set-level metrics: generated vs real, and real vs real at the same sample size."""
    table = Table(title=title or f"features: {result.extractor}; {result.sample_size} images per side",
                  title_justify="left")
    for column in ("metric", "generated vs real", "floor (real vs real)", "better"):
        table.add_column(column)
    for name, figure in result.figures.items():
        table.add_row(name, _with_std(figure.value, figure.std), _with_std(figure.floor, figure.floor_std),
                      BETTER.get(name, "higher" if name.startswith("inception_score") else ""))
    return table


def conditional_table(result: EvalResult) -> Table:
    """Per attribute: accuracy of a real-trained classifier on generated images, and its ceiling.

    Two generated figures: every level alike (rare levels count as much as common ones), and with the
    levels weighted as the classifier's holdout weights them, which is the one the ceiling compares
    with (metrics.conditional.held_out_mix)."""
    table = Table(title="conditional accuracy (classifier trained on real images)", title_justify="left")
    for column in ("attribute", "generated, every level alike", "generated, held-out mix", "ceiling (held-out real)",
                   "worst levels (generated / ceiling)"):
        table.add_column(column)
    for attribute, scores in result.conditional.items():
        ceilings = scores.get("ceiling_per_level", {})
        worst = sorted(scores["per_level"].items(), key=lambda item: item[1])[:3]
        table.add_row(attribute, format_value(scores["accuracy"]), format_value(scores.get("held_out_mix")),
                      format_value(scores["ceiling"]),
                      ", ".join(f"{level} {value:.2f} / {_ceiling(ceilings, level)}" for level, value in worst))
    return table


def _ceiling(ceilings: dict[str, float], level: str) -> str:
    return f"{ceilings[level]:.2f}" if level in ceilings else "none held out"


def level_table(result: EvalResult) -> Table:
    """Per level of the intra-class attribute: FID with its floor, and MS-SSIM diversity."""
    table = Table(title=f"per {result.intra_attribute}: intra-class FID and diversity (mean pairwise MS-SSIM, "
                        "lower = more diverse)", title_justify="left")
    for column in ("level", "FID", "FID floor", "MS-SSIM generated", "MS-SSIM real"):
        table.add_column(column)
    for level, figure in result.intra_fid.items():
        diversity = result.diversity.get(level, {})
        table.add_row(level, format_value(figure.value), format_value(figure.floor),
                      format_value(diversity.get("generated")), format_value(diversity.get("real")))
    return table


def headline_text(figure: Figure) -> str:
    """'12.3 (floor 4.5)' for reports."""
    return f"{format_value(figure.value)} (floor {format_value(figure.floor)})"
