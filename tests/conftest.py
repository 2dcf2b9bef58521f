"""Fixtures shared by all test folders."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

SHARED_DATASETS = Path(__file__).resolve().parents[1] / ".." / "shared" / "datasets"


@pytest.fixture(scope="session")
def shared_datasets() -> Path:
    """The real datasets in ../shared/datasets (never copied into the repo); tests skip when they are absent."""
    if not SHARED_DATASETS.is_dir():
        pytest.skip(f"../shared/datasets not found: {SHARED_DATASETS.resolve()} is absent; real-data tests skipped")
    return SHARED_DATASETS.resolve()


@pytest.fixture(autouse=True)
def single_thread():
    """Test-sized models gain nothing from threads, and on a shared 2-core machine a 2-thread op waits
    for a core held by someone else: 40x slower. One thread per test, restored afterwards."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)
