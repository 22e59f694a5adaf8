"""The FastAPI application: one store per process, opened at start-up."""
from __future__ import annotations

import logging
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, ORJSONResponse

from api.etag import ETagMiddleware, file_version, graph_files
from api.routers import core, documents, pages, research, subgraph
from graph.queries import UnknownQuery
from graph.store import GraphStore, QueryTimeout, StoreError, open_store
from policy_graph import __version__
from policy_graph.settings import Settings, get_settings

log = logging.getLogger("policy_graph.api")

ROUTERS = (core, research, subgraph, documents, pages)


def create_app(settings: Settings | None = None, store: GraphStore | None = None) -> FastAPI:
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        own = store is None
        app.state.store = store or open_store(settings.backend, **settings.store_options())
        app.state.store.apply_schema()
        app.state.text_index = _text_index(settings, app.state.store)
        try:
            yield
        finally:
            if own:
                app.state.store.close()

    # orjson: the answers are plain dicts and lists; it encodes them ~10x faster than json.dumps
    app = FastAPI(title="policy-graph", version=__version__, lifespan=lifespan,
                  default_response_class=ORJSONResponse,
                  description="Cross-region policy comparison knowledge graph: who adopted which "
                              "measure, where practices came from and went, how regions compare.")
    app.state.settings = settings
    app.add_middleware(ETagMiddleware, version=_graph_version(settings))
    for module in ROUTERS:
        app.include_router(module.router)

    @app.exception_handler(QueryTimeout)
    async def _timeout(request: Request, exc: QueryTimeout) -> JSONResponse:
        return JSONResponse(status_code=503, content={"detail": f"query timed out: {exc}"})

    @app.exception_handler(StoreError)
    async def _store_error(request: Request, exc: StoreError) -> JSONResponse:
        log.error("store error on %s: %s", request.url.path, exc)
        return JSONResponse(status_code=503, content={"detail": f"graph store unavailable: {exc}"})

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


def _text_index(settings: Settings, store: GraphStore):
    from graph.textindex import TextIndexFile

    def graph_measures() -> int:
        params = {"kind": "measure", "region": "", "document": ""}
        return int(store.run("measure_count", params)[0]["total"])
    return TextIndexFile(settings.text_index_path, graph_measures)


def app_factory() -> FastAPI:
    """Entry point for ``uvicorn --factory api.app:app_factory``."""
    return create_app()
