"""Turn what a user typed (厦门市, 廈門, Xiamen) into graph keys, or a 404."""
from __future__ import annotations

from typing import Any

from fastapi import HTTPException

from graph.store import GraphStore
from policy_graph.regions import resolve_region_name as region_name  # noqa: F401  (re-export)


def require_region(store: GraphStore, text: str | None, param: str = "region", text_index: Any = None) -> str:
    """The region ``text`` names (told by the names the ``text_index`` keeps, when given), or 404."""
    name = region_name(store, text, text_index)
    if name is None:
        raise HTTPException(status_code=404, detail=f"unknown region {text!r} (parameter {param})")
    return name


def optional_region(store: GraphStore, text: str | None, param: str = "region",
                    text_index: Any = None) -> str | None:
    if text is None or not text.strip():
        return None
    return require_region(store, text, param, text_index)
