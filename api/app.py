"""The FastAPI application: one store per process, opened at start-up."""
from __future__ import annotations

import asyncio
import gc
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from api import errors
from api.answers import AnswerCache
from api.counts import GraphCounts
from api.docs import add_docs
from api.etag import ETagMiddleware, file_version, graph_files
from api.json_response import OrjsonResponse
from api.limits import CostLimits, ExpensiveReads
from api.routers import core, diffusion, documents, entities, pages, research, subgraph
from graph.queries import UnknownQuery
from graph.store import GraphStore, QueryTimeout, StoreError, open_store
from policy_graph import __version__
from policy_graph.research import warm as warm_research
from policy_graph.settings import Settings, get_settings


ROUTERS = (core, research, subgraph, documents, entities, pages, diffusion)
# How often health's counts are checked against the graph in the background, for writers other
# than this server's uploads (which recount before they answer).
COUNTS_REFRESH_SECONDS = 30.0


NO_TELEMETRY = {"tracing": False, "metrics": False, "logs": False, "operation_spans": False}


def create_app(settings: Settings | None = None, store: GraphStore | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        sweep_index_files(settings)
        own = store is None
        app.state.store = store or open_store(settings.backend, **settings.store_options(serving=True))
        app.state.store.apply_schema()
        repair_index_files(settings, app.state.store)
        app.state.text_index = _text_index(settings, app.state.store)
        app.state.counts = GraphCounts(app.state.store)
        try:
            app.state.counts.refresh()
            app.state.text_index.warm()  # its check against the graph, before the first question waits for it
        except StoreError:
            pass  # health counts on request until the graph can be read (and answers 503 meanwhile)
        refresher = asyncio.create_task(app.state.counts.keep_fresh(COUNTS_REFRESH_SECONDS))
        warm_research()
        # What start-up built lives as long as the server: frozen, the collector's full passes
        # no longer walk it (~110k objects at 100k measures; each pass then took 40-70 ms more).
        gc.collect()
        gc.freeze()
        try:
            yield
        finally:
            refresher.cancel()
            if own:
                app.state.store.close()

    # orjson: the answers are plain dicts and lists; it encodes them ~10x faster than json.dumps
    # telemetry off: FastAPI's own OpenTelemetry hooks looked up the global providers and the
    # environment on every request (a few % of a measure request's CPU), for a server that
    # configures no exporter
    app = FastAPI(title="policy-graph", version=__version__, lifespan=lifespan, telemetry=NO_TELEMETRY,
                  default_response_class=OrjsonResponse,
                  docs_url=None, redoc_url=None,  # served from packaged assets: api/docs.py
                  description="Cross-region policy comparison knowledge graph: who adopted which "
                              "measure, where practices came from and went, how regions compare.")
    app.state.settings = settings
    from api.downloads import Downloads, declare_format

    app.add_middleware(Downloads)  # ?format=csv|json on the research answers
    declare_format(app)
    version = _graph_version(settings)
    # answers are kept only where they carry a version (api/answers.py)
    app.state.answers = AnswerCache(int(settings.answer_cache_mib * 2**20) if version is not None else 0)
    for module in ROUTERS:
        app.include_router(module.router)

    add_docs(app)
    app.add_middleware(ExpensiveReads, limits=CostLimits(
        per_client=settings.expensive_per_client,
        slots=min(settings.expensive_slots, max(1, settings.db_connections - 1)),
        queue_seconds=settings.expensive_queue_seconds, budget_seconds=settings.request_budget_seconds))
    # outside the cost limits, the routes and downloads: a 304 or a kept answer costs a lookup, so it
    # neither waits for an expensive request's slot nor counts against a client's share of them
    app.add_middleware(ETagMiddleware, version=version, answers=app.state.answers)
    errors.install(app)  # added last: outermost, so every answer carries the request id
    pages.install_error_pages(app)  # after errors.install: wraps its handlers for /viz paths

    @app.exception_handler(QueryTimeout)
    async def _timeout(request: Request, exc: QueryTimeout) -> JSONResponse:
        return errors.server_error(request, 503, f"query timed out: {exc}")

    @app.exception_handler(StoreError)
    async def _store_error(request: Request, exc: StoreError) -> JSONResponse:
        return errors.server_error(request, 503, f"graph store unavailable: {exc}")

    @app.exception_handler(UnknownQuery)
    async def _unknown_query(request: Request, exc: UnknownQuery) -> JSONResponse:
        return JSONResponse(status_code=404, content={"detail": f"unknown query {exc.args[0]!r}"})

    return app


def _graph_version(settings: Settings):
    """What an answer's ETag is made of: the state of the graph's files (api/etag.py). A server
    database (Neo4j) has no files here to read it from: its answers carry no ETag."""
    if settings.backend != "ladybug":
        return None
    files = graph_files(Path(settings.db).expanduser().resolve())
    return lambda: file_version(files)


def sweep_index_files(settings: Settings) -> None:
    """Remove what index writers killed with an earlier server left (graph/indexfile.py)."""
    from graph.indexfile import sweep_stale

    for path in (settings.similarity_index_path, settings.text_index_path):
        sweep_stale(path)


def repair_index_files(settings: Settings, store: GraphStore) -> None:
    """Rebuild, before the first request, an index file that cannot be loaded or does not hold the
    graph's measures (policy_graph.service.repair_indexes); the work runs in a child process, as an
    upload's does, so the server does not keep what building it allocated. A failure (the graph
    cannot be read in time) leaves them to the next upload."""
    import logging

    from policy_graph.isolated import ChildDied, in_child
    from policy_graph.service import repair_indexes

    try:
        repair_indexes(store, settings.similarity_index_path, run=in_child)
    except (StoreError, ChildDied, OSError) as exc:
        # never fatal: the server answers without them (search by scan), the next upload repairs them
        logging.getLogger(__name__).warning("index files not checked at start-up: %s", exc)


def _text_index(settings: Settings, store: GraphStore):
    from graph.textindex import TextIndexFile

    def graph_measures() -> int:
        params = {"kind": "measure", "region": "", "document": ""}
        return int(store.run("measure_count", params)[0]["total"])
    return TextIndexFile(settings.text_index_path, graph_measures, cache_mib=settings.text_index_cache_mib)


def app_factory() -> FastAPI:
    """Entry point for ``uvicorn --factory api.app:app_factory``."""
    return create_app()
