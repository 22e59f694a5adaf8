"""The measure browser: measures filtered by region (and its level), theme, practice, agency,
role, date range and kind, with counts per facet value, sorted and paged (/api/measures,
/viz/measures, in the spirit of Datasette).

One query (measure_facets.cypher) reads every measure passing the filters with the values the
facets count, at most FACT_ROW_CAP of them; the counting, sorting and paging happen here and
only the shown page is read in full. Facet counts are taken under the current filters, as
Datasette counts them: picking a value narrows every other facet too.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import asdict, dataclass
from itertools import chain
from typing import Any

from policy_graph import lookups, research
from policy_graph.regions import resolve_region_name
from policy_graph.research import FACT_ROW_CAP, Trace

SORTS = ("document", "date", "-date", "region", "title")
KINDS = ("measure", "safeguard", "all")
ROLES = ("lead", "support")
LEVELS = ("national", "province", "prefecture", "county", "zone", "class")
FACETS = ("region", "level", "theme", "practice", "agency", "role", "year", "kind")
FACET_VALUES = 10
FACET_VALUES_MAX = 200
_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


class BadFilter(ValueError):
    """A filter value the browser cannot use; the message names the parameter and why."""


@dataclass(frozen=True)
class Filters:
    """The resolved filters: graph keys, '' for "any"."""

    region: str = ""
    within: str = ""  # a region and every place in it (福建: 福州, 厦门, 湖里 ...)
    level: str = ""
    theme: str = ""
    practice: str = ""
    agency: str = ""
    role: str = ""
    date_from: str = ""
    date_to: str = ""
    kind: str = "measure"
    document: str = ""

    def narrows_beyond_list(self) -> bool:
        """Whether the plain indexed list (region, document, kind) cannot answer it."""
        return any((self.within, self.level, self.theme, self.practice, self.agency, self.role, self.date_from,
                    self.date_to)) or self.kind == "all"

    def params(self) -> dict[str, Any]:
        p = asdict(self)
        p["kind"] = "" if self.kind == "all" else self.kind
        return p


def _date(text: str, param: str, end: bool) -> str:
    """YYYY, YYYY-MM or YYYY-MM-DD as a full date: the first day, or the last with ``end``."""
    found = _DATE.match(text.strip())
    if not found:
        raise BadFilter(f"{param} must be YYYY, YYYY-MM or YYYY-MM-DD, got {text!r}")
    year, month, day = found.groups()
    if month and not 1 <= int(month) <= 12 or day and not 1 <= int(day) <= 31:
        raise BadFilter(f"{param} is not a date: {text!r}")
    return f"{year}-{month or ('12' if end else '01')}-{day or ('31' if end else '01')}"


def resolve_filters(trace: Trace, *, region: str | None = None, within: str | None = None,
                    level: str | None = None,
                    theme: str | None = None, practice: str | None = None, agency: str | None = None,
                    role: str | None = None, date_from: str | None = None, date_to: str | None = None,
                    kind: str | None = None, document: str | None = None) -> Filters:
    """What a user typed (厦门市, 廈門, IP pledge, 市科技局, 2020) as graph keys, or BadFilter."""
    def given(v: str | None) -> str:
        return (v or "").strip()

    out: dict[str, str] = {}
    for value, param in ((region, "region"), (within, "within")):
        if given(value):
            name = resolve_region_name(trace.store, given(value), trace.text_index)
            if name is None:
                raise BadFilter(f"unknown region {value!r} (parameter {param})")
            out[param] = name
    for value, allowed, param in ((level, LEVELS, "level"), (role, ROLES, "role"), (kind, KINDS, "kind")):
        if given(value):
            if given(value) not in allowed:
                raise BadFilter(f"{param} must be one of {', '.join(allowed)}, got {value!r}")
            out[param] = given(value)
    if given(theme):
        topic = research.resolve_topic(given(theme))
        if topic is None:
            raise BadFilter(f"no theme {theme!r} (parameter theme)")
        out["theme"] = topic.theme.key
    if given(practice):
        topic = research.resolve_topic(given(practice))
        if topic is None or topic.practice is None:
            raise BadFilter(f"no practice {practice!r} (parameter practice)")
        out["practice"] = topic.practice.key
    if given(agency):
        out["agency"] = _agency_id(trace, given(agency))
    if given(date_from):
        out["date_from"] = _date(given(date_from), "date_from", end=False)
    if given(date_to):
        out["date_to"] = _date(given(date_to), "date_to", end=True)
    if out.get("date_from") and out.get("date_to") and out["date_from"] > out["date_to"]:
        raise BadFilter("date_from is after date_to")
    if given(document):
        out["document"] = given(document)
    return Filters(**out)


def _agency_id(trace: Trace, text: str) -> str:
    found = lookups.find_agencies(trace, text)
    if len(found) == 1:
        return found[0]["id"]
    if not found:
        raise BadFilter(f"no agency {text!r} (parameter agency)")
    raise BadFilter(f"agency {text!r} names {len(found)} agencies; give one of: "
                    + ", ".join(a["id"] for a in found))


def _sort_key(sort: str):
    undated = research.UNDATED
    if sort == "date":
        return lambda r: (r["date"] or undated, r["document"], r["ordinal"] or 0)
    if sort == "region":
        return lambda r: (r["region"] or "", r["date"] or undated, r["document"], r["ordinal"] or 0)
    if sort == "title":
        return lambda r: (r["title"] or "", r["id"])
    return lambda r: (r["document"], r["ordinal"] or 0)


def _facet_values(rows: list[dict[str, Any]]) -> dict[str, Counter]:
    """facet -> value -> measures carrying it (a measure counts once per value). One counting
    pass per facet: a Counter.update per row and facet took 46 ms over 10k measures, this 33."""
    def each(column: str) -> Counter:
        return Counter(chain.from_iterable(set(r[column]) for r in rows))

    counts = {"region": Counter(r["region"] for r in rows), "level": Counter(r["level"] for r in rows),
              "theme": each("themes"), "practice": each("practices"), "agency": each("agencies"),
              "role": each("roles"), "year": Counter((r["date"] or "")[:4] or None for r in rows),
              "kind": Counter(r["kind"] for r in rows)}
    return {facet: counts[facet] for facet in FACETS}


def _label(facet: str, value: Any) -> str | None:
    from ingest.themes import load_taxonomy

    if value is None:
        return {"year": "undated", "level": "unresolved"}.get(facet)
    if facet == "theme":
        t = load_taxonomy().get(value)
        return t.name_zh if t else value
    if facet == "practice":
        p = load_taxonomy().practice(value)
        return p.name_zh if p else value
    if facet == "agency":  # "<region>|<name>"
        where, _, name = value.partition("|")
        return f"{name} ({where})" if where else name
    return str(value)


def _facets(rows: list[dict[str, Any]], filters: Filters, size: int) -> list[dict[str, Any]]:
    chosen = {"region": filters.region, "level": filters.level, "theme": filters.theme,
              "practice": filters.practice, "agency": filters.agency, "role": filters.role,
              "kind": filters.params()["kind"]}
    out = []
    for facet, counter in _facet_values(rows).items():
        if facet == "year":  # years read in time order, the undated last
            ranked = sorted(counter.items(), key=lambda kv: (kv[0] is None, str(kv[0])))
        else:
            ranked = sorted(counter.items(), key=lambda kv: (-kv[1], kv[0] is None, str(kv[0])))
        out.append({"name": facet, "selected": chosen.get(facet) or None, "value_count": len(ranked),
                    "values": [{"value": v, "label": _label(facet, v), "count": n} for v, n in ranked[:size]]})
    return out


def browse(trace: Trace, filters: Filters, *, sort: str = "document", limit: int = 50, offset: int = 0,
           facets: bool = True, facet_values: int = FACET_VALUES) -> dict[str, Any]:
    """A page of the filtered measures (items, each with its document's date and where the date
    was read, its themes and its lead/support agencies), the total, and the facets."""
    if sort not in SORTS:
        raise BadFilter(f"sort must be one of {', '.join(SORTS)}, got {sort!r}")
    params = {**filters.params(), "limit": FACT_ROW_CAP}
    if filters.theme:  # the theme's measures found from the theme
        rows = trace.run("measure_facets_in_theme", params)
    else:
        rows = trace.run("measure_facets", params)
    truncated = len(rows) >= FACT_ROW_CAP
    ordered = sorted(rows, key=_sort_key(sort.lstrip("-")), reverse=False)
    if sort == "-date":  # newest first; the undated stay last (unknown is not late)
        dated = [r for r in ordered if r["date"]]
        ordered = dated[::-1] + [r for r in ordered if not r["date"]]
    page = ordered[offset:offset + limit]
    return {"items": _page_items(trace, page), "total": len(rows), "truncated": truncated,
            "filters": {k: v for k, v in asdict(filters).items() if v}, "sort": sort,
            "offset": offset, "limit": limit,
            "facets": _facets(rows, filters, facet_values) if facets else []}


def _page_items(trace: Trace, page: list[dict[str, Any]]) -> list[dict[str, Any]]:
    ids = [r["id"] for r in page]
    full = {r["id"]: r for r in trace.run("measures_by_ids", {"ids": ids})} if ids else {}
    items = []
    for r in page:
        m = full.get(r["id"])
        if m is None:  # removed between the two reads
            continue
        agencies: dict[str, list[str]] = {"lead": [], "support": []}
        for aid, role in zip(r["agencies"], r["roles"]):
            agencies.setdefault(role, []).append(aid)
        items.append({**m, "kind": r["kind"], "level": r["level"], "themes": sorted(set(r["themes"])),
                      "practices": sorted(set(r["practices"])),
                      "lead_agencies": agencies["lead"], "support_agencies": agencies["support"]})
    return research._with_documents(trace, items)


def plain_or_browse(trace: Trace, filters: Filters, *, sort: str, limit: int, offset: int, facets: bool,
                    facet_values: int = FACET_VALUES) -> dict[str, Any]:
    """/api/measures: the plain list in document order when nothing needs the facet query
    (region, document and kind are indexed and paged by the graph), else the browser's answer."""
    if not facets and sort == "document" and not filters.narrows_beyond_list():
        items, total = lookups.measures(trace, filters.region, filters.document, filters.kind, limit, offset)
        return {"items": items, "total": total}
    return browse(trace, filters, sort=sort, limit=limit, offset=offset, facets=facets,
                  facet_values=min(facet_values, FACET_VALUES_MAX))

