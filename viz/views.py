"""What each page shows, gathered from named queries into subgraphs and plain rows.

Nothing here knows HTML; ``viz.pages`` turns these into markup. Every graph is built
through ``graph.subgraph.Subgraph`` so the node cap and the truncation flag behave the
same on every page and in ``/api/subgraph``.
"""
from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field

from graph.store import GraphStore
from graph.subgraph import Subgraph, neighbourhood
from policy_graph import research

ROW_CAP = 2000  # rows a page query may return; the node cap does the visible limiting


@dataclass
class MeasureFacts:
    """Agencies, themes and replications of a set of measures, keyed by measure id."""

    leads: dict[str, list[dict]] = field(default_factory=lambda: defaultdict(list))
    mentions: dict[str, list[dict]] = field(default_factory=lambda: defaultdict(list))
    themes: dict[str, list[dict]] = field(default_factory=lambda: defaultdict(list))
    replications: dict[str, list[dict]] = field(default_factory=lambda: defaultdict(list))


def measure_facts(store: GraphStore, ids: list[str]) -> MeasureFacts:
    facts = MeasureFacts()
    if not ids:
        return facts
    for row in store.run("viz_agencies_of", {"ids": ids}):
        facts.leads[row["measure_id"]].append(row)
    for row in store.run("viz_mentions_of", {"ids": ids}):
        facts.mentions[row["measure_id"]].append(row)
    for row in store.run("viz_themes_of", {"ids": ids}):
        facts.themes[row["measure_id"]].append(row)
    for row in store.run("viz_replications_of", {"ids": ids}):
        facts.replications[row["measure_id"]].append(row)
    return facts


def document_titles(store: GraphStore, ids) -> dict[str, str]:
    ids = sorted({i for i in ids if i})
    if not ids:
        return {}
    return {r["id"]: r["title"] or r["id"] for r in store.run("viz_documents_by_ids", {"ids": ids})}


def _measure_props(row: dict) -> dict:
    return {k: row.get(k) for k in ("id", "title", "text", "region", "document_id", "label")}


def _add_agencies(sub: Subgraph, mid: str | None, facts: MeasureFacts, measure_id: str) -> None:
    for a in facts.leads.get(measure_id, []):
        aid = sub.add_node("Agency", a["id"], {"name": a["name"], "region": a["region"]})
        sub.add_edge(mid, aid, "LED_BY", {"role": a["role"]}, distinct=a["role"] or "")
    for a in facts.mentions.get(measure_id, []):
        aid = sub.add_node("Agency", a["id"], {"name": a["name"], "region": a["region"]})
        sub.add_edge(mid, aid, "MENTIONS")


# -- landing -------------------------------------------------------------------------

@dataclass
class Landing:
    counts: dict[str, int]
    regions: list[dict]
    themes: list[dict]


def landing(store: GraphStore) -> Landing:
    counts = {r["label"]: int(r["n"]) for r in store.run("viz_node_counts", {})}
    per_region = {r["name"]: int(r["n"]) for r in store.run("viz_region_measure_counts", {})}
    per_theme = {r["key"]: int(r["n"]) for r in store.run("viz_theme_measure_counts", {})}
    regions = [{**r, "measures": per_region.get(r["name"], 0)} for r in store.run("viz_regions", {})]
    regions.sort(key=lambda r: (-r["measures"], r["name"]))
    themes = [{**t, "measures": per_theme.get(t["key"], 0)} for t in store.run("viz_themes", {})]
    return Landing(counts, regions, themes)


# -- theme ---------------------------------------------------------------------------

@dataclass
class ThemeView:
    theme: dict
    sub: Subgraph
    measures: list[dict]  # every measure row carrying the theme (even those over the cap)
    facts: MeasureFacts
    documents: dict[str, str]
    adopters: dict[str, list[tuple[str, dict]]] = field(default_factory=dict)
    adopter_counts: dict[str, int] = field(default_factory=dict)  # region -> its measures of the theme
    practice: dict | None = None  # the practice asked about, when the page is a practice's
    related: dict[str, list[tuple[str, dict]]] = field(default_factory=dict)  # the theme's other adopters


def theme_view(store: GraphStore, key: str, limit: int, practice: str | None = None) -> ThemeView | None:
    """The page of a theme, or of one of its practices (``practice``: its key): the adopters are
    the research answer to the same question (research.adopters), so the page and the API agree."""
    theme = next((t for t in store.run("viz_themes", {}) if t["key"] == key), None)
    if theme is None:
        return None
    rows = store.run("viz_theme_measures", {"key": key, "limit": ROW_CAP})
    answer = research.adopters(research.Trace(store), practice or key, limit=research.REGIONS_MAX,
                               per_region=THEME_MEASURES_PER_REGION)
    shown = [m["id"] for r in answer["regions"] for m in r["measures"]]
    if practice:  # only the measures that carry the practice
        carrying = set(shown)
        rows = [r for r in rows if r["id"] in carrying]
    ids = list(dict.fromkeys([r["id"] for r in rows] + shown))
    facts = measure_facts(store, ids)
    adopters = theme_adopters(answer, rows, facts, key)
    sub = Subgraph(limit=limit)
    tid = sub.add_node("Theme", key, theme)
    # Regions first so that a capped picture still shows every adopter.
    for region in adopters:
        sub.add_node("Region", region, {"name": region})
    for r in rows:
        mid = sub.add_node("Measure", r["id"], _measure_props(r))
        sub.add_edge(mid, tid, "HAS_THEME")
        sub.add_edge(mid, f"Region:{r['region']}", "IN_REGION")
    for r in rows:
        mid = f"Measure:{r['id']}"
        if mid not in sub.nodes:
            continue
        _add_agencies(sub, mid, facts, r["id"])
        for x in _moving(facts, r["id"], key):
            rid = sub.add_node("Region", x["region"], {"name": x["region"]})
            sub.add_edge(mid, rid, "REPLICATED_TO", {"scope": x["scope"]}, distinct=x["from_region"] or "")
            if x["from_region"]:
                origin = sub.add_node("Region", x["from_region"], {"name": x["from_region"]})
                sub.add_edge(origin, rid, "PRACTICE_FLOW",
                             {"scope": x["scope"], "measure_id": r["id"], "label": r["title"]},
                             distinct=r["id"])
    documents = document_titles(store, (r["document_id"] for r in rows))
    related_regions = (answer.get("related") or {}).get("regions") or []
    documents.update({m["document"]: m["document_title"] or "" for r in answer["regions"] + related_regions
                      for m in r["measures"] if m["document"] not in documents})
    related = theme_adopters(answer["related"], rows, facts, key) if answer.get("related") else {}
    return ThemeView(theme, sub, rows, facts, documents, adopters, adopter_counts(answer),
                     answer.get("practice"), related)


def _moving(facts: MeasureFacts, measure_id: str, key: str) -> list[dict]:
    """The measure's replication facts whose travelling practice is this theme."""
    return [x for x in facts.replications.get(measure_id, []) if key in (x.get("themes") or [])]


THEME_MEASURES_PER_REGION = 5
_HOW = {"measure": "measure", "replicated_to": "replicated to", "replicated_from": "pilot, replicated from"}


def theme_adopters(answer: dict, rows: list[dict], facts: MeasureFacts,
                   key: str) -> dict[str, list[tuple[str, dict]]]:
    """Region -> [(how, measure row)] from the research adopters answer (research.adopters):
    every adopting region — its own measures, practices replicated to it, and the pilots a
    replicated practice came from — with its first few measures."""
    by_id = {r["id"]: r for r in rows}
    adopters: dict[str, list[tuple[str, dict]]] = {}
    for region in answer["regions"]:
        entries = adopters.setdefault(region["region"], [])
        for m in region["measures"]:
            row = by_id.get(m["id"]) or {"id": m["id"], "title": m["title"], "label": "", "region": "",
                                         "document_id": m["document"]}
            row = {**row, "agencies": m.get("agencies") or {}}  # from the measure's own agency line
            how = _HOW.get(m["via"], m["via"])
            if m["via"] == "replicated_from" and any(
                    x.get("kind") == "borrow" for x in _moving(facts, m["id"], key)
                    if x.get("from_region") == region["region"]):
                how = "source, borrowed from"
            entries.append((how, row))
    return adopters


def adopter_counts(answer: dict) -> dict[str, int]:
    return {r["region"]: r["measure_count"] for r in answer["regions"]}


# -- region --------------------------------------------------------------------------

@dataclass
class RegionView:
    region: dict
    sub: Subgraph
    measures: list[dict]
    facts: MeasureFacts
    incoming: list[dict]  # practices replicated into this region from measures elsewhere
    outgoing: list[dict]  # region-level flows leaving this region
    documents: dict[str, str]


def region_view(store: GraphStore, name: str, limit: int) -> RegionView | None:
    region = next((r for r in store.run("viz_regions", {}) if r["name"] == name), None)
    if region is None:
        return None
    rows = store.run("viz_region_measures", {"name": name, "limit": ROW_CAP})
    ids = [r["id"] for r in rows]
    facts = measure_facts(store, ids)
    incoming = store.run("viz_replicated_into", {"name": name, "limit": ROW_CAP})
    outgoing = store.run("flows_from", {"names": [name], "limit": ROW_CAP})
    sub = Subgraph(limit=limit)
    center = sub.add_node("Region", name, region)
    for r in rows:
        for t in facts.themes.get(r["id"], []):
            sub.add_node("Theme", t["key"], {"key": t["key"], "name_zh": t["name_zh"]})
    for r in rows:
        mid = sub.add_node("Measure", r["id"], _measure_props(r))
        themes = facts.themes.get(r["id"], [])
        for t in themes:
            sub.add_edge(mid, f"Theme:{t['key']}", "HAS_THEME")
        if not themes:
            sub.add_edge(mid, center, "IN_REGION")
        for x in facts.replications.get(r["id"], []):
            if x["region"] != name:
                rid = sub.add_node("Region", x["region"], {"name": x["region"]})
                sub.add_edge(mid, rid, "REPLICATED_TO", {"scope": x["scope"]})
    for t in {t["key"] for ts in facts.themes.values() for t in ts}:
        sub.add_edge(center, f"Theme:{t}", "HAS_THEME_IN_REGION")
    for x in incoming:
        mid = sub.add_node("Measure", x["measure_id"], {"id": x["measure_id"], "title": x["title"],
                                                        "region": x["measure_region"]})
        sub.add_edge(mid, center, "REPLICATED_TO", {"scope": x["scope"]}, distinct=x["from_region"] or "")
        src = sub.add_node("Region", x["measure_region"], {"name": x["measure_region"]})
        sub.add_edge(mid, src, "IN_REGION")
    for f in outgoing:
        dst = sub.add_node("Region", f["dst"], {"name": f["dst"]})
        sub.add_edge(center, dst, "PRACTICE_FLOW", {"scope": f["scope"], "measure_id": f["measure_id"]},
                     distinct=f["measure_id"] or "")
    documents = document_titles(store, [r["document_id"] for r in rows])
    return RegionView(region, sub, rows, facts, incoming, outgoing, documents)


# -- measure -------------------------------------------------------------------------

@dataclass
class MeasureView:
    measure: dict
    sub: Subgraph
    leads: list[dict]
    mentions: list[dict]
    themes: list[dict]
    replications: list[dict]
    similar: list[dict]
    documents: dict[str, str]


def measure_view(store: GraphStore, measure_id: str, limit: int) -> MeasureView | None:
    rows = store.run("viz_measure_detail", {"id": measure_id})
    if not rows:
        return None
    m = rows[0]
    facts = measure_facts(store, [measure_id])
    best: dict[str, dict] = {}
    for s in store.run("viz_similar_of", {"id": measure_id, "limit": 50}):
        if s["id"] != measure_id and (s["id"] not in best or s["score"] > best[s["id"]]["score"]):
            best[s["id"]] = s
    similar = sorted(best.values(), key=lambda s: -(s["score"] or 0))
    sub = Subgraph(limit=limit)
    mid = sub.add_node("Measure", measure_id, _measure_props(m))
    if m.get("document_id"):
        did = sub.add_node("Document", m["document_id"], {"id": m["document_id"],
                                                          "title": m.get("document_title"),
                                                          "region": m.get("region")})
        sub.add_edge(mid, did, "IN_DOCUMENT")
    rid = sub.add_node("Region", m["region"], {"name": m["region"]})
    sub.add_edge(mid, rid, "IN_REGION")
    _add_agencies(sub, mid, facts, measure_id)
    for t in facts.themes.get(measure_id, []):
        tid = sub.add_node("Theme", t["key"], {"key": t["key"], "name_zh": t["name_zh"]})
        sub.add_edge(mid, tid, "HAS_THEME")
    for x in facts.replications.get(measure_id, []):
        xid = sub.add_node("Region", x["region"], {"name": x["region"]})
        sub.add_edge(mid, xid, "REPLICATED_TO", {"scope": x["scope"]}, distinct=x["from_region"] or "")
    if similar:
        details = {r["id"]: r for r in store.run("viz_measures_by_ids", {"ids": [s["id"] for s in similar]})}
        for s in similar:
            props = _measure_props(details.get(s["id"], s))
            sid = sub.add_node("Measure", s["id"], props)
            sub.add_edge(mid, sid, "SIMILAR_TO", {"label": f"score {s['score']:.2f}"})
            srid = sub.add_node("Region", props["region"], {"name": props["region"]})
            sub.add_edge(sid, srid, "IN_REGION")
    doc_ids = [n.props.get("document_id") for n in sub.nodes.values() if n.type == "Measure"]
    documents = document_titles(store, doc_ids)
    return MeasureView(m, sub, facts.leads.get(measure_id, []), facts.mentions.get(measure_id, []),
                       facts.themes.get(measure_id, []), facts.replications.get(measure_id, []),
                       similar, documents)


# -- compare -------------------------------------------------------------------------

@dataclass
class CompareView:
    regions: list[str]
    sub: Subgraph
    by_theme: dict[str, dict[str, list[dict]]]  # theme key -> region -> measures
    theme_names: dict[str, str]
    shared: list[str]  # themes every compared region has
    unthemed: dict[str, int]
    documents: dict[str, str]


def compare_view(store: GraphStore, names: list[str], limit: int) -> CompareView:
    by_theme: dict[str, dict[str, list[dict]]] = defaultdict(lambda: defaultdict(list))
    theme_names: dict[str, str] = {}
    unthemed: dict[str, int] = {}
    doc_ids: list[str] = []
    for name in names:
        rows = store.run("viz_region_measures", {"name": name, "limit": ROW_CAP})
        facts = measure_facts(store, [r["id"] for r in rows])
        unthemed[name] = 0
        for r in rows:
            doc_ids.append(r["document_id"])
            themes = facts.themes.get(r["id"], [])
            if not themes:
                unthemed[name] += 1
            for t in themes:
                theme_names[t["key"]] = t["name_zh"] or t["key"]
                by_theme[t["key"]][name].append(r)
    shared = sorted(k for k, per in by_theme.items() if all(per.get(n) for n in names))
    sub = Subgraph(limit=limit)
    # Regions pinned around a circle (two: left and right); themes settle in between.
    for i, name in enumerate(names):
        angle = math.pi + 2 * math.pi * i / len(names)
        sub.add_node("Region", name, {"name": name, "pin": (round(520 * math.cos(angle)),
                                                            round(320 * math.sin(angle)))})
    # Shared themes first: they are what a comparison is about. Measures stay in the table.
    ordered = shared + sorted(k for k in by_theme if k not in shared)
    for key in ordered:
        tid = sub.add_node("Theme", key, {"key": key, "name_zh": theme_names[key],
                                          "emphasis": key in shared})
        for name in names:
            count = len(by_theme[key].get(name, []))
            if count:
                sub.add_edge(f"Region:{name}", tid, "HAS_THEME_IN_REGION",
                             {"label": f"{count} measure(s) of {name}", "short": str(count),
                              "width": 1 + min(count, 8)})
    return CompareView(names, sub, {k: dict(v) for k, v in by_theme.items()}, theme_names, shared,
                       unthemed, document_titles(store, doc_ids))


# -- paths ---------------------------------------------------------------------------

@dataclass
class PathsView:
    origin: str
    sub: Subgraph
    flows: list[dict]
    hops: dict[str, int]  # region -> hops from origin
    measures: dict[str, dict]


def paths_view(store: GraphStore, origin: str, limit: int, max_hops: int) -> PathsView:
    sub = Subgraph(limit=limit)
    sub.add_node("Region", origin, {"name": origin})
    hops = {origin: 0}
    frontier = [origin]
    flows: list[dict] = []
    for hop in range(1, max_hops + 1):
        if not frontier:
            break
        rows = store.run("flows_from", {"names": frontier, "limit": ROW_CAP})
        frontier = []
        for f in rows:
            flows.append({**f, "hop": hop})
            if f["dst"] not in hops:
                hops[f["dst"]] = hop
                frontier.append(f["dst"])
    measures = {r["id"]: r for r in store.run(
        "viz_measures_by_ids", {"ids": sorted({f["measure_id"] for f in flows if f["measure_id"]})})}
    # One drawn edge per region pair (parallel edges would overlap); its tooltip lists the practices.
    pairs: dict[tuple[str, str], list[str]] = defaultdict(list)
    for f in flows:
        title = (measures.get(f["measure_id"]) or {}).get("title") or f["measure_id"] or ""
        if title not in pairs[(f["src"], f["dst"])]:
            pairs[(f["src"], f["dst"])].append(title)
    for (a, b), titles in pairs.items():
        src = sub.add_node("Region", a, {"name": a})
        dst = sub.add_node("Region", b, {"name": b})
        sub.add_edge(src, dst, "PRACTICE_FLOW",
                     {"label": f"{len(titles)} practice(s):\n" + "\n".join(titles[:12]),
                      "short": str(len(titles)), "width": 1 + min(len(titles), 8)})
    return PathsView(origin, sub, flows, hops, measures)


# -- search --------------------------------------------------------------------------

def search(store: GraphStore, q: str, limit: int = 100) -> tuple[list[dict], list[dict], list[dict]]:
    """Themes, regions and measures matching ``q`` (already simplified)."""
    ql = q.lower()

    def theme_hit(t: dict) -> bool:
        words = [t.get("name_zh") or "", t.get("name_en") or "", t["key"], *(t.get("synonyms") or [])]
        return any(w and (ql in w.lower() or w.lower() in ql) for w in words)

    def region_hit(r: dict) -> bool:
        words = [r["name"], r.get("full_name") or "", r.get("name_en") or ""]
        return any(w and (ql in w.lower() or (len(w) > 1 and w.lower() in ql)) for w in words)

    topic = research.resolve_topic(q)  # the one resolver: Traditional, English, a practice's name
    themes = [t for t in store.run("viz_themes", {})
              if theme_hit(t) or (topic is not None and t["key"] == topic.theme.key)]
    if topic is not None and topic.practice:  # the practice first: it is what was asked
        themes.insert(0, {"key": topic.practice.key, "name_zh": topic.practice.name_zh,
                          "name_en": topic.practice.name_en})
    regions = [r for r in store.run("viz_regions", {}) if region_hit(r)]
    measures = store.run("viz_search_measures", {"q": q, "limit": limit})
    return themes, regions, measures


# -- explore -------------------------------------------------------------------------

@dataclass
class ExploreView:
    center: tuple[str, str]
    depth: int
    sub: Subgraph
    documents: dict[str, str]


def explore_view(store: GraphStore, center: tuple[str, str, dict], depth: int, limit: int) -> ExploreView:
    """Exactly the subgraph /api/subgraph returns for the same centre, depth and limit."""
    sub = neighbourhood(store, center, depth=depth, limit=limit)
    docs = document_titles(store, [n.props.get("document_id") for n in sub.nodes.values()])
    return ExploreView((center[0], center[1]), depth, sub, docs)
