"""`python -m bench.run --sizes 1000` (make bench) / `--sizes 1000,10000,100000` (make bench-full).

For each size, in one run on this machine: generate a synthetic corpus, ingest it stage by
stage with the project's own code (wall time and peak RSS per stage) beside the jieba floor,
time the linker at N/4 and N measures, load-test a real `policy-graph serve` on loopback,
and race /api/adopters against a `re` scan of the raw files. Then a cold `policy-graph
ingest` of the founding corpus. Results go to bench/results.json and BENCHMARKS.md.
"""
from __future__ import annotations

import argparse
import contextlib
import gc
import json
import os
import platform
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

from bench import grep_peer, load, report, themes
from bench.rss import StageTimer, rss_mib
from bench.stages import SETUP_STAGE, check_against_manifest, ingest_by_stage, jieba_floor, link_scaling
from policy_graph.settings import get_settings

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results.json"
MARKDOWN = ROOT / "BENCHMARKS.md"


def environment() -> dict:
    import ladybug

    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(next(l for l in Path("/proc/meminfo").read_text().splitlines() if l.startswith("MemTotal")).split()[1])
        mem = f"{kb / 1024 / 1024:.1f} GiB"
    except (OSError, StopIteration):
        pass
    commit = os.environ.get("BENCH_COMMIT", "")
    if not commit:
        proc = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
        commit = proc.stdout.strip() if proc.returncode == 0 else "?"
    return {"code (commit)": commit, "cpu": cpu, "cores": os.cpu_count(), "memory": mem,
            "python": platform.python_version(),
            "load average at start (1/5/15 min)": " / ".join(f"{x:.2f}" for x in os.getloadavg()),
            "ladybug": getattr(ladybug, "__version__", "?"), "platform": platform.platform()}


def cold_ingest(work: Path, runs: int = 3) -> dict:
    """A fresh process ingesting the founding corpus into a fresh database, timed from outside.

    The median of ``runs`` runs, with the CPU time the process used beside its wall time: on a
    machine shared with other work one run can be a second off either way."""
    import resource
    import statistics

    db = work / "cold" / "policy.lbdb"
    cmd = [sys.executable, "-m", "policy_graph.cli", "ingest", "--db", str(db)]
    walls, cpus, failure = [], [], None
    for _ in range(runs):
        shutil.rmtree(db.parent, ignore_errors=True)
        db.parent.mkdir(parents=True)
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True)
        walls.append(time.perf_counter() - started)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        if proc.returncode != 0:
            failure = f"exit {proc.returncode}: {(proc.stderr or proc.stdout).strip()[-400:]}"
            break
    out = {"seconds": round(statistics.median(walls), 2), "cpu_seconds": round(statistics.median(cpus), 2),
           "runs": [round(w, 2) for w in walls], "ok": failure is None, "documents": 5,
           "command": "policy-graph ingest --db <fresh file>"}
    if failure:
        out["note"] = failure
    return out


def cli_ingest(corpus: Path, work: Path) -> float | None:
    db = work / "cli" / "policy.lbdb"
    shutil.rmtree(db.parent, ignore_errors=True)
    db.parent.mkdir(parents=True)
    started = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "policy_graph.cli", "ingest", str(corpus), "--db", str(db)],
                          cwd=ROOT, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    shutil.rmtree(db.parent, ignore_errors=True)
    return round(elapsed, 2) if proc.returncode == 0 else None


def endpoint_urls(records, manifest) -> dict[str, tuple[str, callable]]:
    """URL makers for the endpoints under load, drawing parameters from what was ingested."""
    from urllib.parse import quote

    measure_ids = [m.id for d in records for m in d.measures if m.kind == "measure"] or ["none"]
    regions = sorted({d.region for d in records if d.region}) or ["厦门"]
    origins = sorted({r["from"] for d in manifest.documents for m in d.measures for r in m.replications
                      if not r.get("optional")}) or regions
    words = sorted({w for d in records for m in d.measures for w in (m.title[:4], m.title[2:6]) if len(w) == 4})
    words = words or ["知识产权"]
    from bench.synth import build_vocabulary

    practices = [p for p in build_vocabulary()[0].practices if len(p) >= 3] or ["知识产权"]

    return {
        "measure": ("/api/measures/{id}", lambda r: f"/api/measures/{quote(r.choice(measure_ids))}"),
        "search": ("/api/search?q=", lambda r: f"/api/search?q={quote(r.choice(words))}"),
        "adopters": ("/api/adopters?q=", lambda r: f"/api/adopters?q={quote(r.choice(practices))}"),
        "paths": ("/api/paths?from=", lambda r: f"/api/paths?from={quote(r.choice(origins))}"),
        "compare": ("/api/compare?regions=A,B",
                    lambda r: "/api/compare?regions=" + quote(",".join(r.sample(regions, 2)) if len(regions) > 1
                                                             else regions[0] + "," + regions[0])),
        "subgraph": ("/api/subgraph?center=Measure:{id}",
                     lambda r: f"/api/subgraph?center={quote('Measure:' + r.choice(measure_ids))}&depth=1"),
    }


# Seconds of each of the empty route's rounds that bracket the endpoints' rounds: an endpoint's
# share of the empty route is judged against the mean of the two around it, the floor of its own
# minute. With one floor per size, measured before rounds that run up to ten minutes later, the
# machine's drift between the two landed in the shares: in one run the grep peer, which no change
# of ours touches, took 1.7 ms a question before the answer-cache rounds and 2.7 ms after them.
# It does not take out a slowdown that hits heavy routes harder than the empty one (the next run:
# compare at 10k 892 -> 563 req/s on unchanged code, the empty route around it ~3,160 req/s).
FLOOR_AROUND_S = 5.0


def _floor_now(floor_base: str, args, duration: float = FLOOR_AROUND_S) -> load.EndpointResult:
    """A round of the empty route (FLOOR_AROUND_S unless said), with its one-client time, now."""
    return load.run_endpoint(floor_base, "floor", lambda rng: "/floor", clients=args.clients,
                             duration=duration, max_requests=args.max_requests, seed=args.seed)


def _load_rounds(base: str, urls: dict, args, duration: float, label: str,
                 floor_base: str) -> tuple[list[dict], load.EndpointResult]:
    """Each endpoint's round, with the empty route's throughput around it (``floor_around_rps``:
    the mean of the rounds just before and just after it); and the empty route's last round,
    which is also the one just before whatever the caller asks next."""
    results = []
    floor = _floor_now(floor_base, args)
    for i, (name, (path, make)) in enumerate(urls.items()):
        res = load.run_endpoint(base, name, make, clients=args.clients, duration=duration,
                                max_requests=args.max_requests, seed=args.seed + i)
        before, floor = floor.throughput_rps, _floor_now(floor_base, args)
        after = floor.throughput_rps
        around = round((before + after) / 2, 1) if before and after else None
        results.append({**res.to_dict(), "path": path, "floor_around_rps": around})
        print(f"{label} {name}: {res.status} p50 {res.p50_ms} ms p99 {res.p99_ms} ms "
              f"{res.throughput_rps} req/s (the empty route around it: {before} and {after} req/s), "
              f"cache hits {res.cache_hit_rate} {res.note[:120]}", flush=True)
    return results, floor


def run_size(size: int, args, work: Path) -> dict:
    from bench.synth import generate

    run: dict = {"size": size, "notes": [], "load_average_at_start": [round(x, 2) for x in os.getloadavg()]}
    corpus = work / f"corpus_{size}"
    shutil.rmtree(corpus, ignore_errors=True)
    started = time.perf_counter()
    manifest = generate(size, args.seed, corpus)
    gen_s = time.perf_counter() - started
    files = sorted(corpus.glob("*.txt"))
    mib = sum(f.stat().st_size for f in files) / 2**20
    run["generate"] = {"seed": args.seed, "documents": len(manifest.documents),
                       "measures": sum(d.measure_count for d in manifest.documents),
                       "seconds": round(gen_s, 2), "mib": round(mib, 1)}
    print(f"[{size}] generated {len(files)} documents ({mib:.1f} MiB) in {gen_s:.1f} s", flush=True)

    db = work / f"graph_{size}" / "policy.lbdb"
    shutil.rmtree(db.parent, ignore_errors=True)
    timer = StageTimer()
    gc.collect()
    base_rss = rss_mib()
    records, errors = ingest_by_stage(files, db, timer)
    total = sum(v["seconds"] for k, v in timer.stages.items() if k != SETUP_STAGE)
    print(f"[{size}] ingested in {total:.1f} s: " +
          ", ".join(f"{k} {v['seconds']:.1f} s" for k, v in timer.stages.items()), flush=True)
    jieba_s, jieba_cpu = jieba_floor(files)
    print(f"[{size}] jieba floor {jieba_s:.1f} s (cpu {jieba_cpu:.1f} s)", flush=True)
    cpu_total = sum(v["cpu_seconds"] for k, v in timer.stages.items() if k != SETUP_STAGE)
    run["ingest"] = {
        "stages": {k: {key: (round(val, 2) if isinstance(val, float) else val) for key, val in v.items()}
                   for k, v in timer.stages.items()},
        "cpu_seconds": round(cpu_total, 2), "jieba_cpu_seconds": round(jieba_cpu, 2),
        "cpu_ratio_to_jieba": round(cpu_total / jieba_cpu, 2) if jieba_cpu else None,
        "total_seconds": round(total, 2), "peak_rss_mib": round(max(v["peak_rss_mib"] for v in timer.stages.values()), 1),
        "rss_before_mib": round(base_rss, 1), "jieba_seconds": round(jieba_s, 2),
        "ratio_to_jieba": round(total / jieba_s, 2) if jieba_s else None,
        "refused_files": len(errors), "accuracy": check_against_manifest(records, manifest),
    }
    if errors:
        run["notes"].append(f"{len(errors)} files refused by ingest, first: {errors[0]}")
    if args.cli_check and size <= 1000:
        run["ingest"]["cli_seconds"] = cli_ingest(corpus, work)

    # three runs of each point above 25k measures would add minutes of linking: one there
    run["linking"] = link_scaling(records, timer.stages.get("link", {}), repeats=3 if size <= 25_000 else 1)
    if args.profile == "always" or (args.profile == "auto" and size <= 1000):
        from bench.profile import profile_ingest

        prof_db = work / f"profile_{size}" / "policy.lbdb"
        shutil.rmtree(prof_db.parent, ignore_errors=True)
        run["profile"] = profile_ingest(files, prof_db)
        shutil.rmtree(prof_db.parent, ignore_errors=True)
    print(f"[{size}] linking N/4 -> N ratio {run['linking'].get('ratio')}", flush=True)

    log = work / f"serve_{size}.log"
    urls = endpoint_urls(records, manifest)
    # The client of every one-client time below is this process, which holds the corpus's manifest
    # and parsed records (millions of objects at 100k): its cyclic collector's passes over them
    # landed inside timed requests (/api/adopters at 100k, a 191-region question: 10.8 ms, 7.6 ms
    # with them frozen; 6.0 ms from a client holding nothing). Frozen, they are not walked again
    # until the size is done; a real client holds none of them.
    gc.collect()
    gc.freeze()
    stack = contextlib.ExitStack()  # the floor's server, up through every round of this size
    try:
        settings = get_settings(db=db)
        # each server's memory is read just before it is stopped, after its rounds (issue 18);
        # the graph's files for scale
        memory: dict = {}
        run["api"] = {"clients": args.clients, "duration_s": args.duration, "max_requests": args.max_requests,
                      "client": load.client_description(args.clients), "server_memory": memory,
                      "graph_file_mib": load.file_mib(db),
                      "index_files_mib": load.file_mib(settings.similarity_index_path, settings.text_index_path)}
        # the floor's server stays up through every round: its empty route is asked again between
        # the endpoints' rounds (FLOOR_AROUND_S)
        floor = stack.enter_context(load.serve_floor(log=work / f"floor_{size}.log"))
        res = _floor_now(floor.base, args, args.duration)
        run["api"]["floor"] = {**res.to_dict(), "path": "/floor (bench/floor.py: a route doing no work)"}
        print(f"[{size}] floor: p50 {res.p50_ms} ms p99 {res.p99_ms} ms {res.throughput_rps} req/s", flush=True)
        floor_ms = res.unloaded_p50_ms
        queries = grep_peer.pick_queries(corpus, manifest, k=args.grep_queries)
        fts_path = work / f"fts_peer_{size}.sqlite"
        # As deployed (the answer cache on): wrk cycles 2,000 URLs per endpoint, so after the first
        # pass most answers come from the cache (each row says how many), and the peers' questions,
        # asked 8 times each, are kept answers after the first.
        with load.serve(db, log=log, clients=args.clients) as server:
            run["api"]["endpoints"], last = _load_rounds(server.base, urls, args, args.duration, f"[{size}]",
                                                         floor.base)
            run["grep_peer_cached"] = grep_peer.compare(server.base, corpus, manifest, queries, fts_path=fts_path,
                                                        floor_ms=last.unloaded_p50_ms)
            print(f"[{size}] grep peer, answer cache on {run['grep_peer_cached']['summary']}", flush=True)
            memory["serve"] = server.memory()
        # The work itself: the same rounds (at half the duration) and the peers' questions against a
        # server with the answer cache off.
        with load.serve(db, log=work / f"serve_{size}_uncached.log", clients=args.clients,
                        answer_cache_mib=0) as server:
            # a fresh server: every theme's first request, before the rounds ask any
            run["theme_questions"] = themes.first_requests(server.base, floor_ms)
            tq = run["theme_questions"]
            print(f"[{size}] theme questions, first request: median {tq['median_ms']} ms, max {tq['max_ms']} ms "
                  f"({tq['slowest']})", flush=True)
            run["api"]["uncached_duration_s"] = args.duration / 2
            run["api"]["endpoints_uncached"], last = _load_rounds(server.base, urls, args, args.duration / 2,
                                                                  f"[{size}] cache off", floor.base)
            run["grep_peer"] = grep_peer.compare(server.base, corpus, manifest, queries, fts_path=fts_path,
                                                 floor_ms=last.unloaded_p50_ms)
            print(f"[{size}] grep peer {run['grep_peer']['summary']}", flush=True)
            memory["serve_uncached"] = server.memory()
        memory["floor"] = floor.memory()
        print(f"[{size}] server memory (MiB) {memory}", flush=True)
    except RuntimeError as exc:
        run["notes"].append(f"API not measured: {exc}")
        print(f"[{size}] API not measured: {exc}", flush=True)
    finally:
        stack.close()
        gc.unfreeze()
    run["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    if not args.keep:
        shutil.rmtree(corpus, ignore_errors=True)
        shutil.rmtree(db.parent, ignore_errors=True)
    return run


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1000", help="comma-separated measure counts, e.g. 10000,100000")
    ap.add_argument("--seed", type=int, default=8)
    ap.add_argument("--duration", type=float, default=None,
                    help="seconds of load per endpoint (default: 30, or 5 when every size is ≤ 1000)")
    ap.add_argument("--clients", type=int, default=16)
    ap.add_argument("--max-requests", type=int, default=100_000)
    ap.add_argument("--grep-queries", type=int, default=5)
    ap.add_argument("--work", type=Path, default=ROOT / "var" / "bench")
    ap.add_argument("--keep", action="store_true", help="keep generated corpora and graphs")
    ap.add_argument("--no-cli-check", dest="cli_check", action="store_false",
                    help="skip the extra whole-CLI ingest of each corpus")
    ap.add_argument("--profile", choices=("auto", "always", "never"), default="auto",
                    help="cProfile the ingest phases (auto: at sizes up to 1000)")
    ap.add_argument("--out", type=Path, default=RESULTS)
    ap.add_argument("--markdown", type=Path, default=MARKDOWN)
    args = ap.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    if args.duration is None:
        args.duration = 5.0 if max(sizes) <= 1000 else 30.0
    args.work.mkdir(parents=True, exist_ok=True)
    random.seed(args.seed)

    command = "python -m bench.run " + " ".join(argv if argv is not None else sys.argv[1:])
    stamp = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime())
    # Sizes measured by an earlier invocation (make bench-full, then make bench) are kept.
    previous = json.loads(args.out.read_text(encoding="utf-8")) if args.out.exists() else {}
    kept = [r for r in previous.get("runs", []) if r.get("size") not in sizes]
    results = {"generated_at": stamp, "command": command, "environment": environment(), "runs": kept}
    results["cold_ingest"] = {**cold_ingest(args.work), "measured_at": stamp}
    print(f"cold ingest of the founding corpus: {results['cold_ingest']}", flush=True)
    for size in sizes:
        run = run_size(size, args, args.work)
        run.update(measured_at=stamp, command=command, commit=results["environment"].get("code (commit)"))
        results["runs"] = sorted([r for r in results["runs"] if r["size"] != size] + [run], key=lambda r: r["size"])
        for r in results["runs"]:
            r["goals"] = report.goals(r)
        args.out.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        args.markdown.write_text(report.render(results), encoding="utf-8")
    print(f"wrote {args.out} and {args.markdown}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
