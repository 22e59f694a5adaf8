"""The grep peer: "which regions adopted X?" answered by scanning the raw files with Python `re`.

This is what a researcher without the graph would do: run a regular expression over every
document as stored and list the regions of the files that match. The peer is given the
manifest's file -> region mapping for free (a researcher would have to read each title), so
its only handicaps are the ones scanning raw text really has: a traditional-script copy does
not match a simplified query, and every question re-reads the whole corpus.

Ground truth is what the generator wrote: the regions whose documents state the practice in a
measure, read in simplified script.
"""
from __future__ import annotations

import re
import statistics
import time
from collections import Counter
from pathlib import Path

import httpx

from bench.synth import Manifest, build_vocabulary


def _simplified(text: str) -> str:
    from bench.synth import _simplify

    return _simplify(text)


def truth_table(corpus: Path, manifest: Manifest, queries: list[str]) -> dict[str, set[str]]:
    pattern = re.compile("|".join(map(re.escape, sorted(queries, key=len, reverse=True))))
    truth: dict[str, set[str]] = {q: set() for q in queries}
    for doc in manifest.documents:
        text = (corpus / doc.file).read_text(encoding="utf-8")
        if doc.script != "simplified":
            text = _simplified(text)
        for m in set(pattern.findall(text)):
            truth[m].add(doc.region)
    return truth


def pick_queries(corpus: Path, manifest: Manifest, k: int = 5, sample_docs: int = 400) -> list[str]:
    """Practice names of the founding corpus, spread from frequent to rare in this corpus. Names
    that resolve to a theme are left out: /api/adopters then answers for the whole theme."""
    practices = [p for p in build_vocabulary()[0].practices if len(p) >= 3 and not _names_a_theme(p)]
    pattern = re.compile("|".join(map(re.escape, sorted(practices, key=len, reverse=True))))
    counts: Counter[str] = Counter()
    for doc in manifest.documents[:sample_docs]:
        counts.update(set(pattern.findall((corpus / doc.file).read_text(encoding="utf-8"))))
    # ties broken by the name: most_common() keeps insertion order, which followed the iteration
    # order of a set of strings, so the questions changed from one process to the next (at 1k,
    # 全脱钩 in one run and 走出去 in the next)
    by_count = sorted(counts, key=lambda p: (-counts[p], p))
    ranked = [p for p in by_count if counts[p] >= 2] or by_count
    if not ranked:
        return practices[:k]
    step = max(1, len(ranked) // k)
    return ranked[::step][:k]


def _names_a_theme(q: str) -> bool:
    """A query the API answers by theme (a broader question than the phrase): not comparable to grep."""
    try:
        from policy_graph.research import resolve_theme
    except ImportError:
        return False
    return resolve_theme(q) is not None


def grep_regions(corpus: Path, manifest: Manifest, query: str) -> tuple[set[str], float]:
    region_of = {d.file: d.region for d in manifest.documents}
    started = time.perf_counter()
    pattern = re.compile(re.escape(query))
    found = set()
    for path in sorted(corpus.glob("*.txt")):
        if pattern.search(path.read_text(encoding="utf-8")):
            region = region_of.get(path.name)
            if region:
                found.add(region)
    return found, time.perf_counter() - started


def api_regions(base: str, query: str, client: httpx.Client | None = None,
                repeats: int = 1) -> tuple[set[str] | None, float, str]:
    """The regions /api/adopters names, and the seconds the request took (with ``repeats`` > 1:
    the median of that many requests after a first one, as the FTS5 peer is timed). Pass one client for
    every question: ``httpx.get`` builds a client per call, and loading its TLS certificates
    (20-50 ms here, even for plain http) was timed as if it were the API's."""
    if client is None:
        with httpx.Client(timeout=120.0) as own:
            return api_regions(base, query, own, repeats)
    if repeats > 1:
        found, _, err = api_regions(base, query, client)
        times = [api_regions(base, query, client)[1] for _ in range(repeats)] if not err else [0.0]
        return found, statistics.median(times), err
    started = time.perf_counter()
    try:
        resp = client.get(f"{base}/api/adopters", params={"q": query})
    except httpx.HTTPError as exc:
        return None, time.perf_counter() - started, type(exc).__name__
    elapsed = time.perf_counter() - started
    if resp.status_code >= 400:
        return None, elapsed, f"HTTP {resp.status_code}"
    return {r["region"] for r in resp.json().get("regions", [])}, elapsed, ""


def recall(found: set[str] | None, truth: set[str]) -> float | None:
    if found is None:
        return None
    return round(len(found & truth) / len(truth), 4) if truth else 1.0


def precision(found: set[str] | None, truth: set[str]) -> float | None:
    if found is None:
        return None
    return round(len(found & truth) / len(found), 4) if found else 1.0


def compare(base: str | None, corpus: Path, manifest: Manifest, queries: list[str],
            fts_path: Path | None = None, floor_ms: float | None = None) -> dict:
    """grep, the SQLite FTS5 peer (at ``fts_path``) and /api/adopters on the same questions.
    ``floor_ms``: the one-client time of a route doing no work, measured in the same run."""
    from bench import fts_peer

    truth = truth_table(corpus, manifest, queries)
    rows = []
    client = httpx.Client(timeout=120.0)
    fts_db, fts_build_s = fts_peer.build(corpus, manifest, fts_path) if fts_path else (None, None)
    for q in queries:
        grep_found, grep_s = grep_regions(corpus, manifest, q)
        fts_found, fts_s = fts_peer.timed(fts_db, q) if fts_db else (None, None)
        api_found, api_s, api_err = (api_regions(base, q, client, repeats=fts_peer.REPEATS) if base
                                     else (None, 0.0, "no server"))
        rows.append({
            "query": q, "true_regions": len(truth[q]),
            "grep_seconds": round(grep_s, 4), "grep_regions": len(grep_found),
            "grep_recall": recall(grep_found, truth[q]), "grep_precision": precision(grep_found, truth[q]),
            "fts_seconds": None if fts_s is None else round(fts_s, 5),
            "fts_recall": recall(fts_found, truth[q]),
            "api_seconds": round(api_s, 5), "api_regions": None if api_found is None else len(api_found),
            "api_recall": recall(api_found, truth[q]), "api_precision": precision(api_found, truth[q]),
            "api_error": api_err,
        })
    client.close()
    if fts_db is not None:
        fts_db.close()
        fts_path.unlink(missing_ok=True)
    ok = [r for r in rows if r["api_recall"] is not None]
    summary = {
        "queries": len(rows),
        "grep_seconds_mean": round(sum(r["grep_seconds"] for r in rows) / len(rows), 4) if rows else None,
        "api_seconds_mean": round(sum(r["api_seconds"] for r in ok) / len(ok), 4) if ok else None,
        "grep_recall_mean": round(sum(r["grep_recall"] for r in rows) / len(rows), 4) if rows else None,
        "api_recall_mean": round(sum(r["api_recall"] for r in ok) / len(ok), 4) if ok else None,
    }
    if summary["api_seconds_mean"]:
        summary["speedup"] = round(summary["grep_seconds_mean"] / summary["api_seconds_mean"], 1)
    fts = [r for r in ok if r["fts_seconds"] is not None]
    if fts:
        summary["fts_build_seconds"] = round(fts_build_s, 2)
        summary["fts_seconds_mean"] = round(sum(r["fts_seconds"] for r in fts) / len(fts), 5)
        summary["fts_recall_mean"] = round(sum(r["fts_recall"] for r in fts) / len(fts), 4)
        if floor_ms is not None:
            # the goal's yardstick: the peer's own time plus what HTTP and the framework cost a
            # route that does no work, both measured in this run
            summary["floor_ms"] = floor_ms
            summary["api_over_fts_plus_floor"] = round(
                max(r["api_seconds"] / (r["fts_seconds"] + floor_ms / 1000) for r in fts), 2)
    return {"rows": rows, "summary": summary}
