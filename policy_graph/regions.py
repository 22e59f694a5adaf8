"""Region names as users type them -> the graph's short simplified names."""
from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from graph.store import GraphStore
from ingest.regions import load_gazetteer
from ingest.textutil import to_simplified
from policy_graph.limits import REGIONS_COMPARED_MAX


def resolve_region_name(store: GraphStore, text: str | None, text_index: Any = None) -> str | None:
    """厦门市 / 廈門 / Xiamen / 厦门 -> 厦门; regions only the graph knows match by name, told by the
    names the ``text_index`` (graph.textindex.TextIndex) keeps when it keeps them current: most
    text a search names no region, and asking the graph so was a sixth of a search's time."""
    from ingest.normalise import drop_invisible

    raw = drop_invisible(text or "").strip()  # as research.query_text reads a question
    if not raw:
        return None
    simplified = to_simplified(raw)
    gazetteer = load_gazetteer()
    for candidate in (raw, simplified):
        region = gazetteer.resolve(candidate)
        if region is not None:
            return region.name
    for candidate in dict.fromkeys((simplified, raw)):
        held = text_index.holds_region(candidate) if text_index is not None else None
        if held is None:
            held = bool(store.run("region_get", {"name": candidate}))
        if held:
            return candidate
    return None


# Region lists as users type them: 厦门,武汉 · 厦门，武汉 · 厦门、武汉 (API, CLI and pages alike).
_LIST_SEPARATORS = re.compile(r"[,，、;；]")


class UnknownRegion(LookupError):
    """A name in a region list that is no region."""

    def __init__(self, text: str) -> None:
        super().__init__(f"unknown region {text!r}")
        self.text = text


def split_region_list(raw: str | Iterable[str]) -> list[str]:
    parts = [raw] if isinstance(raw, str) else list(raw)
    return [p.strip() for part in parts for p in _LIST_SEPARATORS.split(part) if p.strip()]


def resolve_region_list(store: GraphStore, raw: str | Iterable[str], text_index: Any = None) -> list[str]:
    """The distinct regions a list names, in order (resolve_region_name); UnknownRegion for a
    name that is none, ValueError for more than limits.REGIONS_COMPARED_MAX names."""
    names = split_region_list(raw)
    if len(names) > REGIONS_COMPARED_MAX:
        raise ValueError(f"at most {REGIONS_COMPARED_MAX} regions")
    resolved: list[str] = []
    for name in names:
        region = resolve_region_name(store, name, text_index)
        if region is None:
            raise UnknownRegion(name)
        if region not in resolved:
            resolved.append(region)
    return resolved


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
