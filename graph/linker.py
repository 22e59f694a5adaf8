"""Similar-to links between policy measures: TF-IDF and sparse_dot_topn top-n products.

Score of a pair = cosine of one vector per measure made of three L2-normalised TF-IDF blocks
(scikit-learn's ``TfidfTransformer``, sublinear tf, smoothed idf), each scaled by the square root
of its weight, so the cosine is the weighted blend of
  * the cosine of word vectors            ("tfidf", weight 0.6)
  * the cosine of character-bigram vectors ("bigram", 0.25; bigrams of words jieba does not know)
  * the cosine of theme sets               ("theme", 0.1; only when both have themes)
The title is counted ``title_boost`` extra times (it names the practice); agency lines and
trailers are removed (two measures led by the same bureau are not alike for that reason).

The top matches of every source come from ``sparse_dot_topn`` (a C++ sparse product that keeps
the best ``top_n`` per row above a threshold, on ``workers`` threads), and only other regions'
measures are kept. Measured against the hand-written inverted-index linker this replaced
(bench/linker_peer.py): the same recall on the similar-pair gold, a higher MRR, and less time.

That product is exact, and its work is the sum over terms of (measures holding the term)^2: it
grows with the square of the corpus wherever the vocabulary stops growing (on the benchmark's
synthetic corpus, 16 s at 25k measures and 200 s at 100k). When a link would cost more than
``exact_work_max`` of it, each source is instead scored against the members of its nearest
clusters (spherical k-means over the vectors, clusters of ~50 measures, every measure a member
of its 4 nearest): 7 s at 25k and 44 s at 100k, keeping 97 % and 95 % of the exact top-5 edges,
98 % of them within 0.01 of the exact list's weakest score. Small corpora and uploads stay exact.

Incremental use: ``add`` new measures, then ``relink_changed`` scores only the new rows against
the corpus and returns the edges of the new measures and the complete new edge lists of every old
measure whose top-k they enter, plus the set of source ids whose stored edges must be replaced.
IDF moves as documents arrive; edges kept from earlier runs keep the score they had, so an
occasional full ``link()`` re-levels everything.

Saved as one ``.npz`` (the count matrices as CSR arrays, everything else as one JSON document),
loaded with ``allow_pickle=False``; written to a temporary file, synced and renamed.
"""
from __future__ import annotations

import hashlib
import importlib
import json
import logging
import os
import re
import threading
import zipfile
import zlib
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from itertools import chain
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import orjson
from scipy import sparse

from graph.tokenize import BIGRAM_PREFIX, tokenizer_signature, words_and_bigrams

FORMAT_VERSION = 2  # 2: npz + JSON (1 was a pickled inverted index)
THEME_PREFIX = "@"
KINDS = ("word", "bigram", "theme")
log = logging.getLogger(__name__)
# Kept for callers that size their work by it: sources above this many may use every core (threads).
PARALLEL_MIN_SOURCES = 4000
CANDIDATE_FLOOR = 0.01  # a pair scoring less on the candidate terms is not scored in full
RESCORE_CHUNK = 20_000  # candidate pairs rescored at a time
# Above this much work in the candidate product (the sum, over the sources' candidate terms, of
# how many measures hold each term: ~3 ns each, so about a second) sources are searched in
# clusters instead: the product's work grows with the square of the corpus, the clusters' linearly.
EXACT_WORK_MAX = 300_000_000
CLUSTER_SIZE = 50  # measures per cluster, on average
CLUSTER_PROBES = 4  # a measure belongs to its 4 nearest clusters, and is scored against their members
CLUSTER_ROUNDS = 3  # rounds of spherical k-means ...
CLUSTER_SAMPLE = 10  # ... on a sample of 10 measures per cluster
CENTROID_TERMS = 32  # a cluster's centre keeps its heaviest terms only, so products with it stay sparse
CLUSTER_SOURCES_CHUNK = 20_000  # sources whose candidates are merged at a time (bounds the memory)

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
class LinkParams:
    top_k: int = 5
    cross_region: bool = True
    min_score: float = 0.08


def _fingerprint(m: Mapping[str, Any]) -> str:
    themes = sorted(str(t) for t in (m.get("themes") or ()))
    blob = "\x1f".join([str(m.get("region") or ""), str(m.get("title") or ""), str(m.get("text") or ""),
                        *themes])
    return hashlib.blake2b(blob.encode("utf-8"), digest_size=12).hexdigest()


class _Clusters(NamedTuple):
    count: int
    near: np.ndarray  # row -> its nearest clusters, best first (-1: none; dead rows have none)
    members: np.ndarray  # rows, cluster by cluster
    bounds: np.ndarray  # cluster c's members are members[bounds[c]:bounds[c + 1]]


@dataclass
class _Vectors:
    """The unit vectors at one version of the index, and what candidate search derives from them."""
    version: int
    x: sparse.csr_matrix  # every row's vector (dead rows empty)
    themed: np.ndarray  # which rows have themes
    candidates: sparse.csr_matrix  # x without the frequent terms: the candidate product's input
    frequent: sparse.csr_matrix  # x on the frequent terms only
    df: np.ndarray  # per column, how many rows hold it (0 for the frequent terms)
    live: np.ndarray  # the live rows
    clusters: _Clusters | None = None  # made on the first clustered search


class _Block:
    """One token kind: its vocabulary and the raw counts of every row (measure) ever added."""

    def __init__(self) -> None:
        self.vocab: dict[str, int] = {}
        self.terms: list[str] = []
        self._chunks: list[sparse.csr_matrix] = []
        self._rows: list[tuple[list[int], list[int]]] = []  # rows added since the last matrix()
        self._matrix: sparse.csr_matrix | None = None

    def add_row(self, tokens: Sequence[str]) -> None:
        counts = Counter(tokens)
        vocab, known = self.vocab, len(self.vocab)
        ids = [vocab.setdefault(t, len(vocab)) for t in counts]  # a new term: the next number
        if len(vocab) > known:
            self.terms.extend(t for t, i in zip(counts, ids) if i >= known)
        self._rows.append((ids, list(counts.values())))

    def matrix(self) -> sparse.csr_matrix:
        """Counts, rows x the whole vocabulary (earlier chunks widened as the vocabulary grew)."""
        if self._rows:
            indptr = np.cumsum([0] + [len(ids) for ids, _ in self._rows])
            indices = np.fromiter(chain.from_iterable(ids for ids, _ in self._rows), dtype=np.int32, count=indptr[-1])
            data = np.fromiter(chain.from_iterable(cs for _, cs in self._rows), dtype=np.float32, count=indptr[-1])
            self._chunks.append(sparse.csr_matrix((data, indices, indptr), shape=(len(self._rows), len(self.terms))))
            self._rows = []
            self._matrix = None
        if self._matrix is None or self._matrix.shape[1] != len(self.terms):
            width = len(self.terms)
            chunks = [sparse.csr_matrix((c.data, c.indices, c.indptr), shape=(c.shape[0], width))
                      for c in self._chunks]
            self._matrix = sparse.vstack(chunks, format="csr") if chunks else sparse.csr_matrix((0, width))
            self._chunks = [self._matrix]
        return self._matrix

    def to_arrays(self, prefix: str) -> dict[str, np.ndarray]:
        m = self.matrix()
        return {f"{prefix}_data": m.data, f"{prefix}_indices": m.indices, f"{prefix}_indptr": m.indptr}

    @classmethod
    def from_arrays(cls, arrays: Mapping[str, np.ndarray], prefix: str, terms: list[str], rows: int) -> _Block:
        block = cls()
        block.terms = terms
        block.vocab = {t: i for i, t in enumerate(terms)}
        block._matrix = sparse.csr_matrix((arrays[f"{prefix}_data"], arrays[f"{prefix}_indices"],
                                           arrays[f"{prefix}_indptr"]), shape=(rows, len(terms)))
        block._chunks = [block._matrix]
        return block


@dataclass
class SimilarityIndex:
    """TF-IDF vectors of every measure and the last computed top-k per source; see the module doc."""

    w_word: float = 0.6
    w_bigram: float = 0.25
    w_theme: float = 0.1
    title_boost: int = 2  # the title is counted this many extra times: it names the practice
    pool: int = 40  # candidates per source, fully scored, before same-region ones are dropped
    max_df_ratio: float = 0.2  # terms in more measures than this share do not generate candidates
    min_df_cap: int = 20  # ... but on a small corpus never cap below this many measures
    exact_work_max: int = EXACT_WORK_MAX  # more candidate-product work than this: search in clusters
    params: LinkParams = field(default_factory=LinkParams)

    def __post_init__(self) -> None:
        self._ids: list[str] = []  # row -> measure id (rows of replaced or removed measures stay, dead)
        self._row_of: dict[str, int] = {}  # measure id -> its live row
        self._fingerprints: dict[str, str] = {}
        self._region_names: list[str] = []
        self._region_code: dict[str, int] = {}
        self._row_region: list[int] = []
        self._alive: list[bool] = []
        self._blocks = {kind: _Block() for kind in KINDS}
        self._edges: dict[str, list[SimilarEdge]] = {}  # last computed top-k per source
        self._pending: set[str] = set()  # added since the last link/relink
        self._stale: set[str] = set()  # replaced or removed: edges pointing at them are wrong
        self._vectors: _Vectors | None = None
        self._version = 0
        self._shown_cache: tuple[tuple[int, int], list[str]] = ((0, 0), [])  # see _shown_terms
        self.tokenizer_signature = tokenizer_signature()
        # Work done by the last link/relink: how many pairs the sparse product kept.
        self.stats = {"sources": 0, "scored_pairs": 0, "search": None}

    # ------------------------------------------------------------------ building
    def __len__(self) -> int:
        return len(self._row_of)

    def __contains__(self, measure_id: str) -> bool:
        return measure_id in self._row_of

    def add(self, measures: Iterable[Mapping[str, Any]]) -> list[str]:
        """Index measures ({id, region, title, text, themes}); returns the ids (re)indexed.

        An existing id with changed content is replaced; one with identical content is
        left alone, so re-ingesting a document relinks nothing.
        """
        added = []
        boost = self.title_boost
        for m in measures:
            mid = str(m["id"])
            fp = _fingerprint(m)
            if mid in self._row_of:
                if self._fingerprints.get(mid) == fp:
                    continue
                self._alive[self._row_of.pop(mid)] = False
                self._stale.add(mid)
            w_title, b_title = words_and_bigrams(str(m.get("title") or ""))
            w_text, b_text = words_and_bigrams(content_text(str(m.get("text") or "")))
            self._blocks["word"].add_row(w_text + w_title * boost)
            self._blocks["bigram"].add_row(b_text + b_title * boost)
            self._blocks["theme"].add_row(sorted({THEME_PREFIX + str(t) for t in m.get("themes") or ()}))
            region = str(m.get("region") or "")
            code = self._region_code.setdefault(region, len(self._region_names))
            if code == len(self._region_names):
                self._region_names.append(region)
            self._row_of[mid] = len(self._ids)
            self._ids.append(mid)
            self._row_region.append(code)
            self._alive.append(True)
            self._fingerprints[mid] = fp
            self._pending.add(mid)
            added.append(mid)
        if added:
            self._version += 1
        return added

    def remove(self, ids: Iterable[str]) -> list[str]:
        gone = [i for i in ids if i in self._row_of]
        for mid in gone:
            self._alive[self._row_of.pop(mid)] = False
            self._stale.add(mid)
            self._pending.discard(mid)
            self._edges.pop(mid, None)
            self._fingerprints.pop(mid, None)
        if gone:
            self._version += 1
        return gone

    # ------------------------------------------------------------------ vectors
    def _matrix(self) -> tuple[sparse.csr_matrix, np.ndarray]:
        """Unit vectors of every row (dead rows zero) at the current IDF, and which rows have themes."""
        if self._vectors is not None and self._vectors.version == self._version:
            return self._vectors.x, self._vectors.themed
        # scikit-learn's weighting, not a copy of it: its import (~1.7 s of CPU, once per ingest process)
        # is the price of a maintained, documented TF-IDF (issue 18; the card prefers the library)
        from sklearn.feature_extraction.text import TfidfTransformer
        from sklearn.preprocessing import normalize

        alive = np.asarray(self._alive, dtype=bool)
        live = np.flatnonzero(alive)
        parts = []
        for kind, weight in zip(KINDS, (self.w_word, self.w_bigram, self.w_theme)):
            counts = self._blocks[kind].matrix()
            block = sparse.csr_matrix(counts.shape, dtype=np.float32)
            if len(live) and counts.shape[1]:
                tfidf = TfidfTransformer(sublinear_tf=True).fit_transform(counts[live]).astype(np.float32)
                block = sparse.csr_matrix((len(alive), counts.shape[1]), dtype=np.float32)
                block = _scatter_rows(tfidf.tocsr(), live, len(alive))
            parts.append(block * np.float32(np.sqrt(weight)))
        themed = np.diff(self._blocks["theme"].matrix().indptr) > 0
        x = normalize(sparse.hstack(parts, format="csr"), copy=False).astype(np.float32)
        # Candidates come from the product of vectors without the terms most measures share:
        # they add little to a cosine (low idf) but make the product quadratic in the corpus.
        df = np.bincount(x.indices, minlength=x.shape[1])
        cap = max(self.min_df_cap, int(self.max_df_ratio * len(live)))
        rare = (df <= cap).astype(np.float32)
        candidates = (x @ sparse.diags(rare)).tocsr()
        candidates.eliminate_zeros()
        frequent = (x @ sparse.diags(1 - rare)).tocsr()
        frequent.eliminate_zeros()
        self._vectors = _Vectors(self._version, x, themed, candidates, frequent, df * rare.astype(np.int64), live)
        return x, themed

    # ------------------------------------------------------------------ linking
    def _tops(self, sources: list[str], p: LinkParams, skip: set[str], workers: int
              ) -> dict[str, list[tuple[float, int]]]:
        """(score, row) of each source's best matches above ``p.min_score``, best first, other
        regions only when ``p.cross_region``; rows of ``skip`` left out (their own lists follow)."""
        if not sources:
            return {}
        self._matrix()
        v = self._vectors
        rows = np.fromiter((self._row_of[s] for s in sources), dtype=np.int64, count=len(sources))
        top = max(self.pool if p.cross_region else p.top_k + 1, p.top_k + 1)
        threads = _threads(workers, len(sources))
        exactly = int(v.df[v.candidates[rows].indices].sum()) <= self.exact_work_max
        scored = self._scored_exactly if exactly else self._scored_in_clusters
        bounds, columns, exact = scored(rows, top, threads)
        self.stats = {"sources": len(sources), "scored_pairs": len(columns),
                      "search": "exact" if exactly else "clusters"}
        region = self._row_region
        skip_rows = {self._row_of[s] for s in skip if s in self._row_of}
        out: dict[str, list[tuple[float, int]]] = {}
        # (-score, row) tuples sort best first, ties by row, without a key function per candidate
        negated = [-round(score, 4) for score in exact.tolist()]
        columns, bounds, own = columns.tolist(), bounds.tolist(), rows.tolist()
        for i, src_id in enumerate(sources):
            a, b = bounds[i], bounds[i + 1]
            me = own[i]
            out[src_id] = [(-neg, j) for neg, j in sorted(zip(negated[a:b], columns[a:b]))
                           if -neg >= p.min_score and j != me and j not in skip_rows
                           and (not p.cross_region or region[j] != region[me])]
        return out

    def _scored_exactly(self, rows: np.ndarray, top: int, threads: int
                        ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The best ``top`` matches of each source row among all rows: (row bounds, columns, scores).
        The sparse product on the candidate terms finds them; each is then scored on the whole
        vectors (its score on the candidate terms plus the dot product on the frequent terms, a
        few thousand pairs at a time to bound the memory)."""
        from sparse_dot_topn import sp_matmul_topn

        v = self._vectors
        product = sp_matmul_topn(v.candidates[rows], v.candidates.T.tocsr(), top_n=top,
                                 threshold=CANDIDATE_FLOOR, n_threads=threads).tocsr()
        src = rows[np.repeat(np.arange(len(rows)), np.diff(product.indptr))]
        exact = product.data.astype(np.float64)
        for a in range(0, len(src), RESCORE_CHUNK):
            b = min(a + RESCORE_CHUNK, len(src))
            both = v.frequent[src[a:b]].multiply(v.frequent[product.indices[a:b]])
            exact[a:b] += np.asarray(both.sum(axis=1)).ravel()
        return product.indptr, product.indices, exact

    def _scored_in_clusters(self, rows: np.ndarray, top: int, threads: int
                            ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """As ``_scored_exactly``, but each source is scored (on the whole vectors) only against the
        members of its nearest clusters: linear in the corpus where the product is quadratic, at
        the price of a few of the best matches (on the benchmark's 25k-measure corpus, 97 % of the
        exact top 5). A source no cluster is near (no term in common with any centre) is scored
        against everything."""
        from sparse_dot_topn import sp_matmul_topn

        v = self._vectors
        clusters = v.clusters if v.clusters is not None else self._cluster(threads)
        near = clusters.near[rows]
        got_s, got_d, got_v = [], [], []
        lone = np.flatnonzero(near[:, 0] < 0)
        if len(lone):
            bounds, columns, scores = self._scored_exactly(rows[lone], top, threads)
            got_s.append(lone[np.repeat(np.arange(len(lone)), np.diff(bounds))])
            got_d.append(columns)
            got_v.append(scores)
        for a in range(0, len(rows), CLUSTER_SOURCES_CHUNK):
            b = min(a + CLUSTER_SOURCES_CHUNK, len(rows))
            source = np.repeat(np.arange(a, b), near.shape[1])
            cluster = near[a:b].ravel()
            source, cluster = source[cluster >= 0], cluster[cluster >= 0]
            order = np.argsort(cluster, kind="stable")
            source, cluster = source[order], cluster[order]
            starts = np.searchsorted(cluster, np.arange(clusters.count + 1))
            found_s, found_d, found_v = [], [], []
            for c in np.flatnonzero(np.diff(starts)).tolist():
                members = clusters.members[clusters.bounds[c]:clusters.bounds[c + 1]]
                asking = source[starts[c]:starts[c + 1]]
                product = sp_matmul_topn(v.x[rows[asking]], v.x[members].T.tocsr(), top_n=top,
                                         threshold=CANDIDATE_FLOOR, n_threads=threads).tocsr()
                found_s.append(asking[np.repeat(np.arange(len(asking)), np.diff(product.indptr))])
                found_d.append(members[product.indices])
                found_v.append(product.data)
            if found_s:
                kept = _best_per_source(np.concatenate(found_s), np.concatenate(found_d), np.concatenate(found_v), top)
                for got, part in zip((got_s, got_d, got_v), kept):
                    got.append(part)
        if not got_s:
            return np.zeros(len(rows) + 1, dtype=np.int64), np.zeros(0, dtype=np.int64), np.zeros(0)
        s_all, d_all, v_all = (np.concatenate(g) for g in (got_s, got_d, got_v))
        order = np.argsort(s_all, kind="stable")
        bounds = np.searchsorted(s_all[order], np.arange(len(rows) + 1))
        return bounds, d_all[order], v_all[order].astype(np.float64)

    def _cluster(self, threads: int) -> _Clusters:
        """Spherical k-means over the live rows (seeded: the same corpus gives the same clusters),
        then every row's nearest centres, best first. Kept with the vectors: a full link and a
        relink of the same corpus use the same clusters."""
        from sparse_dot_topn import sp_matmul_topn

        v = self._vectors
        live = v.live
        xl = v.x[live]
        count = max(1, round(len(live) / CLUSTER_SIZE))
        centres = _kmeans(xl, count, np.random.default_rng(0), threads)
        nearest = sp_matmul_topn(xl, centres.T.tocsr(), top_n=CLUSTER_PROBES, sort=True, n_threads=threads).tocsr()
        near = np.full((v.x.shape[0], CLUSTER_PROBES), -1, dtype=np.int64)
        lengths = np.diff(nearest.indptr)
        rank = np.arange(nearest.nnz) - np.repeat(nearest.indptr[:-1], lengths)
        near[np.repeat(live, lengths), rank] = nearest.indices
        order = np.argsort(nearest.indices, kind="stable")
        members, cluster = np.repeat(live, lengths)[order], nearest.indices[order]
        v.clusters = _Clusters(count, near, members, np.searchsorted(cluster, np.arange(count + 1)))
        return v.clusters

    def _edges_of_pairs(self, pairs: Sequence[tuple[int, int, float]]) -> list[SimilarEdge]:
        """The edges of (row, row, score) pairs, with the words each pair shares."""
        themed = self._matrix()[1]
        shared = self._shared_of_pairs(np.fromiter((a for a, _, _ in pairs), dtype=np.int64, count=len(pairs)),
                                       np.fromiter((b for _, b, _ in pairs), dtype=np.int64, count=len(pairs)))
        return [SimilarEdge(self._ids[a], self._ids[b], score,
                            "tfidf+bigram+theme" if themed[a] and themed[b] else "tfidf+bigram", tuple(terms))
                for (a, b, score), terms in zip(pairs, shared)]

    def _shared_of_pairs(self, a: np.ndarray, b: np.ndarray) -> list[list[str]]:
        """Each pair's shared columns, heaviest (tf-idf product) first, ties by column: one sparse
        product and one sort for every pair at once (per pair, numpy's set and sort calls cost
        more than the arithmetic: a third of the linker's time at 10k measures)."""
        x, _ = self._matrix()
        if not len(a):
            return []
        terms, words = self._shown_terms()
        both = x[a].multiply(x[b]).tocsr()
        both.sort_indices()
        row = np.repeat(np.arange(len(a)), np.diff(both.indptr))
        order = _by_row_heaviest_first(row, both.data, both.indices)
        cols, row = both.indices[order], row[order]
        # words and bigrams apart (theme columns, past the terms, dropped), each in the same order
        is_word, is_bigram = cols < words, (cols >= words) & (cols < len(terms))
        word_cols, bigram_cols = cols[is_word].tolist(), cols[is_bigram].tolist()
        word_bounds = np.searchsorted(row[is_word], np.arange(len(a) + 1)).tolist()
        bigram_bounds = np.searchsorted(row[is_bigram], np.arange(len(a) + 1)).tolist()
        return [self._shared(terms, word_cols[word_bounds[k]:word_bounds[k + 1]],
                             bigram_cols[bigram_bounds[k]:bigram_bounds[k + 1]]) for k in range(len(a))]

    @staticmethod
    def _shared(terms: list[str], word_cols: list[int], bigram_cols: list[int], limit: int = 8) -> list[str]:
        """The terms of the columns (both measures' words, then bigrams, heaviest first) to show;
        a term inside one already shown is left out, a longer one takes its place; bigrams only
        when fewer than 3 words."""
        picked: list[str] = []
        shown = ""  # the picked terms joined by NUL: "inside one already shown" is one substring test
        for cols in (word_cols, bigram_cols):
            for j in cols:
                term = terms[j]
                if term in shown:
                    continue  # a part of a term already shown says nothing new
                longer_of = [k for k, p in enumerate(picked) if p in term]
                if longer_of:  # 专利权 then 专利权质押: show the fuller name in the first one's place
                    picked[longer_of[0]] = term
                    for k in reversed(longer_of[1:]):
                        del picked[k]
                else:
                    picked.append(term)
                    if len(picked) >= limit:
                        return picked
                shown = "\0".join(picked)
            if len(picked) >= 3:  # enough real words; bigrams would only add noise
                return picked
        return picked

    def _shown_terms(self) -> tuple[list[str], int]:
        """Every word, then every bigram without its prefix, as columns number them; and how many
        words there are."""
        words, bigrams = self._blocks["word"].terms, self._blocks["bigram"].terms
        key = (len(words), len(bigrams))
        if self._shown_cache[0] != key:
            self._shown_cache = (key, words + [b[len(BIGRAM_PREFIX):] for b in bigrams])
        return self._shown_cache[1], len(words)

    def _lists(self, tops: dict[str, list[tuple[float, int]]], p: LinkParams) -> dict[str, list[SimilarEdge]]:
        pairs = [(self._row_of[src], j, s) for src, scored in tops.items() for s, j in scored[:p.top_k]]
        edges = iter(self._edges_of_pairs(pairs))
        return {src: [next(edges) for _ in scored[:p.top_k]] for src, scored in tops.items()}

    def link(self, ids: Iterable[str] | None = None, top_k: int | None = None,
             cross_region: bool | None = None, min_score: float | None = None,
             workers: int = 1) -> list[SimilarEdge]:
        """Top-k similar measures of ``ids`` (default: every measure), best first per source.

        ``workers``: threads for the sparse product (0: one per core); the edges are the same.
        """
        p = LinkParams(top_k if top_k is not None else self.params.top_k,
                       cross_region if cross_region is not None else self.params.cross_region,
                       min_score if min_score is not None else self.params.min_score)
        full = ids is None
        if full:
            self.params = p
        targets = list(self._row_of) if ids is None else [i for i in ids if i in self._row_of]
        lists = self._lists(self._tops(targets, p, set(), workers), p)
        out: list[SimilarEdge] = []
        for mid in targets:
            if p == self.params:
                self._edges[mid] = lists[mid]
            out.extend(lists[mid])
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
        full ``link()``. Only the new rows are multiplied with the corpus.
        """
        p = self.params
        asked = self._pending if new_ids is None else set(new_ids)
        new = {i for i in asked if i in self._row_of and (i in self._pending or i not in self._edges)}
        # Sources pointing at a replaced or removed measure must be recomputed from scratch.
        redo = {src for src, es in self._edges.items()
                if src not in new and any(e.dst in self._stale for e in es)} if self._stale else set()
        redo &= set(self._row_of)
        replace: set[str] = set(new) | redo
        sources = sorted(new | redo)
        tops = self._tops(sources, p, set(), workers)
        for mid, edges in self._lists(tops, p).items():
            self._edges[mid] = edges
        entered: list[tuple[SimilarEdge, int, int]] = []  # (edge, row, row): shared words still to find
        for mid in sorted(new):
            q = self._row_of[mid]
            # Scores are symmetric: a new measure enters an old one's top-k exactly
            # when it beats that list's weakest edge (or the list is not full).
            for score, j in tops[mid]:
                other = self._ids[j]
                if other in new or other in redo:
                    continue
                cur = [e for e in self._edges.get(other, []) if e.dst != mid]
                if len(cur) >= p.top_k and score <= cur[-1].score:
                    continue
                edge = SimilarEdge(other, mid, score, "")
                entered.append((edge, j, q))
                cur.append(edge)
                cur.sort(key=lambda e: (-e.score, e.dst))
                self._edges[other] = cur[:p.top_k]
                replace.add(other)
        if entered:  # the words the entering edges share, for all of them at once
            done = self._edges_of_pairs([(j, q, edge.score) for edge, j, q in entered])
            final = {id(edge): edge_done for (edge, _, _), edge_done in zip(entered, done)}
            for other in {edge.src for edge, _, _ in entered}:
                self._edges[other] = [final.get(id(e), e) for e in self._edges[other]]
        for mid in self._stale:
            if mid not in self._row_of:
                replace.add(mid)  # removed: its own edges go too
        self._pending -= new
        self._stale.clear()
        edges = [e for src in sorted(replace) for e in self._edges.get(src, [])]
        return Relink(edges, replace)

    # ------------------------------------------------------------------ persistence
    def save(self, path: str | Path) -> None:
        """One .npz: CSR arrays of the counts and a JSON document of the rest; temp file, fsync, rename."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        meta = {
            "format": FORMAT_VERSION, "tokenizer_signature": self.tokenizer_signature,
            "weights": [self.w_word, self.w_bigram, self.w_theme], "title_boost": self.title_boost,
            "pool": self.pool, "params": asdict(self.params), "ids": self._ids, "alive": self._alive,
            "row_region": self._row_region, "region_names": self._region_names,
            "fingerprints": self._fingerprints, "pending": sorted(self._pending), "stale": sorted(self._stale),
            "terms": {kind: self._blocks[kind].terms for kind in KINDS},
            "edges": {src: [[e.dst, e.score, e.method, list(e.shared_terms)] for e in es]
                      for src, es in self._edges.items()},
        }
        arrays = {k: v for kind in KINDS for k, v in self._blocks[kind].to_arrays(kind).items()}
        # orjson: a third of the time of json.dumps on a 10k-measure index; json.loads reads it the same
        arrays["meta"] = np.frombuffer(orjson.dumps(meta), dtype=np.uint8)
        tmp = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
        with open(tmp, "wb") as fh:
            np.savez(fh, **arrays)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)

    @classmethod
    def load(cls, path: str | Path) -> SimilarityIndex:
        try:
            with np.load(path, allow_pickle=False) as z:
                arrays = {k: z[k] for k in z.files}
            meta = json.loads(arrays.pop("meta").tobytes().decode("utf-8"))
        except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile, zlib.error) as exc:
            # a half-written or foreign file: the caller rebuilds the index from the graph
            raise ValueError(f"{path}: not a similarity index of format {FORMAT_VERSION}: {exc}") from exc
        if not isinstance(meta, dict) or meta.get("format") != FORMAT_VERSION:
            raise ValueError(f"{path}: not a similarity index of format {FORMAT_VERSION}")
        w_word, w_bigram, w_theme = meta["weights"]
        index = cls(w_word=w_word, w_bigram=w_bigram, w_theme=w_theme, title_boost=meta["title_boost"],
                    pool=meta["pool"], params=LinkParams(**meta["params"]))
        index.tokenizer_signature = meta["tokenizer_signature"]
        index._ids, index._alive, index._row_region = meta["ids"], meta["alive"], meta["row_region"]
        index._region_names = meta["region_names"]
        index._region_code = {r: i for i, r in enumerate(index._region_names)}
        index._row_of = {mid: i for i, mid in enumerate(index._ids) if index._alive[i]}
        index._fingerprints = meta["fingerprints"]
        index._pending, index._stale = set(meta["pending"]), set(meta["stale"])
        index._blocks = {kind: _Block.from_arrays(arrays, kind, meta["terms"][kind], len(index._ids))
                         for kind in KINDS}
        index._edges = {src: [SimilarEdge(src, dst, score, method, tuple(shared)) for dst, score, method, shared in es]
                        for src, es in meta["edges"].items()}
        if index.tokenizer_signature != tokenizer_signature():
            # Old vectors were cut with another dictionary; they still work, but new and old
            # measures are tokenised differently until the index is rebuilt from scratch.
            log.warning("%s was built with a different tokenizer (user dictionary changed); "
                        "rebuild it for consistent scores", path)
        return index

    @staticmethod
    def stored_ids(path: str | Path) -> set[str]:
        """The measures the index file at ``path`` holds, without building the index: every
        member's checksum is read and the description parsed. ValueError: the file cannot be loaded."""
        try:
            with zipfile.ZipFile(path) as z:
                damaged = z.testzip()
                if damaged is not None:
                    raise ValueError(f"member {damaged} is damaged")
                with z.open("meta.npy") as fh:
                    meta = json.loads(np.lib.format.read_array(fh, allow_pickle=False).tobytes().decode("utf-8"))
        except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile, zlib.error) as exc:
            raise ValueError(f"{path}: not a similarity index of format {FORMAT_VERSION}: {exc}") from exc
        if not isinstance(meta, dict) or meta.get("format") != FORMAT_VERSION:
            raise ValueError(f"{path}: not a similarity index of format {FORMAT_VERSION}")
        return {mid for mid, alive in zip(meta["ids"], meta["alive"]) if alive}

    def is_current(self) -> bool:
        """False when the tokenizer (user dictionary) changed since this index was built."""
        return self.tokenizer_signature == tokenizer_signature()


def import_engines() -> None:
    """Import what linking imports on first use (scikit-learn ~1.2 s of CPU with its scipy.stats
    and pandas imports, sparse_dot_topn): a batch ingest does it while its forked workers parse."""
    for name in ("sklearn.feature_extraction.text", "sklearn.preprocessing", "sparse_dot_topn"):
        importlib.import_module(name)


def _by_row_heaviest_first(row: np.ndarray, data: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """The order of entries by row, then weight descending, then column: ``np.lexsort((cols,
    -data, row))``. For float32 weights ≥ 0 (tf-idf products) in CSR order (columns ascending
    in each row) one stable sort of one integer key gives it: such floats order as their bit
    patterns, and the stable sort keeps the columns' order among equal weights (5x faster than
    the three-key lexsort over 2.3 M entries at 10k measures)."""
    bits = data.view(np.int32) if data.dtype == np.float32 else None
    if bits is None or not ((data >= 0) & (bits >= 0)).all():  # NaN, -0.0 or below zero: the general sort
        return np.lexsort((cols, -data, row))
    key = (row.astype(np.int64) << 32) | (0x7FFFFFFF - bits.astype(np.int64))
    return np.argsort(key, kind="stable")


def _kmeans(rows: sparse.csr_matrix, count: int, rng: np.random.Generator, threads: int) -> sparse.csr_matrix:
    """``count`` unit centres of spherical k-means over ``rows`` (unit vectors), fitted on a sample
    of CLUSTER_SAMPLE rows per centre, started from rows picked by ``rng``; each centre keeps its
    CENTROID_TERMS heaviest terms, so products with it stay sparse."""
    from sklearn.preprocessing import normalize
    from sparse_dot_topn import sp_matmul_topn

    n = rows.shape[0]
    sample = rows[np.sort(rng.choice(n, CLUSTER_SAMPLE * count, replace=False))] if n > CLUSTER_SAMPLE * count else rows
    centres = sample[np.sort(rng.choice(sample.shape[0], count, replace=False))]
    for _ in range(CLUSTER_ROUNDS):
        best = sp_matmul_topn(sample, centres.T.tocsr(), top_n=1, n_threads=threads).tocsr()
        placed = np.flatnonzero(np.diff(best.indptr))
        assign = sparse.csr_matrix((np.ones(len(placed), dtype=np.float32), (best.indices, placed)),
                                   shape=(count, sample.shape[0]))
        centres = normalize(_heaviest_per_row((assign @ sample).tocsr(), CENTROID_TERMS)).astype(np.float32)
    return centres


def _best_per_source(source: np.ndarray, dest: np.ndarray, score: np.ndarray, top: int
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each source's ``top`` best (source, dest, score) triples, best first, ties by dest; a pair
    found twice kept once. Sorted on one int64 key at a time (a three-key lexsort took 3x longer):
    (source, dest), then by score within each source as the shared words are."""
    order = np.argsort((source.astype(np.int64) << 32) | dest.astype(np.int64), kind="stable")
    source, dest, score = source[order], dest[order], score[order].astype(np.float32)
    fresh = np.ones(len(source), dtype=bool)
    fresh[1:] = (source[1:] != source[:-1]) | (dest[1:] != dest[:-1])
    source, dest, score = source[fresh], dest[fresh], score[fresh]
    order = _by_row_heaviest_first(source, score, dest)  # dest ascending within each source: its ties' order
    source, dest, score = source[order], dest[order], score[order]
    keep = np.arange(len(source)) - np.searchsorted(source, source, side="left") < top
    return source[keep], dest[keep], score[keep]


def _heaviest_per_row(m: sparse.csr_matrix, keep: int) -> sparse.csr_matrix:
    """``m`` with only the ``keep`` largest entries of each row."""
    m.sort_indices()
    row = np.repeat(np.arange(m.shape[0]), np.diff(m.indptr))
    order = _by_row_heaviest_first(row, m.data.astype(np.float32), m.indices)
    rank = np.arange(m.nnz) - m.indptr[row[order]]
    chosen = order[rank < keep]
    return sparse.csr_matrix((m.data[chosen], (row[chosen], m.indices[chosen])), shape=m.shape)


def _scatter_rows(m: sparse.csr_matrix, rows: np.ndarray, n: int) -> sparse.csr_matrix:
    """``m``'s rows placed at ``rows`` of an n-row matrix (the others empty)."""
    lengths = np.zeros(n, dtype=np.int64)
    lengths[rows] = np.diff(m.indptr)
    indptr = np.concatenate([[0], np.cumsum(lengths)])
    return sparse.csr_matrix((m.data, m.indices, indptr), shape=(n, m.shape[1]))


def _threads(workers: int, sources: int) -> int:
    """Threads for the sparse product: 0 means one per core, for a batch worth it."""
    if workers == 0:
        return (os.cpu_count() or 1) if sources >= PARALLEL_MIN_SOURCES else 1
    return max(1, workers)


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
