"""Photo forms read into memory: the multipart body parsed as it streams, within the byte limit.

Why not FastAPI's File/Form parameters: Starlette spools every upload over 1 MB to a temporary
file, and the service promises that an uploaded photo is never written to disk. Here the body,
already counted against max_upload_bytes by the guard (serve/guard.py), is parsed by
python-multipart with its in-memory limit above that, so no part can reach the disk. The text
fields are then checked by a pydantic model: a wrong field is the same 422 as in a JSON body, and
the model also describes the form in the OpenAPI schema (/docs).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError
from python_multipart import create_form_parser
from python_multipart.exceptions import FormParserError

from productgan.serve.errors import LimitError, RequestError, UnsupportedMediaType
from productgan.serve.limits import ServeLimits

MULTIPART = "multipart/form-data"


@dataclass
class PhotoForm:
    """Every part of a multipart form by name, as bytes; file parts are kept apart from text ones."""

    parts: dict[str, bytes] = field(default_factory=dict)
    files: set[str] = field(default_factory=set)

    def file(self, name: str, required: bool = True) -> bytes | None:
        """A file part's bytes (a text part of that name is taken as the file too, as curl -F name=<file sends it)."""
        if name not in self.parts and required:
            raise RequestValidationError([{"type": "missing", "loc": ("body", name), "msg": "Field required"}])
        return self.parts.get(name)

    def fields(self, model: type[BaseModel], file_names: tuple[str, ...]) -> BaseModel:
        """The text parts checked by `model`; a part that is not valid UTF-8 is a 400 naming it."""
        text = {}
        for name, value in self.parts.items():
            if name in file_names:
                continue
            try:
                text[name] = value.decode("utf-8")
            except UnicodeDecodeError:
                raise RequestError(f"form field {name!r} is not UTF-8 text") from None
        try:
            return model.model_validate(text)
        except ValidationError as error:
            raise RequestValidationError([{**item, "loc": ("body", *item["loc"])} for item in error.errors()]) from None


async def read_photo_form(request: Request, limits: ServeLimits) -> PhotoForm:
    """Parse a multipart/form-data body into memory; at most limits.max_form_fields parts."""
    content_type = request.headers.get("content-type", "")
    if not content_type.lower().startswith(MULTIPART):
        raise UnsupportedMediaType(f"send the photo as {MULTIPART} (a form with a file field), not "
                                   f"{content_type.split(';')[0] or 'no content type'}")
    form = PhotoForm()

    def keep(name: bytes | None, value: bytes, is_file: bool) -> None:
        key = (name or b"").decode("utf-8", "replace")
        if key in form.parts:
            raise RequestError(f"form field {key!r} is sent twice")
        if len(form.parts) >= limits.max_form_fields:
            raise LimitError(f"a photo form has at most {limits.max_form_fields} fields")
        form.parts[key] = value
        if is_file:
            form.files.add(key)

    config = {"MAX_MEMORY_FILE_SIZE": limits.max_upload_bytes + 1, "MAX_BODY_SIZE": limits.max_upload_bytes}
    try:
        parser = create_form_parser({"Content-Type": content_type.encode("latin-1")},
                                    lambda part: keep(part.field_name, part.value or b"", False),
                                    lambda part: keep(part.field_name, part.file_object.getvalue(), True), config)
        async for chunk in request.stream():
            parser.write(chunk)
        parser.finalize()
    except (FormParserError, ValueError, UnicodeEncodeError) as error:
        raise RequestError(f"the multipart form is malformed ({error})") from None
    return form


def form_openapi(model: type[BaseModel], files: dict[str, bool]) -> dict:
    """openapi_extra for a route that reads its form itself: the model's fields plus the files
    (name -> required), so /docs shows a form with file pickers."""
    schema = model.model_json_schema()
    properties = {name: {"type": "string", "format": "binary"} for name in files} | schema.get("properties", {})
    required = [name for name, needed in files.items() if needed] + schema.get("required", [])
    body = {"type": "object", "properties": properties, "required": required}
    return {"requestBody": {"required": True, "content": {MULTIPART: {"schema": body}}}}
