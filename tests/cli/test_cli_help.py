"""Every option and argument of every command says what it is for: `--help` is the manual."""

from __future__ import annotations

import typer

from productgan.cli import app
from productgan.device import DEVICE_HELP


def every_command(command, path: str = "productgan"):
    """(path, command) for the root, every group and every command (hidden aliases too); a group is
    what has .commands, as typer may bundle its own copy of click."""
    yield path, command
    if hasattr(command, "commands"):
        for name, sub in command.commands.items():
            yield from every_command(sub, f"{path} {name}")


def test_every_option_and_argument_has_help():
    commands = list(every_command(typer.main.get_command(app)))
    assert len(commands) > 30  # the walk reached the leaves
    missing = [f"{path} {param.opts[0] if param.opts else param.name}"
               for path, command in every_command(typer.main.get_command(app))
               for param in command.params
               if not (getattr(param, "help", None) or "").strip()]
    assert missing == [], "options without help text: " + ", ".join(missing)


def test_every_command_has_a_docstring_summary():
    missing = [path for path, command in every_command(typer.main.get_command(app)) if not (command.help or "").strip()]
    assert missing == []


def test_device_defaults_to_auto_with_one_help_text_in_every_command():
    with_device = {path: next(param for param in command.params if param.name == "device")
                   for path, command in every_command(typer.main.get_command(app))
                   if any(param.name == "device" for param in command.params)}
    assert {path: (param.default, param.help) for path, param in with_device.items()} == \
        {path: ("auto", DEVICE_HELP) for path in with_device}
    # the commands that run a network all take one
    assert {"productgan train", "productgan generate", "productgan serve", "productgan eval run",
            "productgan eval train-features", "productgan edit variants", "productgan edit clip",
            "productgan edit turntable", "productgan edit invert", "productgan edit train-encoder",
            "productgan enhance apply", "productgan enhance train"} <= set(with_device)
