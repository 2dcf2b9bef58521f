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
  POST /api/photo/edit     multipart: file + operation (recolour|whiten|scale|rotate|flip|mask)
                       and its option (colour, factor, degrees, direction) -> image/png
  GET  /api/photo/tasks    the enhancement tasks this server offers: classic always; sr2, sr4,
                       restore when started with `--enhancer CHECKPOINT` for them
  POST /api/photo/enhance  multipart: file [+ task] [+ chain] [+ mask] -> image/png; task classic
                       (the chain), sr2/sr4 (learned upscaling) or restore; mask (white = damage
                       to repair): classic inpaints it with OpenCV, restore hands it to the model

Safety
  - binds 127.0.0.1 unless told otherwise; optional API key (X-API-Key header, constant-time
    compare) on /api/* and /metrics; the page, /healthz and /readyz stay open
  - a model name is only ever a key in the registry loaded at start, never a path
  - limits (serve/limits.py): n <= 64, 2 <= frames <= 64, fps <= 50, finite 0 < truncation <= 10,
    seeds 0..2**63-1, JSON bodies <= 64 KiB; uploads <= 10 MiB, <= 16 MP (checked from the
    header before decoding), PNG/JPEG/WebP only, upscaled results <= 16 MP; an uploaded photo
    is never written to disk
  - every user error is a 4xx with {"error": "..."} naming what is valid (unknown model,
    attribute or level, out-of-range values, wrong types, unknown fields, malformed JSON);
    an unexpected error is logged and answered with a JSON 500 without a traceback, and the
    service keeps running

Throughput: generate and variants requests for one model are batched on the device (see
batching.py); identical generate requests are answered from a bounded LRU cache.
"""

from __future__ import annotations

from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import Depends, FastAPI, File, Form, Query, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from productgan.errors import AttributeLevelError, ProductGANError
from productgan.serve.enhancers import PhotoEnhancers, check_enhanced_size
from productgan.serve.errors import RequestError
from productgan.serve.guard import RequestGuard
from productgan.serve.limits import check_upload
from productgan.serve.metrics import ServeMetrics
from productgan.serve.registry import ModelRegistry
from productgan.serve.schemas import GenerateRequest, MorphRequest, TurntableRequest, VariantsRequest
from productgan.serve.security import require_api_key
from productgan.serve.service import Answer, ProductService, ServeSettings
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

    app = FastAPI(title="productgan", version=__version__, lifespan=lifespan,
                  description="Generate product images by attribute from trained catalog models.")
    app.state.settings, app.state.service, app.state.metrics = settings, service, metrics
    app.state.enhancers = enhancers or PhotoEnhancers()
    _add_error_handlers(app)
    _add_routes(app, service, metrics)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    app.add_middleware(RequestGuard, metrics=metrics, limits=settings.limits)
    return app


def _answer(answer: Answer) -> Response:
    return Response(answer.body, media_type=answer.media_type)


def _wants_png(request: Request, n: int = 1) -> bool:
    """PNG when asked for by Accept, or for one image unless the client asked for JSON."""
    accept = request.headers.get("accept", "").lower()
    return "image/png" in accept or (n == 1 and "application/json" not in accept)


def _add_routes(app: FastAPI, service: ProductService, metrics: ServeMetrics) -> None:
    protected = [Depends(require_api_key)]

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

    @app.get("/metrics", dependencies=protected, tags=["health"])
    async def prometheus_metrics() -> Response:
        return Response(metrics.exposition(), media_type=metrics.content_type)

    @app.get("/api/models", dependencies=protected, tags=["products"])
    async def models() -> dict:
        return {"models": [model.describe() for model in service.registry.models()]}

    @app.post("/api/generate", dependencies=protected, tags=["products"], responses=IMAGE_OR_JSON)
    async def generate(body: GenerateRequest, request: Request) -> Response:
        return _answer(await service.generate(body, "png" if _wants_png(request, body.n) else "json"))

    @app.post("/api/variants", dependencies=protected, tags=["products"], responses=IMAGE_OR_JSON)
    async def variants(body: VariantsRequest, request: Request) -> Response:
        accept = request.headers.get("accept", "").lower()
        return _answer(await service.variants(body, "png" if "image/png" in accept else "json"))

    @app.post("/api/morph", dependencies=protected, tags=["products"],
              responses={200: {"content": {"image/gif": {}, "image/png": {}}}})
    async def morph(body: MorphRequest, format: str = Query("gif", pattern="^(gif|png)$")) -> Response:
        return _answer(await service.morph(body, format))

    @app.post("/api/turntable", dependencies=protected, tags=["products"],
              responses={200: {"content": {"image/gif": {}, "image/png": {}}}})
    async def turntable(body: TurntableRequest, format: str = Query("gif", pattern="^(gif|png)$")) -> Response:
        return _answer(await service.turntable(body, format))

    _add_photo_routes(app, protected)


def _add_photo_routes(app: FastAPI, protected: list) -> None:
    """Edit or enhance a shop's own photo: checked before decoding, processed in a worker thread."""
    from productgan.edit.photo import apply_photo_edit
    from productgan.enhance.classic import DEFAULT_CHAIN
    from productgan.enhance.repair import repair_mask
    from productgan.photo_io import encode_png, photo_from_image

    async def read_upload(file: UploadFile, request: Request):
        return photo_from_image(check_upload(await file.read(), request.app.state.settings.limits))

    @app.post("/api/photo/edit", dependencies=protected, tags=["photos"],
              responses={200: {"content": {"image/png": {}}}})
    async def edit_photo(request: Request, file: UploadFile = File(...), operation: str = Form(...),
                         colour: str | None = Form(None), factor: float | None = Form(None),
                         degrees: float | None = Form(None), direction: str = Form("horizontal"),
                         region: str = Form("dominant")) -> Response:
        image = await read_upload(file, request)
        edited = await run_in_threadpool(apply_photo_edit, image, operation, colour=colour, factor=factor,
                                         degrees=degrees, direction=direction, region=region)
        return Response(encode_png(edited), media_type="image/png")

    @app.get("/api/photo/tasks", dependencies=protected, tags=["photos"])
    async def enhance_tasks(request: Request) -> dict:
        return {"tasks": request.app.state.enhancers.describe()}

    @app.post("/api/photo/enhance", dependencies=protected, tags=["photos"],
              responses={200: {"content": {"image/png": {}}}})
    async def enhance_photo(request: Request, file: UploadFile = File(...), task: str = Form("classic"),
                            chain: str = Form(DEFAULT_CHAIN), mask: UploadFile | None = File(None)) -> Response:
        # A bad task or chain is refused before the upload is decoded.
        enhancer, scale = request.app.state.enhancers.build(task, chain)
        image = await read_upload(file, request)
        check_enhanced_size(image.shape[:2], scale, request.app.state.settings.limits.max_enhanced_pixels)
        repair = None if mask is None else repair_mask(await read_upload(mask, request), image.shape[:2], "mask")
        return Response(encode_png(await run_in_threadpool(enhancer, image, repair)), media_type="image/png")


def _add_error_handlers(app: FastAPI) -> None:
    """Every user error becomes {"error": "..."} with a 4xx status."""

    @app.exception_handler(RequestError)
    async def request_error(_: Request, error: RequestError) -> JSONResponse:
        return JSONResponse({"error": str(error)}, status_code=error.status)

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
