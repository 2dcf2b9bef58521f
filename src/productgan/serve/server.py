"""Start the service: load the models once, then hand the app to uvicorn."""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path

import uvicorn

from productgan.serve.app import create_app
from productgan.serve.enhancers import PhotoEnhancers
from productgan.serve.hosts import WILDCARD_BINDS
from productgan.device import resolve_device
from productgan.serve.registry import load_models
from productgan.serve.service import ServeSettings

log = logging.getLogger("productgan.serve")
LOCAL_HOSTS = ("127.0.0.1", "localhost", "::1")


def run_server(path: str | Path, host: str = "127.0.0.1", port: int = 8000, device: str = "auto",
               settings: ServeSettings | None = None, log_level: str = "info") -> None:
    """Blocks until Ctrl-C / SIGTERM. Loading errors (no checkpoint, bad file) raise before binding."""
    settings = settings or ServeSettings()
    registry = load_models(path, device=device)
    enhancers = PhotoEnhancers.load(settings.enhancers, device=str(resolve_device(device)),
                                    shipped=settings.shipped_enhancers)
    if host not in LOCAL_HOSTS and settings.api_key is None:
        log.warning("serving on %s without an API key: anyone who can reach this address can use it", host)
    if host in WILDCARD_BINDS and not settings.allow_hosts:
        log.warning("serving on %s: only requests for localhost, 127.0.0.1 and [::1] are answered; add "
                    "--allow-host NAME for each name or address clients use to reach this machine", host or "*")
    settings = replace(settings, bind_host=host)  # its own address is one of its names (wildcards are not)
    uvicorn.run(create_app(registry, settings, enhancers), host=host, port=port, log_level=log_level)
