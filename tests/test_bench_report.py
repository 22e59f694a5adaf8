"""BENCHMARKS.md: the "API under load" section (each server's peak RSS and RSS after its rounds,
with the graph's size; results from before these were read still render), the theme questions,
and the page's header after runs are merged."""
from __future__ import annotations

from bench import report

MEMORY = {"floor": {"peak_rss_mib": 61.2, "rss_mib": 58.0},
          "serve": {"peak_rss_mib": 1523.4, "rss_mib": 1490.6},
          "serve_uncached": {"peak_rss_mib": 1210.0, "rss_mib": 1188.1}}


def run(api_extra: dict) -> dict:
    floor = {"name": "floor", "status": "ok", "requests": 10, "errors": 0, "unloaded_p50_ms": 1.0,
             "p50_ms": 1.0, "p95_ms": 2.0, "p99_ms": 3.0, "throughput_rps": 900.0}
    return {"size": 100_000, "api": {"clients": 16, "duration_s": 30, "floor": floor, "endpoints": [],
                                     **api_extra}}


def memory_rows(markdown: str) -> dict[str, list[str]]:
    rows = {}
    for line in markdown.splitlines():
        cells = [c.strip() for c in line.strip("|").split("|")]
        if len(cells) == 3 and cells[0] in dict(report.SERVERS).values():
            rows[cells[0]] = cells[1:]
    return rows


def test_each_server_shows_its_peak_and_after_rounds_rss_beside_the_graph_size():
    text = report.render({"runs": [run({"server_memory": MEMORY, "graph_file_mib": 586.6,
                                        "index_files_mib": 452.0})]})
    rows = memory_rows(text)
    assert rows["`policy-graph serve`"] == ["1523 MiB", "1491 MiB"]
    assert rows["`policy-graph serve`, answer cache off"] == ["1210 MiB", "1188 MiB"]
    assert rows["*floor* (`bench/floor.py` under uvicorn)"] == ["61 MiB", "58 MiB"]
    assert "database file 587 MiB" in text and "index files 452 MiB" in text


def test_a_run_from_before_the_memory_was_read_shows_dashes():
    text = report.render({"runs": [run({})]})
    rows = memory_rows(text)
    assert set(rows) == {"`policy-graph serve`", "`policy-graph serve`, answer cache off",
                         "*floor* (`bench/floor.py` under uvicorn)"}
    assert all(cells == ["–", "–"] for cells in rows.values())
    assert "database file –," in text


def test_theme_questions_show_their_first_request_times_and_the_goal():
    tq = {"themes": 51, "median_ms": 15.4, "max_ms": 24.9, "slowest": "ip_pledge_financing", "over_goal": 1,
          "process_first_question_ms": 286.1, "floor_ms": 1.5, "max_measures_shown": 1032, "max_bytes": 811078,
          "rows": []}
    text = report.render({"runs": [{**run({}), "theme_questions": tq}]})
    assert "### Theme questions, first request" in text and "practices" not in text.split("### Theme questions")[1][:900]
    with_practices = report.render({"runs": [{**run({}), "theme_questions": {**tq, "practices": {
        "asked": 50, "median_ms": 12.0, "max_ms": 31.5, "slowest": "patent_pledge_loans"}}}]})
    assert "Each of the 50 practices, asked the same way after the themes: median 12.0 ms, max 31.5 ms " \
           "(patent_pledge_loans;" in with_practices
    goal = next(line for line in text.splitlines() if line.startswith("| theme questions"))
    assert "max 24.9 ms (ip_pledge_financing); 1 of 51 over" in goal and goal.endswith("| **missed** |")
    met = report.render({"runs": [{**run({}), "theme_questions": {**tq, "max_ms": 19.0, "over_goal": 0}}]})
    assert next(line for line in met.splitlines() if line.startswith("| theme questions")).endswith("| met |")


def test_a_newer_run_merged_in_heads_the_page_with_its_machine_and_code():
    from bench.merge import merge

    old = {"generated_at": "2026-12-03 03:35:59 UTC", "command": "old", "runs": [],
           "environment": {"code (commit)": "fcc4e6f", "load average at start (1/5/15 min)": "6.62 / 7.32 / 6.99"}}
    new = {"generated_at": "2026-12-04 17:20:35 UTC", "command": "new", "runs": [],
           "environment": {"code (commit)": "9361578", "load average at start (1/5/15 min)": "1.06 / 1.59 / 1.27"}}
    assert merge(old, new)["environment"]["code (commit)"] == "9361578"
    assert merge(old, new)["command"] == "new"
    assert merge(new, old)["environment"]["code (commit)"] == "9361578"  # an older run does not take over


def _endpoint(name: str, rps: float, floor_around: float | None = None) -> dict:
    ep = {"name": name, "path": f"/api/{name}", "status": "ok", "requests": 100, "errors": 0,
          "unloaded_p50_ms": 1.0, "p50_ms": 1.0, "p95_ms": 2.0, "p99_ms": 3.0, "throughput_rps": rps}
    return ep if floor_around is None else {**ep, "floor_around_rps": floor_around}


def test_an_endpoint_is_judged_against_the_empty_route_measured_around_its_round():
    """The size's floor (900 req/s here) came minutes before; a machine slower by then served the
    empty route at 600 req/s around the subgraph's round: 150 req/s is 25 % of that, met,
    where against the early floor it would read 17 %, missed. A run from before the paired floors
    is judged against the one floor, and its row says it had none."""
    api = {"endpoints": [], "endpoints_uncached": [_endpoint("subgraph", 150.0, 600.0), _endpoint("paths", 150.0)]}
    text = report.render({"runs": [run(api)]})
    rows = {line.split(" (`")[0].strip("| "): line for line in text.splitlines() if line.startswith("| ")}
    assert rows["subgraph, cache off"].endswith("| 150.0 req/s | 600.0 req/s | 25% | – |")
    assert rows["paths, cache off"].endswith("| 150.0 req/s | – | 17% | – |")
    goals = {line.split(" | ")[0]: line for line in text.splitlines() if "answer cache off:" in line}
    assert goals["| 16 connections, answer cache off: subgraph ≥ 20% of the empty route's throughput"].endswith("| met |")
    assert goals["| 16 connections, answer cache off: paths ≥ 20% of the empty route's throughput"].endswith(
        "| **missed** |")
