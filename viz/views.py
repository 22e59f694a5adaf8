"""What each page shows: the answer the API gives to the same question, and its drawing.

Every page is rendered from the research answer its API endpoint returns (policy_graph.research
and policy_graph.lookups, through a Trace): the theme page from /api/adopters, the region page
from /api/regions/{name}, the measure page from /api/measures/{id} and its similar measures,
compare, gaps, paths and timeline from theirs, the search page from /api/search. Nothing here
runs a query of its own, so a page and the API agree by construction. Nothing here knows HTML
either; ``viz.pages`` turns these into markup. Every graph is built through
``graph.subgraph.Subgraph`` so the node cap and the truncation flag behave the same everywhere.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from graph.subgraph import Subgraph, date_measures, neighbourhood
from policy_graph import browse, limits, lookups, research
from policy_graph.research import Trace

THEME_MEASURES_PER_REGION = 5


def _measure_props(m: dict[str, Any]) -> dict[str, Any]:
    """A measure of an answer as a drawn node (the tooltip reads title, text, region, document)."""
    return {"id": m["id"], "title": m.get("title"), "text": m.get("text") or m.get("evidence"),
            "region": m.get("region"), "document_id": m.get("document"), "label": m.get("label")}


def _documents(*answers_measures) -> dict[str, str]:
    """Document id -> title, from the answers' own measures (for the tooltips)."""
    return {m["document"]: m.get("document_title") or m["document"]
            for ms in answers_measures for m in ms if m.get("document")}


def _add_agencies(sub: Subgraph, mid: str, agencies: dict[str, list[dict]] | None) -> None:
    for role, rows in (agencies or {}).items():
        for a in rows:
            aid = sub.add_node("Agency", f"{a.get('region') or ''}|{a['name']}",
                               {"name": a["name"], "region": a.get("region")})
            sub.add_edge(mid, aid, "LED_BY", {"role": role}, distinct=role)


# -- landing -------------------------------------------------------------------------

def landing(trace: Trace, counted: dict[str, int]) -> dict[str, Any]:
    """lookups.overview: the counts of /api/health (its snapshot), the regions of /api/regions,
    the themes of /api/themes (measures never include safeguards)."""
    return lookups.overview(trace, counted)


# -- theme (adopters) ----------------------------------------------------------------

@dataclass
class ThemeView:
    answer: dict  # research.adopters, as /api/adopters?q=<key>&per_region=5&limit=1000 returns it
    sub: Subgraph
    documents: dict[str, str]


def theme_view(trace: Trace, q: str, limit: int) -> ThemeView | None:
    """The page of a theme, or of one of its practices: the answer /api/adopters gives to the
    same question, the topic named by research.resolve_topic (the resolver of the API and the
    CLI). A practice's page shows only the measures carrying it, its theme's other adopters
    apart (``related``)."""
    if research.resolve_topic(q) is None:
        return None
    answer = research.adopters(trace, q, limit=limits.REGIONS_MAX, per_region=THEME_MEASURES_PER_REGION)
    practice = answer.get("practice")
    sub = Subgraph(limit=limit)
    tid = sub.add_node("Theme", answer["theme"]["key"], answer["theme"])
    if practice:  # the practice asked about, inside its theme; its measures carry it
        centre = sub.add_node("Practice", practice["key"], practice)
        sub.add_edge(centre, tid, "BELONGS_TO")
    else:
        centre = tid
    # Regions first so that a capped picture still shows every adopter.
    for region in answer["regions"]:
        sub.add_node("Region", region["region"], {"name": region["region"]})
    shown = [(r["region"], m) for r in answer["regions"] for m in r["measures"]]
    for region, m in shown:
        mid = sub.add_node("Measure", m["id"], _measure_props(m))
        sub.add_edge(mid, centre, "HAS_PRACTICE" if practice else "HAS_THEME")
        home = m.get("region") or region
        sub.add_edge(mid, sub.add_node("Region", home, {"name": home}), "IN_REGION")
        if m["via"] == "scope":  # a measure limited to (or credited to) the adopting region
            sub.add_edge(mid, f"Region:{region}", "IN_REGION", {"role": "scope"}, distinct="scope")
        elif m["via"] == "replicated_to":
            sub.add_edge(mid, f"Region:{region}", "REPLICATED_TO", {"scope": "replicated to"}, distinct=region)
        elif m["via"] == "replicated_from" and region != home:
            sub.add_edge(f"Region:{region}", f"Region:{home}", "PRACTICE_FLOW",
                         {"label": m.get("replication_evidence") or m["title"]}, distinct=m["id"])
    for _, m in shown:
        if f"Measure:{m['id']}" in sub.nodes:
            _add_agencies(sub, f"Measure:{m['id']}", m.get("agencies"))
    related = [m for r in (answer.get("related") or {}).get("regions") or [] for m in r["measures"]]
    date_measures(trace, sub)  # the canvas's time range
    return ThemeView(answer, sub, _documents([m for _, m in shown], related))


# -- region --------------------------------------------------------------------------

@dataclass
class RegionView:
    profile: dict  # lookups.region_profile, as /api/regions/{name} returns it
    sub: Subgraph
    documents: dict[str, str]


def region_view(trace: Trace, name: str, limit: int) -> RegionView | None:
    profile = lookups.region_profile(trace, name)
    if profile is None:
        return None
    sub = Subgraph(limit=limit)
    center = sub.add_node("Region", name, profile["region"])
    for t in profile["themes"]:
        tid = sub.add_node("Theme", t["theme"]["key"], t["theme"])
        sub.add_edge(center, tid, "HAS_THEME_IN_REGION", {"short": str(len(t["measures"]))})
    for t in profile["themes"]:
        for m in t["measures"]:
            mid = sub.add_node("Measure", m["id"], _measure_props(m))
            sub.add_edge(mid, f"Theme:{t['theme']['key']}", "HAS_THEME")
    for m in profile["unthemed"]:
        sub.add_edge(sub.add_node("Measure", m["id"], _measure_props(m)), center, "IN_REGION")
    # Replications with their true origins: 辽源 → 图们, not 图们 → 图们.
    for x in profile["replicated_into"]:
        if x["from_region"] and x["from_region"] != name:
            src = sub.add_node("Region", x["from_region"], {"name": x["from_region"]})
            sub.add_edge(src, center, "PRACTICE_FLOW", {"scope": x["scope"], "label": x["title"]},
                         distinct=x["measure_id"])
    for x in profile["replicated_out_of"]:
        if x["to_region"] != name:
            dst = sub.add_node("Region", x["to_region"], {"name": x["to_region"]})
            sub.add_edge(center, dst, "PRACTICE_FLOW", {"scope": x["scope"], "label": x["title"]},
                         distinct=x["measure_id"])
    docs = {m["document"] for m in profile["measures"]}
    date_measures(trace, sub)  # the canvas's time range
    return RegionView(profile, sub, _document_titles(trace, docs))


def _document_titles(trace: Trace, ids) -> dict[str, str]:
    ids = sorted(i for i in ids if i)
    return {d["id"]: d["title"] or d["id"] for d in trace.run("documents_brief", {"ids": ids})} if ids else {}


# -- measure -------------------------------------------------------------------------

@dataclass
class MeasureView:
    measure: dict  # lookups.measure_detail, as /api/measures/{id} returns it
    similar: list[dict]  # research.similar, as /api/measures/{id}/similar returns it
    sub: Subgraph
    documents: dict[str, str]


SIMILAR_SHOWN = 10


def measure_view(trace: Trace, measure_id: str, limit: int) -> MeasureView | None:
    m = lookups.measure_detail(trace, measure_id)
    if m is None:
        return None
    similar = research.similar(trace, measure_id, SIMILAR_SHOWN, cross_region=True)
    sub = Subgraph(limit=limit)
    props = {**_measure_props(m), "text": m["text"]}
    mid = sub.add_node("Measure", measure_id, props)
    did = sub.add_node("Document", m["document"], {"id": m["document"], "title": m["source"]["document_title"],
                                                   "region": m["region"]})
    sub.add_edge(mid, did, "IN_DOCUMENT")
    sub.add_edge(mid, sub.add_node("Region", m["region"], {"name": m["region"]}), "IN_REGION")
    for x in m["scope"]:  # places the measure is limited to or credited to
        sub.add_edge(mid, sub.add_node("Region", x["region"], {"name": x["region"]}), "IN_REGION",
                     {"role": "scope"}, distinct="scope")
    for a in m["agencies"]:
        aid = sub.add_node("Agency", f"{a.get('region') or ''}|{a['name']}", {"name": a["name"], "region": a["region"]})
        sub.add_edge(mid, aid, "LED_BY", {"role": a["role"]}, distinct=a["role"] or "")
    for a in m["mentioned_agencies"]:
        aid = sub.add_node("Agency", f"{a.get('region') or ''}|{a['name']}", {"name": a["name"], "region": a["region"]})
        sub.add_edge(mid, aid, "MENTIONS")
    for t in m["themes"]:
        sub.add_edge(mid, sub.add_node("Theme", t["key"], t), "HAS_THEME")
    for x in m["replicated_to"] + m["replicated_from"]:
        src = sub.add_node("Region", x["from_region"] or m["region"], {"name": x["from_region"] or m["region"]})
        dst = sub.add_node("Region", x["to_region"], {"name": x["to_region"]})
        sub.add_edge(src, dst, "PRACTICE_FLOW", {"scope": x["scope"]}, distinct=measure_id)
    for s in similar:
        sid = sub.add_node("Measure", s["id"], {"id": s["id"], "title": s["title"], "region": s["region"]})
        sub.add_edge(mid, sid, "SIMILAR_TO", {"label": f"score {s['score']:.2f}"})
        sub.add_edge(sid, sub.add_node("Region", s["region"], {"name": s["region"]}), "IN_REGION")
    date_measures(trace, sub)  # the canvas's time range
    return MeasureView(m, similar, sub, {m["document"]: m["source"]["document_title"] or m["document"]})


# -- compare -------------------------------------------------------------------------

@dataclass
class CompareView:
    answer: dict  # research.compare, as /api/compare returns it
    sub: Subgraph


def compare_view(trace: Trace, names: list[str], limit: int) -> CompareView:
    answer = research.compare(trace, names)
    shared = set(answer["shared_themes"])
    sub = Subgraph(limit=limit)
    # Regions pinned around a circle (two: left and right); themes settle in between.
    for i, name in enumerate(names):
        angle = math.pi + 2 * math.pi * i / len(names)
        sub.add_node("Region", name, {"name": name, "pin": (round(520 * math.cos(angle)),
                                                            round(320 * math.sin(angle)))})
    # Shared themes first: they are what a comparison is about. Measures stay in the table.
    for row in sorted(answer["themes"], key=lambda r: r["theme"]["key"] not in shared):
        key = row["theme"]["key"]
        tid = sub.add_node("Theme", key, {**row["theme"], "emphasis": key in shared})
        for name in names:
            count = row["measure_counts"][name]
            if count:
                sub.add_edge(f"Region:{name}", tid, "HAS_THEME_IN_REGION",
                             {"label": f"{count} measure(s) of {name}", "short": str(count),
                              "width": 1 + min(count, 8)})
    return CompareView(answer, sub)


# -- gaps ----------------------------------------------------------------------------

@dataclass
class GapsView:
    answer: dict  # research.gaps, as /api/regions/{name}/gaps returns it
    sub: Subgraph


def gaps_view(trace: Trace, region: str, peers: list[str] | None, limit: int) -> GapsView:
    answer = research.gaps(trace, region, peers, limits.GAPS_MAX)
    sub = Subgraph(limit=limit)
    sub.add_node("Region", region, {"name": region, "pin": (0, 0)})
    for item in answer["gaps"]:
        tid = sub.add_node("Theme", item["theme"]["key"], item["theme"])
        for peer in item["peers"]:
            sub.add_edge(sub.add_node("Region", peer, {"name": peer}), tid, "HAS_THEME_IN_REGION")
    return GapsView(answer, sub)


# -- paths ---------------------------------------------------------------------------

@dataclass
class PathsView:
    origin: str | None
    destination: str | None
    paths: list[dict]  # research.paths, as /api/paths returns them
    sub: Subgraph
    max_hops: int = limits.HOPS


def paths_view(trace: Trace, origin: str | None, destination: str | None, max_hops: int,
               limit: int) -> PathsView:
    found = research.paths(trace, origin, destination, max_hops, limits.PATHS_MAX)
    sub = Subgraph(limit=limit)
    for name in (origin, destination):
        if name:
            sub.add_node("Region", name, {"name": name})
    # One drawn edge per region pair (parallel edges would overlap); its tooltip lists the practices.
    pairs: dict[tuple[str, str], list[str]] = {}
    for p in found:
        for s in p["steps"]:
            how = f"{s['measure_id']}" + (f" ({s['reach']}: {s['via']})" if s.get("via") else "")
            listed = pairs.setdefault((s["from_region"], s["to_region"]), [])
            if how not in listed:
                listed.append(how)
    for (a, b), practices in pairs.items():
        src = sub.add_node("Region", a, {"name": a})
        dst = sub.add_node("Region", b, {"name": b})
        sub.add_edge(src, dst, "PRACTICE_FLOW",
                     {"label": f"{len(practices)} practice(s):\n" + "\n".join(practices[:12]),
                      "short": str(len(practices)), "width": 1 + min(len(practices), 8)})
    return PathsView(origin, destination, found, sub, max_hops)


# -- timeline ------------------------------------------------------------------------

def timeline(trace: Trace, q: str) -> dict[str, Any] | None:
    """research.timeline, as /api/timeline returns it (None when ``q`` names nothing)."""
    answer = research.timeline(trace, q)
    return answer if answer["events"] or answer["undated"] else None


def adoption_curve(trace: Trace, q: str) -> str | None:
    """The adoption curve /api/diffusion/curve gives for a theme or practice, as an offline SVG;
    None for a question naming neither (its adopters are text matches, not a topic)."""
    from policy_graph import diffusion

    if research.resolve_topic(q) is None:
        return None
    level, key, name_zh, _ = diffusion.topics([q])[0]
    cascade = diffusion.cascade_id(level, key)
    points = diffusion.curve(diffusion.collect(trace, [q]), cascade)
    return diffusion.curve_svg(points, f"{name_zh}: adopting regions over time")


# -- search --------------------------------------------------------------------------

def search(trace: Trace, q: str, limit: int = 100) -> dict[str, Any]:
    """lookups.search, as /api/search returns it: the measures holding the words, the theme or
    practice they name (with its adopting regions' count) and the region they name."""
    return lookups.search(trace, q, limit)


# -- explore -------------------------------------------------------------------------

@dataclass
class ExploreView:
    center: tuple[str, str]
    depth: int
    sub: Subgraph
    documents: dict[str, str]


def explore_view(trace: Trace, center: tuple[str, str, dict], depth: int, limit: int) -> ExploreView:
    """Exactly the subgraph /api/subgraph returns for the same centre, depth and limit."""
    sub = neighbourhood(trace.store, center, depth=depth, limit=limit, index=trace.text_index)
    docs = _document_titles(trace, {n.props.get("document_id") for n in sub.nodes.values()})
    date_measures(trace, sub)  # the canvas's time range
    return ExploreView((center[0], center[1]), depth, sub, docs)


# -- agency, document, measure browser ------------------------------------------------

def agencies(trace: Trace, key: str) -> list[dict[str, Any]]:
    """The agencies an id or a name names (lookups.find_agencies, as /api/agencies/{key} resolves)."""
    return lookups.find_agencies(trace, key)


def agency(trace: Trace, found: dict[str, Any]) -> dict[str, Any]:
    """lookups.agency_profile, as /api/agencies/{key} returns it."""
    return lookups.agency_profile(trace, found)


def document(trace: Trace, document_id: str) -> dict[str, Any] | None:
    """lookups.document_profile, as /api/documents/{id} returns it."""
    return lookups.document_profile(trace, document_id)


def measure_browser(trace: Trace, raw: dict[str, str], sort: str, limit: int, offset: int,
                    facet_values: int) -> dict[str, Any]:
    """browse.browse, as /api/measures?…&facets=true returns it (raises browse.BadFilter)."""
    filters = browse.resolve_filters(trace, **raw)
    return browse.browse(trace, filters, sort=sort, limit=limit, offset=offset, facets=True,
                         facet_values=facet_values)
