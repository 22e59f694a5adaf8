"""Diffusion data and measures, built from the research answers (never a second query path).

* adoption rows: one per (practice or theme, region), from ``research.adopters`` — the region's
  first adoption (date, how, measure, document, sentence) with the region's level and parent;
* cascades: the R NetworkInference package's long input (node, time, cascade) for dated adoptions;
* dyads: directed region pair x year rows for event-history models, with the replication facts of
  ``research.replications`` that carry the practice;
* innovativeness scores and how each practice spread (top-down / bottom-up / sideways).

The formulas are stated in the README ("Diffusion data"); the tests recompute one by hand.
"""
from __future__ import annotations

import csv
import io
import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

from ingest.regions import load_gazetteer
from ingest.themes import load_taxonomy
from policy_graph import limits, research

# How a region came to hold a practice, in the words of the export (research.adopters' ``via``).
ADOPTED_HOW = {"measure": "own_measure", "scope": "own_measure_scoped", "replicated_to": "replicated_to",
               "replicated_from": "pilot"}
# Document levels, coarse to fine (Gazetteer.level_of): a smaller number is a higher level.
LEVEL_ORDER = {"national": 0, "province": 1, "prefecture": 2, "county": 3, "zone": 4}
EXPORT_FORMATS = ("adoptions", "cascades", "dyads")
# Dyad rows grow with regions^2 x years x topics: an export larger than this stops with a clear
# error instead of filling the disk (narrow it with --topic).
DYAD_ROW_CAP = 5_000_000
_DATE = re.compile(r"^(\d{4})(?:-(\d{2}))?(?:-(\d{2}))?")

ADOPTION_COLUMNS = ("level", "topic", "topic_name_zh", "theme", "region", "region_level", "region_parent",
                    "province", "first_date", "date_source", "adopted_how", "via", "measure_id", "document_id",
                    "evidence", "replication_evidence", "measure_count")
CASCADE_COLUMNS = ("node", "time", "cascade")
DYAD_COLUMNS = ("cascade", "year", "source", "target", "source_adopted", "target_adopted",
                "replication_stated", "same_province", "same_level", "source_level", "target_level")


def topics(keys: Iterable[str] | None = None) -> list[tuple[str, str, str, str]]:
    """(level, key, name_zh, theme key) of every theme and practice, or of the ones named."""
    taxonomy = load_taxonomy()
    if keys:
        out = []
        for q in keys:
            topic = taxonomy.resolve(q)
            if topic is None:
                raise ValueError(f"no theme or practice called {q!r}")
            item = topic.practice or topic.theme
            out.append((topic.kind, item.key, item.name_zh, topic.theme.key))
        return list(dict.fromkeys(out))
    out = []
    for theme in taxonomy.themes():
        out.append(("theme", theme.key, theme.name_zh, theme.key))
        out.extend(("practice", p.key, p.name_zh, theme.key) for p in theme.practices)
    return out


def cascade_id(level: str, key: str) -> str:
    return f"{level}:{key}"


def decimal_year(date: str | None) -> float | None:
    """2021-07-02 -> 2021.5; a year alone (a date read from a document number) -> the year's start,
    a year and month -> the month's first day."""
    m = _DATE.match(date or "")
    if not m:
        return None
    year, month, day = int(m.group(1)), int(m.group(2) or 1), int(m.group(3) or 1)
    try:
        when = dt.date(year, month, day)
    except ValueError:
        return float(year)
    days = (dt.date(year + 1, 1, 1) - dt.date(year, 1, 1)).days
    return round(year + (when.timetuple().tm_yday - 1) / days, 4)


def year_of(date: str | None) -> int | None:
    m = _DATE.match(date or "")
    return int(m.group(1)) if m else None


class _Places:
    """Level, parent and province of a region name (the gazetteer), remembered."""

    def __init__(self) -> None:
        self.gazetteer = load_gazetteer()
        self._seen: dict[str, tuple[str, str | None, str | None]] = {}

    def __call__(self, name: str) -> tuple[str, str | None, str | None]:
        if name not in self._seen:
            g = self.gazetteer
            region = g.describe(name) if name else None
            chain = [name, *g.chain(name)] if region else []
            province = next((n for n in chain if (g.describe(n) and g.describe(n).level == "province")), None)
            self._seen[name] = (g.level_of(name), region.parent if region else None, province)
        return self._seen[name]


@dataclass
class Diffusion:
    """The adoption rows of some topics and the replication facts that carry them."""

    rows: list[dict[str, Any]]
    facts: dict[str, list[dict[str, Any]]]  # cascade id -> replication facts carrying the topic
    places: _Places
    truncated: list[str]  # topics whose adopters filled the research answer's page


def collect(trace: research.Trace, keys: Iterable[str] | None = None) -> Diffusion:
    """Adoption rows of every theme and practice (or those named), one per (topic, region)."""
    places = _Places()
    documents: dict[str, dict[str, Any]] = {}
    all_facts = research.replications(trace, None, None, None, research.FACT_ROW_CAP)
    facts_of_measure: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for f in all_facts:
        facts_of_measure[f["measure_id"]].append(f)
    rows, facts, truncated = [], {}, []
    for level, key, name_zh, theme in topics(keys):
        answer = research.adopters(trace, key, limit=limits.REGIONS_MAX, per_region=limits.PER_REGION_MAX)
        if answer["region_count"] > len(answer["regions"]):
            truncated.append(key)
        # (measure id, via, region) of the replications the answer counts for this topic
        moved: set[tuple[str, str, str]] = set()
        for region in answer["regions"]:
            moved.update((m["id"], m["via"], region["region"]) for m in region["measures"]
                         if m["via"] in research.REPLICATION_VIAS)
            first = _first_measure(region)
            doc = _document(trace, documents, first["document"]) if first else {}
            region_level, parent, province = places(region["region"])
            rows.append({
                "level": level, "topic": key, "topic_name_zh": name_zh, "theme": theme,
                "region": region["region"], "region_level": region_level, "region_parent": parent,
                "province": province, "first_date": region["first_date"],
                "date_source": doc.get("date_source") if region["first_date"] else None,
                "adopted_how": ADOPTED_HOW.get(first["via"], first["via"]) if first else None,
                "via": first["via"] if first else None, "measure_id": first["id"] if first else None,
                "document_id": first["document"] if first else None,
                "evidence": first["evidence"] if first else None,
                "replication_evidence": first.get("replication_evidence") if first else None,
                "measure_count": region["measure_count"]})
        facts[cascade_id(level, key)] = [
            {**f, "date": _document(trace, documents, f["document"]).get("date"),
             "issuer_region": _document(trace, documents, f["document"]).get("region")}
            for f in _topic_facts(moved, facts_of_measure)]
    return Diffusion(rows, facts, places, truncated)


def _topic_facts(moved: set[tuple[str, str, str]], facts_of_measure: dict[str, list[dict[str, Any]]]):
    """The replication facts behind a topic's replicated_to / replicated_from adoptions."""
    out = {}
    for mid, via, region in sorted(moved):
        for f in facts_of_measure.get(mid, ()):
            if f["to_region" if via == "replicated_to" else "from_region"] == region:
                out[(f["measure_id"], f["from_region"], f["to_region"])] = f
    return list(out.values())


def _first_measure(region: dict[str, Any]) -> dict[str, Any] | None:
    """The shown measure dated on the region's first date (own measures before replications on the
    same day, as the answer orders them)."""
    measures = region["measures"]
    for m in measures:
        if region["first_date"] and m["date"] == region["first_date"]:
            return m
    return measures[0] if measures else None


def _document(trace: research.Trace, cache: dict[str, dict[str, Any]], doc_id: str | None) -> dict[str, Any]:
    """The document's date, where the date came from, and its region (the document question's query)."""
    if not doc_id:
        return {}
    if doc_id not in cache:
        found = trace.run("document_get", {"id": doc_id})
        cache[doc_id] = found[0] if found else {}
    return cache[doc_id]


# -- cascades and dyads -----------------------------------------------------------------------
def cascades(d: Diffusion) -> list[dict[str, Any]]:
    """node, time (decimal year), cascade: the dated adoptions, in cascade and time order."""
    out = [{"node": r["region"], "time": decimal_year(r["first_date"]), "cascade": cascade_id(r["level"], r["topic"])}
           for r in d.rows if decimal_year(r["first_date"]) is not None]
    return sorted(out, key=lambda r: (r["cascade"], r["time"], r["node"]))


def dyads(d: Diffusion) -> Iterable[dict[str, Any]]:
    """Directed (source, target) pairs of the regions that adopted the topic or, for a practice,
    its theme (the regions active in that policy area), for every year from the topic's first dated
    adoption to the last year any adoption in the export is dated."""
    by_topic: dict[str, dict[str, int | None]] = defaultdict(dict)
    theme_regions: dict[str, set[str]] = defaultdict(set)
    theme_of: dict[str, str] = {}
    for r in d.rows:
        by_topic[cascade_id(r["level"], r["topic"])][r["region"]] = year_of(r["first_date"])
        theme_regions[r["theme"]].add(r["region"])
        theme_of[cascade_id(r["level"], r["topic"])] = r["theme"]
    years = [y for adopted in by_topic.values() for y in adopted.values() if y is not None]
    if not years:
        return iter(())
    last = max(years)
    plan = []  # (cascade, first year, universe), sized before a row is written
    for cascade in sorted(by_topic):
        adopted = by_topic[cascade]
        dated = [y for y in adopted.values() if y is not None]
        if dated:
            plan.append((cascade, min(dated), sorted(set(adopted) | theme_regions[theme_of[cascade]])))
    total = sum(len(u) * (len(u) - 1) * (last - first + 1) for _, first, u in plan)
    if total > DYAD_ROW_CAP:
        raise ValueError(f"the dyads would be {total} rows, more than {DYAD_ROW_CAP}; name fewer topics (--topic)")
    return _dyad_rows(d, plan, by_topic, last)


def _dyad_rows(d: Diffusion, plan, by_topic, last: int) -> Iterable[dict[str, Any]]:
    for cascade, first, universe in plan:
        adopted = by_topic[cascade]
        stated = _stated_years(d.facts.get(cascade, ()))
        for year in range(first, last + 1):
            for source in universe:
                s_level, _, s_prov = d.places(source)
                s_year = adopted.get(source)
                for target in universe:
                    if target == source:
                        continue
                    t_level, _, t_prov = d.places(target)
                    t_year = adopted.get(target)
                    said = stated.get((source, target))
                    yield {"cascade": cascade, "year": year, "source": source, "target": target,
                           "source_adopted": int(s_year is not None and s_year <= year),
                           "target_adopted": int(t_year is not None and t_year <= year),
                           "replication_stated": int(said is not None and said <= year),
                           "same_province": int(s_prov is not None and s_prov == t_prov),
                           "same_level": int(s_level == t_level), "source_level": s_level, "target_level": t_level}


def _stated_years(facts: Iterable[dict[str, Any]]) -> dict[tuple[str, str], int]:
    """(from region, to region) -> the first year a document states the replication (an undated
    document counts from year 0: it is stated, when is unknown)."""
    out: dict[tuple[str, str], int] = {}
    for f in facts:
        if not f["from_region"]:
            continue
        year = year_of(f.get("date")) or 0
        pair = (f["from_region"], f["to_region"])
        out[pair] = min(out.get(pair, year), year)
    return out


# -- measures -----------------------------------------------------------------------------------
def topic_scores(rows: list[dict[str, Any]]) -> dict[str, float]:
    """region -> its score for one topic: with n adopters and rank k (1 + the number of adopters
    dated strictly earlier; an undated adopter ranks after every dated one), (n - k + 1) / n."""
    n = len(rows)
    dated = sorted(r["first_date"] for r in rows if r["first_date"])
    scores = {}
    for r in rows:
        earlier = sum(1 for x in dated if x < r["first_date"]) if r["first_date"] else len(dated)
        scores[r["region"]] = (n - (earlier + 1) + 1) / n
    return scores


def innovativeness(d: Diffusion) -> list[dict[str, Any]]:
    """Each region's mean topic score over the topics of ``d`` (a non-adopter scores 0), highest first."""
    by_topic: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in d.rows:
        by_topic[cascade_id(r["level"], r["topic"])].append(r)
    if not by_topic:
        return []
    totals: dict[str, float] = defaultdict(float)
    adopted: dict[str, int] = defaultdict(int)
    for rows in by_topic.values():
        for region, score in topic_scores(rows).items():
            totals[region] += score
            adopted[region] += 1
    n = len(by_topic)
    ranked = [{"region": region, "score": round(total / n, 4), "topics_adopted": adopted[region], "topics": n}
              for region, total in totals.items()]
    return sorted(ranked, key=lambda r: (-r["score"], r["region"]))


def spread(d: Diffusion, cascade: str) -> dict[str, Any]:
    """How a topic spread, with the fact or adoption that shows it:
    bottom-up  a replication fact in a higher-level document names a lower-level pilot;
    top-down   else, the earliest adopter is at a higher level than a later adopter inside it;
    sideways   else, with two or more dated adopters; undetermined otherwise."""
    rows = [r for r in d.rows if cascade_id(r["level"], r["topic"]) == cascade]
    for f in d.facts.get(cascade, ()):
        pilot, issuer = LEVEL_ORDER.get(d.places(f["from_region"])[0]), LEVEL_ORDER.get(d.places(f["issuer_region"] or "")[0])
        if f["from_region"] and pilot is not None and issuer is not None and issuer < pilot:
            return {"cascade": cascade, "spread": "bottom-up", "measure_id": f["measure_id"],
                    "document_id": f["document"], "evidence": f["evidence"],
                    "reason": f"{f['issuer_region']} replicated the pilot of {f['from_region']}"}
    dated = sorted((r for r in rows if r["first_date"]), key=lambda r: (r["first_date"], LEVEL_ORDER.get(r["region_level"], 9)))
    if len(dated) < 2:
        return {"cascade": cascade, "spread": "undetermined", "measure_id": None, "document_id": None,
                "evidence": None, "reason": "fewer than two dated adopters"}
    first = dated[0]
    top = LEVEL_ORDER.get(first["region_level"])
    gaz = d.places.gazetteer
    for later in dated[1:]:
        low = LEVEL_ORDER.get(later["region_level"])
        inside = first["region_level"] == "national" or first["region"] in gaz.chain(later["region"])
        if top is not None and low is not None and top < low and inside and later["first_date"] > first["first_date"]:
            return {"cascade": cascade, "spread": "top-down", "measure_id": first["measure_id"],
                    "document_id": first["document_id"], "evidence": first["evidence"],
                    "reason": f"{first['region']} ({first['region_level']}) adopted on {first['first_date']}, "
                              f"before {later['region']} ({later['region_level']})"}
    return {"cascade": cascade, "spread": "sideways", "measure_id": first["measure_id"],
            "document_id": first["document_id"], "evidence": first["evidence"],
            "reason": f"first adopter {first['region']} ({first['region_level']}) did not order it downward "
                      "and no pilot was replicated upward"}


def curve(d: Diffusion, cascade: str) -> list[dict[str, Any]]:
    """The adoption curve: one point per dated adoption, in date order, with the adopters so far."""
    dated = sorted((r for r in d.rows if cascade_id(r["level"], r["topic"]) == cascade and r["first_date"]),
                   key=lambda r: (r["first_date"], r["region"]))
    return [{"date": r["first_date"], "time": decimal_year(r["first_date"]), "region": r["region"],
             "adopters": i} for i, r in enumerate(dated, 1)]


def curve_svg(points: list[dict[str, Any]], title: str, width: int = 640, height: int = 320) -> str:
    """The cumulative adopters as a step line, an SVG with no outside resource (text is escaped)."""
    from xml.sax.saxutils import escape

    pad = 40
    if not points:
        return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}">'
                f'<text x="{pad}" y="{pad}">{escape(title)}: no dated adoption</text></svg>')
    t0, t1 = points[0]["time"], points[-1]["time"]
    span, top = (t1 - t0) or 1.0, points[-1]["adopters"]

    def x(t: float) -> float:
        return round(pad + (t - t0) / span * (width - 2 * pad), 1)

    def y(n: int) -> float:
        return round(height - pad - n / top * (height - 2 * pad), 1)

    path, dots = [f"M{x(t0)},{y(0)}"], []
    for p in points:
        path.append(f"H{x(p['time'])}V{y(p['adopters'])}")
        dots.append(f'<circle cx="{x(p["time"])}" cy="{y(p["adopters"])}" r="3"><title>'
                    f'{escape(p["date"])} {escape(p["region"])}: {p["adopters"]}</title></circle>')
    axis = (f'<line x1="{pad}" y1="{height - pad}" x2="{width - pad}" y2="{height - pad}" stroke="#999"/>'
            f'<line x1="{pad}" y1="{pad}" x2="{pad}" y2="{height - pad}" stroke="#999"/>'
            f'<text x="{pad}" y="{height - pad + 16}" font-size="11">{escape(points[0]["date"])}</text>'
            f'<text x="{width - pad}" y="{height - pad + 16}" font-size="11" text-anchor="end">'
            f'{escape(points[-1]["date"])}</text>'
            f'<text x="{pad - 6}" y="{y(top) + 4}" font-size="11" text-anchor="end">{top}</text>')
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img">'
            f'<title>{escape(title)}</title><text x="{pad}" y="{pad - 14}" font-size="13">{escape(title)}</text>'
            f'{axis}<path d="{"".join(path)}" fill="none" stroke="#2b6cb0" stroke-width="2"/>{"".join(dots)}</svg>')


# -- files --------------------------------------------------------------------------------------
def _write_rows(fh, columns: tuple[str, ...], rows: Iterable[dict[str, Any]]) -> int:
    writer = csv.DictWriter(fh, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    n = 0
    for row in rows:
        writer.writerow({k: ("" if v is None else v) for k, v in row.items()})
        n += 1
    return n


def write_csv(path: Path, columns: tuple[str, ...], rows: Iterable[dict[str, Any]]) -> int:
    """UTF-8 with a byte-order mark (Excel reads the Chinese right); returns the rows written."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8-sig", newline="") as fh:
        return _write_rows(fh, columns, rows)


def table(d: Diffusion, fmt: str) -> tuple[tuple[str, ...], Iterable[dict[str, Any]]]:
    """The columns and rows of one export table."""
    if fmt == "adoptions":
        return ADOPTION_COLUMNS, d.rows
    if fmt == "cascades":
        return CASCADE_COLUMNS, cascades(d)
    if fmt == "dyads":
        return DYAD_COLUMNS, dyads(d)
    raise ValueError(f"expected one of {', '.join(EXPORT_FORMATS)}")


def csv_bytes(d: Diffusion, fmt: str) -> bytes:
    """One export table as the file ``export`` writes (the API's download of it)."""
    columns, rows = table(d, fmt)
    buffer = io.StringIO()
    buffer.write("\ufeff")
    _write_rows(buffer, columns, rows)
    return buffer.getvalue().encode("utf-8")


def export(trace: research.Trace, fmt: str, out: Path, keys: Iterable[str] | None = None) -> tuple[int, list[str]]:
    """Write adoptions, cascades or dyads to ``out`` (CSV); returns the rows written and the topics
    whose adopters passed one answer's page (limits.REGIONS_MAX regions: the rest are left out)."""
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"expected one of {', '.join(EXPORT_FORMATS)}")
    d = collect(trace, keys)
    return write_csv(out, *table(d, fmt)), d.truncated
