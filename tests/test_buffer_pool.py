"""The server's LadybugDB buffer pool (POLICY_GRAPH_DB_BUFFER_POOL_MIB): bounded, it answers what
an unbounded one answers and takes an upload; a bound the queries cannot work in is refused by name."""
from __future__ import annotations

import pytest

from fixtures.hostile import big_document, cli, serving_uploads, writer_client
from graph.store import StoreError, open_store
from policy_graph.settings import MIN_BUFFER_POOL_MIB, get_settings

QUESTIONS = ["/api/measures?limit=50", "/api/search?q=知识产权", "/api/adopters?q=知识产权质押",
             "/api/timeline?q=人才", "/api/paths?from=厦门&max_hops=4", "/api/compare?regions=厦门,武汉",
             "/api/regions/武汉/gaps", "/api/subgraph?center=Region:厦门&depth=2", "/api/replications?to=福建"]


def answers(base_url: str) -> dict[str, object]:
    with writer_client(base_url) as c:
        ids = [m["id"] for m in c.get("/api/measures", params={"limit": 40}).json()["items"][::5]]
        out = {}
        # a measure's subgraph and similar measures: statements whose plans each read connection keeps
        # (their caps are written in: graph/queries.py written_cap)
        for path in QUESTIONS + [f"/api/measures/{i}" for i in ids] + [f"/api/measures/{i}/similar" for i in ids] + \
                [f"/api/subgraph?center=Measure:{i}&depth=1" for i in ids]:
            r = c.get(path)
            assert r.status_code == 200, (path, r.text[:200])
            out[path] = r.json()
        return out


def test_the_smallest_pool_answers_as_the_engines_default_and_takes_an_upload(corpus_db, tmp_path):
    with serving_uploads(corpus_db, tmp_path / "default", {"POLICY_GRAPH_DB_BUFFER_POOL_MIB": "0"}) as srv:
        unbounded = answers(srv.base_url)
    with serving_uploads(corpus_db, tmp_path / "small",
                         {"POLICY_GRAPH_DB_BUFFER_POOL_MIB": str(MIN_BUFFER_POOL_MIB)}) as srv:
        assert answers(srv.base_url) == unbounded
        doc = big_document(tmp_path / "big.txt", 600, seed=44)
        with writer_client(srv.base_url) as c:
            before = c.get("/api/health").json()["counts"]["measures"]
            posted = c.post("/api/documents", files={"file": (doc.name, doc.read_bytes())})
            assert posted.status_code in (200, 201), posted.text[:300]
            added = posted.json()["measure_count"]
            assert added > 500
            assert c.get("/api/health").json()["counts"]["measures"] == before + added
            shown = c.get(f"/api/documents/{posted.json()['document_id']}")
            assert shown.status_code == 200, shown.text[:200]


def test_the_bound_reaches_the_database(tmp_path):
    """The bound is the engine's: work larger than the pool fails with the engine's reason, the
    same work passes with the default pool."""
    rows = [{"key": f"k{i}", "name_zh": "主题" * 400 + str(i), "name_en": "theme " * 200, "synonyms": ["同义"] * 20}
            for i in range(30_000)]  # ~60 MB of text in one write
    for mib, fits in ((MIN_BUFFER_POOL_MIB, False), (0, True)):
        store = open_store("ladybug", **get_settings(db=tmp_path / f"pool{mib}.lbdb",
                                                     db_buffer_pool_mib=mib).store_options(serving=True))
        try:
            store.apply_schema()
            if fits:
                assert store.upsert_nodes("Theme", rows, fresh=True) == len(rows)
            else:
                with pytest.raises(StoreError, match="buffer pool is full"):
                    store.upsert_nodes("Theme", rows, fresh=True)
        finally:
            store.close()


@pytest.mark.parametrize("value", ["8", "-1", "lots"])
def test_a_pool_the_queries_cannot_work_in_is_refused_by_name(value, tmp_path):
    done = cli("serve", "--db", str(tmp_path / "g.lbdb"), "--port", "9", timeout=60,
               env={"POLICY_GRAPH_DB_BUFFER_POOL_MIB": value})
    assert done.returncode == 2
    assert "POLICY_GRAPH_DB_BUFFER_POOL_MIB" in done.stderr and value in done.stderr
    assert not (tmp_path / "g.lbdb").exists()  # refused before any database was opened
