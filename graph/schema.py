"""The graph schema, documented in one place.

Nodes
  Document  id            one ingested policy document (original + simplified text kept)
  Measure   id            one numbered measure (kind=measure) or closing safeguard (kind=safeguard)
  Region    name          short simplified name (厦门, 福建, 厦门片区 ...) from the gazetteer
                          (data/divisions.tsv + data/gazetteer.yaml); level = national | province |
                          prefecture | county | zone (as Document.level), kind = the finer gazetteer
                          level (district, city, area ...), parents = chain up to the province;
                          or a class of places a practice is replicated to (level = class, PART_OF 中国):
                          自贸试验区, 综合保税区 (海关特殊监管区域), 国家级新区, 经开区, 高新区, 各地区
                          (ingest/replication.py TARGET_CLASSES). 全国 is the country node 中国 itself.
  Document  level         national | province | prefecture | county | zone | unresolved;
            date_source   signature | doc_number_year | page_date | manifest; provenance_json: where
                          each fact (title, issuer, date, region ...) was read
  Agency    id            "<region>|<canonical name>": agency identity is region-scoped (a national
                          body's region is 中国; a name with a place prefix is that place's);
                          collective = a unit standing for a whole tier (各省级人民政府)
  Theme     key           a theme from data/themes.yaml (ip_pledge_financing, ...)
  Practice  key           a named practice inside a theme (bank_tax_interaction = 银税互动, ...)

Relations (source -> target)
  IN_DOCUMENT    Measure  -> Document   every measure belongs to exactly one document
  IN_REGION      Measure  -> Region     role = issuer: the issuing region of the measure (= Measure.region);
                                        role = scope: a place the measure is limited to or credited to
                                        (适用范围:X, an item opening with the locality that piloted it;
                                        = Measure.scope), evidence = the words that say so
  ISSUED_FOR     Document -> Region     the region a document governs
  PART_OF        Region   -> Region     child -> parent in the gazetteer hierarchy
  LED_BY         Measure  -> Agency     role = lead | support, position = order printed, evidence = line read from
  MENTIONS       Measure  -> Agency     agencies only named in the prose (never leads)
  HAS_THEME      Measure  -> Theme      terms = matched words, evidence = sentence
  HAS_PRACTICE   Measure  -> Practice   terms = matched words (name, alias or equivalent phrase), evidence = sentence
  BELONGS_TO     Practice -> Theme      the theme a practice is part of
  REPLICATED_TO  Measure  -> Region     a practice of this measure replicated/borrowed to a region or a
                                        class of places; from_region = its origin ('' when the text
                                        names none); themes = the theme keys of the practice that
                                        travelled, practices = its practice keys
  PRACTICE_FLOW  Region   -> Region     the same fact as a region-level edge, for path queries
  SIMILAR_TO     Measure  -> Measure    score, method, shared terms (top matches per measure)

Types are the backend-neutral names below; each backend maps them.
"""
from __future__ import annotations

from dataclasses import dataclass

STRING, INT, DOUBLE, BOOL, STRING_LIST = "STRING", "INT64", "DOUBLE", "BOOLEAN", "STRING[]"


@dataclass(frozen=True)
class NodeTable:
    label: str
    key: str
    props: dict[str, str]


@dataclass(frozen=True)
class RelTable:
    type: str
    src: str
    dst: str
    props: dict[str, str]
    key: tuple[str, ...] = ()  # properties that make two parallel relations distinct


NODES: dict[str, NodeTable] = {t.label: t for t in [
    NodeTable("Document", "id", {
        "id": STRING, "title": STRING, "region": STRING, "issuer": STRING, "date": STRING,
        "script": STRING, "doc_number": STRING, "path": STRING, "sha256": STRING,
        "text_original": STRING, "text_simplified": STRING, "measure_count": INT,
        "level": STRING, "date_source": STRING, "provenance_json": STRING,
    }),
    NodeTable("Measure", "id", {
        "id": STRING, "document_id": STRING, "region": STRING, "kind": STRING, "ordinal": INT,
        "section": STRING, "label": STRING, "title": STRING, "text": STRING,
        "text_original": STRING, "span_start": INT, "span_end": INT, "deadline": STRING,
        "deadline_raw": STRING, "fields_json": STRING, "doc_date": STRING, "scope": STRING_LIST,
    }),
    NodeTable("Region", "name", {
        "name": STRING, "full_name": STRING, "name_en": STRING, "level": STRING,
        "parent": STRING, "aliases": STRING_LIST, "kind": STRING, "parents": STRING_LIST,
    }),
    NodeTable("Agency", "id", {
        "id": STRING, "name": STRING, "region": STRING, "aliases": STRING_LIST,
        "collective": BOOL,  # stands for every office of a tier: 各省级人民政府, 各区县政府, 有关区县
    }),
    NodeTable("Theme", "key", {
        "key": STRING, "name_zh": STRING, "name_en": STRING, "synonyms": STRING_LIST,
    }),
    NodeTable("Practice", "key", {
        "key": STRING, "name_zh": STRING, "name_en": STRING, "theme": STRING, "aliases": STRING_LIST,
    }),
]}

RELS: dict[str, RelTable] = {t.type: t for t in [
    RelTable("IN_DOCUMENT", "Measure", "Document", {}),
    RelTable("IN_REGION", "Measure", "Region", {"role": STRING, "evidence": STRING}),
    RelTable("ISSUED_FOR", "Document", "Region", {}),
    RelTable("PART_OF", "Region", "Region", {}),
    RelTable("LED_BY", "Measure", "Agency", {"role": STRING, "printed": STRING, "evidence": STRING,
                                               "position": INT},
             key=("role",)),
    RelTable("MENTIONS", "Measure", "Agency", {"printed": STRING, "evidence": STRING}),
    RelTable("HAS_THEME", "Measure", "Theme", {"terms": STRING_LIST, "evidence": STRING}),
    RelTable("HAS_PRACTICE", "Measure", "Practice", {"terms": STRING_LIST, "evidence": STRING}),
    RelTable("BELONGS_TO", "Practice", "Theme", {}),
    RelTable("REPLICATED_TO", "Measure", "Region", {
        "from_region": STRING, "scope": STRING, "kind": STRING, "evidence": STRING,
        "document": STRING, "themes": STRING_LIST, "practices": STRING_LIST}, key=("from_region",)),
    RelTable("PRACTICE_FLOW", "Region", "Region", {
        "measure_id": STRING, "scope": STRING, "kind": STRING, "evidence": STRING,
        "document": STRING, "themes": STRING_LIST, "practices": STRING_LIST}, key=("measure_id",)),
    RelTable("SIMILAR_TO", "Measure", "Measure", {
        "score": DOUBLE, "method": STRING, "shared_terms": STRING_LIST}),
]}


def node(label: str) -> NodeTable:
    return NODES[label]


def rel(rel_type: str) -> RelTable:
    return RELS[rel_type]
