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
