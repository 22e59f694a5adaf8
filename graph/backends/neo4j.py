"""Neo4j 5 through the official ``neo4j`` driver: the backend for a server or Aura.

Shape of this module:
- every statement it builds comes from a function below (``schema_statements``,
  ``node_upsert_query``, ``rel_upsert_query``, ``dump_*_query``) so that
  ``graph.cypher_lint`` can hand exactly those strings to Neo4j's analyser;
- reads go through ``execute_read`` (a READ-routed managed transaction), so a
  named query cannot write even if someone edits it to;
- writes go through ``execute_write`` in batches of ``BATCH_SIZE`` rows, one
  transaction per batch, unless ``write_transaction()`` groups them into one.
"""
from __future__ import annotations

import datetime as _dt
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from graph import schema
from graph.queries import load_query
from graph.store import GraphStore, QueryTimeout, StoreError, check_deadline, batched, checked_rel, dedupe_last, rel_identity

BATCH_SIZE = 5000
# Bolt only: the driver's HTTP transport is a preview feature with extra dependencies.
_SCHEMES = ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc")
_TIMEOUT_CODES = ("Neo.ClientError.Transaction.TransactionTimedOut",)

# Properties the API filters or joins on; uniqueness constraints already index the keys.
INDEXES: dict[str, tuple[str, ...]] = {
    "Measure": ("document_id", "region", "kind"),
    "Agency": ("name", "region"),
    "Document": ("region",),
}
# A full-text index for search variants; 'cjk' tokenises Chinese into bigrams,
# the standard analyser would treat a whole run of hanzi as one token.
FULLTEXT_INDEXES: dict[str, tuple[str, tuple[str, ...]]] = {
    "measure_text": ("Measure", ("title", "text")),
}


def _neo4j():
    try:
        import neo4j
    except ImportError as exc:  # pragma: no cover - dependency is declared
        raise StoreError("the 'neo4j' Python driver is not installed (pip install neo4j)") from exc
    return neo4j


# -- statements ---------------------------------------------------------------
def constraint_statement(table: schema.NodeTable) -> str:
    name = f"{table.label}_{table.key}"
    return (f"CREATE CONSTRAINT {name} IF NOT EXISTS "
            f"FOR (n:{table.label}) REQUIRE n.{table.key} IS UNIQUE")


def schema_statements() -> list[str]:
    """Constraints and indexes, each idempotent (IF NOT EXISTS)."""
    statements = [constraint_statement(t) for t in schema.NODES.values()]
    for label, props in INDEXES.items():
        for prop in props:
            statements.append(f"CREATE INDEX {label.lower()}_{prop} IF NOT EXISTS "
                              f"FOR (n:{label}) ON (n.{prop})")
    for name, (label, props) in FULLTEXT_INDEXES.items():
        on = ", ".join(f"n.{p}" for p in props)
        statements.append(f"CREATE FULLTEXT INDEX {name} IF NOT EXISTS FOR (n:{label}) ON EACH [{on}] "
                          "OPTIONS {indexConfig: {`fulltext.analyzer`: 'cjk'}}")
    return statements


def node_upsert_query(table: schema.NodeTable) -> str:
    sets = ", ".join(f"n.{p} = r.{p}" for p in table.props if p != table.key)
    query = f"UNWIND $rows AS r MERGE (n:{table.label} {{{table.key}: r.{table.key}}})"
    return query + (f" SET {sets}" if sets else "")


def node_insert_query(table: schema.NodeTable) -> str:
    sets = ", ".join(f"n.{p} = r.{p}" for p in table.props if p != table.key)
    query = f"UNWIND $rows AS r CREATE (n:{table.label} {{{table.key}: r.{table.key}}})"
    return query + (f" SET {sets}" if sets else "")


def rel_upsert_query(table: schema.RelTable) -> str:
    src, dst = schema.node(table.src), schema.node(table.dst)
    key = ", ".join(f"{p}: r.{p}" for p in table.key)
    pattern = f"[e:{table.type} {{{key}}}]" if key else f"[e:{table.type}]"
    sets = ", ".join(f"e.{p} = r.{p}" for p in table.props if p not in table.key)
    query = (f"UNWIND $rows AS r MATCH (a:{src.label} {{{src.key}: r.src}}) "
             f"MATCH (b:{dst.label} {{{dst.key}: r.dst}}) MERGE (a)-{pattern}->(b)")
    return query + (f" SET {sets}" if sets else "")


def rel_insert_query(table: schema.RelTable) -> str:
    src, dst = schema.node(table.src), schema.node(table.dst)
    sets = ", ".join(f"e.{p} = r.{p}" for p in table.props)
    query = (f"UNWIND $rows AS r MATCH (a:{src.label} {{{src.key}: r.src}}) "
             f"MATCH (b:{dst.label} {{{dst.key}: r.dst}}) CREATE (a)-[e:{table.type}]->(b)")
    return query + (f" SET {sets}" if sets else "")


def dump_nodes_query(table: schema.NodeTable) -> str:
    cols = ", ".join(f"n.{p} AS {p}" for p in table.props)
    return f"MATCH (n:{table.label}) RETURN {cols} ORDER BY n.{table.key}"


def dump_rels_query(table: schema.RelTable) -> str:
    src, dst = schema.node(table.src), schema.node(table.dst)
    cols = "".join(f", e.{p} AS {p}" for p in table.props)
    return (f"MATCH (a:{src.label})-[e:{table.type}]->(b:{dst.label}) "
            f"RETURN a.{src.key} AS src, b.{dst.key} AS dst{cols} ORDER BY src, dst")


def built_statements() -> dict[str, tuple[str, dict[str, Any]]]:
    """Every statement this backend builds, by a stable id, with example parameters (for the linter)."""
    out: dict[str, tuple[str, dict[str, Any]]] = {}
    for i, text in enumerate(schema_statements()):
        out[f"schema[{i}]"] = (text, {})
    for table in schema.NODES.values():
        out[f"upsert_nodes[{table.label}]"] = (node_upsert_query(table), {"rows": []})
        out[f"insert_nodes[{table.label}]"] = (node_insert_query(table), {"rows": []})
        out[f"dump_nodes[{table.label}]"] = (dump_nodes_query(table), {})
    for table in schema.RELS.values():
        out[f"upsert_rels[{table.type}]"] = (rel_upsert_query(table), {"rows": []})
        out[f"insert_rels[{table.type}]"] = (rel_insert_query(table), {"rows": []})
        out[f"dump_rels[{table.type}]"] = (dump_rels_query(table), {})
    out["count_nodes"] = (COUNT_NODES, {})
    out["clear_graph"] = (CLEAR_GRAPH, {})
    return out


COUNT_NODES = "MATCH (n) RETURN count(n) AS nodes"
# Only policy-graph's labels: a shared database may hold other graphs.
CLEAR_GRAPH = f"MATCH (n:{'|'.join(schema.NODES)}) DETACH DELETE n"


# -- values -------------------------------------------------------------------
def to_plain(value: Any) -> Any:
    """Driver values -> JSON-ready Python: temporal and spatial types become strings."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, (list, tuple)):
        return [to_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: to_plain(v) for k, v in value.items()}
    graph = _neo4j().graph
    if isinstance(value, graph.Node):
        labels = sorted(value.labels)
        return {"_id": value.element_id, "_label": labels[0] if labels else None,
                **{k: to_plain(v) for k, v in value.items()}}
    if isinstance(value, graph.Relationship):
        return {"_id": value.element_id, "_label": value.type,
                "_src": value.start_node.element_id if value.start_node else None,
                "_dst": value.end_node.element_id if value.end_node else None,
                **{k: to_plain(v) for k, v in value.items()}}
    if isinstance(value, graph.Path):
        return {"_nodes": [to_plain(n) for n in value.nodes],
                "_rels": [to_plain(r) for r in value.relationships]}
    if hasattr(value, "iso_format"):  # neo4j.time Date/DateTime/Time/Duration
        return value.iso_format()
    if isinstance(value, (_dt.date, _dt.time, _dt.datetime)):
        return value.isoformat()
    if isinstance(value, bytes | bytearray):
        return bytes(value).hex()
    return str(value)


# -- errors -------------------------------------------------------------------
def translate_error(exc: Exception, uri: str | None, user: str | None) -> StoreError:
    """A driver exception as a StoreError a person can act on."""
    ex = _neo4j().exceptions
    if isinstance(exc, StoreError):
        return exc
    if isinstance(exc, ex.AuthError):
        return StoreError(f"Neo4j at {uri} rejected the credentials for user {user!r} "
                          "(check NEO4J_USER / NEO4J_PASSWORD)")
    if isinstance(exc, (ex.ServiceUnavailable, ex.SessionExpired)):
        return StoreError(f"cannot reach Neo4j at {uri}: is the server running and NEO4J_URI right? "
                          f"({_first_line(exc)})")
    code = getattr(exc, "code", None) or ""
    if code.startswith(_TIMEOUT_CODES):
        return QueryTimeout("the query ran past its time limit")
    if code == "Neo.ClientError.Statement.AccessMode" or isinstance(exc, ex.ForbiddenOnReadOnlyDatabase):
        return StoreError("this query writes, but it was sent in a read-only transaction")
    if code.startswith("Neo.ClientError.Database.DatabaseNotFound"):
        return StoreError(f"Neo4j at {uri} has no such database (check NEO4J_DATABASE): {_first_line(exc)}")
    if isinstance(exc, ex.ConfigurationError):
        return StoreError(f"bad Neo4j configuration: {_first_line(exc)}")
    if isinstance(exc, ex.Neo4jError):
        message = getattr(exc, "message", None) or str(exc)
        return StoreError(f"{code}: {message.splitlines()[0] if message else ''}".strip(": "))
    if isinstance(exc, ex.DriverError):
        return StoreError(f"Neo4j driver error: {_first_line(exc)}")
    return StoreError(_first_line(exc))


def _first_line(exc: Exception) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


# -- store --------------------------------------------------------------------
class Neo4jStore(GraphStore):
    backend = "neo4j"

    def __init__(self, uri: str | None = None, user: str | None = None, password: str | None = None,
                 database: str | None = None, *, read_only: bool = False,
                 query_timeout_ms: int | None = None, verify: bool = True) -> None:
        if uri is None:
            from policy_graph.settings import get_settings

            settings = get_settings()
            uri, user = settings.neo4j_uri, user or settings.neo4j_user
            password = password if password is not None else settings.neo4j_password
            database = database or settings.neo4j_database
        if not uri:
            raise StoreError("no Neo4j server configured: set NEO4J_URI (e.g. bolt://localhost:7687) "
                             "or pass --neo4j-uri")
        if uri.split("://", 1)[0].lower() not in _SCHEMES:
            raise StoreError(f"NEO4J_URI {uri!r} must start with one of: "
                             + ", ".join(f"{s}://" for s in _SCHEMES))
        self.uri, self.user, self.database = uri, user or "neo4j", database or None
        self.read_only = read_only
        self.query_timeout_ms = query_timeout_ms
        neo4j = _neo4j()
        auth = (self.user, password) if password is not None else None
        try:
            self._driver = neo4j.GraphDatabase.driver(uri, auth=auth)
        except Exception as exc:  # bad URI scheme etc. raise before any network I/O
            raise translate_error(exc, uri, self.user) from exc
        self._tx = threading.local()
        self._write_lock = threading.RLock()
        if verify:
            try:
                self._driver.verify_connectivity()
            except Exception as exc:
                self._driver.close()
                raise translate_error(exc, uri, self.user) from exc

    # -- plumbing ----------------------------------------------------------------
    def _session(self, access: str):
        neo4j = _neo4j()
        mode = neo4j.READ_ACCESS if access == "read" else neo4j.WRITE_ACCESS
        return self._driver.session(database=self.database, default_access_mode=mode)

    def _work(self, text: str, params: dict[str, Any] | None) -> Callable:
        def work(tx):
            result = tx.run(text, params or {})
            return [{k: to_plain(v) for k, v in record.items()} for record in result]

        if self.query_timeout_ms:
            # Managed transactions ignore Query(timeout=...); the driver reads this attribute.
            work.timeout = self.query_timeout_ms / 1000.0
        return work

    def _read(self, text: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        try:
            with self._session("read") as session:
                return session.execute_read(self._work(text, params))
        except Exception as exc:
            raise translate_error(exc, self.uri, self.user) from exc

    def _write(self, text: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        if self.read_only:
            raise StoreError("the Neo4j store was opened read-only")
        open_tx = getattr(self._tx, "tx", None)
        try:
            if open_tx is not None:
                return self._work(text, params)(open_tx)
            with self._write_lock, self._session("write") as session:
                return session.execute_write(self._work(text, params))
        except Exception as exc:
            raise translate_error(exc, self.uri, self.user) from exc

    def _write_schema(self, text: str) -> None:
        # Schema commands cannot share a transaction with data writes: auto-commit.
        try:
            with self._session("write") as session:
                session.run(text).consume()
        except Exception as exc:
            raise translate_error(exc, self.uri, self.user) from exc

    # -- GraphStore ----------------------------------------------------------------
    def apply_schema(self) -> None:
        if self.read_only:
            raise StoreError("the Neo4j store was opened read-only")
        with self._write_lock:
            for text in schema_statements():
                self._write_schema(text)

    def upsert_nodes(self, label: str, rows: Sequence[dict[str, Any]], *, fresh: bool = False) -> int:
        table = schema.node(label)
        # CREATE under the uniqueness constraint: an existing key fails the transaction.
        query = node_insert_query(table) if fresh else node_upsert_query(table)
        rows = dedupe_last(rows, lambda r: r[table.key])
        for batch in batched(rows, BATCH_SIZE):
            self._write(query, {"rows": [_complete(r, table.props) for r in batch]})
        return len(rows)

    def upsert_rels(self, rel_type: str, src_label: str, dst_label: str,
                    rows: Sequence[dict[str, Any]], *, fresh: bool = False) -> int:
        table = checked_rel(rel_type, src_label, dst_label)
        for row in rows:
            missing = [k for k in table.key if row.get(k) is None]
            if missing:  # Neo4j refuses to MERGE on a null property
                raise StoreError(f"{rel_type} {row.get('src')}->{row.get('dst')} has no {', '.join(missing)}")
        query = rel_insert_query(table) if fresh else rel_upsert_query(table)
        rows = dedupe_last(rows, rel_identity(table))
        fields = {"src": schema.STRING, "dst": schema.STRING, **table.props}
        for batch in batched(rows, BATCH_SIZE):
            self._write(query, {"rows": [_complete(r, fields) for r in batch]})
        return len(rows)

    def run(self, name: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        check_deadline(off_loop=True)  # a statement never runs on the event loop
        return self._read(load_query(name, self.backend), params)

    def execute_write(self, name: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        return self._write(load_query(name, self.backend), params)

    def query_text(self, name: str) -> str:
        return load_query(name, self.backend)

    @contextmanager
    def write_transaction(self) -> Iterator[None]:
        if getattr(self._tx, "tx", None) is not None:
            yield  # nested: the outer transaction decides
            return
        if self.read_only:
            raise StoreError("the Neo4j store was opened read-only")
        with self._write_lock:
            try:
                session = self._session("write")
                tx = session.begin_transaction()
            except Exception as exc:
                raise translate_error(exc, self.uri, self.user) from exc
            self._tx.tx = tx
            try:
                yield
            except BaseException:
                self._tx.tx = None
                try:
                    tx.rollback()
                finally:
                    session.close()
                raise
            self._tx.tx = None
            try:
                tx.commit()
            except Exception as exc:
                raise translate_error(exc, self.uri, self.user) from exc
            finally:
                session.close()

    # -- whole-graph access (export / copy) ------------------------------------------
    def dump_nodes(self, label: str) -> list[dict[str, Any]]:
        """Every node of ``label`` as {prop: value} for all declared properties."""
        return self._read(dump_nodes_query(schema.node(label)))

    def dump_rels(self, rel_type: str) -> list[dict[str, Any]]:
        """Every ``rel_type`` relation as {src, dst, prop: value ...}, keys of the end nodes."""
        return self._read(dump_rels_query(schema.rel(rel_type)))

    def count_nodes(self) -> int:
        return int(self._read(COUNT_NODES)[0]["nodes"])

    def clear_graph(self) -> None:
        """Delete every node (and relation) with a policy-graph label, nothing else."""
        self._write(CLEAR_GRAPH)

    def close(self) -> None:
        driver = getattr(self, "_driver", None)
        if driver is not None:
            driver.close()


def _complete(row: dict[str, Any], fields: dict[str, str]) -> dict[str, Any]:
    """Same keys in every row: an absent property is written as null (removed), not left stale."""
    return {name: _storable(row.get(name)) for name in fields}


def _storable(value: Any) -> Any:
    # Neo4j properties cannot hold nulls inside lists or nested maps.
    if isinstance(value, (list, tuple)):
        return [v for v in value if v is not None]
    return value
