"""A tiny folder catalog and the CLI options that train on it in seconds (the built-in catalog takes
about 10 s to render on a shared 2-core machine; these 16 files take none)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image

COLORS = {"red": (220, 30, 30), "blue": (30, 60, 220)}


def write_tiny_catalog(root: Path, n: int = 16, size: int = 32) -> Path:
    """root/images/*.png (coloured squares on white) and root/attributes.csv with a color column."""
    (root / "images").mkdir(parents=True, exist_ok=True)
    rows = ["file,color"]
    for index in range(n):
        color = "red" if index % 2 == 0 else "blue"
        image = np.full((size, size, 3), 245, np.uint8)
        half = size // 4 + index % 3
        image[size // 2 - half:size // 2 + half, size // 2 - half:size // 2 + half] = COLORS[color]
        Image.fromarray(image).save(root / "images" / f"{index:02d}.png")
        rows.append(f"images/{index:02d}.png,{color}")
    (root / "attributes.csv").write_text("\n".join(rows) + "\n")
    return root


def tiny_options(data: str | Path) -> list[str]:
    """`productgan train` options for a model that takes milliseconds per step on one CPU thread."""
    return ["--data", str(data), "--resolution", "32", "--width", "8", "--batch", "8", "--condition", "color",
            "--device", "cpu", "--sample-every", "1000", "--checkpoint-every", "1000"]


def train_builtin(out: Path, *options: str, kimg: str = "0.016", condition: str = "color,category"):
    """`productgan train` on the built-in catalog at 16 px and width 8, in-process; the CliRunner result."""
    from typer.testing import CliRunner

    from productgan.cli import app

    return CliRunner().invoke(app, ["train", "--data", "builtin:catalog", "--out", str(out), "--resolution", "16",
                                    "--width", "8", "--batch", "8", "--kimg", kimg, "--condition", condition,
                                    "--threads", "1", *options])
