"""The graph's plain facts as answers shared by the API, the CLI and the pages: what the graph
holds, one region's profile, one measure's detail, and a search that also says which theme or
practice the words name. Like policy_graph.research, every answer runs through a Trace."""
from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from typing import Any
from urllib.parse import quote

import orjson

from graph.subgraph import encode_kept_neighbours
from policy_graph import limits, research
from policy_graph.regions import resolve_region_name
from policy_graph.research import Trace


COUNTED = ("documents", "measures", "agencies", "regions", "relations")


def counts(runner: Any) -> dict[str, int]:
    """Documents, measures (never safeguards), agencies, regions and relations (/api/health, the
    CLI's stats, an upload's answer). ``runner``: a GraphStore or a Trace. A count of nothing
    may come back as no row at all (LadybugDB on an empty table): it is 0."""
    found = {r["what"]: int(r["n"]) for r in runner.run("stats", {})}
    return {what: found.get(what, 0) for what in COUNTED}


def region_list(trace: Trace, include_all: bool = False, limit: int = limits.REGION_LIST_MAX) -> list[dict]:
    """Regions with their measure counts (kind measure), most measures first (/api/regions)."""
    return trace.run("region_list", {"include_all": include_all, "limit": limit})


def theme_list(trace: Trace) -> list[dict]:
    """Themes with the measures and regions carrying them (/api/themes)."""
    return trace.run("theme_list", {})


def overview(trace: Trace, counted: dict[str, int]) -> dict[str, Any]:
    """The counts (``counted``: the snapshot a server keeps for /api/health; counting every
    relation again took 61 ms at 100k measures), the regions and the themes."""
    return {"counts": counted, "regions": region_list(trace), "themes": theme_list(trace)}


def measure_count(trace: Trace, region: str = "", document: str = "", kind: str = "measure") -> int:
    params = {"kind": kind, "region": region, "document": document}
    # one document's are found from it (document_measure_count), the others by a filtered scan
    if document:
        return int(trace.run("document_measure_count", params)[0]["total"])
    return int(trace.run("measure_count", params)[0]["total"])


def measures(trace: Trace, region: str = "", document: str = "", kind: str = "measure",
             limit: int = 50, offset: int = 0) -> tuple[list[dict], int]:
    """A page of measures in document order, and the total (/api/measures)."""
    total = measure_count(trace, region, document, kind)
    params = {"kind": kind, "region": region, "document": document, "limit": limit, "offset": offset}
    if offset >= total:  # LadybugDB 0.22 segfaults on ORDER BY .. SKIP far past the last row
        return [], total
    if document:
        return trace.run("document_measure_list", params), total
    return trace.run("measure_list", params), total


def region_profile(trace: Trace, name: str, limit: int = limits.LIST_MAX) -> dict[str, Any] | None:
    """One region: its measures, its adoption by theme counted as compare and gaps count it
    (own measures, practices replicated to it, pilots it ran), and the replications into and
    out of it, each with its true origin (from_region)."""
    found = trace.run("region_get", {"name": name})
    if not found:
        return None
    items, total = measures(trace, region=name, limit=limit)
    themes = research.adoption_by_theme(trace, [name])
    by_theme = [{"theme": {k: t[k] for k in ("key", "name_zh", "name_en")},
                 "measures": list(t["regions"].get(name, {}).values())}
                for t in sorted(themes.values(), key=lambda t: t["key"]) if t["regions"].get(name)]
    themed = {m["id"] for t in by_theme for m in t["measures"]}
    return {"region": found[0], "measure_count": total, "measures": items,
            "themes": by_theme, "unthemed": [m for m in items if m["id"] not in themed],
            "replicated_into": research.replications(trace, None, name, None, limits.REPLICATIONS_MAX),
            "replicated_out_of": research.replications(trace, name, None, None, limits.REPLICATIONS_MAX)}


def _last(value):
    """Sort key: None after every value, as ORDER BY puts nulls last."""
    return (value is None, value if value is not None else 0)


def _names(agencies: list[dict], role: str) -> list[str]:
    # The name as printed in the document (simplified), one per agency, in document order of roles.
    seen: dict[str, None] = {}
    for a in agencies:
        if a["role"] == role:
            seen.setdefault(a["printed"] or a["x_name"], None)
    return list(seen)


def measure_detail(trace: Trace, measure_id: str) -> dict[str, Any] | None:
    """One measure with its document, agencies, mentions, themes and replications (/api/measures/{id})."""
    # One statement, one row per outgoing edge (its document, agencies, mentions, themes,
    # replications), each row carrying the measure's own columns; five statements before. No
    # aggregation: collecting the edges per measure cost more than the four round trips it saved.
    rows = trace.run("measure_detail", {"id": measure_id})
    return _detail(rows[0], rows) if rows else None


def measure_detail_json(trace: Trace, measure_id: str) -> bytes | None:
    """measure_detail as /api/measures/{id} sends it: the answer the ingest kept in the text
    index when it holds one for the measures it covers (one lookup, no graph statement),
    otherwise computed from the graph and encoded. None: no such measure."""
    kept = kept_measure_detail(trace.text_index, measure_id)
    if kept is not None:
        trace.equivalent("measure_detail", {"id": measure_id})
        return kept
    detail = measure_detail(trace, measure_id)
    return None if detail is None else encode_detail(detail)


def kept_measure_detail(index, measure_id: str) -> bytes | None:
    """The detail the ingest kept for the measure in ``index`` (graph.textindex.TextIndex, or
    None), as measure_detail_json sends it; None when there is none current, or a writer's
    commit holds the file: then ask measure_detail_json."""
    return index.detail(measure_id) if index is not None else None


def encode_detail(detail: dict[str, Any]) -> bytes:
    """A measure's detail as JSON: the bytes api.models.MeasureDetail's own encoding gives
    (keys in its order: tests/test_kept_measures.py)."""
    return orjson.dumps(detail)


DETAILS_BATCH = 50  # documents a statement: at 10k measures as fast as 10, and a seventh faster than 250
DETAILS_ONE_BY_ONE_BELOW = 1000  # measures: fewer are read with the request's own statement, one by one


def kept_measure_details(store, documents: list[str], measures: int | None = None
                         ) -> Iterator[tuple[str, str, bytes, bytes]]:
    """(measure id, document id, encoded detail, encoded neighbours) of every measure of
    ``documents``, for the text index to keep (service.keep_measure_details), computed by the code
    a request runs; the neighbours are those its own document gave it (measure_details_neighbours,
    for graph.subgraph). Read for
    DETAILS_BATCH documents at a time: the measures' own columns once (measure_detail repeats the
    texts on each of a measure's ~10 edges), then each relation's edges. When the caller knows
    the documents hold fewer than DETAILS_ONE_BY_ONE_BELOW ``measures`` (an upload), each is read
    with measure_detail itself (0.6 ms a measure): in a server with the smallest buffer pool
    (64 MiB), the batch's statements left too little of it for the upload's next statements,
    the request's own statement did not (tests/test_buffer_pool.py)."""
    one_by_one = measures is not None and measures < DETAILS_ONE_BY_ONE_BELOW
    for i in range(0, len(documents), DETAILS_BATCH):
        params = {"documents": documents[i:i + DETAILS_BATCH]}
        own = {r["id"]: r for r in store.run("measure_details_own", params)}
        edges: dict[str, list[dict[str, Any]]] = {}
        if one_by_one:
            edges = {mid: store.run("measure_detail", {"id": mid}) for mid in own}
        else:
            for rows in (store.run("measure_details_documents", params), store.run("measure_details_regions", params),
                         store.run("measure_details_agencies", params), store.run("measure_details_themes", params),
                         store.run("measure_details_replications", params)):
                for r in rows:
                    edges.setdefault(r["id"], []).append(r)
        neighbours = {r["src"]: r["neighbours"] for r in store.run("measure_details_neighbours", params)}
        for mid, m in own.items():
            detail = _detail(m, edges.get(mid, ()))
            if detail is not None:
                yield mid, m["document"], encode_detail(detail), encode_kept_neighbours(neighbours.get(mid, []))


def _detail(m: dict[str, Any], rows: Sequence[dict[str, Any]]) -> dict[str, Any] | None:
    """A measure's detail from its own columns (``m``) and its edges' rows (measure_detail's
    rows carry both); None without its document's row."""
    doc = next((r for r in rows if r["rel"] == "IN_DOCUMENT"), None)
    if doc is None:
        return None
    by_rel: dict[str, list[dict]] = {}
    for r in rows:
        by_rel.setdefault(r["rel"], []).append(r)
    # Sorted as the per-kind queries' ORDER BY did, nulls last; then on every column shown, so
    # rows read in any order (one measure's statement, or a batch's) give the same answer.
    agencies = sorted(by_rel.get("LED_BY", ()),
                      key=lambda a: (_last(a["role"]), _last(a["position"]), _last(a["x_name"]),
                                     _last(a["printed"]), _last(a["evidence"]), _last(a["x_id"])))
    facts = [{"name": a["x_name"], "role": a["role"], "printed": a["printed"], "evidence": a["evidence"],
              "region": _agency_region(a["x_id"])} for a in agencies]
    mentions = [{"name": a["x_name"], "role": "mention", "printed": a["printed"], "evidence": a["evidence"],
                 "region": _agency_region(a["x_id"])}
                for a in sorted(by_rel.get("MENTIONS", ()),
                                key=lambda a: (_last(a["x_name"]), _last(a["printed"]), _last(a["evidence"]),
                                               _last(a["x_id"])))]
    replications = [{"from_region": r["from_region"], "to_region": r["x_name"], "scope": r["scope"],
                     "kind": r["rep_kind"], "evidence": r["evidence"], "document": r["rep_document"],
                     "measure_id": m["id"]}
                    for r in sorted(by_rel.get("REPLICATED_TO", ()),
                                    key=lambda r: (_last(r["from_region"]), _last(r["x_name"]), _last(r["scope"]),
                                                   _last(r["rep_kind"]), _last(r["evidence"]),
                                                   _last(r["rep_document"])))]
    themes = [{"key": t["x_key"], "name_zh": t["x_name_zh"], "name_en": t["x_name_en"], "terms": t["terms"],
               "evidence": t["evidence"]}
              for t in sorted(by_rel.get("HAS_THEME", ()), key=lambda t: _last(t["x_key"]))]
    # keys in api.models.MeasureDetail's order: the kept answer is sent as encode_detail wrote it
    return {
        **{k: m[k] for k in ("id", "region", "document", "label", "section", "title", "text", "kind",
                             "text_original", "deadline", "deadline_raw")},
        "document_date": doc["x_date"],
        "document_date_source": doc.get("x_date_source") if doc["x_date"] else None,
        "lead_agencies": _names(agencies, "lead"),
        "support_agencies": _names(agencies, "support"),
        "agencies": facts,
        "mentioned_agencies": mentions,
        "fields": json.loads(m["fields_json"]) if m.get("fields_json") else {},
        "themes": themes,
        "replicated_to": [r for r in replications if r["to_region"] != m["region"]],
        # where the practice came from when that is elsewhere (图们's measure borrowed from 辽源)
        "replicated_from": [r for r in replications if r["from_region"] and r["from_region"] != m["region"]],
        # places the measure is limited or credited to, beside its issuing region (IN_REGION role scope)
        "scope": [{"region": r["x_name"], "evidence": r["evidence"]}
                  for r in sorted(by_rel.get("IN_REGION", ()), key=lambda r: (_last(r["x_name"]), _last(r["evidence"])))
                  if r["role"] == "scope"],
        "source": {"document": m["document"], "document_title": doc["x_title"],
                   "start": m["span_start"], "end": m["span_end"]},
    }


def _agency_region(agency_id: str | None) -> str | None:
    # An agency's identity is "<region>|<canonical name>" (graph.loader.agency_id).
    return agency_id.split("|", 1)[0] if agency_id and "|" in agency_id else None


def search(trace: Trace, q: str, limit: int = 20) -> dict[str, Any]:
    """Measures holding every word of ``q`` (research.search), and what else the words name:
    a theme or practice (with how many regions adopted it, the adopters answer's count, and
    where to ask for them) and a region. "IP pledge financing" holds no Chinese words a measure
    could contain, but it names a theme: the answer says so instead of leaving the reader at 0."""
    terms = research.text_terms(q)
    items, total = research.search(trace, terms, limit) if terms else ([], 0)
    return {"query": q, "items": items, "total": total, "topic": topic(trace, q),
            "regions": _named_regions(trace, q)}


def topic(trace: Trace, q: str) -> dict[str, Any] | None:
    """The theme or practice a question names, with its adopting regions' count, or None."""
    found = research.resolve_topic(q)
    if found is None:
        return None
    theme, practice = research.theme_dict(found.theme), research.practice_dict(found.practice) if found.practice else None
    return {"kind": found.kind, "theme": theme, "practice": practice,
            "region_count": research.adopter_count(trace, found),
            "adopters": "/api/adopters?q=" + quote((practice or theme)["key"], safe="")}


def _named_regions(trace: Trace, q: str) -> list[dict]:
    name = resolve_region_name(trace.store, q, trace.text_index)
    return trace.run("region_get", {"name": name}) if name else []


AGENCY_MEASURES = 200  # measures shown per role on an agency's answer (measure_count gives all)


def find_agencies(trace: Trace, key: str, limit: int = 20) -> list[dict]:
    """The agency an id names ("厦门|市科技局"), or the agencies a name names (市工信局: one per
    city that has one), most measures first."""
    by_id = trace.run("agency_get", {"key": key.strip()})
    if by_id:
        return by_id
    return trace.run("agency_find", {"key": key.strip(), "limit": limit})


def agency_profile(trace: Trace, agency: dict, limit: int = AGENCY_MEASURES) -> dict[str, Any]:
    """One agency's measures grouped by role (lead, support), earliest first, each with the line
    that names the agency, the document, and the document's date with where it was read."""
    counts = {r["role"]: r for r in trace.run("agency_roles", {"id": agency["id"]})}
    roles = []
    for role in ("lead", "support"):
        rows = trace.run("agency_measures", {"id": agency["id"], "role": role, "offset": 0, "limit": limit})
        for r in rows:
            r["evidence"] = r.pop("text")
        roles.append({"role": role, "measure_count": int((counts.get(role) or {}).get("measure_count", 0)),
                      "region_count": int((counts.get(role) or {}).get("region_count", 0)),
                      "regions": sorted({r["region"] for r in rows if r["region"]}), "measures": rows})
    return {"agency": {k: agency.get(k) for k in ("id", "name", "region", "collective")},
            "measure_count": int(agency.get("measure_count") or 0), "roles": roles}


def document_profile(trace: Trace, document_id: str, limit: int = limits.LIST_MAX) -> dict[str, Any] | None:
    """One document: its metadata, where each field was read (provenance: the signature line, the
    document number's year, the manifest ...), and its measures in document order."""
    found = trace.run("document_profile", {"id": document_id})
    if not found:
        return None
    doc = found[0]
    provenance = json.loads(doc.pop("provenance_json") or "{}")
    items, total = measures(trace, document=document_id, kind="measure", limit=limit)
    safeguards, _ = measures(trace, document=document_id, kind="safeguard", limit=limit)
    return {"document": doc, "provenance": provenance, "measure_total": total,
            "measures": items, "safeguards": safeguards}
