"""BENCHMARKS.md from bench/results.json: tables per size, each goal marked met or missed."""
from __future__ import annotations

from pathlib import Path
from typing import Any

ENDPOINT_GOALS = {"measure": True, "adopters": True}  # point and adopter queries carry the latency goal
P50_GOAL_MS, P99_GOAL_MS = 5.0, 25.0
# issue 18: throughput under 16 connections as a share of the empty route's, in the same run
THROUGHPUT_GOALS = {"measure": 0.60, "search": 0.40, "adopters": 0.40, "compare": 0.20, "paths": 0.20,
                    "subgraph": 0.20}


def _fmt(value: Any, unit: str = "", digits: int = 2) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.{digits}f}{unit}"
    return f"{value}{unit}"


def _percent(share: float | None) -> float | None:
    return None if share is None else share * 100


def _mark(ok: bool | None) -> str:
    return "–" if ok is None else ("met" if ok else "**missed**")


def goals(run: dict[str, Any]) -> list[dict[str, Any]]:
    """Each goal of issue 8 against one size's figures."""
    out = []
    ing = run.get("ingest") or {}
    ratio = ing.get("ratio_to_jieba")
    out.append({"goal": "whole ingest ≤ 1.5× jieba floor", "value": f"{_fmt(ratio, '×')} (CPU {_fmt(ing.get('cpu_ratio_to_jieba'), '×')})",
                "met": None if ratio is None else ratio <= 1.5})
    link = run.get("linking") or {}
    lr = link.get("ratio")
    lc = link.get("cpu_ratio")
    on_cpu = link.get("judged_on") == "cpu"
    judged = lc if on_cpu else lr
    out.append({"goal": "linking time 4N / N ≤ 5",
                "value": (f"CPU {_fmt(lc, '×')} (wall {_fmt(lr, '×')})" if on_cpu
                          else f"{_fmt(lr, '×')} (CPU {_fmt(lc, '×')})"),
                "met": None if judged is None else judged <= 5})
    for ep in (run.get("api") or {}).get("endpoints", []):
        if ep["name"] in ENDPOINT_GOALS:
            if ep["status"] != "ok" or ep["p50_ms"] is None:
                out.append({"goal": f"/api {ep['name']}: p50 ≤ 5 ms, p99 ≤ 25 ms",
                            "value": ep["status"], "met": False})
                continue
            out.append({"goal": f"/api {ep['name']}: p50 ≤ 5 ms, p99 ≤ 25 ms",
                        "value": f"p50 {ep['p50_ms']:.1f} ms, p99 {ep['p99_ms']:.1f} ms",
                        "met": ep["p50_ms"] <= P50_GOAL_MS and ep["p99_ms"] <= P99_GOAL_MS})
    grep = (run.get("grep_peer") or {}).get("summary") or {}
    if grep:
        sp, ar, gr = grep.get("speedup"), grep.get("api_recall_mean"), grep.get("grep_recall_mean")
        out.append({"goal": "/api/adopters ≥ 10× faster than grep", "value": _fmt(sp, "×", 1),
                    "met": None if sp is None else sp >= 10})
        out.append({"goal": "/api/adopters recall strictly better than grep",
                    "value": f"api {_fmt(ar)} vs grep {_fmt(gr)}",
                    "met": None if ar is None or gr is None else ar > gr})
        ratio, fr = grep.get("api_over_fts_plus_floor"), grep.get("fts_recall_mean")
        if ratio is not None:
            cached = ((run.get("grep_peer_cached") or {}).get("summary") or {}).get("api_over_fts_plus_floor")
            out.append({"goal": "/api/adopters text questions ≤ 2× (FTS5 peer + empty route), worst question"
                                + (", answer cache off" if cached is not None else ""),
                        "value": _fmt(ratio, "×"), "met": ratio <= 2})
            if cached is not None:
                out.append({"goal": "/api/adopters text questions ≤ 2× (FTS5 peer + empty route), worst question, "
                                    "answer cache on (a question asked again)",
                            "value": _fmt(cached, "×"), "met": cached <= 2})
            out.append({"goal": "/api/adopters recall ≥ the FTS5 peer's and 1.00",
                        "value": f"api {_fmt(ar)} vs FTS5 {_fmt(fr)}",
                        "met": None if ar is None else ar >= max(fr or 0, 1.0)})
    tq = run.get("theme_questions")
    if tq:
        out.append({"goal": "theme questions, one client, each theme's first request ≤ 20 ms",
                    "value": f"median {_fmt(tq['median_ms'], ' ms', 1)}, max {_fmt(tq['max_ms'], ' ms', 1)} "
                             f"({tq['slowest']}); {tq['over_goal']} of {tq['themes']} over",
                    "met": tq["max_ms"] <= 20})
    api = run.get("api") or {}
    floor_rps = (api.get("floor") or {}).get("throughput_rps")
    # judged twice: as served (answer cache on; the rounds repeat 2,000 URLs, so most answers are
    # kept ones) and with the cache off (the work itself)
    # (a run from before the answer cache has the first rows only, measured without one)
    both = "endpoints_uncached" in api
    for key, how in (("endpoints", "answer cache on" if both else ""), ("endpoints_uncached", "answer cache off")):
        for ep in api.get(key, []):
            share = THROUGHPUT_GOALS.get(ep["name"])
            floor_then = _floor_of(ep, floor_rps)
            if share and floor_then and ep.get("throughput_rps") is not None:
                got = ep["throughput_rps"] / floor_then
                errors = ep.get("errors") or 0
                hits = ep.get("cache_hit_rate")
                note = [f"{errors} errors"] if errors else []
                if hits is not None:
                    note.append(f"{hits:.0%} from the cache")
                # a refused request (429, 503) is quick: a run with errors says nothing of the goal
                out.append({"goal": f"{api.get('clients')} connections{', ' + how if how else ''}: {ep['name']} ≥ "
                                    f"{share:.0%} of the empty route's throughput",
                            "value": f"{got:.0%}" + (f" ({', '.join(note)})" if note else ""),
                            "met": got >= share and not errors})
    return out


def _floor_of(ep: dict[str, Any], floor_rps: float | None) -> float | None:
    """The empty route's throughput an endpoint's round is judged against: around it (the mean of
    the rounds just before and after it, bench/run.py FLOOR_AROUND_S), or the size's one floor in
    a run from before."""
    return ep.get("floor_around_rps") or floor_rps


def _endpoint_row(ep: dict[str, Any], floor_rps: float | None) -> str:
    floor_then = _floor_of(ep, floor_rps)
    share = ep["throughput_rps"] / floor_then if floor_then and ep.get("throughput_rps") is not None else None
    hits = ep.get("cache_hit_rate")
    return (f"| {ep['name']} (`{ep.get('path', '')}`) | {ep['status']} | "
            f"{_fmt(ep.get('unloaded_p50_ms'), ' ms')} | {ep['requests']} | {ep['errors']} | "
            f"{_fmt(ep['p50_ms'], ' ms')} | {_fmt(ep['p95_ms'], ' ms')} | {_fmt(ep['p99_ms'], ' ms')} | "
            f"{_fmt(ep['throughput_rps'], ' req/s', 1)} | {_fmt(ep.get('floor_around_rps'), ' req/s', 1)} | "
            f"{'–' if share is None else f'{share:.0%}'} | {'–' if hits is None else f'{hits:.0%}'} |")


# the servers a run starts, in the order it starts them: key in api.server_memory, row label
SERVERS = (("floor", "*floor* (`bench/floor.py` under uvicorn)"),
           ("serve", "`policy-graph serve`"),
           ("serve_uncached", "`policy-graph serve`, answer cache off"))


def _memory_lines(api: dict[str, Any]) -> list[str]:
    """Each server's peak RSS and its RSS after its rounds, beside the size of the graph it served
    (runs from before these were read show "–")."""
    memory = api.get("server_memory") or {}
    lines = ["Memory of each server process (`/proc/PID/status`), read just before it was stopped: the peak "
             "(VmHWM) over its whole life, from start-up through its rounds (and, for `policy-graph serve`, "
             "the peers' questions), and the resident memory at that moment (VmRSS). For scale: the graph's "
             f"database file {_fmt(api.get('graph_file_mib'), ' MiB', 0)}, its similarity and text index "
             f"files {_fmt(api.get('index_files_mib'), ' MiB', 0)}.", "",
             "| server | peak RSS | RSS after the rounds |", "|---|---|---|"]
    for key, label in SERVERS:
        got = memory.get(key) or {}
        lines.append(f"| {label} | {_fmt(got.get('peak_rss_mib'), ' MiB', 0)} | "
                     f"{_fmt(got.get('rss_mib'), ' MiB', 0)} |")
    return lines + [""]


def render(results: dict[str, Any]) -> str:
    lines = ["# Benchmarks", "",
             "Written by `python -m bench.run` (`make bench`: 1k measures; `make bench-full`: 10k and 100k). "
             "Every figure of one size comes from one run on the same machine; nothing here is edited by hand "
             "except the closing table of hot-path fixes (bench/FIXES.md), which cites the measurements taken "
             "while fixing.",
             ""]
    env = results.get("environment", {})
    if env:
        lines += ["## Machine", "", "| | |", "|---|---|"]
        lines += [f"| {k} | {v} |" for k, v in env.items()]
        lines.append("")
    cold = results.get("cold_ingest")
    if cold:
        lines += ["## Cold `policy-graph ingest` of the founding corpus", "",
                  "| documents | wall time (fresh process, fresh database; median) | CPU time (median) | runs | goal ≤ 5 s |",
                  "|---|---|---|---|---|",
                  f"| {cold.get('documents', '–')} | {_fmt(cold.get('seconds'), ' s')} | "
                  f"{_fmt(cold.get('cpu_seconds'), ' s')} | {', '.join(f'{w:.2f}' for w in cold.get('runs', [])) or '–'} | "
                  f"{_mark(None if cold.get('seconds') is None else cold['seconds'] <= 5 and cold.get('ok', True))} |",
                  ""]
        if cold.get("note"):
            lines += [cold["note"], ""]
    for run in results.get("runs", []):
        lines += _render_run(run)
    notes = results.get("notes") or []
    if notes:
        lines += ["## Notes", ""] + [f"- {n}" for n in notes] + [""]
    if FIXES.is_file():
        lines += [FIXES.read_text(encoding="utf-8").strip(), ""]
    return "\n".join(lines) + "\n"


FIXES = Path(__file__).resolve().parent / "FIXES.md"


def _render_run(run: dict[str, Any]) -> list[str]:
    n = run["size"]
    gen = run.get("generate", {})
    la0, la1 = run.get("load_average_at_start"), run.get("load_average_at_end")
    lines = [f"## {n:,} measures".replace(",", " "), "",
             f"Synthetic corpus: {gen.get('documents', '–')} documents, {gen.get('measures', '–')} measures, "
             f"{_fmt(gen.get('mib'), ' MiB', 1)} of text, generated in {_fmt(gen.get('seconds'), ' s')} "
             f"(seed {gen.get('seed', '–')}).", ""]
    if run.get("measured_at"):
        at = f" at commit {run['commit']}" if run.get("commit") else ""
        lines += [f"Measured {run['measured_at']}{at} by `{run.get('command', '')}`.", ""]
    if la0:
        lines += [f"Machine load average (1/5/15 min) {' / '.join(map(str, la0))} at the start of this size, "
                  f"{' / '.join(map(str, la1 or []))} at its end: a load above the core count means the "
                  "benchmark shared the CPUs with other work, which stretches wall times (CPU times much less).", ""]
    ing = run.get("ingest") or {}
    if ing:
        lines += ["### Ingest by stage", "",
                  "read/normalise, segment and extract run interleaved per document; their times come from the "
                  "pipeline's own per-document clock and they share one memory peak.", "",
                  "| stage | wall time | CPU time | peak RSS |", "|---|---|---|---|"]
        for name, st in ing.get("stages", {}).items():
            lines.append(f"| {name} | {_fmt(st['seconds'], ' s')} | {_fmt(st.get('cpu_seconds'), ' s')} | "
                         f"{_fmt(st.get('peak_rss_mib') or None, ' MiB', 0)} |")
        lines += [f"| **whole ingest** (the rows above, without the dictionary loads) | **{_fmt(ing.get('total_seconds'), ' s')}** | {_fmt(ing.get('cpu_seconds'), ' s')} | "
                  f"{_fmt(ing.get('peak_rss_mib'), ' MiB', 0)} |",
                  f"| jieba floor (`jieba.lcut` over the same text) | {_fmt(ing.get('jieba_seconds'), ' s')} | "
                  f"{_fmt(ing.get('jieba_cpu_seconds'), ' s')} | |",
                  f"| **ratio ingest / jieba** | **{_fmt(ing.get('ratio_to_jieba'), '×')}** | "
                  f"{_fmt(ing.get('cpu_ratio_to_jieba'), '×')} | |", ""]
        link_st = ing.get("stages", {}).get("link", {})
        if link_st.get("linker_compute_seconds") is not None and link_st.get("planned_ahead"):
            lines += [f"The linker's own computation took {_fmt(link_st['linker_compute_seconds'], ' s')} "
                      f"(CPU {_fmt(link_st.get('linker_compute_cpu_seconds'), ' s')}, counted in the link "
                      "stage's CPU) in a process forked before the load, as the CLI runs it "
                      "(policy_graph.service.links_ahead): its wall time overlaps the load's; the link "
                      "stage's wall time is the text index, the summaries, the wait for the plan and "
                      "writing the edges.", ""]
        elif link_st.get("linker_compute_seconds") is not None:  # runs before the planner was forked
            lines += [f"Of the link stage, {_fmt(link_st['linker_compute_seconds'], ' s')} "
                      f"(CPU {_fmt(link_st.get('linker_compute_cpu_seconds'), ' s')}) are the linker's own "
                      "computation; the rest is saving its index and writing the edges.", ""]
        acc = ing.get("accuracy")
        if acc:
            lines += [f"Extraction against the manifest: {acc.get('documents_exact', '–')}/{acc.get('documents', '–')} "
                      f"documents with exactly the generated measure labels, "
                      f"agency sets exact on {_fmt(acc.get('agency_exact_share'), '', 4)} of measures.", ""]
        if ing.get("cli_seconds") is not None:
            lines += [f"Cross-check: `policy-graph ingest` of the same folder as one CLI process took "
                      f"{_fmt(ing['cli_seconds'], ' s')}.", ""]
    link = run.get("linking") or {}
    if link:
        lines += ["### Linking scale", "", f"{link.get('method', '')}.", "",
                  "| measures | search | threads | link time | CPU time (all threads) | CPU time of each run |",
                  "|---|---|---|---|---|---|"]
        for pt in link.get("points", []):
            runs = ", ".join(_fmt(c, ' s') for c in pt.get("cpu_runs", []))
            lines.append(f"| {pt['measures']} | {pt.get('search', 'exact')} | {pt.get('workers', 1)} | "
                         f"{_fmt(pt['seconds'], ' s')} | {_fmt(pt.get('cpu_seconds'), ' s')} | {runs} |")
        lines += [f"| **ratio 4N / N** | | | {_fmt(link.get('ratio'), '×')} | **{_fmt(link.get('cpu_ratio'), '×')}** | |", ""]
        for pt in link.get("points", []):
            check = pt.get("against_exact")
            if check:
                lines += [f"At {pt['measures']} measures the clustered search kept "
                          f"{_fmt(_percent(check['exact_edges_found']), ' %', 1)} of the exact search's "
                          f"{check['exact_edges']} edges, and {_fmt(_percent(check['within_001_of_exact']), ' %', 1)} "
                          f"of its edges score within 0.01 of the exact list's weakest; the exact search took "
                          f"{_fmt(check['exact_cpu_seconds'], ' s')} of CPU.", ""]
        if link.get("judged_on") == "cpu":
            lines += ["The goal is judged on CPU time (all threads): on a shared machine wall times stretch with "
                      "the other work, CPU times much less.", ""]
    api = run.get("api") or {}
    if api:
        lines += ["### API under load", "",
                  f"{api.get('client') or str(api.get('clients')) + ' concurrent async httpx clients'} against "
                  f"`policy-graph serve` on 127.0.0.1, {api.get('duration_s')} s per endpoint. One-client p50: "
                  "requests sent one after another with httpx. Client and server share the machine's cores. "
                  "wrk's connections all come from one address, so the server is started with as many expensive "
                  "requests per client as there are connections (`POLICY_GRAPH_EXPENSIVE_PER_CLIENT`); one "
                  "expensive request runs at a time, its default.", ""]
        if "endpoints_uncached" in api:
            lines += ["wrk's two threads walk the same 2,000 URLs per endpoint in the same order, so with the "
                      "answer cache on (as `policy-graph serve` runs by default, api/answers.py) a question one "
                      "thread asked is often a kept answer for the other, and after the first pass nearly every "
                      "one is: the last column says how many were. The rows with the cache off "
                      f"({_fmt(api.get('uncached_duration_s'), ' s', 0)} per endpoint, a server started with "
                      "`POLICY_GRAPH_ANSWER_CACHE_MIB=0`) are the cost of the work itself.", ""]
        lines += ["The empty route is asked for a few seconds before and after each endpoint's round, and "
                  "the share is of the mean of the two (the column before it): the machine's speed drifts over "
                  "the minutes a size's rounds take. The floor's own round, the last row, came first.", "",
                  "| endpoint | status | one client p50 | requests | errors | p50 | p95 | p99 | throughput | "
                  "empty route around it | of the empty route | from the cache |",
                  "|---|---|---|---|---|---|---|---|---|---|---|---|"]
        floor = api.get("floor") or {}
        floor_rps = floor.get("throughput_rps")
        lines += [_endpoint_row(ep, floor_rps) for ep in api.get("endpoints", [])]
        lines += [_endpoint_row({**ep, "name": ep["name"] + ", cache off"}, floor_rps)
                  for ep in api.get("endpoints_uncached", [])]
        if floor:
            lines.append(f"| *floor: a route doing no work* (`bench/floor.py`, same uvicorn and clients) | "
                         f"{floor['status']} | {_fmt(floor.get('unloaded_p50_ms'), ' ms')} | {floor['requests']} | "
                         f"{floor['errors']} | {_fmt(floor['p50_ms'], ' ms')} | {_fmt(floor['p95_ms'], ' ms')} | "
                         f"{_fmt(floor['p99_ms'], ' ms')} | {_fmt(floor['throughput_rps'], ' req/s', 1)} | | | |")
        lines += ["", "The clients run a closed loop, so under load p50 ≈ clients / throughput (Little's law): it is "
                  "mostly time spent queueing for a server that completes that many requests a second; the one-client "
                  "p50 is the cost of a request on its own.", ""]
        for ep in api.get("endpoints", []) + [{**e, "name": e["name"] + ", cache off"}
                                               for e in api.get("endpoints_uncached", [])]:
            if ep.get("note"):
                lines.append(f"- {ep['name']}: {ep['note']}")
        lines.append("")
        lines += _memory_lines(api)
    grep = run.get("grep_peer") or {}
    if grep.get("rows"):
        s = grep.get("summary", {})
        lines += ["### Peers: grep and SQLite FTS5, \"which regions adopted X?\"", "",
                  "grep: Python `re` over the raw files. FTS5: the same files loaded into SQLite, one row per "
                  "paragraph with the trigram tokenizer, queried in this process (bench/fts_peer.py; loading "
                  f"and indexing took {_fmt(s.get('fts_build_seconds'), ' s')}). FTS5 and /api/adopters (one "
                  "client, HTTP on loopback; since the answer cache, on a server with it off: a question asked "
                  "again would be a kept answer): median of 7 after a first request. The last column divides the "
                  "API's time by the FTS5 peer's plus the empty route's one-client time "
                  f"({_fmt(s.get('floor_ms'), ' ms')}, measured in the same run).", "",
                  "| X | true regions | grep time | grep recall | FTS5 time | FTS5 recall | /api/adopters time | "
                  "api recall | api precision | api ÷ (FTS5 + empty route) |",
                  "|---|---|---|---|---|---|---|---|---|---|"]
        floor_s = (s.get("floor_ms") or 0) / 1000
        for r in grep["rows"]:
            fts_s = r.get("fts_seconds")
            ratio = r["api_seconds"] / (fts_s + floor_s) if fts_s is not None and floor_s else None
            lines.append(f"| {r['query']} | {r['true_regions']} | {_fmt(r['grep_seconds'] * 1000, ' ms', 1)} | "
                         f"{_fmt(r['grep_recall'])} | {_fmt(None if fts_s is None else fts_s * 1000, ' ms', 2)} | "
                         f"{_fmt(r.get('fts_recall'))} | {_fmt(r['api_seconds'] * 1000, ' ms', 2)} | "
                         f"{_fmt(r['api_recall'])} | {_fmt(r['api_precision'])} | {_fmt(ratio, '×')} |")
        fm = s.get("fts_seconds_mean")
        lines += [f"| **mean** | | {_fmt(s.get('grep_seconds_mean') * 1000, ' ms', 1)} | {_fmt(s.get('grep_recall_mean'))} | "
                  f"{_fmt(None if fm is None else fm * 1000, ' ms', 2)} | {_fmt(s.get('fts_recall_mean'))} | "
                  f"{_fmt(s.get('api_seconds_mean') * 1000, ' ms', 2)} | {_fmt(s.get('api_recall_mean'))} | | "
                  f"worst {_fmt(s.get('api_over_fts_plus_floor'), '×')} |", ""]
    if tq := run.get("theme_questions"):
        lines += ["### Theme questions, first request", "",
                  f"Each of the {tq['themes']} themes asked once by its key of a fresh server (bench/themes.py), one "
                  f"client over HTTP: median {_fmt(tq['median_ms'], ' ms', 1)}, max {_fmt(tq['max_ms'], ' ms', 1)} "
                  f"({tq['slowest']}); the largest answer shows {tq['max_measures_shown']} measures in "
                  f"{tq['max_bytes'] / 1024:.0f} KiB. The server's very first question (a text one, asked before) took "
                  f"{_fmt(tq['process_first_question_ms'], ' ms', 1)}; the empty route's one-client time in this run "
                  f"is {_fmt(tq.get('floor_ms'), ' ms', 2)}."
                  + (f" Each of the {pq['asked']} practices, asked the same way after the themes: median "
                     f"{_fmt(pq['median_ms'], ' ms', 1)}, max {_fmt(pq['max_ms'], ' ms', 1)} ({pq['slowest']}; its "
                     f"answer holds its theme's other adopters too)." if (pq := tq.get("practices")) else ""), ""]
    prof = run.get("profile") or {}
    if prof:
        lines += ["### Profile (cProfile, own time)", "",
                  "The hottest functions of each phase on this size, for the goals above that are missed.", ""]
        for phase, body in prof.items():
            lines += [f"**{phase}**", "", "| function | calls | own time | cumulative |", "|---|---|---|---|"]
            for row in body.get("by_own_time", []):
                lines.append(f"| `{row['function']}` | {row['calls']} | {row['own_s']:.3f} s | {row['cumulative_s']:.3f} s |")
            lines.append("")
    lines += ["### Goals", "", "| goal | measured | |", "|---|---|---|"]
    lines += [f"| {g['goal']} | {g['value']} | {_mark(g['met'])} |" for g in goals(run)]
    lines.append("")
    for note in run.get("notes", []):
        lines.append(f"- {note}")
    if run.get("notes"):
        lines.append("")
    return lines
