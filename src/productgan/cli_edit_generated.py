"""`productgan edit variants|clip|turntable|invert`: edits that go through a trained generator."""

from __future__ import annotations

from productgan.cli_edit import edit_app  # noqa: F401  (commands register on it)
