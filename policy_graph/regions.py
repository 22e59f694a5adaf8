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


def gazetteer_region(text: str) -> str | None:
    """The gazetteer's name for what a user typed (any script, alias, level suffix or English
    name; invisible characters ignored), or None: only the gazetteer, never the graph, decides
    which regions an upload may name."""
    from ingest.normalise import drop_invisible

    raw = drop_invisible(text).strip()
    gazetteer = load_gazetteer()
    for candidate in dict.fromkeys((raw, to_simplified(raw))):
        region = gazetteer.resolve(candidate)
        if region is not None:
            return region.name
    return None


def closest_regions(text: str, n: int = 5) -> list[str]:
    """Gazetteer regions whose names (short, full, aliases, English) look most like ``text``."""
    import difflib

    wanted = to_simplified(text.strip()).lower()
    forms: dict[str, str] = {}
    for region in load_gazetteer().regions():
        for form in (region.name, region.full_name, region.name_en, *region.aliases):
            if form:
                forms.setdefault(to_simplified(form).lower(), region.name)
    out: list[str] = []
    for form in difflib.get_close_matches(wanted, list(forms), n=n * 4, cutoff=0.3):
        if forms[form] not in out:
            out.append(forms[form])
    return out[:n]
