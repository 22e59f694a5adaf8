"""Small text helpers shared by the extractors: script conversion and sentence spans.

Everything downstream matches rules written in simplified script, so Traditional
input (e.g. machine-converted web pages) is converted once, here, with one
OpenCC instance per process (building the converter is the expensive part).
"""
from __future__ import annotations

import re
import threading
from functools import lru_cache

_lock = threading.Lock()


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


@lru_cache(maxsize=1)
def _s2t():
    import opencc

    return opencc.OpenCC("s2t")


def to_simplified(text: str) -> str:
    """Traditional -> simplified; simplified text passes through unchanged."""
    if not text:
        return text or ""
    with _lock:  # OpenCC objects are not documented as thread-safe
        return _t2s().convert(text)


def to_traditional(text: str) -> str:
    if not text:
        return text or ""
    with _lock:
        return _s2t().convert(text)


# A sentence ends at a full stop / question / exclamation mark, or at a line break
# (list items, table cells and headings in these pages stand on their own lines).
# Semicolons stay inside: policy prose chains clauses of one thought with them.
_SENTENCE_END = re.compile(r"[。！？!?]+[”’」』)）]*|\n+")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of each non-blank sentence, surrounding blanks trimmed."""
    spans: list[tuple[int, int]] = []
    start = 0
    for m in _SENTENCE_END.finditer(text):
        end = m.end() if text[m.start()] != "\n" else m.start()
        _add_span(text, start, end, spans)
        start = m.end()
    _add_span(text, start, len(text), spans)
    return spans


def _add_span(text: str, start: int, end: int, spans: list[tuple[int, int]]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))


def sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in sentence_spans(text)]


def sentence_at(text: str, offset: int) -> str:
    """The sentence holding character ``offset`` ('' when the offset is in blank space)."""
    for s, e in sentence_spans(text):
        if s <= offset < e:
            return text[s:e]
        if s > offset:
            break
    return ""


_PUNCT_MAP = str.maketrans({"（": "(", "）": ")", "　": " ", "，": ",", "：": ":", "；": ";"})


def normalise_punct(text: str) -> str:
    """Full-width brackets/commas/colons to ASCII; same length, so offsets survive."""
    return text.translate(_PUNCT_MAP)
