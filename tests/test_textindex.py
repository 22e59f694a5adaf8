"""Text search answers from the project's bigram index, and gives exactly what a scan gives."""
from __future__ import annotations

import shutil

import pytest

from graph.store import open_store
from graph.textindex import TextIndex, TextIndexFile
from policy_graph import research
from policy_graph.research import Trace

QUERIES = [["知识产权"], ["质押"], ["跨境", "融资"], ["知识产权质押融资"], ["人才"], ["复制推广"],
           ["自贸试验区"], ["跨境电商"], ["不存在的词语"], ["IP"]]


@pytest.fixture(scope="module")
def corpus(corpus_db):
    store = open_store("ladybug", path=corpus_db, read_only=True)
    index = TextIndex.load(str(corpus_db) + ".textindex")
    yield store, index
    store.close()


def test_the_ingest_indexes_every_measure(corpus):
    store, index = corpus
    total = store.run("measure_count", {"kind": "measure", "region": "", "document": ""})[0]["total"]
    assert len(index) == total == 101


@pytest.mark.parametrize("terms", QUERIES, ids=lambda t: " ".join(t))
def test_indexed_search_equals_the_scan(corpus, terms):
    store, index = corpus
    scanned = research.search(Trace(store), terms, 500)
    indexed = research.search(Trace(store, text_index=index), terms, 500)
    assert indexed == scanned


def test_indexed_adopters_equal_the_scan(corpus):
    store, index = corpus
    for q in ("复制推广", "跨境电商 通关", "出入境特殊物品"):  # phrases that name no theme
        assert research.adopters(Trace(store, text_index=index), q) == research.adopters(Trace(store), q)


def test_bigrams_apart_are_not_a_match():
    index = TextIndex()
    index.add([{"id": "a", "document": "d", "ordinal": 1, "title": "", "text": "抵押融合，质押与融资"},
               {"id": "b", "document": "d", "ordinal": 2, "title": "质押融资", "text": ""}])
    ids, exact = index.candidates(["质押融资"])
    # a holds 质押, 押融 and 融资 but never 质押融资: a candidate only, which the search confirms away
    assert ids == ["a", "b"] and not exact
    assert index.candidates(["抵押"]) == (["a"], True)
    assert index.candidates(["押"]) is None  # one character: the caller scans


def test_an_index_that_misses_measures_is_not_used(corpus_db, tmp_path):
    path = tmp_path / "g.textindex"
    shutil.copy2(str(corpus_db) + ".textindex", path)
    assert TextIndexFile(path, lambda: 101).get() is not None
    assert TextIndexFile(path, lambda: 102).get() is None  # the graph holds a measure it lacks


def test_search_api_answers_traditional_input_like_simplified(api):
    simplified = api.get("/api/search", params={"q": "知识产权质押", "limit": 50}).json()
    traditional = api.get("/api/search", params={"q": "知識產權質押", "limit": 50}).json()
    assert simplified.pop("query") == "知识产权质押" and traditional.pop("query") == "知識產權質押"
    assert simplified == traditional
    assert simplified["total"] >= 3
    assert all("知识产权质押" in (m["text"] + m["title"]) for m in simplified["items"])


def test_an_index_of_the_older_format_is_rebuilt_from_the_graph(corpus, tmp_path):
    from graph.indexfile import save_index
    from policy_graph.service import index_text

    store, current = corpus
    path = tmp_path / "g.textindex"
    save_index(path, 1, {"ids": [], "order": [], "postings": {}})  # format 1 kept no texts
    assert TextIndexFile(path, lambda: 101).get() is None  # not used: searching scans meanwhile
    assert index_text([], path, store) == 0
    rebuilt = TextIndex.load(path)
    assert len(rebuilt) == 101
    for q in ("复制推广", "跨境电商 通关"):
        assert research.adopters(Trace(store, text_index=rebuilt), q) == \
               research.adopters(Trace(store, text_index=current), q)
