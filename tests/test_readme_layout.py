"""The README's layout map names every top-level module and package of src/productgan, and nothing
that is not there: a newcomer reads the map to find a room, so a missing or stale line misleads."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "productgan"


def layout_block() -> str:
    readme = (ROOT / "README.md").read_text()
    section = readme.split("## Layout", 1)[1]
    return section.split("```", 2)[1]


def test_the_layout_map_names_every_top_level_module_and_package():
    block = layout_block()
    named = set(re.findall(r"\b([a-z_]+(?:\.py|/))", block))
    on_disk = {p.name + "/" for p in PACKAGE.iterdir() if p.is_dir() and (p / "__init__.py").exists()}
    on_disk |= {p.name for p in PACKAGE.glob("*.py") if p.name != "__init__.py"}
    assert on_disk - named == set(), "README's Layout lacks these"
    entries = set(re.findall(r"^ {2}([a-z_]+(?:\.py|/))", block, flags=re.MULTILINE))  # a line of the map
    assert {"data/", "cli/", "generate.py"} <= entries  # the map was read
    assert entries - on_disk == set(), "README's Layout has lines for modules or packages that do not exist"
