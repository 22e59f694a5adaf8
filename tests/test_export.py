"""Export (GraphML, CSV, Cypher) and copy between stores, without re-ingesting."""
from __future__ import annotations

import csv
import json

import networkx as nx
import pytest

from graph import cypher_lint, schema
from graph.export import copy_graph, cypher_literal, cypher_statements, export_graph
from graph.store import open_store
from policy_graph.lookups import counts as lookups_counts

_ok, _why = cypher_lint.available()
needs_linter = pytest.mark.skipif(not _ok, reason=f"Cypher linter unavailable: {_why} (CI installs it)")

QUOTED = "方案 'quoted' \\ back\nslash\t\u2028end"


def _small_graph(store):
    """A hand-made graph with the awkward parts: quotes, newlines, lists, parallel LED_BY edges."""
    store.apply_schema()
    store.upsert_nodes("Region", [
        {"name": "福建", "full_name": "福建省", "name_en": "Fujian", "level": "province", "aliases": ["闽"]},
        {"name": "厦门", "full_name": "厦门市", "name_en": "Xiamen", "level": "city", "parent": "福建",
         "aliases": []}])
    store.upsert_nodes("Document", [{"id": "d1", "title": QUOTED, "region": "厦门", "measure_count": 1}])
    store.upsert_nodes("Measure", [{"id": "m1", "document_id": "d1", "region": "厦门", "kind": "measure",
                                    "ordinal": 1, "label": "1.", "title": "知识产权质押融资", "text": "t"}])
    store.upsert_nodes("Agency", [{"id": "厦门|市科技局", "name": "市科技局", "region": "厦门", "aliases": []}])
    store.upsert_nodes("Theme", [{"key": "ip", "name_zh": "知识产权", "name_en": "IP", "synonyms": ["专利"]}])
    store.upsert_rels("PART_OF", "Region", "Region", [{"src": "厦门", "dst": "福建"}])
    store.upsert_rels("IN_DOCUMENT", "Measure", "Document", [{"src": "m1", "dst": "d1"}])
    store.upsert_rels("LED_BY", "Measure", "Agency", [
        {"src": "m1", "dst": "厦门|市科技局", "role": "lead", "printed": "市科技局", "evidence": "e1"},
        {"src": "m1", "dst": "厦门|市科技局", "role": "support", "printed": "市科技局", "evidence": "e2"}])
    store.upsert_rels("HAS_THEME", "Measure", "Theme",
                      [{"src": "m1", "dst": "ip", "terms": ["知识产权", "质押"], "evidence": "ev"}])


@pytest.fixture
def small(tmp_path):
    with open_store("ladybug", path=tmp_path / "small.lbdb") as store:
        _small_graph(store)
        yield store


def test_graphml_of_the_corpus_opens_in_networkx_with_the_same_counts(corpus_db, tmp_path):
    out = tmp_path / "corpus.graphml"
    with open_store("ladybug", path=corpus_db, read_only=True) as store:
        counts = export_graph(store, "graphml", out)
        stats = lookups_counts(store)
        node_total = sum(len(store.dump_nodes(label)) for label in schema.NODES)
    graph = nx.read_graphml(out)
    assert graph.number_of_nodes() == node_total == counts.total_nodes
    assert graph.number_of_edges() == stats["relations"] == counts.total_rels
    measures = [n for n, d in graph.nodes(data=True) if d["node_type"] == "Measure" and d["kind"] == "measure"]
    assert len(measures) == stats["measures"] == 101
    assert sum(1 for _, d in graph.nodes(data=True) if d["node_type"] == "Document") == stats["documents"]


def test_graphml_keeps_parallel_edges_and_exact_text(small, tmp_path):
    export_graph(small, "graphml", tmp_path / "g.graphml")
    graph = nx.read_graphml(tmp_path / "g.graphml")
    assert graph.nodes["Document:d1"]["title"] == QUOTED
    roles = sorted(d["role"] for _, _, d in graph.edges("Measure:m1", data=True) if d["rel_type"] == "LED_BY")
    assert roles == ["lead", "support"]
    assert json.loads(graph.nodes["Theme:ip"]["synonyms"]) == ["专利"]


def test_csv_has_one_file_per_label_and_type(small, tmp_path):
    counts = export_graph(small, "csv", tmp_path / "csv")
    files = sorted(p.name for p in (tmp_path / "csv").iterdir())
    assert files == sorted([f"nodes_{label}.csv" for label in schema.NODES]
                           + [f"rels_{rel}.csv" for rel in schema.RELS])
    with open(tmp_path / "csv" / "rels_LED_BY.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert sorted(r["role"] for r in rows) == ["lead", "support"] and counts.rels["LED_BY"] == 2
    with open(tmp_path / "csv" / "nodes_Document.csv", encoding="utf-8", newline="") as fh:
        (doc,) = list(csv.DictReader(fh))
    assert doc["title"] == QUOTED and doc["measure_count"] == "1"


def test_cypher_literals_escape_what_would_break_a_string():
    assert cypher_literal("it's") == "'it\\'s'"
    assert cypher_literal("a\\b") == "'a\\\\b'"
    assert cypher_literal("line\nnext") == "'line\\nnext'"
    assert cypher_literal({"k": [1, 2.5, None, True], "odd key": "x"}) == "{k: [1, 2.5, null, true], `odd key`: 'x'}"
    assert cypher_literal(float("nan")) == "null"


@needs_linter
def test_cypher_export_passes_neo4j_analyser(small, tmp_path):
    from graph.cypher_lint import ERROR, Statement, lint

    statements = [Statement(f"{kind}#{i}", text, "export.cypher")
                  for i, (kind, text, _) in enumerate(cypher_statements(small))]
    assert any(cypher_literal(QUOTED) in s.query for s in statements)
    errors = [d for d in lint(statements) if d.severity == ERROR]
    assert errors == [], "\n".join(d.format() for d in errors)


def test_cypher_export_file_counts_rows(small, tmp_path):
    counts = export_graph(small, "cypher", tmp_path / "g.cypher")
    text = (tmp_path / "g.cypher").read_text(encoding="utf-8")
    assert text.count("CREATE CONSTRAINT") == len(schema.NODES)
    assert counts.nodes["Region"] == 2 and counts.rels["LED_BY"] == 2
    assert "$rows" not in text  # every batch has its rows inlined


def test_copy_moves_the_whole_graph_and_is_idempotent(small, tmp_path):
    with open_store("ladybug", path=tmp_path / "copy.lbdb") as dst:
        first = copy_graph(small, dst, batch_size=1)  # tiny batches exercise the batching
        copy_graph(small, dst)
        for label in schema.NODES:
            assert dst.dump_nodes(label) == small.dump_nodes(label), label
        for rel in schema.RELS:
            key = lambda r: json.dumps(r, sort_keys=True, ensure_ascii=False)  # noqa: E731
            assert sorted(map(key, dst.dump_rels(rel))) == sorted(map(key, small.dump_rels(rel))), rel
    assert first.total_nodes == 6 and first.rels["LED_BY"] == 2
