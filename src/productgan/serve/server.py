"""Start the service: load the models once, then hand the app to uvicorn."""

from __future__ import annotations

import logging
from pathlib import Path

import uvicorn

from productgan.serve.app import create_app
from productgan.serve.enhancers import PhotoEnhancers
from productgan.serve.registry import load_models, pick_device
from productgan.serve.service import ServeSettings

log = logging.getLogger("productgan.serve")
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


def run_server(path: str | Path, host: str = "127.0.0.1", port: int = 8000, device: str = "auto",
               settings: ServeSettings | None = None, log_level: str = "info") -> None:
    """Blocks until Ctrl-C / SIGTERM. Loading errors (no checkpoint, bad file) raise before binding."""
    settings = settings or ServeSettings()
    registry = load_models(path, device=device)
    enhancers = PhotoEnhancers.load(settings.enhancers, device=str(pick_device(device)))
    if host not in LOCAL_HOSTS and settings.api_key is None:
        log.warning("serving on %s without an API key: anyone who can reach this address can use it", host)
    uvicorn.run(create_app(registry, settings, enhancers), host=host, port=port, log_level=log_level)
