"""Shared set-up for the model tests."""

import pytest
import torch


@pytest.fixture(autouse=True)
def single_thread():
    """Tiny models gain nothing from threads, and on a shared 2-core machine a 2-thread op waits
    for a core held by someone else: 40x slower. One thread per test, restored afterwards."""
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)
