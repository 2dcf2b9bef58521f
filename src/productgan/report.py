"""A self-contained report.html for a run: what training it got, figures explained, grids, curves.

Images are embedded as base64 and curves drawn as inline SVG, so the file opens in any browser
with no network and no extra files. Grids carry their row labels inside the picture
(productgan.grid.labelled_grid), so they still read correctly when copied out of the page.
"""

from __future__ import annotations

import base64
import html
import json
import math
from dataclasses import dataclass
from pathlib import Path

from productgan.loop_kit.run_log import read_metrics

CURVES = (("loss_d", "#c0392b"), ("loss_g", "#2471a3"))


@dataclass
class GridSection:
    """A picture with a title and a sentence on how to read it."""

    title: str
    png: Path
    caption: str = ""


@dataclass
class ReportTable:
    """Rows of (name, value), with a note saying what the figures mean and which way is better."""

    title: str
    rows: dict
    note: str = ""


def _img_tag(png: Path) -> str:
    data = base64.b64encode(Path(png).read_bytes()).decode()
    return f'<img src="data:image/png;base64,{data}" alt="{html.escape(Path(png).name)}">'


def _grid_html(section: GridSection) -> str:
    caption = f"<p>{html.escape(section.caption)}</p>" if section.caption else ""
    return f"<section><h2>{html.escape(section.title)}</h2>{caption}{_img_tag(section.png)}</section>"


def nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    """About `count` round tick values (1, 2 or 5 times a power of ten apart) covering [low, high]."""
    if not (math.isfinite(low) and math.isfinite(high)) or high <= low:
        return [low]
    raw = (high - low) / max(count - 1, 1)
    power = 10 ** math.floor(math.log10(raw))
    step = min((m * power for m in (1, 2, 5, 10)), key=lambda s: abs((high - low) / s - (count - 1)))
    first = math.ceil(low / step - 1e-9) * step
    return [round(first + i * step, 12) for i in range(int((high - first) / step + 1e-9) + 1)]


def loss_curve_svg(metrics: list[dict], width: int = 680, height: int = 260) -> str:
    """Losses against kimg as an inline SVG with labelled axes, ticks and a legend."""
    series = {key: [(m["kimg"], m[key]) for m in metrics if m.get(key) is not None] for key, _ in CURVES}
    points = [p for values in series.values() for p in values]
    if not points:
        return "<p>no metrics logged yet</p>"
    x0, x1 = min(p[0] for p in points), max(p[0] for p in points)
    y0, y1 = min(p[1] for p in points), max(p[1] for p in points)
    x1, y1 = (x1 if x1 > x0 else x0 + 1), (y1 if y1 > y0 else y0 + 1)
    left, right, top, bottom = 52, 16, 12, 44

    def px(x: float) -> float:
        return left + (x - x0) / (x1 - x0) * (width - left - right)

    def py(y: float) -> float:
        return height - bottom - (y - y0) / (y1 - y0) * (height - top - bottom)

    parts = [f'<line x1="{left}" y1="{height - bottom}" x2="{width - right}" y2="{height - bottom}" stroke="#888"/>',
             f'<line x1="{left}" y1="{top}" x2="{left}" y2="{height - bottom}" stroke="#888"/>']
    for tick in nice_ticks(x0, x1):
        parts.append(f'<line x1="{px(tick):.1f}" y1="{height - bottom}" x2="{px(tick):.1f}" y2="{height - bottom + 4}" stroke="#888"/>'
                     f'<text x="{px(tick):.1f}" y="{height - bottom + 16}" text-anchor="middle">{tick:g}</text>')
    for tick in nice_ticks(y0, y1):
        parts.append(f'<line x1="{left}" y1="{py(tick):.1f}" x2="{width - right}" y2="{py(tick):.1f}" stroke="#eee"/>'
                     f'<text x="{left - 6}" y="{py(tick) + 4:.1f}" text-anchor="end">{tick:g}</text>')
    parts.append(f'<text x="{(left + width - right) / 2:.0f}" y="{height - 6}" text-anchor="middle">'
                 "training progress (kimg: thousands of real images shown)</text>")
    parts.append(f'<text x="12" y="{(top + height - bottom) / 2:.0f}" text-anchor="middle" '
                 f'transform="rotate(-90 12 {(top + height - bottom) / 2:.0f})">loss</text>')
    for index, (key, color) in enumerate(CURVES):
        if series[key]:
            path = " ".join(f"{px(x):.1f},{py(y):.1f}" for x, y in series[key])
            parts.append(f'<polyline fill="none" stroke="{color}" stroke-width="1.5" points="{path}"/>')
            parts.append(f'<text x="{width - right - 70}" y="{top + 14 + 14 * index}" fill="{color}">{key}</text>')
    return f'<svg width="{width}" height="{height}" font-size="11" xmlns="http://www.w3.org/2000/svg">{"".join(parts)}</svg>'


def _table(rows: dict) -> str:
    body = "".join(f"<tr><th>{html.escape(str(k))}</th><td>{html.escape(str(v))}</td></tr>" for k, v in rows.items())
    return f"<table>{body}</table>"


def _table_section(table: ReportTable) -> str:
    note = f'<p class="note">{html.escape(table.note)}</p>' if table.note else ""
    return f"<section><h2>{html.escape(table.title)}</h2>{_table(table.rows)}{note}</section>"


def _warnings_html(warnings: list[str]) -> str:
    return "".join(f'<p class="warning">{html.escape(text)}</p>' for text in warnings)


STYLE = """body{font-family:system-ui,sans-serif;margin:2em;max-width:1200px;color:#222}
h1{margin-bottom:.3em}img{max-width:100%}table{border-collapse:collapse;font-size:13px}
th,td{border:1px solid #ddd;padding:3px 8px;text-align:left}section{margin:1.5em 0}
.note{font-size:13px;color:#555;max-width:60em}
.warning{background:#fff3cd;border:1px solid #e0c060;padding:.6em 1em;max-width:60em}"""

CURVE_NOTE = ("The discriminator's loss (red) and the generator's (blue) after each logging window. In a healthy "
              "hinge-loss run both stay bounded and neither goes to zero for long; a discriminator loss stuck near "
              "0 means it has won and the generator stopped learning.")


def write_report(run_dir: str | Path, title: str, grids: list[GridSection], summary: dict,
                 tables: list[ReportTable] | None = None, warnings: list[str] | None = None) -> Path:
    """Write run_dir/report.html and return its path; warnings are shown first, in a box."""
    run_dir = Path(run_dir)
    config_path = run_dir / "config.json"
    settings = json.loads(config_path.read_text())["config"] if config_path.exists() else {}
    flat_settings = {k: v for k, v in settings.items() if k != "model"} | {f"model.{k}": v for k, v in settings.get("model", {}).items()}
    body = (f"<h1>{html.escape(title)}</h1>{_warnings_html(warnings or [])}{_table(summary)}"
            + "".join(_table_section(t) for t in tables or [])
            + "".join(_grid_html(g) for g in grids)
            + f"<section><h2>Loss curves</h2>{loss_curve_svg(read_metrics(run_dir))}"
              f'<p class="note">{html.escape(CURVE_NOTE)}</p></section>'
            + f"<section><h2>Settings</h2>{_table(flat_settings)}</section>")
    path = run_dir / "report.html"
    path.write_text(f"<!doctype html><html><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
                    f"<style>{STYLE}</style></head><body>{body}</body></html>")
    return path
