"""Pages of measures: every measure in order (measure_list chooses a page on the keys, then reads
its measures), and one document's found from the document (document_measure_list)."""
from __future__ import annotations

import pytest

from graph.store import open_store


@pytest.fixture(scope="module")
def store(corpus_db):
    with open_store("ladybug", path=corpus_db, read_only=True) as opened:
        yield opened


def test_pages_of_measures_list_every_measure_once(store):
    every = store.run("measure_list", {"kind": "measure", "region": "", "document": "", "offset": 0, "limit": 500})
    pages = [m for offset in range(0, 101, 7)
             for m in store.run("measure_list", {"kind": "measure", "region": "", "document": "",
                                                 "offset": offset, "limit": 7})]
    assert len(every) == 101
    assert pages == every


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
