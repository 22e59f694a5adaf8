"""The attacks of RELIABILITY.md's "attack → before → after" table, on loopback, bounded.

Each attack runs against a real `policy-graph serve` while one well-behaved client asks
`/api/health` every 100 ms (a fresh connection each time, as a new visitor would) and a sampler
reads the server's resident memory and open descriptors. The health client runs in a process
of its own, apart from the attackers' threads. What is reported: the health
latencies (p50 / p99 / max, timeouts counted at the client timeout), failed health requests,
the server's memory and descriptors at their peak, what the attacker got back, and whether the
graph's counts are the same afterwards.

    python -m bench.attacks --db var/policy.lbdb header      # one 100 MB header
    python -m bench.attacks --db var/policy.lbdb half-open   # 20,000 half-sent requests
    python -m bench.attacks --db BIG.lbdb expensive --path '/viz/theme/KEY?limit=1000'

The half-open sockets come from 127.0.0.2 (still loopback), so a per-client limit can tell them
from the health client on 127.0.0.1, as it would tell two hosts apart.
"""
from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import httpx

HOST = "127.0.0.1"
REPO = Path(__file__).resolve().parent.parent
HEALTH_TIMEOUT = 10.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


@contextmanager
def server(db: Path, log: Path, env: dict[str, str] | None = None, source: Path = REPO):
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "policy_graph.cli", "serve", "--db", str(db),
                             "--host", HOST, "--port", str(port)],
                            stdout=open(log, "wb"), stderr=subprocess.STDOUT, cwd=source,
                            env={**os.environ, **(env or {})})
    base = f"http://{HOST}:{port}"
    try:
        deadline = time.monotonic() + 600
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"server exited; see {log}")
            try:
                if httpx.get(base + "/api/health", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"server did not come up; see {log}")
            time.sleep(0.3)
        yield proc, base, port
    finally:
        proc.terminate()
        try:
            proc.wait(20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def _health_client(base: str, stop, out) -> None:
    """The well-behaved client, in a process of its own: in the attackers' process it waited for
    their threads' hold on the interpreter (reading megabytes of pages), which counted against
    the server. Sends (latencies, failures) when ``stop`` is set."""
    latencies: list[float] = []
    failures: list[str] = []
    # One client, no kept-alive connection: each request still opens a fresh connection, as a new
    # visitor's would, but the client is not built anew each time (httpx.get did that: 140 ms of
    # TLS set-up in the client on this machine, counted as the server's latency).
    with httpx.Client(timeout=HEALTH_TIMEOUT, limits=httpx.Limits(max_keepalive_connections=0)) as client:
        while not stop.is_set():
            t0 = time.perf_counter()
            try:
                r = client.get(base + "/api/health")
                if r.status_code != 200:
                    failures.append(str(r.status_code))
            except httpx.HTTPError as exc:
                failures.append(type(exc).__name__)
            latencies.append(time.perf_counter() - t0)
            stop.wait(0.1)
    out.send((latencies, failures))


class Watch:
    """The health client (a process of its own) and the /proc sampler, running until stopped."""

    def __init__(self, base: str, pid: int) -> None:
        self.base, self.pid = base, pid
        self.latencies: list[float] = []
        self.failures: list[str] = []
        self.rss_mib = 0.0
        self.fds = 0
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._sample, daemon=True)]
        context = multiprocessing.get_context("spawn")
        self._health_stop = context.Event()
        self._results, sender = context.Pipe(duplex=False)
        self._health = context.Process(target=_health_client, args=(base, self._health_stop, sender),
                                       daemon=True)

    def __enter__(self) -> Watch:
        self._health.start()
        for t in self._threads:
            t.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._health_stop.set()
        if self._results.poll(HEALTH_TIMEOUT + 5):
            self.latencies, self.failures = self._results.recv()
        self._health.join(5)
        for t in self._threads:
            t.join(HEALTH_TIMEOUT + 5)

    def _sample(self) -> None:
        while not self._stop.is_set():
            try:
                for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
                    if line.startswith("VmRSS:"):
                        self.rss_mib = max(self.rss_mib, int(line.split()[1]) / 1024)
                self.fds = max(self.fds, len(os.listdir(f"/proc/{self.pid}/fd")))
            except OSError:
                pass
            self._stop.wait(0.05)

    def summary(self) -> dict:
        ms = sorted(x * 1000 for x in self.latencies) or [0.0]
        return {"health_requests": len(self.latencies), "health_failed": len(self.failures),
                "health_failures": sorted(set(self.failures)),
                "health_p50_ms": round(statistics.median(ms), 1),
                "health_p99_ms": round(ms[min(len(ms) - 1, int(len(ms) * 0.99))], 1),
                "health_max_ms": round(ms[-1], 1),
                "server_peak_rss_mib": round(self.rss_mib, 1), "server_peak_fds": self.fds}


def rss_now(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def huge_header(port: int, size: int = 100 * 1024 * 1024) -> dict:
    """One request whose single header is ``size`` bytes, sent as fast as the server reads it."""
    t0 = time.perf_counter()
    sent = 0
    answer = b""
    with socket.create_connection((HOST, port), timeout=60) as s:
        chunk = b"a" * (1024 * 1024)
        try:
            s.sendall(b"GET /api/health HTTP/1.1\r\nHost: x\r\nX-Big: ")
            while sent < size:
                s.sendall(chunk)
                sent += len(chunk)
            s.sendall(b"\r\n\r\n")
        except OSError as exc:
            answer = f"<send stopped: {type(exc).__name__}> ".encode()
        try:
            answer += s.recv(200)
        except OSError as exc:
            answer += f"<{type(exc).__name__}>".encode()
    return {"attacker_got": answer.split(b"\r\n")[0].decode(errors="replace"),
            "attacker_sent_mib": round(sent / 2**20, 1), "attack_seconds": round(time.perf_counter() - t0, 2)}


_HOLDER = r"""
import socket, sys, time
port, n, hold = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
socks, refused = [], 0
for _ in range(n):
    s = socket.socket()
    s.bind(("127.0.0.2", 0))
    s.setblocking(False)
    try:
        s.connect(("127.0.0.1", port))
    except BlockingIOError:
        pass
    except OSError:
        refused += 1
        s.close()
        continue
    socks.append(s)
time.sleep(0.5)
sent = 0
for s in socks:
    try:
        s.send(b"GET /api/health HTTP/1.1\r\nHost: x\r\n")  # the head never ends
        sent += 1
    except OSError:
        pass
end = time.monotonic() + hold
while time.monotonic() < end:
    time.sleep(0.5)
closed_by_server = 0  # answered (408/503) or closed by the server while held
for s in socks:
    try:
        s.setblocking(False)
        s.recv(1)
        closed_by_server += 1
    except BlockingIOError:
        pass
    except OSError:
        closed_by_server += 1
    s.close()
print(f"{len(socks)} {sent} {closed_by_server}")
"""


def half_open(port: int, sockets: int = 20_000, hold: float = 30.0, per_process: int = 10_000) -> dict:
    """``sockets`` connections that send half a request head and then wait ``hold`` seconds."""
    procs = [subprocess.Popen([sys.executable, "-c", _HOLDER, str(port), str(min(per_process, left)),
                               str(hold)], stdout=subprocess.PIPE, text=True)
             for left in range(sockets, 0, -per_process)]
    opened = sent = closed = 0
    for p in procs:
        out, _ = p.communicate(timeout=hold + 300)
        o, s, c = (int(x) for x in out.split())
        opened, sent, closed = opened + o, sent + s, closed + c
    return {"attacker_opened": opened, "attacker_sent_half_heads": sent,
            "attacker_closed_by_server_within_hold": closed, "hold_seconds": hold}


def expensive(base: str, path: str, clients: int = 8, seconds: float = 30.0) -> dict:
    """``clients`` anonymous clients asking ``path`` back to back for ``seconds``."""
    codes: dict[str, int] = {}
    lat: list[float] = []
    lock = threading.Lock()
    end = time.monotonic() + seconds

    def one(n: int) -> None:
        # each from an address of its own (127.0.0.2 ...), as eight visitors would be
        transport = httpx.HTTPTransport(local_address=f"127.0.0.{2 + n}")
        with httpx.Client(timeout=120, transport=transport) as c:
            while time.monotonic() < end:
                t0 = time.perf_counter()
                try:
                    code = str(c.get(base + path).status_code)
                except httpx.HTTPError as exc:
                    code = type(exc).__name__
                with lock:
                    codes[code] = codes.get(code, 0) + 1
                    lat.append(time.perf_counter() - t0)
    threads = [threading.Thread(target=one, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    ms = sorted(x * 1000 for x in lat) or [0.0]
    return {"attacker_answers": codes, "attacker_p50_ms": round(statistics.median(ms), 1),
            "attacker_max_ms": round(ms[-1], 1)}


def counts(base: str) -> dict:
    return httpx.get(base + "/api/health", timeout=60).json()["counts"]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("attack", choices=["header", "half-open", "expensive"])
    ap.add_argument("--db", type=Path, required=True)
    ap.add_argument("--path", default="/api/health", help="the expensive page (attack 'expensive')")
    ap.add_argument("--sockets", type=int, default=20_000)
    ap.add_argument("--seconds", type=float, default=30.0)
    ap.add_argument("--log", type=Path, default=Path("/tmp/policy-graph-attack.log"))
    ap.add_argument("--source", type=Path, default=REPO,
                    help="the source tree to serve from (an export of an earlier commit: 'before')")
    ap.add_argument("--clients", type=int, default=8)
    args = ap.parse_args()
    with server(args.db, args.log, source=args.source) as (proc, base, port):
        before = counts(base)
        rss0 = rss_now(proc.pid)
        with Watch(base, proc.pid) as watch:
            time.sleep(1)
            if args.attack == "header":
                result = huge_header(port)
            elif args.attack == "half-open":
                result = half_open(port, args.sockets, args.seconds)
            else:
                result = expensive(base, args.path, clients=args.clients, seconds=args.seconds)
            time.sleep(1)
        result.update(watch.summary())
        result["server_rss_before_mib"] = round(rss0, 1)
        result["graph_unchanged"] = counts(base) == before
    print(json.dumps({"attack": args.attack, **result}, ensure_ascii=False))


if __name__ == "__main__":
    main()
