"""Response shapes of the JSON API."""
from __future__ import annotations

from pydantic import BaseModel, Field

DATE_SOURCE = ("where the date was read: signature (the document's 落款/成文日期), doc_number_year "
               "(the year of its 文号), manifest (curated), page_date (the web page's date); "
               "null when the document is undated")


class Counts(BaseModel):
    documents: int
    measures: int
    agencies: int
    regions: int
    relations: int


class Health(BaseModel):
    status: str
    backend: str
    counts: Counts


class AnswerCacheStats(BaseModel):
    budget_bytes: int
    entry_max_bytes: int
    entries: int
    bytes: int
    hits: int
    misses: int
    too_large: int
    gzipped: int  # large answers compressed: to make room, or to fit the entry cap
    compression_pays: bool  # whether compressing large answers has lately paid (api/answers.py keeps the score)


class RegionOut(BaseModel):
    name: str
    full_name: str | None = None
    name_en: str | None = None
    level: str | None = None
    parent: str | None = None
    measure_count: int = 0
    parents: list[str] | None = None  # chain up to the province, nearest first


class DocumentOut(BaseModel):
    id: str
    title: str | None
    region: str | None
    issuer: str | None
    date: str | None
    date_source: str | None = Field(None, description=DATE_SOURCE)
    script: str | None = None
    measure_count: int = 0
    level: str | None = None  # national | province | prefecture | county | zone | unresolved


class MeasureOut(BaseModel):
    id: str
    region: str
    document: str
    label: str
    section: str
    title: str
    text: str
    kind: str = "measure"


class BrowsedMeasure(MeasureOut):
    """A row of the measure browser (any facet filter, a sort or facets=true)."""
    level: str | None = Field(None, description="the level of the measure's region")
    date: str | None = Field(None, description="the document's date")
    date_source: str | None = Field(None, description=DATE_SOURCE)
    document_title: str | None = None
    themes: list[str] | None = None
    practices: list[str] | None = None
    lead_agencies: list[str] | None = Field(None, description="agency ids (<region>|<name>) leading it")
    support_agencies: list[str] | None = None


class FacetValue(BaseModel):
    value: str | None = Field(description="the filter value (null: undated / unresolved)")
    label: str | None = None
    count: int = Field(description="measures under the current filters carrying the value")


class Facet(BaseModel):
    name: str = Field(description="region | level | theme | practice | agency | role | year | kind")
    selected: str | None = None
    value_count: int = Field(description="distinct values; values lists facet_values of them, most "
                                         "measures first (years in time order)")
    values: list[FacetValue]


class MeasurePage(BaseModel):
    items: list[MeasureOut]
    total: int


class BrowsePage(MeasurePage):
    """/api/measures: the plain page, or with filters, a sort or facets the browser's answer."""
    items: list[BrowsedMeasure]
    truncated: bool | None = Field(None, description="more measures passed the filters than one "
                                                     "answer reads (the counts cover the first ones)")
    filters: dict[str, str] | None = None
    sort: str | None = None
    offset: int | None = None
    limit: int | None = None
    facets: list[Facet] | None = None


class Topic(BaseModel):
    kind: str = Field(description="theme | practice")
    theme: dict
    practice: dict | None = None
    region_count: int = Field(description="regions that adopted it (the adopters answer's count)")
    adopters: str = Field(description="where to ask which regions adopted it")


class SearchPage(MeasurePage):
    query: str
    topic: Topic | None = Field(None, description="the theme or practice the words name, if any")
    regions: list[RegionOut] = Field(default_factory=list, description="the region the words name, if any")


class Source(BaseModel):
    document: str
    document_title: str | None = None
    start: int
    end: int


class AgencyFact(BaseModel):
    name: str
    role: str
    printed: str | None = None
    evidence: str | None = None
    region: str | None = Field(None, description="the region the agency belongs to")


class ThemeFact(BaseModel):
    key: str
    name_zh: str
    name_en: str
    terms: list[str]
    evidence: str | None = None


class ReplicationOut(BaseModel):
    from_region: str
    to_region: str
    scope: str | None = None
    kind: str | None = None
    evidence: str
    document: str
    measure_id: str | None = None


class ScopeFact(BaseModel):
    """A place the measure is limited to or credited to, beside its issuing region."""

    region: str
    evidence: str | None = None


class MeasureDetail(MeasureOut):
    text_original: str
    deadline: str | None = None
    deadline_raw: str | None = None
    document_date: str | None = None
    document_date_source: str | None = Field(None, description=DATE_SOURCE)
    lead_agencies: list[str]
    support_agencies: list[str]
    agencies: list[AgencyFact] = Field(description="lead/support facts with their evidence")
    mentioned_agencies: list[AgencyFact] = Field(default_factory=list)
    fields: dict[str, str] = Field(default_factory=dict)
    themes: list[ThemeFact] = Field(default_factory=list)
    replicated_to: list[ReplicationOut] = Field(default_factory=list)
    replicated_from: list[ReplicationOut] = Field(default_factory=list)
    scope: list[ScopeFact] = Field(default_factory=list,
                                   description="places the measure is limited to (适用范围, the locality an item opens with)")
    source: Source
