"""The library peer of the similarity linker: scikit-learn TF-IDF + sparse_dot_topn top-n products.

``python -m bench.linker_peer [N ...]`` scores both linkers on the project's similar-pair gold
(data/similar_pairs.yaml, the founding corpus, top 5 cross-region) and times both, with peak
memory, on ``policy-graph synth`` corpora of N measures (seed 8), in one run. The peer uses the
project's own tokens (graph.tokenize: jieba-rs words and character bigrams, agency lines
removed, the title counted three times) and the linker's weights (words 0.6, bigrams 0.25, themes
0.1), so the comparison is of the engines, not of the tokenisation.
"""
from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from graph.linker import THEME_PREFIX, SimilarEdge, SimilarityIndex, content_text, evaluate_pairs
from graph.tokenize import words_and_bigrams

REPO = Path(__file__).resolve().parent.parent


def _identity(tokens):
    return tokens


class LibraryLinker:
    """Top-k cross-region similar measures: one sparse matrix, one top-n product."""

    def __init__(self, w_word: float = 0.6, w_bigram: float = 0.25, w_theme: float = 0.1,
                 title_boost: int = 2, top_k: int = 5, min_score: float = 0.08, max_df: float = 0.2) -> None:
        self.weights = (w_word, w_bigram, w_theme)
        self.title_boost, self.top_k, self.min_score, self.max_df = title_boost, top_k, min_score, max_df

    def link(self, measures: Sequence[Mapping[str, Any]], threads: int = 1) -> list[SimilarEdge]:
        from scipy import sparse
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.preprocessing import normalize
        from sparse_dot_topn import sp_matmul_topn

        words, bigrams, themes = [], [], []
        for m in measures:
            wt, bt = words_and_bigrams(str(m.get("title") or ""))
            wx, bx = words_and_bigrams(content_text(str(m.get("text") or "")))
            words.append(wx + wt * self.title_boost)
            bigrams.append(bx + bt * self.title_boost)
            themes.append([THEME_PREFIX + str(t) for t in m.get("themes") or ()])
        blocks, vocab = [], []
        for tokens, weight in zip((words, bigrams, themes), self.weights):
            vec = TfidfVectorizer(analyzer=_identity, sublinear_tf=True, norm="l2", dtype=np.float32)
            try:
                x = vec.fit_transform(tokens)
            except ValueError:  # no tokens at all (no themes anywhere)
                continue
            blocks.append(x * np.float32(np.sqrt(weight)))
            vocab.append(vec.get_feature_names_out())
        # cosine of the concatenation = the weighted sum of the blocks' cosines
        x = normalize(sparse.hstack(blocks).tocsr())
        n_words = blocks[0].shape[1]
        sims = sp_matmul_topn(x, x.T.tocsr(), top_n=8 * self.top_k, threshold=self.min_score, n_threads=threads)
        sims = sims.tocsr()
        region = [str(m.get("region") or "") for m in measures]
        ids = [str(m["id"]) for m in measures]
        wx = blocks[0].tocsr()
        edges = []
        for i in range(sims.shape[0]):
            row = slice(sims.indptr[i], sims.indptr[i + 1])
            order = np.argsort(-sims.data[row], kind="stable")
            kept = 0
            for j, score in zip(sims.indices[row][order].tolist(), sims.data[row][order].tolist()):
                if j == i or region[j] == region[i]:
                    continue
                a = wx.indices[wx.indptr[i]:wx.indptr[i + 1]]
                b = wx.indices[wx.indptr[j]:wx.indptr[j + 1]]
                shared = np.intersect1d(a, b)
                terms = tuple(vocab[0][t] for t in shared[:8] if t < n_words)
                edges.append(SimilarEdge(ids[i], ids[j], round(float(score), 4), "sklearn-tfidf", terms))
                kept += 1
                if kept == self.top_k:
                    break
        return edges


def gold() -> dict[str, Any]:
    import yaml

    sys.path.insert(0, str(REPO / "tests"))
    from test_linker import corpus_measures  # the founding corpus through the real pipeline

    measures = list(corpus_measures())
    pairs = yaml.safe_load((REPO / "data" / "similar_pairs.yaml").read_text(encoding="utf-8"))
    out = {}
    hand = SimilarityIndex()
    hand.add(measures)
    for name, edges in (("hand-written", hand.link()), ("sklearn+sparse_dot_topn", LibraryLinker().link(measures))):
        r = evaluate_pairs(edges, measures, pairs, k=5)
        r1 = evaluate_pairs(edges, measures, pairs, k=1)
        out[name] = {"recall@5": r["recall_at_k"], "recall@1": r1["recall_at_k"], "mrr": r.get("mrr"),
                     "dissimilar_linked": r["dissimilar_linked_rate"]}
    return out


def _synth_measures(n: int, seed: int) -> list[dict]:
    from ingest.synth import generate
    from policy_graph.service import parse_files

    with tempfile.TemporaryDirectory() as tmp:
        generate(n, seed, Path(tmp))
        out = []
        for _, doc, _ in parse_files(sorted(Path(tmp).glob("*.txt")), workers=0):
            if doc is not None:
                out += [{"id": m.id, "region": m.region, "title": m.title, "text": m.text,
                         "themes": [t.key for t in m.themes]} for m in doc.measures if m.kind == "measure"]
    return out


def timed(fn) -> dict[str, float]:
    from graph import tokenize

    tokenize._word_cache.clear()  # each engine tokenises from cold: neither inherits the other's work
    tokenize._subword_cache.clear()
    tracemalloc.start()
    w, c = time.perf_counter(), time.process_time()
    fn()
    out = {"seconds": round(time.perf_counter() - w, 2), "cpu_seconds": round(time.process_time() - c, 2)}
    out["peak_python_mib"] = round(tracemalloc.get_traced_memory()[1] / 2**20, 1)
    tracemalloc.stop()
    return out


def scale(sizes: list[int], seed: int = 8) -> dict[int, dict]:
    from graph.tokenize import _jieba

    _jieba()
    res = {}
    for n in sizes:
        measures = _synth_measures(n, seed)

        def hand():
            idx = SimilarityIndex()
            idx.add(measures)
            idx.relink_changed([m["id"] for m in measures])

        res[n] = {"measures": len(measures), "hand-written": timed(hand),
                  "sklearn+sparse_dot_topn": timed(lambda: LibraryLinker().link(measures))}
        print(n, json.dumps(res[n]), flush=True)
    return res


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("sizes", nargs="*", type=int, default=[2000, 8000])
    args = ap.parse_args(argv)
    print(json.dumps(gold(), indent=1), flush=True)
    scale(args.sizes)
    print("max RSS of this process", resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024, "MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
