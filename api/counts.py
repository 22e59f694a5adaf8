"""The graph's counts as /api/health answers them: a snapshot, so a health check costs no thread,
no database connection and no query.

Under 8 clients drawing the expensive page of a 30k-measure graph, health's p99 was 2.3 s while
each check still went through the thread pool and asked the database whether the graph had
changed (RELIABILITY.md, issue 19). The snapshot is taken at start-up and again by each upload
before it answers (this server is the only writer of a LadybugDB file); a background check every
``refresh_seconds`` catches writers outside this process (a shared Neo4j database) and an upload
whose worker died after writing. Until a first snapshot exists (the graph could not be counted at
start-up) health counts on request, so a graph that cannot be read is still a 503.
"""
from __future__ import annotations

import asyncio
import logging
import threading

from graph.store import GraphStore, StoreError
from policy_graph import lookups

log = logging.getLogger(__name__)


class GraphCounts:
    def __init__(self, store: GraphStore) -> None:
        self._store = store
        self._lock = threading.Lock()
        self._state: tuple | None = None
        self.current: dict[str, int] | None = None

    def refresh(self, force: bool = False) -> dict[str, int]:
        """Count again when the graph's state (its measure count and the like, graph_state.cypher:
        under a millisecond) changed, or when ``force``d after a write that may keep it."""
        with self._lock:
            state = tuple(sorted((r["what"], int(r["n"])) for r in self._store.run("graph_state", {})))
            if force or state != self._state or self.current is None:
                self.current = lookups.counts(self._store)
                self._state = state
            return self.current

    async def keep_fresh(self, refresh_seconds: float) -> None:
        """Refresh in a worker thread every ``refresh_seconds`` until cancelled; never on a request."""
        while True:
            await asyncio.sleep(refresh_seconds)
            try:
                await asyncio.to_thread(self.refresh)
            except StoreError as exc:  # the graph is busy or gone: keep the last snapshot
                log.warning("graph counts not refreshed: %s", exc)
