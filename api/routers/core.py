"""Health, regions, documents, measures and search."""
from __future__ import annotations

import json

from fastapi import APIRouter, Depends, HTTPException, Query, Request

from api.deps import get_store, text_index
from api.models import (AgencyFact, DocumentOut, Health, MeasureDetail, MeasurePage,
                        RegionOut, ReplicationOut, Source, ThemeFact)
from api.resolve import optional_region
from graph.store import GraphStore
from policy_graph import research
from policy_graph.research import Trace

router = APIRouter(prefix="/api", tags=["graph"])
MAX_LIMIT = 500


@router.get("/health", response_model=Health)
def health(store: GraphStore = Depends(get_store)) -> Health:
    counts = store.run("stats")[0]
    return Health(status="ok", backend=store.backend, counts={k: int(v) for k, v in counts.items()})


@router.get("/regions", response_model=list[RegionOut])
def regions(all: bool = Query(False, description="list every gazetteer region, not only those with facts"),
            limit: int = Query(MAX_LIMIT, ge=1, le=5000),
            store: GraphStore = Depends(get_store)) -> list[dict]:
    return store.run("region_list", {"include_all": all, "limit": limit})


@router.get("/documents", response_model=list[DocumentOut])
def documents(limit: int = Query(MAX_LIMIT, ge=1, le=MAX_LIMIT),
              store: GraphStore = Depends(get_store)) -> list[dict]:
    return store.run("document_list", {"limit": limit})


@router.get("/measures", response_model=MeasurePage)
def measures(region: str | None = Query(None, description="厦门, 厦门市, 廈門 or Xiamen"),
             document: str | None = Query(None, max_length=200),
             kind: str = Query("measure", pattern="^(measure|safeguard)$"),
             limit: int = Query(50, ge=1, le=MAX_LIMIT),
             offset: int = Query(0, ge=0, le=10_000_000),
             store: GraphStore = Depends(get_store)) -> MeasurePage:
    params = {"kind": kind, "region": optional_region(store, region) or "", "document": document or ""}
    total = store.run("measure_count", params)[0]["total"]
    # LadybugDB 0.22 segfaults on ORDER BY .. SKIP far past the last row: never ask past the end.
    items = store.run("measure_list", {**params, "limit": limit, "offset": offset}) if offset < total else []
    return MeasurePage(items=items, total=int(total))


def measure_detail(store: GraphStore, measure_id: str) -> MeasureDetail:
    # One statement, one row per outgoing edge (its document, agencies, mentions, themes,
    # replications), each row carrying the measure's own columns; five statements before. No
    # aggregation: collecting the edges per measure cost more than the four round trips it saved.
    rows = store.run("measure_detail", {"id": measure_id})
    doc = next((r for r in rows if r["rel"] == "IN_DOCUMENT"), None)
    if doc is None:
        raise HTTPException(status_code=404, detail=f"measure {measure_id!r} not found")
    m = doc
    by_rel: dict[str, list[dict]] = {}
    for r in rows:
        by_rel.setdefault(r["rel"], []).append(r)
    # Sorted as the per-kind queries' ORDER BY did, nulls last.
    agencies = sorted(by_rel.get("LED_BY", ()),
                      key=lambda a: (_last(a["role"]), _last(a["position"]), _last(a["x_name"])))
    facts = [AgencyFact(name=a["x_name"], role=a["role"], printed=a["printed"], evidence=a["evidence"])
             for a in agencies]
    mentions = [AgencyFact(name=a["x_name"], role="mention", printed=a["printed"], evidence=a["evidence"])
                for a in sorted(by_rel.get("MENTIONS", ()), key=lambda a: _last(a["x_name"]))]
    replications = [ReplicationOut(from_region=r["from_region"], to_region=r["x_name"], scope=r["scope"],
                                   kind=r["rep_kind"], evidence=r["evidence"], document=r["rep_document"],
                                   measure_id=measure_id)
                    for r in sorted(by_rel.get("REPLICATED_TO", ()),
                                    key=lambda r: (_last(r["from_region"]), _last(r["x_name"])))]
    themes = [ThemeFact(key=t["x_key"], name_zh=t["x_name_zh"], name_en=t["x_name_en"], terms=t["terms"],
                        evidence=t["evidence"])
              for t in sorted(by_rel.get("HAS_THEME", ()), key=lambda t: _last(t["x_key"]))]
    return MeasureDetail(
        **{k: m[k] for k in ("id", "region", "document", "label", "section", "title", "text",
                              "text_original", "kind", "deadline", "deadline_raw")},
        document_date=doc["x_date"],
        document_date_source=doc.get("x_date_source"),
        lead_agencies=_names(agencies, "lead"),
        support_agencies=_names(agencies, "support"),
        agencies=facts,
        mentioned_agencies=mentions,
        fields=json.loads(m["fields_json"]) if m.get("fields_json") else {},
        themes=themes,
        replicated_to=[r for r in replications if r.to_region != m["region"]],
        replicated_from=[r for r in replications if r.from_region and r.from_region != m["region"]],
        source=Source(document=m["document"], document_title=doc["x_title"],
                      start=m["span_start"], end=m["span_end"]),
    )


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


@router.get("/measures/{measure_id}", response_model=MeasureDetail)
def measure(measure_id: str, store: GraphStore = Depends(get_store)) -> MeasureDetail:
    return measure_detail(store, measure_id)


@router.get("/search", response_model=MeasurePage)
def search(request: Request, q: str = Query(..., min_length=1, max_length=200),
           limit: int = Query(20, ge=1, le=MAX_LIMIT),
           store: GraphStore = Depends(get_store)) -> MeasurePage:
    terms = research.text_terms(q)
    if not terms:
        raise HTTPException(status_code=422, detail="the query holds no searchable text")
    items, total = research.search(Trace(store, text_index=text_index(request)), terms, limit)
    return MeasurePage(items=items, total=total)
