"""The tiny trained generator and classifier that the tests of edits of generated products share."""

from __future__ import annotations

import pytest
from helpers.edit_generated import Trained, train_edit_model

SLOW_FIXTURE = "trained_edit_model"


@pytest.fixture(scope="session")
def trained_edit_model(tmp_path_factory) -> Trained:
    """~15-25 s on one CPU thread, once per session (see helpers.edit_generated)."""
    return train_edit_model(tmp_path_factory.mktemp("edit-model") / "run")


def pytest_collection_modifyitems(items):
    """Every test that needs the trained edit model, directly or through another fixture, is `slow`:
    marked here, beside the fixture, so a new test that asks for it cannot slip into the fast subset."""
    for item in items:
        if SLOW_FIXTURE in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.slow)
