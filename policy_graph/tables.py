"""Research answers as tables: one row per piece of evidence, with provenance columns.

Each answer of policy_graph/research.py (adopters, compare, gaps, paths, replications, timeline)
and the measure list flattens here into rows that share the provenance columns — ``document``,
``document_title``, ``measure_id``, ``evidence`` (the sentence), ``date`` and ``date_source``
(where the document's date was read: signature, doc_number_year, page_date, manifest) — then is
written as CSV (UTF-8 with a byte-order mark, so Excel reads the Chinese right) or JSON. The CLI's
``--csv`` and the API's ``?format=csv|json`` (api/downloads.py) use it.
"""
from __future__ import annotations

import csv
import io
import json
import re
from typing import Any, Callable

from policy_graph import research

PROVENANCE = ("measure_id", "title", "document", "document_title", "date", "date_source", "evidence")
FORMATS = ("csv", "json")

COLUMNS: dict[str, tuple[str, ...]] = {
    "adopters": ("query", "kind", "topic", "section", "region", "first_date", "measure_count", "via",
                 *PROVENANCE, "replication_evidence", "lead_agencies", "support_agencies"),
    "timeline": ("query", "topic", "region", "via", *PROVENANCE),
    "replications": ("from_region", "to_region", "scope", "kind", *PROVENANCE),
    "paths": ("path", "hops", "regions", "step", "from_region", "to_region", *PROVENANCE),
    "compare": ("section", "theme", "theme_name_zh", "status", "region", "via", *PROVENANCE,
                "other_region", "other_measure_id", "other_title", "score", "shared_terms"),
    "gaps": ("region", "theme", "theme_name_zh", "peer_count", "peer_region", "via", *PROVENANCE),
    "measures": ("region", "label", "section", "kind", *PROVENANCE, "level", "themes", "practices",
                 "lead_agencies", "support_agencies"),
}


def _topic(answer: dict[str, Any]) -> str | None:
    item = answer.get("practice") or answer.get("theme")
    return item["key"] if item else None


def _adopters(answer: dict[str, Any]) -> list[dict[str, Any]]:
    sections = [("adopter", answer["regions"])]
    if answer.get("related"):
        sections.append(("related", answer["related"]["regions"]))
    rows = []
    for section, regions in sections:
        for r in regions:
            for m in r["measures"]:
                agencies = m.get("agencies") or {}
                rows.append({"query": answer["query"], "kind": answer["kind"], "topic": _topic(answer),
                             "section": section, "region": r["region"], "first_date": r["first_date"],
                             "measure_count": r["measure_count"], "via": m["via"], "measure_id": m["id"],
                             "title": m["title"], "document": m["document"],
                             "document_title": m.get("document_title"), "evidence": m["evidence"],
                             "replication_evidence": m.get("replication_evidence"),
                             "lead_agencies": "、".join(a["printed"] for a in agencies.get("lead") or []),
                             "support_agencies": "、".join(a["printed"] for a in agencies.get("support") or [])})
    return rows


def _timeline(answer: dict[str, Any]) -> list[dict[str, Any]]:
    topic = answer["theme"]["key"] if answer.get("theme") else None
    # dated events first, then the undated ones the answer keeps apart (their date stays empty)
    return [{"query": answer["query"], "topic": topic, "region": e["region"], "via": e["via"],
             "measure_id": e["measure_id"], "title": e["title"], "document": e["document"],
             "evidence": e["evidence"]} for e in [*answer["events"], *answer.get("undated", [])]]


def _replications(answer: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """research.replications's list (the API sends it as {"items": …})."""
    return [{k: f.get(k) for k in ("from_region", "to_region", "scope", "kind", "measure_id", "title",
                                   "document", "evidence")} for f in answer]


def _paths(answer: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rows = []
    for n, p in enumerate(answer, 1):
        for i, s in enumerate(p["steps"], 1):
            rows.append({"path": n, "hops": p["hops"], "regions": " → ".join(p["regions"]), "step": i,
                         "from_region": s["from_region"], "to_region": s["to_region"],
                         "measure_id": s["measure_id"], "document": s["document"], "evidence": s["evidence"]})
    return rows


def _compare(answer: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for t in answer["themes"]:
        key = t["theme"]["key"]
        holders = [r for r in answer["regions"] if t["regions"].get(r)]
        status = "shared" if len(holders) == len(answer["regions"]) else "unique" if len(holders) == 1 else "some"
        for region in answer["regions"]:
            for m in t["regions"].get(region) or []:
                rows.append({"section": "theme", "theme": key, "theme_name_zh": t["theme"]["name_zh"],
                             "status": status, "region": region, "via": m["via"], "measure_id": m["id"],
                             "title": m["title"], "document": m["document"], "evidence": m["evidence"]})
    for p in answer["similar_pairs"]:
        rows.append({"section": "similar_pair", "region": p["a_region"], "measure_id": p["a_id"],
                     "title": p["a_title"], "other_region": p["b_region"], "other_measure_id": p["b_id"],
                     "other_title": p["b_title"], "score": p["score"], "shared_terms": "、".join(p["shared_terms"])})
    return rows


def _gaps(answer: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"region": answer["region"], "theme": g["theme"]["key"], "theme_name_zh": g["theme"]["name_zh"],
             "peer_count": g["peer_count"], "peer_region": e["region"], "via": e["via"], "measure_id": e["id"],
             "title": e["title"], "document": e["document"], "evidence": e["evidence"]}
            for g in answer["gaps"] for e in g["evidence"]]


def _measures(answer: dict[str, Any] | list[dict[str, Any]]) -> list[dict[str, Any]]:
    items = answer["items"] if isinstance(answer, dict) else answer
    # the browser's rows (policy_graph/browse.py) also carry level, themes, practices and agency ids
    return [{"region": m["region"], "label": m.get("label"), "section": m.get("section"), "kind": m.get("kind"),
             "measure_id": m["id"], "title": m["title"], "document": m["document"], "evidence": m.get("text"),
             "level": m.get("level"), **{k: "、".join(m[k]) for k in _LISTED if m.get(k) is not None}}
            for m in items]


_LISTED = ("themes", "practices", "lead_agencies", "support_agencies")


FLATTEN: dict[str, Callable[[Any], list[dict[str, Any]]]] = {
    "adopters": _adopters, "timeline": _timeline, "replications": _replications, "paths": _paths,
    "compare": _compare, "gaps": _gaps, "measures": _measures}


def rows(trace: research.Trace, kind: str, answer: Any) -> list[dict[str, Any]]:
    """The answer's rows, each with its document's title, date and date source (one lookup)."""
    if kind not in FLATTEN:
        raise ValueError(f"no table for {kind!r}; expected one of {', '.join(FLATTEN)}")
    out = FLATTEN[kind](answer)
    ids = sorted({r["document"] for r in out if r.get("document")})
    docs = {d["id"]: d for d in trace.run("documents_provenance", {"ids": ids})} if ids else {}
    for r in out:
        doc = docs.get(r.get("document")) or {}
        r.setdefault("document_title", None)
        r["document_title"] = r["document_title"] or doc.get("title")
        r["date"], r["date_source"] = doc.get("date"), doc.get("date_source")
    return [{c: r.get(c) for c in COLUMNS[kind]} for r in out]


def to_csv(kind: str, table: list[dict[str, Any]]) -> bytes:
    """CSV in UTF-8 with a byte-order mark; an empty cell is a missing value."""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=COLUMNS[kind], lineterminator="\r\n")
    writer.writeheader()
    for r in table:
        writer.writerow({k: ("" if v is None else v) for k, v in r.items()})
    return buf.getvalue().encode("utf-8-sig")


def to_json(kind: str, table: list[dict[str, Any]]) -> bytes:
    return json.dumps({"columns": list(COLUMNS[kind]), "rows": table}, ensure_ascii=False).encode("utf-8")


def render(kind: str, table: list[dict[str, Any]], fmt: str) -> bytes:
    if fmt not in FORMATS:
        raise ValueError(f"expected format csv or json, got {fmt!r}")
    return to_csv(kind, table) if fmt == "csv" else to_json(kind, table)


def filename(kind: str, fmt: str, *parts: str | None) -> str:
    """adopters-知识产权质押融资.csv: the answer and its question, safe as a file name."""
    words = [re.sub(r"[^\w\u4e00-\u9fff-]+", "_", p).strip("_") for p in parts if p]
    return "-".join([kind, *[w for w in words if w]])[:120] + f".{fmt}"


def content_disposition(name: str) -> str:
    """A header value that keeps a Chinese file name (RFC 6266 filename*), with an ASCII fallback."""
    from urllib.parse import quote

    stem, _, ext = name.rpartition(".")
    ascii_name = f"{stem.encode('ascii', 'ignore').decode().strip('-_') or 'answer'}.{ext}"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"
