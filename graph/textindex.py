"""A character-bigram index over measure texts, so text search is not a scan of every measure.

LadybugDB has no full-text index offline (its FTS extension downloads), and ``CONTAINS`` over
every measure costs time in proportion to the corpus (620 ms a query at 100k measures). This
index maps each two-character string of a measure's title or text to the measures holding it.

A term of two characters is answered exactly by its posting list. A longer term needs every
one of its bigrams, which narrows the measures to a few candidates that may still hold the
bigrams apart; the caller confirms those with ``CONTAINS`` on the candidates alone. A one-
character term says nothing useful here: the caller falls back to the scan.

Like the similarity index, the file lives next to the database, is written at ingest once
the graph holds the measures, and only grows (a measure id hashes its document's bytes).
"""
from __future__ import annotations

import logging
import os
import pickle
import threading
from array import array
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from graph.indexfile import load_index, save_index

FORMAT_VERSION = 1
log = logging.getLogger(__name__)


def bigrams(text: str) -> set[str]:
    return {text[i:i + 2] for i in range(len(text) - 1) if not text[i:i + 2].isspace()}


class TextIndex:
    def __init__(self) -> None:
        self._ids: list[str] = []
        self._number: dict[str, int] = {}
        self._order: list[tuple[str, int]] = []  # (document, ordinal): the order results are listed in
        self._postings: dict[str, array] = {}

    def __len__(self) -> int:
        return len(self._ids)

    def __contains__(self, measure_id: str) -> bool:
        return measure_id in self._number

    def add(self, measures: Iterable[Mapping[str, Any]]) -> int:
        """Index measures ({id, document, ordinal, title, text}, simplified script) not yet indexed."""
        added = 0
        for m in measures:
            mid = str(m["id"])
            if mid in self._number:
                continue
            n = len(self._ids)
            self._ids.append(mid)
            self._number[mid] = n
            self._order.append((str(m.get("document") or ""), int(m.get("ordinal") or 0)))
            for gram in bigrams(str(m.get("title") or "")) | bigrams(str(m.get("text") or "")):
                posting = self._postings.get(gram)
                if posting is None:
                    posting = self._postings[gram] = array("i")
                posting.append(n)
            added += 1
        return added

    def candidates(self, terms: Sequence[str]) -> tuple[list[str], bool] | None:
        """Measure ids holding every bigram of every term, in document order, and whether that
        list is already exact (every term two characters long). None: a term too short to index."""
        if not terms or any(len(t) < 2 for t in terms):
            return None
        grams = {g for t in terms for g in bigrams(t)}
        if not grams:
            return None
        lists = []
        for gram in grams:
            posting = self._postings.get(gram)
            if posting is None:
                return [], True
            lists.append(np.frombuffer(posting, dtype=np.int32))
        lists.sort(key=len)
        hits = lists[0]
        for other in lists[1:]:
            if not len(hits):
                break
            hits = np.intersect1d(hits, other, assume_unique=True)
        numbers = sorted(hits.tolist(), key=self._order.__getitem__)
        return [self._ids[n] for n in numbers], all(len(t) == 2 for t in terms)

    # ------------------------------------------------------------------ persistence
    def save(self, path: str | Path) -> None:
        save_index(path, FORMAT_VERSION, {"ids": self._ids, "order": self._order, "postings": self._postings})

    @classmethod
    def load(cls, path: str | Path) -> TextIndex:
        blob = load_index(path, FORMAT_VERSION, "text index")
        index = cls()
        index._ids, index._order, index._postings = blob["ids"], blob["order"], blob["postings"]
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
                    except (OSError, ValueError, pickle.UnpicklingError, EOFError):
                        index = None  # unusable file: answer by scanning instead
                    if index is not None and self._graph_measures is not None \
                            and len(index) != self._graph_measures():
                        log.warning("%s covers %d measures, the graph holds %d: searching by scan "
                                    "until the next ingest", self.path, len(index), self._graph_measures())
                        index = None
                    self._index, self._stamp = index, stamp
        return self._index
