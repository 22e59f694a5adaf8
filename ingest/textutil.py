"""Small text helpers shared by the extractors: script conversion and sentence spans.

Everything downstream matches rules written in simplified script, so Traditional
input (e.g. machine-converted web pages) is converted once, here, with one
OpenCC instance per configuration and process (building the converter is the expensive
part). This module owns the converters and their lock: every conversion in the project
(ingest, the same-length conversion of ingest.normalise, the server's threads, the
synthetic corpus) goes through ``convert``.
"""
from __future__ import annotations

import re
import threading
from bisect import bisect_right
from functools import lru_cache

_lock = threading.Lock()


@lru_cache(maxsize=4)
def _converter(config: str):
    import opencc

    return opencc.OpenCC(config)


# Traditional text quotes with corner brackets (「一件事」, 『…』); the rules read mainland quotes.
# OpenCC's t2s leaves them: they are mapped here, one character for one, so offsets carry over.
CORNER_QUOTES = str.maketrans("「」『』", "“”‘’")


def convert(text: str, config: str = "t2s") -> str:
    """OpenCC conversion (t2s, s2t ...) under the one lock: OpenCC objects are not documented
    as thread-safe, and the server converts on several threads at once. t2s also gives corner
    quotes as mainland quotes."""
    with _lock:
        converted = _converter(config).convert(text)
    return converted.translate(CORNER_QUOTES) if config == "t2s" else converted


# The extractors of one measure each ask for the same text's simplified (and punctuation-
# normalised) form and sentences; a small cache of recent short texts answers the repeats.
_CACHED_LEN = 8_000  # measure texts; whole documents are not kept
_CACHE_SIZE = 256


def to_simplified(text: str) -> str:
    """Traditional -> simplified; simplified text passes through unchanged."""
    if not text:
        return text or ""
    if len(text) <= _CACHED_LEN:
        return _to_simplified_cached(text)
    return _convert(text)


def _convert(text: str) -> str:
    return convert(text, "t2s")


_to_simplified_cached = lru_cache(maxsize=_CACHE_SIZE)(_convert)


def simplified_punct(text: str) -> str:
    """``normalise_punct(to_simplified(text))``, the form the region and replication rules read."""
    if not text:
        return text or ""
    if len(text) <= _CACHED_LEN:
        return _simplified_punct_cached(text)
    return normalise_punct(to_simplified(text))


@lru_cache(maxsize=_CACHE_SIZE)
def _simplified_punct_cached(text: str) -> str:
    return normalise_punct(to_simplified(text))


# A sentence ends at a full stop / question / exclamation mark, or at a line break
# (list items, table cells and headings in these pages stand on their own lines).
# Semicolons stay inside: policy prose chains clauses of one thought with them.
_SENTENCE_END = re.compile(r"[。！？!?]+[”’」』)）]*|\n+")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of each non-blank sentence, surrounding blanks trimmed."""
    if len(text) <= _CACHED_LEN:
        return list(_sentence_spans_cached(text))
    return _sentence_spans(text)


@lru_cache(maxsize=_CACHE_SIZE)
def _sentence_spans_cached(text: str) -> tuple[tuple[int, int], ...]:
    return tuple(_sentence_spans(text))


def _sentence_spans(text: str) -> list[tuple[int, int]]:
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
    spans = _sentence_spans_cached(text) if len(text) <= _CACHED_LEN else _sentence_spans(text)
    # spans are ordered and disjoint: the only candidate is the last one starting at or before offset
    i = bisect_right(spans, (offset, _NO_END)) - 1
    if i >= 0:
        s, e = spans[i]
        if s <= offset < e:
            return text[s:e]
    return ""


_NO_END = float("inf")


def sentence_around(text: str, offset: int) -> str:
    """sentence_at for one lookup in a text: splits only from the separator just before
    ``offset`` (an adopters answer cuts a thousand sentences from a thousand texts)."""
    last = max(text.rfind(c, 0, offset) for c in _SEPARATOR_CHARS)
    lo = 0
    if last >= 0:  # restart the split where that separator's run begins: a boundary of the split
        kind = "\n" if text[last] == "\n" else _TERMINATORS
        lo = last
        while lo > 0 and text[lo - 1] in kind:
            lo -= 1
    start = lo
    for m in _SENTENCE_END.finditer(text, lo):
        end = m.start() if text[m.start()] == "\n" else m.end()
        if offset < end:
            if start == lo and lo > 0:  # offset inside the separator we restarted at: split it all
                return sentence_at(text, offset)
            return _trimmed(text, start, end, offset)
        if offset < m.end():  # in a run of newlines
            return ""
        start = m.end()
    return _trimmed(text, start, len(text), offset)


_TERMINATORS = "。！？!?"
_SEPARATOR_CHARS = _TERMINATORS + "\n"


def _trimmed(text: str, start: int, end: int, offset: int) -> str:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return text[start:end] if start <= offset < end else ""


# The full-width punctuation the genre prints and the ASCII it is read as (normalise_punct).
FULL_WIDTH_PUNCT = {"（": "(", "）": ")", "　": " ", "，": ",", "：": ":", "；": ";"}


def normalise_punct(text: str) -> str:
    """Full-width brackets/commas/colons to ASCII (FULL_WIDTH_PUNCT); same length, so offsets survive."""
    # six str.replace passes are several times faster than one str.translate with a dict
    return (text.replace("（", "(").replace("）", ")").replace("　", " ")
            .replace("，", ",").replace("：", ":").replace("；", ";"))


_BROKEN_BRACKET = re.compile(r"[（(][^（()）\n]{0,120}\n[^（()）]{0,120}[)）]")


def join_broken_brackets(text: str) -> str:
    """A page's stray line break inside a closed parenthesis (（责任单位：市金融监管局<br>、市财政局）) is
    layout: the note is one line again. An unclosed one joins nothing."""
    if "\n" not in text:
        return text
    return _BROKEN_BRACKET.sub(lambda m: m.group(0).replace("\n", ""), text)
