"""A self-contained report.html for a run: sample grids by attribute, loss curves, settings, timings.

Images are embedded as base64 and curves drawn as inline SVG, so the file opens in any browser
with no network and no extra files.
"""

from __future__ import annotations

import base64
import html
import json
from dataclasses import dataclass, field
from pathlib import Path

from productgan.train.run_log import read_metrics

CURVES = (("loss_d", "#c0392b"), ("loss_g", "#2471a3"))


@dataclass
class GridSection:
    """A grid image with one label per row (e.g. the levels of an attribute)."""

    title: str
    png: Path
    row_labels: list[str] = field(default_factory=list)
    caption: str = ""


def _img_tag(png: Path) -> str:
    data = base64.b64encode(Path(png).read_bytes()).decode()
    return f'<img src="data:image/png;base64,{data}" alt="{html.escape(Path(png).name)}">'


def _grid_html(section: GridSection) -> str:
    labels = "".join(f"<div>{html.escape(label)}</div>" for label in section.row_labels)
    label_col = f'<div class="rows">{labels}</div>' if labels else ""
    caption = f"<p>{html.escape(section.caption)}</p>" if section.caption else ""
    return f'<section><h2>{html.escape(section.title)}</h2>{caption}<div class="grid">{label_col}{_img_tag(section.png)}</div></section>'


def loss_curve_svg(metrics: list[dict], width: int = 640, height: int = 220) -> str:
    """Loss curves against kimg as an inline SVG (no plotting library needed)."""
    series = {key: [(m["kimg"], m[key]) for m in metrics if m.get(key) is not None] for key, _ in CURVES}
    points = [p for values in series.values() for p in values]
    if not points:
        return "<p>no metrics logged yet</p>"
    x0, x1 = min(p[0] for p in points), max(p[0] for p in points)
    y0, y1 = min(p[1] for p in points), max(p[1] for p in points)
    x1, y1 = (x1 if x1 > x0 else x0 + 1), (y1 if y1 > y0 else y0 + 1)
    pad = 36

    def scale(x: float, y: float) -> str:
        return f"{pad + (x - x0) / (x1 - x0) * (width - 2 * pad):.1f},{height - pad - (y - y0) / (y1 - y0) * (height - 2 * pad):.1f}"

    lines = []
    for key, colour in CURVES:
        if series[key]:
            path = " ".join(scale(x, y) for x, y in series[key])
            lines.append(f'<polyline fill="none" stroke="{colour}" stroke-width="1.5" points="{path}"/>')
            lines.append(f'<text x="{width - pad - 60}" y="{pad + 14 * len(lines) // 2}" fill="{colour}">{key}</text>')
    axes = (f'<line x1="{pad}" y1="{height - pad}" x2="{width - pad}" y2="{height - pad}" stroke="#888"/>'
            f'<line x1="{pad}" y1="{pad}" x2="{pad}" y2="{height - pad}" stroke="#888"/>'
            f'<text x="{pad}" y="{height - 8}">{x0:.1f} kimg</text>'
            f'<text x="{width - pad - 50}" y="{height - 8}">{x1:.1f} kimg</text>'
            f'<text x="2" y="{pad}">{y1:.2f}</text><text x="2" y="{height - pad}">{y0:.2f}</text>')
    return f'<svg width="{width}" height="{height}" font-size="11" xmlns="http://www.w3.org/2000/svg">{axes}{"".join(lines)}</svg>'


def _table(rows: dict) -> str:
    body = "".join(f"<tr><th>{html.escape(str(k))}</th><td>{html.escape(str(v))}</td></tr>" for k, v in rows.items())
    return f"<table>{body}</table>"


STYLE = """body{font-family:system-ui,sans-serif;margin:2em;max-width:1200px;color:#222}
h1{margin-bottom:0}.grid{display:flex;align-items:flex-start;gap:6px}
.rows{display:flex;flex-direction:column;justify-content:space-around;font-size:12px;text-align:right}
img{image-rendering:pixelated;max-width:100%}table{border-collapse:collapse;font-size:13px}
th,td{border:1px solid #ddd;padding:3px 8px;text-align:left}section{margin:1.5em 0}"""


def write_report(run_dir: str | Path, title: str, grids: list[GridSection], summary: dict,
                 tables: dict[str, dict] | None = None) -> Path:
    """Write run_dir/report.html and return its path."""
    run_dir = Path(run_dir)
    config_path = run_dir / "config.json"
    settings = json.loads(config_path.read_text())["config"] if config_path.exists() else {}
    flat_settings = {k: v for k, v in settings.items() if k != "model"} | {f"model.{k}": v for k, v in settings.get("model", {}).items()}
    extra = "".join(f"<section><h2>{html.escape(name)}</h2>{_table(rows)}</section>" for name, rows in (tables or {}).items())
    body = (f"<h1>{html.escape(title)}</h1>{_table(summary)}{extra}"
            + "".join(_grid_html(g) for g in grids)
            + f"<section><h2>Loss curves</h2>{loss_curve_svg(read_metrics(run_dir))}</section>"
            + f"<section><h2>Settings</h2>{_table(flat_settings)}</section>")
    path = run_dir / "report.html"
    path.write_text(f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
                    f"<style>{STYLE}</style></head><body>{body}</body></html>")
    return path
