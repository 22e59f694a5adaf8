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

When the budget is full, the least recently used large answers (16 kB and more) are
gzip-compressed before any answer is let go (a comparison of two regions is ~190 kB of JSON at
10k measures, ~31 kB compressed), so the budget holds five to six times as many of them. A
compressed answer is sent as kept to a client that accepts gzip (browsers, httpx, requests, curl
--compressed) and decompressed for any other (0.1 ms for that comparison, ~0.4 ms for a broad
text question's 735 kB at 100k measures): byte for byte the route's answer, at a fraction of
working it out again. Answers stay as they are while there is room.

Compressing can cost more than working an answer out again (3.0 ms for an 840 kB comparison at
100k measures, against ~2 ms for the request), so it pays only for an answer asked again while
compressed. On a walk over more answers than even the compressed budget holds, least recently
used lets each go just before it comes round, and every compression is wasted. So the cache
keeps score over its last OUTCOMES:
- a compressed answer asked again scores for compressing; one let go unasked scores against;
- an answer let go as sent is remembered (a ghost: its key, and how many bytes had been let go
  by then). Asked again, it scores for compressing if compressing would have kept it: if fewer
  bytes were let go since than the room compressing makes (the budget times 1/ratio - 1, ratio
  being what compressing has lately made of an answer), else against.
While less than half the score is for, large answers are let go as sent, not compressed.

Everything here runs on the event loop (the ETag layer and the upload route's own await
points), so the dictionary needs no lock. Only compressing runs on a worker thread, once the
route that filled the budget has returned (``make_room``): zlib-ng lets go of the interpreter, so
it takes the core the one expensive request running at a time leaves free (api/limits.py), and
holds neither a client nor that request's slot. Meanwhile the budget may be overrun by at most a
quarter; past that, the least recently used are let go at once.
"""
from __future__ import annotations

import asyncio
from collections import OrderedDict, deque
from dataclasses import dataclass

from zlib_ng import zlib_ng as gzip_codec

# An entry's bytes beyond its body: key, header list, the tuple itself (an estimate that keeps the
# budget honest for small answers).
ENTRY_OVERHEAD = 512
# A single answer may use at most this share of the budget: one huge answer must not evict
# hundreds of small ones (a 13 MB comparison once fit in no budget at all).
ENTRY_SHARE = 16
# Answers from this size on may be compressed. Below it the saving is a few kB, and the small
# answers (a measure, a page of search hits) are the most asked: they are always sent as kept.
GZIP_FROM = 16 * 1024
# zlib-ng's deflate (python-zlib-ng; the same gzip format, any client's zlib reads it) at level 3,
# not the standard library's zlib at level 3: on every answer measured (comparisons of 189 kB at
# 10k measures and 841 kB at 100k, text questions of 180-735 kB at 100k; in process, a quiet
# machine) it is smaller (14.6-16.6 % of the JSON against 15.5-17.2 %), compresses in about two
# thirds of the time (735 kB: 2.39 against 3.75 ms) and inflates in a quarter to under a half
# (0.41 against 1.70 ms). ISA-L (python-isal) compressed four times faster still at its level 2,
# but 10-18 % larger: a walk of 2,000 comparisons at 10k that fit the default budget compressed
# then did not (94 -> 78 % of wrk's requests answered from the cache); its level 3 was larger
# than zlib's on text answers.
GZIP_LEVEL = 3
# How much larger than the entry cap an answer may be before it is compressed: JSON answers shrink
# five- to eightfold, so one of up to this many times the cap may still fit once compressed.
RAW_PER_ENTRY = 8
# Compressing pays while at least this share of the last OUTCOMES scores (see the module's doc)
# is for it (judged from OUTCOMES_MIN of them on).
PAYS_SHARE = 0.5
OUTCOMES = 64
OUTCOMES_MIN = 16
# What compressing makes of a large answer, until one is compressed: a comparison at 10k
# measures, 189 kB, is 31 kB compressed.
RATIO_AT_FIRST = 0.2
# Answers let go as sent that are remembered at most.
GHOSTS_MAX = 4_096


def gzipped(body: bytes) -> bytes:
    """``body`` as a gzip member (what ``Content-Encoding: gzip`` means)."""
    z = gzip_codec.compressobj(GZIP_LEVEL, gzip_codec.DEFLATED, 16 + gzip_codec.MAX_WBITS)
    return z.compress(body) + z.flush()


@dataclass(frozen=True)
class Answer:
    """A kept answer: its headers as sent (ETag and Cache-Control included; once compressed,
    without Content-Length, which then depends on the encoding sent) and its body,
    gzip-compressed when ``gzip``."""
    headers: tuple[tuple[bytes, bytes], ...]
    body: bytes
    gzip: bool = False

    @classmethod
    def of(cls, headers: list[tuple[bytes, bytes]], body: bytes) -> Answer:
        """What is kept of an answer sent with ``headers`` and ``body``."""
        return cls(tuple(headers), body)

    @property
    def compressible(self) -> bool:
        return not self.gzip and len(self.body) >= GZIP_FROM

    def compressed(self) -> Answer:
        return Answer(tuple((k, v) for k, v in self.headers if k.lower() != b"content-length"),
                      gzipped(self.body), True)

    def sent(self, accepts_gzip: bool) -> tuple[list[tuple[bytes, bytes]], bytes]:
        """The headers and the body to send to a client that does or does not accept gzip: an
        answer kept as it was sent goes out as it was, headers and all."""
        if not self.gzip:
            return list(self.headers), self.body
        headers, body = list(self.headers), self.body
        if accepts_gzip:
            headers.append((b"content-encoding", b"gzip"))
        else:
            body = gzip_codec.decompress(body, 16 + gzip_codec.MAX_WBITS)
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
        self.overrun_max = self.budget + self.budget // 4  # while make_room has yet to compress
        self._entries: OrderedDict[tuple, Answer] = OrderedDict()  # least recently used first
        self._plain: OrderedDict[tuple, None] = OrderedDict()  # the compressible ones, in the same order
        self._compressing = 0  # make_room's compressions under way
        self._unasked: set[tuple] = set()  # compressed, not asked for since
        self._outcomes: deque[bool] = deque(maxlen=OUTCOMES)  # the score: True for compressing
        self._ratio = RATIO_AT_FIRST  # compressed size / size as sent, lately
        self._let_go = 0  # bytes of the answers let go to make room, ever
        self._ghosts: OrderedDict[tuple, int] = OrderedDict()  # let go as sent: _let_go then
        self.bytes = 0
        self.hits = 0
        self.misses = 0
        self.too_large = 0  # answers not kept: larger than entry_max (raw_max before compression)
        self.gzipped = 0  # answers compressed: to make room, or to fit the entry cap
        self.generation = 0  # moves at both ends of every write
        self.writing = 0

    @property
    def enabled(self) -> bool:
        return self.budget > 0

    @property
    def over_budget(self) -> bool:
        return self.bytes > self.budget

    def get(self, key: tuple) -> Answer | None:
        answer = self._entries.get(key)
        if answer is None:
            self.misses += 1
            return None
        self._entries.move_to_end(key)
        if key in self._plain:
            self._plain.move_to_end(key)
        if key in self._unasked:
            self._unasked.discard(key)
            self._outcomes.append(True)
        self.hits += 1
        return answer

    @property
    def compression_pays(self) -> bool:
        """Whether at least PAYS_SHARE of the last scores are for compressing (see the module's
        doc); True until OUTCOMES_MIN of them are known."""
        return len(self._outcomes) < OUTCOMES_MIN or sum(self._outcomes) >= PAYS_SHARE * len(self._outcomes)

    @property
    def _room_compressing_makes(self) -> float:
        """Bytes as sent that compressing would let the budget hold beyond itself (none when
        compressing lately made answers no smaller)."""
        return self.budget * max(0.0, 1 / self._ratio - 1)

    def _returned(self, key: tuple) -> None:
        """Score an answer let go as sent and now kept again: would compressing have kept it?"""
        went = self._ghosts.pop(key, None)
        if went is not None:
            self._outcomes.append(self._let_go - went <= self._room_compressing_makes)

    def compresses(self, answer: Answer) -> bool:
        """Whether ``answer`` fits the entry cap only compressed (put_compressed keeps it so)."""
        return answer.compressible and answer.size > self.entry_max

    async def put_compressed(self, key: tuple, answer: Answer, generation: int) -> bool:
        """put ``answer`` compressed, compressed on a worker thread (see the module's doc)."""
        smaller = await asyncio.to_thread(answer.compressed)
        kept = self.put(key, smaller, generation)
        if kept:
            self._learn_ratio(answer, smaller)
        return kept

    def put(self, key: tuple, answer: Answer, generation: int) -> bool:
        """Keep ``answer`` unless a write began or ended since its request started (``generation``
        is what the request saw then) or it is over the entry cap. Over the budget, the least
        recently used large answers are to be compressed (make_room); when none is left to
        compress, or the overrun passes a quarter of the budget, the least recently used go."""
        if generation != self.generation or self.writing:
            return False
        size = answer.size
        if size > self.entry_max:
            self.too_large += 1
            return False
        self._drop(key, evicted=False)
        self._returned(key)
        if answer.gzip:
            self._count_compressed(key)
        self._entries[key] = answer
        if answer.compressible:
            self._plain[key] = None
        self.bytes += size
        # the overrun is for make_room to compress into; with nothing it will compress, none
        while self.bytes > (self.overrun_max if (self._plain and self.compression_pays) or self._compressing
                            else self.budget):
            self._drop(next(iter(self._entries)))
        return True

    async def make_room(self) -> None:
        """Compress the least recently used large answers, one at a time on a worker thread, until
        the answers fit the budget; then let the least recently used go if they still do not
        (once no other compression is under way: it may make the room)."""
        while self.bytes > self.budget and self._plain:
            key, _ = self._plain.popitem(last=False)
            if not self.compression_pays:
                continue  # kept as sent; the loop below lets it go in its turn
            answer = self._entries[key]
            generation = self.generation
            self._compressing += 1
            try:
                smaller = await asyncio.to_thread(answer.compressed)
            finally:
                self._compressing -= 1
            if generation == self.generation and self._entries.get(key) is answer:
                self._entries[key] = smaller  # keeps its place in the order
                self.bytes -= answer.size - smaller.size
                self._count_compressed(key)
                self._learn_ratio(answer, smaller)
        while self.bytes > self.budget and not self._compressing:
            self._drop(next(iter(self._entries)))

    def _count_compressed(self, key: tuple) -> None:
        """``key``'s answer is now kept compressed: a compression to score once it is asked again
        or let go unasked."""
        self.gzipped += 1
        self._unasked.add(key)

    def _learn_ratio(self, answer: Answer, smaller: Answer) -> None:
        """What compressing lately made of an answer (``smaller`` is ``answer`` compressed)."""
        self._ratio += (smaller.size / answer.size - self._ratio) / 8

    def _drop(self, key: tuple, evicted: bool = True) -> None:
        """Let ``key``'s answer go: ``evicted`` to make room (a compressed answer not asked again
        since is a compression that did not pay), else replaced by a newer answer."""
        old = self._entries.pop(key, None)
        if old is not None:
            self.bytes -= old.size
            if evicted:
                self._let_go += old.size
                if old.compressible:
                    self._ghosts[key] = self._let_go
                    while self._ghosts and (len(self._ghosts) > GHOSTS_MAX or (
                            self._let_go - next(iter(self._ghosts.values())) > 2 * self._room_compressing_makes)):
                        self._ghosts.popitem(last=False)  # too long ago to tell anything
        self._plain.pop(key, None)
        if key in self._unasked:
            self._unasked.discard(key)
            if evicted:
                self._outcomes.append(False)

    def begin_write(self) -> None:
        self.writing += 1
        self._changed()

    def end_write(self) -> None:
        self.writing -= 1
        self._changed()

    def _changed(self) -> None:
        self.generation += 1
        self._entries.clear()
        self._plain.clear()
        self._unasked.clear()  # let go for the write, not for want of asking
        self._ghosts.clear()
        self.bytes = 0

    def stats(self) -> dict[str, int | bool]:
        return {"budget_bytes": self.budget, "entry_max_bytes": self.entry_max, "entries": len(self._entries),
                "bytes": self.bytes, "hits": self.hits, "misses": self.misses, "too_large": self.too_large,
                "gzipped": self.gzipped, "compression_pays": self.compression_pays}
