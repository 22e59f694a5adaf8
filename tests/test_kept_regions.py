"""Each region's part of a comparison (its themes and the similar pairs its measures start), kept
by the ingest in the text index: comparisons and region profiles read from it give exactly what
the graph gives, and an ingest that keeps only the regions it touched keeps them right."""
from __future__ import annotations

import itertools
import sqlite3
from pathlib import Path

import orjson

from fixtures.counting import Counting, RefusesLater
from graph.store import open_store
from graph.textindex import KeptRegions, TextIndex
from policy_graph import lookups, research
from policy_graph.limits import COMPARED_SHOWN
from policy_graph.research import Trace


def _same(a, b) -> bool:
    return orjson.dumps(a, option=orjson.OPT_SORT_KEYS) == orjson.dumps(b, option=orjson.OPT_SORT_KEYS)


def _same_bytes(a, b) -> bool:
    """The same JSON, byte for byte: a comparison's measures may be sent as kept (orjson.Fragment),
    whose keys no option sorts."""
    return orjson.dumps(a) == orjson.dumps(b)


def _fact_regions(store) -> list[str]:
    return [r["name"] for r in store.run("region_list", {"include_all": False, "limit": 1000})]


def _every_kept_answer_is_the_graphs(store, index: TextIndex) -> None:
    """What the index keeps for every region is what computing it now from the graph gives."""
    regions = [r["name"] for r in store.run("region_list", {"include_all": True, "limit": 100_000})]
    fresh = {(region, per_region): parts
             for region, (per_region, parts, _) in research.kept_region_answers(store, regions)}
    assert len(fresh) == 2 * len(regions)  # each region whole, and cut at a comparison's page
    for (region, per_region), parts in fresh.items():
        kept = index.answer_json("region", region, per_region)
        assert kept is not None, (region, per_region)
        expected = parts if isinstance(parts, KeptRegions) else KeptRegions.of(parts)
        assert (kept.body, kept.spans) == (expected.body, expected.spans), (region, per_region)


def test_comparisons_from_kept_regions_are_the_graphs_and_read_no_theme_or_pair_statement(corpus):
    store, index = corpus
    regions = _fact_regions(store)
    asked = [list(p) for p in itertools.combinations(regions, 2)] + [regions[:3], regions[-4:]]
    pairs_seen = 0
    # shown: every measure (the CLI, the pages), one, the page the ingest cuts, past it (the API)
    for names, pair_limit, shown in itertools.product(asked, (1, 10), (None, 1, COMPARED_SHOWN, COMPARED_SHOWN + 1)):
        counting = Counting(store)
        kept_trace = Trace(counting, text_index=index)
        kept = research.compare(kept_trace, names, pair_limit, shown)
        computed_trace = Trace(store)
        computed = research.compare(computed_trace, names, pair_limit, shown)
        assert _same_bytes(kept, computed), names
        # ?explain=true names the same statements, though the graph was not asked (the pairs'
        # titles come from the text index too)
        assert kept_trace.runs == computed_trace.runs
        assert not counting.asked, counting.asked
        pairs_seen += len(kept["similar_pairs"])
    assert pairs_seen  # the corpus's regions share similar measures: pairs were merged


def test_a_region_profile_from_its_kept_themes_is_the_graphs(corpus):
    store, index = corpus
    for region in _fact_regions(store):
        kept = lookups.region_profile(Trace(store, text_index=index), region)
        assert _same(kept, lookups.region_profile(Trace(store), region)), region
        assert kept["themes"] or region  # a region with facts may still hold no theme


def test_an_upload_keeps_again_the_regions_it_touched_and_they_match_the_graph(corpus_db, tmp_path):
    """An ingest of new documents computes again only the regions their measures name and those
    of the old measures whose similar pairs it rewrote: afterwards every region's kept answer is
    what the graph gives."""
    from fixtures.hostile import copy_graph, synth_documents
    from policy_graph.service import ingest_into, text_index_path

    db = copy_graph(corpus_db, tmp_path / "g")
    simindex = db.parent / (db.name + ".simindex")
    store = open_store("ladybug", path=db)
    try:
        before = TextIndex.load(text_index_path(simindex))
        stamp = before.adoption_stamp("answer:region")
        assert stamp == before.last_number()
        before.close()
        docs = synth_documents(tmp_path / "new", 120, seed=5)[:2]
        report = ingest_into(store, docs, index_path=simindex)
        assert report.documents and not report.errors
        index = TextIndex.load(text_index_path(simindex))
        assert index.adoption_stamp("answer:region") == index.last_number() > stamp
        _every_kept_answer_is_the_graphs(store, index)
        index.close()
    finally:
        store.close()


def test_region_answers_a_killed_writer_left_older_are_not_used_and_a_start_keeps_them(corpus_db, tmp_path):
    """Killed after the edges and before the regions' answers, an ingest leaves them stamped
    older: comparisons are walked in the graph meanwhile, with the same answer, and a server's
    start-up keeps them again."""
    from fixtures.hostile import copy_with_older_answers
    from policy_graph.service import repair_indexes

    db, simindex, fts = copy_with_older_answers(corpus_db, tmp_path / "g", "region")
    store = open_store("ladybug", path=db)
    try:
        names = _fact_regions(store)[:2]
        index = TextIndex.load(fts)
        assert index.answer("region", names[0], 0) is None
        counting = Counting(store)
        stale = research.compare(Trace(counting, text_index=index), names)
        assert {"theme_adoption", "similar_pairs_between"} <= set(counting.asked)
        index.close()
        assert repair_indexes(store, simindex) == []  # nothing rebuilt: only the answers kept again
        index = TextIndex.load(fts)
        _every_kept_answer_is_the_graphs(store, index)
        assert _same(research.compare(Trace(store, text_index=index), names), stale)
        index.close()
    finally:
        store.close()


def test_an_upload_whose_region_answers_cannot_be_computed_still_lands_and_a_start_keeps_them(
        corpus_db, tmp_path, monkeypatch, caplog):
    """The regions' answers derive from the graph: when the database cannot compute them (the
    smallest buffer pool, still holding an upload's pages, refused it: tests/test_buffer_pool.py)
    the upload still lands, comparisons walk the graph, and the next start keeps them."""
    from fixtures.hostile import copy_graph, synth_documents
    from graph.store import StoreError
    from policy_graph.service import ingest_into, repair_indexes, text_index_path

    db = copy_graph(corpus_db, tmp_path / "g")
    simindex = db.parent / (db.name + ".simindex")
    store = open_store("ladybug", path=db)
    try:
        def refused(*_args, **_kwargs):
            raise StoreError("Buffer manager exception: Unable to allocate memory!")

        with monkeypatch.context() as patched:
            patched.setattr(research, "kept_region_answers", refused)
            report = ingest_into(store, synth_documents(tmp_path / "new", 40, seed=6)[:1], index_path=simindex)
        assert report.documents and not report.errors
        assert "regions' answers not kept" in caplog.text
        index = TextIndex.load(text_index_path(simindex))
        assert index.adoption_stamp("answer:region") < index.last_number()
        names = _fact_regions(store)[:2]
        counting = Counting(store)
        walked = research.compare(Trace(counting, text_index=index), names)
        assert "theme_adoption" in counting.asked
        index.close()
        repair_indexes(store, simindex)
        index = TextIndex.load(text_index_path(simindex))
        _every_kept_answer_is_the_graphs(store, index)
        assert _same(research.compare(Trace(store, text_index=index), names), walked)
        index.close()
    finally:
        store.close()


def test_a_statement_refused_half_way_through_the_regions_keeps_none_of_them(corpus, tmp_path):
    """The regions' answers are computed as they are written, in one transaction: a statement the
    database refuses after some regions were written leaves the older answers and their stamp."""
    from fixtures.hostile import index_with_older_answers
    from policy_graph.service import keep_region_answers

    store, current = corpus
    path = index_with_older_answers(Path(current.path), tmp_path / "g.fts", "region")
    with sqlite3.connect(path) as raw:
        before = raw.execute("SELECT count(*), max(n) FROM answer WHERE kind = 'region'").fetchone()
    keep_region_answers(RefusesLater(store, "similar_pairs_from"), path)  # logged, not raised
    with sqlite3.connect(path) as raw:
        assert raw.execute("SELECT count(*), max(n) FROM answer WHERE kind = 'region'").fetchone() == before
    index = TextIndex.load(path)
    assert index.adoption_stamp("answer:region") == index.last_number() - 1
    index.close()


def test_a_comparison_cut_at_its_page_is_the_graphs_where_themes_hold_more_measures_than_it_shows(
        corpus_db, tmp_path):
    """The ingest keeps each region's themes cut at a comparison's page (COMPARED_SHOWN measures)
    beside the whole of them: a region holding more than that in a theme is compared from the
    kept parts exactly as from the graph, whether the page shows fewer, as many or more."""
    from fixtures.hostile import big_document, copy_graph
    from policy_graph.service import ingest_into, text_index_path

    db = copy_graph(corpus_db, tmp_path / "g")
    simindex = db.parent / (db.name + ".simindex")
    store = open_store("ladybug", path=db)
    try:
        report = ingest_into(store, [big_document(tmp_path / "big.txt", 300, seed=3)], index_path=simindex)
        assert report.documents and not report.errors
        index = TextIndex.load(text_index_path(simindex))
        _every_kept_answer_is_the_graphs(store, index)
        big = report.documents[0].region
        longest = 0
        for other in [r for r in _fact_regions(store) if r != big][:4]:
            for shown in (None, 1, COMPARED_SHOWN, COMPARED_SHOWN + 1):
                counting = Counting(store)
                kept = research.compare(Trace(counting, text_index=index), [big, other], 10, shown)
                assert _same_bytes(kept, research.compare(Trace(store), [big, other], 10, shown)), (other, shown)
                assert not counting.asked, counting.asked
                for theme in kept["themes"]:
                    held = theme["measure_counts"][big]
                    longest = max(longest, held)
                    assert len(orjson.loads(orjson.dumps(theme["regions"][big]))) == min(held, shown or held)
        assert longest > COMPARED_SHOWN + 1  # the cut was there to be made
        index.close()
    finally:
        store.close()
