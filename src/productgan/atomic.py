"""Atomic file writes: a kill mid-write never leaves a half-written checkpoint, cache entry or image.

A write goes to a temporary file beside the target, named `<target>.<host>.<pid>.<random>.tmp`, and
is renamed over the target when complete. A kill -9 mid-write leaves that temporary behind; the
next write to the same target removes it, once the process that made it (named in it) is gone.
"""

from __future__ import annotations

import os
import re
import socket
import tempfile
from pathlib import Path
from typing import BinaryIO, Callable

TEMPORARY_SUFFIX = ".tmp"


def write_atomic(path: str | Path, write: Callable[[BinaryIO], object]) -> Path:
    """Call write(handle) on a temporary file beside path, then rename it over path.

    The rename is atomic on POSIX and Windows, so readers see the old file or the new one, never a
    mix. Permissions follow the umask like an ordinary file (mkstemp alone would make it 0600).
    An OSError (disk full, read-only file system, ...) always names path, so the CLI can say which
    file could not be written.
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        remove_stale_temporaries(path)
        _write_via_temporary(path, write)
    except OSError as error:
        if error.filename is None:  # write() and fsync() errors (ENOSPC, EIO) name no file
            error.filename = str(path)
        raise
    return path


def _write_via_temporary(path: Path, write: Callable[[BinaryIO], object]) -> None:
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f"{path.name}.{_host()}.{os.getpid()}.",
                                     suffix=TEMPORARY_SUFFIX)
    try:
        with os.fdopen(fd, "wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temporary, 0o666 & ~umask)
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)


def remove_stale_temporaries(path: str | Path) -> list[Path]:
    """Remove temporaries of path left by writers on this host that no longer run; returns them.

    Only files named as write_atomic names them for this very target are considered, so no other
    file is touched; a temporary of a live process (another thread, another run) is left alone, and
    so is one from another host sharing the folder, whose processes cannot be checked from here.
    """
    path = Path(path)
    removed = []
    try:
        candidates = list(path.parent.glob(glob_escape(path.name) + ".*" + TEMPORARY_SUFFIX))
    except OSError:
        return removed
    for candidate in sorted(candidates):
        if _is_stale(path.name, candidate.name):
            try:
                candidate.unlink()
                removed.append(candidate)
            except FileNotFoundError:  # its writer finished, or another cleaner was quicker
                pass
    return removed


def glob_escape(name: str) -> str:
    """A file name as a glob pattern matching only itself."""
    return re.sub(r"([*?\[])", r"[\1]", name)


def _is_stale(target: str, name: str) -> bool:
    match = re.fullmatch(re.escape(target) + r"\.([A-Za-z0-9-]+)\.(\d+)\.[a-z0-9_]+" + re.escape(TEMPORARY_SUFFIX), name)
    return bool(match) and match.group(1) == _host() and not _process_alive(int(match.group(2)))


def _host() -> str:
    return re.sub(r"[^A-Za-z0-9-]", "-", socket.gethostname())[:40] or "host"


def _process_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OverflowError):  # PermissionError: alive, owned by someone else
        return True
    return True
