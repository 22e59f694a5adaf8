"""A character-bigram index over measure texts, so text search is not a scan of every measure.

LadybugDB has no full-text index offline (its FTS extension downloads), and ``CONTAINS`` over
every measure costs time in proportion to the corpus (620 ms a query at 100k measures). This
index maps each two-character string of a measure's title or text to the measures holding it.

A term of two characters is answered exactly by its posting list. A longer term needs every
one of its bigrams, which narrows the measures to a few candidates that may still hold the
bigrams apart; the caller confirms those with ``CONTAINS`` on the candidates alone. A one-
character term says nothing useful here: the caller falls back to the scan.

The index also keeps what a text question to /api/adopters needs of each measure — its text,
title, region, document and date, and the titles of the documents — so such a question is
answered here, confirmed by ``str.find`` on the candidates' texts, with no database round trip
per candidate (at 100k measures, key lookups of a common phrase's 3,500 candidates cost ~40 ms).

Like the similarity index, the file lives next to the database, is written at ingest once
the graph holds the measures, and only grows (a measure id hashes its document's bytes).
"""
from __future__ import annotations

import logging
import os
import threading
from array import array
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from graph.indexfile import UNREADABLE, load_index, save_index
from graph.postings import runs

UNDATED = "9999-99-99"  # sorts after every ISO date: undated measures come last
FORMAT_VERSION = 2  # 2: measure texts, titles, regions, dates and document titles kept
log = logging.getLogger(__name__)


def bigrams(text: str) -> set[str]:
    return {text[i:i + 2] for i in range(len(text) - 1) if not text[i:i + 2].isspace()}


# Code points str.isspace() calls whitespace: a bigram of two of them is not indexed.
_SPACES = np.array([c for c in range(0x3001) if chr(c).isspace()], dtype=np.uint64)
_ADD_CHUNK = 5000  # measures packed at a time: bounds the arrays to a few tens of MiB


def _packed_bigrams(pieces: list[str], owners: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """Every distinct (owner, bigram) of the pieces, the bigram packed as first << 21 | second
    (a code point fits in 21 bits), sorted by bigram and, within one, by owner."""
    lens = np.fromiter((len(p) for p in pieces), dtype=np.int64, count=len(pieces))
    cp = np.frombuffer("\n".join(pieces).encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    who = np.repeat(np.asarray(owners, dtype=np.uint64), lens + 1)[:len(cp)]
    joint = np.zeros(len(cp), dtype=bool)  # the characters that join two pieces: no bigram spans one
    joint[np.cumsum(lens + 1)[:-1] - 1] = True
    space = np.isin(cp, _SPACES)
    keep = ~(joint[:-1] | joint[1:]) & ~(space[:-1] & space[1:])
    grams = (cp[:-1][keep] << np.uint64(21)) | cp[1:][keep]
    pairs = np.sort((who[:-1][keep] << np.uint64(42)) | grams)  # grams < 2**42
    pairs = pairs[np.r_[True, pairs[1:] != pairs[:-1]]]  # sort, not np.unique: its hashing was 20x slower
    grams = pairs & np.uint64((1 << 42) - 1)
    order = np.argsort(grams, kind="stable")  # pairs were sorted by owner: stable keeps that order
    return grams[order], (pairs[order] >> np.uint64(42)).astype(np.int32)


class TextIndex:
    def __init__(self) -> None:
        self._ids: list[str] = []
        self._number: dict[str, int] = {}
        self._order: list[tuple[str, int]] = []  # (document, ordinal): the order results are listed in
        self._postings: dict[str, array] = {}
        self._texts: list[str] = []
        self._titles: list[str] = []
        self._regions: list[str] = []
        self._dates: list[str] = []  # the document's date, '' when undated
        self._documents: dict[str, str] = {}  # document id -> title
        self._cols: tuple[np.ndarray, np.ndarray] | None = None  # see _columns()

    def __len__(self) -> int:
        return len(self._ids)

    def __contains__(self, measure_id: str) -> bool:
        return measure_id in self._number

    def add(self, measures: Iterable[Mapping[str, Any]]) -> int:
        """Index measures ({id, document, ordinal, title, text, region, date, document_title},
        simplified script) not yet indexed."""
        added = 0
        pieces: list[str] = []
        numbers: list[int] = []
        for m in measures:
            mid = str(m["id"])
            if mid in self._number:
                continue
            n = len(self._ids)
            self._ids.append(mid)
            self._number[mid] = n
            document = str(m.get("document") or "")
            self._order.append((document, int(m.get("ordinal") or 0)))
            self._texts.append(str(m.get("text") or ""))
            self._titles.append(str(m.get("title") or ""))
            self._regions.append(str(m.get("region") or ""))
            self._dates.append(str(m.get("date") or ""))
            if m.get("document_title") is not None or document not in self._documents:
                self._documents[document] = str(m.get("document_title") or "")
            pieces += [str(m.get("title") or ""), str(m.get("text") or "")]
            numbers += [n, n]
            added += 1
            if len(numbers) >= 2 * _ADD_CHUNK:
                self._post(pieces, numbers)
                pieces, numbers = [], []
        self._post(pieces, numbers)
        return added

    def _post(self, pieces: list[str], numbers: list[int]) -> None:
        """Append measures to the postings of their bigrams: one extend per bigram, in measure order."""
        if not pieces:
            return
        mask = (1 << 21) - 1
        postings = self._postings
        for key, owners in runs(*_packed_bigrams(pieces, numbers)):
            gram = chr(key >> 21) + chr(key & mask)
            posting = postings.get(gram)
            if posting is None:
                posting = postings[gram] = array("i")
            posting.frombytes(owners)

    def candidates(self, terms: Sequence[str]) -> tuple[list[str], bool] | None:
        """Measure ids holding every bigram of every term, in document order, and whether that
        list is already exact (every term two characters long). None: a term too short to index."""
        hits = self._candidate_numbers(terms)
        if hits is None:
            return None
        numbers = sorted(hits.tolist(), key=self._order.__getitem__)
        return [self._ids[n] for n in numbers], all(len(t) == 2 for t in terms)

    def _candidate_numbers(self, terms: Sequence[str]) -> np.ndarray | None:
        if not terms or any(len(t) < 2 for t in terms):
            return None
        grams = {g for t in terms for g in bigrams(t)}
        if not grams:
            return None
        lists = []
        for gram in grams:
            posting = self._postings.get(gram)
            if posting is None:
                return np.zeros(0, dtype=np.int32)
            lists.append(np.frombuffer(posting, dtype=np.int32))
        lists.sort(key=len)
        hits = lists[0]
        for other in lists[1:]:
            if not len(hits):
                break
            hits = np.intersect1d(hits, other, assume_unique=True)
        return hits

    def in_text(self, terms: Sequence[str]) -> list[int] | None:
        """Numbers of the measures whose text holds every term (what ``m.text CONTAINS t`` finds
        for each term), in index order. None: a term too short to look up (the caller scans)."""
        hits = self._candidate_numbers(terms)
        if hits is None:
            return None
        texts = self._texts
        if len(terms) == 1:
            term = terms[0]
            return [n for n in sorted(hits.tolist()) if term in texts[n]]
        return [n for n in sorted(hits.tolist()) if all(t in texts[n] for t in terms)]

    def measure(self, measure_id: str) -> dict[str, Any]:
        """What the index keeps of a measure."""
        n = self._number[measure_id]
        document = self._order[n][0]
        return {"id": self._ids[n], "title": self._titles[n], "text": self._texts[n],
                "region": self._regions[n], "date": self._dates[n] or None, "document": document,
                "document_title": self._documents.get(document)}

    def by_region(self, numbers: Sequence[int], first: int) -> list[tuple[str, int, list[str]]]:
        """(region, how many of ``numbers`` it holds, the sort keys of its ``first`` earliest)
        for each region among the measures ``numbers``; a key is '<date> <id>', undated last."""
        if not len(numbers):
            return []
        codes, ranks = self._columns()
        hits = np.asarray(numbers, dtype=np.int64)
        order = np.lexsort((ranks[hits], codes[hits]))  # by region, then earliest first
        hits, grouped = hits[order], codes[hits][order]
        _, starts, counts = np.unique(grouped, return_index=True, return_counts=True)
        out = []
        for start, count in zip(starts.tolist(), counts.tolist()):
            shown = hits[start:start + min(count, first)].tolist()
            out.append((self._regions[shown[0]], count,
                        [(self._dates[n] or UNDATED) + " " + self._ids[n] for n in shown]))
        return out

    def _columns(self) -> tuple[np.ndarray, np.ndarray]:
        """Per measure number: a region code, and its rank in (date, id) order. Built on first use."""
        columns = self._cols
        if columns is None or len(columns[0]) != len(self._ids):
            names: dict[str, int] = {}
            codes = np.fromiter((names.setdefault(r, len(names)) for r in self._regions),
                                dtype=np.int32, count=len(self._regions))
            ranks = np.empty(len(self._ids), dtype=np.int32)
            ranks[sorted(range(len(self._ids)), key=lambda n: (self._dates[n] or UNDATED, self._ids[n]))] = \
                np.arange(len(self._ids), dtype=np.int32)
            columns = self._cols = (codes, ranks)
        return columns

    # ------------------------------------------------------------------ persistence
    def save(self, path: str | Path) -> None:
        save_index(path, FORMAT_VERSION, {
            "ids": self._ids, "order": self._order, "postings": self._postings, "texts": self._texts,
            "titles": self._titles, "regions": self._regions, "dates": self._dates,
            "documents": self._documents})

    @classmethod
    def load(cls, path: str | Path) -> TextIndex:
        blob = load_index(path, FORMAT_VERSION, "text index")
        index = cls()
        index._ids, index._order, index._postings = blob["ids"], blob["order"], blob["postings"]
        index._texts, index._titles = blob["texts"], blob["titles"]
        index._regions, index._dates, index._documents = blob["regions"], blob["dates"], blob["documents"]
        index._number = {mid: n for n, mid in enumerate(index._ids)}
        return index


class TextIndexFile:
    """The index a server answers from, reloaded when an ingest rewrites the file."""

    def __init__(self, path: Path | None, graph_measures: Callable[[], int] | None = None) -> None:
        self.path = path
        # An index that does not cover the graph's measures (a run killed between loading and
        # indexing, a graph copied without its index) would hide results: it is not used.
        self._graph_measures = graph_measures
        self._lock = threading.Lock()
        self._stamp: tuple[int, int] | None = None
        self._index: TextIndex | None = None

    def get(self) -> TextIndex | None:
        if self.path is None:
            return None
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            return None
        stamp = (st.st_mtime_ns, st.st_size)
        if stamp != self._stamp:
            with self._lock:
                if stamp != self._stamp:
                    try:
                        index: TextIndex | None = TextIndex.load(self.path)
                    except UNREADABLE as exc:
                        # unusable (or of an older format): answer by scanning until an ingest rebuilds it
                        log.warning("text index not used, searching by scan until the next ingest: %s", exc)
                        index = None
                    if index is not None and self._graph_measures is not None \
                            and len(index) != self._graph_measures():
                        log.warning("%s covers %d measures, the graph holds %d: searching by scan "
                                    "until the next ingest", self.path, len(index), self._graph_measures())
                        index = None
                    self._index, self._stamp = index, stamp
        return self._index
