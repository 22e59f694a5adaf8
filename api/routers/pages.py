"""Browser pages: each draws the answer its API endpoint gives (viz.views) as HTML (viz.pages)."""
from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from api.deps import get_settings, get_store, trace_for
from api.resolve import region_name
from api.routers.subgraph import find_center
from graph.store import GraphStore
from policy_graph import browse, limits
from policy_graph.regions import UnknownRegion, resolve_region_list
from policy_graph.research import Trace
from policy_graph.settings import Settings
from viz import entity_pages, measure_browser, pages, views

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
    return min(limit or settings.max_nodes, limits.NODES_MAX)


LimitQ = Query(None, ge=1, description=f"node cap for the drawing (default {limits.NODES})")


@router.get("/", response_class=HTMLResponse)
def landing(request: Request, store: GraphStore = Depends(get_store)) -> HTMLResponse:
    # health's snapshot of the counts (api/counts.py), kept current by every upload; taken now,
    # as health takes it, when start-up could not
    counts = request.app.state.counts
    return html(pages.landing_page(views.landing(Trace(store), counts.current or counts.refresh())))


@router.get("/viz/search", response_class=HTMLResponse)
def search(request: Request, q: str = Query("", max_length=200),
           store: GraphStore = Depends(get_store)) -> HTMLResponse:
    if not q.strip():
        return RedirectResponse("/", status_code=303)
    return html(pages.search_page(views.search(trace_for(request, store), q.strip())))


@router.get("/viz/theme", response_class=HTMLResponse)
def theme_picker(key: str = Query(..., max_length=200)):
    return RedirectResponse("/viz/theme/" + quote(key, safe=""), status_code=303)


@router.get("/viz/region", response_class=HTMLResponse)
def region_picker(name: str = Query(..., max_length=200)):
    return RedirectResponse("/viz/region/" + quote(name, safe=""), status_code=303)


@router.get("/viz/theme/{key}", response_class=HTMLResponse)
def theme(request: Request, key: str, limit: int | None = LimitQ, store: GraphStore = Depends(get_store),
          settings: Settings = Depends(get_settings)) -> HTMLResponse:
    # the topic (a theme or one of its practices) is named by research.resolve_topic, the
    # resolver of /api/adopters and the CLI
    view = views.theme_view(trace_for(request, store), key, node_cap(limit, settings))
    if view is None:
        return html(pages.not_found(f"no theme or practice {key!r}"), 404)
    return html(pages.theme_page(view))


@router.get("/viz/timeline", response_class=HTMLResponse)
def timeline(request: Request, q: str = Query(..., min_length=1, max_length=200),
             store: GraphStore = Depends(get_store)) -> HTMLResponse:
    trace = trace_for(request, store)
    answer = views.timeline(trace, q.strip())
    if answer is None:
        return html(pages.not_found(f"no adoption of {q!r}"), 404)
    return html(pages.timeline_page(answer, views.adoption_curve(trace, q.strip())))


@router.get("/viz/region/{name}", response_class=HTMLResponse)
def region(request: Request, name: str, limit: int | None = LimitQ, store: GraphStore = Depends(get_store),
           settings: Settings = Depends(get_settings)) -> HTMLResponse:
    resolved = region_name(store, name)
    view = views.region_view(trace_for(request, store), resolved, node_cap(limit, settings)) if resolved else None
    if view is None:
        return html(pages.not_found(f"no region {name!r}"), 404)
    return html(pages.region_page(view))


@router.get("/viz/measure/{measure_id}", response_class=HTMLResponse)
def measure(measure_id: str, limit: int | None = LimitQ, store: GraphStore = Depends(get_store),
            settings: Settings = Depends(get_settings)) -> HTMLResponse:
    view = views.measure_view(Trace(store), measure_id, node_cap(limit, settings))
    if view is None:
        return html(pages.not_found(f"no measure {measure_id!r}"), 404)
    return html(pages.measure_page(view))


def _regions(store: GraphStore, raw: str) -> list[str] | HTMLResponse:
    try:
        return resolve_region_list(store, raw)
    except UnknownRegion as exc:
        return html(pages.not_found(f"no region {exc.text!r}"), 404)
    except ValueError as exc:
        return html(pages.error_page(400, str(exc)), 400)


@router.get("/viz/compare", response_class=HTMLResponse)
def compare(request: Request, regions: str = Query(..., max_length=500, description="A,B[,C...]"),
            limit: int | None = LimitQ, store: GraphStore = Depends(get_store),
            settings: Settings = Depends(get_settings)) -> HTMLResponse:
    names = _regions(store, regions)
    if isinstance(names, HTMLResponse):
        return names
    if len(names) < 2:
        return html(pages.error_page(400, "compare needs two or more regions, e.g. ?regions=厦门,武汉"), 400)
    return html(pages.compare_page(views.compare_view(trace_for(request, store), names, node_cap(limit, settings))))


@router.get("/viz/gaps", response_class=HTMLResponse)
def gaps(request: Request, region: str = Query(..., max_length=200),
         peers: str | None = Query(None, max_length=500), limit: int | None = LimitQ,
         store: GraphStore = Depends(get_store), settings: Settings = Depends(get_settings)) -> HTMLResponse:
    name = region_name(store, region)
    if name is None:
        return html(pages.not_found(f"no region {region!r}"), 404)
    peer_list = _regions(store, peers) if peers else None
    if isinstance(peer_list, HTMLResponse):
        return peer_list
    peer_list = [p for p in peer_list if p != name] if peer_list else None
    return html(pages.gaps_page(views.gaps_view(trace_for(request, store), name, peer_list,
                                                node_cap(limit, settings))))


@router.get("/viz/paths", response_class=HTMLResponse)
def paths(request: Request, origin: str | None = Query(None, alias="from", max_length=200),
          to: str | None = Query(None, max_length=200),
          max_hops: int = Query(limits.HOPS, ge=1, le=limits.HOPS_MAX),
          limit: int | None = LimitQ, store: GraphStore = Depends(get_store),
          settings: Settings = Depends(get_settings)) -> HTMLResponse:
    ends = []
    for text in (origin, to):
        resolved = region_name(store, text) if text and text.strip() else None
        if text and text.strip() and resolved is None:
            return html(pages.not_found(f"no region {text!r}"), 404)
        ends.append(resolved)
    if not any(ends):
        return html(pages.error_page(400, "paths need a region to start from or arrive at: ?from=厦门 or ?to=福州"), 400)
    view = views.paths_view(trace_for(request, store), ends[0], ends[1], max_hops, node_cap(limit, settings))
    return html(pages.paths_page(view))


@router.get("/viz/explore", response_class=HTMLResponse)
def explore(request: Request, center: str = Query(..., min_length=1, max_length=300),
            depth: int = Query(1, ge=0, le=limits.DEPTH_MAX),
            limit: int | None = LimitQ, store: GraphStore = Depends(get_store),
            settings: Settings = Depends(get_settings)) -> HTMLResponse:
    trace = trace_for(request, store)
    found = find_center(trace, center)
    if found is None:
        return html(pages.not_found(f"no node {center!r}"), 404)
    return html(pages.explore_page(views.explore_view(trace, found, depth, node_cap(limit, settings))))


@router.get("/viz/agency/{key}", response_class=HTMLResponse)
def agency(key: str, store: GraphStore = Depends(get_store)) -> HTMLResponse:
    trace = Trace(store)
    found = views.agencies(trace, key)
    if not found:
        return html(pages.not_found(f"no agency {key!r}"), 404)
    if len(found) > 1:
        return html(entity_pages.agency_choice_page(key, found))
    return html(entity_pages.agency_page(views.agency(trace, found[0])))


@router.get("/viz/document/{document_id}", response_class=HTMLResponse)
def document(document_id: str, store: GraphStore = Depends(get_store)) -> HTMLResponse:
    answer = views.document(Trace(store), document_id)
    if answer is None:
        return html(pages.not_found(f"no document {document_id!r}"), 404)
    return html(entity_pages.document_page(answer))


_FILTERS = ("region", "within", "level", "theme", "practice", "agency", "role", "date_from", "date_to", "kind",
            "document")


@router.get("/viz/measures", response_class=HTMLResponse)
def measures(request: Request, sort: str = Query("document", max_length=20),
             limit: int = Query(measure_browser.PAGE, ge=1, le=limits.LIST_MAX),
             offset: int = Query(0, ge=0, le=limits.OFFSET_MAX),
             facet_values: int = Query(browse.FACET_VALUES, ge=1, le=browse.FACET_VALUES_MAX),
             store: GraphStore = Depends(get_store)) -> HTMLResponse:
    # the filters as /api/measures takes them, each at most 200 characters
    raw = {k: request.query_params.get(k, "")[:200] for k in _FILTERS}
    try:
        answer = views.measure_browser(Trace(store), raw, sort, limit, offset, facet_values)
    except browse.BadFilter as exc:
        return html(pages.error_page(400, str(exc)), 400)
    return html(measure_browser.browser_page(answer, facet_values))


def install_error_pages(app) -> None:
    """Errors on /viz pages answer a page saying what went wrong (a missing parameter, a value out
    of range, an unknown path) instead of the API's JSON; every other path keeps its handler."""
    from fastapi.exceptions import HTTPException, RequestValidationError
    from starlette.exceptions import HTTPException as StarletteHTTPException

    def wrap(exc_class):
        previous = app.exception_handlers[exc_class]

        async def handler(request: Request, exc):
            if not request.url.path.startswith("/viz") or getattr(exc, "status_code", 422) >= 500:
                return await previous(request, exc)
            if isinstance(exc, RequestValidationError):
                return html(pages.error_page(422, _validation_reason(exc)), 422)
            reason = str(exc.detail)
            if exc.status_code == 404 and reason == "Not Found":  # no route: say which path
                reason = f"no page {request.url.path}"
            return html(pages.error_page(exc.status_code, reason), exc.status_code)
        app.add_exception_handler(exc_class, handler)

    for exc_class in (RequestValidationError, HTTPException, StarletteHTTPException):
        wrap(exc_class)


def _validation_reason(exc) -> str:
    """「parameter center: Field required」, one line per problem."""
    lines = []
    for err in exc.errors():
        where = [str(x) for x in err.get("loc", ()) if x not in ("query", "path", "body")]
        lines.append(f"parameter {'.'.join(where) or '?'}: {err.get('msg', 'invalid')}")
    return "; ".join(lines) or "invalid request"
