"""Health, regions, documents, measures and search: thin wrappers of policy_graph.lookups."""
from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.concurrency import run_in_threadpool

from api.deps import get_store, text_index
from api.models import DocumentOut, Health, MeasureDetail, MeasurePage, RegionOut, SearchPage
from api.resolve import optional_region
from graph.store import GraphStore
from policy_graph import limits, lookups, research
from policy_graph.research import Trace

router = APIRouter(prefix="/api", tags=["graph"])


@router.get("/health", response_model=Health)
async def health(request: Request) -> Health:
    """Answered on the event loop from the counts snapshot (api/counts.py): no thread, no query."""
    counts = request.app.state.counts
    current = counts.current
    if current is None:  # not yet counted: count now, and say 503 if the graph cannot be read
        current = await run_in_threadpool(counts.refresh)
    return Health(status="ok", backend=request.app.state.store.backend, counts=current)


@router.get("/regions", response_model=list[RegionOut])
def regions(all: bool = Query(False, description="list every gazetteer region, not only those with facts"),
            limit: int = Query(limits.LIST_MAX, ge=1, le=limits.REGION_LIST_MAX),
            store: GraphStore = Depends(get_store)) -> list[dict]:
    return lookups.region_list(Trace(store), all, limit)


@router.get("/documents", response_model=list[DocumentOut])
def documents(limit: int = Query(limits.LIST_MAX, ge=1, le=limits.LIST_MAX),
              store: GraphStore = Depends(get_store)) -> list[dict]:
    return store.run("document_list", {"limit": limit})


@router.get("/measures", response_model=MeasurePage)
def measures(region: str | None = Query(None, description="厦门, 厦门市, 廈門 or Xiamen"),
             document: str | None = Query(None, max_length=200),
             kind: str = Query("measure", pattern="^(measure|safeguard)$"),
             limit: int = Query(50, ge=1, le=limits.LIST_MAX),
             offset: int = Query(0, ge=0, le=limits.OFFSET_MAX),
             store: GraphStore = Depends(get_store)) -> MeasurePage:
    items, total = lookups.measures(Trace(store), optional_region(store, region) or "", document or "",
                                    kind, limit, offset)
    return MeasurePage(items=items, total=total)


@router.get("/measures/{measure_id}", response_model=MeasureDetail)
def measure(measure_id: str, store: GraphStore = Depends(get_store)) -> MeasureDetail:
    detail = lookups.measure_detail(Trace(store), measure_id)
    if detail is None:
        raise HTTPException(status_code=404, detail=f"measure {measure_id!r} not found")
    return MeasureDetail(**detail)


@router.get("/search", response_model=SearchPage)
def search(request: Request, q: str = Query(..., min_length=1, max_length=200),
           limit: int = Query(20, ge=1, le=limits.LIST_MAX),
           store: GraphStore = Depends(get_store)) -> SearchPage:
    if not research.text_terms(q):
        raise HTTPException(status_code=422, detail="the query holds no searchable text")
    return SearchPage(**lookups.search(Trace(store, text_index=text_index(request)), q, limit))
