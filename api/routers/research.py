"""The research questions: adopters, similar measures, replications, paths, compare, gaps,
timeline and a region's profile. Thin wrappers: the answers are policy_graph.research's and
policy_graph.lookups', the same the CLI prints and the pages draw."""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request, Response

from api.deps import get_store, trace_for
from api.inline import inline_first
from api.json_response import OrjsonResponse
from api.resolve import optional_region, require_region
from graph.store import GraphStore
from policy_graph import limits, lookups, research
from policy_graph.regions import UnknownRegion, resolve_region_list
from policy_graph.research import Trace

router = APIRouter(prefix="/api", tags=["research"])
ExplainQ = Query(False, description="also return the Cypher text and parameters that produced the answer")


def _answer(trace: Trace, body: dict[str, Any], explain: bool) -> OrjsonResponse:
    """The answer sent as built. Returned as a dict, FastAPI ran it through pydantic's
    serialiser for the route's `dict[str, Any]` return type before orjson encoded it: for a
    comparison that was a seventh of the server's time, for a result that is already JSON's."""
    return OrjsonResponse({**body, **trace.explain()} if explain else body)


@router.get("/themes")
def themes(explain: bool = ExplainQ, store: GraphStore = Depends(get_store)) -> Any:
    trace = Trace(store)
    rows = lookups.theme_list(trace)
    # A bare list is the documented shape; explain wraps it so the query can ride along.
    return _answer(trace, {"items": rows}, True) if explain else OrjsonResponse(rows)


@router.get("/adopters")
async def adopters(request: Request,
                   q: str = Query(..., min_length=1, max_length=200,
                                  description="a theme or a named practice (key, Chinese in either script, or "
                                              "English: 知识产权质押融资, 银税互动, bank-tax interaction), or any "
                                              "text; a practice's answer gives its theme's other adopters as "
                                              "`related`"),
                   per_region: int = Query(limits.PER_REGION, ge=1, le=limits.PER_REGION_MAX,
                                           description="measures shown per region, earliest first "
                                                       "(measure_count gives the region's total)"),
                   limit: int = Query(limits.REGIONS, ge=1, le=limits.REGIONS_MAX,
                                      description="regions per page, by first date (region_count gives all)"),
                   offset: int = Query(0, ge=0, le=limits.OFFSET_REGIONS_MAX, description="regions to skip"),
                   explain: bool = ExplainQ, store: GraphStore = Depends(get_store)) -> dict[str, Any]:

    def answer(trace: Trace) -> Response:
        if explain:
            return _answer(trace, research.adopters(trace, q, limit=limit, per_region=per_region, offset=offset), True)
        # Sent as encoded, not through the response model: a page of ~1,000 measures (460 KB) took
        # 20.6 ms through its validation and 14.1 ms as a plain JSONResponse (in-process, same body);
        # a kept answer is sent as the ingest encoded it.
        return Response(research.adopters_json(trace, q, limit=limit, per_region=per_region, offset=offset),
                        media_type="application/json")

    # a theme's or a practice's answer is kept whole; a text question in more measures than
    # research.LOOP_HITS_MAX goes on in a thread from the hits matched on the loop
    return await inline_first(request, store, answer)


@router.get("/timeline")
def timeline(request: Request, q: str = Query(..., min_length=1, max_length=200),
             explain: bool = ExplainQ, store: GraphStore = Depends(get_store)) -> dict[str, Any]:
    trace = trace_for(request, store)
    return _answer(trace, research.timeline(trace, q), explain)


@router.get("/measures/{measure_id}/similar")
def similar(measure_id: str, limit: int = Query(limits.SIMILAR, ge=1, le=limits.SIMILAR_MAX),
            cross_region: bool = True,
            explain: bool = ExplainQ, store: GraphStore = Depends(get_store)) -> dict[str, Any]:
    if not store.run("measure_get", {"id": measure_id}):
        raise HTTPException(status_code=404, detail=f"measure {measure_id!r} not found")
    trace = Trace(store)
    return _answer(trace, {"items": research.similar(trace, measure_id, limit, cross_region)}, explain)


@router.get("/replications")
def replications(from_: str | None = Query(None, alias="from", max_length=100),
                 to: str | None = Query(None, max_length=100),
                 document: str | None = Query(None, max_length=200),
                 limit: int = Query(limits.REPLICATIONS, ge=1, le=limits.REPLICATIONS_MAX),
                 explain: bool = ExplainQ, store: GraphStore = Depends(get_store)) -> dict[str, Any]:
    trace = Trace(store)
    items = research.replications(trace, optional_region(store, from_, "from"),
                                  optional_region(store, to, "to"), document, limit)
    return _answer(trace, {"items": items}, explain)


@router.get("/paths")
async def paths(request: Request, from_: str | None = Query(None, alias="from", max_length=100),
                to: str | None = Query(None, max_length=100),
                max_hops: int = Query(limits.HOPS, ge=1, le=limits.HOPS_MAX),
                limit: int = Query(limits.PATHS, ge=1, le=limits.PATHS_MAX), explain: bool = ExplainQ,
                store: GraphStore = Depends(get_store)) -> dict[str, Any]:
    if not from_ and not to:
        raise HTTPException(status_code=422, detail="give at least one of from, to")

    def answer(trace: Trace) -> OrjsonResponse:
        index = trace.text_index
        found = research.paths(trace, optional_region(store, from_, "from", index),
                               optional_region(store, to, "to", index), max_hops, limit)
        return _answer(trace, {"paths": found}, explain)

    return await inline_first(request, store, answer)


def region_list(store: GraphStore, raw: str, param: str, text_index: Any = None) -> list[str]:
    """A typed region list (厦门,武汉 / 厦门、武汉) resolved, or the error that says what is wrong."""
    try:
        return resolve_region_list(store, raw, text_index)
    except UnknownRegion as exc:
        raise HTTPException(status_code=404, detail=f"unknown region {exc.text!r} (parameter {param})")
    except ValueError as exc:
        raise HTTPException(status_code=422, detail=f"{exc} in {param}")


@router.get("/compare")
async def compare(request: Request, regions: str = Query(..., min_length=1, max_length=500, description="e.g. 厦门,武汉"),
                  limit: int = Query(limits.COMPARED_THEMES, ge=1, le=limits.COMPARED_THEMES_MAX,
                                     description="themes per page (theme_count gives all)"),
                  offset: int = Query(0, ge=0, le=10_000, description="themes to skip"),
                  per_region: int = Query(limits.COMPARED_SHOWN, ge=1, le=limits.COMPARED_SHOWN_MAX,
                                          description="measures shown per region and theme (measure_counts gives each total)"),
                  explain: bool = ExplainQ, store: GraphStore = Depends(get_store)) -> dict[str, Any]:

    def answer(trace: Trace) -> OrjsonResponse:  # each region's themes, as kept
        names = region_list(store, regions, "regions", trace.text_index)
        if len(names) < 2:
            raise HTTPException(status_code=422, detail="compare needs at least two different regions")
        whole = research.compare(trace, names, shown=per_region)
        return _answer(trace, compare_page(whole, limit, offset, per_region), explain)

    return await inline_first(request, store, answer)


def compare_page(answer: dict[str, Any], limit: int, offset: int, per_region: int) -> dict[str, Any]:
    """A page of the comparison's themes (research.compare already cut their measures at
    ``per_region``): on a large graph the whole of it was 13.7 MB."""
    themes = answer["themes"]
    return {**answer, "themes": themes[offset:offset + limit], "theme_count": len(themes), "offset": offset,
            "limit": limit, "per_region": per_region}


@router.get("/regions/{name}")
def region(request: Request, name: str, explain: bool = ExplainQ,
           store: GraphStore = Depends(get_store)) -> dict[str, Any]:
    """One region: its measures, its adoption by theme (as compare and gaps count it) and the
    replications into and out of it with their true origins."""
    trace = trace_for(request, store)
    profile = lookups.region_profile(trace, require_region(store, name, "name"))
    if profile is None:
        raise HTTPException(status_code=404, detail=f"unknown region {name!r} (parameter name)")
    return _answer(trace, profile, explain)


@router.get("/regions/{name}/gaps")
def gaps(request: Request, name: str, peers: str | None = Query(None, max_length=500),
         limit: int = Query(limits.GAPS, ge=1, le=limits.GAPS_MAX), explain: bool = ExplainQ,
         store: GraphStore = Depends(get_store)) -> dict[str, Any]:
    region = require_region(store, name, "name")
    peer_list = [p for p in region_list(store, peers, "peers") if p != region] if peers else None
    trace = trace_for(request, store)  # each theme's adopters, as kept
    return _answer(trace, research.gaps(trace, region, peer_list, limit), explain)
