"""A node's neighbours as the subgraph builder reads them (graph/subgraph.py): one key's statement
does not sort, and the builder's own order must be the ordered statement's, row for row, for every
node of the founding corpus in both directions, under the cap and past it. (Both statements are
written out per node type and per database: this holds each pair to the same rows.)"""
from __future__ import annotations

import re

import pytest

from graph import schema
from graph.store import open_store
from graph.subgraph import KEY_OF, _neighbour_rows, relations


@pytest.fixture(scope="module")
def store(corpus_db):
    with open_store("ladybug", path=corpus_db, read_only=True) as opened:
        yield opened


def _keys(store, label):
    return [row["key"] for row in store._execute(f"MATCH (n:{label}) RETURN n.{KEY_OF[label]} AS key")]


@pytest.mark.parametrize("label", sorted(schema.NODES))
def test_one_nodes_neighbours_come_in_the_statements_order(store, label):
    keys = _keys(store, label)
    assert keys
    capped = 0
    for key in keys:
        for direction in [d for d in ("out", "in") if relations(label, d)]:
            query = f"subgraph_{direction}_{label.lower()}"
            for cap in (3, 800):
                ordered = store.run(query, {"keys": [key], "limit": cap})
                assert _neighbour_rows(store, query, {key}, cap) == ordered, (query, key, cap)
                capped += len(ordered) == cap
    assert capped  # some node had more neighbours than the cap


# Every relation and every far node table at once: what the statements answered before they named
# their relation types, and what they must still answer.
_UNNAMED = ("MATCH (n:{label}){arrow}(m) WHERE n.{key} IN $keys "
            "RETURN n.{key} AS src, label(r) AS rel, label(m) AS label, m.id AS id, m.name AS name, "
            "m.key AS key, m.title AS title, m.name_zh AS name_zh, m.region AS region, m.text AS text, "
            "m.document_id AS document_id, r.role AS role, r.score AS score, r.scope AS scope, "
            "r.measure_id AS measure_id "
            "ORDER BY src, rel, label, id, name, key, role, measure_id, scope, score LIMIT $limit")


@pytest.mark.parametrize("label", sorted(schema.NODES))
def test_the_statements_name_the_schemas_relations_and_miss_no_neighbour(store, label):
    """LadybugDB plans an unnamed relation over every relation table, so each statement names the
    types the schema lets out of or into its node type. A relation type added to the schema and not
    to the statement would drop neighbours silently: the names are checked against the schema, and
    the rows against the unnamed statement's for every node of the corpus."""
    keys = _keys(store, label)
    for direction, arrow in (("out", "-[r]->"), ("in", "<-[r]-")):
        named = relations(label, direction)
        for form in ("", "_one"):
            name = f"subgraph_{direction}_{label.lower()}{form}"
            if named:
                written = re.search(r"\[r:([A-Z_|]+)\]", store.query_text(name))
                assert written and sorted(written.group(1).split("|")) == named, name
        everything = store._execute(_UNNAMED.format(label=label, arrow=arrow, key=KEY_OF[label]),
                                    {"keys": keys, "limit": 100_000})
        if not named:
            assert everything == []
            continue
        assert everything
        assert store.run(f"subgraph_{direction}_{label.lower()}", {"keys": keys, "limit": 100_000}) == everything


def test_a_measure_past_its_statements_written_cap_is_read_by_the_ordered_statement(store, monkeypatch):
    """A measure's one-key statements carry their cap written in (LIMIT 801: a parameter there made
    LadybugDB plan them again at every run). When a node has as many rows as that cap, some may be
    missing, and the ordered statement chooses the page; below it every row came."""
    from graph import subgraph

    queries = [f"subgraph_{d}_measure" for d in ("out", "in")]
    assert all(subgraph.written_cap(store.query_text(q + "_one")) == 801 for q in queries)
    written = subgraph.written_cap
    monkeypatch.setattr(subgraph, "written_cap", lambda text: 3 if written(text) else None)
    asked: list[str] = []
    run = store.run

    def capped_run(name, params):  # the statements as if their written cap were 3
        asked.append(name)
        rows = run(name, params)
        return rows[:3] if name.endswith("_one") else rows

    monkeypatch.setattr(store, "run", capped_run)
    fallbacks = 0
    for key in _keys(store, "Measure"):
        for query in queries:
            for cap in (2, 3, 800):
                asked.clear()
                assert _neighbour_rows(store, query, {key}, cap) == run(query, {"keys": [key], "limit": cap})
                fallbacks += asked[:2] == [query + "_one", query]
    assert fallbacks
