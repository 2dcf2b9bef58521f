"""Where a catalog may read from: only regular files inside its own folder, after following symlinks.

Why: attributes.csv is written by whoever made the catalog, and a catalog is often downloaded.
A row naming `../../home/me/.ssh/id_rsa.png`, `/etc/passwd` or a symlink to a file elsewhere
must not make training read (and learn, and show in a contact sheet) that file; a row naming a
FIFO or /dev/zero must not hang the reader. Every reader asks `resolve_catalog_entry` before it
opens a file. Refused entries are skipped and reported by name with the reason, like corrupt
images, so that one bad row does not stop a catalog and `data inspect` shows what was refused.
"""

from __future__ import annotations

import os
import re
import stat
from pathlib import Path

from productgan.data.names import has_control, printable
from productgan.errors import CatalogError

_WINDOWS_DRIVE = re.compile(r"^[A-Za-z]:")


class EntryRefused(CatalogError):
    """A catalog entry that is not read; `reason` is shown to the user next to the entry's name."""

    def __init__(self, written: str, reason: str):
        super().__init__(f"{printable(written)}: {reason}")
        self.reason = reason


class EntryMissing(EntryRefused):
    """The entry names nothing that exists (a typo or a deleted file, not an attack)."""


def resolve_catalog_entry(root: str | Path, written: str | Path) -> Path:
    """The real path of the file `written` (relative to root, '/' or '\\' separated) names, once checked.

    Refused (EntryRefused, with the reason): control characters in the name, absolute paths,
    anything that lies outside root once '..' and every symlink are resolved (root itself may be
    a symlink), and anything that is not a regular file (folders, devices, FIFOs, sockets), which
    is never opened. EntryMissing when nothing is there. The returned path is the resolved one,
    so the reader opens exactly the file that was checked.
    """
    text = str(written).replace("\\", "/")
    if has_control(text):
        raise EntryRefused(text, "the file name holds control characters; not read")
    if text.startswith("/") or _WINDOWS_DRIVE.match(text):
        raise EntryRefused(text, "absolute path; paths must be relative to the catalog folder; not read")
    real_root = Path(root).resolve()
    if not Path(os.path.normpath(real_root / text)).is_relative_to(real_root):
        raise EntryRefused(text, "outside the catalog folder ('..' leaves it); not read")
    real = _resolve(Path(root) / text, text)
    if not real.is_relative_to(real_root):
        raise EntryRefused(text, f"a symlink to {printable(real)}, outside the catalog folder; not read")
    _require_regular_file(real, text)
    return real


def _resolve(path: Path, text: str) -> Path:
    try:
        return path.resolve(strict=True)
    except FileNotFoundError:
        raise EntryMissing(text, "not found") from None
    except (OSError, RuntimeError) as exc:  # symlink loops, permissions, names too long
        raise EntryRefused(text, f"cannot be resolved ({printable(getattr(exc, 'strerror', None) or exc)})") from None


def _require_regular_file(real: Path, text: str) -> None:
    try:
        mode = real.stat().st_mode
    except OSError as exc:
        raise EntryRefused(text, f"cannot be read ({printable(exc.strerror or exc)})") from None
    if stat.S_ISDIR(mode):
        raise EntryRefused(text, "a folder, not an image file")
    if not stat.S_ISREG(mode):
        raise EntryRefused(text, "not a regular file (a device, FIFO or socket); not read")
