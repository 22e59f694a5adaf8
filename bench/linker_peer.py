"""The hand-written linker this project had, against the library linker that replaced it.

``python -m bench.linker_peer [N ...]`` loads the hand-written inverted-index linker from the
project's history (``git show ef226c9:graph/linker.py``, with the two modules it used) and the
current ``graph.linker`` (TF-IDF weighted as scikit-learn does + sparse_dot_topn), scores both on the similar-pair
gold (data/similar_pairs.yaml, the founding corpus, top 5 cross-region), then times both — each
in a fresh process, ``add`` + ``relink_changed`` as ingest runs them, tokenizer caches cleared —
on ``policy-graph synth`` corpora of N measures (seed 8), with CPU time and peak RSS growth.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import resource
import subprocess
import sys
import tempfile
import time
from functools import partial
from pathlib import Path
from typing import Any

from graph import linker as library
from graph.linker import evaluate_pairs

REPO = Path(__file__).resolve().parent.parent
HAND_WRITTEN = "ef226c9"  # the last commit with the hand-written linker
_HAND: Any = None


def hand_written():
    """graph/linker.py of HAND_WRITTEN as a module, beside the index helpers it imported."""
    global _HAND
    if _HAND is None:
        tmp = Path(tempfile.mkdtemp(prefix="hand-linker-"))
        for name in ("linker", "indexfile", "postings"):
            source = subprocess.run(["git", "show", f"{HAND_WRITTEN}:graph/{name}.py"], cwd=REPO,
                                    capture_output=True, text=True, check=True).stdout
            source = source.replace("from graph.indexfile", "from hand_indexfile").replace(
                "from graph.postings", "from hand_postings")
            (tmp / f"hand_{name}.py").write_text(source, encoding="utf-8")
        sys.path.insert(0, str(tmp))
        spec = importlib.util.spec_from_file_location("hand_linker", tmp / "hand_linker.py")
        _HAND = sys.modules["hand_linker"] = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(_HAND)
    return _HAND


ENGINES = {"hand-written": lambda: hand_written().SimilarityIndex,
           "sklearn+sparse_dot_topn": lambda: library.SimilarityIndex,
           # every term generates candidates: the product grows with the square of the corpus
           "sklearn+sparse_dot_topn, unpruned": lambda: partial(library.SimilarityIndex, max_df_ratio=1.0,
                                                                min_df_cap=2**31)}


def gold() -> dict[str, Any]:
    import yaml

    sys.path.insert(0, str(REPO / "tests"))
    from test_linker import corpus_measures  # the founding corpus through the real pipeline

    measures = list(corpus_measures())
    pairs = yaml.safe_load((REPO / "data" / "similar_pairs.yaml").read_text(encoding="utf-8"))
    out = {}
    for name, engine in ENGINES.items():
        index = engine()()
        index.add(measures)
        edges = index.link()
        r = evaluate_pairs(edges, measures, pairs, k=5)
        out[name] = {"recall@5": round(r["recall_at_k"], 3), "recall@1": round(r["recall_at_1"], 3),
                     "mrr": round(r["mrr"], 3), "dissimilar_linked": r["dissimilar_linked_rate"],
                     "edges": len(edges)}
    return out


def _synth_measures(n: int, seed: int) -> list[dict]:
    from bench.synth import generate
    from policy_graph.service import parse_files

    with tempfile.TemporaryDirectory() as tmp:
        generate(n, seed, Path(tmp))
        out = []
        for _, doc, _ in parse_files(sorted(Path(tmp).glob("*.txt")), workers=0):
            if doc is not None:
                out += [{"id": m.id, "region": m.region, "title": m.title, "text": m.text,
                         "themes": [t.key for t in m.themes]} for m in doc.measures if m.kind == "measure"]
    return out


def one_run(engine: str, n: int, seed: int = 8) -> dict[str, Any]:
    """In this process: one engine linking a synthetic corpus of ``n`` measures from cold."""
    from graph import tokenize

    tokenize._jieba()
    measures = _synth_measures(n, seed)
    cls = ENGINES[engine]()
    tokenize._word_cache.clear()  # each engine tokenises from cold
    tokenize._subword_cache.clear()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    wall, cpu = time.perf_counter(), time.process_time()
    index = cls()
    index.add(measures)
    plan = index.relink_changed([m["id"] for m in measures])
    return {"engine": engine, "measures": len(measures), "seconds": round(time.perf_counter() - wall, 2),
            "cpu_seconds": round(time.process_time() - cpu, 2), "edges": len(plan.edges),
            "peak_rss_growth_mib": round((resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss) / 1024, 1)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("sizes", nargs="*", type=int, default=[2500, 10000])
    ap.add_argument("--one", nargs=2, metavar=("ENGINE", "N"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.one:
        print(json.dumps(one_run(args.one[0], int(args.one[1]))))
        return 0
    print(json.dumps(gold(), indent=1), flush=True)
    for n in args.sizes:
        for engine in ENGINES:
            proc = subprocess.run([sys.executable, "-m", "bench.linker_peer", "--one", engine, str(n)],
                                  cwd=REPO, capture_output=True, text=True, check=True)
            print(proc.stdout.strip().splitlines()[-1], flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
