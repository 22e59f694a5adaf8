"""Replication paths: every chain a brute-force walk finds, fewest hops first, within bounds."""
from __future__ import annotations

import itertools
import random

from policy_graph import research
from policy_graph.research import Trace


class FlowStore:
    """The two hop queries research.paths runs, answered from a list of flows."""

    def __init__(self, flows: list[tuple[str, str, str]]) -> None:
        self.rows = [{"src": a, "dst": b, "measure_id": m, "scope": "", "kind": "", "evidence": m,
                      "document": "d"} for a, b, m in flows]
        self.queries = 0

    def run(self, name: str, params: dict) -> list[dict]:
        if name in ("region_children", "region_provinces"):
            return []  # no region hierarchy here (tests/test_one_answer.py walks the real one)
        self.queries += 1
        side = {"flows_from": "src", "flows_into": "dst"}[name]
        return [r for r in self.rows if r[side] in params["names"]][:params["limit"]]


def brute_force(flows, src, dst, max_hops):
    found = set()
    for hops in range(1, max_hops + 1):
        for chain in itertools.product(flows, repeat=hops):
            regions = [chain[0][0], *(f[1] for f in chain)]
            if any(a[1] != b[0] for a, b in zip(chain, chain[1:])) or len(set(regions)) != len(regions):
                continue
            if (src is None or regions[0] == src) and (dst is None or regions[-1] == dst):
                found.add(tuple((f[2], f[1]) for f in chain))
    return found


def keys(paths):
    return {tuple((s["measure_id"], s["to_region"]) for s in p["steps"]) for p in paths}


def test_paths_match_a_brute_force_walk_on_random_flow_graphs():
    rng = random.Random(7)
    for trial in range(30):
        regions = [f"r{i}" for i in range(6)]
        flows = [(a, b, f"m{trial}-{k}") for k in range(rng.randint(3, 9))
                 for a, b in [rng.sample(regions, 2)]]
        for src, dst in [("r0", None), (None, "r1"), ("r0", "r1")]:
            got = research.paths(Trace(FlowStore(flows)), src, dst, 3, limit=10_000)
            assert keys(got) == brute_force(flows, src, dst, 3), (flows, src, dst)
            assert [p["hops"] for p in got] == sorted(p["hops"] for p in got)


def test_a_dense_flow_graph_answers_the_first_chains_with_one_query_per_hop():
    # 40 regions, every pair linked twice: ~10^12 chains of six hops exist.
    regions = [f"r{i}" for i in range(40)]
    flows = [(a, b, f"{a}>{b}#{k}") for a in regions for b in regions if a != b for k in range(2)]
    store = FlowStore(flows)
    got = research.paths(Trace(store), "r0", "r39", 6, limit=50)
    assert len(got) == 50 and store.queries <= 6
    assert all(p["regions"][0] == "r0" and p["regions"][-1] == "r39" for p in got)
    assert all(len(set(p["regions"])) == len(p["regions"]) for p in got)
    assert got[0]["hops"] == 1


def test_a_path_from_a_region_to_itself_is_none_and_reads_no_flows():
    # On a dense flow graph the search for a chain back to its start walked every chain within
    # the hops asked (21 s for four hops at 100k measures) before answering with none.
    regions = [f"r{i}" for i in range(40)]
    store = FlowStore([(a, b, f"{a}>{b}") for a in regions for b in regions if a != b])
    assert research.paths(Trace(store), "r3", "r3", 6, limit=50) == []
    assert store.queries == 0
    # the brute-force walk agrees: a chain never visits a region twice
    assert brute_force([("r0", "r1", "m"), ("r1", "r0", "n")], "r0", "r0", 3) == set()
