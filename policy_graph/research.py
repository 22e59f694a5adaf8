"""The research questions, answered from named queries; shared by the API and the CLI.

Each answer records the queries it ran (name, text, parameters) so a researcher can
rerun them elsewhere (``?explain=true``).
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from graph.store import GraphStore
from ingest.textutil import sentence_at, to_simplified

VIA_ORDER = {"measure": 0, "replicated_to": 1, "replicated_from": 2}
# Text search rows are narrow, so a generous cap still keeps every adopting region of a common
# phrase; each region then shows its earliest few measures as evidence.
TEXT_ROW_CAP = 50_000
# Each branch of a theme query returns at most this many rows: bounded work on any corpus.
FACT_ROW_CAP = 50_000
TEXT_MEASURES_PER_REGION = 5


@dataclass
class Trace:
    """The queries an answer ran, in order."""

    store: GraphStore
    runs: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    text_index: Any = None  # graph.textindex.TextIndex: text questions skip the full scan

    def run(self, name: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        self.runs.append((name, params))
        return self.store.run(name, params)

    def explain(self) -> dict[str, Any]:
        texts = [self.store.query_text(name) for name, _ in self.runs]
        params = [p for _, p in self.runs]
        if len(texts) == 1:
            return {"cypher": texts[0], "params": params[0]}
        return {"cypher": ";\n".join(texts), "params": params}


def resolve_theme(q: str):
    from ingest.themes import load_taxonomy

    return load_taxonomy().resolve_query(q.strip())


def theme_dict(theme) -> dict[str, Any]:
    return {"key": theme.key, "name_zh": theme.name_zh, "name_en": theme.name_en}


def text_terms(q: str) -> list[str]:
    """Whitespace-separated terms (at most 8), simplified so either script matches."""
    return [t for t in re.split(r"\s+", to_simplified(q.strip())) if t][:8]


def adopters(trace: Trace, q: str, limit: int = 500) -> dict[str, Any]:
    theme = resolve_theme(q)
    if theme is not None:
        rows = _with_documents(trace, trace.run("adopters_theme", {"theme": theme.key, "limit": FACT_ROW_CAP}))
    else:
        terms = text_terms(q)
        found = trace.text_index.candidates(terms) if trace.text_index is not None and terms else None
        if found is not None:
            rows = trace.run("adopters_text_among", {"ids": found[0], "terms": terms,
                                                     "limit": TEXT_ROW_CAP}) if found[0] else []
        else:
            rows = trace.run("adopters_text", {"terms": terms, "limit": TEXT_ROW_CAP}) if terms else []
        rows = _first_per_region(rows, TEXT_MEASURES_PER_REGION)
        if found is not None:  # those rows carry no document title: one lookup per document shown
            rows = _with_documents(trace, rows)
        texts = {r["id"]: r["text"] for r in trace.run("measure_texts", {"ids": [r["id"] for r in rows]})} \
            if rows else {}
        for row in rows:  # the sentence that shows it, not the whole measure
            text = texts.get(row["id"]) or ""
            hit = min((text.find(t) for t in terms if t in text), default=0)
            row["evidence"] = sentence_at(text, max(hit, 0))
    regions: dict[str, dict[str, Any]] = {}
    for row in sorted(rows, key=lambda r: (VIA_ORDER.get(r["via"], 9), r["date"] or "9999", r["id"])):
        region = regions.setdefault(row["region"], {"region": row["region"], "first_date": None,
                                                    "measures": [], "_seen": set()})
        if row["date"] and (region["first_date"] is None or row["date"] < region["first_date"]):
            region["first_date"] = row["date"]
        if row["id"] in region["_seen"]:
            continue
        region["_seen"].add(row["id"])
        region["measures"].append({"id": row["id"], "title": row["title"], "document": row["document"],
                                   "document_title": row["document_title"], "date": row["date"],
                                   "via": row["via"], "evidence": row["evidence"],
                                   "replication_evidence": row.get("replication_evidence") or None})
    ordered = sorted(regions.values(), key=lambda r: (r["first_date"] or "9999", r["region"]))
    for region in ordered:
        del region["_seen"]
    return {"query": q, "theme": theme_dict(theme) if theme else None, "regions": ordered[:limit]}


def _with_documents(trace: Trace, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Fill in each row's document title and date, one lookup per distinct document."""
    if not rows:
        return rows
    docs = {d["id"]: d for d in trace.run("documents_brief", {"ids": sorted({r["document"] for r in rows})})}
    for row in rows:
        doc = docs.get(row["document"]) or {}
        row["document_title"], row["date"] = doc.get("title"), doc.get("date")
    return rows


VERIFY_CHUNK = 5000


def search(trace: Trace, terms: list[str], limit: int) -> tuple[list[dict[str, Any]], int]:
    """Measures holding every term (title or text), in document order: a page and the total."""
    found = trace.text_index.candidates(terms) if trace.text_index is not None else None
    if found is None:
        total = trace.run("search_count", {"terms": terms})[0]["total"]
        return trace.run("search_measures", {"terms": terms, "limit": limit}), int(total)
    ids, exact = found
    if not exact:  # the bigrams may lie apart: keep the candidates that hold each whole term
        held: set[str] = set()
        for i in range(0, len(ids), VERIFY_CHUNK):
            chunk = ids[i:i + VERIFY_CHUNK]
            held.update(r["id"] for r in trace.run("search_among", {"ids": chunk, "terms": terms}))
        ids = [i for i in ids if i in held]
    page = ids[:limit]
    rows = {r["id"]: r for r in trace.run("measures_by_ids", {"ids": page})} if page else {}
    return [rows[i] for i in page if i in rows], len(ids)


def _first_per_region(rows: list[dict[str, Any]], per_region: int) -> list[dict[str, Any]]:
    kept, seen = [], defaultdict(int)
    for row in sorted(rows, key=lambda r: (r["region"], r["date"] or "9999", r["id"])):
        if seen[row["region"]] < per_region:
            seen[row["region"]] += 1
            kept.append(row)
    return kept


def timeline(trace: Trace, q: str) -> dict[str, Any]:
    answer = adopters(trace, q)
    events = []
    for region in answer["regions"]:
        for m in region["measures"]:
            events.append({"date": m["date"], "region": region["region"], "measure_id": m["id"],
                           "title": m["title"], "document": m["document"], "via": m["via"],
                           "evidence": m["evidence"]})
    events.sort(key=lambda e: (e["date"] or "9999", e["region"], e["measure_id"]))
    return {"query": q, "theme": answer["theme"],
            "regions": [{"region": r["region"], "first_date": r["first_date"]} for r in answer["regions"]],
            "events": events}


def similar(trace: Trace, measure_id: str, limit: int, cross_region: bool) -> list[dict[str, Any]]:
    rows = trace.run("similar_of", {"id": measure_id, "cross_region": cross_region, "limit": limit * 2})
    best: dict[str, dict[str, Any]] = {}
    for row in rows:  # an edge may be stored in both directions
        if row["id"] not in best or row["score"] > best[row["id"]]["score"]:
            best[row["id"]] = {**row, "score": round(float(row["score"]), 4),
                               "shared_terms": list(row["shared_terms"] or [])}
    return sorted(best.values(), key=lambda r: (-r["score"], r["id"]))[:limit]


def replications(trace: Trace, from_region: str | None, to_region: str | None,
                 document: str | None, limit: int) -> list[dict[str, Any]]:
    return trace.run("replications", {"from_region": from_region or "", "to_region": to_region or "",
                                      "document": document or "", "limit": limit})


# Partial chains a path question may extend before it answers with what it has found.
PATH_EXPANSION_BUDGET = 200_000


def paths(trace: Trace, from_region: str | None, to_region: str | None, max_hops: int,
          limit: int = 100) -> list[dict[str, Any]]:
    """Chains of replication facts, fewest hops first; a region appears at most once in a chain
    (a practice does not travel back where it was).

    The flow graph is read hop by hop (one query per hop, and only as deep as the chains found
    so far need), and chains are enumerated here, shortest first, only through regions from
    which the destination can still be reached in the hops left: the work follows the
    answer's size, not the number of chains a dense flow graph holds.
    """
    forward = bool(from_region)
    start = from_region if forward else to_region
    goal = to_region if forward else None
    flows = _FlowLevels(trace, start, forward)
    steps_of = flows.steps_of
    remaining = None
    if goal:  # pruning toward the destination needs every hop read first
        flows.read(max_hops)
        remaining = _hops_to(goal, steps_of)
    result: list[dict[str, Any]] = []
    seen: set[tuple] = set()
    budget = [PATH_EXPANSION_BUDGET]

    def walk(chain: list[dict[str, Any]], regions: list[str], hops: int) -> None:
        if len(result) >= limit or budget[0] <= 0:
            return
        here = regions[-1]
        if len(chain) == hops:
            if goal is None or here == goal:
                _emit(chain, forward, seen, result)
            return
        for step in steps_of.get(here, ()):
            nxt = step["dst"] if forward else step["src"]
            if nxt in regions:
                continue
            if remaining is not None and remaining.get(nxt, max_hops + 1) > hops - len(chain) - 1:
                continue
            budget[0] -= 1
            chain.append(step)
            regions.append(nxt)
            walk(chain, regions, hops)
            chain.pop()
            regions.pop()

    for hops in range(1, max_hops + 1):
        if len(result) >= limit:
            break
        flows.read(hops)  # chains of `hops` steps leave only regions fewer hops away
        walk([], [start], hops)
    return result


class _FlowLevels:
    """region -> its flow steps (out of it when walking forward, into it when walking back),
    read one breadth-first level at a time."""

    def __init__(self, trace: Trace, start: str, forward: bool) -> None:
        self.trace, self.forward = trace, forward
        self.steps_of: dict[str, list[dict[str, Any]]] = defaultdict(list)
        self.reached, self.frontier, self.levels = {start}, [start], 0

    def read(self, levels: int) -> None:
        while self.levels < levels and self.frontier:
            params = {"names": self.frontier, "limit": FACT_ROW_CAP}
            rows = self.trace.run("flows_from", params) if self.forward else self.trace.run("flows_into", params)
            self.frontier, self.levels = [], self.levels + 1
            for row in sorted(rows, key=lambda r: (r["src"], r["dst"], r["measure_id"] or "")):
                here, nxt = (row["src"], row["dst"]) if self.forward else (row["dst"], row["src"])
                self.steps_of[here].append(row)
                if nxt not in self.reached:
                    self.reached.add(nxt)
                    self.frontier.append(nxt)


def _hops_to(goal: str, steps_of: dict[str, list[dict[str, Any]]]) -> dict[str, int]:
    """Fewest hops from each region to ``goal`` over the steps read (a backward search)."""
    into: dict[str, set[str]] = defaultdict(set)
    for here, steps in steps_of.items():
        for step in steps:
            into[step["dst"]].add(here)
    dist, frontier = {goal: 0}, [goal]
    while frontier:
        nxt = []
        for region in frontier:
            for prev in into.get(region, ()):
                if prev not in dist:
                    dist[prev] = dist[region] + 1
                    nxt.append(prev)
        frontier = nxt
    return dist


def _emit(chain: list[dict[str, Any]], forward: bool, seen: set[tuple], result: list) -> None:
    ordered = chain if forward else chain[::-1]
    key = tuple((s["measure_id"], s["dst"]) for s in ordered)
    if key in seen:
        return
    seen.add(key)
    regions = [ordered[0]["src"], *(s["dst"] for s in ordered)]
    steps = [{"measure_id": s["measure_id"], "from_region": s["src"], "to_region": s["dst"],
              "evidence": s["evidence"], "document": s["document"]} for s in ordered]
    result.append({"regions": regions, "hops": len(steps), "steps": steps})


def adoption_by_theme(trace: Trace, regions: list[str] | None) -> dict[str, dict[str, Any]]:
    """theme key -> {name_zh, name_en, regions: {region: [measure evidence...]}}."""
    rows = trace.run("theme_adoption", {"any_region": not regions, "regions": regions or [""],
                                        "limit": FACT_ROW_CAP})
    themes: dict[str, dict[str, Any]] = {}
    for row in rows:
        theme = themes.setdefault(row["theme"], {"key": row["theme"], "name_zh": row["name_zh"],
                                                 "name_en": row["name_en"], "regions": defaultdict(dict)})
        theme["regions"][row["region"]].setdefault(row["id"], {
            "id": row["id"], "title": row["title"], "document": row["document"],
            "via": row["via"], "evidence": row["evidence"]})
    return themes


def compare(trace: Trace, regions: list[str], pair_limit: int = 10) -> dict[str, Any]:
    themes = adoption_by_theme(trace, regions)
    per_theme, shared, unique = [], [], {r: [] for r in regions}
    for key in sorted(themes, key=lambda k: (-len(themes[k]["regions"]), k)):
        theme = themes[key]
        holders = [r for r in regions if theme["regions"].get(r)]
        per_theme.append({"theme": {k: theme[k] for k in ("key", "name_zh", "name_en")},
                          "regions": {r: list(theme["regions"].get(r, {}).values()) for r in regions}})
        if len(holders) == len(regions):
            shared.append(key)
        elif len(holders) == 1:
            unique[holders[0]].append(key)
    # Each measure keeps its own top matches, so a pair can be stored in both directions.
    rows = trace.run("similar_pairs_between", {"regions": regions, "limit": pair_limit * 2})
    pairs: dict[frozenset, dict[str, Any]] = {}
    for p in rows:
        pairs.setdefault(frozenset((p["a_id"], p["b_id"])), {
            **p, "score": round(float(p["score"]), 4), "shared_terms": list(p["shared_terms"] or [])})
    return {"regions": regions, "themes": per_theme, "shared_themes": shared, "unique_themes": unique,
            "similar_pairs": list(pairs.values())[:pair_limit]}


def gaps(trace: Trace, region: str, peers: list[str] | None, limit: int = 50) -> dict[str, Any]:
    themes = adoption_by_theme(trace, [region, *peers] if peers else None)
    items = []
    for key, theme in themes.items():
        if theme["regions"].get(region):
            continue
        holders = {r: list(m.values()) for r, m in theme["regions"].items()
                   if r != region and (not peers or r in peers)}
        if not holders:
            continue
        items.append({"theme": {k: theme[k] for k in ("key", "name_zh", "name_en")},
                      "peer_count": len(holders), "peers": sorted(holders),
                      "evidence": [{"region": r, **m} for r in sorted(holders) for m in holders[r]]})
    items.sort(key=lambda i: (-i["peer_count"], i["theme"]["key"]))
    return {"region": region, "peers": peers or "all", "gaps": items[:limit]}
