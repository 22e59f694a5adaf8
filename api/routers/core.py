"""Health, regions, documents, measures and search: thin wrappers of policy_graph.lookups."""
from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response
from fastapi.concurrency import run_in_threadpool

from api.deps import checked_text_index, get_store, trace_for
from api.inline import inline_first
from api.models import AnswerCacheStats, BrowsePage, DocumentOut, Health, MeasureDetail, RegionOut, SearchPage
from api.resolve import optional_region
from api.search_json import search_json
from graph.store import GraphStore
from policy_graph import browse, limits, lookups, research
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


@router.get("/answer-cache", response_model=AnswerCacheStats)
async def answer_cache(request: Request) -> dict:
    """The answer cache's budget, fill and counts since start-up (api/answers.py): how often a
    question was answered from it (hits) or worked out (misses)."""
    return request.app.state.answers.stats()


@router.get("/regions", response_model=list[RegionOut])
def regions(all: bool = Query(False, description="list every gazetteer region, not only those with facts"),
            limit: int = Query(limits.LIST_MAX, ge=1, le=limits.REGION_LIST_MAX),
            store: GraphStore = Depends(get_store)) -> list[dict]:
    return lookups.region_list(Trace(store), all, limit)


@router.get("/documents", response_model=list[DocumentOut])
def documents(limit: int = Query(limits.LIST_MAX, ge=1, le=limits.LIST_MAX),
              store: GraphStore = Depends(get_store)) -> list[dict]:
    return store.run("document_list", {"limit": limit})


@router.get("/measures", response_model=BrowsePage, response_model_exclude_unset=True)
def measures(region: str | None = Query(None, max_length=200, description="厦门, 厦门市, 廈門 or Xiamen"),
             document: str | None = Query(None, max_length=200),
             kind: str = Query("measure", pattern="^(measure|safeguard|all)$"),
             within: str | None = Query(None, max_length=200, description="a region and every place in it "
                                                                         "(福建: its cities and districts too)"),
             level: str | None = Query(None, max_length=20, description="the region's level: national, "
                                                                       "province, prefecture, county, zone"),
             theme: str | None = Query(None, max_length=200, description="a theme (key, Chinese or English)"),
             practice: str | None = Query(None, max_length=200, description="a named practice"),
             agency: str | None = Query(None, max_length=200, description="an agency id (厦门|市科技局) or a "
                                                                         "name naming one agency"),
             role: str | None = Query(None, pattern="^(lead|support)?$", description="the agency's role"),
             date_from: str | None = Query(None, max_length=10, description="YYYY, YYYY-MM or YYYY-MM-DD"),
             date_to: str | None = Query(None, max_length=10, description="YYYY, YYYY-MM or YYYY-MM-DD"),
             sort: str = Query("document", pattern="^(document|date|-date|region|title)$",
                               description="document order, date (undated last), -date, region, title"),
             facets: bool = Query(False, description="also count the measures per facet value"),
             facet_values: int = Query(browse.FACET_VALUES, ge=1, le=browse.FACET_VALUES_MAX,
                                       description="values listed per facet, most measures first"),
             limit: int = Query(50, ge=1, le=limits.LIST_MAX),
             offset: int = Query(0, ge=0, le=limits.OFFSET_MAX),
             store: GraphStore = Depends(get_store)) -> dict:
    """Measures, paged; with any of within, level, theme, practice, agency, role, date_from, date_to, a
    sort or facets=true, the measure browser's answer (policy_graph/browse.py): the same page
    with each row's date, themes and agencies, and the counts per facet value."""
    trace = Trace(store)
    try:
        filters = browse.resolve_filters(
            trace, region=optional_region(store, region), within=optional_region(store, within, "within"),
            level=level, theme=theme, practice=practice,
            agency=agency, role=role, date_from=date_from, date_to=date_to, kind=kind, document=document)
        return browse.plain_or_browse(trace, filters, sort=sort, limit=limit, offset=offset, facets=facets,
                                      facet_values=facet_values)
    except browse.BadFilter as exc:
        raise HTTPException(status_code=422, detail=str(exc)) from exc


def _measure_json(request: Request, store: GraphStore, measure_id: str) -> bytes | None:
    # In the pool: trace_for may check a changed index file against the graph, and gives this
    # thread's own connection to it (another thread's may be closed when the file changes).
    return lookups.measure_detail_json(trace_for(request, store), measure_id)


@router.get("/measures/{measure_id}", response_model=MeasureDetail)
async def measure(request: Request, measure_id: str, store: GraphStore = Depends(get_store)) -> Response:
    # The detail the ingest kept is one SQLite lookup (20-50 us), less than the thread pool's
    # hand-off (bench/FIXES.md, "serving floor by layer"): read on the event loop, on a connection
    # that never waits for a writer's lock. Otherwise it is asked from the pool (kept, or computed
    # from the graph). The same bytes either way (tests/test_kept_measures.py), MeasureDetail's.
    body = lookups.kept_measure_detail(checked_text_index(request), measure_id)
    if body is None:
        body = await run_in_threadpool(_measure_json, request, store, measure_id)
    if body is None:
        raise HTTPException(status_code=404, detail=f"measure {measure_id!r} not found")
    return Response(body, media_type="application/json")


@router.get("/search", response_model=SearchPage)
async def search(request: Request, q: str = Query(..., min_length=1, max_length=200),
                 limit: int = Query(20, ge=1, le=limits.LIST_MAX),
                 store: GraphStore = Depends(get_store)) -> Response:
    if not research.text_terms(q):
        raise HTTPException(status_code=422, detail="the query holds no searchable text")
    return await inline_first(request, store, lambda trace: Response(search_json(lookups.search(trace, q, limit)),
                                                                     media_type="application/json"))
