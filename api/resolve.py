"""Turn what a user typed (厦门市, 廈門, Xiamen, a theme word) into graph keys."""
from __future__ import annotations

from fastapi import HTTPException

from graph.store import GraphStore
from ingest.regions import load_gazetteer
from ingest.textutil import to_simplified


def region_name(store: GraphStore, text: str | None) -> str | None:
    """The short simplified region name, or None if nothing matches."""
    if text is None or not text.strip():
        return None
    raw = text.strip()
    simplified = to_simplified(raw)
    gazetteer = load_gazetteer()
    for candidate in (raw, simplified):
        region = gazetteer.resolve(candidate)
        if region is not None:
            return region.name
    # Regions created from documents the gazetteer does not know
    for candidate in (simplified, raw):
        if store.run("region_get", {"name": candidate}):
            return candidate
    return None


def require_region(store: GraphStore, text: str | None, param: str = "region") -> str:
    name = region_name(store, text)
    if name is None:
        raise HTTPException(status_code=404, detail=f"unknown region {text!r} (parameter {param})")
    return name


def optional_region(store: GraphStore, text: str | None, param: str = "region") -> str | None:
    if text is None or not text.strip():
        return None
    return require_region(store, text, param)
