"""ETag / If-None-Match on the API's answers: an unchanged answer costs a 304, not a query.

Every GET answer under /api/ depends only on the graph, its derived indexes and the code serving
it. Their version is read from the files themselves — the database, its write-ahead log, the text
and similarity indexes beside it (a commit appends to the log, a checkpoint rewrites the file, an
ingest rewrites the indexes) — plus a token of this server process (new code, new tags). A client
that sends back the tag it was given gets ``304 Not Modified`` before any route runs.
"""
from __future__ import annotations

import hashlib
import os
import secrets
from collections.abc import Callable, Sequence
from pathlib import Path

_PROCESS = secrets.token_hex(4)


def graph_files(db: Path) -> list[Path]:
    """The files whose state is the graph's: the database, its log and the derived indexes."""
    return [db, Path(f"{db}.wal"), Path(f"{db}.fts"), Path(f"{db}.simindex")]


def file_version(paths: Sequence[Path]) -> str:
    parts = [_PROCESS]
    for path in paths:
        try:
            st = os.stat(path)
        except OSError:
            parts.append("-")
            continue
        parts.append(f"{st.st_ino}:{st.st_mtime_ns}:{st.st_size}")
    return hashlib.blake2b("|".join(parts).encode(), digest_size=8).hexdigest()


class ETagMiddleware:
    """Pure ASGI: adds ``ETag`` to successful GET answers under ``prefix`` and answers a
    matching ``If-None-Match`` with 304. ``version`` None: no tags (a server database)."""

    # a health check must reach the store every time: a 304 would hide an outage
    UNTAGGED = frozenset({"/api/health"})

    def __init__(self, app, version: Callable[[], str] | None, prefix: str = "/api/") -> None:
        self.app = app
        self.version = version
        self.prefix = prefix

    async def __call__(self, scope, receive, send):
        if (scope["type"] != "http" or self.version is None or scope["method"] not in ("GET", "HEAD")
                or not scope["path"].startswith(self.prefix) or scope["path"] in self.UNTAGGED):
            await self.app(scope, receive, send)
            return
        tag = f'W/"{self.version()}"'.encode()
        sent = _header(scope, b"if-none-match")
        if sent is not None and tag in [t.strip() for t in sent.split(b",")]:
            await send({"type": "http.response.start", "status": 304,
                        "headers": [(b"etag", tag), (b"cache-control", b"no-cache")]})
            await send({"type": "http.response.body", "body": b""})
            return

        async def tagged(message):
            if message["type"] == "http.response.start" and message["status"] == 200:
                message = {**message, "headers": [*message.get("headers", []), (b"etag", tag),
                                                  (b"cache-control", b"no-cache")]}
            await send(message)

        await self.app(scope, receive, tagged)


def _header(scope, name: bytes) -> bytes | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return value
    return None
