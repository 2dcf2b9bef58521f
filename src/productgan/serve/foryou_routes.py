"""POST /api/foryou and /api/foryou/photos: "for you" products from a shopper's history.

The server keeps no profile: each request carries the whole history (the page keeps it in the
browser). Generated references cost a few renders; photos (uploaded, or catalog photos by id, whose
levels come from the catalog's table) are placed by the model's latent encoder (encoder.safetensors
beside its checkpoint, loaded on first use) and a short inversion, so they go through the photo
gate (serve/work.py) like the other photo work: at most MAX_PHOTOS uploads per role and
MAX_INVERSIONS photos in all per request. A model's catalog is the one its checkpoint records, or
`serve --catalog DIR`, read on the first catalog item and kept.
Requests without photos take the gate too: a request renders up to n products per redraw round
and, the first time a model is asked, the few hundred samples of its guard, so at most
`--photo-jobs` such jobs run at once and the rest wait (503 with Retry-After past --photo-wait).
The near-copy guard of each model (its threshold needs a few hundred renders) is built once, on
first use, with the run's domain classifier when one sits beside the checkpoint, else in pixels.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import Response
from pydantic import ValidationError

from productgan.edit.encoder import ENCODER_FILE_NAME, encoder_beside, load_encoder
from productgan.foryou import (
    CatalogItem, CatalogNotFoundError, CatalogPhotos, CopyGuard, ForYou, ForYouSettings, GeneratedItem, PhotoItem,
    cached_copy_guard, check_history, copy_guard, load_catalog_photos, recommend,
)
from productgan.foryou.catalog import has_catalog_items
from productgan.foryou.place import check_items
from productgan.metrics.domain import load_domain_classifier
from productgan.metrics.prepare import RUN_CLASSIFIER_NAME
from productgan.photo_io import photo_from_image
from productgan.serve.errors import LimitError
from productgan.serve.images import base64_list, png_list
from productgan.serve.limits import ServeLimits, check_count, check_seed, decode_upload, open_upload
from productgan.serve.registry import ServedModel
from productgan.serve.schemas import ForYouPhotoForm, ForYouRequest, ItemReference
from productgan.serve.uploads import form_openapi, read_photo_form
from productgan.serve.work import check_work

MAX_HISTORY = 64   # liked + disliked items of one request
MAX_PHOTOS = 4     # uploaded photos of one request per role (liked, disliked): each is a short inversion
MAX_INVERSIONS = 2 * MAX_PHOTOS  # photos of one request in all, uploaded or from the catalog
PHOTO_PARTS = tuple(f"{role}{i}" for role in ("liked", "disliked") for i in range(1, MAX_PHOTOS + 1))
ENCODER_HINT = (f"; the server looks for {ENCODER_FILE_NAME} beside the model's checkpoint: its operator can make one "
                f"with `productgan edit train-encoder RUN --out RUN/{ENCODER_FILE_NAME}` and restart the server, "
                "or like generated products only")
CATALOG_HINT = "the server's operator can give its folder with `productgan serve RUN --catalog DIR`"


class ForYouModels:
    """Per served model, loaded or built on first use and kept: its encoder, classifier and near-copy guard."""

    def __init__(self, catalog_dir: str | None = None):
        self._lock = threading.Lock()
        self._encoders: dict[str, object] = {}
        self._parts: dict[str, tuple] = {}
        self._catalogs: dict[str, CatalogPhotos] = {}
        self._catalog_dir = catalog_dir

    def catalog(self, model: ServedModel) -> CatalogPhotos:
        """The model's catalog (serve --catalog, else the one its checkpoint records), read once;
        runs in a worker thread. A missing one is not kept: the next request tries again."""
        with self._lock:
            if model.name not in self._catalogs:
                if model.checkpoint is None and self._catalog_dir is None:
                    raise CatalogNotFoundError(f"model {model.name!r} was loaded without a checkpoint, so its catalog "
                                               f"is unknown; {CATALOG_HINT}")
                self._catalogs[model.name] = load_catalog_photos(model.checkpoint, model.generator, self._catalog_dir,
                                                                 hint=CATALOG_HINT)
            return self._catalogs[model.name]

    def encoder(self, model: ServedModel):
        """The model's encoder.safetensors beside its checkpoint, or None; runs in a worker thread."""
        with self._lock:
            if model.name not in self._encoders:
                path = None if model.checkpoint is None else encoder_beside(model.checkpoint)
                self._encoders[model.name] = None if path is None else load_encoder(path, model.generator)
            return self._encoders[model.name]

    def parts(self, model: ServedModel) -> tuple[CopyGuard, object, object]:
        """(guard, classifier or None, encoder or None); runs in a worker thread."""
        encoder = self.encoder(model)
        with self._lock:
            if model.name not in self._parts:
                folder = None if model.checkpoint is None else Path(model.checkpoint).parent
                classifier = None
                if folder is not None and (folder / RUN_CLASSIFIER_NAME).is_file():
                    classifier = load_domain_classifier(folder / RUN_CLASSIFIER_NAME, model.generator.device)
                guard = (copy_guard(model.generator, classifier) if model.checkpoint is None
                         else cached_copy_guard(model.generator, model.checkpoint, classifier))
                self._parts[model.name] = (guard, classifier)
            return (*self._parts[model.name], encoder)


def add_foryou_routes(app: FastAPI, catalog_dir: str | None = None) -> None:
    """/api/foryou (JSON: generated references and catalog ids) and /api/foryou/photos (multipart,
    with photos); catalog_dir: where catalog ids are looked up instead of each run's recorded catalog."""
    models = ForYouModels(catalog_dir)

    @app.post("/api/foryou", tags=["products"])
    async def foryou(body: ForYouRequest, request: Request) -> Response:
        """n products for a history of generated products and catalog photos -> JSON: base64 PNGs and each one's levels."""
        model, settings, items = _checked(request, body, liked_photos=0, disliked_photos=0)
        result = await request.app.state.photo_gate.run(_recommend, models, model, items, settings)
        return _answer(request, model, result)

    @app.post("/api/foryou/photos", tags=["products"], openapi_extra=form_openapi(
        ForYouPhotoForm, {name: False for name in PHOTO_PARTS}))
    async def foryou_photos(request: Request) -> Response:
        """multipart: request (ForYouRequest JSON) + photos liked1..liked4, disliked1..disliked4 -> as /api/foryou."""
        limits: ServeLimits = request.app.state.settings.limits
        form = await read_photo_form(request, limits)
        unknown = sorted(set(form.parts) - {*PHOTO_PARTS, "request"})
        if unknown:
            raise LimitError(f"unknown form field {unknown[0]!r}; the form has request and photos "
                             f"{PHOTO_PARTS[0]}..{PHOTO_PARTS[MAX_PHOTOS - 1]}, {PHOTO_PARTS[MAX_PHOTOS]}..{PHOTO_PARTS[-1]}")
        body = _parse_request(form.fields(ForYouPhotoForm, PHOTO_PARTS).request)
        sent = [name for name in PHOTO_PARTS if name in form.parts]
        liked_photos = sum(name.startswith("liked") for name in sent)
        model, settings, items = _checked(request, body, liked_photos, len(sent) - liked_photos)
        uploads = {name: open_upload(form.parts[name], limits) for name in sent}
        for name, header in uploads.items():
            check_work(header.width * header.height, 1.0, limits, f"decoding {name}")
        result = await request.app.state.photo_gate.run(_recommend_photos, models, model, items, uploads, settings)
        return _answer(request, model, result)


def _parse_request(text: str) -> ForYouRequest:
    try:
        return ForYouRequest.model_validate_json(text)
    except ValidationError as error:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'request'}: {e['msg']}" for e in error.errors())
        raise LimitError(f"form field 'request': {problems}") from None


def _checked(request: Request, body: ForYouRequest, liked_photos: int,
             disliked_photos: int) -> tuple[ServedModel, ForYouSettings, tuple[list, list]]:
    """The model, settings and items (generated and catalog) after the served limits and the history's
    own checks (nothing liked, generated items of another catalog or model): cheap, answered before
    any work is queued. A catalog id is looked up in the worker, where the catalog is read."""
    limits: ServeLimits = request.app.state.settings.limits
    model = request.app.state.service.registry.get(body.model)
    n, seed = check_count(body.n, limits), check_seed(body.seed)
    for reference in [*body.liked, *body.disliked]:
        if reference.seed is not None:
            check_seed(reference.seed, "an item's seed")
    count = len(body.liked) + len(body.disliked) + liked_photos + disliked_photos
    if count > MAX_HISTORY:
        raise LimitError(f"a history has at most {MAX_HISTORY} items, got {count}")
    photos = sum(r.catalog is not None for r in [*body.liked, *body.disliked]) + liked_photos + disliked_photos
    if photos > MAX_INVERSIONS:
        raise LimitError(f"a history has at most {MAX_INVERSIONS} photos (catalog items and uploads: each is a short "
                         f"inversion), got {photos}")
    if not 0.0 <= body.explore <= 1.0:
        raise LimitError(f"explore must be between 0 and 1, got {body.explore:g}")
    liked, disliked = _references(body.liked), _references(body.disliked)
    if not liked and not liked_photos:
        check_history(model.generator, [], disliked)  # the one "no liked item" error
    check_items(model.generator, _generated(liked), "liked", model.name, has_encoder=True)
    check_items(model.generator, _generated(disliked), "disliked", model.name, has_encoder=True)
    return model, ForYouSettings(n=n, explore=body.explore, seed=seed), (liked, disliked)


def _references(references: list[ItemReference]) -> list[GeneratedItem | CatalogItem]:
    return [CatalogItem(r.catalog) if r.catalog is not None else GeneratedItem(r.seed, dict(r.attributes), r.model)
            for r in references]


def _generated(items: list) -> list[GeneratedItem]:
    return [item for item in items if isinstance(item, GeneratedItem)]


def _recommend(models: ForYouModels, model: ServedModel, items, settings: ForYouSettings,
               photos: tuple[list[PhotoItem], list[PhotoItem]] = ([], [])) -> ForYou:
    liked, disliked = [*items[0], *photos[0]], [*items[1], *photos[1]]
    if has_catalog_items(liked, disliked):
        liked, disliked = models.catalog(model).resolve_history(liked, disliked, model.generator)
    has_photos = any(isinstance(item, PhotoItem) for item in [*liked, *disliked])
    has_encoder = has_photos and models.encoder(model) is not None
    check_history(model.generator, liked, disliked, model.name, has_encoder, ENCODER_HINT)  # before the guard's cost
    guard, classifier, encoder = models.parts(model)
    return recommend(model.generator, liked, disliked, settings, model_name=model.name, encoder=encoder,
                     classifier=classifier, guard=guard, encoder_hint=ENCODER_HINT)


def _recommend_photos(models: ForYouModels, model: ServedModel, items, uploads: dict, settings: ForYouSettings) -> ForYou:
    """In a photo worker: decode the uploads (already checked from their headers), then recommend."""
    photos: tuple[list[PhotoItem], list[PhotoItem]] = ([], [])
    for name, header in uploads.items():
        photos[0 if name.startswith("liked") else 1].append(PhotoItem(photo_from_image(decode_upload(header)), name))
    return _recommend(models, model, items, settings, photos)


def _answer(request: Request, model: ServedModel, result: ForYou) -> Response:
    request.app.state.metrics.images.labels(model=model.name, endpoint="foryou").inc(len(result.images))
    report = result.report(model.generator)
    payload = {"model": model.name, "n": len(result.images), "seed": result.settings.seed,
               "explore": result.settings.explore, "media_type": "image/png",
               "images": base64_list(png_list(result.images)), "levels": result.levels,
               "level_frequencies": report["level_frequencies"], "liked": report["liked"],
               "disliked": report["disliked"], "near_copy_redraws": result.redraws}
    return Response(json.dumps(payload, separators=(",", ":")).encode(), media_type="application/json")
