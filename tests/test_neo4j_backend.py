"""The Neo4j backend: clear failures without a server; the same answers as LadybugDB with one.

The live half runs only when NEO4J_URI is set (see tests/backends.py) and deletes
policy-graph's labels in that database first.
"""
from __future__ import annotations

import json
import pytest

from backends import neo4j_options, open_test_store, requires_neo4j
from conftest import CORPUS, free_port
from graph import schema
from graph.backends import neo4j as backend
from graph.queries import load_query
from graph.store import QueryTimeout, StoreError, open_store
from policy_graph.lookups import counts


# -- without a server -----------------------------------------------------------------------
def test_no_uri_is_a_clear_error(monkeypatch):
    monkeypatch.delenv("NEO4J_URI", raising=False)
    with pytest.raises(StoreError, match="set NEO4J_URI"):
        open_store("neo4j")


def test_unreachable_server_is_a_clear_error():
    uri = f"bolt://127.0.0.1:{free_port()}"  # nothing listens there
    with pytest.raises(StoreError, match=f"cannot reach Neo4j at {uri}"):
        open_store("neo4j", uri=uri, user="neo4j", password="secret")


def test_non_bolt_uri_is_refused_before_connecting():
    with pytest.raises(StoreError, match="must start with one of: bolt://"):
        open_store("neo4j", uri="http://localhost:7474", user="neo4j", password="x")


def test_query_text_is_the_neo4j_dialect_without_a_connection():
    store = backend.Neo4jStore("bolt://127.0.0.1:1", "neo4j", "x", verify=False)
    try:
        text = store.query_text("subgraph_out_region")
        assert text == load_query("subgraph_out_region", "neo4j")
        assert text != load_query("subgraph_out_region", "ladybug")
        assert store.query_text("stats") == load_query("stats", "ladybug")  # no variant: shared text
    finally:
        store.close()


def test_timeouts_and_auth_map_to_store_errors():
    from neo4j.exceptions import AuthError, Neo4jError

    timed_out = Neo4jError._hydrate_neo4j(
        code="Neo.ClientError.Transaction.TransactionTimedOutClientConfiguration",
        message="The transaction has been terminated.")
    assert isinstance(backend.translate_error(timed_out, "bolt://h", "neo4j"), QueryTimeout)
    write_in_read = Neo4jError._hydrate_neo4j(
        code="Neo.ClientError.Statement.AccessMode", message="Writing in read access mode not allowed.")
    assert "read-only transaction" in str(backend.translate_error(write_in_read, "bolt://h", "neo4j"))
    auth = backend.translate_error(AuthError("unauthorized"), "bolt://h", "alice")
    assert type(auth) is StoreError and "credentials for user 'alice'" in str(auth)


def test_driver_values_become_plain_json():
    from neo4j.time import Date, DateTime

    row = {"d": Date(2020, 5, 11), "t": DateTime(2020, 5, 11, 8, 30, 0),
           "nested": [Date(2021, 3, 30), {"x": 1}], "s": "厦门"}
    plain = backend.to_plain(row)
    assert json.loads(json.dumps(plain)) == {
        "d": "2020-05-11", "t": "2020-05-11T08:30:00.000000000",
        "nested": ["2021-03-30", {"x": 1}], "s": "厦门"}


def test_parallel_relations_merge_on_their_key():
    led_by = backend.rel_upsert_query(schema.rel("LED_BY"))
    assert "MERGE (a)-[e:LED_BY {role: r.role}]->(b)" in led_by
    assert "e.role =" not in led_by  # the key is matched, never overwritten
    assert "MERGE (a)-[e:IN_DOCUMENT]->(b)" in backend.rel_upsert_query(schema.rel("IN_DOCUMENT"))


def test_schema_statements_are_idempotent_and_cover_every_key():
    statements = backend.schema_statements()
    assert all("IF NOT EXISTS" in s for s in statements)
    for table in schema.NODES.values():
        assert (f"CREATE CONSTRAINT {table.label}_{table.key} IF NOT EXISTS FOR (n:{table.label}) "
                f"REQUIRE n.{table.key} IS UNIQUE") in statements


def test_a_rel_key_that_is_null_is_refused_before_sending():
    store = backend.Neo4jStore("bolt://127.0.0.1:1", "neo4j", "x", verify=False)
    try:
        with pytest.raises(StoreError, match="LED_BY m1->a1 has no role"):
            store.upsert_rels("LED_BY", "Measure", "Agency", [{"src": "m1", "dst": "a1", "role": None}])
    finally:
        store.close()


# -- against a live server ------------------------------------------------------------------
@pytest.fixture(scope="module")
def neo4j_corpus(tmp_path_factory):
    if not neo4j_options()["uri"]:
        pytest.skip("NEO4J_URI is not set")
    from policy_graph.service import ingest_into

    tmp = tmp_path_factory.mktemp("neo4j")
    store = open_test_store("neo4j", tmp)
    store.index_path = tmp / "neo4j.simindex"  # the similarity index that goes with this graph
    report = ingest_into(store, [CORPUS], index_path=store.index_path)
    assert not report.errors, report.errors
    yield store
    store.close()


@pytest.fixture(scope="module")
def ladybug_corpus(corpus_db):
    store = open_store("ladybug", path=corpus_db, read_only=True)
    yield store
    store.close()


def _canon(rows):
    """Rows as a sorted list of JSON strings: the comparison ignores row order, not values."""
    def norm(v):
        if isinstance(v, float):
            return round(v, 6)
        if isinstance(v, list):
            return [norm(x) for x in v]
        if isinstance(v, dict):
            return {k: norm(x) for k, x in v.items()}
        return v
    return sorted(json.dumps(norm(r), ensure_ascii=False, sort_keys=True) for r in rows)


@requires_neo4j
def test_ingest_gives_the_same_counts_as_ladybug(neo4j_corpus, ladybug_corpus):
    assert counts(neo4j_corpus) == counts(ladybug_corpus)
    assert counts(neo4j_corpus)["measures"] == 101


@requires_neo4j
def test_every_node_and_relation_matches_ladybug(neo4j_corpus, ladybug_corpus):
    for label in schema.NODES:
        assert _canon(neo4j_corpus.dump_nodes(label)) == _canon(ladybug_corpus.dump_nodes(label)), label
    for rel_type in schema.RELS:
        assert _canon(neo4j_corpus.dump_rels(rel_type)) == _canon(ladybug_corpus.dump_rels(rel_type)), rel_type


def _question_params(store) -> list[tuple[str, dict]]:
    measure = store.run("measure_list", {"kind": "measure", "region": "厦门", "document": "",
                                         "offset": 0, "limit": 1})[0]["id"]
    theme = store.run("theme_list")[0]["key"]
    return [
        ("stats", {}),
        ("document_list", {"limit": 100}),
        ("measure_list", {"kind": "measure", "region": "", "document": "", "offset": 0, "limit": 500}),
        ("measure_get", {"id": measure}),
        ("measure_detail", {"id": measure}),
        ("region_list", {"include_all": True, "limit": 500}),
        ("region_get", {"name": "图们"}),
        ("search_measures", {"terms": ["知识产权"], "limit": 500}),
        ("theme_list", {}),
        ("replications", {"from_region": "", "to_region": "", "document": "", "limit": 500}),
        ("flows_from", {"names": ["厦门"], "limit": 500}),
        ("flows_into", {"names": ["福建"], "limit": 500}),
        ("adopters_text_regions", {"terms": ["知识产权"], "per_region": 3}),
        ("adopters_text_shown", {"ids": [measure]}),
        ("measures_by_ids", {"ids": [measure]}),
        ("adopters_theme_regions", {"theme": theme, "per_region": 3}),
        ("adopters_theme_shown", {"ids": [measure], "theme": theme}),
        ("adopters_theme_replications", {"ids": [measure], "theme": theme}),
        ("graph_state", {}),
        ("documents_brief", {"ids": [measure.split("-")[0]]}),
        ("similar_of", {"id": measure, "cross_region": False}),
        ("theme_adoption", {"regions": ["厦门", "武汉"], "limit": 500}),
        ("region_children", {"names": ["福建"], "limit": 500}),
        ("region_provinces", {"names": ["福州"], "limit": 500}),
        ("measure_agencies", {"ids": [measure]}),
        ("subgraph_out_measure", {"keys": [measure], "limit": 500}),
        ("subgraph_in_region", {"keys": ["厦门"], "limit": 500}),
    ]


@requires_neo4j
def test_named_queries_give_the_same_answers_on_both_backends(neo4j_corpus, ladybug_corpus):
    for name, params in _question_params(ladybug_corpus):
        assert _canon(neo4j_corpus.run(name, params)) == _canon(ladybug_corpus.run(name, params)), name


@requires_neo4j
def test_reads_cannot_write(neo4j_corpus):
    with pytest.raises(StoreError, match="read-only transaction"):
        neo4j_corpus.run("clear_similar_from", {"ids": ["anything"]})


@requires_neo4j
def test_read_only_store_refuses_writes(tmp_path):
    store = open_test_store("neo4j", tmp_path, read_only=True, fresh=False)
    try:
        with pytest.raises(StoreError, match="read-only"):
            store.execute_write("clear_similar_from", {"ids": ["x"]})
    finally:
        store.close()


@requires_neo4j
def test_schema_and_ingest_are_idempotent(neo4j_corpus):
    from policy_graph.service import ingest_into

    before = counts(neo4j_corpus)
    neo4j_corpus.apply_schema()
    ingest_into(neo4j_corpus, [CORPUS], index_path=neo4j_corpus.index_path)
    assert counts(neo4j_corpus) == before


@requires_neo4j
def test_wrong_password_is_a_clear_error():
    opts = {**neo4j_options(), "password": "definitely-not-the-password"}
    with pytest.raises(StoreError, match="rejected the credentials"):
        open_store("neo4j", **opts)
