"""The photo endpoints: edit or enhance a shop's own photo, priced, queued, and run off the event loop.

Checks run cheapest first, so a refused request costs microseconds: the guard has already checked
host, key and body size; then the form's fields and the operation or chain (4xx naming the field),
the upload's header (format and pixels: 415/413, nothing decoded), and the work budget (413). Only
then does the request wait for a photo slot (503 with Retry-After after photo_wait_s) and decode,
process and encode the photo in a worker thread. The photo stays in memory throughout.
"""

from __future__ import annotations

import io
import math

from fastapi import FastAPI, Request
from fastapi.responses import Response
from PIL import Image

from productgan.edit.photo import PhotoEdit
from productgan.enhance.apply import carry_alpha
from productgan.enhance.repair import repair_mask
from productgan.imaging import encode_png
from productgan.photo_io import photo_and_alpha_from_image, photo_from_image, save_options
from productgan.serve.enhancers import EnhanceJob, check_enhanced_size
from productgan.serve.limits import ServeLimits, decode_upload, open_upload
from productgan.serve.errors import RequestError
from productgan.serve.schemas import PhotoCutoutForm, PhotoEditForm, PhotoEnhanceForm, PhotoPrepareForm
from productgan.serve.uploads import form_openapi, read_photo_form
from productgan.serve.work import EDIT_COST, PhotoGate, check_result_size, check_work, edit_result_size

PNG_ANSWER = {200: {"content": {"image/png": {}}}}


def add_photo_routes(app: FastAPI) -> None:
    """/api/photo/edit, /api/photo/cutout, /api/photo/tasks, /api/photo/enhance, /api/photo/prepare on an app whose state holds settings,
    enhancers (PhotoEnhancers) and photo_gate (PhotoGate)."""

    @app.post("/api/photo/edit", tags=["photos"], responses=PNG_ANSWER,
              openapi_extra=form_openapi(PhotoEditForm, {"file": True}))
    async def edit_photo(request: Request) -> Response:
        """multipart: file + operation and its option -> the edited photo as PNG."""
        limits: ServeLimits = request.app.state.settings.limits
        form = await read_photo_form(request, limits)
        edit = PhotoEdit(**form.fields(PhotoEditForm, ("file",)).model_dump())
        return await _run_edit(request, form, edit)

    @app.post("/api/photo/cutout", tags=["photos"], responses=PNG_ANSWER,
              openapi_extra=form_openapi(PhotoCutoutForm, {"file": True}))
    async def cutout_photo(request: Request) -> Response:
        """multipart: file [+ background] [+ threshold] -> the product cut out: an RGBA PNG with a soft
        edge (background none), or composited onto a colour."""
        form = await read_photo_form(request, request.app.state.settings.limits)
        edit = PhotoEdit("cutout", **form.fields(PhotoCutoutForm, ("file",)).model_dump())
        return await _run_edit(request, form, edit)

    @app.get("/api/photo/tasks", tags=["photos"])
    async def enhance_tasks(request: Request) -> dict:
        return {"tasks": request.app.state.enhancers.describe()}

    @app.post("/api/photo/enhance", tags=["photos"], responses=PNG_ANSWER,
              openapi_extra=form_openapi(PhotoEnhanceForm, {"file": True, "mask": False}))
    async def enhance_photo(request: Request) -> Response:
        """multipart: file [+ task] [+ chain] [+ mask, white = damage to repair] -> PNG."""
        limits: ServeLimits = request.app.state.settings.limits
        form = await read_photo_form(request, limits)
        fields = form.fields(PhotoEnhanceForm, ("file", "mask"))
        task = fields.task if "task" in fields.model_fields_set or not fields.chain else "classic"  # a chain is classic's
        job: EnhanceJob = request.app.state.enhancers.build(task, fields.chain)
        header = open_upload(form.file("file"), limits)
        mask_bytes = form.file("mask", required=False)
        mask = None if mask_bytes is None else open_upload(mask_bytes, limits)
        check_enhanced_size((header.height, header.width), job.scale, limits.max_enhanced_pixels)
        check_work(header.width * header.height, job.cost_per_pixel, limits, f"task {task}")
        return await _png(request.app.state.photo_gate, _enhance, job, header, mask)

    @app.post("/api/photo/prepare", tags=["photos"], responses={200: {"content": {"image/jpeg": {}, "image/png": {}}}},
              openapi_extra=form_openapi(PhotoPrepareForm, {"file": True}))
    async def prepare_photo(request: Request) -> Response:
        """multipart: file [+ preset] -> one photo as `catalog prepare` makes it: auto-fixed, and for
        marketplace a white square with the product centred at 85%, at least 1000 px, JPEG. The
        headers X-Steps and X-Warnings say what was done and what could not be."""
        limits: ServeLimits = request.app.state.settings.limits
        form = await read_photo_form(request, limits)
        fields = form.fields(PhotoPrepareForm, ("file",))
        preset = _preset(fields.preset)
        upscalers, sr_cost = _upscalers(fields.upscaler, request.app.state.enhancers)
        header = open_upload(form.file("file"), limits)
        side = prepared_side_bound(header.width, header.height, preset)
        check_result_size(side, side, limits, f"preset {preset.name}")
        check_work(side * side, PREPARE_COST + sr_cost, limits, f"preset {preset.name} with upscaler {fields.upscaler}")
        image, media_type, report = await request.app.state.photo_gate.run(_prepare, header, preset, upscalers)
        return Response(image, media_type=media_type, headers=report)


async def _run_edit(request: Request, form, edit: PhotoEdit) -> Response:
    """Size, work budget, then a photo slot: the checks every edit passes before its photo is decoded."""
    limits: ServeLimits = request.app.state.settings.limits
    header = open_upload(form.file("file"), limits)
    width, height = edit_result_size(edit.operation, header.width, header.height)
    check_result_size(width, height, limits, edit.operation)
    check_work(width * height, EDIT_COST.get(edit.operation, 1.0), limits, edit.operation)
    return await _png(request.app.state.photo_gate, _edit, header, edit)


LEARNED = "learned"  # /api/photo/prepare's upscaler: the server's sr2/sr4 (shipped unless --enhancer replaced them)
PREPARE_COST = 6.0  # units per output pixel: the auto measures and steps, the mask, one resize (serve/work.py)


def _preset(name: str):
    from productgan.catalog.presets import get_preset
    from productgan.errors import ProductGANError

    try:
        return get_preset(name)
    except ProductGANError as error:
        raise RequestError(f"preset: {error}") from None


def _upscalers(name: str, enhancers) -> tuple[tuple, float]:
    """The layout's learned upscalers for the form's `upscaler`, and their worst cost per output
    pixel: an sr model costs its measured units per input pixel, and an xS model's output pixel
    is 1/S^2 of an input pixel (the layout never enlarges a crop past the preset's side)."""
    from productgan.catalog.layout import LANCZOS
    from productgan.catalog.upscalers import SHIPPED_SR_TASKS, as_upscalers

    if name == LANCZOS:
        return (), 0.0
    if name != LEARNED:
        raise RequestError(f"upscaler: {name!r} is not one of: {LANCZOS}, {LEARNED}")
    upscalers = as_upscalers(enhancers.learned, LEARNED)
    if not upscalers:
        raise RequestError("upscaler: this server offers no learned sr2/sr4 model (started with "
                           "--no-shipped-enhancers and no --enhancer of those tasks); use lanczos")
    loaded = [task for task in SHIPPED_SR_TASKS if task in enhancers.learned]
    return upscalers, max(enhancers.costs[task] / enhancers.learned[task].scale**2 for task in loaded)


def prepared_side_bound(width: int, height: int, preset) -> int:
    """The largest side prepare can make of a width x height photo (the product box is at most the photo)."""
    if not preset.layout:
        return max(width, height)
    return max(preset.min_side, math.ceil(max(width, height) / preset.fill))


def _prepare(header: Image.Image, preset, upscalers: tuple = ()) -> tuple[bytes, str, dict[str, str]]:
    from productgan.catalog.layout import lay_out
    from productgan.enhance.auto import AutoEnhancer

    fix = AutoEnhancer().fix(photo_from_image(decode_upload(header)))
    laid_out = lay_out(fix.image, preset, fix.before.has_backdrop, upscalers)
    laid, warnings = laid_out.image, laid_out.warnings
    fmt = "JPEG" if preset.suffix == ".jpg" else "PNG"
    buffer = io.BytesIO()
    Image.fromarray(laid).save(buffer, format=fmt, **save_options(fmt, preset.quality, preset.srgb_profile))
    report = {"X-Steps": _header_text(", ".join(f"{a.step}: {'; '.join(a.reasons)}" for a in fix.steps) or "none"),
              "X-Warnings": _header_text("; ".join(fix.warnings + warnings) or "none")}
    return buffer.getvalue(), f"image/{fmt.lower()}", report


def _header_text(text: str) -> str:
    """HTTP header values are Latin-1: anything else is replaced, and a long report is cut."""
    return text.encode("latin-1", "replace").decode("latin-1")[:1000]


async def _png(gate: PhotoGate, work, *args) -> Response:
    return Response(await gate.run(work, *args), media_type="image/png")


def _edit(header: Image.Image, edit: PhotoEdit) -> bytes:
    """The edit of an upload; a transparent upload's alpha is carried through (RGBA PNG back)."""
    return encode_png(edit.apply(*photo_and_alpha_from_image(decode_upload(header))))


def _enhance(job: EnhanceJob, header: Image.Image, mask: Image.Image | None) -> bytes:
    """The enhanced upload as PNG; a transparent upload keeps its alpha (enlarged with it by sr2/sr4)."""
    image, alpha = photo_and_alpha_from_image(decode_upload(header))
    repair = None if mask is None else repair_mask(photo_from_image(decode_upload(mask)), image.shape[:2], "mask")
    return encode_png(carry_alpha(lambda rgb: job.enhance(rgb, repair), image, alpha))
