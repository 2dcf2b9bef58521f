"""`productgan enhance train`: train a super-resolution or restoration model on a catalog."""

from __future__ import annotations

from productgan.cli_enhance import enhance_app  # noqa: F401  (commands register on it)
