"""Diffusion measures over the research answers (policy_graph/diffusion.py): a practice's adoption
curve and how it spread, and regions' innovativeness over chosen practices."""
from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Query
from fastapi.responses import Response

from api.deps import get_store
from graph.store import GraphStore
from policy_graph import diffusion, tables
from policy_graph.research import Trace

router = APIRouter(prefix="/api/diffusion", tags=["diffusion"])
# Each topic is one adopters answer: the work of a request follows the topics it names.
MAX_TOPICS = 20


def _collect(store: GraphStore, topics: list[str]) -> diffusion.Diffusion:
    try:
        return diffusion.collect(Trace(store), topics)
    except ValueError as exc:
        raise HTTPException(status_code=404, detail=str(exc)) from exc


@router.get("/curve")
def curve(q: str = Query(..., min_length=1, max_length=200, description="a theme or a named practice"),
          store: GraphStore = Depends(get_store)) -> dict[str, Any]:
    d = _collect(store, [q])
    level, key, name_zh, _ = diffusion.topics([q])[0]
    cascade = diffusion.cascade_id(level, key)
    return {"topic": cascade, "name_zh": name_zh, "curve": diffusion.curve(d, cascade),
            "undated": sum(1 for r in d.rows if not r["first_date"]), "spread": diffusion.spread(d, cascade),
            "adoptions": d.rows}


def _topics(topics: str) -> list[str]:
    names = [t for t in (s.strip() for s in topics.replace("，", ",").replace("、", ",").split(",")) if t]
    if not names or len(names) > MAX_TOPICS:
        raise HTTPException(status_code=422, detail=f"name 1 to {MAX_TOPICS} topics")
    return names


TopicsQ = Query(..., min_length=1, max_length=2000, description="comma-separated themes or practices (at most 20)")


@router.get("/export", response_class=Response,
            responses={200: {"content": {"text/csv": {}}, "description": "the table as CSV (UTF-8 with a BOM)"}})
def export(table: str = Query(..., pattern="^(adoptions|cascades|dyads)$",
                              description="adoptions (one row per topic and region, with evidence), cascades "
                                          "(NetworkInference's node, time, cascade) or dyads (region pair × year)"),
           topics: str = TopicsQ, store: GraphStore = Depends(get_store)) -> Response:
    """The file `policy-graph export --format <table> --topic …` writes, as a download."""
    names = _topics(topics)
    body = diffusion.csv_bytes(_collect(store, names), table)
    name = tables.filename(table, "csv", *names)
    return Response(body, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": tables.content_disposition(name)})


@router.get("/innovativeness")
def innovativeness(topics: str = TopicsQ, store: GraphStore = Depends(get_store)) -> dict[str, Any]:
    names = _topics(topics)
    d = _collect(store, names)
    cascades = sorted({diffusion.cascade_id(r["level"], r["topic"]) for r in d.rows})
    return {"topics": cascades, "scores": diffusion.innovativeness(d),
            "spread": [diffusion.spread(d, c) for c in cascades]}
