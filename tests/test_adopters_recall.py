"""Adopters at scale: a bounded answer keeps every adopting region, with the totals, first dates
and first measures an unbounded computation gives."""
from __future__ import annotations

from collections import defaultdict

import pytest

from graph.store import open_store
from graph.textindex import TextIndex
from bench.synth import generate
from policy_graph import research
from policy_graph.service import ingest_into, text_index_path

# Every fact row of a theme, unbounded (the query adopters answered from before it was bounded).
ALL_FACTS = """
MATCH (t:Theme {key: $theme})<-[h:HAS_THEME]-(m:Measure) WHERE m.kind = 'measure'
RETURN m.region AS region, 'measure' AS via, m.id AS id, m.doc_date AS date
UNION ALL
MATCH (t:Theme {key: $theme})<-[h:HAS_THEME]-(m:Measure)-[r:REPLICATED_TO]->(g:Region)
WHERE $theme IN r.themes
RETURN g.name AS region, 'replicated_to' AS via, m.id AS id, m.doc_date AS date
UNION ALL
MATCH (t:Theme {key: $theme})<-[h:HAS_THEME]-(m:Measure)-[r:REPLICATED_TO]->(:Region)
WHERE $theme IN r.themes AND r.from_region <> ''
RETURN r.from_region AS region, 'replicated_from' AS via, m.id AS id, m.doc_date AS date
"""


@pytest.fixture(scope="module")
def synth(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("recall")
    generate(600, 7, tmp / "synth")
    db = tmp / "g.lbdb"
    with open_store("ladybug", path=db) as store:
        report = ingest_into(store, [tmp / "synth"], index_path=tmp / "g.simindex")
        assert not report.errors
    store = open_store("ladybug", path=db, read_only=True)
    yield store, report, TextIndex.load(text_index_path(tmp / "g.simindex"))
    store.close()


def unbounded(rows):
    """region -> its measures in the order an answer lists them, each once (first way kept)."""
    regions = defaultdict(dict)
    for r in sorted(rows, key=lambda r: (research.VIA_ORDER[r["via"]], r["date"] or "9999", r["id"])):
        regions[r["region"]].setdefault(r["id"], r)
    return regions


@pytest.mark.parametrize("indexed", [False, True], ids=["scan", "text index"])
def test_text_adopters_find_every_region_a_scan_finds(synth, indexed):
    store, report, index = synth
    phrase = "知识产权"
    expected = defaultdict(list)
    for d in report.documents:
        for m in d.measures:
            if m.kind == "measure" and phrase in m.text:
                expected[m.region].append({"id": m.id, "date": d.date, "via": "measure", "region": m.region})
    assert len(expected) > 3
    assert research.resolve_theme(phrase) is None  # too vague for a theme: text search
    trace = research.Trace(store, text_index=index if indexed else None)
    answer = research.adopters(trace, phrase, per_region=2)
    assert {r["region"] for r in answer["regions"]} == set(expected) and answer["region_count"] == len(expected)
    reference = unbounded([row for rows in expected.values() for row in rows])
    for region in answer["regions"]:
        assert region["measure_count"] == len(expected[region["region"]])
        assert [m["id"] for m in region["measures"]] == list(reference[region["region"]])[:2]
        assert all(phrase in m["evidence"] for m in region["measures"])
    if indexed:  # the index answers what the scan answers
        assert answer == research.adopters(research.Trace(store), phrase, per_region=2)


@pytest.mark.parametrize("per_region", [1, 3])
def test_theme_adopters_equal_the_unbounded_answer(synth, per_region):
    store, _, _ = synth
    themes = [t["key"] for t in store.run("theme_list", {}) if t["measure_count"]]
    assert len(themes) > 10
    research._THEME_ANSWERS.clear()
    for theme in themes:
        reference = unbounded(store._execute(ALL_FACTS, {"theme": theme}))
        answer = research.adopters(research.Trace(store), theme, per_region=per_region)
        assert answer["region_count"] == len(reference), theme
        assert {r["region"] for r in answer["regions"]} == set(reference), theme
        for region in answer["regions"]:
            listed = list(reference[region["region"]].values())
            assert region["measure_count"] == len(listed), (theme, region["region"])
            assert region["first_date"] == min((r["date"] for r in listed if r["date"]), default=None)
            assert [(m["id"], m["via"]) for m in region["measures"]] == \
                   [(r["id"], r["via"]) for r in listed[:per_region]], (theme, region["region"])
            for m in region["measures"]:
                assert m["evidence"] and m["document_title"]
                if m["via"] != "measure":
                    assert m["replication_evidence"], (theme, region["region"], m)


def test_a_cached_theme_answer_follows_an_ingest(tmp_path):
    corpus = sorted(p for p in (research_root() / "data" / "corpus").glob("*.txt"))
    with open_store("ladybug", path=tmp_path / "g.lbdb") as store:
        assert not ingest_into(store, corpus[:1]).errors
        first = research.adopters(research.Trace(store), "ip_pledge_financing", per_region=50)
        assert research.adopters(research.Trace(store), "ip_pledge_financing", per_region=50) == first
        assert not ingest_into(store, corpus[1:]).errors
        after = research.adopters(research.Trace(store), "ip_pledge_financing", per_region=50)
        fresh = unbounded(store._execute(ALL_FACTS, {"theme": "ip_pledge_financing"}))
    assert after["region_count"] == len(fresh) > first["region_count"]
    assert {r["region"]: r["measure_count"] for r in after["regions"]} == {r: len(m) for r, m in fresh.items()}


def research_root():
    from pathlib import Path

    return Path(research.__file__).resolve().parent.parent
