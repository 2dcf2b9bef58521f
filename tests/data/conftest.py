"""Every data test gets its own catalog cache, so no test reads or writes ~/.cache."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def isolated_catalog_cache(tmp_path, monkeypatch):
    cache = tmp_path / "catalog-cache"
    monkeypatch.setenv("PRODUCTGAN_CACHE", str(cache))
    return cache
