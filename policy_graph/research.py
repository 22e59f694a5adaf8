"""The research questions, answered from named queries; shared by the API and the CLI.

Each answer records the queries it ran (name, text, parameters) so a researcher can
rerun them elsewhere (``?explain=true``).
"""
from __future__ import annotations

import functools
import re
import threading
import weakref
from collections import OrderedDict, defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import orjson

from graph.store import GraphStore, OffTheLoop, check_deadline, on_the_loop
from graph.textindex import KeptRegions, flow_order
from ingest.normalise import drop_invisible
from ingest.textutil import sentence_around, to_simplified
# An adopters answer lists every adopting region (paged by `limit`) with its measure count and
# first date, and shows the region's first few measures with their evidence: the work per
# request follows the page, not the number of measures a broad practice has.
from policy_graph.limits import COMPARED_SHOWN, PER_REGION, REGIONS

# scope: a measure limited to (or credited to) the region, e.g. a national notice's item that
# opens with the locality that piloted it (Measure.scope)
VIA_ORDER = {"measure": 0, "scope": 1, "replicated_to": 2, "replicated_from": 3}
REPLICATION_VIAS = ("replicated_to", "replicated_from")
# Each branch of a theme query returns at most this many rows: bounded work on any corpus.
FACT_ROW_CAP = 50_000
# A text question begun on the event loop (api/inline.py) moves to a thread when its words are in
# more measures than this: grouped by region and shown (each measure ~13 us: its card, its
# evidence sentence), they would hold the loop longer than its 5 ms. The thread goes on from the
# hits matched on the loop (CarriedHits).
LOOP_HITS_MAX = 200
UNDATED = "9999-99-99"  # the queries' and the text index's sort key for an undated measure


@dataclass
class Trace:
    """The queries an answer ran, in order."""

    store: GraphStore
    runs: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    text_index: Any = None  # graph.textindex.TextIndex: text questions skip the full scan
    # what an attempt on the event loop found before it moved to a thread (graph.store.OffTheLoop),
    # for this attempt to go on from: a text question's hits (CarriedHits)
    carried: Any = None

    def run(self, name: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        self.runs.append((name, params))
        return self.store.run(name, params)

    def equivalent(self, name: str, params: dict[str, Any]) -> None:
        """Record the query that gives an answer the text index gave (for ?explain=true)."""
        self.runs.append((name, params))

    def explain(self) -> dict[str, Any]:
        texts = [self.store.query_text(name) for name, _ in self.runs]
        params = [p for _, p in self.runs]
        if len(texts) == 1:
            return {"cypher": texts[0], "params": params[0]}
        return {"cypher": ";\n".join(texts), "params": params}


def resolve_topic(q: str):
    """The theme or practice a question names (ingest.themes.Taxonomy.resolve): the one resolver
    behind the API, the CLI and the pages."""
    from ingest.themes import load_taxonomy

    return _resolved(load_taxonomy(), query_text(q))


@functools.lru_cache(maxsize=4096)
def _resolved(taxonomy, q: str):
    # a phrase that names no topic is tried against every practice's rules (1.7 ms); the
    # taxonomy does not change while it is loaded, so each question is resolved once
    return taxonomy.resolve(q)


def warm() -> None:
    """Load what a server's first question would otherwise wait for (~100 ms): the taxonomy with
    its rules compiled and the script converter."""
    resolve_topic("知识产权")


def resolve_theme(q: str):
    """The theme a question is about (for a practice question, the practice's theme)."""
    topic = resolve_topic(q)
    return topic.theme if topic else None


def _level_key(topic) -> tuple[str, str]:
    """What a topic's question is answered at: its practice when it names one, else its theme."""
    return ("practice", topic.practice.key) if topic.practice else ("theme", topic.theme.key)


def theme_dict(theme) -> dict[str, Any]:
    return {"key": theme.key, "name_zh": theme.name_zh, "name_en": theme.name_en}


def practice_dict(practice) -> dict[str, Any]:
    return {"key": practice.key, "name_zh": practice.name_zh, "name_en": practice.name_en,
            "theme": practice.theme, "aliases": list(practice.aliases)}


def query_text(q: str) -> str:
    """A question as every answer reads it (the topic resolver and the text terms alike):
    invisible format characters dropped, as ingest drops them from documents (text pasted from a
    web page carries them, and 知识\u200b产权 is not 知识产权 to any reader), trimmed, simplified."""
    return to_simplified(drop_invisible(q).strip())


def text_terms(q: str) -> list[str]:
    """Whitespace-separated terms (at most 8), simplified so either script matches."""
    return [t for t in re.split(r"\s+", query_text(q)) if t][:8]


def adopters(trace: Trace, q: str, limit: int = REGIONS, per_region: int = PER_REGION,
             offset: int = 0) -> dict[str, Any]:
    """Which regions adopted a practice: every region (ordered by first date, paged by
    ``offset``/``limit``) with its number of measures, its first date and its first
    ``per_region`` measures (own measures before replications, earliest first), each with the
    document, the sentence that shows it and the lead and support agencies of its own
    responsibility line.

    A question naming a practice (银税互动) is answered by the measures carrying that practice;
    the other adopters of its broader theme come apart, as ``related``. A question naming a
    theme is answered at theme level; any other text by the measures holding its words."""
    return _adopters(trace, q, limit, per_region, offset)


def _adopters(trace: Trace, q: str, limit: int, per_region: int, offset: int,
              as_json: bool = False) -> dict[str, Any]:
    """adopters' answer; ``as_json``: with the measures the text index shows as their JSON
    (orjson fragments), for adopters_json."""
    topic = resolve_topic(q)
    related = None
    if topic is not None:
        level, key = _level_key(topic)
        ordered = _fact_regions(trace, level, key, per_region)
        page = _copied(ordered[offset:offset + limit])
        if topic.practice:
            holders = {r["region"] for r in ordered}
            others = [r for r in _fact_regions(trace, "theme", topic.theme.key, per_region)
                      if r["region"] not in holders]
            related = _copied(others[:limit]), len(others)
    else:  # only the page's measures are looked up and cut to their sentence
        terms = text_terms(q)
        ordered, indexed = _text_regions(trace, terms, per_region)
        page = ordered[offset:offset + limit]
        if indexed:  # shown with their agencies, and where each region's first date was read
            _show_indexed_measures(trace, page, terms, as_json)
            return _adopters_answer(q, topic, len(ordered), per_region, offset, page, related)
        _show_text_measures(trace, page, terms)
    shown = page + (related[0] if related else [])
    _first_date_sources(shown)
    _add_agencies(trace, shown)
    return _adopters_answer(q, topic, len(ordered), per_region, offset, page, related)


def _adopters_answer(q: str, topic, region_count: int, per_region: int, offset: int, page: Any,
                     related: tuple[Any, int] | None) -> dict[str, Any]:
    """An adopters answer's shape, around its page of regions and its related regions with
    their count (lists of dicts, or their JSON as orjson fragments)."""
    return {"query": q, "kind": topic.kind if topic else "text",
            "theme": theme_dict(topic.theme) if topic else None,
            "practice": practice_dict(topic.practice) if topic and topic.practice else None,
            "region_count": region_count, "per_region": per_region, "offset": offset, "regions": page,
            "related": {"theme": theme_dict(topic.theme), "region_count": related[1], "regions": related[0]}
            if related else None}


def adopters_json(trace: Trace, q: str, limit: int = REGIONS, per_region: int = PER_REGION,
                  offset: int = 0) -> bytes:
    """adopters' answer as JSON: the bytes orjson gives for it. A theme's or practice's answer
    the ingest kept is cut from the kept JSON and never parsed: at 100k measures a broad theme
    shows ~1,000 measures (~780 kB), and parsing and encoding them again was most of its
    request. The queries that give it are not recorded (``?explain=true`` asks adopters)."""
    topic = resolve_topic(q)
    if topic is not None and trace.text_index is not None:
        theme = trace.text_index.answer_json("theme", topic.theme.key, per_region)
        own = trace.text_index.answer_json("practice", topic.practice.key, per_region) if topic.practice else theme
        if own is not None and theme is not None:
            related = None
            if topic.practice:
                holders = set(own.names())
                others = [i for i, name in enumerate(theme.names()) if name not in holders]
                related = orjson.Fragment(theme.chosen(others[:limit])), len(others)
            return orjson.dumps(_adopters_answer(q, topic, len(own), per_region, offset,
                                                 orjson.Fragment(own.page(offset, limit)), related))
    return orjson.dumps(_adopters(trace, q, limit, per_region, offset, as_json=True))


def adopter_count(trace: Trace, topic) -> int:
    """How many regions adopted the theme or practice of ``topic`` (adopters' region_count): the
    kept answer's count when the ingest kept one, read without its body, else the answer's."""
    return len(_adopting_regions(trace, *_level_key(topic), per_region=1))


def _adopting_regions(trace: Trace, level: str, key: str, per_region: int) -> set[str]:
    """The regions the adopters answer of a theme or practice names: read from the kept answer
    without its body when the ingest kept one, else from the answer showing ``per_region``."""
    kept = trace.text_index.answer_regions(level, key, PER_REGION) if trace.text_index is not None else None
    if kept is not None:
        regions, runs = kept
        trace.runs.extend(runs)
        return set(regions)
    return {r["region"] for r in _fact_regions(trace, level, key, per_region)}


def _copied(regions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Regions of a cached answer, copied so that what is added to a region for one answer
    (first_date_source) stays out of the cache. Their measures are shared: each got its agencies
    before the answer was cached and nothing changes a shown measure after that (copying every
    shown measure of a practice's ~460 was a seventh of the server's time for its answer)."""
    return [dict(r) for r in regions]


def agency_lines(rows: Iterable[Mapping[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """A measure's lead and support agencies as an answer shows them, in printed order, from its
    LED_BY lines ({role, position, name, printed, region} each): the graph's query and the text
    index's copy (written at ingest) both go through here."""
    listed = sorted(rows, key=lambda a: (a["position"] or 0, a["name"]))
    return {role: [{"name": a["name"], "printed": a["printed"] or a["name"], "region": a["region"]}
                   for a in listed if a["role"] == role] for role in ("lead", "support")}


def _add_agencies(trace: Trace, regions: list[dict[str, Any]]) -> None:
    """Each shown measure's lead and support agencies (its own LED_BY line, in printed order),
    each with the region the agency belongs to; one lookup for the whole page, in the text
    index when it holds them (a text answer's measures came with theirs)."""
    ids = sorted({m["id"] for r in regions for m in r["measures"] if "agencies" not in m})
    if not ids:
        return
    kept = trace.text_index.agencies(ids) if trace.text_index is not None else {}
    if kept:
        trace.equivalent("measure_agencies", {"ids": sorted(kept)})
    missing = [i for i in ids if i not in kept]
    by_measure: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in trace.run("measure_agencies", {"ids": missing}) if missing else ():
        by_measure[row["id"]].append(row)
    for region in regions:
        for m in region["measures"]:
            if "agencies" not in m:
                m["agencies"] = kept[m["id"]] if m["id"] in kept else agency_lines(by_measure.get(m["id"], ()))


def _ordered(regions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(regions, key=lambda r: (r["first_date"] or UNDATED, r["region"] or ""))


def _fact_regions(trace: Trace, level: str, key: str, per_region: int) -> list[dict[str, Any]]:
    """Every adopting region of a theme or practice with its shown measures: the answer the
    ingest kept when there is one for ``per_region``, else computed once per state of the graph
    (a broad theme costs the database 100-250 ms at 100k measures) and cached."""
    # the answer the ingest kept (kept_answers): a lookup, where computing it took a broad
    # theme 70-150 ms at 100k measures (a practice up to 220), most of it showing ~1,000
    # measures with their sentences
    kept = trace.text_index.answer(level, key, per_region) if trace.text_index is not None else None
    if kept is not None:
        # not cached in memory: read again it costs a few ms, and ~1,000 shown measures per
        # theme held for good made each of the collector's full passes over the server's
        # objects longer (three of 100-220 ms while the 51 themes were first asked at 100k)
        ordered, runs = kept
        trace.runs.extend(runs)
        return ordered
    state = tuple(sorted((r["what"], int(r["n"])) for r in trace.store.run("graph_state", {})))
    cache_key = (level, key, per_region)
    cached = _THEME_ANSWERS.get(trace.store, state, cache_key)
    if cached is not None:
        answer, runs = cached
        trace.runs.extend(runs)
        return answer
    first = len(trace.runs)
    ordered = _computed_fact_regions(trace, level, key, per_region)
    _THEME_ANSWERS.put(trace.store, state, cache_key, (ordered, trace.runs[first:]))
    return ordered


def _computed_fact_regions(trace: Trace, level: str, key: str, per_region: int) -> list[dict[str, Any]]:
    if level == "practice":
        groups = trace.run("adopters_practice_regions", {"practice": key, "per_region": per_region})
    else:
        # the summary the ingest kept beside the graph: the same rows as the query, looked up
        groups = trace.text_index.adoption("theme", key, per_region) if trace.text_index is not None else None
        if groups is not None:
            trace.equivalent("adopters_theme_regions", {"theme": key, "per_region": per_region})
        else:
            groups = trace.run("adopters_theme_regions", {"theme": key, "per_region": per_region})
    ordered = _ordered(_merge_groups(groups, per_region))
    _show_fact_measures(trace, ordered, level, key)
    # cached with their agencies: looking them up for every request was a quarter of a cached
    # practice answer's time in the server (~460 measures for 银税互动 at 10k)
    _add_agencies(trace, ordered)
    return ordered


def kept_answers(store: GraphStore, text_index: Any, level: str, keys: Iterable[str]) -> dict[str, tuple[int, Any, Any]]:
    """The answer to each theme's or practice's question (``level``): its regions, each with its
    first PER_REGION measures and their evidence, and the queries that give them, computed as a
    request would, for the ingest to keep in the text index (a theme's once its summaries are
    written): the first request for it is then a lookup. key -> (per_region, regions, runs)."""
    keys = list(keys)
    batch = _Prefetched(store, text_index, level, keys, PER_REGION)
    answers = {}
    for key in keys:
        trace = Trace(batch, text_index=text_index)  # the same code and the same runs as a request's
        regions = _computed_fact_regions(trace, level, key, PER_REGION)
        # kept as a page shows them, so a page can be sent as kept (adopters_json)
        _first_date_sources(regions)
        answers[key] = (PER_REGION, regions, trace.runs)
    return answers


def _items(ids: dict[str, list[str]]) -> dict[str, Any]:
    return {"items": [{"key": key, "ids": i} for key, i in ids.items()]}


class _Prefetched:
    """The store as kept_answers reads it: two of the statements that computing every key's
    answer runs one key at a time, adopters_practice_regions and adopters_*_replications (at
    100k measures 120 statements, 2.9 s), answered from statements that read them for every key
    at once (0.8 s); any other statement, or other parameters, go to the store. Each key's
    shown measures stay one statement per key: read for every theme at once they took 2.1-6.6 s
    at 100k measures against 2.3 s. A kept answer is used once."""

    def __init__(self, store: GraphStore, text_index: Any, level: str, keys: list[str], per_region: int) -> None:
        self.store = store
        self._rows: dict[tuple[str, bytes], list[dict[str, Any]]] = {}
        groups: dict[str, list[dict[str, Any]] | None] = {}
        if level == "practice":
            groups = {key: [] for key in keys}
            for row in store.run("adopters_practices_regions", {"practices": keys, "per_region": per_region}):
                groups[row.pop("practice")].append(row)
            for key in keys:
                self._keep("adopters_practice_regions", {"practice": key, "per_region": per_region}, groups[key])
        elif text_index is not None:
            groups = {key: text_index.adoption("theme", key, per_region) for key in keys}
        moved_ids = {}
        for key, rows in groups.items():
            if rows is None:  # no summary to order the theme's regions by: its statements go to the store
                continue
            _, moved = _shown_ids(_ordered(_merge_groups(rows, per_region)))
            if moved:
                moved_ids[key] = moved
        if not moved_ids:
            return
        if level == "practice":
            facts = store.run("adopters_practices_replications", _items(moved_ids))
        else:
            facts = store.run("adopters_themes_replications", _items(moved_ids))
        self._split(facts, f"adopters_{level}_replications", level, moved_ids)

    def _split(self, rows: list[dict[str, Any]], single: str, level: str, ids: dict[str, list[str]]) -> None:
        """Keep a batched statement's ``rows`` as the answers of ``single`` for each key's ``ids``."""
        by_key: dict[str, list[dict[str, Any]]] = {key: [] for key in ids}
        for row in rows:
            by_key[row.pop(level)].append(row)
        for key, i in ids.items():
            self._keep(single, {"ids": i, level: key}, by_key[key])

    def _keep(self, name: str, params: dict[str, Any], rows: list[dict[str, Any]]) -> None:
        self._rows[(name, orjson.dumps(params, option=orjson.OPT_SORT_KEYS))] = rows

    def run(self, name: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        rows = self._rows.pop((name, orjson.dumps(params, option=orjson.OPT_SORT_KEYS)), None)
        return rows if rows is not None else self.store.run(name, params)


def _text_regions(trace: Trace, terms: list[str], per_region: int) -> tuple[list[dict[str, Any]], bool]:
    """The regions of a text question, and whether the text index answered it."""
    index = trace.text_index
    hits = index.in_text(terms) if index is not None and terms else None
    if hits is not None:  # answered by the text index, with no scan and no key lookups
        carried = trace.carried
        if isinstance(carried, CarriedHits) and carried.terms == tuple(terms) and carried.of(index):
            numbers = carried.numbers  # matched on the loop, in this state of the index
        else:
            numbers = index.hit_numbers(hits)
            if on_the_loop() and len(numbers) > LOOP_HITS_MAX:
                raise OffTheLoop(CarriedHits(tuple(terms), numbers, index.version))
        trace.equivalent("adopters_text_regions", {"terms": terms, "per_region": per_region})
        return _ordered(_index_regions(index, numbers, per_region)), True
    if not terms:
        return [], False
    groups = trace.run("adopters_text_regions", {"terms": terms, "per_region": per_region})
    return _ordered(_merge_groups(groups, per_region)), False


class _AnswerCache:
    """Answers per store, valid for one state of its graph; the least recently used go first."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._lock = threading.Lock()
        self._by_store: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    def get(self, store: Any, state: tuple, key: tuple) -> Any:
        with self._lock:
            entry = self._by_store.get(store)
            if entry is None or entry[0] != state or key not in entry[1]:
                return None
            entry[1].move_to_end(key)
            return entry[1][key]

    def put(self, store: Any, state: tuple, key: tuple, value: Any) -> None:
        with self._lock:
            entry = self._by_store.get(store)
            if entry is None or entry[0] != state:
                entry = self._by_store[store] = (state, OrderedDict())
            entry[1][key] = value
            while len(entry[1]) > self.size:
                entry[1].popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._by_store.clear()


_THEME_ANSWERS = _AnswerCache(64)


# how a text question's regions adopt what it names: by their own measures
TEXT_VIA = "measure"


@dataclass(frozen=True)
class CarriedHits:
    """A text question's hits, matched on the event loop by a reader of the index's ``version``."""
    terms: tuple[str, ...]
    numbers: Any  # numpy array, TextIndex.hit_numbers'
    version: Any

    def of(self, index: Any) -> bool:
        """Whether ``index`` reads the state they were matched in (a version known to both)."""
        return self.version is not None and self.version == index.version


def _index_regions(index: Any, numbers: Any, per_region: int) -> list[dict[str, Any]]:
    """What _merge_groups makes of adopters_text_regions's rows, from the text index's matches:
    one way of adopting per region (its own measures) and its keys already in order, so there is
    nothing to merge (merging was a sixth of a broad question's time)."""
    regions = []
    for region, count, date, shown in index.by_region(numbers, per_region):
        if not region:  # as _merge_groups: an unresolved region adopts nothing anywhere
            continue
        # the index's measure number stands for the id: shown looks measures up by it; the
        # numbers are already in the order their (date, id) keys give
        regions.append({"region": region, "first_date": None if date == UNDATED else date, "measure_count": count,
                        "_shown": [(VIA_ORDER[TEXT_VIA], None, TEXT_VIA, n) for n in shown]})
    return regions


def _merge_groups(groups: list[dict[str, Any]], per_region: int) -> list[dict[str, Any]]:
    """One entry per region from its rows (one per way of adopting, disjoint by construction):
    the total, the first date, and the first ``per_region`` (via, measure id) to show."""
    regions: dict[Any, dict[str, Any]] = {}
    for g in groups:
        if not g["region"]:  # a document whose region was not resolved adopts nothing anywhere
            continue
        region = regions.setdefault(g["region"], {"region": g["region"], "first_date": None,
                                                  "measure_count": 0, "_shown": []})
        region["measure_count"] += int(g["n"])
        for key in g["keys"] or []:
            date, _, mid = key.partition(" ")
            region["_shown"].append((VIA_ORDER.get(g["via"], 9), key, g["via"], mid))
            if date != UNDATED and (region["first_date"] is None or date < region["first_date"]):
                region["first_date"] = date
    for region in regions.values():
        region["_shown"] = sorted(region["_shown"])[:per_region]
    return list(regions.values())


def _measure(row: dict[str, Any], via: str, evidence: str | None,
             replication_evidence: str | None = None) -> dict[str, Any]:
    date = row["date"] or None
    return {"id": row["id"], "title": row["title"], "region": row.get("region"), "document": row["document"],
            "document_title": row.get("document_title"), "date": date,
            "date_source": row.get("date_source") if date else None, "via": via,
            "evidence": evidence, "replication_evidence": replication_evidence or None}


def _first_date_sources(regions: list[dict[str, Any]]) -> None:
    """Each region's first date says where it was read: the source of the shown measure dated so."""
    for region in regions:
        region["first_date_source"] = _first_date_source(
            region["first_date"], ((m["date"], m["date_source"]) for m in region["measures"]))


def _first_date_source(first_date: str | None, shown: Iterable[tuple[str | None, str | None]]) -> str | None:
    """The source of the first of the shown measures' (date, date source) dated ``first_date``."""
    return next((source for date, source in shown if first_date and date == first_date), None)


def _shown_ids(regions: list[dict[str, Any]]) -> tuple[list[str], list[str]]:
    """The ids of the measures the regions show, and of those among them shown as replications."""
    return (sorted({mid for r in regions for *_, mid in r["_shown"]}),
            sorted({mid for r in regions for _, _, via, mid in r["_shown"] if via in REPLICATION_VIAS}))


def _show_fact_measures(trace: Trace, regions: list[dict[str, Any]], level: str, key: str) -> None:
    """The shown measures of a theme's or a practice's regions, with the sentence that carries it
    and, for a replication, the sentence that states it."""
    ids, moved = _shown_ids(regions)
    if level == "practice":
        shown = trace.run("adopters_practice_shown", {"ids": ids, "practice": key}) if ids else []
        facts = trace.run("adopters_practice_replications", {"ids": moved, "practice": key}) if moved else []
    else:
        shown = trace.run("adopters_theme_shown", {"ids": ids, "theme": key}) if ids else []
        facts = trace.run("adopters_theme_replications", {"ids": moved, "theme": key}) if moved else []
    rows = {r["id"]: r for r in _with_documents(trace, shown)}
    replications: dict[tuple[str, str, Any], list[str]] = defaultdict(list)
    for x in facts:
        replications[(x["id"], "replicated_to", x["to_region"])].append(x["evidence"] or "")
        replications[(x["id"], "replicated_from", x["from_region"])].append(x["evidence"] or "")
    for region in regions:
        region["measures"] = []
        for _, _, via, mid in region.pop("_shown"):
            row = rows.get(mid)
            if row is None:
                continue
            # the replication that brought the practice here (or took it from here)
            facts = sorted(replications.get((mid, via, region["region"]), ())) if via in REPLICATION_VIAS else []
            region["measures"].append(_measure(row, via, row["evidence"], facts[0] if facts else None))


def _show_indexed_measures(trace: Trace, regions: list[dict[str, Any]], terms: list[str],
                           as_json: bool = False) -> None:
    """The page's measures, their documents, dates, agencies and sentences (_sentence's, cut by
    the index), as the index keeps them shown: one lookup, by the numbers _index_regions kept;
    and where each region's first date was read. ``as_json``: each measure as its JSON, as SQLite
    wrote it into its card's text (ShownMeasure.json), not parsed."""
    found = trace.text_index.shown([n for r in regions for *_, n in r["_shown"]], terms, TEXT_VIA)
    # the graph queries that give the same rows (?explain=true)
    ids = sorted(m.id for m in found.values())
    trace.equivalent("adopters_text_shown", {"ids": ids})
    trace.equivalent("documents_brief", {"ids": sorted({m.document for m in found.values()})})
    trace.equivalent("measure_agencies", {"ids": ids})
    for region in regions:
        shown = [found[n] for *_, n in region.pop("_shown")]
        # in the shape _measure gives, with their agencies
        region["measures"] = [orjson.Fragment(m.json) if as_json else m.parsed() for m in shown]
        region["first_date_source"] = _first_date_source(region["first_date"], ((m.date, m.date_source) for m in shown))


def _show_text_measures(trace: Trace, page: list[dict[str, Any]], terms: list[str]) -> None:
    ids = sorted({mid for r in page for *_, mid in r["_shown"]})
    rows = {r["id"]: r for r in _with_documents(
        trace, trace.run("adopters_text_shown", {"ids": ids}) if ids else [])}
    for region in page:
        region["measures"] = []
        for _, _, via, mid in region.pop("_shown"):
            if mid in rows:
                row = rows[mid]
                region["measures"].append(_measure(row, via, _sentence(row["text"] or "", terms)))


def _sentence(text: str, terms: list[str]) -> str:
    """The sentence that shows it (where the first term occurs first), not the whole measure."""
    hit = min((text.find(t) for t in terms if t in text), default=0)
    return sentence_around(text, max(hit, 0))


def _with_documents(trace: Trace, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Fill in each row's document title and date, one lookup per distinct document."""
    if not rows:
        return rows
    docs = {d["id"]: d for d in trace.run("documents_brief", {"ids": sorted({r["document"] for r in rows})})}
    for row in rows:
        doc = docs.get(row["document"]) or {}
        row["document_title"], row["date"] = doc.get("title"), doc.get("date")
        row["date_source"] = doc.get("date_source")
    return rows


def search(trace: Trace, terms: list[str], limit: int) -> tuple[list[dict[str, Any]], int]:
    """Measures holding every term (title or text), in document order: a page and the total."""
    found = trace.text_index.search(terms, limit) if trace.text_index is not None else None
    if found is None:
        total = trace.run("search_count", {"terms": terms})[0]["total"]
        return trace.run("search_measures", {"terms": terms, "limit": limit}), int(total)
    items, total = found
    if items:  # the graph statement that gives the same rows (?explain=true)
        trace.equivalent("measures_by_ids", {"ids": [m["id"] for m in items]})
    return items, total


def timeline(trace: Trace, q: str) -> dict[str, Any]:
    """The adopters answer in date order. Each date says where it was read (date_source); the
    adoptions whose documents carry no date are kept apart (``undated``): an unknown date is
    not a late one."""
    answer = adopters(trace, q)
    events = []
    for region in answer["regions"]:
        for m in region["measures"]:
            events.append({"date": m["date"], "date_source": m["date_source"], "region": region["region"],
                           "measure_id": m["id"], "title": m["title"], "document": m["document"],
                           "via": m["via"], "evidence": m["evidence"]})
    dated = sorted((e for e in events if e["date"]), key=lambda e: (e["date"], e["region"], e["measure_id"]))
    undated = sorted((e for e in events if not e["date"]), key=lambda e: (e["region"], e["measure_id"]))
    return {"query": q, "theme": answer["theme"], "practice": answer["practice"],
            "regions": [{"region": r["region"], "first_date": r["first_date"],
                         "first_date_source": r["first_date_source"]} for r in answer["regions"]],
            "events": dated, "undated": undated}


def similar(trace: Trace, measure_id: str, limit: int, cross_region: bool) -> list[dict[str, Any]]:
    # the statement's cap is written in (2 x SIMILAR_MAX rows, in score order): its first limit * 2
    rows = trace.run("similar_of", {"id": measure_id, "cross_region": cross_region})[:limit * 2]
    best: dict[str, dict[str, Any]] = {}
    for row in rows:  # an edge may be stored in both directions
        if row["id"] not in best or row["score"] > best[row["id"]]["score"]:
            best[row["id"]] = {**row, "score": round(float(row["score"]), 4),
                               "shared_terms": list(row["shared_terms"] or [])}
    return sorted(best.values(), key=lambda r: (-r["score"], r["id"]))[:limit]


def replications(trace: Trace, from_region: str | None, to_region: str | None,
                 document: str | None, limit: int) -> list[dict[str, Any]]:
    return trace.run("replications", {"from_region": from_region or "", "to_region": to_region or "",
                                      "document": document or "", "limit": limit})


# Partial chains a path question may extend before it answers with what it has found.
PATH_EXPANSION_BUDGET = 200_000


def paths(trace: Trace, from_region: str | None, to_region: str | None, max_hops: int,
          limit: int = 100) -> list[dict[str, Any]]:
    """Chains of replication facts, fewest hops first; a region appears at most once in a chain
    (a practice does not travel back where it was).

    The flow graph is read hop by hop (one query per hop, and only as deep as the chains found
    so far need), and chains are enumerated here, shortest first, only through regions from
    which the destination can still be reached in the hops left: the work follows the
    answer's size, not the number of chains a dense flow graph holds.
    """
    if from_region and from_region == to_region:
        # No chain returns to where it began, and searching for one walked every chain within
        # max_hops (at 100k measures 21 s for four hops) before answering with none.
        return []
    forward = bool(from_region)
    start = from_region if forward else to_region
    goal = to_region if forward else None
    flows = _FlowLevels(trace, start, forward, whole_levels=goal is not None)
    remaining = None
    if goal:  # pruning toward the destination needs every hop read first
        flows.read(max_hops)
        remaining = _hops_to(goal, flows.every_step())
    result: list[dict[str, Any]] = []
    seen: set[tuple] = set()
    budget = [PATH_EXPANSION_BUDGET]

    def walk(chain: list[dict[str, Any]], regions: list[str], hops: int) -> None:
        if len(result) >= limit or budget[0] <= 0:
            return
        here = regions[-1]
        if len(chain) == hops:
            if goal is None or here == goal:
                _emit(chain, forward, seen, result)
            return
        for step in flows.steps(here):
            if len(result) >= limit or budget[0] <= 0:
                break  # the steps a province implies are built only when a walk gets to them
            nxt = step["dst"] if forward else step["src"]
            if nxt in regions:
                continue
            if remaining is not None and remaining.get(nxt, max_hops + 1) > hops - len(chain) - 1:
                continue
            budget[0] -= 1
            if not budget[0] & 1023:  # the request's time (and its time on the event loop) holds here too
                check_deadline()
            chain.append(step)
            regions.append(nxt)
            walk(chain, regions, hops)
            chain.pop()
            regions.pop()

    for hops in range(1, max_hops + 1):
        if len(result) >= limit:
            break
        flows.read(hops)  # chains of `hops` steps leave only regions fewer hops away
        walk([], [start], hops)
    return result


# Places of a province a path may reach through one province-wide replication.
PLACES_PER_PROVINCE_MAX = 500
PROVINCE_WIDE = "via province-wide replication"


class _FlowLevels:
    """region -> its flow steps (out of it when walking forward, into it when walking back),
    read one breadth-first level at a time.

    Paths honour the region hierarchy: a practice replicated to a province reaches the places
    in it (Xiamen's measures replicated to 福建 reach 福州, 泉州 ...). Such a step is derived
    from the province's flow and says so (``via``: the province, ``reach``: PROVINCE_WIDE).
    A region's derived steps are built when a walk first gets past its stated ones: at 100k
    measures a region's first hop implies ~1,600 of them on average, and a path question's first
    page usually needs none (building every one was half of the answer's time).

    From the flows the ingest kept, a walk with no destination reads a region's steps when it
    first gets to the region, not a whole level at once: the same steps (a region's flows, in
    their order, and the province flows that imply more), but a page that needs a few two-hop
    chains read 44 regions' flows and the places of 331 provinces for them at 100k measures
    (10-18 ms, where a one-hop page takes 0.3). The graph is still read a level a statement,
    and a walk toward a destination reads every level it may need first (its pruning needs
    them)."""

    def __init__(self, trace: Trace, start: str, forward: bool, whole_levels: bool = True) -> None:
        self.trace, self.forward = trace, forward
        self.steps_of: dict[str, list[dict[str, Any]]] = defaultdict(list)
        # region -> [(province flows, the places each reaches, its level's budget)] not built yet
        self._implied: dict[str, list[tuple[list[dict[str, Any]], Any, list[int]]]] = defaultdict(list)
        self.reached, self.frontier, self.levels = {start}, [start], 0
        # the flows and places the ingest kept in the text index (service.keep_flows), when they
        # are the graph's now: each hop an indexed read there, where its graph statements took
        # ~2 ms at 10k measures; ?explain=true still names the statements that give them
        index = trace.text_index
        self.kept = index if index is not None and index.flows_current() else None
        self.by_region = self.kept is not None and not whole_levels
        self._loaded: set[str] = set()  # the regions whose steps are read (by_region)

    def run(self, name: str, params: dict[str, Any]) -> list[dict[str, Any]]:
        if self.kept is None:
            return self.trace.run(name, params)
        self.trace.equivalent(name, params)
        names, limit = params["names"], params["limit"]
        if name in ("flows_from", "flows_into"):
            return self.kept.flows(names, name == "flows_into", limit)
        return self.kept.province_places(names, name == "region_provinces", limit)

    def read(self, levels: int) -> None:
        if self.by_region:  # read as the walk gets to each region (steps)
            return
        while self.levels < levels and self.frontier:
            direct, implied, implied_next = self._level(self.frontier)
            self.frontier, self.levels = [], self.levels + 1
            for step in direct:
                here, nxt = (step["src"], step["dst"]) if self.forward else (step["dst"], step["src"])
                self.steps_of[here].append(step)
                self._reach(nxt)
            self._defer(implied)
            for nxt in implied_next:  # where a derived step leads (one a flow states is reached already)
                self._reach(nxt)

    def _reach(self, region: str) -> None:
        if region not in self.reached:
            self.reached.add(region)
            self.frontier.append(region)

    def _level(self, names: list[str]) -> tuple[list[dict[str, Any]], list[tuple], Iterator[str]]:
        return self._forward_steps(names) if self.forward else self._backward_steps(names)

    def _read_region(self, here: str) -> None:
        """The steps of ``here`` alone, as a level holding only it gives them."""
        self._loaded.add(here)
        direct, implied, _ = self._level([here])
        self.steps_of[here].extend(direct)
        self._defer(implied)

    def _defer(self, implied: list[tuple]) -> None:
        """Keep a level's (or a region's) province flows until a walk gets past its stated steps;
        the steps they imply share one budget."""
        budget = [FACT_ROW_CAP]  # the derived steps of a level, at most
        for region, flows, places_of in implied:
            self._implied[region].append((flows, places_of, budget))

    def steps(self, here: str) -> Iterator[dict[str, Any]]:
        """The steps of ``here``: those a flow states, then those its province flows imply."""
        if self.by_region and here not in self._loaded:
            self._read_region(here)
        yield from self.steps_of.get(here, ())
        pending = self._implied.pop(here, None)
        if pending:
            steps = self.steps_of[here]
            stated = {(s["src"], s["dst"], s["measure_id"]) for s in steps}
            built = [d for flows, places_of, budget in pending for d in _derived(flows, places_of, stated, budget)]
            steps.extend(built)
            yield from built

    def every_step(self) -> dict[str, list[dict[str, Any]]]:
        for here in list(self._implied):
            for _ in self.steps(here):
                pass
        return self.steps_of

    def _forward_steps(self, names: list[str]) -> tuple[list[dict[str, Any]], list[tuple], Iterator[str]]:
        direct = _steps(self.run("flows_from", _hop(names)))
        provinces = sorted({r["dst"] for r in direct})
        children: dict[str, list[str]] = defaultdict(list)
        for row in self.run("region_children", _places(provinces)) if provinces else []:
            children[row["parent"]].append(row["child"])
        to_provinces = [f for f in direct if f["dst"] in children]
        by_source: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for f in to_provinces:
            by_source[f["src"]].append(f)
        places_of = lambda f: children[f["dst"]]  # noqa: E731
        return (direct, [(here, flows, places_of) for here, flows in by_source.items()],
                (place for province in dict.fromkeys(f["dst"] for f in to_provinces) for place in children[province]))

    def _backward_steps(self, names: list[str]) -> tuple[list[dict[str, Any]], list[tuple], Iterator[str]]:
        direct = _steps(self.run("flows_into", _hop(names)))
        held: dict[str, list[str]] = defaultdict(list)  # province -> the frontier places in it
        for row in self.run("region_provinces", _places(names)):
            held[row["parent"]].append(row["child"])
        into_provinces = _steps(self.run("flows_into", _hop(sorted(held)))) if held else []
        into: dict[str, list[dict[str, Any]]] = defaultdict(list)  # province -> the flows into it
        provinces_of: dict[str, list[str]] = defaultdict(list)  # frontier place -> its provinces
        for f in into_provinces:
            into[f["dst"]].append(f)
        for province, places in held.items():
            for place in places:
                provinces_of[place].append(province)
        implied = []
        for place, provinces in provinces_of.items():
            flows = into[provinces[0]] if len(provinces) == 1 else \
                sorted((f for p in provinces for f in into[p]), key=flow_order)
            if flows:
                implied.append((place, flows, lambda f, place=place: (place,)))
        return direct, implied, (f["src"] for f in into_provinces)


def _hop(names: list[str]) -> dict[str, Any]:
    return {"names": names, "limit": FACT_ROW_CAP}


def _places(names: list[str]) -> dict[str, Any]:
    return {"names": names, "limit": PLACES_PER_PROVINCE_MAX * len(names)}


def _steps(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Flow rows as steps stated by a replication fact (not derived through a province), in one
    order whatever order the rows came in (the graph's, or the text index's): a flow is one per
    measure and pair of regions (schema.py keys PRACTICE_FLOW by measure_id)."""
    for r in rows:  # the rows are this answer's own (a statement's fresh result)
        r["via"] = r["reach"] = None
    return sorted(rows, key=flow_order)


def _derived(flows: list[dict[str, Any]], places_of, stated: set[tuple], budget: list[int]) -> list[dict[str, Any]]:
    """The steps province flows imply into the places of the province (at most ``budget``, shared
    by a level), leaving out those a flow already states and the place the practice came from."""
    out: list[dict[str, Any]] = []
    for f in flows:
        for place in places_of(f):
            key = (f["src"], place, f["measure_id"])
            if place == f["src"] or key in stated:
                continue
            if budget[0] <= 0:
                return out
            budget[0] -= 1
            if not budget[0] & 1023:
                check_deadline()
            stated.add(key)
            out.append({**f, "dst": place, "via": f["dst"], "reach": PROVINCE_WIDE})
    return out


def _hops_to(goal: str, steps_of: dict[str, list[dict[str, Any]]]) -> dict[str, int]:
    """Fewest hops from each region to ``goal`` over the steps read (a backward search)."""
    into: dict[str, set[str]] = defaultdict(set)
    for here, steps in steps_of.items():
        for step in steps:
            into[step["dst"]].add(here)
    dist, frontier = {goal: 0}, [goal]
    while frontier:
        nxt = []
        for region in frontier:
            for prev in into.get(region, ()):
                if prev not in dist:
                    dist[prev] = dist[region] + 1
                    nxt.append(prev)
        frontier = nxt
    return dist


def _emit(chain: list[dict[str, Any]], forward: bool, seen: set[tuple], result: list) -> None:
    ordered = chain if forward else chain[::-1]
    key = tuple((s["measure_id"], s["dst"]) for s in ordered)
    if key in seen:
        return
    seen.add(key)
    regions = [ordered[0]["src"], *(s["dst"] for s in ordered)]
    steps = [{"measure_id": s["measure_id"], "from_region": s["src"], "to_region": s["dst"],
              "scope": s.get("scope"), "via": s.get("via"), "reach": s.get("reach"),
              "evidence": s["evidence"], "document": s["document"]} for s in ordered]
    result.append({"regions": regions, "hops": len(steps), "steps": steps})


def adoption_by_theme(trace: Trace, regions: list[str]) -> dict[str, dict[str, Any]]:
    """theme key -> {key, name_zh, name_en, regions: {region: {measure id: evidence}}} for the
    regions named (a region's profile): merged from each region's kept answer (kept_regions)
    when the text index holds every one, else walked from the regions in the graph (at 100k
    measures ~40 ms for two regions)."""
    kept = kept_regions(trace, regions, None, pairs=False)
    if kept is None:
        return themes_of_rows(trace.run("theme_adoption", {"regions": regions, "limit": FACT_ROW_CAP}))
    return {key: {**theme, "regions": {r: {m["id"]: m for m in ms} for r, ms in theme["regions"].items()}}
            for key, theme in _kept_themes(trace, regions, kept).items()}


def _kept_themes(trace: Trace, regions: list[str], kept: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """theme key -> {key, name_zh, name_en, regions: {region: [measure evidence...]}, counts:
    {region: measures}}, merged from the regions' kept parts, as theme_adoption's rows give it."""
    themes: dict[str, dict[str, Any]] = {}
    for region in regions:
        for key, name_zh, name_en, count, measures in kept[region]["themes"]:
            theme = themes.setdefault(key, {"key": key, "name_zh": name_zh, "name_en": name_en,
                                            "regions": {}, "counts": {}})
            theme["regions"][region] = measures
            theme["counts"][region] = count
    trace.equivalent("theme_adoption", {"regions": regions, "limit": FACT_ROW_CAP})
    return {key: themes[key] for key in sorted(themes)}


def themes_of_rows(rows: Iterable[Mapping[str, Any]]) -> dict[str, dict[str, Any]]:
    """theme_adoption's rows as adoption_by_theme's answer, in the same order in every process."""
    themes: dict[str, dict[str, Any]] = {}
    for row in rows:
        if not row["region"]:  # unresolved region: never a peer, never a holder
            continue
        theme = themes.setdefault(row["theme"], {"key": row["theme"], "name_zh": row["name_zh"],
                                                 "name_en": row["name_en"], "regions": defaultdict(dict)})
        held = theme["regions"][row["region"]]
        known = held.get(row["id"])
        # one measure may reach a region two ways (its own and a replication): the first way in
        # _VIA_RANK is kept, whatever order the database returned the rows in
        if known is None or _VIA_RANK[row["via"]] < _VIA_RANK[known["via"]]:
            held[row["id"]] = {"id": row["id"], "title": row["title"], "region": row.get("measure_region"),
                               "document": row["document"], "via": row["via"], "evidence": row["evidence"]}
    for key in sorted(themes):  # rows arrive in any order
        theme = themes.pop(key)
        theme["regions"] = {region: dict(sorted(held.items(), key=lambda kv: (_VIA_RANK[kv[1]["via"]], kv[0])))
                            for region, held in sorted(theme["regions"].items())}
        themes[key] = theme
    return themes


def kept_regions(trace: Trace, regions: list[str], shown: int | None, pairs: bool = True
                 ) -> dict[str, dict[str, Any]] | None:
    """Each region's answer the ingest kept (kept_region_answers), by region: {themes: [[key,
    name_zh, name_en, measure count, measures]...], similar: [[a_id, b_id, b_region, score,
    shared_terms]...]}, its themes' measures cut at ``shown`` (whole when None) and only its
    pairs with the other regions named (none unless ``pairs``). At the page the ingest cut
    (COMPARED_SHOWN) each theme's measures are their kept JSON (an orjson.Fragment), not parsed.
    None unless the text index holds every one of them for the measures it holds now. Only what
    is asked is parsed: a region's whole answer was 466-823 kB at 100k measures, and parsing two
    of them two thirds of a comparison."""
    index = trace.text_index
    if index is None:
        return None
    whole_themes = shown is None or shown > COMPARED_SHOWN
    read_cut = pairs or not whole_themes
    out = {}
    for region in regions:
        cut = index.answer_json("region", region, COMPARED_SHOWN) if read_cut else None
        whole = index.answer_json("region", region, 0) if whole_themes else None
        if (read_cut and cut is None) or (whole_themes and whole is None):
            return None
        # the cut answer's layout (kept_region_answers): the region's themes, then each theme's
        # measures in the same order, then the pairs it leads to, a part per region by name
        heads = orjson.loads(cut.part(0))["themes"] if read_cut else []
        led = []
        if pairs:  # the parts named by the other regions compared
            found = (cut.position(name, len(heads) + 1) for name in regions)
            led = [p for at in sorted(at for at in found if at is not None)
                   for p in orjson.loads(cut.part(at))["pairs"]]
        if whole_themes:
            themes = orjson.loads(whole.part(0))["themes"]
            if shown is not None:
                for theme in themes:
                    del theme[4][shown:]
        else:
            themes = []
            for at, head in enumerate(heads, 1):
                measures = cut.part(at)
                # the page the ingest cut is sent as kept; a smaller one is parsed and cut again
                themes.append([*head, orjson.Fragment(measures) if shown == COMPARED_SHOWN
                               else orjson.loads(measures)[:shown]])
        out[region] = {"themes": themes, "similar": led}
    return out


def _similar_pairs_between(trace: Trace, regions: list[str], limit: int,
                           kept: dict[str, dict[str, Any]] | None) -> list[dict[str, Any]]:
    """The most similar measure pairs between the regions (similar_pairs_between's rows): merged
    from each region's ``kept`` pairs (kept_regions) when the text index holds them, else from
    the graph (at 100k measures 31-37 ms for two regions)."""
    if kept is None:
        return trace.run("similar_pairs_between", {"regions": regions, "limit": limit})
    rows = [{"a_id": a_id, "a_region": region, "b_id": b_id, "b_region": b_region, "score": score,
             "shared_terms": shared}
            for region in regions for a_id, b_id, b_region, score, shared in kept[region]["similar"]]
    rows.sort(key=lambda p: (-p["score"], p["a_id"], p["b_id"]))
    rows = rows[:limit]
    trace.equivalent("similar_pairs_between", {"regions": regions, "limit": limit})
    # titles from the text index the pairs were kept in, as the statement reads them from the
    # graph: kept with the pairs, they made them half of what a region keeps (15 of 31 MB at
    # 10k measures)
    ids = sorted({p[k] for p in rows for k in ("a_id", "b_id")})
    titles = trace.text_index.titles(ids) if ids else {}
    return [{"a_id": p["a_id"], "a_region": p["a_region"], "a_title": titles.get(p["a_id"]), "b_id": p["b_id"],
             "b_region": p["b_region"], "b_title": titles.get(p["b_id"]), "score": p["score"],
             "shared_terms": p["shared_terms"]} for p in rows]


def kept_region_answers(store: GraphStore, regions: Iterable[str], batch: int = 20
                        ) -> Iterator[tuple[str, tuple[int, list[dict[str, Any]], list]]]:
    """Each region's part of a comparison, for the ingest to keep in the text index once the
    graph holds the similar-to edges: its themes with every measure that makes it adopt them
    (adoption_by_theme of the region alone) and every similar pair its measures start with
    another region's (similar_pairs_from). Two answers a region, in the shape
    TextIndex.set_answers keeps, region by region as they are computed (held all at once, the
    100k graph's took the ingest's peak memory from 3.4 to 4.1 GiB):
    - (0, [{region, themes: [[key, name_zh, name_en, count, [measure evidence...]]...]}], runs):
      whole;
    - (COMPARED_SHOWN, KeptRegions.named: {region, themes: [[key, name_zh, name_en, count]...]};
      each theme's measures cut at COMPARED_SHOWN, named _THEME_PART + its key; then
      {region: b_region, pairs: [[a_id, b_id, b_region, score, shared_terms]...]} for each region
      the pairs lead to, named by it), runs): what a comparison's page shows, its measures sent
      as kept (never parsed), and the pairs as one part per region, so a comparison reads only
      its own regions'.
    Walked ``batch`` regions a statement, without a request's row cap (the ingest reads every
    region's rows)."""
    regions = sorted(set(regions))
    for start in range(0, len(regions), batch):
        chunk = regions[start:start + batch]
        themes = themes_of_rows(store.run("theme_adoption", {"regions": chunk, "limit": 1 << 40}))
        pairs: dict[str, dict[str, list[list[Any]]]] = defaultdict(lambda: defaultdict(list))
        for p in store.run("similar_pairs_from", {"regions": chunk}):
            pairs[p["region"]][p["b_region"]].append([p["a_id"], p["b_id"], p["b_region"], p["score"],
                                                      p["shared_terms"]])
        for region in chunk:
            held = [(t["key"], t["name_zh"], t["name_en"], list(t["regions"][region].values()))
                    for t in themes.values() if t["regions"].get(region)]
            runs = [("theme_adoption", {"regions": [region], "limit": FACT_ROW_CAP})]
            yield region, (0, [{"region": region, "themes": [[*t[:3], len(t[3]), t[3]] for t in held]}], runs)
            yield region, (COMPARED_SHOWN, KeptRegions.named(
                [(region, {"region": region, "themes": [[*t[:3], len(t[3])] for t in held]})]
                + [(_THEME_PART + t[0], t[3][:COMPARED_SHOWN]) for t in held]
                + [(b_region, {"region": b_region, "pairs": led}) for b_region, led in sorted(pairs[region].items())]), runs)


# the name of a theme's measures among the parts of a region's cut answer (kept_region_answers)
_THEME_PART = "theme:"

_VIA_RANK = {"measure": 0, "scope": 1, "replicated_to": 2, "replicated_from": 3}


def compare(trace: Trace, regions: list[str], pair_limit: int = 10, shown: int | None = None) -> dict[str, Any]:
    """The regions theme by theme (each theme's measures per region, cut at ``shown`` when
    given, and how many there are), the themes all of them or only one hold, and their most
    similar measure pairs."""
    kept = kept_regions(trace, regions, shown)  # read once, for the themes and the pairs
    if kept is None:
        themes = {key: {**t, "regions": {r: list(ms.values()) for r, ms in t["regions"].items()}}
                  for key, t in themes_of_rows(trace.run("theme_adoption", {"regions": regions,
                                                                            "limit": FACT_ROW_CAP})).items()}
        for theme in themes.values():
            theme["counts"] = {r: len(ms) for r, ms in theme["regions"].items()}
            if shown is not None:
                theme["regions"] = {r: ms[:shown] for r, ms in theme["regions"].items()}
    else:
        themes = _kept_themes(trace, regions, kept)
    per_theme, shared, unique = [], [], {r: [] for r in regions}
    for key in sorted(themes, key=lambda k: (-len(themes[k]["regions"]), k)):
        theme = themes[key]
        holders = [r for r in regions if theme["counts"].get(r)]
        per_theme.append({"theme": {k: theme[k] for k in ("key", "name_zh", "name_en")},
                          "regions": {r: theme["regions"].get(r, []) for r in regions},
                          "measure_counts": {r: theme["counts"].get(r, 0) for r in regions}})
        if len(holders) == len(regions):
            shared.append(key)
        elif len(holders) == 1:
            unique[holders[0]].append(key)
    # Each measure keeps its own top matches, so a pair can be stored in both directions.
    rows = _similar_pairs_between(trace, regions, pair_limit * 2, kept)
    pairs: dict[frozenset, dict[str, Any]] = {}
    for p in rows:
        pairs.setdefault(frozenset((p["a_id"], p["b_id"])), {
            **p, "score": round(float(p["score"]), 4), "shared_terms": list(p["shared_terms"] or [])})
    return {"regions": regions, "themes": per_theme, "shared_themes": shared, "unique_themes": unique,
            "similar_pairs": list(pairs.values())[:pair_limit]}


def gaps(trace: Trace, region: str, peers: list[str] | None, limit: int = 50) -> dict[str, Any]:
    """Themes that ``peers`` (every region when None) adopted and ``region`` did not, the most
    widely adopted first; each with its peers and their first measures as /api/adopters shows
    them (``per_region`` of them; ``measure_counts`` gives each peer's total).

    Read from each theme's adopters answer, the one read path of the adopters question: kept by
    the ingest when the text index is there, else computed. Every region's theme rows read at
    once were cut at FACT_ROW_CAP rows on a large graph: at 100k measures a region was said to
    lack 34 themes it had adopted, in a 21 MB answer, after 2.4 s."""
    from ingest.themes import load_taxonomy

    wanted = set(peers) if peers else None
    items = []
    # the taxonomy's themes, as resolve_topic knows them (theme_list's counts over every
    # measure took 330-450 ms at 100k measures)
    for theme in load_taxonomy().themes():
        # who adopted it, from the kept answer's region names (its body is read only for a gap)
        named = _adopting_regions(trace, "theme", theme.key, PER_REGION)
        if region in named or not (named & wanted if wanted else named):
            continue
        holders = _theme_holders(trace, theme.key, wanted)
        items.append({"theme": theme_dict(theme),
                      "peer_count": len(holders), "peers": [r["region"] for r in holders],
                      "measure_counts": {r["region"]: r["measure_count"] for r in holders},
                      # a row names its measure's own region: a replicated measure is another's
                      "evidence": [{"region": h["region"], **{k: m[k] for k in _GAP_EVIDENCE}}
                                   for h in holders for m in h["measures"]]})
    items.sort(key=lambda i: (-i["peer_count"], i["theme"]["key"]))
    return {"region": region, "peers": peers or "all", "per_region": PER_REGION, "gaps": items[:limit]}


_GAP_EVIDENCE = ("id", "title", "region", "document", "via", "evidence")


def _theme_holders(trace: Trace, key: str, wanted: set[str] | None) -> list[dict[str, Any]]:
    """The regions of a theme's adopters answer among ``wanted`` (every one when None), by name.
    Of a kept answer only their own JSON is parsed: parsing every adopting region's to keep
    three peers' was two thirds of a gaps question (10.5 ms at 10k measures)."""
    kept = trace.text_index.answer_parts("theme", key, PER_REGION) if trace.text_index is not None else None
    if kept is None:
        chosen = [r for r in _fact_regions(trace, "theme", key, PER_REGION) if wanted is None or r["region"] in wanted]
    else:
        regions, runs = kept
        trace.runs.extend(runs)
        chosen = orjson.loads(regions.body if wanted is None else
                              regions.chosen([i for i, name in enumerate(regions.names()) if name in wanted]))
    return sorted(chosen, key=lambda r: r["region"])
