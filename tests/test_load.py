"""16 concurrent readers of mixed endpoints while one large document is uploaded.

60 s of reads by default, as issue 9 asks (``LOAD_SECONDS=10`` for a quick look, which reads RSS
at the upload's peak and is not a fair test of growth). The summary is also written to
tests/artifacts/load.json. The server is started as deployed (``policy-graph serve``), so it runs
on jemalloc when libjemalloc2 is installed; under glibc malloc the memory test fails (see
RELIABILITY.md, Load).
"""
from __future__ import annotations

import asyncio
import json
import os
import statistics
import time
from pathlib import Path

import httpx
import pytest

from conftest import REPO
from fixtures.hostile import TOKEN, big_document, serving_uploads
from policy_graph.allocator import jemalloc_loaded

CLIENTS = 16
# The figure: 60 s of reads around one upload. A 10 s window is shorter than the upload
# itself (12-14 s), so RSS is read at the upload's peak: 10 s runs gave 1.5-10.5 % growth, 60 s
# runs -4.8 %, 0.4 % and 6.8 % (RELIABILITY.md, Load).
SECONDS = float(os.environ.get("LOAD_SECONDS", "60"))
UNLIMITED_READERS = {"POLICY_GRAPH_EXPENSIVE_PER_CLIENT": "16", "POLICY_GRAPH_EXPENSIVE_SLOTS": "3",
                     "POLICY_GRAPH_EXPENSIVE_QUEUE_SECONDS": "120", "POLICY_GRAPH_REQUEST_BUDGET_SECONDS": "120"}
MAX_RSS_GROWTH = 0.10
# RSS is read this long after the readers stop, at baseline and after alike: jemalloc returns pages
# freed during the last second of reads only within its 1 s decay (policy_graph/allocator.py), and
# read at once they were 10-39 MiB of either reading (jemalloc resident minus active bytes).
SETTLE_SECONDS = 3.0
WARM_ROUNDS = 2


def rss_parts_kib(pid: int) -> dict[str, int]:
    """Resident KiB by kind of mapping, to tell in a report what grew: LadybugDB's buffer pool
    (one anonymous mapping of most of the machine's memory, reserved at open), other anonymous
    memory (the allocators' heaps, Python's arenas, thread stacks) and mapped files."""
    parts = {"buffer_pool": 0, "heap": 0, "files": 0}
    kind = None
    for line in Path(f"/proc/{pid}/smaps").read_text().splitlines():
        fields = line.split()
        if "-" in fields[0] and not fields[0].endswith(":"):
            start, end = (int(x, 16) for x in fields[0].split("-"))
            kind = "files" if len(fields) > 5 and fields[5].startswith("/") else "heap"
            if kind == "heap" and end - start > 1 << 32:
                kind = "buffer_pool"
        elif fields[0] == "Rss:" and kind is not None:
            parts[kind] += int(fields[1])
    return parts


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


@pytest.fixture(scope="module")
def load_server(corpus_db, tmp_path_factory):
    # The 16 readers stand for 16 users, but all come from 127.0.0.1: under the per-client cost
    # limits (api/limits.py, tested in test_cost_limits.py) they would be one client. This test
    # measures memory under concurrent reads, so it lets them run as 16 users' requests would.
    with serving_uploads(corpus_db, tmp_path_factory.mktemp("load"), env=UNLIMITED_READERS) as srv:
        yield srv


def read_paths(base_url: str) -> list[str]:
    with httpx.Client(base_url=base_url, timeout=60) as c:
        measures = c.get("/api/measures", params={"limit": 40}).json()["items"]
    ids = [m["id"] for m in measures[::4]]
    paths = ["/api/health", "/api/regions", "/api/documents", "/api/themes",
             "/api/measures?limit=50", "/api/measures?region=厦门&limit=20&offset=5",
             "/api/search?q=知识产权", "/api/search?q=跨境 融资", "/api/adopters?q=知识产权质押",
             "/api/timeline?q=人才", "/api/replications?to=福建", "/api/paths?from=厦门&max_hops=4",
             "/api/compare?regions=厦门,武汉", "/api/regions/武汉/gaps",
             "/api/subgraph?center=Region:厦门&depth=2", "/viz/region/厦门", "/"]
    for mid in ids:
        paths += [f"/api/measures/{mid}", f"/api/measures/{mid}/similar"]
    return paths


class UploadState:
    """Where the upload is, as the readers see it: not started, in flight, answered."""
    def __init__(self) -> None:
        self.in_flight = False
        self.done = False


async def reader(client: httpx.AsyncClient, paths: list[str], start: int, deadline: float,
                 latencies: list[float], errors: list[str], upload: UploadState) -> int:
    """Reads until the deadline and at least until the upload is answered; returns how many of
    its reads were both sent and answered while the upload was in flight."""
    i, during = start, 0
    while time.monotonic() < deadline or not upload.done:
        path = paths[i % len(paths)]
        i += 1
        sent_during = upload.in_flight
        t0 = time.perf_counter()
        try:
            r = await client.get(path)
            if r.status_code != 200:
                errors.append(f"{path}: {r.status_code} {r.text[:120]}")
            elif sent_during and upload.in_flight:
                during += 1
        except httpx.HTTPError as exc:
            errors.append(f"{path}: {type(exc).__name__} {exc}")
        latencies.append(time.perf_counter() - t0)
    return during


async def upload(base_url: str, doc: Path, delay: float, state: UploadState) -> dict:
    try:
        await asyncio.sleep(delay)
        async with httpx.AsyncClient(base_url=base_url, timeout=600,
                                     headers={"Authorization": f"Bearer {TOKEN}"}) as c:
            t0 = time.perf_counter()
            state.in_flight = True
            r = await c.post("/api/documents", files={"file": (doc.name, doc.read_bytes())})
            return {"status": r.status_code, "seconds": time.perf_counter() - t0,
                    "body": r.json() if r.headers.get("content-type", "").startswith("application/json")
                    else r.text}
    finally:
        state.in_flight, state.done = False, True


async def run_load(base_url: str, paths: list[str], doc: Path) -> dict:
    latencies: list[float] = []
    errors: list[str] = []
    limits = httpx.Limits(max_connections=CLIENTS, max_keepalive_connections=CLIENTS)
    async with httpx.AsyncClient(base_url=base_url, timeout=60, limits=limits) as client:
        deadline = time.monotonic() + SECONDS
        state = UploadState()
        uploading = asyncio.create_task(upload(base_url, doc, min(1.0, SECONDS / 10), state))
        during = await asyncio.gather(*(reader(client, paths, k * 3, deadline, latencies, errors, state)
                                        for k in range(CLIENTS)))
        uploaded = await uploading
    latencies.sort()
    return {"requests": len(latencies), "errors": errors, "upload": uploaded,
            "answers_during_upload": list(during),
            "p50_ms": round(1000 * statistics.median(latencies), 1),
            "p95_ms": round(1000 * latencies[int(0.95 * (len(latencies) - 1))], 1),
            "max_ms": round(1000 * latencies[-1], 1)}


@pytest.fixture(scope="module")
def load_result(load_server, tmp_path_factory) -> dict:
    tmp = tmp_path_factory.mktemp("load-docs")
    base = load_server.base_url
    pid = load_server.proc.pid
    cold = rss_kib(pid)
    paths = read_paths(base)
    # Warm-up: the same load, WARM_ROUNDS times (16 readers and the upload each),
    # so that first-use costs are not counted as growth: dictionaries, one database connection per
    # worker thread, the engine's buffer pool, allocator arenas. One round was not enough: rounds
    # after the first still grew 8 %, 2.5 % and 5 % (RELIABILITY.md, Load), and every round is kept
    # in the report.
    with httpx.Client(base_url=base, timeout=60) as c:
        for path in paths:
            assert c.get(path).status_code == 200, path
    # Every round uploads the same 600-measure document: the first round adds it, the others
    # replace it (delete, re-extract, re-link), so the graph has the same size at the baseline and
    # after, and growth is memory the server kept, not a larger graph cached. With a new document
    # per round the engine's buffer pool grew with the data (88 -> 117 MiB in a CI run at 10.3 %
    # growth, half of it the pages of 600 more measures).
    doc = big_document(tmp / "load.txt", 600, seed=6101)
    warm, rounds = [], []
    for _ in range(WARM_ROUNDS):
        warm.append(asyncio.run(run_load(base, paths, doc)))
        time.sleep(SETTLE_SECONDS)
        rounds.append(rss_kib(pid))
    baseline, baseline_parts = rounds[-1], rss_parts_kib(pid)

    result = asyncio.run(run_load(base, paths, doc))
    time.sleep(SETTLE_SECONDS)
    after, after_parts = rss_kib(pid), rss_parts_kib(pid)
    result.update({"clients": CLIENTS, "seconds": SECONDS, "distinct_paths": len(paths),
                   "warm_up": [{k: w[k] for k in ("requests", "errors", "upload", "p50_ms", "p95_ms",
                                                  "answers_during_upload")}
                               for w in warm],
                   "allocator": "jemalloc" if jemalloc_loaded(pid) else "glibc malloc",
                   "rss_kib": {"cold": cold, "warm_rounds": rounds, "baseline": baseline, "after": after},
                   "rss_parts_kib": {"baseline": baseline_parts, "after": after_parts},
                   "rss_growth": round((after - baseline) / baseline, 4)})
    out = REPO / "tests" / "artifacts"
    out.mkdir(parents=True, exist_ok=True)
    (out / "load.json").write_text(json.dumps(result, ensure_ascii=False, indent=2, default=str))
    print(json.dumps({k: v for k, v in result.items() if k not in ("errors", "warm_up")},
                     ensure_ascii=False, default=str))
    return result


@pytest.mark.slow
def test_sixteen_readers_see_no_errors_while_a_document_is_uploaded(load_result):
    first, *again = (*load_result["warm_up"], load_result)
    assert first["upload"]["status"] == 201, first["upload"]
    for run in again:
        assert run["upload"]["status"] == 200 and run["upload"]["body"]["replaced"], run["upload"]
    for run in (first, *again):
        assert run["errors"] == [], run["errors"][:10]
    assert load_result["upload"]["body"]["measure_count"] > 200
    # Every client kept getting answers while the upload ran, not only before or after it.
    for run in (*load_result["warm_up"], load_result):
        assert len(run["answers_during_upload"]) == CLIENTS
        assert min(run["answers_during_upload"]) > 0, run["answers_during_upload"]


@pytest.mark.slow
def test_server_memory_stays_within_ten_percent(load_result):
    assert load_result["rss_growth"] < MAX_RSS_GROWTH, (
        load_result["allocator"], load_result["rss_kib"], load_result["rss_parts_kib"])
