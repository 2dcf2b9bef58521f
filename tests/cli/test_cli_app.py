"""The command tree: registered in cli/app.py alone, reachable as `productgan`, `python -m productgan`
and `python -m productgan.cli`, with --version printing the code version."""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

import productgan.cli
from productgan import code_version
from productgan.cli import app

runner = CliRunner()
CLI_DIR = Path(productgan.cli.__file__).parent

# Every command a user can type, hidden aliases included: a command added or lost shows up here.
EXPECTED_COMMANDS = {
    "train", "generate", "demo", "serve", "foryou", "data inspect", "eval run", "eval train-features",
    "photo recolor", "photo mask", "photo cutout", "photo scale", "photo rotate", "photo flip", "photo whiten",
    "edit variants", "edit clip", "edit turntable", "edit invert", "edit train-encoder",
    "edit mask", "edit cutout", "edit scale", "edit rotate", "edit flip", "edit whiten",
    "photo recolour", "edit recolour",  # old spelling kept: hidden aliases
    "enhance apply", "enhance export", "enhance train",
    "catalog check", "catalog prepare",
}


def command_paths(group, prefix: str = "") -> dict:
    """{'edit clip': command, ...} for every leaf command under group (a group is what has .commands:
    typer may bundle its own copy of click, so isinstance against click's classes is not asked)."""
    paths = {}
    for name, command in group.commands.items():
        path = f"{prefix}{name}"
        if hasattr(command, "commands"):
            paths.update(command_paths(command, path + " "))
        else:
            paths[path] = command
    return paths


def test_the_tree_holds_every_command_and_nothing_else():
    assert set(command_paths(typer.main.get_command(app))) == EXPECTED_COMMANDS


def test_commands_are_registered_in_app_py_only():
    """No module registers a command as a side effect of being imported: a `.command(` or `.add_typer(`
    call, or a decorator of that name, appears in cli/app.py only."""
    registering = []
    for path in sorted(CLI_DIR.glob("*.py")):
        if path.name == "app.py":
            continue
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                    and node.func.attr in ("command", "add_typer", "callback"):
                registering.append(f"{path.name}:{node.lineno}")
    assert registering == []


def test_version_prints_the_code_version():
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"productgan {code_version()}"


def run_module(module: str, *args: str) -> subprocess.CompletedProcess:
    source = str(Path(productgan.cli.__file__).parents[2])  # the src/ this test imports, not an installed copy
    env = {**os.environ, "PYTHONPATH": source + os.pathsep + os.environ.get("PYTHONPATH", "")}
    return subprocess.run([sys.executable, "-m", module, *args], capture_output=True, text=True, env=env, timeout=120)


@pytest.mark.slow
def test_python_dash_m_productgan_runs_the_cli():
    version = run_module("productgan", "--version")
    assert version.returncode == 0, version.stderr
    assert version.stdout.strip() == f"productgan {code_version()}"
    usage = run_module("productgan", "photo", "--help")
    assert usage.returncode == 0, usage.stderr
    assert "Usage: productgan photo" in usage.stdout and "recolor" in usage.stdout


@pytest.mark.slow
def test_python_dash_m_productgan_cli_still_runs_the_cli():
    """torchrun and the bench scripts call `-m productgan.cli`."""
    result = run_module("productgan.cli", "--version")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"productgan {code_version()}"


def test_a_user_error_through_python_dash_m_is_one_line_and_exit_2(tmp_path):
    result = run_module("productgan", "generate", str(tmp_path / "no-such-run"), "--out", str(tmp_path / "out"),
                        "--device", "cpu")
    assert result.returncode == 2
    assert result.stderr.startswith("error:") and "Traceback" not in result.stderr
