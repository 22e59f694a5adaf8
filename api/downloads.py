"""`?format=csv|json` on the research answers: the answer the endpoint gives, flattened by
policy_graph/tables.py into rows with evidence and provenance and sent as a download.

An ASGI layer in front of the routers, so the endpoints stay as they are: a request without
``format`` on one of these paths passes straight through (a path lookup and a substring test).
"""
from __future__ import annotations

import json
import re
from urllib.parse import parse_qs

from starlette.concurrency import run_in_threadpool

from policy_graph import tables
from policy_graph.research import Trace

# path -> the answer it gives; the gaps path carries the region
_FIXED = {"/api/adopters": "adopters", "/api/timeline": "timeline", "/api/replications": "replications",
          "/api/paths": "paths", "/api/compare": "compare", "/api/measures": "measures",
          "/api/search": "measures"}
_GAPS = re.compile(r"^/api/regions/([^/]+)/gaps$")
# the question's words that name the file
_NAMING = ("q", "regions", "from", "to", "region", "document", "theme", "practice", "agency")
MEDIA = {"csv": "text/csv; charset=utf-8", "json": "application/json"}


def kind_of(path: str) -> str | None:
    return _FIXED.get(path) or ("gaps" if _GAPS.match(path) else None)


def _unwrapped(kind: str, answer):
    """The research function's answer inside the endpoint's body ({"items": …}, {"paths": …})."""
    if kind == "replications":
        return answer["items"]
    if kind == "paths":
        return answer["paths"]
    return answer


FORMAT_PARAMETER = {
    "name": "format", "in": "query", "required": False,
    "description": "download the answer as rows with evidence and provenance columns: csv (UTF-8 with a "
                   "BOM, for Excel) or json ({columns, rows}); without it the answer is the usual JSON",
    "schema": {"type": "string", "enum": list(tables.FORMATS)},
}


def declare_format(app) -> None:
    """Name ``format`` in the OpenAPI schema of every path this layer serves, so that clients
    generated from /openapi.json (and the /docs page) offer the download."""
    build = app.openapi

    def openapi() -> dict:
        if app.openapi_schema:
            return app.openapi_schema
        schema = build()
        for path, operations in schema.get("paths", {}).items():
            get = operations.get("get")
            if get is None or kind_of(re.sub(r"\{[^}]+\}", "x", path)) is None:
                continue
            params = get.setdefault("parameters", [])
            if not any(p.get("name") == "format" for p in params):
                params.append(FORMAT_PARAMETER)
        app.openapi_schema = schema
        return schema
    app.openapi = openapi


class Downloads:
    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        kind = kind_of(scope["path"]) if scope["type"] == "http" else None
        if kind is None or b"format=" not in scope.get("query_string", b""):
            return await self.app(scope, receive, send)
        params = parse_qs(scope["query_string"].decode("latin-1"))  # percent-escapes decode as UTF-8
        fmt = (params.get("format") or [""])[-1]
        if fmt not in tables.FORMATS:
            return await _send(send, 422, "application/json", json.dumps(
                {"detail": f"format must be csv or json, got {fmt!r}"}, ensure_ascii=False).encode())
        status, headers, body = await _inner(self.app, scope, receive)
        if status != 200:  # errors keep their own body and status
            return await _send(send, status, headers.get(b"content-type", b"application/json").decode(), body)
        answer = _unwrapped(kind, json.loads(body))
        table = await run_in_threadpool(tables.rows, Trace(scope["app"].state.store), kind, answer)
        name_parts = [v for k in _NAMING for v in params.get(k, [])]
        if kind == "gaps":
            from urllib.parse import unquote

            name_parts.insert(0, unquote(_GAPS.match(scope["path"]).group(1)))
        name = tables.filename(kind, fmt, *name_parts)
        await _send(send, 200, MEDIA[fmt], tables.render(kind, table, fmt),
                    [(b"content-disposition", tables.content_disposition(name).encode("latin-1"))])


async def _inner(app, scope, receive) -> tuple[int, dict[bytes, bytes], bytes]:
    """Run the endpoint and keep its whole response."""
    status, headers, chunks = 500, {}, []

    async def capture(message) -> None:
        nonlocal status, headers
        if message["type"] == "http.response.start":
            status, headers = message["status"], dict(message.get("headers") or [])
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await app(scope, receive, capture)
    return status, headers, b"".join(chunks)


async def _send(send, status: int, media: str, body: bytes, extra: list | None = None) -> None:
    headers = [(b"content-type", media.encode()), (b"content-length", str(len(body)).encode()), *(extra or [])]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
