"""Similar-to links between policy measures, computed in memory (no database).

Score of a pair = weighted blend of
  * cosine of TF-IDF word vectors            ("tfidf")
  * cosine of TF-IDF character-bigram vectors ("bigram")
  * overlap of the measures' themes          ("theme"; only when both have themes):
    cosine of IDF-weighted theme sets, so sharing a rare practice (IP pledge
    financing) counts for more than sharing a broad one (talent, finance)
The weights of the parts that apply are renormalised to sum to 1, and the edge's
``method`` names the parts used, e.g. ``tfidf+bigram+theme``.

Candidates come from an inverted index only, never from all pairs: a measure's
rarest terms are looked up first, terms common to more than ``max_df_ratio`` of
the corpus are skipped, and each lookup visits at most ``posting_budget``
postings. Only the best ``candidates`` by that partial score are fully scored, so
the work per measure is bounded and linking grows about linearly with the corpus.

Incremental use: ``add`` new measures, then ``relink_changed`` returns the edges
of the new measures and the complete new edge lists of every old measure whose
top-k they enter, plus the set of source ids whose stored edges must be replaced.
IDF moves as documents arrive; edges kept from earlier runs keep the score they
had, so an occasional full ``link()`` re-levels everything.
"""
from __future__ import annotations

import hashlib
import logging
import math
import re
from array import array
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from graph.indexfile import load_index, save_index
from graph.postings import runs
from graph.tokenize import BIGRAM_PREFIX, tokenizer_signature, words_and_bigrams
from ingest.parallel import fork_pool, workers_for

FORMAT_VERSION = 1
THEME_PREFIX = "@"
log = logging.getLogger(__name__)
# Below this many sources one process links them: forking costs more than it saves. Above it,
# and only when the caller allows workers (the CLI's bulk ingest; a server never forks), the
# sources are split over forked workers, one per core.
PARALLEL_MIN_SOURCES = 4000

# Lines and trailers that name who does the work, not what is done. Two measures
# led by the same bureau are not alike for that reason.
_AGENCY_LINE = re.compile(r"^\s*(责任单位|配合单位|牵头单位|完成时限|推广牵头单位|责任部门)\s*[:：].*$", re.M)
_AGENCY_TRAILER = re.compile(r"[(（][^()（）]{0,120}(负责|牵头)[)）]\s*$", re.M)


def content_text(text: str) -> str:
    """The part of a measure that says what is done (agency lines and trailers removed)."""
    return _AGENCY_TRAILER.sub("", _AGENCY_LINE.sub("", text or ""))


@dataclass(frozen=True)
class SimilarEdge:
    src: str
    dst: str
    score: float
    method: str
    shared_terms: tuple[str, ...] = ()


class Relink(NamedTuple):
    edges: list[SimilarEdge]  # the complete new edge list of every source in replace_sources
    replace_sources: set[str]  # delete these sources' stored similar-to edges, then write ``edges``


@dataclass
class _Doc:
    id: str
    region: int
    title: str
    t_terms: np.ndarray  # theme keys as "@key" term ids; binary weights
    w_terms: np.ndarray  # sorted int32 term ids
    w_tf: np.ndarray  # float64 sublinear tf, aligned with w_terms
    b_terms: np.ndarray
    b_tf: np.ndarray


_METHODS = {True: "tfidf+bigram+theme", False: "tfidf+bigram"}
_EMPTY_TERMS = np.zeros(0, dtype=np.int32)
_EMPTY_TF = np.zeros(0)
_SUBLINEAR_TF = [0.0] + [1.0 + math.log(c) for c in range(1, 64)]  # math.log, as for larger counts


@dataclass
class LinkParams:
    top_k: int = 5
    cross_region: bool = True
    min_score: float = 0.08


def _fingerprint(m: Mapping[str, Any]) -> str:
    themes = sorted(str(t) for t in (m.get("themes") or ()))
    blob = "\x1f".join([str(m.get("region") or ""), str(m.get("title") or ""), str(m.get("text") or ""),
                        *themes])
    return hashlib.blake2b(blob.encode("utf-8"), digest_size=12).hexdigest()


def _grow(a: np.ndarray, size: int, fill: Any = 0) -> np.ndarray:
    if size <= len(a):
        return a
    new = np.full(max(size, 2 * len(a), 64), fill, dtype=a.dtype)
    new[:len(a)] = a
    return new


@dataclass
class SimilarityIndex:
    """Sparse TF-IDF vectors and an inverted index over measures; see the module doc."""

    w_word: float = 0.6
    w_bigram: float = 0.25
    w_theme: float = 0.1
    title_boost: int = 2  # the title is counted this many extra times: it names the practice
    max_df_ratio: float = 0.2  # terms in more docs than this share do not generate candidates
    min_df_cap: int = 20  # ... but on a small corpus never cap below this many docs
    posting_budget: int = 4000  # postings visited per measure during candidate generation
    candidates: int = 40  # fully scored candidates per measure
    params: LinkParams = field(default_factory=LinkParams)

    def __post_init__(self) -> None:
        self._vocab: dict[str, int] = {}
        self._terms: list[str] = []
        self._df = np.zeros(0, dtype=np.int64)
        self._postings: list[array] = []  # term id -> internal doc indices (may hold dead docs)
        self._docs: list[_Doc | None] = []  # internal index -> doc (None once removed/replaced)
        self._index_of: dict[str, int] = {}  # measure id -> live internal index
        self._fingerprints: dict[str, str] = {}  # measure id -> hash of what was indexed
        self._regions: dict[str, int] = {}
        self._region_names: list[str] = []
        self._doc_region = np.zeros(0, dtype=np.int32)
        self._alive = np.zeros(0, dtype=bool)
        self._norm_w = np.zeros(0)
        self._norm_b = np.zeros(0)
        self._norm_stamp = np.zeros(0, dtype=np.int64)  # corpus version the norms were computed at
        self._version = 0  # bumped by every add/remove: IDF depends on the whole corpus
        self._idf_version = -1
        self._idf2 = np.zeros(0)
        self._edges: dict[str, list[SimilarEdge]] = {}  # last computed top-k per source
        self._flat_cache: dict[str, tuple[np.ndarray, ...]] = {}
        self._flat_version = -1
        self._pending: set[str] = set()  # added since the last link/relink
        self._stale: set[str] = set()  # replaced or removed: edges pointing at them are wrong
        self.tokenizer_signature = tokenizer_signature()
        # Work done by the last link/relink: evidence that candidate generation stays bounded.
        self.stats = {"sources": 0, "postings_visited": 0, "scored_pairs": 0}

    # ------------------------------------------------------------------ building
    def __len__(self) -> int:
        return len(self._index_of)

    def __contains__(self, measure_id: str) -> bool:
        return measure_id in self._index_of

    def ids(self) -> list[str]:
        return list(self._index_of)

    def add(self, measures: Iterable[Mapping[str, Any]]) -> list[str]:
        """Index measures ({id, region, title, text, themes}); returns the ids (re)indexed.

        An existing id with changed content is replaced; one with identical content is
        left alone, so re-ingesting a document relinks nothing.
        """
        added = []
        postings: list[tuple[int, np.ndarray]] = []
        try:
            for m in measures:
                mid = str(m["id"])
                fp = _fingerprint(m)
                if mid in self._index_of:
                    if self._fingerprints.get(mid) == fp:
                        continue
                    self._drop(mid)
                    self._stale.add(mid)
                postings.append(self._insert(mid, m))
                self._fingerprints[mid] = fp
                self._pending.add(mid)
                added.append(mid)
        finally:
            self._post(postings)
        return added

    def _post(self, docs: list[tuple[int, np.ndarray]]) -> None:
        """Append new docs to the postings of their terms: one extend per term, not per entry."""
        if not docs:
            return
        lens = np.fromiter((len(t) for _, t in docs), dtype=np.int64, count=len(docs))
        terms = np.concatenate([t for _, t in docs])
        owners = np.repeat(np.fromiter((i for i, _ in docs), dtype=np.int32, count=len(docs)), lens)
        order = np.argsort(terms, kind="stable")  # stable: each posting list stays in doc order
        for t, docs in runs(terms[order], owners[order]):
            self._postings[t].frombytes(docs)

    def remove(self, ids: Iterable[str]) -> list[str]:
        gone = [i for i in ids if i in self._index_of]
        for mid in gone:
            self._drop(mid)
            self._stale.add(mid)
            self._pending.discard(mid)
            self._edges.pop(mid, None)
            self._fingerprints.pop(mid, None)
        return gone

    def _term_id(self, term: str) -> int:
        tid = self._vocab.get(term)
        if tid is None:
            tid = len(self._terms)
            self._vocab[term] = tid
            self._terms.append(term)
            self._postings.append(array("i"))
            self._df = _grow(self._df, tid + 1)
        return tid

    def _vector(self, toks: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        counts = Counter(toks)
        if not counts:
            return np.zeros(0, dtype=np.int32), np.zeros(0)
        known = self._vocab.get
        ids = np.fromiter((i if (i := known(t)) is not None else self._term_id(t) for t in counts),
                          dtype=np.int32, count=len(counts))
        tf = np.fromiter((_SUBLINEAR_TF[c] if c < len(_SUBLINEAR_TF) else 1.0 + math.log(c)
                          for c in counts.values()), dtype=float, count=len(counts))
        order = np.argsort(ids)
        return ids[order], tf[order]

    def _insert(self, mid: str, m: Mapping[str, Any]) -> tuple[int, np.ndarray]:
        """Index one measure; returns (doc index, its word and bigram terms) for ``_post``."""
        title = str(m.get("title") or "")
        w_title, b_title = words_and_bigrams(title)
        w_text, b_text = words_and_bigrams(content_text(str(m.get("text") or "")))
        boost = self.title_boost
        w_terms, w_tf = self._vector(w_text + w_title * boost)
        b_terms, b_tf = self._vector(b_text + b_title * boost)
        region = str(m.get("region") or "")
        rid = self._regions.setdefault(region, len(self._regions))
        if rid == len(self._region_names):
            self._region_names.append(region)
        idx = len(self._docs)
        themes = frozenset(str(t) for t in (m.get("themes") or ()))
        t_terms = np.array(sorted(self._term_id(THEME_PREFIX + t) for t in themes), dtype=np.int32)
        self._docs.append(_Doc(mid, rid, title, t_terms, w_terms, w_tf, b_terms, b_tf))
        self._index_of[mid] = idx
        n = idx + 1
        self._doc_region = _grow(self._doc_region, n)
        self._alive = _grow(self._alive, n, False)
        self._norm_w = _grow(self._norm_w, n)
        self._norm_b = _grow(self._norm_b, n)
        self._norm_stamp = _grow(self._norm_stamp, n, -1)
        self._doc_region[idx] = rid
        self._alive[idx] = True
        self._df[t_terms] += 1  # themes weigh by rarity but never generate candidates
        self._df[w_terms] += 1
        self._df[b_terms] += 1
        self._version += 1
        return idx, np.concatenate([w_terms, b_terms])

    def _drop(self, mid: str) -> None:
        idx = self._index_of.pop(mid)
        doc = self._docs[idx]
        assert doc is not None
        self._df[doc.w_terms] -= 1
        self._df[doc.t_terms] -= 1
        self._df[doc.b_terms] -= 1
        self._alive[idx] = False
        self._docs[idx] = None  # postings keep the index; the alive mask hides it
        self._version += 1

    def _compact_if_needed(self) -> None:
        """Drop replaced/removed docs from the postings once they are a sizeable share."""
        dead = len(self._docs) - len(self._index_of)
        if dead <= max(1000, len(self._index_of) // 3):
            return
        self._postings = [array("i") for _ in self._terms]
        for idx in sorted(self._index_of.values()):
            d = self._docs[idx]
            assert d is not None
            for terms in (d.w_terms, d.b_terms):
                for t in terms.tolist():
                    self._postings[t].append(idx)

    # ------------------------------------------------------------------ weights
    def _idf_sq(self) -> np.ndarray:
        if self._idf_version != self._version:
            n = len(self._index_of)
            df = self._df[:len(self._terms)].astype(float)
            idf = np.log1p(np.maximum(n - df + 0.5, 0.5) / (df + 0.5))
            self._idf2 = idf * idf
            self._idf_version = self._version
        return self._idf2

    def _norms(self, idxs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Vector norms at the current IDF, recomputed only for docs whose stamp is old."""
        stale = idxs[self._norm_stamp[idxs] != self._version]
        if len(stale):
            idf2 = self._idf_sq()
            for i in np.unique(stale).tolist():
                d = self._docs[i]
                if d is None:
                    continue
                self._norm_w[i] = math.sqrt(float(np.dot(d.w_tf * d.w_tf, idf2[d.w_terms])))
                self._norm_b[i] = math.sqrt(float(np.dot(d.b_tf * d.b_tf, idf2[d.b_terms])))
                self._norm_stamp[i] = self._version
        return self._norm_w[idxs], self._norm_b[idxs]

    def _refresh_all_norms(self) -> None:
        live = np.fromiter(self._index_of.values(), dtype=np.int64, count=len(self._index_of))
        if len(live):
            self._norms(live)

    # ------------------------------------------------------------------ scoring
    def _candidates(self, q: int, cross_region: bool) -> np.ndarray:
        d = self._docs[q]
        assert d is not None
        n_live = len(self._index_of)
        cap = max(self.min_df_cap, int(self.max_df_ratio * n_live))
        idf2 = self._idf_sq()
        qn_w, qn_b = self._norms(np.array([q]))
        terms = np.concatenate([d.w_terms, d.b_terms])
        qw = np.concatenate([
            d.w_tf * idf2[d.w_terms] * (self.w_word / qn_w[0] if qn_w[0] else 0.0),
            d.b_tf * idf2[d.b_terms] * (self.w_bigram / qn_b[0] if qn_b[0] else 0.0)])
        is_word = np.concatenate([np.ones(len(d.w_terms), bool), np.zeros(len(d.b_terms), bool)])
        df = self._df[terms]
        ok = (df > 1) & (df <= cap) & (qw > 0)
        if not ok.any():
            return np.zeros(0, dtype=np.int64)
        sel = np.flatnonzero(ok)
        sel = sel[np.argsort(df[sel], kind="stable")]  # rarest, most telling terms first
        within = np.cumsum(df[sel]) <= self.posting_budget
        within[0] = True
        sel = sel[within]
        lists = [np.frombuffer(self._postings[t], dtype=np.int32) for t in terms[sel].tolist()]
        lens = np.fromiter((len(x) for x in lists), dtype=np.int64, count=len(lists))
        self.stats["postings_visited"] += int(lens.sum())
        docs = np.concatenate(lists).astype(np.int64)
        del lists
        weight = np.repeat(qw[sel], lens)
        word_entry = np.repeat(is_word[sel], lens)
        keep = self._alive[docs] & (docs != q)
        if cross_region:
            keep &= self._doc_region[docs] != d.region
        docs, weight, word_entry = docs[keep], weight[keep], word_entry[keep]
        if not len(docs):
            return np.zeros(0, dtype=np.int64)
        uniq, inv = np.unique(docs, return_inverse=True)
        nw, nb = self._norms(uniq)
        denom = np.where(word_entry, nw[inv], nb[inv])
        contrib = np.divide(weight, denom, out=np.zeros_like(weight), where=denom > 0)
        partial = np.bincount(inv, weights=contrib, minlength=len(uniq))
        if len(uniq) > self.candidates:
            top = np.argpartition(-partial, self.candidates - 1)[:self.candidates]
            uniq = uniq[top]
        return uniq

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        state["_flat_cache"], state["_flat_version"] = {}, -1  # derived; rebuilt on first use
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        state.setdefault("_flat_cache", {})
        state.setdefault("_flat_version", -1)
        self.__dict__.update(state)

    def _flat(self) -> dict[str, tuple[np.ndarray, ...]]:
        """Every doc's term arrays laid end to end (start, length, terms, tf per kind), so a
        candidate set's vectors are gathered with a few array operations, not one per doc."""
        if self._flat_version != self._version:
            n = len(self._docs)
            flat: dict[str, tuple[np.ndarray, ...]] = {}
            for attr in ("w", "b", "t"):
                arrays = [getattr(d, attr + "_terms") if d is not None else _EMPTY_TERMS for d in self._docs]
                lens = np.fromiter((len(a) for a in arrays), dtype=np.int64, count=n)
                starts = np.cumsum(lens) - lens
                terms = np.concatenate(arrays) if n else _EMPTY_TERMS
                tf = _EMPTY_TF
                if attr != "t" and n:
                    tf = np.concatenate([_EMPTY_TF if d is None else d.w_tf if attr == "w" else d.b_tf
                                         for d in self._docs])
                flat[attr] = (starts, lens, terms, tf)
            self._flat_cache, self._flat_version = flat, self._version
        return self._flat_cache

    def _gather(self, attr: str, cand: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(terms, tf, owner) of the candidates' ``attr`` vectors, in candidate order."""
        starts, lens, terms, tf = self._flat()[attr]
        c_lens = lens[cand]
        total = int(c_lens.sum())
        owner = np.repeat(np.arange(len(cand)), c_lens)
        pos = np.repeat(starts[cand] - (np.cumsum(c_lens) - c_lens), c_lens) + np.arange(total)
        return terms[pos], (tf[pos] if len(tf) else tf), owner

    def _dots(self, q_terms: np.ndarray, q_tf: np.ndarray, cand: np.ndarray, attr: str,
              idf2: np.ndarray) -> np.ndarray:
        """Un-normalised TF-IDF dot products of one query vector with many docs at once."""
        out = np.zeros(len(cand))
        if not len(q_terms):
            return out
        terms, tf, owner = self._gather(attr, cand)
        if not len(terms):
            return out
        pos = np.minimum(np.searchsorted(q_terms, terms), len(q_terms) - 1)
        hit = q_terms[pos] == terms
        contrib = np.where(hit, tf * q_tf[pos] * idf2[terms], 0.0)
        return np.bincount(owner, weights=contrib, minlength=len(cand))

    def _score(self, q: int, cand: np.ndarray) -> list[tuple[float, int, str]]:
        """(score, doc index, method) for each candidate."""
        d = self._docs[q]
        assert d is not None
        idf2 = self._idf_sq()
        self.stats["scored_pairs"] += len(cand)
        nw, nb = self._norms(cand)
        qn = self._norms(np.array([q]))
        qn_w, qn_b = float(qn[0][0]), float(qn[1][0])
        dw = self._dots(d.w_terms, d.w_tf, cand, "w", idf2)
        db = self._dots(d.b_terms, d.b_tf, cand, "b", idf2)
        cos_w = np.divide(dw, nw * qn_w, out=np.zeros_like(dw), where=nw * qn_w > 0)
        cos_b = np.divide(db, nb * qn_b, out=np.zeros_like(db), where=nb * qn_b > 0)
        cos_t, both = self._theme_cosines(d, cand, idf2)
        # The theme part only counts when both measures have themes; weights renormalise.
        with_theme = ((self.w_word * cos_w + self.w_bigram * cos_b + self.w_theme * cos_t)
                      / (self.w_word + self.w_bigram + self.w_theme))
        without = (self.w_word * cos_w + self.w_bigram * cos_b) / (self.w_word + self.w_bigram)
        scores = np.where(both, with_theme, without).tolist()
        return [(scores[j], i, _METHODS[bool(both[j])]) for j, i in enumerate(cand.tolist())]

    def _theme_cosines(self, d: _Doc, cand: np.ndarray, idf2: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Cosine of IDF-weighted theme sets of ``d`` with each candidate, all at once."""
        n = len(cand)
        lens = self._flat()["t"][1][cand]
        both = (lens > 0) & (len(d.t_terms) > 0)
        if not both.any():
            return np.zeros(n), both
        terms, _, owner = self._gather("t", cand)
        w = idf2[terms]
        pos = np.minimum(np.searchsorted(d.t_terms, terms), len(d.t_terms) - 1)
        common = np.bincount(owner, weights=np.where(d.t_terms[pos] == terms, w, 0.0), minlength=n)
        norm_c = np.sqrt(np.bincount(owner, weights=w, minlength=n))
        norm_q = math.sqrt(float(idf2[d.t_terms].sum()))
        denom = norm_c * norm_q
        cos = np.divide(common, denom, out=np.zeros(n), where=denom > 0)
        return cos, both

    def shared_terms(self, a: str, b: str, limit: int = 8) -> list[str]:
        """Words two measures share, most telling first; bigrams only fill up when words run out."""
        da, db_ = self._docs[self._index_of[a]], self._docs[self._index_of[b]]
        assert da is not None and db_ is not None
        return self._shared(da, db_, limit)

    def _shared(self, da: _Doc, db_: _Doc, limit: int = 8) -> list[str]:
        idf2 = self._idf_sq()
        picked: list[str] = []
        for t_a, f_a, t_b, f_b, is_bigram in ((da.w_terms, da.w_tf, db_.w_terms, db_.w_tf, False),
                                               (da.b_terms, da.b_tf, db_.b_terms, db_.b_tf, True)):
            if not len(t_a) or not len(t_b):
                continue
            # Both sorted and unique: a lookup of one in the other is np.intersect1d at a fifth the cost.
            pos = np.minimum(np.searchsorted(t_b, t_a), len(t_b) - 1)
            ia = np.flatnonzero(t_b[pos] == t_a)
            if not len(ia):
                continue
            ib = pos[ia]
            common = t_a[ia]
            # IDF-weighted: words every measure uses sort last and rarely make the cut.
            weight = f_a[ia] * f_b[ib] * idf2[common]
            for k in np.argsort(-weight, kind="stable").tolist():
                term = self._terms[int(common[k])]
                if is_bigram:
                    term = term[len(BIGRAM_PREFIX):]
                if any(term in p for p in picked):
                    continue  # a part of a term already shown says nothing new
                longer_of = [j for j, p in enumerate(picked) if p in term]
                if longer_of:  # 专利权 then 专利权质押: show the fuller name in the first one's place
                    picked[longer_of[0]] = term
                    for j in reversed(longer_of[1:]):
                        del picked[j]
                    continue
                picked.append(term)
                if len(picked) >= limit:
                    return picked
            if len(picked) >= 3:  # enough real words; bigrams would only add noise
                return picked
        return picked

    def _reset_stats(self) -> None:
        self.stats = {"sources": 0, "postings_visited": 0, "scored_pairs": 0}

    def _top_for(self, q: int, p: LinkParams) -> tuple[list[SimilarEdge], list[tuple[float, int, str]]]:
        self.stats["sources"] += 1
        scored = self._score(q, self._candidates(q, p.cross_region))
        good = sorted((s for s in scored if s[0] >= p.min_score),
                      key=lambda s: (-s[0], self._docs[s[1]].id))  # type: ignore[union-attr]
        d = self._docs[q]
        assert d is not None
        edges = [self._edge(d, self._docs[i], score, method)  # type: ignore[arg-type]
                 for score, i, method in good[:p.top_k]]
        return edges, scored

    def _tops(self, ids: list[str], p: LinkParams, skip: set[str], workers: int
              ) -> list[tuple[list[SimilarEdge], list[tuple[float, int, str]]]]:
        """``_top_for`` of each id, in order; the scored candidates keep only those that may
        enter another measure's top-k (at least min_score, not in ``skip``).

        Each result depends only on the index as it stands, so many sources are computed in
        forked workers that share the index copy-on-write and send back small edge lists.
        """
        workers = workers_for(len(ids), workers, PARALLEL_MIN_SOURCES)
        if workers < 2:
            return [self._keep_scored(self._top_for(self._index_of[mid], p), p, skip) for mid in ids]
        self._refresh_all_norms()  # once here, not again in every worker
        self._idf_sq()
        self._flat()
        chunks = [ids[i::workers] for i in range(workers)]
        global _FORKED
        _FORKED = (self, p, skip)
        try:
            with fork_pool(workers) as pool:
                parts = pool.map(_tops_in_worker, chunks)
        finally:
            _FORKED = None
        results: dict[str, tuple[list[SimilarEdge], list[tuple[float, int, str]]]] = {}
        for chunk, (tops, stats) in zip(chunks, parts):
            results.update(zip(chunk, tops))
            for key, value in stats.items():
                self.stats[key] += value
        return [results[mid] for mid in ids]

    def _keep_scored(self, top: tuple[list[SimilarEdge], list[tuple[float, int, str]]], p: LinkParams,
                     skip: set[str]) -> tuple[list[SimilarEdge], list[tuple[float, int, str]]]:
        edges, scored = top
        return edges, [s for s in scored
                       if s[0] >= p.min_score and self._docs[s[1]].id not in skip]  # type: ignore[union-attr]

    def _edge(self, a: _Doc, b: _Doc, score: float, method: str) -> SimilarEdge:
        return SimilarEdge(a.id, b.id, round(score, 4), method, tuple(self._shared(a, b)))

    # ------------------------------------------------------------------ public linking
    def link(self, ids: Iterable[str] | None = None, top_k: int | None = None,
             cross_region: bool | None = None, min_score: float | None = None,
             workers: int = 1) -> list[SimilarEdge]:
        """Top-k similar measures of ``ids`` (default: every measure), best first per source.

        ``workers``: processes to fork for a large batch (0: one per core); the edges are the same.
        """
        p = LinkParams(top_k if top_k is not None else self.params.top_k,
                       cross_region if cross_region is not None else self.params.cross_region,
                       min_score if min_score is not None else self.params.min_score)
        full = ids is None
        self._reset_stats()
        self._compact_if_needed()
        if full:
            self.params = p
            self._refresh_all_norms()
        targets = list(self._index_of) if ids is None else [i for i in ids if i in self._index_of]
        out: list[SimilarEdge] = []
        for mid, (edges, _) in zip(targets, self._tops(targets, p, set(), workers)):
            if p == self.params:
                self._edges[mid] = edges
            out.extend(edges)
        if full:
            self._pending.clear()
            self._stale.clear()
        return out

    def edges_of(self, measure_id: str) -> list[SimilarEdge]:
        return list(self._edges.get(measure_id, []))

    def relink_changed(self, new_ids: Iterable[str] | None = None, workers: int = 1) -> Relink:
        """Edges for new/changed measures and for old measures whose top-k they change.

        ``new_ids`` defaults to every measure added since the last link; ids whose
        content did not change since they were linked are skipped, so passing every
        id of a re-ingested document costs nothing. Uses the parameters of the last
        full ``link()``. ``workers`` as in ``link``.
        """
        p = self.params
        self._reset_stats()
        self._compact_if_needed()
        # An id counts as new when its content changed since it was last linked, or it never was.
        asked = self._pending if new_ids is None else set(new_ids)
        new = {i for i in asked if i in self._index_of and (i in self._pending or i not in self._edges)}
        # Sources pointing at a replaced or removed measure must be recomputed from scratch.
        redo = {src for src, es in self._edges.items()
                if src not in new and any(e.dst in self._stale for e in es)} if self._stale else set()
        redo &= set(self._index_of)
        replace: set[str] = set(new) | redo
        sources = sorted(new | redo)
        for mid, (edges, scored) in zip(sources, self._tops(sources, p, new | redo, workers)):
            self._edges[mid] = edges
            if mid not in new:
                continue
            q = self._docs[self._index_of[mid]]
            assert q is not None
            # Scores are symmetric: a new measure enters an old one's top-k exactly
            # when it beats that list's weakest edge (or the list is not full).
            for score, i, method in scored:
                other = self._docs[i]
                assert other is not None
                if other.id in new or other.id in redo or score < p.min_score:
                    continue
                cur = [e for e in self._edges.get(other.id, []) if e.dst != mid]
                if len(cur) >= p.top_k and score <= cur[-1].score:
                    continue
                cur.append(self._edge(other, q, score, method))
                cur.sort(key=lambda e: (-e.score, e.dst))
                self._edges[other.id] = cur[:p.top_k]
                replace.add(other.id)
        for mid in self._stale:
            if mid not in self._index_of:
                replace.add(mid)  # removed: its own edges go too
        self._pending -= new
        self._stale.clear()
        edges = [e for src in sorted(replace) for e in self._edges.get(src, [])]
        return Relink(edges, replace)

    # ------------------------------------------------------------------ persistence
    def save(self, path: str | Path) -> None:
        save_index(path, FORMAT_VERSION, {"index": self})

    @classmethod
    def load(cls, path: str | Path) -> SimilarityIndex:
        index = load_index(path, FORMAT_VERSION, "similarity index")["index"]
        if index.tokenizer_signature != tokenizer_signature():
            # Old vectors were cut with another dictionary; they still work, but new and old
            # measures are tokenised differently until the index is rebuilt from scratch.
            log.warning("%s was built with a different tokenizer (user dictionary changed); "
                        "rebuild it for consistent scores", path)
        return index

    def is_current(self) -> bool:
        """False when the tokenizer (user dictionary) changed since this index was built."""
        return self.tokenizer_signature == tokenizer_signature()


_FORKED: tuple[SimilarityIndex, LinkParams, set[str]] | None = None


def _tops_in_worker(ids: list[str]):
    assert _FORKED is not None
    index, p, skip = _FORKED
    index._reset_stats()
    tops = [index._keep_scored(index._top_for(index._index_of[mid], p), p, skip) for mid in ids]
    return tops, index.stats


# ---------------------------------------------------------------------- evaluation
def _stem(doc: str) -> str:
    return Path(str(doc)).name


_LABEL_PUNCT = re.compile(r"[()（）.．、\s]")


def _label_key(label: str) -> str:
    """"(九)", "（九）" and "九、" name the same label; so do "12." and "12"."""
    return _LABEL_PUNCT.sub("", label)


def resolve_pair_side(side: Mapping[str, str], measures: Sequence[Mapping[str, Any]]) -> set[str]:
    """Ids of measures matching {doc: file-stem prefix, match: label or title/text substring}."""
    prefix = str(side.get("doc", ""))
    match = str(side.get("match", ""))
    out = set()
    for m in measures:
        if not _stem(m.get("document", "")).startswith(prefix):
            continue
        label = _label_key(str(m.get("label") or ""))
        if match and ((label and _label_key(match) == label) or match in str(m.get("title") or "")):
            out.add(str(m["id"]))
    return out


def evaluate_pairs(edges: Sequence[SimilarEdge], measures: Sequence[Mapping[str, Any]],
                   pairs: Mapping[str, Any] | Sequence[Mapping[str, Any]], k: int = 5) -> dict[str, Any]:
    """How well ``edges`` recover a researcher's expected pairs.

    ``pairs`` is the content of data/similar_pairs.yaml: ``similar`` and
    ``dissimilar`` lists of {a: side, b: side}. A pair is found when either side
    lists the other among its top-k edges (both directions count: the graph shows
    the link from either measure's page).
    """
    if not isinstance(pairs, Mapping):
        pairs = {"similar": list(pairs), "dissimilar": []}
    by_src: dict[str, list[SimilarEdge]] = {}
    for e in edges:
        by_src.setdefault(e.src, []).append(e)
    for lst in by_src.values():
        lst.sort(key=lambda e: -e.score)

    def rank(a_ids: set[str], b_ids: set[str]) -> int | None:
        best = None
        for x, ys in ((a_ids, b_ids), (b_ids, a_ids)):
            for src in x:
                for r, e in enumerate(by_src.get(src, [])[:k], 1):
                    if e.dst in ys and (best is None or r < best):
                        best = r
        return best

    def run(kind: str) -> list[dict[str, Any]]:
        rows = []
        for pair in pairs.get(kind) or []:
            a_ids = resolve_pair_side(pair["a"], measures)
            b_ids = resolve_pair_side(pair["b"], measures)
            rows.append({"a": pair["a"], "b": pair["b"], "resolved": bool(a_ids and b_ids),
                         "rank": rank(a_ids, b_ids) if a_ids and b_ids else None,
                         "note": pair.get("note", "")})
        return rows

    sim, dis = run("similar"), run("dissimilar")
    sim_ok = [r for r in sim if r["resolved"]]
    dis_ok = [r for r in dis if r["resolved"]]
    hits = [r for r in sim_ok if r["rank"] is not None]
    return {
        "k": k,
        "similar_total": len(sim),
        "similar_resolved": len(sim_ok),
        "recall_at_k": len(hits) / len(sim_ok) if sim_ok else 0.0,
        "recall_at_1": sum(1 for r in hits if r["rank"] == 1) / len(sim_ok) if sim_ok else 0.0,
        "mrr": sum(1.0 / r["rank"] for r in hits) / len(sim_ok) if sim_ok else 0.0,
        "dissimilar_resolved": len(dis_ok),
        "dissimilar_linked_rate": (sum(1 for r in dis_ok if r["rank"] is not None) / len(dis_ok)
                                   if dis_ok else 0.0),
        "unresolved": [(r["a"], r["b"]) for r in sim + dis if not r["resolved"]],
        "similar": sim,
        "dissimilar": dis,
    }
