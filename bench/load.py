"""A real `policy-graph serve` on loopback, driven by concurrent async clients.

Each endpoint gets its own fixed-duration run with a bounded request count, so one slow
endpoint cannot stretch the whole benchmark. An endpoint whose route is absent (FastAPI's
bare 404 "Not Found") is reported as missing rather than failing the run.
"""
from __future__ import annotations

import asyncio
import json
import os
import shutil
import tempfile
import random
import socket
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from bench.rss import status_mib

HOST = "127.0.0.1"  # loopback only


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def serve(db: Path, *, log: Path, startup_timeout: float = 600.0, clients: int = 1,
          answer_cache_mib: float | None = None):
    """Start the server the way `make run` does and yield it (a Server). ``clients``: how many
    clients the load generator's connections stand for. They all come from 127.0.0.1, and the
    server admits at most a few expensive requests per address (api/limits.py): with its default
    of 2, 16 connections got 429 for nine requests in ten. ``answer_cache_mib``: the answer
    cache's budget (api/answers.py; 0 turns it off), the server's default when None."""
    env = {"POLICY_GRAPH_EXPENSIVE_PER_CLIENT": str(max(clients, 2))}
    if answer_cache_mib is not None:
        env["POLICY_GRAPH_ANSWER_CACHE_MIB"] = str(answer_cache_mib)
    return _serve(["-m", "policy_graph.cli", "serve", "--db", str(db)], "/api/health", log, startup_timeout, env)


def serve_floor(*, log: Path):
    """bench/floor.py under uvicorn with the settings `policy-graph serve` uses."""
    return _serve(["-m", "uvicorn", "bench.floor:app", "--no-access-log"], "/floor", log, 60.0)


@dataclass(frozen=True)
class Server:
    """A started server: where it answers and the process that answers there. `policy-graph
    serve` runs uvicorn in its own process (re-executed in place with jemalloc preloaded, which
    keeps the pid), so this process holds the database and everything the server keeps."""
    base: str
    pid: int

    def memory(self) -> dict:
        """The server's peak resident memory so far (VmHWM) and its resident memory now (VmRSS),
        MiB. The peak counts from the exec that started the process's current program."""
        status = status_mib(self.pid)
        return {"peak_rss_mib": round(status["VmHWM"], 1), "rss_mib": round(status["VmRSS"], 1)}


def file_mib(*paths: Path) -> float:
    """The size of the files given, MiB (missing ones count 0)."""
    return round(sum(p.stat().st_size for p in paths if p.is_file()) / 2**20, 1)


@contextmanager
def _serve(args: list[str], ready_path: str, log: Path, startup_timeout: float, env: dict | None = None):
    port = free_port()
    cmd = [sys.executable, *args, "--host", HOST, "--port", str(port)]
    env = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
    with open(log, "wb") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env,
                                cwd=Path(__file__).resolve().parent.parent)
        base = f"http://{HOST}:{port}"
        try:
            deadline = time.monotonic() + startup_timeout
            while True:
                if proc.poll() is not None:
                    raise RuntimeError(f"server exited with {proc.returncode}; see {log}")
                try:
                    if httpx.get(f"{base}{ready_path}", timeout=2.0).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(f"server did not answer {ready_path} in {startup_timeout:.0f} s; see {log}")
                time.sleep(0.2)
            yield Server(base, proc.pid)
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@dataclass
class EndpointResult:
    name: str
    status: str  # ok | missing | failing
    requests: int = 0
    errors: int = 0
    seconds: float = 0.0
    unloaded_p50_ms: float | None = None  # one client, one request at a time
    p50_ms: float | None = None
    p95_ms: float | None = None
    p99_ms: float | None = None
    mean_ms: float | None = None
    throughput_rps: float | None = None
    # share of the loaded requests the server answered from its answer cache (None: off or absent)
    cache_hit_rate: float | None = None
    note: str = ""

    def to_dict(self) -> dict:
        return dict(vars(self))


def percentile(sorted_values: list[float], p: float) -> float:
    if not sorted_values:
        return float("nan")
    k = min(len(sorted_values) - 1, max(0, round(p / 100 * (len(sorted_values) - 1))))
    return sorted_values[k]


def _route_missing(resp: httpx.Response) -> bool:
    if resp.status_code not in (404, 405):
        return False
    try:
        return resp.json().get("detail") in ("Not Found", "Method Not Allowed")
    except ValueError:
        return True


async def _drive(base: str, make_url: Callable[[random.Random], str], *, clients: int, duration: float,
                 max_requests: int, seed: int) -> tuple[list[float], int, float, str]:
    latencies: list[float] = []
    errors = 0
    first_error = ""
    issued = 0
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30.0) as client:
        stop_at = time.perf_counter() + duration

        async def worker(i: int) -> None:
            nonlocal errors, issued, first_error
            rng = random.Random(seed * 1000 + i)
            while time.perf_counter() < stop_at and issued < max_requests:
                issued += 1
                url = make_url(rng)
                t0 = time.perf_counter()
                try:
                    resp = await client.get(url)
                    ok = resp.status_code < 400
                    if not ok and not first_error:
                        first_error = f"{resp.status_code} on {url}: {resp.text[:160]}"
                except httpx.HTTPError as exc:
                    ok = False
                    if not first_error:
                        first_error = f"{type(exc).__name__} on {url}"
                latencies.append(time.perf_counter() - t0)
                if not ok:
                    errors += 1

        started = time.perf_counter()
        await asyncio.gather(*(worker(i) for i in range(clients)))
        elapsed = time.perf_counter() - started
    return latencies, errors, elapsed, first_error


def _sequential(base: str, make_url: Callable[[random.Random], str], *, seed: int, n: int = 20,
                budget_s: float = 20.0) -> float | None:
    """Median latency of requests sent one after another: the cost of the work itself."""
    rng = random.Random(seed + 7)
    times: list[float] = []
    stop_at = time.perf_counter() + budget_s
    with httpx.Client(base_url=base, timeout=30.0) as client:
        while len(times) < n and time.perf_counter() < stop_at:
            t0 = time.perf_counter()
            try:
                client.get(make_url(rng))
            except httpx.HTTPError:
                continue
            times.append((time.perf_counter() - t0) * 1000)
    return percentile(sorted(times), 50) if times else None


def run_endpoint(base: str, name: str, make_url: Callable[[random.Random], str], *, clients: int = 16,
                 duration: float = 30.0, max_requests: int = 200_000, seed: int = 0) -> EndpointResult:
    probe_url = make_url(random.Random(seed))
    try:
        probe = httpx.get(base + probe_url, timeout=60.0)
    except httpx.HTTPError as exc:
        return EndpointResult(name, "failing", note=f"{type(exc).__name__} on {probe_url}")
    if _route_missing(probe):
        return EndpointResult(name, "missing", note=f"{probe.status_code} {probe_url}")
    unloaded = _sequential(base, make_url, seed=seed)
    before = answer_cache_counts(base)
    if shutil.which("wrk"):
        result = _run_wrk(base, name, make_url, clients=clients, duration=duration, seed=seed,
                          unloaded=unloaded, probe=probe)
        result.cache_hit_rate = hit_rate(before, answer_cache_counts(base))
        return result
    latencies, errors, elapsed, first_error = asyncio.run(
        _drive(base, make_url, clients=clients, duration=duration, max_requests=max_requests, seed=seed))
    cache_hit_rate = hit_rate(before, answer_cache_counts(base))
    lat = sorted(x * 1000 for x in latencies)
    status = "ok" if errors == 0 else ("failing" if errors == len(lat) else "ok")
    return EndpointResult(
        name, status, requests=len(lat), errors=errors, seconds=round(elapsed, 2),
        unloaded_p50_ms=round(unloaded, 2) if unloaded is not None else None,
        p50_ms=round(percentile(lat, 50), 2), p95_ms=round(percentile(lat, 95), 2),
        p99_ms=round(percentile(lat, 99), 2), mean_ms=round(sum(lat) / len(lat), 2) if lat else None,
        throughput_rps=round(len(lat) / elapsed, 1) if elapsed else None, cache_hit_rate=cache_hit_rate,
        note=(f"{errors} errors; first: {first_error}" if errors else (
            f"probe returned {probe.status_code}" if probe.status_code >= 400 else "")))


def answer_cache_counts(base: str) -> dict | None:
    """The server's answer-cache counts (GET /api/answer-cache), None without one (the floor)."""
    try:
        r = httpx.get(base + "/api/answer-cache", timeout=30.0)
    except httpx.HTTPError:
        return None
    return r.json() if r.status_code == 200 else None


def hit_rate(before: dict | None, after: dict | None) -> float | None:
    """Hits over the requests the cache was asked about between two readings; None when it is off."""
    if not before or not after or not after.get("budget_bytes"):
        return None
    hits, misses = after["hits"] - before["hits"], after["misses"] - before["misses"]
    return round(hits / (hits + misses), 3) if hits + misses else None


# wrk walks the request paths in turn, one list per connection offset; done() reports in JSON.
_WRK_SCRIPT = """
local paths = {%s}
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", paths[(n %% #paths) + 1])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write("WRKJSON " .. string.format(
    '{"requests": %%d, "seconds": %%f, "p50": %%f, "p95": %%f, "p99": %%f, "mean": %%f, '
    .. '"errors": %%d}\\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000,
    latency:percentile(95) / 1000, latency:percentile(99) / 1000, latency.mean / 1000,
    e.connect + e.read + e.write + e.status + e.timeout))
end
"""


def client_description(clients: int) -> str:
    if shutil.which("wrk"):
        return f"Debian's wrk (2 threads, {clients} connections, a closed loop)"
    return f"{clients} concurrent async httpx clients (wrk not installed)"


def _run_wrk(base: str, name: str, make_url: Callable[[random.Random], str], *, clients: int,
             duration: float, seed: int, unloaded: float | None, probe: httpx.Response) -> EndpointResult:
    """Drive the endpoint with Debian's wrk: a C client, so the load generator takes little of
    the two cores the server needs. Every connection cycles through the same 2,000 URLs."""
    rng = random.Random(seed)
    urls = [make_url(rng) for _ in range(2000)]
    lua = _WRK_SCRIPT % ", ".join(json.dumps(u) for u in urls)
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as fh:
        fh.write(lua)
        script = fh.name
    try:
        out = subprocess.run(["wrk", "-t2", f"-c{clients}", f"-d{max(1, round(duration))}s", "--timeout", "30s",
                              "-s", script, base], capture_output=True, text=True, timeout=duration + 120)
    finally:
        os.unlink(script)
    line = next((x for x in out.stdout.splitlines() if x.startswith("WRKJSON ")), None)
    if line is None:
        return EndpointResult(name, "failing", note=f"wrk: {out.stderr.strip()[:160] or out.stdout[-160:]}")
    r = json.loads(line[len("WRKJSON "):])
    errors = int(r["errors"])
    status = "ok" if errors == 0 else ("failing" if errors >= r["requests"] else "ok")
    return EndpointResult(
        name, status, requests=r["requests"], errors=errors, seconds=round(r["seconds"], 2),
        unloaded_p50_ms=round(unloaded, 2) if unloaded is not None else None,
        p50_ms=round(r["p50"], 2), p95_ms=round(r["p95"], 2), p99_ms=round(r["p99"], 2),
        mean_ms=round(r["mean"], 2),
        throughput_rps=round(r["requests"] / r["seconds"], 1) if r["seconds"] else None,
        note=(f"{errors} errors (wrk counts non-2xx/3xx answers, timeouts and socket errors)" if errors else (
            f"probe returned {probe.status_code}" if probe.status_code >= 400 else "")))
