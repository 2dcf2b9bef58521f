"""The HTTP service over the library: FastAPI app with a shopping-guide page. Docs at /docs.

Endpoints
  GET  /               the shopping-guide page (static files under serve/static; no CDN, no build)
  GET  /healthz        alive (always open, even with an API key)
  GET  /readyz         200 once models are loaded, with their names; 503 if none
  GET  /metrics        Prometheus text: requests by endpoint and status, latency histogram,
                       images generated, batch sizes, cache hits
  GET  /api/models     every model: name, family, resolution, attributes and their levels
  POST /api/generate   {model, attributes, n, seed, truncation} -> image/png for n=1 or
                       `Accept: image/png` (a grid when n > 1), else JSON with base64 PNGs
  POST /api/variants   {model, attribute, attributes, seed, truncation} -> the product that
                       generate(n=1, seed, attributes) shows, once per level of `attribute`
                       (JSON with levels and base64 PNGs; a PNG strip with `Accept: image/png`)
  POST /api/morph      {model, seed_a, seed_b, attributes_a, attributes_b, frames, fps} ->
                       animated GIF; `?format=png` gives the frames as one PNG strip
  POST /api/turntable  {model, seed, attributes, attribute="view", frames, fps} -> one product
                       looping through every level of `attribute` (the catalog's views: a
                       turntable) as a GIF; `?format=png` gives a PNG strip
  POST /api/foryou     {model, liked, disliked, n, explore, seed}, items generated references
                       {seed, attributes} -> JSON: n new products near the liked ones (base64
                       PNGs and each one's levels), the fitted level frequencies (foryou_routes.py)
  POST /api/foryou/photos  multipart: request (that JSON) + photos liked1..4, disliked1..4,
                       placed by the model's encoder (encoder.safetensors beside its checkpoint)
  POST /api/photo/edit     multipart: file + operation (recolour|whiten|scale|rotate|flip|mask)
                       and its option (colour, factor, degrees, direction) -> image/png
  GET  /api/photo/tasks    the enhancement tasks this server offers: classic always; sr2, sr4,
                       restore from the package's shipped models, or `--enhancer CHECKPOINT`
  POST /api/photo/enhance  multipart: file [+ task] [+ chain] [+ mask] -> image/png; task classic
                       (the chain), sr2/sr4 (learned upscaling) or restore; mask (white = damage
                       to repair): classic inpaints it with OpenCV, restore hands it to the model

Safety
  - binds 127.0.0.1 unless told otherwise; answers only to its own host names (localhost,
    127.0.0.1, [::1], the bound address, --allow-host NAME) and refuses requests pages of other
    sites send (Origin): serve/hosts.py; optional API key (X-API-Key header, constant-time
    compare) on /api/* and /metrics, checked before the body is read; the page, /docs, /healthz
    and /readyz stay open
  - a model name is only ever a key in the registry loaded at start, never a path
  - limits (serve/limits.py): n <= 64, 2 <= frames <= 64, 0.5 <= fps <= 50, finite
    0 < truncation <= 10, seeds 0..2**63-1, JSON bodies <= 64 KiB; uploads <= 10 MiB, <= 16 MP
    (checked from the header before decoding), PNG/JPEG/WebP only, results <= 16 MP; photo work
    priced before decoding (serve/work.py), at most 2 photo jobs at once, 15 s in line at most
    (then 503 + Retry-After); an uploaded photo is never written to disk (serve/uploads.py)
  - every user error is a 4xx with {"error": "..."} naming what is valid (unknown model,
    attribute or level, out-of-range values, wrong types, unknown fields, malformed JSON);
    an unexpected error is logged and answered with a JSON 500 without a traceback, and the
    service keeps running

Throughput: generate and variants requests for one model are batched on the device (see
batching.py); identical generate requests are answered from a bounded LRU cache. /docs is Swagger
UI served from the fastapi-offline package: it loads nothing from outside the server.
"""

from __future__ import annotations

from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi_offline import FastAPIOffline
from starlette.exceptions import HTTPException as StarletteHTTPException

from productgan.errors import AttributeLevelError, ProductGANError
from productgan.serve.enhancers import PhotoEnhancers
from productgan.serve.errors import RequestError
from productgan.serve.foryou_routes import add_foryou_routes
from productgan.serve.guard import RequestGuard
from productgan.serve.hosts import HostPolicy
from productgan.serve.metrics import ServeMetrics
from productgan.serve.photo_routes import add_photo_routes
from productgan.serve.registry import ModelRegistry
from productgan.serve.schemas import GenerateRequest, MorphRequest, TurntableRequest, VariantsRequest
from productgan.serve.service import Answer, ProductService, ServeSettings
from productgan.serve.work import PhotoGate
from productgan.version import __version__

STATIC = Path(__file__).parent / "static"
# The page loads nothing from elsewhere; the browser enforces that, and images come as data:/blob: URLs.
PAGE_HEADERS = {"Content-Security-Policy": "default-src 'self'; img-src 'self' data: blob:; object-src 'none'; "
                                           "frame-ancestors 'none'", "X-Content-Type-Options": "nosniff"}
IMAGE_OR_JSON = {200: {"content": {"image/png": {}, "application/json": {}}}}


def create_app(registry: ModelRegistry, settings: ServeSettings | None = None,
               enhancers: PhotoEnhancers | None = None) -> FastAPI:
    """The app for models already loaded (see registry.load_models) and, optionally, learned photo
    enhancers (PhotoEnhancers.load); the classical chain is always offered."""
    settings = settings or ServeSettings()
    metrics = ServeMetrics()
    service = ProductService(registry, settings, metrics)

    @asynccontextmanager
    async def lifespan(_: FastAPI):
        yield
        await service.close()

    # FastAPIOffline: /docs and /redoc from assets shipped in the package, not a CDN; no online validator.
    app = FastAPIOffline(title="productgan", version=__version__, lifespan=lifespan,
                         description="Generate product images by attribute from trained catalog models.",
                         swagger_ui_parameters={"validatorUrl": None})
    app.state.settings, app.state.service, app.state.metrics = settings, service, metrics
    app.state.enhancers = enhancers or PhotoEnhancers()
    app.state.photo_gate = PhotoGate(settings.limits.photo_jobs, settings.limits.photo_wait_s)
    _add_error_handlers(app)
    _add_routes(app, service, metrics)
    add_photo_routes(app)
    add_foryou_routes(app, settings.catalog)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_middleware(RequestGuard, metrics=metrics, limits=settings.limits, api_key=settings.api_key,
                       hosts=HostPolicy.for_server(settings.allow_hosts, settings.bind_host))
    return app


def _answer(answer: Answer) -> Response:
    return Response(answer.body, media_type=answer.media_type)


def _wants_png(request: Request, n: int = 1) -> bool:
    """PNG when asked for by Accept, or for one image unless the client asked for JSON."""
    accept = request.headers.get("accept", "").lower()
    return "image/png" in accept or (n == 1 and "application/json" not in accept)


def _add_routes(app: FastAPI, service: ProductService, metrics: ServeMetrics) -> None:
    """The page, health, metrics and product endpoints; the guard checks the key of /api/* and /metrics."""

    @app.get("/", include_in_schema=False)
    async def page() -> FileResponse:
        return FileResponse(STATIC / "index.html", headers=PAGE_HEADERS)

    @app.get("/healthz", tags=["health"])
    async def healthz() -> dict:
        return {"status": "ok"}

    @app.get("/readyz", tags=["health"])
    async def readyz() -> JSONResponse:
        ready = len(service.registry) > 0
        return JSONResponse({"status": "ready" if ready else "no models", "models": service.registry.names()},
                            status_code=200 if ready else 503)

    @app.get("/metrics", tags=["health"])
    async def prometheus_metrics() -> Response:
        return Response(metrics.exposition(), media_type=metrics.content_type)

    @app.get("/api/models", tags=["products"])
    async def models() -> dict:
        return {"models": [model.describe() for model in service.registry.models()]}

    @app.post("/api/generate", tags=["products"], responses=IMAGE_OR_JSON)
    async def generate(body: GenerateRequest, request: Request) -> Response:
        return _answer(await service.generate(body, "png" if _wants_png(request, body.n) else "json"))

    @app.post("/api/variants", tags=["products"], responses=IMAGE_OR_JSON)
    async def variants(body: VariantsRequest, request: Request) -> Response:
        accept = request.headers.get("accept", "").lower()
        return _answer(await service.variants(body, "png" if "image/png" in accept else "json"))

    @app.post("/api/morph", tags=["products"],
              responses={200: {"content": {"image/gif": {}, "image/png": {}}}})
    async def morph(body: MorphRequest, format: str = Query("gif", pattern="^(gif|png)$")) -> Response:
        return _answer(await service.morph(body, format))

    @app.post("/api/turntable", tags=["products"],
              responses={200: {"content": {"image/gif": {}, "image/png": {}}}})
    async def turntable(body: TurntableRequest, format: str = Query("gif", pattern="^(gif|png)$")) -> Response:
        return _answer(await service.turntable(body, format))


def _add_error_handlers(app: FastAPI) -> None:
    """Every user error becomes {"error": "..."} with a 4xx status."""

    @app.exception_handler(RequestError)
    async def request_error(_: Request, error: RequestError) -> JSONResponse:
        return JSONResponse({"error": str(error)}, status_code=error.status, headers=error.headers)

    @app.exception_handler(ProductGANError)
    async def product_error(_: Request, error: ProductGANError) -> JSONResponse:
        return JSONResponse({"error": str(error)}, status_code=422 if isinstance(error, AttributeLevelError) else 400)

    @app.exception_handler(RequestValidationError)
    async def validation_error(_: Request, error: RequestValidationError) -> JSONResponse:
        details = [_problem(item) for item in error.errors()]
        summary = "; ".join(f"{d['field']}: {d['problem']}" for d in details) or "invalid request"
        return JSONResponse({"error": summary, "details": details}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, error: StarletteHTTPException) -> JSONResponse:
        return JSONResponse({"error": str(error.detail)}, status_code=error.status_code, headers=error.headers)


def _problem(item: dict) -> dict:
    """One pydantic error as {"field": "n", "problem": "..."}; malformed JSON says where it broke."""
    location = [str(part) for part in item.get("loc", ())]
    if item.get("type") == "json_invalid":
        reason = (item.get("ctx") or {}).get("error", "")
        return {"field": "body", "problem": f"malformed JSON at character {location[-1]}: {reason}"}
    field = ".".join(location[1:] if location[:1] == ["body"] and len(location) > 1 else location)
    return {"field": field, "problem": str(item.get("msg", ""))}
