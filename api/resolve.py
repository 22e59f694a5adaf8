"""Turn what a user typed (厦门市, 廈門, Xiamen) into graph keys, or a 404."""
from __future__ import annotations

from fastapi import HTTPException

from graph.store import GraphStore
from policy_graph.regions import resolve_region_name as region_name  # noqa: F401  (re-export)


def require_region(store: GraphStore, text: str | None, param: str = "region") -> str:
    name = region_name(store, text)
    if name is None:
        raise HTTPException(status_code=404, detail=f"unknown region {text!r} (parameter {param})")
    return name


def optional_region(store: GraphStore, text: str | None, param: str = "region") -> str | None:
    if text is None or not text.strip():
        return None
    return require_region(store, text, param)
