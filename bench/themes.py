"""Theme and practice questions to /api/adopters, each asked once of a server that has not
answered it yet.

Issue 18's goal is on a theme's first request (a broad theme's answer shows ~1,000 measures with
their sentences at 100k): the server is fresh and its answer cache never holds the answer, so
every figure here is what the first researcher to ask pays. Practice questions (no goal of their
own) are asked the same way; their answer holds their theme's other adopters as well. The
server's very first question is asked before, and reported apart: it pays for what any first
request loads once per process.
"""
from __future__ import annotations

import statistics
import time

import httpx

GOAL_MS = 20.0


def _ask_each(client: httpx.Client, keys: list[str]) -> dict:
    rows = []
    for key in keys:
        t0 = time.perf_counter()
        r = client.get("/api/adopters", params={"q": key})
        ms = 1000 * (time.perf_counter() - t0)
        r.raise_for_status()
        body = r.json()
        rows.append({"key": key, "ms": round(ms, 2), "regions": body["region_count"],
                     "measures_shown": sum(len(g["measures"]) for g in body["regions"] + (
                         (body.get("related") or {}).get("regions") or [])),
                     "bytes": len(r.content)})
    times = [r["ms"] for r in rows]
    worst = max(rows, key=lambda r: r["ms"])
    return {"asked": len(rows), "median_ms": round(statistics.median(times), 2), "max_ms": worst["ms"],
            "slowest": worst["key"], "over_goal": sum(t > GOAL_MS for t in times),
            "max_measures_shown": max(r["measures_shown"] for r in rows),
            "max_bytes": max(r["bytes"] for r in rows), "rows": rows}


def first_requests(base: str, floor_ms: float | None = None) -> dict:
    from ingest.themes import load_taxonomy

    taxonomy = load_taxonomy()
    with httpx.Client(base_url=base, timeout=120) as client:
        t0 = time.perf_counter()
        client.get("/api/adopters", params={"q": "试点"}).raise_for_status()
        process_first_ms = 1000 * (time.perf_counter() - t0)
        themes = _ask_each(client, [t.key for t in taxonomy.themes()])
        practices = _ask_each(client, [p.key for p in taxonomy.practices()])
    return {**themes, "themes": themes["asked"], "practices": practices,
            "process_first_question_ms": round(process_first_ms, 2), "floor_ms": floor_ms}
