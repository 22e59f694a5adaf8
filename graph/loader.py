"""Batched, idempotent loading of plain ingest records into any GraphStore.

A document is loaded inside one write transaction: after a crash it is wholly
present or wholly absent. Re-loading a document first clears the facts its
measures state (led-by, themes, replications) so that re-ingesting leaves every
count unchanged and never keeps a stale fact.
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from graph.store import GraphStore
from ingest.records import DocumentRecord


@dataclass
class LoadSummary:
    documents: int = 0
    measures: int = 0
    agencies: int = 0
    relations: int = 0
    regions: int = 0
    document_ids: list[str] = field(default_factory=list)


def agency_id(region: str, name: str) -> str:
    return f"{region}|{name}"


def load_reference(store: GraphStore, regions: Sequence[dict[str, Any]],
                   themes: Sequence[dict[str, Any]]) -> int:
    """Regions (with their hierarchy) and themes: the vocabulary the facts point at."""
    store.upsert_nodes("Region", [_region_row(r) for r in regions])
    parents = [{"src": r["name"], "dst": r["parent"]} for r in regions if r.get("parent")]
    store.upsert_rels("PART_OF", "Region", "Region", parents)
    store.upsert_nodes("Theme", [{"key": t["key"], "name_zh": t["name_zh"], "name_en": t["name_en"],
                                  "synonyms": list(t.get("synonyms") or [])} for t in themes])
    return len(regions)


def _region_row(r: dict[str, Any]) -> dict[str, Any]:
    return {"name": r["name"], "full_name": r.get("full_name") or r["name"],
            "name_en": r.get("name_en") or "", "level": r.get("level") or "region",
            "parent": r.get("parent"), "aliases": list(r.get("aliases") or [])}


def load_documents(store: GraphStore, documents: Iterable[DocumentRecord],
                   known_regions: set[str] | None = None) -> LoadSummary:
    summary = LoadSummary()
    known = set(known_regions or ())
    for doc in documents:
        with store.write_transaction():
            _clear_document_facts(store, doc.id)
            counts = _load_one(store, doc, known)
        summary.documents += 1
        summary.measures += counts["measures"]
        summary.agencies += counts["agencies"]
        summary.relations += counts["relations"]
        summary.document_ids.append(doc.id)
    return summary


def _clear_document_facts(store: GraphStore, document_id: str) -> None:
    for name in ("clear_document_measure_facts", "clear_document_flows"):
        store.execute_write(name, {"document_id": document_id})


def _load_one(store: GraphStore, doc: DocumentRecord, known: set[str]) -> dict[str, int]:
    regions = {doc.region}
    for m in doc.measures:
        regions.add(m.region)
        regions.update(m.regions_mentioned)
        for rep in m.replications:
            regions.update((rep.from_region, rep.to_region))
    missing = sorted(r for r in regions if r and r not in known)
    if missing:  # regions the gazetteer does not know still become nodes
        store.upsert_nodes("Region", [_region_row({"name": r}) for r in missing])
        known.update(missing)

    store.upsert_nodes("Document", [{
        "id": doc.id, "title": doc.title, "region": doc.region, "issuer": doc.issuer,
        "date": doc.date, "script": doc.script, "doc_number": doc.doc_number, "path": doc.path,
        "sha256": doc.sha256, "text_original": doc.text_original,
        "text_simplified": doc.text_simplified,
        "measure_count": sum(1 for m in doc.measures if m.kind == "measure"),
    }])
    store.upsert_rels("ISSUED_FOR", "Document", "Region", [{"src": doc.id, "dst": doc.region}])

    measures, agencies = [], {}
    in_doc, in_region, led_by, mentions, themes, replicated, flows = [], [], [], [], [], [], []
    for m in doc.measures:
        measures.append({
            "id": m.id, "document_id": doc.id, "region": m.region, "kind": m.kind,
            "ordinal": m.ordinal, "section": m.section, "label": m.label, "title": m.title,
            "text": m.text, "text_original": m.text_original, "span_start": m.start,
            "span_end": m.end, "deadline": m.deadline, "deadline_raw": m.deadline_raw,
            "fields_json": json.dumps(m.fields, ensure_ascii=False) if m.fields else None,
            "doc_date": doc.date,
        })
        in_doc.append({"src": m.id, "dst": doc.id})
        in_region.append({"src": m.id, "dst": m.region})
        for position, a in enumerate(m.agencies):
            aid = agency_id(a.region, a.name)
            entry = agencies.setdefault(aid, {"id": aid, "name": a.name, "region": a.region,
                                              "aliases": set()})
            if a.printed and a.printed != a.name:
                entry["aliases"].add(a.printed)
            row = {"src": m.id, "dst": aid, "printed": a.printed, "evidence": a.evidence}
            if a.role == "mention":
                mentions.append(row)
            else:
                led_by.append({**row, "role": a.role, "position": position})
        for t in m.themes:
            themes.append({"src": m.id, "dst": t.key, "terms": list(t.terms), "evidence": t.evidence})
        for rep in m.replications:
            replicated.append({"src": m.id, "dst": rep.to_region, "from_region": rep.from_region,
                               "scope": rep.scope, "kind": rep.kind, "evidence": rep.evidence,
                               "document": doc.id, "themes": list(rep.themes)})
            if not rep.from_region:  # origin unstated: no region-to-region step to walk
                continue
            flows.append({"src": rep.from_region, "dst": rep.to_region, "measure_id": m.id,
                          "scope": rep.scope, "kind": rep.kind, "evidence": rep.evidence,
                          "document": doc.id, "themes": list(rep.themes)})

    store.upsert_nodes("Measure", measures)
    store.upsert_nodes("Agency", [{**a, "aliases": sorted(a["aliases"])} for a in agencies.values()])
    rels = 1
    # IN_DOCUMENT is merged; every other relation below was deleted for this document by
    # _clear_document_facts in the same transaction, so it is created fresh.
    for rel_type, src, dst, rows in (
            ("IN_DOCUMENT", "Measure", "Document", in_doc),
            ("IN_REGION", "Measure", "Region", in_region),
            ("LED_BY", "Measure", "Agency", led_by),
            ("MENTIONS", "Measure", "Agency", mentions),
            ("HAS_THEME", "Measure", "Theme", themes),
            ("REPLICATED_TO", "Measure", "Region", replicated),
            ("PRACTICE_FLOW", "Region", "Region", flows)):
        if rows:
            rels += store.upsert_rels(rel_type, src, dst, rows, fresh=rel_type != "IN_DOCUMENT")
    return {"measures": sum(1 for m in doc.measures if m.kind == "measure"),
            "agencies": len(agencies), "relations": rels}


def load_similarity(store: GraphStore, edges: Sequence[Any], replace_sources: Iterable[str]) -> int:
    """Replace the similar-to edges of ``replace_sources`` with ``edges``."""
    sources = sorted(set(replace_sources))
    if sources:
        store.execute_write("clear_similar_from", {"ids": sources})
    rows = [{"src": e.src, "dst": e.dst, "score": float(e.score), "method": e.method,
             "shared_terms": list(e.shared_terms)} for e in edges]
    if rows:
        cleared = set(sources)
        store.upsert_rels("SIMILAR_TO", "Measure", "Measure", rows,
                          fresh=all(r["src"] in cleared for r in rows))
    return len(rows)
