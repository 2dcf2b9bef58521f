"""One tiny trained checkpoint for the whole serve suite, served under two names."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from helpers.train import tiny_config, two_color_catalog

from productgan.serve import ModelRegistry, ServeSettings, create_app, load_models
from productgan.train import train


@pytest.fixture(scope="session")
def models_dir(tmp_path_factory) -> Path:
    """models/shop/ (a run folder) and models/mirror.safetensors (a loose file): two names, one training."""
    base = tmp_path_factory.mktemp("serve")
    result = train(tiny_config(base / "models" / "shop", condition=["color", "size"]), progress=False,
                   catalog=two_color_catalog())
    shutil.copy(result.checkpoint, base / "models" / "mirror.safetensors")
    for extra in (base / "models" / "shop").iterdir():
        if extra.name != "checkpoint.safetensors":
            shutil.rmtree(extra) if extra.is_dir() else extra.unlink()
    return base / "models"


@pytest.fixture(scope="session")
def registry(models_dir) -> ModelRegistry:
    return load_models(models_dir, device="cpu")


@pytest.fixture
def make_client(registry):
    """make_client(photo_enhancers=None, **settings) -> a started TestClient over a fresh app (fresh cache and
    metrics), addressing the server as http://localhost, one of the names it answers to."""
    from fastapi.testclient import TestClient

    clients = []

    def make(photo_enhancers=None, **settings) -> TestClient:
        client = TestClient(create_app(registry, ServeSettings(**settings), photo_enhancers), base_url="http://localhost",
                            raise_server_exceptions=False)
        clients.append(client.__enter__())
        return client

    yield make
    for client in clients:
        client.__exit__(None, None, None)


@pytest.fixture
def client(make_client):
    return make_client()
