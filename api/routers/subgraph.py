"""GET /api/subgraph: the node/edge sets the pages draw, for other clients."""
from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Query, Request

from api.deps import get_store
from api.inline import inline_first
from api.json_response import OrjsonResponse
from api.resolve import region_name
from graph.store import GraphStore
from graph.subgraph import neighbourhood, resolve_center, split_node_id
from policy_graph import limits
from policy_graph.research import Trace

router = APIRouter(prefix="/api", tags=["subgraph"])


def find_center(trace: Trace, center: str):
    """``Type:key``, a bare key, or a region as a user writes it (厦门市, 廈門, Xiamen)."""
    store = trace.store
    found = resolve_center(store, center, trace.text_index)
    if found is None:
        typed = split_node_id(center)
        if typed is None or typed[0] == "Region":
            name = region_name(store, typed[1] if typed else center)
            if name is not None:
                found = resolve_center(store, f"Region:{name}")
    return found


@router.get("/subgraph")
async def subgraph(request: Request, center: str = Query(..., min_length=1, max_length=300,
                                 description="Type:key (Measure:<id>, Region:厦门, Theme:<key>, "
                                             "Practice:<key>, Agency:<id>, Document:<id>) or a bare key / region name"),
             depth: int = Query(1, ge=0, le=limits.DEPTH_MAX,
                                description=f"hops from the centre, at most {limits.DEPTH_MAX}"),
             limit: int = Query(limits.NODES, ge=1, le=limits.NODES_MAX,
                                description=f"node cap (at most {limits.NODES_MAX})"),
             store: GraphStore = Depends(get_store)) -> dict:
    def answer(trace: Trace) -> OrjsonResponse:
        found = find_center(trace, center)
        if found is None:
            raise HTTPException(status_code=404, detail=f"no node {center!r}")
        # sent as built, not through pydantic's serialiser for the `dict` return type (api/routers/research.py)
        return OrjsonResponse(neighbourhood(trace.store, found, depth=depth, limit=limit,
                                            index=trace.text_index).to_public())

    # a measure's picture at one hop asks the graph nothing (its detail, neighbours and similar
    # edges are kept in the text index): worked out on the event loop, as paths and compare are
    return await inline_first(request, store, answer)
