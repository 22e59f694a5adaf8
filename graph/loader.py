"""Batched, idempotent loading of plain ingest records into any GraphStore.

A document is loaded inside one write transaction: after a crash it is wholly
present or wholly absent. Re-loading a document first clears the facts its
measures state (led-by, themes, replications) so that re-ingesting leaves every
count unchanged and never keeps a stale fact.
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from graph.store import GraphStore
from ingest.records import DocumentRecord
from policy_graph.pause_points import pause


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
    """Regions (with their hierarchy), themes and their practices: the vocabulary the facts point at."""
    store.upsert_nodes("Region", [_region_row(r) for r in regions])
    parents = [{"src": r["name"], "dst": r["parent"]} for r in regions if r.get("parent")]
    store.upsert_rels("PART_OF", "Region", "Region", parents)
    store.upsert_nodes("Theme", [{"key": t["key"], "name_zh": t["name_zh"], "name_en": t["name_en"],
                                  "synonyms": list(t.get("synonyms") or [])} for t in themes])
    practices = [{"key": p["key"], "name_zh": p["name_zh"], "name_en": p["name_en"], "theme": t["key"],
                  "aliases": list(p.get("aliases") or [])} for t in themes for p in t.get("practices") or ()]
    if practices:
        store.upsert_nodes("Practice", practices)
        store.upsert_rels("BELONGS_TO", "Practice", "Theme",
                          [{"src": p["key"], "dst": p["theme"]} for p in practices])
    return len(regions)


def _region_row(r: dict[str, Any]) -> dict[str, Any]:
    return {"name": r["name"], "full_name": r.get("full_name") or r["name"],
            "name_en": r.get("name_en") or "", "level": r.get("level") or "region",
            "parent": r.get("parent"), "aliases": list(r.get("aliases") or []),
            "kind": r.get("kind") or r.get("level") or "region", "parents": list(r.get("parents") or [])}


def region_reference_row(gazetteer, name: str) -> dict[str, Any]:
    """A Region node's row: document-level vocabulary in ``level``, the finer one in ``kind``, the
    chain up to the province in ``parents``. A name the gazetteer cannot describe (not a region it
    lists nor a zone named the genre's way) is still a node, of unknown level."""
    r = gazetteer.describe(name)
    if r is None:
        return _region_row({"name": name})
    return _region_row({"name": r.name, "full_name": r.full_name, "name_en": r.name_en,
                        "level": gazetteer.level_of(r.name), "kind": r.level, "parent": r.parent,
                        "aliases": list(r.aliases), "parents": gazetteer.chain(r.name)})


# A transaction carries whole documents up to about this many measures: per-statement and
# per-commit costs dominate a document-at-a-time load (BENCHMARKS.md).
GROUP_MEASURES = 5000


def load_documents(store: GraphStore, documents: Iterable[DocumentRecord],
                   known_regions: set[str] | None = None) -> LoadSummary:
    """Load documents in transactions of whole documents.

    A document is never split across transactions, so after a crash each one is wholly present
    or wholly absent. Documents not yet in the graph are bulk-inserted; one already there has
    the facts its measures state cleared first and is merged again.
    """
    summary = LoadSummary()
    known = set(known_regions or ())
    for group in _groups(list(documents)):
        present = {r["id"] for r in store.run("documents_present", {"ids": [d.id for d in group]})}
        with store.write_transaction():
            _clear_document_facts(store, [d.id for d in group if d.id in present])
            counts = _load_group(store, group, present, known)
            pause("write")  # a test's hold (policy_graph/pause_points.py): inert otherwise
        summary.documents += len(group)
        summary.measures += counts["measures"]
        summary.agencies += counts["agencies"]
        summary.relations += counts["relations"]
        summary.document_ids.extend(d.id for d in group)
    return summary


def _groups(documents: list[DocumentRecord]) -> Iterator[list[DocumentRecord]]:
    group: list[DocumentRecord] = []
    size = 0
    seen: set[str] = set()
    for doc in documents:
        # The same document twice in one run: the later copy goes in a transaction of its own,
        # after the first is in the graph, so it is merged rather than inserted twice.
        if group and (size + len(doc.measures) > GROUP_MEASURES or doc.id in seen):
            yield group
            group, size, seen = [], 0, set()
        group.append(doc)
        seen.add(doc.id)
        size += len(doc.measures)
    if group:
        yield group


def _clear_document_facts(store: GraphStore, document_ids: list[str]) -> None:
    if document_ids:
        for name in ("clear_documents_measure_facts", "clear_documents_flows"):
            store.execute_write(name, {"ids": document_ids})


def _load_group(store: GraphStore, docs: list[DocumentRecord], present: set[str],
                known: set[str]) -> dict[str, int]:
    regions: set[str] = set()
    for doc in docs:
        regions.add(doc.region)
        for m in doc.measures:
            regions.add(m.region)
            regions.update(m.scope)
            regions.update(m.regions_mentioned)
            for rep in m.replications:
                regions.update((rep.from_region, rep.to_region))
    missing = sorted(r for r in regions if r and r not in known)
    if missing:  # zones named the genre's way, or names the gazetteer does not know, still become nodes
        from ingest.regions import load_gazetteer

        gazetteer = load_gazetteer()
        chains = [p for r in missing for p in gazetteer.chain(r) if p not in known]  # a synthetic FTZ
        new_rows = [region_reference_row(gazetteer, r) for r in dict.fromkeys([*missing, *chains])]
        store.upsert_nodes("Region", new_rows)
        store.upsert_rels("PART_OF", "Region", "Region",
                          [{"src": r["name"], "dst": r["parent"]} for r in new_rows if r.get("parent")])
        known.update(missing)

    rows: dict[str, list[dict[str, Any]]] = {}
    agencies: dict[str, dict[str, Any]] = {}
    measure_count = 0
    for doc in docs:
        tag = "old" if doc.id in present else "new"
        measure_count += _document_rows(doc, rows, tag, agencies)

    for tag in ("new", "old"):  # new ones cannot exist yet: bulk insert; old ones are merged
        store.upsert_nodes("Document", rows.get(f"Document/{tag}", []), fresh=tag == "new")
        store.upsert_nodes("Measure", rows.get(f"Measure/{tag}", []), fresh=tag == "new")
    store.upsert_nodes("Agency", [{**a, "aliases": sorted(a["aliases"])} for a in agencies.values()])
    rels = 0
    for rel_type, src, dst in _RELS:
        for tag in ("new", "old"):
            batch = rows.get(f"{rel_type}/{tag}")
            if batch:
                # Relations of a new document are new; an old document's were deleted by
                # _clear_document_facts in this transaction, except the structural ones
                # (IN_DOCUMENT, ISSUED_FOR), which are merged.
                fresh = tag == "new" or rel_type not in _MERGED_WHEN_OLD
                rels += store.upsert_rels(rel_type, src, dst, batch, fresh=fresh)
    return {"measures": measure_count, "agencies": len(agencies), "relations": rels}


_RELS = (("ISSUED_FOR", "Document", "Region"), ("IN_DOCUMENT", "Measure", "Document"),
         ("IN_REGION", "Measure", "Region"), ("LED_BY", "Measure", "Agency"),
         ("MENTIONS", "Measure", "Agency"), ("HAS_THEME", "Measure", "Theme"),
         ("HAS_PRACTICE", "Measure", "Practice"),
         ("REPLICATED_TO", "Measure", "Region"), ("PRACTICE_FLOW", "Region", "Region"))
_MERGED_WHEN_OLD = {"ISSUED_FOR", "IN_DOCUMENT"}


def _document_rows(doc: DocumentRecord, rows: dict[str, list[dict[str, Any]]], tag: str,
                   agencies: dict[str, dict[str, Any]]) -> int:
    def add(kind: str, row: dict[str, Any]) -> None:
        if "src" in row and not (row["src"] and row["dst"]):
            return  # no endpoint to attach to (an unnamed region): nothing to state
        rows.setdefault(f"{kind}/{tag}", []).append(row)

    add("Document", {
        "id": doc.id, "title": doc.title, "region": doc.region, "issuer": doc.issuer,
        "date": doc.date, "script": doc.script, "doc_number": doc.doc_number, "path": doc.path,
        "sha256": doc.sha256, "text_original": doc.text_original,
        "text_simplified": doc.text_simplified,
        "measure_count": sum(1 for m in doc.measures if m.kind == "measure"),
        "level": doc.level or None, "date_source": doc.date_source,
        "provenance_json": json.dumps(doc.provenance, ensure_ascii=False) if doc.provenance else None,
    })
    add("ISSUED_FOR", {"src": doc.id, "dst": doc.region})
    for m in doc.measures:
        add("Measure", {
            "id": m.id, "document_id": doc.id, "region": m.region, "kind": m.kind,
            "ordinal": m.ordinal, "section": m.section, "label": m.label, "title": m.title,
            "text": m.text, "text_original": m.text_original, "span_start": m.start,
            "span_end": m.end, "deadline": m.deadline, "deadline_raw": m.deadline_raw,
            "fields_json": json.dumps(m.fields, ensure_ascii=False) if m.fields else None,
            "doc_date": doc.date, "scope": list(m.scope),
        })
        add("IN_DOCUMENT", {"src": m.id, "dst": doc.id})
        add("IN_REGION", {"src": m.id, "dst": m.region, "role": "issuer", "evidence": None})
        for place in m.scope:
            if place != m.region:
                add("IN_REGION", {"src": m.id, "dst": place, "role": "scope", "evidence": m.scope_evidence})
        for position, a in enumerate(m.agencies):
            aid = agency_id(a.region, a.name)
            entry = agencies.setdefault(aid, {"id": aid, "name": a.name, "region": a.region,
                                              "aliases": set(), "collective": a.collective})
            if a.printed and a.printed != a.name:
                entry["aliases"].add(a.printed)
            row = {"src": m.id, "dst": aid, "printed": a.printed, "evidence": a.evidence}
            if a.role == "mention":
                add("MENTIONS", row)
            else:
                add("LED_BY", {**row, "role": a.role, "position": position})
        for t in m.themes:
            add("HAS_THEME", {"src": m.id, "dst": t.key, "terms": list(t.terms), "evidence": t.evidence})
        for p in m.practices:
            add("HAS_PRACTICE", {"src": m.id, "dst": p.key, "terms": list(p.terms), "evidence": p.evidence})
        for rep in m.replications:
            add("REPLICATED_TO", {"src": m.id, "dst": rep.to_region, "from_region": rep.from_region,
                                  "scope": rep.scope, "kind": rep.kind, "evidence": rep.evidence,
                                  "document": doc.id, "themes": list(rep.themes),
                                  "practices": list(rep.practices)})
            if rep.from_region:  # origin unstated: no region-to-region step to walk
                add("PRACTICE_FLOW", {"src": rep.from_region, "dst": rep.to_region,
                                      "measure_id": m.id, "scope": rep.scope, "kind": rep.kind,
                                      "evidence": rep.evidence, "document": doc.id,
                                      "themes": list(rep.themes), "practices": list(rep.practices)})
    return sum(1 for m in doc.measures if m.kind == "measure")


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
