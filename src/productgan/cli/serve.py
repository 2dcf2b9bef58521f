"""`productgan serve`: the HTTP API and the shopping-guide page over one or more runs."""

from __future__ import annotations

from pathlib import Path
from typing import List, Optional

import typer

from productgan.cli.common import device_option, float_option, friendly_errors, int_option, port_option


@friendly_errors
def serve(
    run_or_dir: Path = typer.Argument(..., help="A run folder or checkpoint, or a folder holding several (model names come from folder names)."),
    host: str = typer.Option("127.0.0.1", help="Address to bind. Keep 127.0.0.1 unless others must reach it; then set --api-key."),
    port: int = port_option(8000),
    api_key: Optional[str] = typer.Option(None, envvar="PRODUCTGAN_API_KEY", help="Require this key (X-API-Key header) on /api/* and /metrics."),
    device: str = device_option(),
    batching: bool = typer.Option(True, help="Batch concurrent requests per model; --no-batching runs one forward pass per request."),
    max_wait_ms: float = float_option(10.0, low=0.0, high=60_000.0, help="How long a batch waits for more requests to join."),
    render_rows: int = int_option(8, high=1024, help="Latents per forward pass, fixed so batched and unbatched answers are byte-identical."),
    enhancer: Optional[List[Path]] = typer.Option(None, help="A learned enhancer checkpoint (sr2, sr4 or restore, from `productgan enhance train`) to offer at /api/photo/enhance instead of the shipped model of its task; repeatable."),
    shipped_enhancers: bool = typer.Option(True, help="Offer the enhancers shipped with productgan (sr4, sr2, restore) for tasks no --enhancer gives; --no-shipped-enhancers offers only those given."),
    allow_host: Optional[List[str]] = typer.Option(None, help="Also answer requests for this host name (and pages served from it); repeatable; '*' for any Host. By default only localhost, 127.0.0.1, [::1] and --host."),
    max_photo_work: float = float_option(100.0, low=0.0, low_open=True, high=1e6, help="Work budget of one photo request in megapixel-units (megapixels x steps' cost; the default chain costs ~14 per megapixel)."),
    photo_jobs: int = int_option(2, high=256, help="Photo jobs (edit/enhance) processed at once; the rest wait in line."),
    photo_wait: float = float_option(15.0, low=0.0, low_open=True, high=3600.0, help="Seconds a photo request may wait in line before a 503 with Retry-After."),
    catalog: Optional[Path] = typer.Option(None, help="The catalog folder /api/foryou looks catalog ids up in, when the run's recorded catalog moved (with several runs: for all of them)."),
):
    """Serve models over HTTP: the API (docs at /docs) and the shopping-guide page at /."""
    from productgan.serve.limits import ServeLimits
    from productgan.serve.server import run_server
    from productgan.serve.service import ServeSettings

    limits = ServeLimits(max_photo_work=max_photo_work, photo_jobs=photo_jobs, photo_wait_s=photo_wait)
    settings = ServeSettings(api_key=api_key or None, batching=batching, max_wait_ms=max_wait_ms, render_rows=render_rows,
                             enhancers=tuple(str(path) for path in enhancer or ()), limits=limits,
                             shipped_enhancers=shipped_enhancers,
                             allow_hosts=tuple(allow_host or ()), catalog=None if catalog is None else str(catalog))
    run_server(run_or_dir, host=host, port=port, device=device, settings=settings)
