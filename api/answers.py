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

Everything here runs on the event loop (the ETag layer and the upload route's own await
points), so the dictionary needs no lock.
"""
from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

# An entry's bytes beyond its body: key, header list, the tuple itself (an estimate that keeps the
# budget honest for small answers).
ENTRY_OVERHEAD = 512
# A single answer may use at most this share of the budget: one huge answer must not evict
# hundreds of small ones (a 13 MB comparison once fit in no budget at all).
ENTRY_SHARE = 16


@dataclass(frozen=True)
class Answer:
    headers: tuple[tuple[bytes, bytes], ...]  # as sent, ETag and Cache-Control included
    body: bytes

    @property
    def size(self) -> int:
        return len(self.body) + sum(len(k) + len(v) for k, v in self.headers) + ENTRY_OVERHEAD


class AnswerCache:
    def __init__(self, budget_bytes: int) -> None:
        self.budget = max(0, budget_bytes)
        self.entry_max = self.budget // ENTRY_SHARE
        self._entries: OrderedDict[tuple, Answer] = OrderedDict()
        self.bytes = 0
        self.hits = 0
        self.misses = 0
        self.too_large = 0  # answers not kept: larger than entry_max
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

    def put(self, key: tuple, answer: Answer, generation: int) -> bool:
        """Keep ``answer`` unless a write began or ended since its request started (``generation``
        is what the request saw then) or it is over the entry cap; evict the least recently used."""
        if generation != self.generation or self.writing:
            return False
        size = answer.size
        if size > self.entry_max:
            self.too_large += 1
            return False
        old = self._entries.pop(key, None)
        if old is not None:
            self.bytes -= old.size
        self._entries[key] = answer
        self.bytes += size
        while self.bytes > self.budget:
            _, evicted = self._entries.popitem(last=False)
            self.bytes -= evicted.size
        return True

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
                "bytes": self.bytes, "hits": self.hits, "misses": self.misses, "too_large": self.too_large}
