"""What every CLI module shares: the consoles, one-line errors and exit codes, option parsing and
the ranges options are refused outside of (before any file is read or any pixel touched)."""

from __future__ import annotations

import errno
import functools
import math
import os
from pathlib import Path
from typing import Any, List, Optional

import importlib
import typer
from rich.console import Console
from rich.markup import escape

from productgan.data.names import printable
from productgan.device import DEVICE_HELP
from productgan.errors import CheckpointKindError, ProductGANError

console = Console()
err_console = Console(stderr=True)

# Exit codes say what happened (sysexits.h and the shell's 128 + signal number).
EXIT_USER_ERROR = 2  # a bad option, file or value: the message says which
EXIT_IO_ERROR = 74  # EX_IOERR: the system refused a read or write (disk full, read-only, ...)
EXIT_INTERRUPTED = 130  # Ctrl-C (SIGINT); the run wrote its checkpoint first
EXIT_TERMINATED = 143  # SIGTERM (a scheduler's kill); the run wrote its checkpoint first
STOP_EXIT_CODES = {"interrupted": EXIT_INTERRUPTED, "terminated": EXIT_TERMINATED}

# errno values that can only come from writing: the message says "cannot write" for them.
WRITE_ERRNOS = {errno.ENOSPC, errno.EROFS, errno.EDQUOT, errno.EFBIG, errno.EEXIST}

SEED_MAX = 2**63 - 1  # torch and numpy seeds are 64-bit
MIN_RESOLUTION, MAX_RESOLUTION = 8, 1024
PORT_MAX = 65535


def friendly_errors(command):
    """One clear line instead of a traceback, and an exit code that says what happened.

    User errors (ProductGANError, or an OSError without errno such as PIL's "cannot identify image
    file") exit 2; an OSError from the system (disk full, read-only folder, a file where a folder
    belongs) names its path and exits 74; Ctrl-C exits 130 and SIGTERM 143. A checkpoint of the wrong
    kind is named with the command that needs another: "PATH is an enhancer (sr4) checkpoint;
    generate needs a GAN checkpoint".
    """
    @functools.wraps(command)
    def wrapper(*args, **kwargs):
        try:
            return command(*args, **kwargs)
        except ProductGANError as error:
            if isinstance(error, CheckpointKindError):
                error.command = command_name()
            fail(str(error), EXIT_USER_ERROR)
        except OSError as error:  # without an errno it is a library's verdict on a file (PIL: not an image)
            fail(describe_os_error(error), EXIT_IO_ERROR if error.errno is not None else EXIT_USER_ERROR)
        except KeyboardInterrupt as error:  # outside a training loop, which checkpoints and returns instead
            fail("interrupted", getattr(error, "exit_code", EXIT_INTERRUPTED))
    return wrapper


def command_name() -> str | None:
    """The command being run as typed after the program's name ('generate', 'enhance apply'), if known.

    Newer typer versions carry their own copy of click, older ones use click itself; neither
    exports the current context, so both places are asked.
    """
    for module in ("typer._click.globals", "click.globals"):
        try:
            context = importlib.import_module(module).get_current_context(silent=True)
        except (ImportError, AttributeError):
            continue
        if context is not None:
            return " ".join(context.command_path.split()[1:]) or None
    return None


def fail(message: str, code: int) -> None:
    """Print `error: message` on stderr (markup and control characters neutralised) and exit."""
    shown = escape(printable(message, keep_line_breaks=True))
    err_console.print(f"[bold red]error:[/] {shown}", soft_wrap=True, highlight=False)
    raise typer.Exit(code=code) from None


def describe_os_error(error: OSError) -> str:
    """'cannot write PATH: No space left on device', naming both paths of a failed rename."""
    reason = error.strerror or str(error) or type(error).__name__
    if error.filename is None:
        return reason
    verb = "cannot write" if error.errno in WRITE_ERRNOS else "cannot access"
    target = _path_text(error.filename)
    if error.filename2 is not None:
        target += f" -> {_path_text(error.filename2)}"
    return f"{verb} {target}: {reason}"


def _path_text(name: object) -> str:
    return os.fsdecode(name) if isinstance(name, (str, bytes, os.PathLike)) else str(name)  # an fd is an int


def exit_for_stop(stopped: str) -> None:
    """After a training run: exit 130/143 when Ctrl-C/SIGTERM stopped it (its checkpoint is written)."""
    if stopped in STOP_EXIT_CODES:
        raise typer.Exit(code=STOP_EXIT_CODES[stopped])


# ----- option values ----------------------------------------------------------------------------
def float_option(default: Any, *param_decls: str, low: float | None = None, high: float | None = None,
                 low_open: bool = False, high_open: bool = False, help: str | None = None, **kwargs: Any) -> Any:
    """A float option refused unless finite and within [low, high] (low_open/high_open: excluded).

    The check is ours, not click's FloatRange: that one lets nan through (every comparison with nan
    is false) and inf when there is no upper bound, and typer cannot give it open bounds.
    """
    interval = _interval(low, high, low_open, high_open)

    def check(value: Optional[float]) -> Optional[float]:
        if value is None:
            return value
        if not math.isfinite(value):
            raise typer.BadParameter(f"{value} is not a finite number; allowed: {interval}")
        below = low is not None and (value <= low if low_open else value < low)
        above = high is not None and (value >= high if high_open else value > high)
        if below or above:
            raise typer.BadParameter(f"{value:g} is not in {interval}")
        return value
    shown = f"{help} " if help else ""
    return typer.Option(default, *param_decls, callback=check, help=f"{shown}Range {interval}.", **kwargs)


def _interval(low: float | None, high: float | None, low_open: bool, high_open: bool) -> str:
    left = "(-inf" if low is None else f"{'(' if low_open else '['}{low:g}"
    right = "inf)" if high is None else f"{high:g}{')' if high_open else ']'}"
    return f"{left}, {right}"


def int_option(default: Any, *param_decls: str, low: int | None = 1, high: int | None = None, **kwargs: Any) -> Any:
    """An integer option refused outside [low, high] (default: at least 1)."""
    return typer.Option(default, *param_decls, min=low, max=high, **kwargs)


SEED_HELP = "Seed: the same seed and settings give the same images."


def seed_option(default: int = 0, help: str = SEED_HELP) -> Any:
    return int_option(default, low=0, high=SEED_MAX, help=help)


def resolution_option(default: int, help: str = "Square image size in pixels the images are brought to.") -> Any:
    return int_option(default, low=MIN_RESOLUTION, high=MAX_RESOLUTION, help=help)


def device_option() -> Any:
    """--device, the same in every command: auto by default, resolved by productgan.device.resolve_device."""
    return typer.Option("auto", help=DEVICE_HELP)


def channels_option(default: int = 3, help: str | None = "3 for RGB, 1 for grayscale.") -> Any:
    return typer.Option(default, callback=_one_or_three, help=help)


def _one_or_three(value: int) -> int:
    if value not in (1, 3):
        raise typer.BadParameter(f"{value} is not 1 (grayscale) or 3 (RGB)")
    return value


def port_option(default: int, help: str = "TCP port to listen on.") -> Any:
    return int_option(default, low=1, high=PORT_MAX, help=help)


def explicit_options(ctx: typer.Context) -> set[str]:
    """Names of the parameters the user set (command line or environment), not left at defaults."""
    given = {"COMMANDLINE", "ENVIRONMENT"}  # by name: typer may bundle its own copy of click's enum
    return {name for name in ctx.params if getattr(ctx.get_parameter_source(name), "name", None) in given}


def given_settings(ctx: typer.Context, option_settings: dict[str, tuple[str, ...]]) -> list[str]:
    """The config settings (dotted names) set by the options the user gave: what --resume checks."""
    return [setting for option in sorted(explicit_options(ctx)) for setting in option_settings.get(option, ())]


# ----- output paths -----------------------------------------------------------------------------
def require_output_folder(path: Path, option: str = "--out") -> Path:
    """Refuse up front an output folder that is a file, or lies under one (it could never be made)."""
    require_creatable(path, option)
    if path.exists() and not path.is_dir():
        raise ProductGANError(f"{option} {path} is an existing file; it must name a folder")
    return path


def require_output_file(path: Path, option: str) -> Path:
    """Refuse up front an output file that is a folder, or lies under a file."""
    require_creatable(path, option)
    if path.is_dir():
        raise ProductGANError(f"{option} {path} is a folder; it must name a file")
    return path


def require_creatable(path: Path, option: str) -> Path:
    """Refuse up front a path that lies under a file (it could never be made) or holds a NUL."""
    if "\0" in str(path):
        raise ProductGANError(f"{option} {str(path)!r} holds a NUL character")
    for ancestor in path.absolute().parents:
        if ancestor.exists():
            if not ancestor.is_dir():
                raise ProductGANError(f"{option} {path} cannot be written: {ancestor} is a file, not a folder")
            break
    return path


# ----- parsing ----------------------------------------------------------------------------------
def split(values: Optional[List[str]]) -> list[str]:
    """Accept both --condition color,category and --condition color --condition category."""
    return [part.strip() for value in values or [] for part in value.split(",") if part.strip()]


def parse_set(value: str) -> tuple[str, str]:
    """'color=Red' -> ('color', 'Red'): one --set value."""
    if "=" not in value:
        raise ProductGANError(f"--set expects attribute=level, got {value!r}")
    key, level = value.split("=", 1)
    return key.strip(), level.strip()


def parse_sets(values: Optional[List[str]]) -> dict[str, str]:
    """Every --set value as {attribute: level} (a later value for the same attribute wins)."""
    return dict(parse_set(value) for value in values or [])



def optional_str(path: Optional[Path]) -> Optional[str]:
    """A path option as the config stores it: a string, or None when not given."""
    return None if path is None else str(path)
