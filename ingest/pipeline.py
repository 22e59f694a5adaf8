"""Ingest entry points: bytes or files -> DocumentRecord (see ingest/records.py).

Stages: read (decode, strip HTML) -> normalise (simplified copy of equal length, script) ->
metadata -> structure (measures, safeguards, tables) -> per measure: agencies, deadline, themes,
replications, regions mentioned. Each stage's time is kept in ``DocumentRecord.timings``.
"""
from __future__ import annotations

import hashlib
import re
import time
from collections.abc import Iterable
from pathlib import Path

from ingest.agencies import extract_agencies
from ingest.dates import find_deadline, normalise_deadline, parse_date
from ingest.errors import IngestError
from ingest.manifest import Manifest, load_manifest
from ingest.metadata import extract_metadata
from ingest.normalise import detect_script, drop_invisible, to_simplified
from ingest.read import DEFAULT_MAX_BYTES, decode_document, read_path
from ingest.records import DocumentRecord, MeasureRecord
from ingest.regions import load_gazetteer
from ingest.replication import DocumentSpread, attribute_themes, document_spread, extract_replications
from ingest.responsibility import carried_units, first_listed_rule_from
from ingest.scope import Scope, column_scope, document_subject, measure_scope
from ingest.structure import Segment, StructureError, parse_structure
from ingest.themes import load_taxonomy

__all__ = ["ingest_bytes", "ingest_file", "ingest_paths", "load_manifest", "document_id", "INGEST_SUFFIXES"]

INGEST_SUFFIXES = (".txt", ".html", ".htm")


def document_id(data: bytes) -> str:
    """Stable id: the same bytes always give the same document (and measure) ids."""
    return hashlib.sha256(data).hexdigest()[:12]


class _Clock:
    def __init__(self) -> None:
        self.timings: dict[str, float] = {}

    def stage(self, name: str) -> _Stage:
        return _Stage(self.timings, name)


class _Stage:
    """One timed stage; a plain context manager (six per measure: a generator-based one costs
    more than some of the stages it times)."""

    __slots__ = ("timings", "name", "t0")

    def __init__(self, timings: dict[str, float], name: str) -> None:
        self.timings, self.name = timings, name

    def __enter__(self) -> None:
        self.t0 = time.perf_counter()

    def __exit__(self, *exc) -> bool:
        self.timings[self.name] = self.timings.get(self.name, 0.0) + time.perf_counter() - self.t0
        return False


def _resolve_region(value: str | None, gazetteer) -> str | None:
    if not value:
        return None
    region = gazetteer.resolve(value)
    return region.name if region is not None else to_simplified(value.strip())


def ingest_bytes(data: bytes, name: str, overrides: dict | None = None, *,
                 max_bytes: int = DEFAULT_MAX_BYTES, path: str | None = None) -> DocumentRecord:
    """Ingest one document given as bytes. ``overrides`` (region, title, issuer, date, script,
    doc_number) replace what is read from the text; keys absent or None-less are read as usual."""
    clock = _Clock()
    t_start = time.perf_counter()
    with clock.stage("read"):
        decoded = decode_document(data, name, max_bytes=max_bytes)
    return _build(data, name, decoded, overrides or {}, clock, t_start, path or name)


def _build(data: bytes, name: str, decoded, overrides: dict, clock: _Clock, t_start: float,
           path: str) -> DocumentRecord:
    with clock.stage("normalise"):
        original = drop_invisible(decoded.text)
        simplified = to_simplified(original)
        script = detect_script(original, simplified)
    with clock.stage("structure"):
        try:
            structure = parse_structure(simplified)
        except StructureError as exc:
            raise IngestError(name, str(exc)) from None
    with clock.stage("metadata"):
        meta = extract_metadata(structure.lines)
        gazetteer = load_gazetteer()
        title = overrides.get("title") if "title" in overrides else meta.title
        issuer = overrides.get("issuer") if "issuer" in overrides else meta.issuer
        date = overrides.get("date") if "date" in overrides else meta.date
        if date:
            date = parse_date(str(date)) or str(date)
        doc_number = overrides.get("doc_number") if "doc_number" in overrides else meta.doc_number
        provenance = {**meta.provenance, **{k: "manifest" for k in ("title", "issuer", "date", "doc_number")
                                            if k in overrides}}
        date_source = ("manifest" if date else None) if "date" in overrides else meta.date_source
        # Whose policy it is: the issuer's jurisdiction (or the title's), never a place the body names.
        region = _resolve_region(overrides.get("region"), gazetteer)
        if region:
            provenance["region"] = "manifest"
        else:
            issuers = [to_simplified(issuer)] if "issuer" in overrides and issuer else meta.issuers
            region, source = gazetteer.document_region(issuers, title or meta.title, simplified)
            if region:
                provenance["region"] = source
        level = gazetteer.level_of(region)

    doc_id = document_id(data)
    rule_from = _first_listed_rule_start(simplified, [*structure.measures, *structure.safeguards])
    carried = carried_units(simplified)
    subject = document_subject(to_simplified(title or ""), region, gazetteer)
    first = min((seg.start for seg in structure.measures), default=0)
    spread = document_spread(to_simplified(title or ""), simplified[:first], region, gazetteer)
    # 附件2 试点地区名单 1.杭州市 2.宁波市: places listed, not measures
    listed = [seg for seg in structure.measures if not _names_a_place(seg, gazetteer)]
    measures = [_measure(seg, n, doc_id, region, original, gazetteer, clock, rule_from, carried, subject, spread)
                for n, seg in enumerate(listed, 1)]
    measures += [_measure(seg, n, doc_id, region, original, gazetteer, clock, rule_from, carried)
                 for n, seg in enumerate(structure.safeguards, 1)]
    clock.timings["total"] = time.perf_counter() - t_start
    return DocumentRecord(
        id=doc_id, path=path, title=to_simplified(title or name), region=region,
        issuer=to_simplified(issuer) if issuer else None, date=date,
        script=overrides.get("script") or script, doc_number=doc_number,
        text_original=original, text_simplified=simplified,
        sha256=hashlib.sha256(data).hexdigest(), measures=measures,
        encoding=decoded.encoding, timings=clock.timings, level=level, date_source=date_source,
        provenance=provenance, effective=meta.effective, valid_until=meta.valid_until, validity=meta.validity)


_CONTENT_COLUMN = re.compile(r"内容|做法|具体措施")


def _names_a_place(seg: Segment, gazetteer) -> bool:
    """An item that holds nothing but a place's name (2.宁波市)."""
    name = seg.title.strip(" \u3000。.;；")
    rest = seg.text.strip()[len(seg.label):].strip(" \u3000。.;；") if seg.text.strip().startswith(seg.label) else None
    return not seg.fields and rest == name and 2 <= len(name) <= 14 and gazetteer.resolve(name) is not None


def _first_listed_rule_start(simplified: str, segments: list[Segment]) -> int | None:
    """Offset from which the document's 列第一位者为牵头单位 rule holds (None: no such rule)."""
    spans = sorted((seg.start, seg.end) for seg in segments)
    first = first_listed_rule_from(simplified, spans)
    return None if first is None else (spans[first][0] if spans else 0)


def _measure(seg: Segment, ordinal: int, doc_id: str, region: str, original: str, gazetteer,
             clock: _Clock, rule_from: int | None = None, carried: list | tuple = (),
             subject: Scope | None = None, spread: DocumentSpread | None = None) -> MeasureRecord:
    is_measure = seg.kind == "measure"
    mid = f"{doc_id}-{ordinal:03d}" if is_measure else f"{doc_id}-s{ordinal:02d}"
    with clock.stage("agencies"):
        agencies = extract_agencies(seg.text, region, table_lead=seg.table_lead,
                                    table_support=seg.table_support, gazetteer=gazetteer,
                                    first_listed_lead=rule_from is not None and seg.start >= rule_from,
                                    carried=[group for at, group in carried if seg.start >= at])
    with clock.stage("dates"):
        raw, deadline = find_deadline(seg.text)
        if raw is None and seg.table_deadline:
            raw, deadline = seg.table_deadline, normalise_deadline(seg.table_deadline)
    # Safeguards say how the plan is run, not what it does: no themes or replication facts for them.
    themes, practices, replications, scope = [], [], [], None
    if is_measure:
        with clock.stage("themes"):
            taxonomy = load_taxonomy()
            themes, practices = taxonomy.tag_both(seg.text)
        with clock.stage("replications"):
            scope = measure_scope(seg.text, region, gazetteer)
            if not scope.regions and seg.fields:
                # a table row opens with its name; the content cell opens with the locality
                content = next((v for k, v in seg.fields.items() if _CONTENT_COLUMN.search(k) and v), "")
                if content:
                    scope = measure_scope(content, region, gazetteer)
            if not scope.regions and seg.fields:
                scope = column_scope(seg.fields, region, gazetteer)  # 报送单位: the case's own place
            if not scope.regions and subject is not None and subject.regions:
                scope = subject  # the plan of one place that the document issues (scope.py, way 5)
            replications = extract_replications(seg.text, region, gazetteer, fields=seg.fields or None,
                                                origin=scope.locality,
                                                headings=seg.headings, spread=spread)
            attribute_themes(replications, themes, taxonomy, whole_measure=bool(seg.fields),
                             measure_practices=practices)
    with clock.stage("regions"):
        regions = gazetteer.mentioned(seg.text)
    return MeasureRecord(
        id=mid, document_id=doc_id, region=region, kind=seg.kind, ordinal=ordinal,
        section=seg.section, label=seg.label, title=seg.title, text=seg.text,
        text_original=original[seg.start:seg.end], start=seg.start, end=seg.end,
        deadline=deadline, deadline_raw=raw, fields=dict(seg.fields), agencies=agencies,
        themes=themes, practices=practices, replications=replications, regions_mentioned=regions,
        scope=scope.regions if scope else [], scope_evidence=scope.evidence if scope else "")


def ingest_file(path: str | Path, manifest: Manifest | dict | None = None, *,
                max_bytes: int = DEFAULT_MAX_BYTES) -> DocumentRecord:
    """Ingest one file. ``manifest``: a Manifest (its entry for this file name applies), a dict of
    overrides, or None to use the manifest of the file's folder if there is one."""
    path = Path(path)
    clock = _Clock()
    t_start = time.perf_counter()
    with clock.stage("read"):
        data, decoded = read_path(path, max_bytes=max_bytes)
    if manifest is None:
        manifest = load_manifest(path.parent)
    overrides = manifest.for_file(path.name) if isinstance(manifest, Manifest) else dict(manifest)
    return _build(data, path.name, decoded, overrides, clock, t_start, str(path))


def expand(paths: Iterable[str | Path]) -> list[Path]:
    """Files to ingest: files as given, folders expanded to their *.txt / *.html / *.htm files."""
    files: list[Path] = []
    for p in paths:
        p = Path(p)
        if p.is_dir():
            files.extend(sorted(f for f in p.iterdir() if f.is_file() and f.suffix.lower() in INGEST_SUFFIXES))
        else:
            files.append(p)
    return files


def ingest_paths(paths: Iterable[str | Path], *, skip_errors: bool = False,
                 max_bytes: int = DEFAULT_MAX_BYTES) -> list[DocumentRecord]:
    """Ingest files and folders; each folder's manifest applies to its files. With ``skip_errors``
    refused files are left out instead of raising IngestError."""
    manifests: dict[Path, Manifest] = {}
    records: list[DocumentRecord] = []
    for file in expand(paths):
        folder = file.parent
        if folder not in manifests:
            manifests[folder] = load_manifest(folder)
        try:
            records.append(ingest_file(file, manifests[folder], max_bytes=max_bytes))
        except IngestError:
            if not skip_errors:
                raise
    return records
