"""Which graph backends the suite can run against, for tests parametrised by backend.

LadybugDB is embedded and always available. Neo4j needs a live server: set
``NEO4J_URI`` (and ``NEO4J_USER`` / ``NEO4J_PASSWORD`` / ``NEO4J_DATABASE``) to
run the Neo4j half; otherwise those cases are reported as skipped with the reason.
Tests against Neo4j delete policy-graph's labels in that database: point it at a
scratch server (``docker compose up neo4j`` gives one).

    from tests.backends import backend_params, open_test_store

    @pytest.mark.parametrize("backend", backend_params())
    def test_something(backend, tmp_path):
        with open_test_store(backend, tmp_path) as store:
            ...
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

NEO4J_SKIP_REASON = "NEO4J_URI is not set: no live Neo4j server to run the Neo4j backend against"


def neo4j_configured() -> bool:
    return bool(os.environ.get("NEO4J_URI"))


def available_backends() -> list[str]:
    """Backends this run can reach: always 'ladybug', plus 'neo4j' when NEO4J_URI is set."""
    return ["ladybug"] + (["neo4j"] if neo4j_configured() else [])


def backend_params() -> list[Any]:
    """Both backends as pytest params; the Neo4j one is skipped (with the reason) when unreachable."""
    return ["ladybug", pytest.param("neo4j", marks=[
        pytest.mark.neo4j, pytest.mark.skipif(not neo4j_configured(), reason=NEO4J_SKIP_REASON)])]


requires_neo4j = pytest.mark.skipif(not neo4j_configured(), reason=NEO4J_SKIP_REASON)


def neo4j_options() -> dict[str, Any]:
    return {"uri": os.environ.get("NEO4J_URI"), "user": os.environ.get("NEO4J_USER", "neo4j"),
            "password": os.environ.get("NEO4J_PASSWORD"), "database": os.environ.get("NEO4J_DATABASE")}


def open_test_store(backend: str, tmp_path: Path, *, read_only: bool = False, fresh: bool = True):
    """An empty (``fresh``) store of ``backend``: a new file for LadybugDB, a cleared graph for Neo4j."""
    from graph.store import open_store

    if backend == "ladybug":
        return open_store("ladybug", path=tmp_path / "graph.lbdb", read_only=read_only)
    if backend == "neo4j":
        store = open_store("neo4j", **neo4j_options())
        if fresh:
            store.clear_graph()
        if read_only:
            store.close()
            store = open_store("neo4j", read_only=True, **neo4j_options())
        return store
    raise ValueError(f"unknown backend {backend!r}")
