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
    ranked = [p for p, _ in counts.most_common() if counts[p] >= 2] or [p for p, _ in counts.most_common()]
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


def api_regions(base: str, query: str, client: httpx.Client | None = None) -> tuple[set[str] | None, float, str]:
    """The regions /api/adopters names, and the seconds the request took. Pass one client for
    every question: ``httpx.get`` builds a client per call, and loading its TLS certificates
    (20-50 ms here, even for plain http) was timed as if it were the API's."""
    if client is None:
        with httpx.Client(timeout=120.0) as own:
            return api_regions(base, query, own)
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


def compare(base: str | None, corpus: Path, manifest: Manifest, queries: list[str]) -> dict:
    truth = truth_table(corpus, manifest, queries)
    rows = []
    client = httpx.Client(timeout=120.0)
    for q in queries:
        grep_found, grep_s = grep_regions(corpus, manifest, q)
        api_found, api_s, api_err = api_regions(base, q, client) if base else (None, 0.0, "no server")
        rows.append({
            "query": q, "true_regions": len(truth[q]),
            "grep_seconds": round(grep_s, 4), "grep_regions": len(grep_found),
            "grep_recall": recall(grep_found, truth[q]), "grep_precision": precision(grep_found, truth[q]),
            "api_seconds": round(api_s, 4), "api_regions": None if api_found is None else len(api_found),
            "api_recall": recall(api_found, truth[q]), "api_precision": precision(api_found, truth[q]),
            "api_error": api_err,
        })
    client.close()
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
    return {"rows": rows, "summary": summary}
