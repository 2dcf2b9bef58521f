"""A real uvicorn server over an app on a free local port, in a background thread: the browser
tests drive the page through it as a shopper's browser would."""

from __future__ import annotations

import socket
import threading
import time
from contextlib import contextmanager
from typing import Iterator

import uvicorn


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def serving(app, start_timeout_s: float = 20.0) -> Iterator[str]:
    """Yields the server's base URL once it accepts connections; stops it on exit."""
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + start_timeout_s
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def open_shop_page(browser, base: str, outside: list[str]):
    """A page on the shop at `base`, its model list loaded; every request to another origin is
    appended to `outside` (the page must make none)."""
    page = browser.new_page(viewport={"width": 900, "height": 820})
    page.on("request", lambda request: outside.append(request.url)
            if not request.url.startswith((base, "data:", "blob:")) else None)
    page.goto(base + "/")
    page.wait_for_selector("[data-testid=attr-color] option[value=red]", state="attached")
    return page
