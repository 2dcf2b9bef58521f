"""CLI values and output paths: out-of-range numbers are refused up front with the allowed range,
output that cannot be written is one line naming the path, and messages cannot drive the terminal."""

from __future__ import annotations

import errno

import pytest
import typer
from typer.testing import CliRunner

from productgan.cli import app
from productgan.cli.common import EXIT_IO_ERROR, describe_os_error, friendly_errors
from productgan.errors import ProductGANError

runner = CliRunner()
TRAIN = ["train", "--data", "builtin:catalog", "--kimg", "0.01", "--device", "cpu"]
ENHANCE_TRAIN = ["enhance", "train", "--data", "nowhere", "--steps", "1"]


@pytest.mark.parametrize("argv,option,shown", [
    (TRAIN + ["--seed", "1e23"], "--seed", "integer"),
    (TRAIN + ["--seed", str(2**63)], "--seed", "9223372036854775807"),
    (TRAIN + ["--seed", "-1"], "--seed", "0"),
    (TRAIN + ["--lr", "nan"], "--lr", "finite"),
    (TRAIN + ["--lr", "-0.001"], "--lr", "(0, 1]"),
    (TRAIN + ["--lr", "0"], "--lr", "(0, 1]"),
    (TRAIN + ["--kimg", "-1"], "--kimg", "(0, inf)"),
    (TRAIN + ["--kimg", "inf"], "--kimg", "finite"),
    (TRAIN + ["--minutes", "-1"], "--minutes", "(0, inf)"),
    (TRAIN + ["--minutes", "nan"], "--minutes", "finite"),
    (TRAIN + ["--batch", "0"], "--batch", "1"),
    (TRAIN + ["--resolution", "100000"], "--resolution", "1024"),
    (TRAIN + ["--channels", "2"], "--channels", "1 (grayscale) or 3"),
    (TRAIN + ["--r1-gamma", "-1"], "--r1-gamma", "[0, inf)"),
    (TRAIN + ["--ema-kimg", "nan"], "--ema-kimg", "finite"),
    (TRAIN + ["--checkpoint-every", "0"], "--checkpoint-every", "(0, inf)"),
    (TRAIN + ["--width", "0"], "--width", "1"),
    (["data", "inspect", "builtin:catalog", "--resolution", "100000"], "--resolution", "1024"),
    (["data", "inspect", "builtin:catalog", "--channels", "0"], "--channels", "1 (grayscale) or 3"),
    (["serve", "nowhere", "--port", "70000"], "--port", "65535"),
    (["serve", "nowhere", "--max-wait-ms", "nan"], "--max-wait-ms", "finite"),
    (["generate", "nowhere", "--seed", "-5"], "--seed", "0"),
    (["generate", "nowhere", "--truncation", "nan"], "--truncation", "finite"),
    (["demo", "--minutes", "-1"], "--minutes", "(0, inf)"),
    (["eval", "train-features", "--data", "builtin:catalog", "--out", "x", "--epochs", "nan"], "--epochs", "finite"),
    (ENHANCE_TRAIN + ["--lr", "nan"], "--lr", "finite"),
    (ENHANCE_TRAIN + ["--holdout", "1"], "--holdout", "(0, 1)"),
    (ENHANCE_TRAIN + ["--batch", "0"], "--batch", "1"),
    (ENHANCE_TRAIN + ["--steps", "0"], "--steps", "1"),
    (ENHANCE_TRAIN + ["--seed", str(2**64)], "--seed", "9223372036854775807"),
], ids=lambda value: " ".join(value) if isinstance(value, list) else None)
def test_out_of_range_values_are_refused_up_front_with_the_allowed_range(tmp_path, argv, option, shown):
    out = tmp_path / "out"
    argv = [str(out) if value == "x" else value for value in argv]
    if "--out" not in argv and (argv[0] in ("train", "demo") or argv[:2] == ["enhance", "train"]):
        argv += ["--out", str(out)]
    result = runner.invoke(app, argv)
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, (SystemExit, type(None))), result.exception  # no traceback
    assert option in result.output and shown in result.output.replace("\n", " "), result.output
    assert not out.exists()  # refused before anything was read or written


@pytest.mark.parametrize("argv", [
    TRAIN + ["--out", "{file}"],
    TRAIN + ["--out", "{file}/run"],
    ["generate", "nowhere", "--out", "{file}"],
    ["data", "inspect", "builtin:catalog", "--sheet", "{file}/sheet.png"],
    ["data", "inspect", "builtin:catalog", "--sheet", "{folder}"],
    ["enhance", "train", "--data", "nowhere", "--steps", "1", "--out", "{file}"],
    ["eval", "train-features", "--data", "builtin:catalog", "--condition", "color", "--out", "{file}/c.safetensors"],
    ["demo", "--out", "{file}"],
])
def test_an_output_path_that_cannot_be_written_is_one_line_naming_it(tmp_path, argv):
    """Tests run as root, which chmod does not stop: a path under a regular file can never be made."""
    blocker = tmp_path / "file.txt"
    blocker.write_text("a file, not a folder")
    argv = [value.format(file=blocker, folder=tmp_path) for value in argv]
    result = runner.invoke(app, argv)
    assert result.exit_code == 2, result.output
    assert isinstance(result.exception, (SystemExit, type(None))), result.exception  # no traceback
    assert str(blocker) in result.output.replace("\n", "") or str(tmp_path) in result.output.replace("\n", "")
    assert len(result.output.strip().splitlines()) <= 3  # one line (rich may wrap a long path)
    assert blocker.read_text() == "a file, not a folder"


def _command_failing_with(error: BaseException):
    command_app = typer.Typer()

    @command_app.command()
    @friendly_errors
    def fail() -> None:
        raise error

    return command_app


@pytest.mark.parametrize("error,code,message", [
    (OSError(errno.ENOSPC, "No space left on device", "/runs/a/checkpoint.safetensors"), EXIT_IO_ERROR,
     "error: cannot write /runs/a/checkpoint.safetensors: No space left on device"),
    (OSError(errno.EROFS, "Read-only file system", "/mnt/ro/run"), EXIT_IO_ERROR,
     "error: cannot write /mnt/ro/run: Read-only file system"),
    (FileExistsError(errno.EEXIST, "File exists", "/runs/a"), EXIT_IO_ERROR, "error: cannot write /runs/a: File exists"),
    (PermissionError(errno.EACCES, "Permission denied", "/root/x"), EXIT_IO_ERROR,
     "error: cannot access /root/x: Permission denied"),
    (OSError(errno.ENOSPC, "No space left on device"), EXIT_IO_ERROR, "error: No space left on device"),
    (ProductGANError("bad level"), 2, "error: bad level"),
    (OSError("cannot identify image file 'a.png'"), 2, "error: cannot identify image file 'a.png'"),  # PIL's
    (KeyboardInterrupt(), 130, "error: interrupted"),
])
def test_errors_are_one_line_with_an_exit_code_that_says_what_happened(error, code, message):
    result = runner.invoke(_command_failing_with(error), [])
    assert result.exit_code == code
    assert result.output.strip() == message


def test_control_characters_in_messages_cannot_drive_the_terminal():
    hostile = "level 'red\x1b[2J\x1b]0;owned\x07' in fi\u202ele.csv\r\x00"
    result = runner.invoke(_command_failing_with(ProductGANError(hostile)), [])
    assert result.exit_code == 2
    for control in ("\x1b", "\x07", "\u202e", "\r", "\x00"):
        assert control not in result.output
    assert "\\x1b[2J" in result.output and "\\u202e" in result.output and "\\x00" in result.output


def test_describe_os_error_names_both_paths_of_a_failed_rename():
    error = OSError(errno.EXDEV, "Invalid cross-device link", "/tmp/a", None, "/mnt/b")  # as os.replace raises it
    assert describe_os_error(error) == "cannot access /tmp/a -> /mnt/b: Invalid cross-device link"
