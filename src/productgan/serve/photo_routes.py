"""The photo endpoints: edit or enhance a shop's own photo, priced, queued, and run off the event loop.

Checks run cheapest first, so a refused request costs microseconds: the guard has already checked
host, key and body size; then the form's fields and the operation or chain (4xx naming the field),
the upload's header (format and pixels: 415/413, nothing decoded), and the work budget (413). Only
then does the request wait for a photo slot (503 with Retry-After after photo_wait_s) and decode,
process and encode the photo in a worker thread. The photo stays in memory throughout.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import Response
from PIL import Image

from productgan.edit.photo import PhotoEdit
from productgan.enhance.repair import repair_mask
from productgan.imaging import encode_png
from productgan.photo_io import photo_and_alpha_from_image, photo_from_image
from productgan.serve.enhancers import EnhanceJob, check_enhanced_size
from productgan.serve.limits import ServeLimits, decode_upload, open_upload
from productgan.serve.schemas import PhotoCutoutForm, PhotoEditForm, PhotoEnhanceForm
from productgan.serve.uploads import form_openapi, read_photo_form
from productgan.serve.work import EDIT_COST, PhotoGate, check_result_size, check_work, edit_result_size

PNG_ANSWER = {200: {"content": {"image/png": {}}}}


def add_photo_routes(app: FastAPI) -> None:
    """/api/photo/edit, /api/photo/cutout, /api/photo/tasks, /api/photo/enhance on an app whose state holds settings,
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
        job: EnhanceJob = request.app.state.enhancers.build(fields.task, fields.chain)
        header = open_upload(form.file("file"), limits)
        mask_bytes = form.file("mask", required=False)
        mask = None if mask_bytes is None else open_upload(mask_bytes, limits)
        check_enhanced_size((header.height, header.width), job.scale, limits.max_enhanced_pixels)
        check_work(header.width * header.height, job.cost_per_pixel, limits, f"task {fields.task}")
        return await _png(request.app.state.photo_gate, _enhance, job, header, mask)


async def _run_edit(request: Request, form, edit: PhotoEdit) -> Response:
    """Size, work budget, then a photo slot: the checks every edit passes before its photo is decoded."""
    limits: ServeLimits = request.app.state.settings.limits
    header = open_upload(form.file("file"), limits)
    width, height = edit_result_size(edit.operation, header.width, header.height)
    check_result_size(width, height, limits, edit.operation)
    check_work(width * height, EDIT_COST.get(edit.operation, 1.0), limits, edit.operation)
    return await _png(request.app.state.photo_gate, _edit, header, edit)


async def _png(gate: PhotoGate, work, *args) -> Response:
    return Response(await gate.run(work, *args), media_type="image/png")


def _edit(header: Image.Image, edit: PhotoEdit) -> bytes:
    """The edit of an upload; a transparent upload's alpha is carried through (RGBA PNG back)."""
    return encode_png(edit.apply(*photo_and_alpha_from_image(decode_upload(header))))


def _enhance(job: EnhanceJob, header: Image.Image, mask: Image.Image | None) -> bytes:
    image = photo_from_image(decode_upload(header))
    repair = None if mask is None else repair_mask(photo_from_image(decode_upload(mask)), image.shape[:2], "mask")
    return encode_png(job.enhance(image, repair))
