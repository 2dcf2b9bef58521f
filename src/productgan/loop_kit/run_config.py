"""config.json in a run folder: the settings a run was started with, for people and reports to read.

One schema for every loop that keeps a run folder: {"config": the config's dict, "code_version": the
code that ran it, then facts the loop adds (the GAN's levels and catalog, ...)}. The checkpoint holds
the same config in its header; this file is the one a person opens.
"""

from __future__ import annotations

import json
from pathlib import Path

from productgan.version import code_version

RUN_CONFIG_NAME = "config.json"


def write_run_config(run_dir: str | Path, config: dict, **facts: object) -> Path:
    """Write run_dir/config.json (the folder is made) and return its path."""
    run_dir = Path(run_dir)
    run_dir.mkdir(parents=True, exist_ok=True)
    path = run_dir / RUN_CONFIG_NAME
    path.write_text(json.dumps({"config": config, "code_version": code_version(), **facts}, indent=2))
    return path
