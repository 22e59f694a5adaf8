"""LadybugDB (embedded Kùzu fork): the default backend, a single database file.

Measured constraints this module is shaped by (shared/notes/ladybugdb-probe.md):
one ``Database`` object per file per process, a ``Connection`` per thread, one
writer at a time, and two-MATCH relationship loads (a comma pattern is a
cross product).
"""
from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from graph import schema
from graph.queries import load_query
from graph.store import (GraphStore, QueryTimeout, check_deadline, StoreError, StoreLocked, batched, checked_rel,
                         dedupe_last, rel_identity)

BATCH_SIZE = 5000
# Relations known to be new go in by COPY from an Arrow table, 10-20x faster than UNWIND CREATE,
# but only as a statement of its own: killed during the commit's checkpoint, LadybugDB 0.22
# recovers the other statements of a transaction and drops the COPY (seen here), so inside
# an explicit transaction new rows are CREATEd instead.
COPY_MIN_ROWS = 64
_ARROW_TYPES = {schema.STRING: "string", schema.INT: "int64", schema.DOUBLE: "float64",
                schema.BOOL: "bool", schema.STRING_LIST: "list<string>"}
# While an ingest runs (bulk_load), LadybugDB checkpoints only once this much write-ahead log
# has gathered, instead of at its default 16 MiB, past which every commit of a 5,000-measure
# group checkpointed. A checkpoint rewrites the relation lists of the nodes written to (theme
# and region nodes hold thousands of relations each), so its cost grows with the graph; a commit
# costs more the more uncheckpointed relations it joins. Of 16 MiB, 128 MiB and 1 GiB, 128 MiB
# (a checkpoint every ~5 groups) measured best at 100k measures: load + final checkpoint 84 s
# CPU, against 98 s with 1 GiB, while 16 MiB's commits alone passed 34 s by group 11 of 21. It
# also bounds the committed data held in memory. A 10k-measure ingest (~60 MiB of log) then
# checkpoints once, at its end (service.load_records).
BULK_CHECKPOINT_THRESHOLD = 128 << 20
DEFAULT_CONNECTIONS = 4  # queries run at once by one store; see LadybugStore._reading

# A second Database object on the same path silently loses writes: share one per process.
_DATABASES: dict[tuple[str, bool], Any] = {}
_DATABASES_LOCK = threading.Lock()
_WRITE_LOCKS: dict[str, threading.RLock] = {}
_READ_GATES: dict[str, "_ReadGate"] = {}
# Bulk loads running on a database (the setting is the database's): path -> [count, threshold before]
_BULK: dict[str, list] = {}
_BULK_LOCK = threading.Lock()


def _ladybug():
    import ladybug

    if not hasattr(ladybug, "Database"):  # ladybug-core shadows the package
        raise StoreError("the installed 'ladybug' package is not LadybugDB (is ladybug-core installed?)")
    return ladybug


def _open_database(path: Path, read_only: bool, buffer_pool_mib: int | None = None):
    """The process's one Database object for ``path``; ``buffer_pool_mib`` (None or 0: LadybugDB's
    default, ~80 % of the machine's memory) applies when this call opens it, later ones share it."""
    lb = _ladybug()
    key = (str(path), read_only)
    pool = (buffer_pool_mib or 0) << 20
    with _DATABASES_LOCK:
        db = _DATABASES.get(key)
        if db is None:
            path.parent.mkdir(parents=True, exist_ok=True)
            try:
                db = _new_database(lb, path, read_only, pool)
            except StoreError as exc:
                if not (read_only and "recovery is pending" in str(exc)):
                    raise
                # A writer was killed mid-checkpoint; only a read-write open completes the recovery.
                _new_database(lb, path, False, pool).close()
                db = _new_database(lb, path, True, pool)
            _DATABASES[key] = db
        return db


def _new_database(lb, path: Path, read_only: bool, buffer_pool_bytes: int = 0):
    try:
        return lb.Database(str(path), read_only=read_only, buffer_pool_size=buffer_pool_bytes)
    except RuntimeError as exc:
        msg = str(exc)
        if "Could not set lock" in msg or "lock" in msg.lower():
            raise StoreLocked(
                f"the database {path} is in use by another process "
                "(stop the running server or use --db for another file)") from exc
        raise StoreError(f"cannot open database {path}: {msg.splitlines()[0]}") from exc


def _close_database(path: Path, read_only: bool) -> None:
    with _DATABASES_LOCK:
        db = _DATABASES.pop((str(path), read_only), None)
    if db is not None:
        db.close()


def node_ddl(table: schema.NodeTable) -> str:
    cols = ", ".join(f"{name} {typ}" for name, typ in table.props.items())
    return f"CREATE NODE TABLE IF NOT EXISTS {table.label}({cols}, PRIMARY KEY({table.key}))"


def rel_ddl(table: schema.RelTable) -> str:
    cols = "".join(f", {name} {typ}" for name, typ in table.props.items())
    return f"CREATE REL TABLE IF NOT EXISTS {table.type}(FROM {table.src} TO {table.dst}{cols})"


def _col(name: str) -> str:
    """The column a property travels in (a prefix keeps names like `date` or `key` from being
    read as anything but a variable)."""
    return f"v_{name}"


def node_upsert_query(table: schema.NodeTable) -> str:
    """Rows arrive as an Arrow table: `LOAD FROM` scans it natively (no per-value conversion of
    a list of dicts) and its columns are already typed, so no CASTs are needed."""
    props = [p for p in table.props if p != table.key]
    sets = ", ".join(f"n.{p} = {_col(p)}" for p in props)
    query = f"LOAD FROM $rows MERGE (n:{table.label} {{{table.key}: {_col(table.key)}}})"
    return query + (f" SET {sets}" if sets else "")


def node_insert_query(table: schema.NodeTable) -> str:
    props = ", ".join(f"{p}: {_col(p)}" for p in table.props)
    return f"LOAD FROM $rows CREATE (n:{table.label} {{{props}}})"


def _rel_match(table: schema.RelTable) -> str:
    # Two MATCH clauses on the primary keys: two key lookups per row (a comma pattern, or a WITH
    # between LOAD FROM and MATCH, is planned as a cross product of scans).
    src, dst = schema.node(table.src), schema.node(table.dst)
    return (f"LOAD FROM $rows MATCH (a:{src.label} {{{src.key}: {_col('src')}}}) "
            f"MATCH (b:{dst.label} {{{dst.key}: {_col('dst')}}})")


def rel_insert_query(table: schema.RelTable) -> str:
    props = ", ".join(f"{p}: {_col(p)}" for p in table.props)
    pattern = f"[e:{table.type} {{{props}}}]" if props else f"[e:{table.type}]"
    return f"{_rel_match(table)} CREATE (a)-{pattern}->(b)"


def rel_upsert_query(table: schema.RelTable) -> str:
    key = ", ".join(f"{p}: {_col(p)}" for p in table.key)
    pattern = f"[e:{table.type} {{{key}}}]" if key else f"[e:{table.type}]"
    rest = [p for p in table.props if p not in table.key]
    sets = ", ".join(f"e.{p} = {_col(p)}" for p in rest)
    query = f"{_rel_match(table)} MERGE (a)-{pattern}->(b)"
    return query + (f" SET {sets}" if sets else "")


class _ReadGate:
    """Counts the queries running on one database file, so that a statement that checkpoints
    can wait for them to finish and run with none started meanwhile.

    LadybugDB 0.22 keeps the in-memory copy of the relationship data a checkpoint writes out
    (CSRNodeGroup append indexes, ~100 MiB after a 600-measure upload) when a query is reading
    while the checkpoint runs, and frees it only at the next checkpoint that has work to do.
    `COPY` into a relationship table does the same internally. Measured in one process with 4
    threads reading, jemalloc's live bytes: 198 MiB before an upload, 297 after it, 293 once
    the readers stopped, 211 after the next upload; with the checkpoint run alone, 201. So a
    server kept or freed an upload's worth of memory by chance, depending on whether a reader
    happened to be running when the upload ended (RELIABILITY.md, Load). Queries arriving while
    such a statement waits or runs are delayed by it (about a second per upload), never refused.
    """

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._running = 0
        self._waiting = 0  # readers held back by a statement running alone (observable, for tests)
        self._owner: int | None = None  # the thread running alone, if any

    def wait_until(self, predicate, timeout: float) -> bool:
        """Wait until ``predicate(gate)`` holds; every change of the gate's state is notified."""
        with self._cond:
            return self._cond.wait_for(lambda: predicate(self), timeout)

    @contextmanager
    def reading(self) -> Iterator[None]:
        with self._cond:
            if self._owner is not None:
                self._waiting += 1
                self._cond.notify_all()
                self._cond.wait_for(lambda: self._owner is None)
                self._waiting -= 1
            self._running += 1
        try:
            yield
        finally:
            with self._cond:
                self._running -= 1
                self._cond.notify_all()

    @contextmanager
    def alone(self) -> Iterator[None]:
        me = threading.get_ident()
        if self._owner == me:
            yield
            return
        with self._cond:
            self._cond.wait_for(lambda: self._owner is None)
            self._owner = me
            self._cond.notify_all()
            self._cond.wait_for(lambda: self._running == 0)
        try:
            yield
        finally:
            with self._cond:
                self._owner = None
                self._cond.notify_all()


class LadybugStore(GraphStore):
    backend = "ladybug"

    def __init__(self, path: str | Path | None, *, read_only: bool = False,
                 query_timeout_ms: int | None = None, connections: int | None = None,
                 buffer_pool_mib: int | None = None) -> None:
        if path is None:
            from policy_graph.settings import get_settings

            path = get_settings().db
        self.path = Path(path).expanduser().resolve()
        if self.path.is_dir():
            raise StoreError(f"{self.path} is a directory; --db takes a database file path")
        if read_only and not self.path.exists():
            raise StoreError(f"no database at {self.path}: run `policy-graph ingest` first")
        self.read_only = read_only
        self.query_timeout_ms = query_timeout_ms
        self._db = _open_database(self.path, read_only, buffer_pool_mib)
        self._local = threading.local()
        # Reads share a pool of at most `connections` connections, so at most that many queries
        # run at once and the rest wait for one to come back (see _reading).
        self._slots = threading.BoundedSemaphore(max(1, connections or DEFAULT_CONNECTIONS))
        self._idle: list[Any] = []
        self._idle_lock = threading.Lock()
        self._write_lock = _WRITE_LOCKS.setdefault(str(self.path), threading.RLock())
        self._gate = _READ_GATES.setdefault(str(self.path), _ReadGate())
        self._in_tx = threading.local()
        self._column_cache: dict[str, list[str]] = {}

    # -- connections ---------------------------------------------------------
    def _new_connection(self, *, timed: bool = True):
        conn = _ladybug().Connection(self._db)
        if timed and self.query_timeout_ms:
            conn.set_query_timeout(int(self.query_timeout_ms))
        return conn

    @contextmanager
    def _reading(self) -> Iterator[Any]:
        """A connection from the read pool, returned to it afterwards.

        Every running query keeps its working memory (scan buffers, hash tables, the result
        before it is fetched) in LadybugDB's buffer pool, and the pool never hands memory it
        has touched back to the system: its resident size is the most that queries running
        at the same time ever needed. One connection per worker thread let that be as many
        queries as there are threads (16 concurrent `stats` queries: 75-88 MiB resident; 4 at
        a time: 23 MiB). Two cores gain nothing from more than a few queries at once.
        Queries also wait while a checkpointing statement runs (_ReadGate).
        """
        with self._gate.reading(), self._pooled() as conn:
            yield conn

    @contextmanager
    def _pooled(self) -> Iterator[Any]:
        self._slots.acquire()
        try:
            with self._idle_lock:
                conn = self._idle.pop() if self._idle else None
            if conn is None:
                conn = self._new_connection()
        except BaseException:
            self._slots.release()
            raise
        try:
            yield conn
        finally:
            with self._idle_lock:
                self._idle.append(conn)
            self._slots.release()

    def _release_idle_readers(self) -> None:
        """Close the read connections no query is using, before a write. Each keeps the plans
        of the statements it ran (the client's prepared statements), and a kept plan holds some
        of the buffer pool; a write needs the pool more than the next reads need their plans
        (reopened on demand, each statement planned once again). With the smallest pool (64 MiB)
        the plans of a measure's neighbours and similar measures, on the pool's four connections,
        left too little of it for a 600-measure upload (tests/test_buffer_pool.py)."""
        with self._idle_lock:
            idle, self._idle = self._idle, []
        for conn in idle:
            conn.close()

    @contextmanager
    def _writing(self) -> Iterator[None]:
        """Hold the write lock; the outermost holder writes through a connection of its own,
        closed when it lets go.

        The ladybug client caches every statement it prepares on the connection that ran it, with
        the parameter values last bound to it. For a bulk write those values are the whole batch
        (up to BATCH_SIZE rows of measure text), so a write through a long-lived reading
        connection kept ~65 MiB of native memory per upload, and uploads landing on different
        worker threads kept adding more (RELIABILITY.md, Load). Reads made while writing (same
        thread) go through the same connection, so they see the transaction's own changes.
        """
        with self._write_lock:
            if getattr(self._local, "writer", None) is not None:
                yield
                return
            # Untimed: the time limit guards the server against costly questions, while a write's
            # size is set by the loader's batches; a group of 5,000 measures on a busy machine
            # took longer than the 10 s limit and stopped a 100k-measure ingest half-way.
            self._release_idle_readers()
            writer = self._local.writer = self._new_connection(timed=False)
            try:
                yield
            finally:
                self._local.writer = None
                writer.close()

    def _execute(self, text: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        writer = getattr(self._local, "writer", None)
        if writer is not None:
            return self._execute_on(writer, text, params)
        with self._reading() as conn:
            return self._execute_on(conn, text, params)

    def _execute_on(self, conn, text: str, params: dict[str, Any] | None) -> list[dict[str, Any]]:
        self._local.current = conn
        try:
            results = conn.execute(text, params or {})
        except RuntimeError as exc:
            msg = str(exc)
            if "Interrupted" in msg:
                raise QueryTimeout("the query ran past its time limit") from exc
            raise StoreError(msg.splitlines()[0]) from exc
        finally:
            self._local.current = None
        results = results if isinstance(results, list) else [results]
        try:
            result = results[-1]
            columns = result.get_column_names()
            return [dict(zip(columns, row)) for row in result.get_all()]
        finally:
            for r in results:  # free the engine's copy now, before the connection serves another query
                r.close()

    # -- GraphStore ------------------------------------------------------------
    def apply_schema(self) -> None:
        self._column_cache = {}
        with self._writing():
            for table in schema.NODES.values():
                self._execute(node_ddl(table))
            for table in schema.RELS.values():
                self._execute(rel_ddl(table))
            # A database made by an older release lacks properties added since: add them in place.
            for name, props in [*((t.label, t.props) for t in schema.NODES.values()),
                                *((t.type, t.props) for t in schema.RELS.values())]:
                for prop, typ in props.items():
                    self._execute(f"ALTER TABLE {name} ADD IF NOT EXISTS {prop} {typ}")

    def upsert_nodes(self, label: str, rows: Sequence[dict[str, Any]], *, fresh: bool = False) -> int:
        table = schema.node(label)
        # New nodes always arrive inside a document's transaction, where COPY is unsafe: CREATE.
        query = node_insert_query(table) if fresh else node_upsert_query(table)
        rows = dedupe_last(rows, lambda r: r[table.key])
        with self._writing():
            for batch in batched(rows, BATCH_SIZE):
                self._execute(query, {"rows": _arrow_rows(batch, table.props)})
        return len(rows)

    def upsert_rels(self, rel_type: str, src_label: str, dst_label: str,
                    rows: Sequence[dict[str, Any]], *, fresh: bool = False) -> int:
        table = checked_rel(rel_type, src_label, dst_label)
        query = rel_insert_query(table) if fresh else rel_upsert_query(table)
        rows = dedupe_last(rows, rel_identity(table))
        fields = {"src": schema.STRING, "dst": schema.STRING, **table.props}
        if fresh and self._can_copy(rows):
            with self._writing():
                self._copy(table.type, (table.src, table.dst), fields, rows)
            return len(rows)
        with self._writing():
            for batch in batched(rows, BATCH_SIZE):
                self._execute(query, {"rows": _arrow_rows(batch, fields)})
        return len(rows)

    def _can_copy(self, rows: Sequence[dict[str, Any]]) -> bool:
        return len(rows) >= COPY_MIN_ROWS and not getattr(self._in_tx, "active", False)

    def _columns(self, name: str) -> list[str]:
        """The table's columns in the database's own order (ALTER TABLE appends, so an older
        database may differ from schema.py's order); COPY maps columns by position."""
        if name not in self._column_cache:
            self._column_cache[name] = [r["name"] for r in self._execute(f"CALL table_info('{name}') RETURN *")]
        return self._column_cache[name]

    def _copy(self, name: str, ends: tuple[str, str], fields: dict[str, str],
              rows: Sequence[dict[str, Any]]) -> None:
        """COPY relations that are promised new. A missing endpoint is an error here (UNWIND
        MATCH would skip the row silently), and fails the statement."""
        import pyarrow as pa

        columns = ["src", "dst", *self._columns(name)]
        arrays = [pa.array([r.get(c) for r in rows], type=_arrow_type(fields[c])) for c in columns]
        # A fresh Arrow object per COPY: copying the same object twice on one connection crashes.
        data = pa.Table.from_arrays(arrays, names=columns)
        with self._gate.alone():
            self._execute(f"COPY {name} FROM $rows (from='{ends[0]}', to='{ends[1]}')", {"rows": data})

    def run(self, name: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        check_deadline(off_loop=True)  # a statement never runs on the event loop
        return self._execute(load_query(name, self.backend), params)

    def execute_write(self, name: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        if self.read_only:
            raise StoreError("the database is open read-only")
        with self._writing():
            return self._execute(load_query(name, self.backend), params)

    def query_text(self, name: str) -> str:
        return load_query(name, self.backend)

    @contextmanager
    def write_transaction(self) -> Iterator[None]:
        with self._writing():
            if getattr(self._in_tx, "active", False):
                yield
                return
            self._execute("BEGIN TRANSACTION")
            self._in_tx.active = True
            try:
                yield
            except BaseException:
                self._in_tx.active = False
                try:
                    self._execute("ROLLBACK")
                except StoreError:
                    pass  # a failed statement has already rolled back; keep its error, not this one
                raise
            self._in_tx.active = False
            self._execute("COMMIT")

    @contextmanager
    def bulk_load(self) -> Iterator[None]:
        """Checkpoint only past BULK_CHECKPOINT_THRESHOLD of log while this runs (see there).

        Committed data stays as safe as before: it is in the write-ahead log, which the next
        read-write open replays after a crash. What it costs is memory: committed changes are
        held in memory until the checkpoint."""
        if self.read_only:
            yield
            return
        key = str(self.path)
        with _BULK_LOCK:
            entry = _BULK.setdefault(key, [0, None])
            if entry[0] == 0:
                with self._writing():
                    row = self._execute("CALL current_setting('checkpoint_threshold') RETURN *")[0]
                    entry[1] = int(next(iter(row.values())))
                    self._execute(f"CALL checkpoint_threshold={int(BULK_CHECKPOINT_THRESHOLD)}")
            entry[0] += 1
        try:
            yield
        finally:
            with _BULK_LOCK:
                entry[0] -= 1
                if entry[0] == 0:
                    _BULK.pop(key, None)
                    with self._writing():
                        self._execute(f"CALL checkpoint_threshold={entry[1]}")

    def checkpoint(self) -> None:
        """Write committed data into the database file and drop its in-memory copy.

        Until a checkpoint, LadybugDB keeps every committed change in memory (and in the WAL);
        it checkpoints by itself only once the WAL passes its threshold. A 500-measure upload
        left ~90 MB of relationship chunks (CSRNodeGroup append indexes) in the server's heap
        until some later upload crossed the threshold.
        """
        if self.read_only:
            return
        with self._writing(), self._gate.alone():
            self._execute("CHECKPOINT")

    def dump_nodes(self, label: str) -> list[dict[str, Any]]:
        table = schema.node(label)
        cols = ", ".join(f"n.{p} AS {p}" for p in table.props)
        return self._execute(f"MATCH (n:{table.label}) RETURN {cols}")

    def dump_rels(self, rel_type: str) -> list[dict[str, Any]]:
        table = schema.rel(rel_type)
        src, dst = schema.node(table.src), schema.node(table.dst)
        cols = "".join(f", e.{p} AS {p}" for p in table.props)
        return self._execute(f"MATCH (a:{src.label})-[e:{table.type}]->(b:{dst.label}) "
                             f"RETURN a.{src.key} AS src, b.{dst.key} AS dst{cols}")

    def interrupt(self) -> None:
        conn = getattr(self._local, "current", None)
        if conn is not None:
            conn.interrupt()

    def close(self) -> None:
        self._local = threading.local()
        self._release_idle_readers()
        _close_database(self.path, self.read_only)


def _arrow_type(typ: str):
    import pyarrow as pa

    name = _ARROW_TYPES[typ]
    return pa.list_(pa.string()) if name == "list<string>" else pa.type_for_alias(name)


def _arrow_rows(rows: Sequence[dict[str, Any]], fields: dict[str, str]):
    """A batch as an Arrow table, one typed column per field (named by _col). A fresh object per
    statement: the client keys its prepared statements by the object, and reusing one is unsafe.
    A value of the wrong type is a StoreError, as it is when the database refuses it."""
    import pyarrow as pa

    columns = []
    for name, typ in fields.items():
        try:
            columns.append(pa.array([r.get(name) for r in rows], type=_arrow_type(typ)))
        except (pa.ArrowException, TypeError, ValueError, OverflowError) as exc:
            raise StoreError(f"property {name} ({typ}) cannot hold a value given: {exc}") from exc
    return pa.Table.from_arrays(columns, names=[_col(name) for name in fields])
