"""config.json: one schema for every run folder, the config beside the code version that ran it."""

from __future__ import annotations

import json

from productgan.loop_kit import write_run_config
from productgan.version import code_version


def test_the_run_config_holds_the_config_the_code_version_and_the_loops_facts(tmp_path):
    path = write_run_config(tmp_path / "new" / "run", {"batch": 8, "model": {"width": 4}}, levels={"color": ["red"]})
    assert path == tmp_path / "new" / "run" / "config.json"
    assert json.loads(path.read_text()) == {"config": {"batch": 8, "model": {"width": 4}},
                                            "code_version": code_version(), "levels": {"color": ["red"]}}
