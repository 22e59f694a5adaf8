"""The region flows and provinces' places the ingest keeps in the text index: replication paths
walked there are exactly the paths walked in the graph, read no graph statement, name statements
for ?explain=true that give on the graph what the index gave (the graph walk's own, level by
level, for a walk toward a destination), and are not used while they are older than the graph's
measures."""
from __future__ import annotations

import itertools
from collections import Counter

import orjson
import pytest

from fixtures.counting import Counting, RefusesLater
from graph.store import open_store
from graph.textindex import TextIndex
from policy_graph import research
from policy_graph.research import Trace


def _flow_regions(store) -> tuple[list[str], list[str]]:
    flows = store.run("flows_all", {})
    return sorted({f["src"] for f in flows}), sorted({f["dst"] for f in flows})


def _kept_and_walked(store, index, origin, destination, hops, limit):
    counting = Counting(store)
    kept_trace = Trace(counting, text_index=index)
    kept = research.paths(kept_trace, origin, destination, hops, limit)
    walked_trace = Trace(store)
    walked = research.paths(walked_trace, origin, destination, hops, limit)
    return kept, walked, kept_trace.runs, walked_trace.runs, counting.asked


def test_paths_from_the_kept_flows_are_the_graphs_and_read_no_graph_statement(corpus):
    store, index = corpus
    assert index.flows_current()
    sources, targets = _flow_regions(store)
    assert sources and targets
    asked = [(s, None) for s in sources] + [(None, t) for t in targets] + \
        [(s, t) for s, t in itertools.product(sources, targets) if s != t]
    chains = derived = 0
    for (origin, destination), hops, limit in itertools.product(asked, (1, 2, 4), (1, 50)):
        kept, walked, kept_runs, walked_runs, graph_asked = \
            _kept_and_walked(store, index, origin, destination, hops, limit)
        assert orjson.dumps(kept) == orjson.dumps(walked), (origin, destination, hops, limit)
        if destination is not None and origin is not None:
            assert kept_runs == walked_runs  # a level a statement, as in the graph
        else:  # read region by region as the walk gets to each: never a region the levels did not hold
            assert _flow_names(kept_runs) <= _flow_names(walked_runs)
        # ?explain=true names the statements that give them
        for name, params in kept_runs:
            assert _rows(_kept_read(index, name, params)) == _rows(store.run(name, params)), (name, params)
        assert not graph_asked, graph_asked
        chains += len(kept)
        derived += sum(1 for p in kept for s in p["steps"] if s["via"])
    assert chains and derived  # chains were found, some of them through a province-wide replication


@pytest.fixture(scope="module")
def with_synth(tmp_path_factory):
    """The founding corpus and 300 synthetic measures, whose flows chain further (read-only)."""
    from bench.synth import generate
    from conftest import build_corpus_db

    out = tmp_path_factory.mktemp("flows")
    generate(300, 8, out / "corpus")
    build_corpus_db(out / "g.lbdb", [out / "corpus"])
    store = open_store("ladybug", path=out / "g.lbdb", read_only=True)
    index = TextIndex.load(str(out / "g.lbdb") + ".fts")
    yield store, index
    index.close()
    store.close()


def test_a_walk_reads_the_flows_of_the_regions_it_gets_to_not_of_whole_levels(with_synth):
    store, index = with_synth
    sources, _ = _flow_regions(store)
    fewer = 0
    for origin in sources:
        first_hops = len(research.paths(Trace(store), origin, None, 1, 10_000))
        # the first hops and one chain more: a page that needs the second level
        kept, walked, kept_runs, walked_runs, _ = _kept_and_walked(store, index, origin, None, 4, first_hops + 1)
        assert orjson.dumps(kept) == orjson.dumps(walked)
        assert _flow_names(kept_runs) <= _flow_names(walked_runs)
        fewer += _flow_names(kept_runs) < _flow_names(walked_runs)
    assert fewer  # some page's second hop was found before every region of the level was read


def _flow_names(runs) -> set[tuple[str, str]]:
    return {(name, region) for name, params in runs if name.startswith("flows_") for region in params["names"]}


def _kept_read(index: TextIndex, name: str, params: dict) -> list[dict]:
    """What the walk read from the index for the statement ``name`` names."""
    if name in ("flows_from", "flows_into"):
        return index.flows(params["names"], name == "flows_into", params["limit"])
    return index.province_places(params["names"], name == "region_provinces", params["limit"])


def _rows(rows: list[dict]) -> list[tuple]:
    return sorted(tuple(sorted((k, str(v)) for k, v in r.items())) for r in rows)


def _kept_flows(index: TextIndex) -> Counter:
    """The kept flows, once each: the flow table's rows, which each region's rows out of it and
    into it (what paths read a hop from) hold too, in the order paths walk them."""
    rows = Counter(index._db.execute("SELECT src, dst, measure_id, scope, kind, evidence, document FROM flow"))
    for direction, end in (("from", "src"), ("into", "dst")):
        held: Counter = Counter()
        for region, steps in index._db.execute("SELECT region, steps FROM flow_hop WHERE direction = ?", (direction,)):
            flows = orjson.loads(steps)
            assert flows and all(f[end] == region for f in flows)
            assert flows == sorted(flows, key=lambda f: (f["src"], f["dst"], f["measure_id"] or ""))
            held.update(tuple(f.values()) for f in flows)
        assert held == rows, direction
    return rows


def _graph_flows(store) -> Counter:
    return Counter((f["src"], f["dst"], f["measure_id"], f["scope"], f["kind"], f["evidence"], f["document"])
                   for f in store.run("flows_all", {}))


def test_an_upload_keeps_its_documents_flows_beside_the_others(corpus_db, tmp_path):
    """An ingest of new documents reads only their flows from the graph: afterwards the index
    keeps every flow the graph holds, and paths from it are the graph's."""
    from fixtures.hostile import copy_graph, synth_documents
    from policy_graph.service import ingest_into, text_index_path

    db = copy_graph(corpus_db, tmp_path / "g")
    simindex = db.parent / (db.name + ".simindex")
    store = open_store("ladybug", path=db)
    try:
        counting = Counting(store)
        docs = synth_documents(tmp_path / "new", 120, seed=5)[:3]
        report = ingest_into(counting, docs, index_path=simindex)
        assert report.documents and not report.errors
        assert "flows_of_documents" in counting.asked and "flows_all" not in counting.asked
        index = TextIndex.load(text_index_path(simindex))
        try:
            assert index.flows_current()
            graph_flows = _graph_flows(store)
            assert _kept_flows(index) == graph_flows
            new_docs = {d.id for d in report.documents}
            assert any(flow[6] in new_docs for flow in graph_flows)  # the upload stated flows of its own
            sources, _ = _flow_regions(store)
            for origin in sources:
                kept, walked, *_ = _kept_and_walked(store, index, origin, None, 3, 50)
                assert orjson.dumps(kept) == orjson.dumps(walked), origin
        finally:
            index.close()
    finally:
        store.close()


def test_flows_a_killed_writer_left_older_are_not_used_and_a_start_keeps_them(corpus_db, tmp_path):
    """Killed before it kept the flows, an ingest leaves them stamped older: paths walk the
    graph meanwhile, with the same answer, and a server's start-up keeps them again."""
    from fixtures.hostile import copy_with_older_answers
    from policy_graph.service import repair_indexes

    db, simindex, fts = copy_with_older_answers(corpus_db, tmp_path / "g", "flow")
    store = open_store("ladybug", path=db)
    try:
        index = TextIndex.load(fts)
        assert not index.flows_current()
        sources, _ = _flow_regions(store)
        kept, walked, _, _, graph_asked = _kept_and_walked(store, index, sources[0], None, 2, 50)
        assert orjson.dumps(kept) == orjson.dumps(walked)
        assert "flows_from" in graph_asked  # read from the graph, not from the older flows
        index.close()
        assert repair_indexes(store, simindex) == []  # nothing rebuilt; the answers kept again
        index = TextIndex.load(fts)
        assert index.flows_current() and _kept_flows(index) == _graph_flows(store)
        index.close()
    finally:
        store.close()


def test_a_refused_statement_leaves_the_kept_flows_as_they_were(corpus_db, tmp_path):
    """Keeping the flows is derived work: a statement the graph refuses (a full buffer pool) is
    logged, and the index keeps its older flows, stamped older, unused."""
    from fixtures.hostile import copy_with_older_answers
    from policy_graph.service import keep_flows

    db, _, fts = copy_with_older_answers(corpus_db, tmp_path / "g", "flow")
    store = open_store("ladybug", path=db)
    try:
        before = TextIndex.load(fts)
        held = _kept_flows(before)
        before.close()
        keep_flows(RefusesLater(store, "province_places", allowed=0), fts)  # logged, not raised
        after = TextIndex.load(fts)
        assert _kept_flows(after) == held and not after.flows_current()
        after.close()
    finally:
        store.close()


def test_the_api_and_the_page_walk_the_kept_flows(api, corpus):
    store, _ = corpus
    sources, _ = _flow_regions(store)
    answer = api.get("/api/paths", params={"from": sources[0], "explain": "true"}).json()
    walked = research.paths(Trace(store), sources[0], None, 4, 50)
    assert answer["paths"] == orjson.loads(orjson.dumps(walked))
    assert "PRACTICE_FLOW" in answer["cypher"]  # the statement that gives them, to rerun elsewhere
    page = api.get("/viz/paths", params={"from": sources[0]})
    assert page.status_code == 200 and sources[0] in page.text
