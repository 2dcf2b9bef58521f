"""Atomic writes: a kill -9 mid-write leaves a temporary that the next write removes, nothing else is
touched, and an OS error always names the file that could not be written."""

from __future__ import annotations

import errno
import os
import subprocess
import sys

import pytest

from productgan import atomic
from productgan.atomic import remove_stale_temporaries, write_atomic


def _dead_pid() -> int:
    """The id of a process that has exited (and been reaped)."""
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def _temporary(target, pid: int, host: str | None = None):
    host = host or atomic._host()
    return target.parent / f"{target.name}.{host}.{pid}.k3j9x_2a{atomic.TEMPORARY_SUFFIX}"


def test_temporaries_name_their_target_host_and_process(tmp_path):
    seen = []
    target = tmp_path / "checkpoint.safetensors"
    write_atomic(target, lambda handle: seen.extend(os.listdir(tmp_path)) or handle.write(b"x"))
    assert len(seen) == 1 and seen[0].startswith(f"checkpoint.safetensors.{atomic._host()}.{os.getpid()}.") and seen[0].endswith(".tmp")
    assert target.read_bytes() == b"x" and os.listdir(tmp_path) == ["checkpoint.safetensors"]


def test_a_killed_writers_temporary_is_removed_by_the_next_write_and_nothing_else(tmp_path):
    target = tmp_path / "checkpoint.safetensors"
    target.write_bytes(b"old")
    stale = _temporary(target, _dead_pid())
    stale.write_bytes(b"")  # what kill -9 between mkstemp and the first write leaves
    live = _temporary(target, os.getppid())  # a writer that still runs
    foreign = _temporary(target, _dead_pid(), host="another-host")  # cannot be checked from here
    others = [tmp_path / "checkpoint.safetensors.tmp", tmp_path / "best.safetensors.x.1.abc.tmp",
              tmp_path / "notes.txt", tmp_path / "checkpoint.safetensors.mine.tmp"]
    for path in [live, foreign, *others]:
        path.write_bytes(b"keep")

    write_atomic(target, lambda handle: handle.write(b"new"))

    assert not stale.exists()
    assert target.read_bytes() == b"new"
    assert all(path.read_bytes() == b"keep" for path in [live, foreign, *others])


def test_remove_stale_temporaries_handles_glob_characters_in_the_name(tmp_path):
    target = tmp_path / "grid[1]*.png"
    stale = _temporary(target, _dead_pid())
    stale.write_bytes(b"")
    decoy = _temporary(tmp_path / "grid1x.png", _dead_pid())
    decoy.write_bytes(b"")
    assert remove_stale_temporaries(target) == [stale]
    assert decoy.exists()


def test_a_write_error_names_the_file_and_keeps_the_previous_one(tmp_path, monkeypatch):
    target = tmp_path / "checkpoint.safetensors"
    target.write_bytes(b"previous")

    def disk_full(handle):
        raise OSError(errno.ENOSPC, "No space left on device")  # as write() raises it: no file name

    with pytest.raises(OSError) as caught:
        write_atomic(target, disk_full)
    assert caught.value.errno == errno.ENOSPC and caught.value.filename == str(target)
    assert target.read_bytes() == b"previous" and os.listdir(tmp_path) == ["checkpoint.safetensors"]


def test_a_folder_that_cannot_be_made_is_an_error_naming_it(tmp_path):
    blocker = tmp_path / "file.txt"
    blocker.write_text("not a folder")
    with pytest.raises(OSError) as caught:
        write_atomic(blocker / "run" / "checkpoint.safetensors", lambda handle: handle.write(b"x"))
    assert caught.value.filename is not None and "file.txt" in str(caught.value.filename)
