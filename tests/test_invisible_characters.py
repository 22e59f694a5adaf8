"""Invisible format characters (zero-width space/joiners, BOMs, bidi marks) inside a measure do not
hide it: the text every reader sees is the text without them, and offsets point into it."""
from __future__ import annotations

from pathlib import Path

import pytest

from ingest.normalise import drop_invisible
from ingest.pipeline import ingest_bytes

CORPUS = Path(__file__).resolve().parent.parent / "data" / "corpus"
INVISIBLE = ["\u200b", "\u200c", "\u200d", "\ufeff", "\u2060", "\u00ad", "\u200e", "\u202e", "\u2066"]


def sprinkle(text: str, mark: str) -> str:
    """``mark`` between every two characters of each line naming a practice, and at line starts."""
    out = []
    for line in text.split("\n"):
        if "知识产权" in line or "融资" in line or line[:2] in {"1.", "2.", "一、", "（一"}:
            line = mark + mark.join(line)
        out.append(line)
    return "\n".join(out)


def facts(doc) -> list[tuple]:
    return [(m.kind, m.label, m.title, m.text, m.region, tuple(sorted(t.key for t in m.themes)),
             tuple(sorted(a.name for a in m.agencies)) if hasattr(m, "agencies") else ())
            for m in doc.measures]


@pytest.mark.parametrize("mark", INVISIBLE, ids=[f"U+{ord(c):04X}" for c in INVISIBLE])
def test_a_measure_strewn_with_invisible_characters_reads_as_the_clean_one(mark):
    path = CORPUS / "000_4db036ec0a2b74b7.txt"
    text = path.read_text(encoding="utf-8")
    clean = ingest_bytes(text.encode("utf-8"), path.name)
    dirty = ingest_bytes(sprinkle(text, mark).encode("utf-8"), path.name)
    assert facts(dirty) == facts(clean)
    assert any("知识产权" in m.text and m.themes for m in dirty.measures)
    for m in dirty.measures:  # evidence offsets point into the original the graph keeps
        assert dirty.text_original[m.start:m.end] == m.text_original
        assert mark not in m.text_original


def test_only_invisible_characters_are_dropped():
    visible = "知识产权 质押\u3000融资（一）1.\t第一条\n"
    assert drop_invisible(visible) == visible
    assert drop_invisible("知\u200b识\u200c产\u200d权\ufeff") == "知识产权"


QUESTIONS = [("/api/search", {"q": "知识产权质押", "limit": 50}),
             ("/api/adopters", {"q": "知识产权质押"}),
             ("/api/adopters", {"q": "跨境电商 通关"}),  # two text terms, no theme
             ("/api/timeline", {"q": "知识产权质押"}),
             ("/api/search", {"q": "厦门", "limit": 5})]  # names a region


@pytest.mark.parametrize("mark", ["\u200b", "\ufeff", "\u200e", "\u2066"],
                         ids=["U+200B", "U+FEFF", "U+200E", "U+2066"])
@pytest.mark.parametrize("path,params", QUESTIONS, ids=[f"{p} {q['q']}" for p, q in QUESTIONS])
def test_a_question_with_invisible_characters_answers_like_the_clean_one(api, path, params, mark):
    clean = api.get(path, params=params).json()
    pasted = {**params, "q": mark + mark.join(params["q"][:2]) + params["q"][2:]}  # 知\u200b识\u200b产权质押
    r = api.get(path, params=pasted)
    assert r.status_code == 200, r.text[:300]
    dirty = r.json()
    assert dirty.pop("query") == pasted["q"] and clean.pop("query") == params["q"]  # what was asked, as typed
    assert dirty == clean
    found = clean.get("total") or clean.get("region_count") or len(clean.get("events", []))
    assert found, f"{path} {params['q']} finds nothing: the comparison would prove nothing"


def test_a_question_of_invisible_characters_only_is_refused(api):
    r = api.get("/api/search", params={"q": "\u200b\ufeff"})
    assert r.status_code == 422 and "no searchable text" in r.json()["detail"]
