"""`productgan serve` maps its limits and host options onto ServeSettings and refuses bad values
before loading anything."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from productgan.cli import app


@pytest.fixture
def captured(monkeypatch):
    seen = {}
    monkeypatch.setattr("productgan.serve.server.run_server", lambda path, **kwargs: seen.update(kwargs, path=path))
    return seen


def test_serve_options_become_the_servers_limits_and_names(captured):
    result = CliRunner().invoke(app, ["serve", "models", "--allow-host", "shop.example", "--allow-host", "10.0.0.2",
                                      "--max-photo-work", "250", "--photo-jobs", "4", "--photo-wait", "3.5"])
    assert result.exit_code == 0, result.output
    settings = captured["settings"]
    assert settings.allow_hosts == ("shop.example", "10.0.0.2")
    limits = settings.limits
    assert (limits.max_photo_work, limits.photo_jobs, limits.photo_wait_s) == (250.0, 4, 3.5)
    assert limits.max_upload_bytes == 10 * 1024 * 1024  # the rest keep their defaults


@pytest.mark.parametrize("option, value", [("--photo-jobs", "0"), ("--photo-wait", "0"), ("--photo-wait", "nan"),
                                           ("--max-photo-work", "-1"), ("--max-photo-work", "inf"), ("--port", "70000")])
def test_bad_serve_values_are_refused_up_front(captured, option, value):
    result = CliRunner().invoke(app, ["serve", "models", option, value])
    assert result.exit_code == 2 and captured == {}
