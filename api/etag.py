"""ETag / If-None-Match on the API's answers: an unchanged answer costs a 304, not a query.

Every GET answer under /api/ depends only on the graph, its derived indexes and the code serving
it. Their version is read from the files themselves — the database, its write-ahead log, the text
and similarity indexes beside it (a commit appends to the log, a checkpoint rewrites the file, an
ingest rewrites the indexes) — plus a token of this server process (new code, new tags). A client
that sends back the tag it was given gets ``304 Not Modified`` before any route runs; a question
asked again is sent from the answer cache (api/answers.py), keyed by the same version.
"""
from __future__ import annotations

import hashlib
import os
import secrets
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from api.answers import Answer, AnswerCache

_PROCESS = secrets.token_hex(4)
# How long a version read from the files is used before they are read again. Writes of this server
# (uploads) reread it at once; the others (a LadybugDB file has no other writer while the server
# holds it) are seen within this much.
VERSION_SECONDS = 0.25


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
    """Pure ASGI: adds ``ETag`` to successful GET answers under ``prefix``, answers a matching
    ``If-None-Match`` with 304, and sends a repeated question's answer from ``answers``
    (api/answers.py). ``version`` None: no tags and no cache (a server database)."""

    # a health check must reach the store every time: a 304 would hide an outage; the cache's own
    # counts change with every request
    UNTAGGED = frozenset({"/api/health", "/api/answer-cache"})

    def __init__(self, app, version: Callable[[], str] | None, prefix: str = "/api/",
                 answers: AnswerCache | None = None) -> None:
        self.app = app
        self.version = version
        self.prefix = prefix
        self.answers = answers if answers is not None else AnswerCache(0)
        self._known: tuple[str, int, float] | None = None  # (version, write generation, read at)

    def current_version(self) -> str:
        """The graph's version, read from its files at most every VERSION_SECONDS (four stats and a
        hash were ~45 µs of every request), and at once after a write of this server began or
        ended; during a write, every time."""
        now = time.monotonic()
        known = self._known
        generation = self.answers.generation
        if (known is not None and known[1] == generation and now - known[2] < VERSION_SECONDS
                and not self.answers.writing):
            return known[0]
        version = self.version()
        self._known = (version, generation, now)
        return version

    async def __call__(self, scope, receive, send):
        if (scope["type"] != "http" or self.version is None or scope["method"] not in ("GET", "HEAD")
                or not scope["path"].startswith(self.prefix) or scope["path"] in self.UNTAGGED):
            await self.app(scope, receive, send)
            return
        version = self.current_version()
        tag = f'W/"{version}"'.encode()
        sent = _header(scope, b"if-none-match")
        if sent is not None and tag in [t.strip() for t in sent.split(b",")]:
            await send({"type": "http.response.start", "status": 304, "headers": list(_tags(tag))})
            await send({"type": "http.response.body", "body": b""})
            return
        answers = self.answers
        if not answers.enabled:
            await self.app(scope, receive, _tagging(send, tag))
            return
        key = (scope.get("raw_path") or scope["path"].encode(), scope.get("query_string", b""), version)
        kept = answers.get(key)
        if kept is not None:
            headers, body = kept.sent(kept.gzip and _accepts_gzip(scope))  # a header read only when it matters
            await send({"type": "http.response.start", "status": 200, "headers": headers})
            await send({"type": "http.response.body", "body": body})
            return
        generation = answers.generation
        headers: list | None = None
        chunks: list[bytes] | None = None
        size = 0
        to_compress: Answer | None = None

        async def keeping(message):
            nonlocal headers, chunks, size, to_compress
            if message["type"] == "http.response.start":
                if message["status"] == 200:
                    headers = [*message.get("headers", []), *_tags(tag)]
                    message = {**message, "headers": headers}
                    chunks = []
            elif message["type"] == "http.response.body" and chunks is not None:
                body = message.get("body", b"")
                size += len(body)
                if size > answers.raw_max:  # will not be kept: stop copying it
                    chunks = None
                    answers.too_large += 1
                else:
                    chunks.append(body)
                    if not message.get("more_body", False):
                        kept = Answer.of(headers, b"".join(chunks))
                        if answers.compresses(kept):
                            to_compress = kept
                        else:  # kept before it is sent: the same question asked next finds it
                            answers.put(key, kept, generation)
            await send(message)

        await self.app(scope, receive, keeping)
        # once the route has returned: compressing holds neither this client's wait nor the
        # route's expensive-read slot (api/answers.py)
        if to_compress is not None:
            await answers.put_compressed(key, to_compress, generation)
        if answers.over_budget:
            await answers.make_room()


def _tagging(send, tag: bytes):
    async def tagged(message):
        if message["type"] == "http.response.start" and message["status"] == 200:
            message = {**message, "headers": [*message.get("headers", []), *_tags(tag)]}
        await send(message)
    return tagged


def _tags(tag: bytes) -> tuple[tuple[bytes, bytes], ...]:
    """The headers every tagged answer carries: a kept one may be sent gzip-compressed to one
    client and not to another (api/answers.py), so shared caches must key it by Accept-Encoding."""
    return (b"etag", tag), (b"cache-control", b"no-cache"), (b"vary", b"accept-encoding")


def _accepts_gzip(scope) -> bool:
    """Whether the request's Accept-Encoding allows gzip (RFC 9110 12.5.3: by name or by ``*``,
    with a q-value other than 0)."""
    sent = _header(scope, b"accept-encoding")
    if not sent:
        return False
    allowed: dict[bytes, bool] = {}
    for item in sent.lower().split(b","):
        name, _, params = item.strip().partition(b";")
        q = params.strip()
        allowed[name.strip()] = not (q.startswith(b"q=") and q[2:].strip().strip(b"0.") == b"")
    return allowed.get(b"gzip", allowed.get(b"*", False))


def _header(scope, name: bytes) -> bytes | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return value
    return None
