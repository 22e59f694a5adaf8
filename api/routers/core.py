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
    # One statement: the measure, its document's title and date, and each kind of edge collected
    # into a list (five statements before; each costs a round trip through the connection pool).
    rows = store.run("measure_detail", {"id": measure_id})
    if not rows:
        raise HTTPException(status_code=404, detail=f"measure {measure_id!r} not found")
    m = rows[0]
    # An OPTIONAL MATCH that found nothing collects one all-null map: keep matched entries only.
    # The lists are sorted here as the per-kind queries' ORDER BY did (nulls last), because an
    # ORDER BY before an aggregation is not kept by LadybugDB 0.22.
    agencies = sorted((a for a in m["agencies"] if a["id"] is not None),
                      key=lambda a: (_last(a["role"]), _last(a["position"]), _last(a["name"])))
    facts = [AgencyFact(name=a["name"], role=a["role"], printed=a["printed"], evidence=a["evidence"])
             for a in agencies]
    mentions = [AgencyFact(name=a["name"], role="mention", printed=a["printed"], evidence=a["evidence"])
                for a in sorted((a for a in m["mentions"] if a["id"] is not None),
                                key=lambda a: _last(a["name"]))]
    replications = [ReplicationOut(**r, measure_id=measure_id)
                    for r in sorted((r for r in m["replications"] if r["to_region"] is not None),
                                    key=lambda r: (_last(r["from_region"]), _last(r["to_region"])))]
    themes = sorted((t for t in m["themes"] if t["key"] is not None), key=lambda t: _last(t["key"]))
    return MeasureDetail(
        **{k: m[k] for k in ("id", "region", "document", "label", "section", "title", "text",
                              "text_original", "kind", "deadline", "deadline_raw", "document_date")},
        lead_agencies=_names(agencies, "lead"),
        support_agencies=_names(agencies, "support"),
        agencies=facts,
        mentioned_agencies=mentions,
        fields=json.loads(m["fields_json"]) if m.get("fields_json") else {},
        themes=[ThemeFact(**t) for t in themes],
        replicated_to=[r for r in replications if r.to_region != m["region"]],
        replicated_from=[r for r in replications if r.from_region and r.from_region != m["region"]],
        source=Source(document=m["document"], document_title=m["document_title"],
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
            seen.setdefault(a["printed"] or a["name"], None)
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
