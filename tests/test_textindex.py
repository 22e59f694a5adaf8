"""Text search answers from the SQLite FTS5 index beside the graph, and gives exactly what a scan gives."""
from __future__ import annotations

import json
import os
import shutil
import threading

import orjson
import pytest

from fixtures.counting import Counting
from graph.store import open_store
from graph.textindex import TextIndex, TextIndexFile, _limit_sqlite_heap
from policy_graph import research
from policy_graph.research import Trace

QUERIES = [["知识产权"], ["质押"], ["跨境", "融资"], ["知识产权质押融资"], ["人才"], ["复制推广"],
           ["自贸试验区"], ["跨境电商"], ["不存在的词语"], ["IP"], ["ip"], ["押"], ["人才", "知识产权"], ['"引号"']]


def _shown(index: TextIndex, ids: list[str], terms: list[str]) -> dict:
    """TextIndex.shown of the measures by their ids, by id, as an answer shows them; the JSON
    SQLite wrote is the bytes orjson gives for the measure it holds, and its date and source
    are the card's."""
    found = {}
    for shown in index.shown(list(index.numbers(ids).values()), terms, "measure").values():
        measure = shown.parsed()
        assert shown.json == orjson.dumps(measure)
        assert (shown.date, shown.date_source) == (measure["date"], measure["date_source"])
        found[measure["id"]] = measure
    return found


def _ids(found: tuple[list[dict], int]) -> tuple[list[str], int]:
    """TextIndex.search's answer with its items' ids for the items."""
    items, total = found
    return [m["id"] for m in items], total


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


def test_an_indexed_search_asks_the_graph_nothing(corpus):
    """A search the text index answers reads its items there too: no graph statement, and its
    explanation still names the one that gives the same rows."""
    store, index = corpus
    counting = Counting(store)
    for terms in QUERIES:
        trace = Trace(counting, text_index=index)
        items, total = research.search(trace, terms, 7)
        assert counting.asked == [], terms
        assert (items, total) == research.search(Trace(store), terms, 7)
        assert [name for name, _ in trace.runs] == (["measures_by_ids"] if items else [])
    assert any(m["label"] and m["section"] for m in research.search(Trace(store, text_index=index), ["知识产权"], 50)[0])


def test_the_index_tells_a_region_name_as_the_graph_does(corpus, tmp_path):
    """The ingest keeps the graph's every region name with the index: a search's words that name
    no region ask the graph nothing, names only the graph knows (自贸试验区) still resolve, and
    an index written since (its names not kept for its measures) leaves the question to the graph."""
    from policy_graph.regions import resolve_region_name

    store, index = corpus
    kept = {name for (name,) in index._db.execute("SELECT name FROM region_name")}
    assert kept == {r["name"] for r in store.run("region_names", {"limit": 1 << 40})}
    counting = Counting(store)
    for text in ("知识产权", "自贸试验区", "高新区", "廈門", "Xiamen", "不存在的地方"):
        counting.asked.clear()
        assert resolve_region_name(counting, text, index) == resolve_region_name(store, text), text
        assert counting.asked == [], text
    assert resolve_region_name(store, "自贸试验区", index) == "自贸试验区"
    shutil.copy(index.path, tmp_path / "g.fts")
    later = TextIndex(tmp_path / "g.fts")
    later.add([{"id": "new-1", "document": "new", "ordinal": 1, "title": "", "text": "知识产权"}])
    assert later.holds_region("自贸试验区") is None
    assert resolve_region_name(counting, "自贸试验区", later) == "自贸试验区"
    assert counting.asked == ["region_get"]
    later.close()


def test_indexed_adopters_equal_the_scan(corpus):
    store, index = corpus
    for q in ("复制推广", "跨境电商 通关", "出入境特殊物品"):  # phrases that name no theme
        assert research.adopters(Trace(store, text_index=index), q) == research.adopters(Trace(store), q)


def test_a_term_is_a_substring_not_characters_apart():
    index = TextIndex()
    index.add([{"id": "a", "document": "d", "ordinal": 1, "title": "", "text": "抵押融合，质押与融资"},
               {"id": "b", "document": "d", "ordinal": 2, "title": "质押融资", "text": ""}])
    # a holds 质押, 押融 and 融资 but never 质押融资
    assert _ids(index.search(["质押融资"], 10)) == (["b"], 1)
    assert _ids(index.search(["抵押"], 10)) == (["a"], 1)  # two characters: answered by scan
    assert _ids(index.search(["押"], 10)) == (["a", "b"], 2)
    assert _ids(index.search(["押", "质押融资"], 10)) == (["b"], 1)  # a long term and a short one
    assert index.by_region(index.in_text(["质押融资"]), 3) == []  # in b's title only


def test_a_search_pages_in_document_order_as_documents_are_added(tmp_path):
    """A server's readers share the order of the measures they read once; documents added later,
    whose ids sort before and between those held, are paged in their places."""
    def document(doc: str, text: str) -> list[dict]:
        return [{"id": f"{doc}-{i}", "document": doc, "ordinal": i, "title": "", "text": text} for i in (3, 1, 2)]

    path = tmp_path / "g.fts"
    writer = TextIndex(path)
    writer.add(document("d2", "知识产权质押") + document("d4", "知识产权"))
    served = TextIndexFile(path)
    assert _ids(served.get().search(["知识产权"], 4)) == (["d2-1", "d2-2", "d2-3", "d4-1"], 6)
    assert served.checked().keys is served.get().keys  # one copy of the keys for all of them
    writer.add(document("d3", "知识产权质押") + document("d1", "质押"))
    reader = served.get()
    assert _ids(reader.search(["知识产权"], 4)) == (["d2-1", "d2-2", "d2-3", "d3-1"], 9)
    assert _ids(reader.search(["质押"], 20))[0] == [f"{d}-{i}" for d in ("d1", "d2", "d3") for i in (1, 2, 3)]
    assert _ids(reader.search(["押"], 2)) == (["d1-1", "d1-2"], 9)  # short: by scan, the same order
    assert _ids(reader.search(["知识产权"], 0)) == ([], 9)


def test_a_text_question_groups_by_what_the_last_write_says(tmp_path):
    """A measure written again with another region and date (a re-ingest reading them anew) is
    grouped where it now belongs, by the server's readers and by the index that wrote it."""
    def measure(mid: str, region: str, date: str) -> dict:
        return {"id": mid, "document": "d" + mid, "ordinal": 1, "title": "", "text": "知识产权质押", "region": region,
                "date": date}

    path = tmp_path / "g.fts"
    writer = TextIndex(path)
    writer.add([measure("a", "厦门", "2021-03-01"), measure("b", "厦门", "2020-01-01"), measure("c", "武汉", "")])
    served = TextIndexFile(path)
    numbers = writer.numbers(["a", "b", "c"])
    expected = [("厦门", 2, "2020-01-01", [numbers["b"], numbers["a"]]), ("武汉", 1, "9999-99-99", [numbers["c"]])]
    assert served.get().by_region(served.get().in_text(["质押"]), 3) == expected
    assert writer.by_region(writer.in_text(["质押"]), 1) == [(r, n, d, shown[:1]) for r, n, d, shown in expected]
    before = path.stat()
    writer.add([measure("b", "武汉", "2019-05-01")])
    # as if written within the same tick of the kernel's clock for mtimes (a few ms): the file's
    # size and times as before, only its content changed
    assert path.stat().st_size == before.st_size
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    expected = [("厦门", 1, "2021-03-01", [numbers["a"]]), ("武汉", 2, "2019-05-01", [numbers["b"], numbers["c"]])]
    for index in (served.get(), writer):
        assert index.by_region(index.in_text(["质押"]), 3) == expected


def test_an_add_that_fails_midway_adds_nothing(tmp_path):
    index = TextIndex(tmp_path / "g.fts")
    index.add([{"id": "a", "document": "d", "ordinal": 1, "title": "t", "text": "知识产权质押"}])

    def rows():
        yield {"id": "b", "document": "d", "ordinal": 2, "title": "t", "text": "跨境电商"}
        raise OSError("the reader died")
    with pytest.raises(OSError):
        index.add(rows())
    assert len(index) == 1 and "b" not in index
    assert _ids(index.search(["知识产权"], 10)) == (["a"], 1)


def test_an_index_that_misses_measures_is_not_used(corpus_db, tmp_path):
    path = tmp_path / "g.fts"
    shutil.copy2(str(corpus_db) + ".fts", path)
    assert TextIndexFile(path, lambda: 101).get() is not None
    assert TextIndexFile(path, lambda: 102).get() is None  # the graph holds a measure it lacks


def test_search_api_answers_traditional_input_like_simplified(api):
    simplified = api.get("/api/search", params={"q": "知识产权质押", "limit": 50}).json()
    traditional = api.get("/api/search", params={"q": "知識產權質押", "limit": 50}).json()
    assert simplified.pop("query") == "知识产权质押" and traditional.pop("query") == "知識產權質押"
    assert simplified == traditional
    assert simplified["total"] >= 3
    assert all("知识产权质押" in (m["text"] + m["title"]) for m in simplified["items"])


@pytest.mark.parametrize("old", [b"\x80\x05}\x94.", b"", b"SQLite format 3\x00 truncated"],
                         ids=["pickled bigram index", "empty file", "truncated"])
def test_an_unusable_index_is_rebuilt_from_the_graph(corpus, tmp_path, old):
    from policy_graph.service import index_text

    store, current = corpus
    path = tmp_path / "g.fts"
    path.write_bytes(old)
    assert TextIndexFile(path, lambda: 101).get() is None  # not used: searching scans meanwhile
    assert index_text([], path, store) == 101
    rebuilt = TextIndex.load(path)
    assert len(rebuilt) == 101
    for q in ("复制推广", "跨境电商 通关"):
        assert research.adopters(Trace(store, text_index=rebuilt), q) == \
               research.adopters(Trace(store, text_index=current), q)
    assert TextIndexFile(path, lambda: 101).get() is not None


def test_a_short_index_is_rebuilt_at_the_next_ingest(corpus, tmp_path):
    from policy_graph.service import index_text

    store, current = corpus
    path = tmp_path / "g.fts"
    partial = TextIndex(path)
    partial.add([current.measure(mid) | {"ordinal": 1} for mid in _ids(current.search(["人才"], 1000))[0]])
    partial.close()
    assert TextIndexFile(path, lambda: 101).get() is None
    index_text([], path, store)
    assert TextIndexFile(path, lambda: 101).get() is not None


def test_theme_adopters_from_the_kept_summary_equal_the_graph_query(corpus):
    from ingest.themes import load_taxonomy

    store, index = corpus
    assert index.adoption("theme", "ip_pledge_financing", 3)  # the ingest kept the summaries
    for theme in load_taxonomy().themes():
        for per_region in (1, 3):
            research._THEME_ANSWERS.clear()
            kept = research.adopters(Trace(store, text_index=index), theme.key, per_region=per_region)
            research._THEME_ANSWERS.clear()
            assert kept == research.adopters(Trace(store), theme.key, per_region=per_region), theme.key


def test_a_themes_or_practices_first_question_is_the_answer_the_ingest_kept(corpus):
    """The ingest keeps each theme's and practice's whole answer: its first question reads nothing
    from the graph, and ?explain=true still names the queries that give the answer."""
    from ingest.themes import load_taxonomy

    store, index = corpus
    counting = Counting(store)
    asked = counting.asked
    taxonomy = load_taxonomy()
    for level, key in [("theme", t.key) for t in taxonomy.themes()] + [("practice", p.key) for p in taxonomy.practices()]:
        research._THEME_ANSWERS.clear()
        asked.clear()
        kept_trace = Trace(counting, text_index=index)
        kept = research.adopters(kept_trace, key)
        assert asked == [], (key, asked)
        research._THEME_ANSWERS.clear()
        assert kept == research.adopters(Trace(store), key), key
        _, _, runs = research.kept_answers(store, index, level, [key])[key]
        if level == "practice":  # and then its theme's, for the theme's other adopters (related)
            theme = taxonomy.practice(key).theme
            runs = runs + research.kept_answers(store, index, "theme", [theme])[theme][2]
        assert kept_trace.runs == [(name, json.loads(json.dumps(params))) for name, params in runs], key


def test_a_kept_answer_is_sent_as_the_ingest_encoded_it_and_is_the_same_bytes(corpus):
    """/api/adopters sends a theme's or practice's kept answer cut from its kept JSON, never
    parsed: byte for byte what encoding the answer gives, for any page, in either script or in
    English, and without a graph query; a question with no kept answer is encoded as before."""
    import orjson

    from ingest.themes import load_taxonomy

    store, index = corpus
    counting = Counting(store)
    asked = counting.asked
    taxonomy = load_taxonomy()
    questions = [t.key for t in taxonomy.themes()] + [p.key for p in taxonomy.practices()] + \
        ["知識產權質押融資", "銀稅互動", "bank-tax interaction"]
    for q in questions:
        for limit, offset in ((500, 0), (2, 1), (1, 0), (5, 999)):
            asked.clear()
            sent = research.adopters_json(Trace(counting, text_index=index), q, limit=limit, offset=offset)
            assert asked == [], (q, asked)
            research._THEME_ANSWERS.clear()
            encoded = orjson.dumps(research.adopters(Trace(store, text_index=index), q, limit=limit, offset=offset))
            assert sent == encoded, (q, limit, offset)
    answer = orjson.loads(research.adopters_json(Trace(store, text_index=index), "銀稅互動"))
    assert answer["practice"]["key"] == "bank_tax_interaction" and answer["regions"] and answer["related"]["regions"]
    assert all(r["first_date_source"] for r in answer["regions"] if r["first_date"])
    # no kept answer for per_region 2, and none at all without the index: encoded from the graph
    for trace, per_region in ((Trace(store, text_index=index), 2), (Trace(store), 3)):
        research._THEME_ANSWERS.clear()
        sent = research.adopters_json(trace, "知识产权质押融资", per_region=per_region)
        research._THEME_ANSWERS.clear()
        assert sent == orjson.dumps(research.adopters(Trace(store), "知识产权质押融资", per_region=per_region))


def test_a_text_questions_answer_as_sent_is_the_scans_bytes_without_a_graph_query(corpus):
    """A question naming no theme is answered by the text index as /api/adopters sends it: byte
    for byte what encoding the graph scan's answer gives, for any page and number of measures
    shown, in either script, and without a graph query."""
    import orjson

    store, index = corpus
    counting = Counting(store)
    questions = ["人才", "知識產權", "自贸试验区 人才", "融资 企业", "政务服务", "审批", "押", '"引号"', "不存在的词语"]
    for q in questions:
        assert research.resolve_topic(q) is None, q
        for limit, per_region, offset in ((500, 3, 0), (2, 1, 1), (1, 50, 0), (5, 3, 999), (3, 2, 2)):
            counting.asked.clear()
            sent = research.adopters_json(Trace(counting, text_index=index), q, limit=limit, per_region=per_region,
                                          offset=offset)
            assert counting.asked == [], (q, counting.asked)
            scanned = research.adopters(Trace(store), q, limit=limit, per_region=per_region, offset=offset)
            assert sent == orjson.dumps(scanned), (q, limit, per_region, offset)
    assert orjson.loads(research.adopters_json(Trace(store, text_index=index), "知识产权"))["regions"]


def test_a_search_naming_a_theme_counts_its_adopters_from_the_kept_answer(corpus):
    """/api/search says how many regions adopted the theme or practice its words name: read from
    the kept answer without a graph query, and the count the graph gives."""
    from ingest.themes import load_taxonomy
    from policy_graph import lookups

    store, index = corpus
    counting = Counting(store)
    asked = counting.asked
    taxonomy = load_taxonomy()
    counts = set()
    for q in [t.key for t in taxonomy.themes()] + [p.key for p in taxonomy.practices()] + ["IP pledge financing"]:
        asked.clear()
        kept = lookups.topic(Trace(counting, text_index=index), q)
        assert asked == [], (q, asked)
        research._THEME_ANSWERS.clear()
        assert kept == lookups.topic(Trace(store), q), q
        assert kept["region_count"] == research.adopters(Trace(store), q)["region_count"], q
        counts.add(kept["region_count"])
    assert len(counts) > 3  # themes adopted by few and by many regions
    assert lookups.topic(Trace(store, text_index=index), "不存在的词语") is None


def test_answers_kept_from_batched_statements_are_those_computed_one_key_at_a_time(corpus):
    """kept_answers reads some of every key's rows in one statement for all keys
    (adopters_practices_regions, adopters_*s_replications): each key's answer, and the queries
    it names, are what a request computes from the graph for that key alone."""
    from ingest.themes import load_taxonomy

    store, index = corpus
    taxonomy = load_taxonomy()
    practices = [p.key for p in taxonomy.practices()]
    batched = store.run("adopters_practices_regions", {"practices": practices, "per_region": 3})
    for key in practices:
        rows = [{k: v for k, v in r.items() if k != "practice"} for r in batched if r["practice"] == key]
        one = store.run("adopters_practice_regions", {"practice": key, "per_region": 3})
        assert sorted(map(json.dumps, rows)) == sorted(map(json.dumps, one)), key
    moved = 0
    for level, keys in (("theme", [t.key for t in taxonomy.themes()]), ("practice", practices)):
        kept = research.kept_answers(store, index, level, keys)
        for key in keys:
            trace = Trace(store, text_index=index)
            alone = research._computed_fact_regions(trace, level, key, research.PER_REGION)
            research._first_date_sources(alone)  # kept as a page shows them
            assert kept[key] == (research.PER_REGION, alone, trace.runs), key
            moved += sum(m["via"] != "measure" for r in alone for m in r["measures"])
    assert moved  # replications and scopes were shown, so their statements were batched too


def test_measures_written_again_void_the_kept_summaries_and_answers(corpus, tmp_path):
    """A re-ingest writes measures the index held (new agencies, a new title): the count of
    measures is unchanged, so the summaries and answers kept for it must not be used."""
    store, current = corpus
    path = tmp_path / "g.fts"
    shutil.copy2(current.path, path)
    index = TextIndex(path)
    assert index.answer("theme", "ip_pledge_financing", 3) is not None
    some = next(iter(index.measures([index._db.execute("SELECT id FROM measure LIMIT 1").fetchone()[0]]).values()))
    index.add([{**some, "agencies": {"lead": [{"name": "新机关", "printed": "新机关", "region": None}], "support": []}}])
    assert index.adoption("theme", "ip_pledge_financing", 3) is None
    assert index.answer("theme", "ip_pledge_financing", 3) is None


def test_answers_a_killed_writer_left_older_are_not_used_and_the_next_start_computes_them(corpus_db, tmp_path):
    """An ingest killed between keeping the summaries and keeping the answers (two transactions)
    leaves answers stamped older: theme questions are computed from the graph meanwhile, with the
    same answer, and a server's start-up keeps them again (policy_graph.service.repair_indexes)."""
    from fixtures.hostile import copy_with_older_answers
    from ingest.themes import load_taxonomy
    from policy_graph.service import repair_indexes

    db, simindex, fts = copy_with_older_answers(corpus_db, tmp_path / "g", "theme")
    store = open_store("ladybug", path=db)
    try:
        index = TextIndex.load(fts)
        assert index.answer("theme", "ip_pledge_financing", 3) is None
        research._THEME_ANSWERS.clear()
        computed = research.adopters(Trace(store, text_index=index), "ip_pledge_financing")
        research._THEME_ANSWERS.clear()
        assert computed == research.adopters(Trace(store), "ip_pledge_financing")
        index.close()
        assert repair_indexes(store, simindex) == []  # nothing rebuilt: only the answers computed
        index = TextIndex.load(fts)
        for theme in load_taxonomy().themes():
            assert index.answer("theme", theme.key, 3) is not None, theme.key
        research._THEME_ANSWERS.clear()
        assert research.adopters(Trace(store, text_index=index), "ip_pledge_financing") == computed
    finally:
        store.close()


def test_a_summary_older_than_the_measures_is_not_used(corpus, tmp_path):
    store, current = corpus
    path = tmp_path / "g.fts"
    shutil.copy2(current.path, path)
    index = TextIndex(path)
    assert index.adoption("theme", "ip_pledge_financing", 3) is not None
    index.add([{"id": "late-1", "document": "late", "ordinal": 1, "title": "知识产权质押", "text": "知识产权质押融资"}])
    assert index.adoption("theme", "ip_pledge_financing", 3) is None  # the graph query answers instead
    assert index.answer("theme", "ip_pledge_financing", 3) is None


def test_an_upload_recomputes_only_its_themes_and_they_match_the_graph(corpus_db, tmp_path):
    from fixtures.hostile import copy_graph, synth_documents
    from ingest.themes import load_taxonomy
    from policy_graph.service import ingest_into, text_index_path

    db = copy_graph(corpus_db, tmp_path / "g")
    simindex = db.parent / (db.name + ".simindex")
    store = open_store("ladybug", path=db)
    try:
        doc = synth_documents(tmp_path / "new", 40, seed=5)[0]
        report = ingest_into(store, [doc], index_path=simindex)
        assert report.documents and not report.errors
        index = TextIndex.load(text_index_path(simindex))
        assert index.adoption_stamp("theme") == index.adoption_stamp("answer:theme") == \
            index.adoption_stamp("answer:practice") == index.last_number() == len(index)
        for theme in load_taxonomy().themes():
            research._THEME_ANSWERS.clear()
            kept = research.adopters(Trace(store, text_index=index), theme.key)
            research._THEME_ANSWERS.clear()
            assert kept == research.adopters(Trace(store), theme.key), theme.key
    finally:
        store.close()


def test_the_evidence_the_index_cuts_is_the_sentence_the_answer_shows(corpus):
    """Every measure of the founding corpus, asked for words at the start of each of its
    sentences, in its middle, across a sentence end and not in it at all: the sentence SQLite
    cuts from the spans kept at ingest is the one research cuts from the text itself."""
    from ingest.textutil import sentence_spans

    _, index = corpus
    texts = dict(index._db.execute("SELECT id, text FROM measure"))
    asked = 0
    for mid, text in texts.items():
        questions = [["不存在的词语"], [text[len(text) // 2:len(text) // 2 + 2]]]
        for b, e in sentence_spans(text):
            questions += [[text[b:b + 3]], [text[max(e - 2, 0):e + 2]], ["不存在的词语", text[b:b + 2]]]
        for terms in questions:
            terms = [t for t in terms if t.strip()] or ["不存在的词语"]
            assert _shown(index, [mid], terms)[mid]["evidence"] == research._sentence(text, terms), (mid, terms)
            asked += 1
    assert len(texts) == 101 and asked > 1000


def test_evidence_from_texts_with_blank_lines_and_no_terminator():
    index = TextIndex()
    texts = {"a": "  第一句。\n\n  第二句没有句号\n第三句！”后面", "b": "只有一句", "c": "\n\n开头空行。结尾。  "}
    index.add([{"id": k, "document": "d", "ordinal": i, "title": "", "text": t} for i, (k, t) in enumerate(texts.items())])
    for mid, text in texts.items():
        for i in range(len(text)):
            for terms in ([text[i:i + 1]], [text[i:i + 2], "句"], ["无"]):
                if terms[0].strip():
                    assert _shown(index, [mid], terms)[mid]["evidence"] == research._sentence(text, terms), (mid, terms)


def test_a_shown_measure_carries_its_documents_title_and_date_as_written_last():
    """The card a text answer reads is rewritten when the measure's document is: a re-ingest that
    reads another date (and where it was read) or title shows them, in every measure of it."""
    index = TextIndex()
    first = {"document": "d", "title": "t", "region": "厦门", "document_title": "旧标题",
             "date": "", "date_source": None, "agencies": {"lead": [], "support": []}}
    index.add([{**first, "id": "a", "ordinal": 1, "text": "知识产权质押融资。"},
               {**first, "id": "b", "ordinal": 2, "text": "另一句知识产权。"}])
    before = _shown(index, ["a", "b"], ["知识产权"])
    assert [(m["date"], m["date_source"], m["document_title"]) for m in before.values()] == [(None, None, "旧标题")] * 2
    index.add([{**first, "id": "a", "ordinal": 1, "text": "知识产权质押融资。", "document_title": "新标题",
                "date": "2021-03-04", "date_source": "signature",
                "agencies": {"lead": [{"name": "市科技局", "printed": "市科技局", "region": "厦门"}], "support": []}}])
    after = _shown(index, ["a", "b"], ["知识产权"])
    assert [(m["date"], m["date_source"], m["document_title"]) for m in after.values()] == \
           [("2021-03-04", "signature", "新标题")] * 2
    assert after["a"]["agencies"]["lead"][0]["name"] == "市科技局" and after["b"]["agencies"]["lead"] == []
    assert after["b"]["evidence"] == "另一句知识产权。" and after["a"]["via"] == "measure"


def test_a_shown_measure_whose_words_look_like_the_cards_blanks():
    """A title or an agency that reads like the card's blank via and evidence stays as written:
    only the card's own keys are filled."""
    blanks = '"via":null,"evidence":null'
    index = TextIndex()
    index.add([{"id": "a", "document": "d", "ordinal": 1, "title": blanks, "text": f"知识产权{blanks}。第二句。",
                "region": "厦门", "document_title": blanks, "date": "2021-03-04", "date_source": "signature",
                "agencies": {"lead": [{"name": blanks, "printed": blanks, "region": "厦门"}], "support": []}}])
    shown = _shown(index, ["a"], ["知识产权"])["a"]
    assert shown["title"] == shown["document_title"] == blanks
    assert shown["agencies"]["lead"][0]["name"] == blanks
    assert shown["evidence"] == f"知识产权{blanks}。" and shown["via"] == "measure"


def test_evidence_with_characters_json_escapes_is_written_as_orjson_writes_it():
    """The evidence SQLite writes into a card reads back as the sentence, in the bytes orjson
    gives: quotes, backslashes, tabs, control characters and line separators within a sentence."""
    sentence = '知识产权"质押"\\融资\t试点\x01\x1f\u2028\u007f完成。'
    index = TextIndex()
    index.add([{"id": "a", "document": "d", "ordinal": 1, "title": "t", "text": sentence + "第二句。",
                "region": "厦门", "document_title": "d", "date": "", "date_source": None}])
    shown = _shown(index, ["a"], ["质押"])["a"]
    assert shown["evidence"] == sentence and shown["date"] is None and shown["date_source"] is None


def test_a_servers_readers_hold_one_page_cache_budget_together(tmp_path):
    """A served file's readers may each cache up to the budget, and SQLite's heap limit for the
    process keeps their sum there; without a budget they keep SQLite's defaults."""
    import sqlite3

    def heap_limit() -> int:
        probe = sqlite3.connect(":memory:")
        try:
            return probe.execute("PRAGMA soft_heap_limit").fetchone()[0]
        finally:
            probe.close()

    path = tmp_path / "g.fts"
    writer = TextIndex(path)
    writer.add([{"id": f"m{i}", "document": "d", "ordinal": i, "title": "", "text": "知识产权质押融资"}
                for i in range(50)])
    before = heap_limit()
    try:
        served = TextIndexFile(path, cache_mib=3)
        assert heap_limit() == 3 * 2**20
        readers = []
        for _ in range(2):  # one reader a thread
            thread = threading.Thread(target=lambda: readers.append(served.get()))
            thread.start()
            thread.join()
        assert readers[0] is not readers[1]
        assert [r._db.execute("PRAGMA cache_size").fetchone()[0] for r in readers] == [-3072, -3072]
        assert _ids(readers[0].search(["知识产权"], 5)) == ([f"m{i}" for i in range(5)], 50)  # in document order
        plain = TextIndexFile(path).get()
        assert plain._db.execute("PRAGMA cache_size").fetchone()[0] == -2000
    finally:
        _limit_sqlite_heap(before)  # as it was for the tests after this one
