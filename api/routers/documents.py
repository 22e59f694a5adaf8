"""POST /api/documents: upload one policy document and load it like the CLI does.

The body is bounded before it is parsed: a declared Content-Length over the limit is refused
without reading, and an undeclared (chunked) body is counted as it arrives. The token is checked
before any of it is read, so nobody without one can make the server buffer anything.
"""
from __future__ import annotations

import threading
from pathlib import PurePosixPath
from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.datastructures import UploadFile

from api.auth import require_writer
from api.models import Counts
from graph.store import GraphStore
from ingest.errors import IngestError
from policy_graph import lookups
from policy_graph.isolated import ChildDied
from policy_graph.regions import closest_regions, gazetteer_region
from policy_graph.settings import Settings

router = APIRouter(prefix="/api", tags=["documents"])

# One writer per server process: LadybugDB takes one write transaction at a time, and the
# similarity index file is read, extended and rewritten by each ingest.
_WRITE_LOCK = threading.Lock()

FORM_FIELDS = ("region", "title", "date")
MAX_FIELD_CHARS = 300


class UploadResult(BaseModel):
    document_id: str
    title: str | None
    region: str | None
    date: str | None
    date_source: str | None = None  # signature | doc_number_year | manifest | page_date
    measure_count: int
    replaced: bool
    counts: Counts


class BodyTooLarge(HTTPException):
    def __init__(self, limit: int) -> None:
        super().__init__(status_code=413, detail=f"upload is larger than the {limit}-byte limit "
                                                 "(POLICY_GRAPH_MAX_UPLOAD_BYTES)")


_UPLOAD_SCHEMA = {
    "requestBody": {
        "required": True,
        "content": {"multipart/form-data": {"schema": {
            "type": "object",
            "required": ["file"],
            "properties": {
                "file": {"type": "string", "format": "binary",
                         "description": "the document: plain text (UTF-8, GBK/GB18030, UTF-16) or HTML"},
                "region": {"type": "string", "maxLength": MAX_FIELD_CHARS,
                           "description": "issuing region, when the text does not say"},
                "title": {"type": "string", "maxLength": MAX_FIELD_CHARS},
                "date": {"type": "string", "maxLength": MAX_FIELD_CHARS, "description": "YYYY-MM-DD"},
            },
        }}},
    },
}


def _counting_receive(request: Request, limit: int):
    seen = 0

    async def receive():
        nonlocal seen
        message = await request.receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                raise BodyTooLarge(limit)
        return message
    return receive


async def _read_form(request: Request, limit: int) -> tuple[bytes, str, dict[str, str]]:
    declared = request.headers.get("content-length")
    if declared is not None:
        if not declared.isdigit():
            raise HTTPException(status_code=400, detail="Content-Length is not a number")
        if int(declared) > limit:
            raise BodyTooLarge(limit)
    if not request.headers.get("content-type", "").lower().startswith("multipart/form-data"):
        raise HTTPException(status_code=415, detail="send the document as multipart/form-data "
                                                    "with a 'file' part")
    counted = Request(request.scope, receive=_counting_receive(request, limit))
    try:
        form = await counted.form(max_files=1, max_fields=len(FORM_FIELDS) + 1)
    except HTTPException:
        raise
    except Exception as exc:  # malformed multipart is the client's error, not ours
        raise HTTPException(status_code=400, detail=f"cannot parse the multipart body: {exc}") from exc
    try:
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise HTTPException(status_code=422, detail="the form has no 'file' part holding a document")
        data = await upload.read()
        overrides: dict[str, str] = {}
        for name in FORM_FIELDS:
            value = form.get(name)
            if value is None:
                continue
            if not isinstance(value, str):
                raise HTTPException(status_code=422, detail=f"form field {name!r} must be text")
            if len(value) > MAX_FIELD_CHARS:
                raise HTTPException(status_code=422,
                                    detail=f"form field {name!r} is longer than {MAX_FIELD_CHARS} characters")
            if value.strip():
                overrides[name] = value.strip()
        if "region" in overrides:
            overrides["region"] = _known_region(overrides["region"])
        # Only the base name: it labels the document and decides HTML vs text, it is never a path here.
        name = PurePosixPath((upload.filename or "").replace("\\", "/")).name[:200] or "upload.txt"
        return data, name, overrides
    finally:
        await form.close()


def _known_region(text: str) -> str:
    """The gazetteer region an upload names, or 422: a name the gazetteer does not know would
    otherwise become a region of its own in every answer (亚特兰蒂斯, markup, a typo)."""
    name = gazetteer_region(text)
    if name is not None:
        return name
    closest = closest_regions(text)
    hint = (f"closest: {', '.join(closest)}" if closest
            else "no gazetteer region resembles it; GET /api/regions?all=true lists them")
    raise HTTPException(status_code=422, detail=f"region {text!r} is not in the gazetteer ({hint})")


def ingest_upload(store: GraphStore, settings: Settings, data: bytes, name: str,
                  overrides: dict[str, str]) -> dict[str, Any]:
    """Parse and load one document exactly as ``policy-graph ingest`` would (runs in a worker
    thread). Parsing and linking run in a child process (policy_graph/isolated.py), so readers
    keep the interpreter; this process only writes to the graph."""
    from policy_graph.isolated import in_child
    from policy_graph.service import IngestReport, load_records, parse_upload

    # Parsing needs no lock: a refused document never reaches the store.
    document = in_child(parse_upload, data, name, overrides, settings.max_upload_bytes)
    with _WRITE_LOCK:
        replaced = bool(store.run("document_get", {"id": document.id}))
        load_records(store, IngestReport(documents=[document]), index_path=settings.similarity_index_path,
                     run=in_child)
        counts = lookups.counts(store)
    return {"document_id": document.id, "title": document.title, "region": document.region,
            "date": document.date, "date_source": document.date_source,
            "measure_count": sum(1 for m in document.measures if m.kind == "measure"),
            "replaced": replaced, "counts": counts}


@router.post("/documents", response_model=UploadResult, status_code=201,
             openapi_extra=_UPLOAD_SCHEMA,
             responses={200: {"description": "the same document was already in the graph; reloaded"},
                        400: {"description": "malformed request body"},
                        401: {"description": "missing or wrong bearer token"},
                        403: {"description": "uploads are disabled (no POLICY_GRAPH_TOKEN)"},
                        413: {"description": "body over POLICY_GRAPH_MAX_UPLOAD_BYTES"},
                        415: {"description": "not multipart/form-data"},
                        422: {"description": "the document cannot be ingested, or its region is not "
                                              "in the gazetteer; detail says why"},
                        503: {"description": "the ingest worker process died; upload again"}})
async def upload_document(request: Request, _writer: None = Depends(require_writer)):
    settings: Settings = request.app.state.settings
    data, name, overrides = await _read_form(request, settings.max_upload_bytes)
    answers = request.app.state.answers  # kept answers are dropped as the graph changes (api/answers.py)
    answers.begin_write()
    try:
        result = await run_in_threadpool(ingest_upload, request.app.state.store, settings,
                                         data, name, overrides)
    except IngestError as exc:
        raise HTTPException(status_code=422, detail=f"{exc.name}: {exc.reason}") from exc
    except ChildDied as exc:
        raise HTTPException(status_code=503, detail=(
            f"{name}: {exc}. Other documents are intact; this one is absent or loaded without "
            "its similar-to links, and uploading it again completes it")) from exc
    finally:
        # health's snapshot (api/counts.py) is counted again before the answer: a client that
        # uploads and then asks /api/health sees its document (a replaced one keeps the measure
        # count, so the recount is forced)
        answers.end_write()
        await run_in_threadpool(request.app.state.counts.refresh, True)
    body = UploadResult(**result)
    return JSONResponse(body.model_dump(), status_code=200 if body.replaced else 201)
