"""Backend-neutral subgraphs: the node/edge sets that pages draw and /api/subgraph returns.

A node is identified as ``"<Type>:<key>"`` (``Measure:abc``, ``Region:厦门``) because the
key property differs by type and two types may share a key text. Growth is breadth-first
and stops at ``limit`` nodes; ``truncated`` then tells the reader the picture is partial.
Only named queries reach the store.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import orjson

from graph import schema
from graph.queries import written_cap
from graph.store import GraphStore

KEY_OF: dict[str, str] = {label: table.key for label, table in schema.NODES.items()}


def relations(label: str, direction: str) -> list[str]:
    """The relation types the schema lets out of (``"out"``) or into (``"in"``) a ``label`` node.

    A node type with none in a direction (nothing leaves an Agency or a Theme) has no neighbour
    statement for it, and the builder asks nothing: an Agency's outgoing statement took 0.85 ms
    for no row at 10k measures."""
    end = "src" if direction == "out" else "dst"
    return sorted(t for t, rel in schema.RELS.items() if getattr(rel, end) == label)


def node_id(node_type: str, key: str) -> str:
    return f"{node_type}:{key}"


def split_node_id(text: str) -> tuple[str, str] | None:
    """``"Region:厦门"`` -> ``("Region", "厦门")``; None when the prefix is no node type."""
    head, sep, key = text.partition(":")
    if sep and head in KEY_OF and key:
        return head, key
    return None


def display_label(node_type: str, props: dict[str, Any]) -> str:
    """A short label for the canvas; the tooltip carries the long text."""
    if node_type == "Measure":
        title = (props.get("title") or props.get("text") or props.get("id") or "").strip()
        return _clip(title, 18)
    if node_type in ("Theme", "Practice"):
        return props.get("name_zh") or props.get("key") or ""
    if node_type == "Document":
        return _clip(props.get("title") or props.get("id") or "", 20)
    return props.get("name") or props.get(KEY_OF.get(node_type, "id")) or ""


def _clip(text: str, n: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


@dataclass
class SubNode:
    id: str
    type: str
    key: str
    label: str
    props: dict[str, Any] = field(default_factory=dict)

    def public(self) -> dict[str, str]:
        return {"id": self.id, "type": self.type, "label": self.label}


@dataclass
class SubEdge:
    source: str
    target: str
    type: str
    props: dict[str, Any] = field(default_factory=dict)

    def public(self) -> dict[str, str]:
        return {"source": self.source, "target": self.target, "type": self.type}


@dataclass
class Subgraph:
    limit: int = 200
    nodes: dict[str, SubNode] = field(default_factory=dict)
    edges: list[SubEdge] = field(default_factory=list)
    truncated: bool = False
    _edge_keys: set = field(default_factory=set, repr=False)

    def add_node(self, node_type: str, key: str, props: dict[str, Any] | None = None,
                 label: str | None = None) -> str | None:
        """Add (or enrich) a node; returns its id, or None when the cap refused it."""
        nid = node_id(node_type, key)
        props = {k: v for k, v in (props or {}).items() if v is not None}
        if nid in self.nodes:
            node = self.nodes[nid]
            for k, v in props.items():
                node.props.setdefault(k, v)
            return nid
        if len(self.nodes) >= self.limit:
            self.truncated = True
            return None
        props.setdefault(KEY_OF.get(node_type, "id"), key)
        self.nodes[nid] = SubNode(nid, node_type, key,
                                  label if label is not None else display_label(node_type, props),
                                  props)
        return nid

    def add_edge(self, source: str | None, target: str | None, edge_type: str,
                 props: dict[str, Any] | None = None, distinct: str = "") -> None:
        """Edges only join nodes that made it under the cap; parallel duplicates collapse."""
        if source is None or target is None:
            return
        if source not in self.nodes or target not in self.nodes:
            return
        key = (source, target, edge_type, distinct)
        if key in self._edge_keys:
            return
        self._edge_keys.add(key)
        self.edges.append(SubEdge(source, target, edge_type,
                                  {k: v for k, v in (props or {}).items() if v is not None}))

    def to_public(self) -> dict[str, Any]:
        return {"nodes": [n.public() for n in self.nodes.values()],
                "edges": [e.public() for e in self.edges],
                "truncated": self.truncated}


def date_measures(runner: Any, sub: Subgraph) -> None:
    """Give each Measure node its document's date and date_source (the time range of a page).

    ``runner`` is anything with ``run(name, params)``: a GraphStore or a research Trace. One
    query for the whole picture; a date already on a node (from an answer) is kept."""
    ids = sorted(n.key for n in sub.nodes.values() if n.type == "Measure" and not n.props.get("date"))
    if not ids:
        return
    for row in runner.run("measure_dates", {"ids": ids}):
        node = sub.nodes.get(node_id("Measure", row["id"]))
        if node is not None and row.get("date"):
            node.props["date"] = row["date"]
            node.props["date_source"] = row.get("date_source")


# The columns every neighbour query returns for the far node.
_NODE_COLUMNS = ("id", "name", "key", "title", "name_zh", "region", "text", "document_id")
_EDGE_COLUMNS = ("role", "score", "scope", "measure_id")


def resolve_center(store: GraphStore, text: str, index: Any = None) -> tuple[str, str, dict[str, Any]] | None:
    """``Type:key`` or a bare key; returns (type, key, props) of an existing node.

    Each type is looked up on its primary key, a bare key in the schema's table order. One
    statement over every table (``n.id = $key OR n.name = $key ...``) scanned every node: 5.9 ms
    for a measure at 10k measures, against 0.2 ms for its typed lookup. A ``Measure:`` centre's
    columns are read from the detail the ingest kept in the text ``index`` when it holds one (the
    graph's own columns, node_lookup_measure's)."""
    typed = split_node_id(text)
    key = typed[1] if typed else text
    detail = index.detail(key) if index is not None and typed is not None and typed[0] == "Measure" else None
    if detail is not None:
        kept = orjson.loads(detail)
        return "Measure", key, {**dict.fromkeys(_NODE_COLUMNS), "id": kept["id"], "title": kept["title"],
                                "region": kept["region"], "text": kept["text"], "document_id": kept["document"]}
    for label in [typed[0]] if typed else KEY_OF:
        rows = store.run(f"node_lookup_{label.lower()}", {"key": key})
        if rows:
            return label, key, {c: rows[0].get(c) for c in _NODE_COLUMNS}
    return None


# The order the ordered neighbour statements sort their rows in (ORDER BY src, rel, label, id,
# name, key, role, measure_id, scope, score): the far node, then what tells two edges between the
# same nodes apart. Nulls last, as both databases put them ascending.
_ROW_ORDER = ("src", "rel", "label", "id", "name", "key", "role", "measure_id", "scope", "score")


def _in_order(row: dict[str, Any]) -> tuple:
    return tuple((row.get(c) is None, row.get(c) if row.get(c) is not None else 0) for c in _ROW_ORDER)


def _neighbour_rows(store: GraphStore, query: str, keys: set[str], row_cap: int) -> list[dict[str, Any]]:
    """The rows of ``query`` for ``keys``, at most ``row_cap``, in the statement's order.

    One key (the centre's hop, and any type with one node in the frontier) is looked up by
    ``query``'s ``_one`` form: LadybugDB finds a node by key for ``=`` and scans the table for
    ``IN $keys``. A measure's neighbours took 10.8 ms with the list and 1.5 ms by key at 100k
    measures; with 20 keys the list (26 ms) beat a statement a key (30 ms), so more keys stay one
    statement (bench/FIXES.md). The ``_one`` form does not sort: its rows are sorted here when
    they all came, and a node with more than ``row_cap`` leaves the choice of rows to the
    ordered statement. Its cap is a parameter, or written into its text (a measure's: see
    written_cap): then a node with as many rows as that cap may have more, and the ordered
    statement is asked too."""
    if len(keys) == 1:
        key = next(iter(keys))
        one = f"{query}_one"
        written = written_cap(store.query_text(one))
        if written is None:
            rows = store.run(one, {"key": key, "limit": row_cap + 1})
            complete = True
        else:  # its own cap: every row of the node came when fewer than the cap did
            rows = store.run(one, {"key": key})
            complete = len(rows) < written
        if complete and len(rows) <= row_cap:
            return sorted(rows, key=_in_order)
        keys = {key}
    return store.run(query, {"keys": sorted(keys), "limit": row_cap})


# What the ingest keeps of a measure's neighbours beside its detail (measure_details_neighbours'
# lists, its own document's relations): each neighbour these columns of the one-key statements'
# rows, in this order; none of these relations has a score or a measure_id.
_KEPT_COLUMNS = ("rel", "label", *_NODE_COLUMNS, "role", "scope")


def encode_kept_neighbours(neighbours: list[list[Any]]) -> bytes:
    """A measure's list of measure_details_neighbours as the text index keeps it."""
    return orjson.dumps(neighbours)


def _kept_rows(store: GraphStore, index: Any, node_type: str, keys: set[str],
               row_cap: int) -> dict[str, list[dict[str, Any]]] | None:
    """One measure's rows of both directions (as ``_neighbour_rows`` gives each): the neighbours
    its own document gave it, kept in the text ``index`` beside its detail, and its similar
    measures, both ways (``_similar_rows``: the kept similar-to edges, or one statement, where the
    graph took three: the centre's lookup, then each direction's). None
    when the index keeps none for it, when the statement's written cap may have left rows out, or
    when a similar edge joins the measure to itself (the linker writes none; the undirected match
    gives it twice, both leaving the measure, where each direction's statement gives it once):
    then the one-key statements are asked, as for any other node."""
    if index is None or node_type != "Measure" or len(keys) != 1:
        return None
    key = next(iter(keys))
    own = index.neighbours(key)
    if own is None:
        return None
    similar = _similar_rows(store, index, key)
    if similar is None or any(row["id"] == key for row in similar):
        return None
    rows: dict[str, list[dict[str, Any]]] = {
        "out": [{"src": key, **dict(zip(_KEPT_COLUMNS, row)), "score": None, "measure_id": None}
                for row in orjson.loads(own)], "in": []}
    for row in similar:
        rows["out" if row.pop("out") else "in"].append(row)
    # as _neighbour_rows: every row came, so sorted here, unless past the cap: then the ordered
    # statement chooses the page
    return {direction: sorted(found, key=_in_order) if len(found) <= row_cap
            else store.run(f"subgraph_{direction}_measure", {"keys": [key], "limit": row_cap})
            for direction, found in rows.items()}


def _similar_rows(store: GraphStore, index: Any, key: str) -> list[dict[str, Any]] | None:
    """A measure's similar measures both ways, as subgraph_similar_measure_one gives them: from
    the similar-to edges the text ``index`` keeps when they are the graph's (no statement: at 100k
    measures the statement took 0.35 ms and sent the request to a thread), else from the
    statement. None when as many rows as its written cap came (there may be more)."""
    cap = written_cap(store.query_text("subgraph_similar_measure_one"))
    kept = index.similar(key, cap)
    if kept is None:
        rows = store.run("subgraph_similar_measure_one", {"key": key})
    else:
        rows = [{"out": out, "src": key, "rel": "SIMILAR_TO", "label": "Measure", "id": other, "name": None,
                 "key": None, "title": title, "name_zh": None, "region": region, "text": text,
                 "document_id": document, "role": None, "score": score, "scope": None, "measure_id": None}
                for out, other, score, title, region, text, document in kept]
    return None if len(rows) >= cap else rows


def neighbourhood(store: GraphStore, center: tuple[str, str, dict[str, Any]], *,
                  depth: int = 1, limit: int = 200, index: Any = None) -> Subgraph:
    """Breadth-first ``depth`` hops around ``center`` in both directions, at most ``limit`` nodes.
    A lone measure's neighbours are read with what the text ``index`` kept of them, when it
    did (``_kept_rows``): the same rows."""
    sub = Subgraph(limit=limit)
    ctype, ckey, cprops = center
    sub.add_node(ctype, ckey, cprops)
    frontier: dict[str, set[str]] = {ctype: {ckey}}
    # Rows also repeat known nodes, so fetch a margin beyond the node cap;
    # a full page of rows means something may have been left out.
    row_cap = limit * 4
    for _ in range(depth):
        nxt: dict[str, set[str]] = {}
        for node_type, keys in frontier.items():
            kept = _kept_rows(store, index, node_type, keys, row_cap)
            for direction in ("out", "in"):
                if not relations(node_type, direction):
                    continue
                rows = kept[direction] if kept is not None else \
                    _neighbour_rows(store, f"subgraph_{direction}_{node_type.lower()}", keys, row_cap)
                if len(rows) >= row_cap:
                    sub.truncated = True
                for row in rows:
                    far_type = row.get("label")
                    if far_type not in KEY_OF:
                        continue
                    far_key = row.get(KEY_OF[far_type])
                    if far_key is None:
                        continue
                    props = {c: row.get(c) for c in _NODE_COLUMNS}
                    near = node_id(node_type, row["src"])
                    was_known = node_id(far_type, far_key) in sub.nodes
                    far = sub.add_node(far_type, far_key, props)
                    if far is None:
                        continue
                    if not was_known:
                        nxt.setdefault(far_type, set()).add(far_key)
                    edge_props = {c: row.get(c) for c in _EDGE_COLUMNS}
                    src, dst = (near, far) if direction == "out" else (far, near)
                    sub.add_edge(src, dst, row["rel"], edge_props,
                                 distinct=str(row.get("role") or row.get("measure_id") or ""))
        frontier = nxt
        if not frontier:
            break
    return sub
