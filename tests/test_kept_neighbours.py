"""A measure's subgraph read with the neighbours the ingest kept beside its detail (its own
document's relations) and the similar-to edges it kept (or, when those are not the graph's, one
statement for its similar measures): the same picture the graph's statements draw, node for node
and edge for edge with their properties, for every measure of the founding corpus, after an
upload that links new measures to older ones, after a write of the edges left half-way, and past
the similar statement's cap."""
from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

from fixtures.counting import Counting
from graph import schema, subgraph
from graph.queries import load_query
from graph.store import open_store
from graph.subgraph import neighbourhood, relations, resolve_center
from graph.textindex import TextIndex

SIMILAR = "subgraph_similar_measure_one"


def _measures(store) -> list[str]:
    return [r["id"] for r in store._execute("MATCH (m:Measure) RETURN m.id AS id ORDER BY id")]


def _drawn(sub) -> tuple:
    """All a subgraph holds: what the API sends, and the properties the explorer's page shows."""
    return (sub.to_public(), {k: n.props for k, n in sub.nodes.items()}, [e.props for e in sub.edges])


def _same_rows(store, index, mid: str, row_cap: int) -> bool:
    """Asserts the rows a measure's picture is drawn from are the one-key statements' rows, row
    for row in both directions; returns whether they were read with its kept neighbours."""
    kept = subgraph._kept_rows(store, index, "Measure", {mid}, row_cap)
    if kept is not None:
        for direction in ("out", "in"):
            assert kept[direction] == subgraph._neighbour_rows(
                store, f"subgraph_{direction}_measure", {mid}, row_cap), (mid, direction, row_cap)
    return kept is not None


def _same_pictures(store, index, measures, shapes=((0, 200), (1, 200), (1, 3), (2, 30))) -> int:
    """Asserts each measure's subgraphs are the graph's; returns how many read kept neighbours."""
    kept = 0
    for mid in measures:
        centre = resolve_center(store, f"Measure:{mid}", index)
        assert centre == resolve_center(store, f"Measure:{mid}"), mid
        assert all([_same_rows(store, index, mid, cap) for cap in (12, 800)]) == (index.neighbours(mid) is not None)
        kept += index.neighbours(mid) is not None
        for depth, limit in shapes:
            assert _drawn(neighbourhood(store, centre, depth=depth, limit=limit, index=index)) == \
                _drawn(neighbourhood(store, centre, depth=depth, limit=limit)), (mid, depth, limit)
    return kept


def test_every_measures_subgraph_from_its_kept_neighbours_is_the_graphs(corpus):
    store, index = corpus
    measures = _measures(store)
    assert _same_pictures(store, index, measures) == len(measures) > 100


def test_a_kept_measures_picture_asks_the_graph_nothing(corpus):
    store, index = corpus
    similar_somewhere = 0
    for mid in _measures(store)[:60]:
        counting = Counting(store)
        centre = resolve_center(counting, f"Measure:{mid}", index)
        sub = neighbourhood(counting, centre, depth=1, limit=200, index=index)
        assert counting.asked == [], mid
        similar_somewhere += any(e.type == "SIMILAR_TO" for e in sub.edges)
        # without the index: the centre's lookup and a statement each way
        counting = Counting(store)
        neighbourhood(counting, resolve_center(counting, f"Measure:{mid}"), depth=1, limit=200)
        assert counting.asked == ["node_lookup_measure", "subgraph_out_measure_one", "subgraph_in_measure_one"]
    assert similar_somewhere


@pytest.mark.parametrize("dialect", ["ladybug", "neo4j"])
def test_the_kept_relations_are_every_one_out_of_a_measure_but_similar_to(dialect):
    """A relation type the schema adds out of a Measure and the kept statement leaves out would
    drop neighbours from every measure's picture; SIMILAR_TO must stay out: a later document's
    linking changes it, and the kept rows are only written again with their own document's."""
    written = re.search(r"\[r:([A-Z_|]+)\]", load_query("measure_details_neighbours", dialect))
    assert written and sorted(written.group(1).split("|")) == [t for t in relations("Measure", "out")
                                                               if t != "SIMILAR_TO"]
    assert relations("Measure", "in") == ["SIMILAR_TO"]  # all the similar statement must add
    assert "SIMILAR_TO" in schema.RELS


def test_the_similar_statement_gives_the_one_key_statements_similar_rows_both_ways(corpus):
    store, _ = corpus
    both = 0
    for mid in _measures(store):
        rows = {"out": [], "in": []}
        for row in store.run(SIMILAR, {"key": mid}):
            rows["out" if row.pop("out") else "in"].append(row)
        out = [r for r in store.run("subgraph_out_measure_one", {"key": mid}) if r["rel"] == "SIMILAR_TO"]
        into = store.run("subgraph_in_measure_one", {"key": mid})
        assert sorted(rows["out"], key=subgraph._in_order) == sorted(out, key=subgraph._in_order), mid
        assert sorted(rows["in"], key=subgraph._in_order) == sorted(into, key=subgraph._in_order), mid
        both += bool(rows["out"] and rows["in"])
    assert both


def test_past_the_similar_statements_cap_the_one_key_statements_are_asked(corpus, monkeypatch):
    """The similar statement's cap is written in (LIMIT 1601): a measure with as many rows may have
    more, and its picture is then read as the graph's statements read any node's."""
    store, index = corpus
    assert subgraph.written_cap(store.query_text(SIMILAR)) == 1601
    written = subgraph.written_cap
    monkeypatch.setattr(subgraph, "written_cap",
                        lambda text: 2 if text == store.query_text(SIMILAR) else written(text))
    fell_back = 0
    for mid in _measures(store)[:80]:
        counting = Counting(store)
        centre = resolve_center(counting, f"Measure:{mid}", index)
        got = _drawn(neighbourhood(counting, centre, depth=1, limit=200, index=index))
        assert got == _drawn(neighbourhood(store, centre, depth=1, limit=200)), mid
        fell_back += "subgraph_out_measure_one" in counting.asked
    assert fell_back


def _kept_edges_are_the_graphs(store, fts: Path) -> int:
    """Asserts the text index keeps the graph's similar-to edges, edge for edge and score for
    score, and uses them; returns how many."""
    graph = sorted((r["src"], r["dst"], r["score"]) for r in store._execute(
        "MATCH (a:Measure)-[r:SIMILAR_TO]->(b:Measure) RETURN a.id AS src, b.id AS dst, r.score AS score"))
    with sqlite3.connect(fts) as raw:
        assert sorted(raw.execute("SELECT src, dst, score FROM similar")) == graph
        # looked up both ways by an index, whether or not a keep made them again
        assert {name for (name,) in raw.execute("SELECT name FROM sqlite_master WHERE tbl_name = 'similar' "
                                                "AND type = 'index'")} == {"similar_src", "similar_dst"}
    index = TextIndex.load(fts)
    try:
        assert index.similar_current()
    finally:
        index.close()
    return len(graph)


def test_the_ingest_keeps_the_graphs_similar_edges(corpus):
    store, index = corpus
    assert _kept_edges_are_the_graphs(store, Path(index.path)) > 100


def test_an_upload_linked_to_older_measures_shows_in_their_kept_pictures(corpus_db, tmp_path, monkeypatch):
    """The new documents' measures become similar to older ones: the older measures' pictures,
    whose kept rows were not written again, show the new edges (the kept edges of the measures
    the linker wrote again, replaced without reading the graph's other edges), and the new
    measures' own rows were kept with their details."""
    from fixtures.hostile import copy_graph, synth_documents
    from policy_graph.service import ingest_into, text_index_path

    db = copy_graph(corpus_db, tmp_path / "g")
    simindex = db.parent / (db.name + ".simindex")
    fts = text_index_path(simindex)
    store = open_store("ladybug", path=db)
    kept_whole = []
    keep = TextIndex.keep_similar
    monkeypatch.setattr(TextIndex, "keep_similar",
                        lambda self, edges, sources=None: kept_whole.append(sources is None) or keep(self, edges, sources))
    try:
        older = set(_measures(store))
        with sqlite3.connect(fts) as raw:
            before = dict(raw.execute("SELECT id, n FROM detail"))
        report = ingest_into(store, synth_documents(tmp_path / "new", 120, seed=5)[:2], index_path=simindex)
        assert report.documents and not report.errors
        new = {m.id for doc in report.documents for m in doc.measures}
        linked = {r["b"] for r in store._execute(
            "MATCH (a:Measure)-[:SIMILAR_TO]->(b:Measure) WHERE a.id IN $new AND b.id IN $older "
            "RETURN DISTINCT b.id AS b", {"new": sorted(new), "older": sorted(older)})}
        assert linked  # some older measure got a similar measure from the upload
        with sqlite3.connect(fts) as raw:
            assert all(n == before[mid] for mid, n in raw.execute("SELECT id, n FROM detail") if mid in linked)
        assert kept_whole == [False]  # the written measures' edges only
        _kept_edges_are_the_graphs(store, fts)
        index = TextIndex.load(fts)
        try:
            assert _same_pictures(store, index, sorted(linked | new), ((1, 200), (2, 30))) == len(linked | new)
            counting = Counting(store)
            for mid in sorted(linked):
                neighbourhood(counting, resolve_center(counting, f"Measure:{mid}", index), depth=1, index=index)
            assert counting.asked == []
        finally:
            index.close()
    finally:
        store.close()


@pytest.mark.parametrize("reindex_from", [1, None])
def test_a_first_ingests_edges_are_kept_as_the_linker_wrote_them(corpus_db, tmp_path, monkeypatch, reindex_from):
    """A graph with no similar-to edge yet and an index that keeps none (a first ingest, whose text
    index is new): the edges the linker writes are kept as they are, not read back from the graph;
    so many of them (``reindex_from`` written measures) that the table's indexes are made again
    after, or not."""
    import graph.textindex

    if reindex_from is not None:
        monkeypatch.setattr(graph.textindex, "SIMILAR_REINDEX_SOURCES", reindex_from)
    from fixtures.hostile import copy_graph
    from graph.linker import SimilarEdge
    from graph.loader import load_similarity
    from policy_graph.service import Linked, begin_similar_write, keep_similar, text_index_path

    db = copy_graph(corpus_db, tmp_path / "g")
    fts = text_index_path(db.parent / (db.name + ".simindex"))
    store = open_store("ladybug", path=db)
    try:
        edges = [SimilarEdge(r["src"], r["dst"], r["score"], r["method"], tuple(r["shared"])) for r in store._execute(
            "MATCH (a:Measure)-[r:SIMILAR_TO]->(b:Measure) RETURN a.id AS src, b.id AS dst, r.score AS score, "
            "r.method AS method, r.shared_terms AS shared ORDER BY src, dst")]
        store._execute("MATCH (:Measure)-[r:SIMILAR_TO]->(:Measure) DELETE r")
        with sqlite3.connect(fts) as raw:
            raw.execute("DELETE FROM adoption_state WHERE kind = 'similar'")  # as a new index keeps none
        counting = Counting(store)
        begin_similar_write(counting, fts)
        load_similarity(store, edges, {e.src for e in edges})
        keep_similar(counting, fts, Linked(len(edges), frozenset(e.src for e in edges), edges))
        assert counting.asked == ["similar_edge_count"]
        assert _kept_edges_are_the_graphs(store, fts) == len(edges) > 100
    finally:
        store.close()


def test_similar_edges_left_half_written_are_not_used_and_the_next_start_keeps_them(corpus_db, tmp_path):
    """A run killed after it began writing the graph's similar-to edges and before it kept them:
    the kept edges are not read (the statement is asked, and gives the graph's new edge), and
    a server's start-up keeps every edge again."""
    from fixtures.hostile import copy_graph
    from policy_graph.service import begin_similar_write, repair_indexes, text_index_path

    db = copy_graph(corpus_db, tmp_path / "g")
    simindex = db.parent / (db.name + ".simindex")
    fts = text_index_path(simindex)
    store = open_store("ladybug", path=db)
    try:
        a, b = _measures(store)[:2]
        begin_similar_write(store, fts)
        store._execute("MATCH (a:Measure), (b:Measure) WHERE a.id = $a AND b.id = $b CREATE (a)-[:SIMILAR_TO "
                       "{score: 0.99, method: 'x', shared_terms: []}]->(b)", {"a": a, "b": b})
        index = TextIndex.load(fts)
        try:
            assert not index.similar_current() and index.similar(a, 100) is None
            counting = Counting(store)
            centre = resolve_center(counting, f"Measure:{a}", index)
            drawn = _drawn(neighbourhood(counting, centre, depth=1, index=index))
            assert counting.asked == [SIMILAR]
            assert drawn == _drawn(neighbourhood(store, centre, depth=1))
            assert {"source": f"Measure:{a}", "target": f"Measure:{b}", "type": "SIMILAR_TO"} in drawn[0]["edges"]
        finally:
            index.close()
        repair_indexes(store, simindex)
        _kept_edges_are_the_graphs(store, fts)
    finally:
        store.close()


def test_kept_neighbours_of_fewer_measures_than_the_index_holds_are_not_used(corpus, tmp_path):
    """Stamped older (a killed writer), the kept rows are not read: the graph draws the picture."""
    from fixtures.hostile import index_with_older_answers

    store, current = corpus
    path = index_with_older_answers(Path(current.path), tmp_path / "g.fts", "measure")
    index = TextIndex.load(path)
    try:
        mid = _measures(store)[0]
        assert index.neighbours(mid) is None and index.detail(mid) is None
        counting = Counting(store)
        neighbourhood(counting, resolve_center(counting, f"Measure:{mid}", index), depth=1, index=index)
        assert counting.asked == ["node_lookup_measure", "subgraph_out_measure_one", "subgraph_in_measure_one"]
    finally:
        index.close()


def test_the_api_and_the_explorer_draw_a_measure_as_the_graph_does(api, corpus):
    store, _ = corpus
    for mid in _measures(store)[::25]:
        sent = api.get("/api/subgraph", params={"center": f"Measure:{mid}", "depth": 1})
        assert sent.status_code == 200
        centre = resolve_center(store, f"Measure:{mid}")
        assert sent.json() == neighbourhood(store, centre, depth=1).to_public()
        page = api.get("/viz/explore", params={"center": f"Measure:{mid}"})
        assert page.status_code == 200 and mid in page.text


def test_a_similar_edge_from_a_measure_to_itself_is_drawn_as_the_graph_draws_it(corpus_db, tmp_path):
    """The linker writes none, but a graph may hold one (an import, an older release): the
    undirected statement gives it twice, both leaving the measure, where each direction's
    statement gives it once; such a measure is read with the one-key statements."""
    from fixtures.hostile import copy_graph
    from policy_graph.service import begin_similar_write, keep_similar, text_index_path

    db = copy_graph(corpus_db, tmp_path / "g")
    fts = text_index_path(db.parent / (db.name + ".simindex"))
    store = open_store("ladybug", path=db)
    try:
        mid = _measures(store)[0]
        begin_similar_write(store, fts)  # as the ingest writes the graph's edges
        store._execute("MATCH (a:Measure) WHERE a.id = $id CREATE (a)-[:SIMILAR_TO {score: 0.5, method: 'x', "
                       "shared_terms: []}]->(a)", {"id": mid})
        keep_similar(store, fts)
        assert _kept_edges_are_the_graphs(store, fts)
        index = TextIndex.load(fts)
        try:
            assert index.neighbours(mid) is not None
            assert not _same_rows(store, index, mid, 800)  # read as the one-key statements read it
            centre = resolve_center(store, f"Measure:{mid}", index)
            drawn = _drawn(neighbourhood(store, centre, depth=1, index=index))
            assert drawn == _drawn(neighbourhood(store, centre, depth=1))
            assert any(e["source"] == e["target"] == f"Measure:{mid}" for e in drawn[0]["edges"])
        finally:
            index.close()
    finally:
        store.close()
