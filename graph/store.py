"""The one interface every graph backend implements.

Code above ``graph/`` talks to a ``GraphStore`` and to named queries only; it
never learns which database is behind it. A backend module lives in
``graph/backends/<name>.py`` and registers itself in ``open_store``.
"""
from __future__ import annotations

import abc
import contextvars
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any


class StoreError(RuntimeError):
    """A backend failure with a message meant for a person."""


class StoreLocked(StoreError):
    """The database is held by another process."""


class QueryTimeout(StoreError):
    """A query ran past its time budget."""


# When the request being answered must be done (time.monotonic()), or None. Set by the server
# for its expensive reads (api/limits.py); the context reaches the worker thread running them.
request_deadline: contextvars.ContextVar[float | None] = contextvars.ContextVar(
    "request_deadline", default=None)


# Until when (time.monotonic()) the answer being worked out may hold the server's event loop, or
# None when it runs on a thread of its own. Set by api/inline.py for the answers it begins there.
inline_until: contextvars.ContextVar[float | None] = contextvars.ContextVar("inline_until", default=None)


class OffTheLoop(Exception):
    """The answer begun on the event loop must be worked out on a thread: it needs a graph
    statement, a read that may take long, or more than its time there (api/inline.py).
    ``carried``: what it found on the loop, for the thread's attempt to go on from (Trace.carried)."""

    def __init__(self, carried: Any = None) -> None:
        super().__init__()
        self.carried = carried


def loop_time_up() -> bool:
    """Whether the answer being worked out on the event loop has used its time there."""
    until = inline_until.get()
    return until is not None and time.monotonic() > until


def on_the_loop() -> bool:
    """Whether the answer is being worked out on the event loop (api/inline.py)."""
    return inline_until.get() is not None


def check_deadline(off_loop: bool = False) -> None:
    """QueryTimeout when the current request has used up its time budget. On the event loop
    (``inline_until`` set): OffTheLoop once its time there is up, or at once for a step that must
    not run there (``off_loop``: a graph statement, a read that waits for a lock)."""
    if loop_time_up() or (off_loop and inline_until.get() is not None):
        raise OffTheLoop
    deadline = request_deadline.get()
    if deadline is not None and time.monotonic() > deadline:
        raise QueryTimeout("the request used up its time budget; ask for a smaller page")


class GraphStore(abc.ABC):
    """Open, apply schema, upsert batches, run named queries, read-only serving."""

    backend: str = "?"

    @abc.abstractmethod
    def apply_schema(self) -> None:
        """Create node/rel tables (or constraints) idempotently."""

    @abc.abstractmethod
    def upsert_nodes(self, label: str, rows: Sequence[dict[str, Any]], *, fresh: bool = False) -> int:
        """MERGE nodes of ``label`` on their key (the last row of a key wins).

        ``fresh=True`` promises no node of these keys exists (a document not yet in the graph),
        so they are bulk-inserted; an existing key is then an error, not an update."""

    @abc.abstractmethod
    def upsert_rels(self, rel_type: str, src_label: str, dst_label: str,
                    rows: Sequence[dict[str, Any]], *, fresh: bool = False) -> int:
        """MERGE relations; each row has ``src``, ``dst`` and the relation's properties.

        ``fresh=True`` promises none of these relations exists (the caller deleted them in the
        same transaction), so they are CREATEd: MERGE into a node with thousands of relations
        costs time in proportion to its degree."""

    @abc.abstractmethod
    def run(self, name: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """Run the named query (``queries/<name>.cypher``) read-only and return rows as dicts."""

    @abc.abstractmethod
    def execute_write(self, name: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """Run a named query that writes (deletes, clean-ups), serialised with other writes."""

    @abc.abstractmethod
    def query_text(self, name: str) -> str:
        """The exact Cypher text the backend sends for ``name`` (for ``?explain=true``)."""

    @abc.abstractmethod
    def dump_nodes(self, label: str) -> list[dict[str, Any]]:
        """Every node of ``label`` with all schema properties (export and copy)."""

    @abc.abstractmethod
    def dump_rels(self, rel_type: str) -> list[dict[str, Any]]:
        """Every relation of ``rel_type`` as rows with ``src``, ``dst`` and its properties."""

    @contextmanager
    def write_transaction(self) -> Iterator[None]:
        """Group writes so they land together or not at all. Default: no grouping."""
        yield

    @contextmanager
    def bulk_load(self) -> Iterator[None]:
        """Many writes follow (one ingest): a backend may put off housekeeping until the end.
        Default: nothing to put off."""
        yield

    def checkpoint(self) -> None:
        """Settle what has been committed (called after each ingest). Default: nothing to do."""

    def close(self) -> None:  # pragma: no cover - trivial default
        pass

    def __enter__(self) -> "GraphStore":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def batched(rows: Sequence[dict[str, Any]], size: int) -> Iterable[Sequence[dict[str, Any]]]:
    for i in range(0, len(rows), size):
        yield rows[i:i + size]


def dedupe_last(rows: Sequence[dict[str, Any]], key: Callable[[dict[str, Any]], Any]) -> list[dict[str, Any]]:
    """Last row per key wins, as in Neo4j; LadybugDB's choice within a batch depends on query shape."""
    seen: dict[Any, dict[str, Any]] = {}
    for row in rows:
        seen[key(row)] = row
    return list(seen.values())


def checked_rel(rel_type: str, src_label: str, dst_label: str):
    """The schema's relation table, after checking the caller names its real endpoints."""
    from graph import schema

    table = schema.rel(rel_type)
    if (table.src, table.dst) != (src_label, dst_label):
        raise StoreError(f"{rel_type} runs {table.src}->{table.dst}, not {src_label}->{dst_label}")
    return table


def rel_identity(table) -> Callable[[dict[str, Any]], tuple]:
    """What makes two relation rows the same relation: endpoints plus the table's key properties."""
    return lambda r: (r["src"], r["dst"], *(r.get(k) for k in table.key))


def open_store(backend: str = "ladybug", *, read_only: bool = False, **options: Any) -> GraphStore:
    """Open a store by backend name; options are backend-specific settings."""
    if backend == "ladybug":
        from graph.backends.ladybug import LadybugStore

        return LadybugStore(options.get("path"), read_only=read_only,
                            query_timeout_ms=options.get("query_timeout_ms"),
                            connections=options.get("connections"),
                            buffer_pool_mib=options.get("buffer_pool_mib"))
    if backend == "neo4j":
        from graph.backends.neo4j import Neo4jStore

        return Neo4jStore(uri=options.get("uri"), user=options.get("user"),
                          password=options.get("password"), database=options.get("database"),
                          read_only=read_only, query_timeout_ms=options.get("query_timeout_ms"))
    raise StoreError(f"unknown backend {backend!r} (expected 'ladybug' or 'neo4j')")
