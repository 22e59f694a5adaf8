"""Browser pages: landing, search and the pyvis views. Data comes from viz.views, HTML from viz.pages."""
from __future__ import annotations

from functools import lru_cache
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query
from fastapi.responses import HTMLResponse, RedirectResponse

from api.deps import get_settings, get_store
from api.resolve import region_name
from api.routers.subgraph import MAX_DEPTH, MAX_NODES, find_center
from graph.store import GraphStore
from policy_graph import research
from policy_graph.settings import Settings
from viz import pages, views

router = APIRouter(tags=["pages"], include_in_schema=False)
# The pages need nothing from elsewhere; the policy makes any stray outside load fail loudly.
CSP = ("default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
       "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; form-action 'self'; "
       "base-uri 'none'; frame-ancestors 'none'")


def html(body: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(body, status_code=status,
                        headers={"Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff",
                                 "Cache-Control": "no-store"})


def node_cap(limit: int | None, settings: Settings) -> int:
    return min(limit or settings.max_nodes, MAX_NODES)


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def simplified(text: str) -> str:
    return _t2s().convert(text)


LimitQ = Query(None, ge=1, description="node cap for the drawing (default 200)")


@router.get("/", response_class=HTMLResponse)
def landing(store: GraphStore = Depends(get_store)) -> HTMLResponse:
    return html(pages.landing_page(views.landing(store)))


@router.get("/viz/search", response_class=HTMLResponse)
def search(q: str = Query("", max_length=200), store: GraphStore = Depends(get_store)) -> HTMLResponse:
    q = simplified(q.strip())
    if not q:
        return RedirectResponse("/", status_code=303)
    return html(pages.search_page(q, *views.search(store, q)))


@router.get("/viz/theme", response_class=HTMLResponse)
def theme_picker(key: str = Query(..., max_length=200)):
    return RedirectResponse("/viz/theme/" + quote(key, safe=""), status_code=303)


@router.get("/viz/region", response_class=HTMLResponse)
def region_picker(name: str = Query(..., max_length=200)):
    return RedirectResponse("/viz/region/" + quote(name, safe=""), status_code=303)


@router.get("/viz/theme/{key}", response_class=HTMLResponse)
def theme(key: str, limit: int | None = LimitQ, store: GraphStore = Depends(get_store),
          settings: Settings = Depends(get_settings)) -> HTMLResponse:
    topic = research.resolve_topic(key)  # the resolver the API and the CLI use
    view = views.theme_view(store, topic.theme.key, node_cap(limit, settings),
                            practice=topic.practice.key if topic.practice else None) if topic else None
    if view is None:
        return html(pages.not_found(f"no theme {key!r}"), 404)
    return html(pages.theme_page(view))


@router.get("/viz/region/{name}", response_class=HTMLResponse)
def region(name: str, limit: int | None = LimitQ, store: GraphStore = Depends(get_store),
           settings: Settings = Depends(get_settings)) -> HTMLResponse:
    resolved = region_name(store, name)
    view = views.region_view(store, resolved, node_cap(limit, settings)) if resolved else None
    if view is None:
        return html(pages.not_found(f"no region {name!r}"), 404)
    return html(pages.region_page(view))


@router.get("/viz/measure/{measure_id}", response_class=HTMLResponse)
def measure(measure_id: str, limit: int | None = LimitQ, store: GraphStore = Depends(get_store),
            settings: Settings = Depends(get_settings)) -> HTMLResponse:
    view = views.measure_view(store, measure_id, node_cap(limit, settings))
    if view is None:
        return html(pages.not_found(f"no measure {measure_id!r}"), 404)
    return html(pages.measure_page(view))


@router.get("/viz/compare", response_class=HTMLResponse)
def compare(regions: str = Query(..., max_length=500, description="A,B[,C...]"),
            limit: int | None = LimitQ, store: GraphStore = Depends(get_store),
            settings: Settings = Depends(get_settings)) -> HTMLResponse:
    names: list[str] = []
    for part in regions.replace("，", ",").replace("、", ",").split(","):
        if not part.strip():
            continue
        resolved = region_name(store, part)
        if resolved is None:
            return html(pages.not_found(f"no region {part.strip()!r}"), 404)
        if resolved not in names:
            names.append(resolved)
    if len(names) < 2:
        return html(pages.not_found("compare needs two or more regions, e.g. ?regions=厦门,武汉"), 400)
    return html(pages.compare_page(views.compare_view(store, names, node_cap(limit, settings))))


@router.get("/viz/paths", response_class=HTMLResponse)
def paths(origin: str = Query(..., alias="from", max_length=200), limit: int | None = LimitQ,
          store: GraphStore = Depends(get_store), settings: Settings = Depends(get_settings)) -> HTMLResponse:
    resolved = region_name(store, origin)
    if resolved is None:
        return html(pages.not_found(f"no region {origin!r}"), 404)
    view = views.paths_view(store, resolved, node_cap(limit, settings), settings.max_hops)
    return html(pages.paths_page(view))


@router.get("/viz/explore", response_class=HTMLResponse)
def explore(center: str = Query(..., min_length=1, max_length=300), depth: int = Query(1, ge=0, le=MAX_DEPTH),
            limit: int | None = LimitQ, store: GraphStore = Depends(get_store),
            settings: Settings = Depends(get_settings)) -> HTMLResponse:
    found = find_center(store, center)
    if found is None:
        return html(pages.not_found(f"no node {center!r}"), 404)
    return html(pages.explore_page(views.explore_view(store, found, depth, node_cap(limit, settings))))
