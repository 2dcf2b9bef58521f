"""`productgan edit clip|turntable`: --format, --out, --fps, --frames, the seeds and --truncation are
refused up front with exit 2 and one line, before the model is read.

The run given does not exist: an option that is checked up front is named in the error; one that
is not would get as far as "checkpoint ... does not exist".
"""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from productgan.cli import app

MISSING_RUN = "no-such-run"


def invoke(command: str, *args) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["edit", command, MISSING_RUN, *[str(a) for a in args]])
    return result.exit_code, result.output


@pytest.mark.parametrize("command", ["clip", "turntable"])
@pytest.mark.parametrize("args, message", [
    (["--format", "gif", "--out", "x.mp4"], "--out x.mp4 ends in .mp4 but --format is gif; name the file x.gif"),
    (["--format", "mp4", "--out", "x.gif"], "ends in .gif but --format is mp4"),
    (["--format", "png", "--out", "x.webm"], "ends in .webm but --format is png"),
    (["--format", "avi", "--out", "x.avi"], "unknown clip format 'avi'"),
    (["--out", "x.mov"], "unknown clip format 'mov'"),
    (["--frames", "0", "--out", "x.gif"], "--frames: frames must be between 2 and 2000, got 0"),
    (["--frames", "100000", "--out", "x.gif"], "--frames: frames must be between 2 and 2000"),
])
def test_format_out_and_frames_are_checked_before_the_model_is_read(command, args, message, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, output = invoke(command, *args)
    assert code == 2, output
    assert message in output and "does not exist" not in output and "Traceback" not in output
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("command, args", [
    ("clip", ["--fps", "1e-300"]),  # the campaign: Pillow's GIF writer overflowed
    ("clip", ["--fps", "nan"]),
    ("turntable", ["--fps", "inf"]),
    ("turntable", ["--fps", "61"]),
    ("clip", ["--from-seed", "-1"]),
    ("clip", ["--to-seed", str(2**64)]),
    ("clip", ["--from-seed", "1e23"]),
    ("turntable", ["--seed", "-3"]),
    ("clip", ["--truncation", "nan"]),
    ("turntable", ["--truncation", "0"]),
    ("turntable", ["--truncation", "1e300"]),
])
def test_absurd_numbers_are_refused_up_front(command, args, tmp_path):
    code, output = invoke(command, *args, "--out", tmp_path / "x.gif")
    option = args[0]
    assert code == 2, output
    assert option in output and "does not exist" not in output and "Traceback" not in output


@pytest.mark.parametrize("args", [["--format", "gif", "--out", "x.GIF"], ["--out", "x.mp4"],
                                  ["--format", "png", "--out", "strip"], ["--fps", "60", "--frames", "2000"]])
def test_consistent_options_get_as_far_as_reading_the_model(args, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    if "--out" not in args:
        args = [*args, "--out", "x.gif"]
    code, output = invoke("clip", *args)
    assert code == 2 and MISSING_RUN in output and "does not exist" in output, output


def test_an_out_that_is_a_folder_is_refused_before_the_model_is_read(tmp_path):
    (tmp_path / "taken.gif").mkdir()
    code, output = invoke("clip", "--out", tmp_path / "taken.gif")
    assert code == 2 and "is a folder" in output and "does not exist" not in output, output
