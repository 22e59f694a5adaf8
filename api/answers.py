"""The answer cache: a repeated question costs a dictionary lookup, not a query.

Every GET answer under /api/ that the ETag covers (api/etag.py) depends only on the graph's
version, the request's path and its query string. So the encoded answer (status 200, its
headers and its bytes, exactly as sent) is kept in a bounded LRU keyed by those three, and the
ETag layer sends it again for the same question (inside the request ids, outside the cost limits: a kept
answer costs a lookup, so it neither waits for an expensive request's slot nor counts against a client's share).

Exactness: the graph's version is part of the key, so an answer of an older graph is never
found for a newer one. This server is the only writer of its LadybugDB file; its writes (an
upload) bracket themselves with ``begin_write``/``end_write``: every entry is dropped at both
ends, and an answer whose request overlapped a write is not kept (it may have read half of it).

Once the budget is full, a large answer is kept gzip-compressed (a comparison of two regions is
~160 kB of JSON at 10k measures, ~28 kB compressed): as the least recently used answers are let
go, the budget comes to hold five to seven times as many of them. A compressed answer is sent as
kept to a client that accepts gzip (browsers, httpx, requests, curl --compressed) and
decompressed for any other, byte for byte the route's answer. Answers kept while there is room
stay as they are: decompressing a broad theme's 600 kB answer costs ~1.5 ms, against the
lookup's microseconds. Kept answers are never compressed later: which of them will be asked
again is not known, and compressing the oldest first kept recent answers compressed behind
older ones that were never asked again.

Everything here runs on the event loop (the ETag layer and the upload route's own await
points), so the dictionary needs no lock; only compressing an answer runs on a worker thread,
and the answer is kept (or not: a write began meanwhile) back on the loop.
"""
from __future__ import annotations

import asyncio
import zlib
from collections import OrderedDict
from dataclasses import dataclass

# An entry's bytes beyond its body: key, header list, the tuple itself (an estimate that keeps the
# budget honest for small answers).
ENTRY_OVERHEAD = 512
# A single answer may use at most this share of the budget: one huge answer must not evict
# hundreds of small ones (a 13 MB comparison once fit in no budget at all).
ENTRY_SHARE = 16
# Answers from this size on may be compressed. Below it the saving is a few kB, and the small
# answers (a measure, a page of search hits) are the most asked: they are always sent as kept.
GZIP_FROM = 16 * 1024
# zlib's level 3, for a median 163 kB comparison at 10k measures (30 of them, in process, a quiet
# machine): 28.0 kB in 1.05 ms, against 30.9 kB in 0.93 ms at level 1 and 23.7 kB in 2.46 ms at 6;
# decompressing takes 0.3 ms at any of them.
GZIP_LEVEL = 3
# How much larger than the entry cap an answer may be before it is compressed: JSON answers shrink
# five- to eightfold, so one of up to this many times the cap may still fit once compressed.
RAW_PER_ENTRY = 8


def gzipped(body: bytes) -> bytes:
    """``body`` as a gzip member (what ``Content-Encoding: gzip`` means)."""
    z = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    return z.compress(body) + z.flush()


@dataclass(frozen=True)
class Answer:
    """A kept answer: its headers as sent (ETag and Cache-Control included, Content-Length left
    out: it depends on the encoding sent) and its body, gzip-compressed when ``gzip``."""
    headers: tuple[tuple[bytes, bytes], ...]
    body: bytes
    gzip: bool = False

    @classmethod
    def of(cls, headers: list[tuple[bytes, bytes]], body: bytes) -> Answer:
        """What is kept of an answer sent with ``headers`` and ``body``."""
        return cls(tuple((k, v) for k, v in headers if k.lower() != b"content-length"), body)

    @property
    def compressible(self) -> bool:
        return not self.gzip and len(self.body) >= GZIP_FROM

    def compressed(self) -> Answer:
        return Answer(self.headers, gzipped(self.body), True)

    def sent(self, accepts_gzip: bool) -> tuple[list[tuple[bytes, bytes]], bytes]:
        """The headers and the body to send to a client that does or does not accept gzip."""
        body, headers = self.body, list(self.headers)
        if self.gzip:
            if accepts_gzip:
                headers.append((b"content-encoding", b"gzip"))
            else:
                body = zlib.decompress(body, 16 + zlib.MAX_WBITS)
        headers.append((b"content-length", str(len(body)).encode()))
        return headers, body

    @property
    def size(self) -> int:
        return len(self.body) + sum(len(k) + len(v) for k, v in self.headers) + ENTRY_OVERHEAD


class AnswerCache:
    def __init__(self, budget_bytes: int) -> None:
        self.budget = max(0, budget_bytes)
        self.entry_max = self.budget // ENTRY_SHARE  # of a kept answer, compressed or not
        self.raw_max = self.entry_max * RAW_PER_ENTRY  # of an answer as the route gives it
        self._entries: OrderedDict[tuple, Answer] = OrderedDict()  # least recently used first
        self.bytes = 0
        self.hits = 0
        self.misses = 0
        self.too_large = 0  # answers not kept: larger than entry_max (raw_max before compression)
        self.gzipped = 0  # answers kept compressed: over the entry cap, or once the budget was full
        self.generation = 0  # moves at both ends of every write
        self.writing = 0

    @property
    def enabled(self) -> bool:
        return self.budget > 0

    def get(self, key: tuple) -> Answer | None:
        answer = self._entries.get(key)
        if answer is None:
            self.misses += 1
            return None
        self._entries.move_to_end(key)
        self.hits += 1
        return answer

    def compresses(self, answer: Answer) -> bool:
        """Whether ``answer`` is to be kept compressed: it is large, and the budget is full or it
        is over the entry cap as it is."""
        return answer.compressible and (answer.size > self.entry_max or self.bytes + answer.size > self.budget)

    async def put_compressed(self, key: tuple, answer: Answer, generation: int) -> bool:
        """put ``answer`` compressed. The compression runs on a worker thread: zlib lets go of the
        interpreter, so it takes the core that the one expensive request running at a time leaves
        free (api/limits.py), not the event loop's; at 100k measures a comparison's ~600 kB took
        ~4 ms to compress, a fifth of its request."""
        return self.put(key, await asyncio.to_thread(answer.compressed), generation)

    def put(self, key: tuple, answer: Answer, generation: int) -> bool:
        """Keep ``answer`` unless a write began or ended since its request started (``generation``
        is what the request saw then) or it is over the entry cap; the least recently used are
        let go to make room."""
        if generation != self.generation or self.writing:
            return False
        size = answer.size
        if size > self.entry_max:
            self.too_large += 1
            return False
        if answer.gzip:
            self.gzipped += 1
        self._drop(key)
        self._entries[key] = answer
        self.bytes += size
        while self.bytes > self.budget:
            self._drop(next(iter(self._entries)))
        return True

    def _drop(self, key: tuple) -> None:
        old = self._entries.pop(key, None)
        if old is not None:
            self.bytes -= old.size

    def begin_write(self) -> None:
        self.writing += 1
        self._changed()

    def end_write(self) -> None:
        self.writing -= 1
        self._changed()

    def _changed(self) -> None:
        self.generation += 1
        self._entries.clear()
        self.bytes = 0

    def stats(self) -> dict[str, int]:
        return {"budget_bytes": self.budget, "entry_max_bytes": self.entry_max, "entries": len(self._entries),
                "bytes": self.bytes, "hits": self.hits, "misses": self.misses, "too_large": self.too_large,
                "gzipped": self.gzipped}
