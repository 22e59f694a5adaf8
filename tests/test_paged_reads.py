"""Paged reads on LadybugDB: a statement ending in `[SKIP $offset] LIMIT $limit` runs with its
rows written in (graph/backends/ladybug.py, ROWS_WRITTEN_MAX) and must give exactly the rows the
statement gives with its parameters, for every page a user can ask for, from a bounded number of
prepared statements."""
from __future__ import annotations

import pytest

from graph.queries import load_query
from graph.store import StoreError, open_store

LIMITS = (1, 2, 3, 5, 20, 33, 64, 65, 500)
OFFSETS = (0, 1, 7, 40, 100)


@pytest.fixture(scope="module")
def store(corpus_db):
    with open_store("ladybug", path=corpus_db, read_only=True) as opened:
        yield opened


def _as_written(store, name, params):
    """The rows of the statement as written, its SKIP and LIMIT bound as parameters."""
    return store._execute(load_query(name, store.backend), params)


def _measure(store, position):
    rows = store.run("measure_list", {"kind": "measure", "region": "", "document": "", "offset": position, "limit": 1})
    return rows[0]["id"]


@pytest.fixture(scope="module")
def busiest_agency(store):
    return store._execute("MATCH (a:Agency)<-[:LED_BY]-(m:Measure) RETURN a.id AS id, count(*) AS n "
                          "ORDER BY n DESC, id LIMIT 1")[0]


@pytest.mark.parametrize("limit", LIMITS)
@pytest.mark.parametrize("offset", OFFSETS)
def test_a_page_of_an_agencys_measures_is_the_statements_page(store, busiest_agency, limit, offset):
    assert busiest_agency["n"] >= 8  # pages of several rows, and pages past the end
    for role in ("", "lead", "support"):
        params = {"id": busiest_agency["id"], "role": role, "offset": offset, "limit": limit}
        assert store.run("agency_measures", params) == _as_written(store, "agency_measures", params)


def test_pages_of_measures_list_every_measure_once(store):
    every = store.run("measure_list", {"kind": "measure", "region": "", "document": "", "offset": 0, "limit": 500})
    pages = [m for offset in range(0, 101, 7)
             for m in store.run("measure_list", {"kind": "measure", "region": "", "document": "",
                                                 "offset": offset, "limit": 7})]
    assert len(every) == 101
    assert pages == every


@pytest.mark.parametrize("limit", LIMITS)
def test_lists_ending_in_a_limit_are_the_statements_rows(store, limit):
    measure = _measure(store, 5)
    cases = [
        ("document_list", {}),
        ("region_list", {"include_all": False}),
        ("replications", {"from_region": "", "to_region": "", "document": ""}),
        ("similar_of", {"id": measure, "cross_region": False}),
        ("subgraph_out_measure_one", {"key": measure}),
        ("subgraph_in_region_one", {"key": "厦门"}),
        ("subgraph_out_region", {"keys": ["厦门", "武汉", "福建"]}),
    ]
    for name, params in cases:
        params = {**params, "limit": limit}
        got = store.run(name, params)
        assert got == _as_written(store, name, params), name
        assert len(got) <= limit


def test_pages_share_a_few_prepared_statements(store, monkeypatch):
    """Each distinct text is a statement LadybugDB's client prepares and keeps on the connection:
    every page size from 1 to 500 must come to a handful of texts, not 500."""
    texts = set()
    execute = store._execute

    def recording(text, params=None):
        texts.add(text)
        return execute(text, params)

    monkeypatch.setattr(store, "_execute", recording)
    for limit in range(1, 501):
        store.run("document_list", {"limit": limit})
    assert len(texts) == 10  # 1, 2, 4 ... 512


def test_a_missing_page_parameter_is_still_refused(store, busiest_agency):
    with pytest.raises(StoreError):
        store.run("agency_measures", {"id": busiest_agency["id"], "role": "", "limit": 5})


def test_a_documents_page_is_measure_lists_page_for_it(store):
    """One document's measures are found from the document (document_measure_list), the rest by
    measure_list's filtered scan: for every document, kind and page, the same rows and counts."""
    documents = [d["id"] for d in store.run("document_list", {"limit": 500})]
    assert len(documents) == 5
    for document in documents:
        for kind in ("measure", "safeguard"):
            for region in ("", "厦门"):
                counted = {"kind": kind, "region": region, "document": document}
                assert (store.run("document_measure_count", counted)
                        == store.run("measure_count", counted)), (document, kind, region)
                for offset, limit in ((0, 500), (0, 3), (2, 5), (30, 20)):
                    params = {**counted, "offset": offset, "limit": limit}
                    assert (store.run("document_measure_list", params)
                            == store.run("measure_list", params)), (document, kind, region, offset, limit)
