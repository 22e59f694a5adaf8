"""Cost limits on the expensive reads: a per-client cap, a server-wide cap with a short queue,
and a time budget per request.

On a 203k-measure graph one `/viz/theme/...?limit=1000` took 6.4 s, and 8 anonymous clients
asking for it pushed `/api/health` to 40 s: every worker thread and every database connection
was busy with drawings. So the expensive routes (drawings, research answers, search, subgraphs)
are admitted through two gates before any of their work starts:

- a client (one address) has at most ``per_client`` of them in flight; one more is 429;
- at most ``slots`` run in the whole server, fewer than the database's read connections, so
  cheap requests (health, one measure, lists) always find a connection and a thread; an
  expensive request waits for a slot at most ``queue_seconds`` and is then answered 503 with
  Retry-After;
- once admitted, its queries must finish within ``budget_seconds`` in all: a query asked after
  that raises QueryTimeout (503) instead of holding a connection for another 10 s.

The gates are asyncio primitives on the event loop: a waiting request holds no thread.
"""
from __future__ import annotations

import asyncio
import json
import re
import time
from collections import Counter
from dataclasses import dataclass

from starlette.types import ASGIApp, Receive, Scope, Send

from graph.store import request_deadline
from policy_graph import pause_points

# Path prefixes of the routes whose cost grows with the graph.
EXPENSIVE = ("/viz/", "/api/adopters", "/api/timeline", "/api/compare", "/api/paths",
             "/api/replications", "/api/subgraph", "/api/search", "/api/regions/", "/api/agencies/",
             "/api/diffusion/")
# /api/measures pages by the index unless it browses: a facet filter, a sort or facets=true reads
# every measure passing the filters (policy_graph/browse.py).
BROWSING = re.compile(rb"(?:^|&)(?:within|level|theme|practice|agency|role|date_from|date_to|sort|facets)=[^&]")
CHEAP_UNDER_EXPENSIVE = ("/viz/theme", "/viz/region")  # the two pickers only redirect


@dataclass(frozen=True)
class CostLimits:
    per_client: int = 2
    slots: int = 1
    queue_seconds: float = 5.0
    budget_seconds: float = 8.0


def is_expensive(path: str, query: bytes = b"") -> bool:
    if path in CHEAP_UNDER_EXPENSIVE:
        return False
    if path == "/api/measures":
        return bool(BROWSING.search(query)) or b"kind=all" in query
    if path.startswith("/api/regions/"):
        return path.endswith("/gaps")
    return path.startswith(EXPENSIVE)


class ExpensiveReads:
    def __init__(self, app: ASGIApp, limits: CostLimits) -> None:
        self.app = app
        self.limits = limits
        self._in_flight: Counter[str] = Counter()
        self._slots: asyncio.Semaphore | None = None  # made on the server's loop, at first use

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not is_expensive(scope["path"], scope.get("query_string", b"")):
            await self.app(scope, receive, send)
            return
        client = (scope.get("client") or ("",))[0]
        if self._in_flight[client] >= self.limits.per_client:
            await _refuse(scope, send, 429, f"at most {self.limits.per_client} expensive requests at a time "
                                     "per client; wait for one to finish")
            return
        if self._slots is None:
            self._slots = asyncio.Semaphore(self.limits.slots)
        self._in_flight[client] += 1
        try:
            try:
                await asyncio.wait_for(self._slots.acquire(), self.limits.queue_seconds)
            except asyncio.TimeoutError:
                await _refuse(scope, send, 503, "the server is busy with expensive requests; retry shortly")
                return
            token = request_deadline.set(time.monotonic() + self.limits.budget_seconds)
            try:
                if pause_points.enabled():  # tests hold an admitted read here (off the event loop)
                    await asyncio.to_thread(pause_points.pause, "expensive")
                await self.app(scope, receive, send)
            finally:
                request_deadline.reset(token)
                self._slots.release()
        finally:
            self._in_flight[client] -= 1
            if self._in_flight[client] <= 0:
                del self._in_flight[client]


async def _refuse(scope: Scope, send: Send, status: int, detail: str) -> None:
    rid = scope.get("state", {}).get("request_id", "")
    body = json.dumps({"detail": detail, "request_id": rid}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode()), (b"retry-after", b"1")]})
    await send({"type": "http.response.body", "body": body})
