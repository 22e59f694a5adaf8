"""Whole-graph export (GraphML, CSV, Cypher) and backend-to-backend copy.

Both read a store only through ``dump_nodes(label)`` / ``dump_rels(rel_type)``
and write only through ``upsert_nodes`` / ``upsert_rels``, so they work from and
to any backend and never re-run ingest.

Node identity in GraphML and CSV is ``<Label>:<key>`` (as in ``graph.subgraph``),
so one id names the same node in the API, the viewer and an export.
"""
from __future__ import annotations

import csv
import json
import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from graph import schema
from graph.store import GraphStore

FORMATS = ("graphml", "csv", "cypher")
COPY_BATCH = 5000
CYPHER_ROWS_PER_STATEMENT = 500


@dataclass
class Counts:
    nodes: dict[str, int] = field(default_factory=lambda: dict.fromkeys(schema.NODES, 0))
    rels: dict[str, int] = field(default_factory=lambda: dict.fromkeys(schema.RELS, 0))

    @property
    def total_nodes(self) -> int:
        return sum(self.nodes.values())

    @property
    def total_rels(self) -> int:
        return sum(self.rels.values())


def node_id(label: str, key: Any) -> str:
    return f"{label}:{key}"


# -- export ---------------------------------------------------------------------
def export_graph(store: GraphStore, fmt: str, out: Path | str) -> Counts:
    """Write the whole graph: ``out`` is a file for graphml/cypher, a directory for csv."""
    out = Path(out)
    if fmt == "graphml":
        return _export_graphml(store, out)
    if fmt == "csv":
        return _export_csv(store, out)
    if fmt == "cypher":
        out.parent.mkdir(parents=True, exist_ok=True)
        with out.open("w", encoding="utf-8", newline="\n") as fh:
            return write_cypher(store, fh)
    raise ValueError(f"unknown export format {fmt!r} (expected one of {', '.join(FORMATS)})")


def _attr(value: Any) -> Any:
    """GraphML holds scalars only: lists become JSON text; None means 'no attribute'."""
    if isinstance(value, (list, tuple, dict)):
        return json.dumps(value, ensure_ascii=False)
    return value


def to_networkx(store: GraphStore):
    """The graph as a networkx MultiDiGraph (parallel LED_BY lead/support edges stay apart)."""
    import networkx as nx

    graph = nx.MultiDiGraph()
    for label, table in schema.NODES.items():
        for row in store.dump_nodes(label):
            attrs = {k: _attr(v) for k, v in row.items() if v is not None}
            graph.add_node(node_id(label, row[table.key]), node_type=label, **attrs)
    for rel_type, table in schema.RELS.items():
        for row in store.dump_rels(rel_type):
            props = {k: _attr(v) for k, v in row.items() if k not in ("src", "dst") and v is not None}
            key = "|".join([rel_type, *(str(row.get(k)) for k in table.key)])
            graph.add_edge(node_id(table.src, row["src"]), node_id(table.dst, row["dst"]), key=key,
                           rel_type=rel_type, **props)
    return graph


def _export_graphml(store: GraphStore, out: Path) -> Counts:
    import networkx as nx

    graph = to_networkx(store)
    out.parent.mkdir(parents=True, exist_ok=True)
    nx.write_graphml(graph, out, encoding="utf-8", named_key_ids=True)
    counts = Counts()
    for _, data in graph.nodes(data=True):
        counts.nodes[data["node_type"]] += 1
    for _, _, data in graph.edges(data=True):
        counts.rels[data["rel_type"]] += 1
    return counts


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, (list, tuple, dict)):
        return json.dumps(value, ensure_ascii=False)
    return value


def _export_csv(store: GraphStore, out: Path) -> Counts:
    """nodes_<Label>.csv (declared properties) and rels_<TYPE>.csv (src, dst, properties)."""
    out.mkdir(parents=True, exist_ok=True)
    counts = Counts()
    for label, table in schema.NODES.items():
        rows = store.dump_nodes(label)
        _write_csv(out / f"nodes_{label}.csv", list(table.props), rows)
        counts.nodes[label] = len(rows)
    for rel_type, table in schema.RELS.items():
        rows = store.dump_rels(rel_type)
        _write_csv(out / f"rels_{rel_type}.csv", ["src", "dst", *table.props], rows)
        counts.rels[rel_type] = len(rows)
    return counts


def _write_csv(path: Path, columns: list[str], rows: Sequence[dict[str, Any]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(columns)
        for row in rows:
            writer.writerow([_csv_value(row.get(c)) for c in columns])


# -- Cypher script ----------------------------------------------------------------
_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_ESCAPES = {"\\": "\\\\", "'": "\\'", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}


def cypher_string(text: str) -> str:
    """A single-quoted Cypher string literal that reads back as exactly ``text``."""
    out = []
    for ch in text:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ord(ch) < 0x20 or 0x7F <= ord(ch) < 0xA0 or ch in "\u2028\u2029":
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return "'" + "".join(out) + "'"


def cypher_literal(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else "null"  # Cypher has no NaN/Infinity literal
    if isinstance(value, str):
        return cypher_string(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(cypher_literal(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_key(k)}: {cypher_literal(v)}" for k, v in value.items()) + "}"
    return cypher_string(str(value))


def _key(name: str) -> str:
    return name if _IDENT.match(name) else "`" + name.replace("`", "``") + "`"


def cypher_statements(store: GraphStore) -> Iterator[tuple[str, str, int]]:
    """(kind, statement, rows): schema first, then nodes, then relations, in UNWIND batches.

    The data statements are the Neo4j backend's own upserts with the rows inlined
    as literals, so running the script is exactly an ingest of the same rows.
    """
    from graph.backends.neo4j import node_upsert_query, rel_upsert_query, schema_statements

    for text in schema_statements():
        yield "schema", text, 0
    for label, table in schema.NODES.items():
        rows = [{p: row.get(p) for p in table.props} for row in store.dump_nodes(label)]
        yield from _inline_batches(node_upsert_query(table), label, rows)
    for rel_type, table in schema.RELS.items():
        fields = ["src", "dst", *table.props]
        rows = [{p: row.get(p) for p in fields} for row in store.dump_rels(rel_type)]
        yield from _inline_batches(rel_upsert_query(table), rel_type, rows)


def _inline_batches(query: str, kind: str, rows: list[dict[str, Any]]) -> Iterator[tuple[str, str, int]]:
    for i in range(0, len(rows), CYPHER_ROWS_PER_STATEMENT):
        batch = rows[i:i + CYPHER_ROWS_PER_STATEMENT]
        literal = "[\n  " + ",\n  ".join(cypher_literal(r) for r in batch) + "\n]"
        yield kind, query.replace("UNWIND $rows AS r", f"UNWIND {literal} AS r", 1), len(batch)


def write_cypher(store: GraphStore, fh: TextIO) -> Counts:
    """A script for ``cypher-shell -f``: idempotent (constraints IF NOT EXISTS, MERGE)."""
    counts = Counts()
    fh.write("// policy-graph export. Load into Neo4j 5 with: cypher-shell -f <this file>\n"
             "// Re-running it is harmless: constraints use IF NOT EXISTS and rows MERGE on their keys.\n")
    for kind, text, n in cypher_statements(store):
        fh.write(text + ";\n")
        if kind in schema.NODES:
            counts.nodes[kind] += n
        elif kind in schema.RELS:
            counts.rels[kind] += n
    return counts


# -- copy -------------------------------------------------------------------------
def copy_graph(src: GraphStore, dst: GraphStore, *, batch_size: int = COPY_BATCH) -> Counts:
    """Move every node and relation from ``src`` to ``dst`` (MERGE: re-running is harmless).

    Nodes go first so relations find both ends. Each batch is one write on ``dst``;
    an interrupted copy can simply be run again.
    """
    dst.apply_schema()
    counts = Counts()
    for label in schema.NODES:
        rows = src.dump_nodes(label)
        for i in range(0, len(rows), batch_size):
            dst.upsert_nodes(label, rows[i:i + batch_size])
        counts.nodes[label] = len(rows)
    for rel_type, table in schema.RELS.items():
        rows = src.dump_rels(rel_type)
        for i in range(0, len(rows), batch_size):
            dst.upsert_rels(rel_type, table.src, table.dst, rows[i:i + batch_size])
        counts.rels[rel_type] = len(rows)
    return counts
