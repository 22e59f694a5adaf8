"""The text fallback of adopters keeps every adopting region, however common the phrase."""
from __future__ import annotations

from graph.store import open_store
from ingest.synth import generate
from policy_graph import research
from policy_graph.service import ingest_into


def test_text_adopters_find_every_region_a_scan_finds(tmp_path):
    corpus = tmp_path / "synth"
    generate(600, 7, corpus)
    with open_store("ladybug", path=tmp_path / "g.lbdb") as store:
        report = ingest_into(store, [corpus])
        assert not report.errors
        phrase = "知识产权"
        expected = {m.region for d in report.documents for m in d.measures
                    if m.kind == "measure" and phrase in m.text}
        assert len(expected) > 3
        assert research.resolve_theme(phrase) is None  # too vague for a theme: text search
        answer = research.adopters(research.Trace(store), phrase)
    assert {r["region"] for r in answer["regions"]} == expected
    for region in answer["regions"]:
        assert 1 <= len(region["measures"]) <= research.TEXT_MEASURES_PER_REGION
        assert all(phrase in m["evidence"] for m in region["measures"])
