"""Region names as users type them -> the graph's short simplified names."""
from __future__ import annotations

from graph.store import GraphStore
from ingest.regions import load_gazetteer
from ingest.textutil import to_simplified


def resolve_region_name(store: GraphStore, text: str | None) -> str | None:
    """厦门市 / 廈門 / Xiamen / 厦门 -> 厦门; regions only the graph knows match by name."""
    if text is None or not text.strip():
        return None
    raw = text.strip()
    simplified = to_simplified(raw)
    gazetteer = load_gazetteer()
    for candidate in (raw, simplified):
        region = gazetteer.resolve(candidate)
        if region is not None:
            return region.name
    for candidate in dict.fromkeys((simplified, raw)):
        if store.run("region_get", {"name": candidate}):
            return candidate
    return None
