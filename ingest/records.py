"""Plain records: the only thing ingest hands to the graph layer.

Every string that came from a document is stored in simplified script for
processing (``*_simplified`` or plain field) and, where it matters for evidence,
in its original script as well. Offsets always point into the ORIGINAL text.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass
class AgencyRef:
    """One agency a measure names. ``role`` is lead | support | mention."""

    name: str  # simplified, canonical (alias-merged) name as the agency is known in its region
    role: str
    printed: str  # as printed in the document, simplified script
    region: str  # short simplified region name the agency belongs to (scope of identity)
    evidence: str  # the sentence / line the agency was read from (simplified)
    # a collective unit stands for every office of a tier (各省级人民政府, 各区县政府, 有关区县)
    collective: bool = False


@dataclass
class ThemeHit:
    key: str
    terms: list[str]  # matched words, simplified
    evidence: str  # the sentence holding the first matched word


@dataclass
class PracticeHit:
    """A named practice (data/themes.yaml, a theme's ``practices``) the measure carries."""

    key: str
    theme: str  # the key of the theme the practice belongs to
    terms: list[str]  # matched words, simplified
    evidence: str  # the sentence holding the first matched word


@dataclass
class ReplicationFact:
    """A statement that a practice was (or will be) replicated or borrowed."""

    from_region: str  # short simplified region name, where the practice came from
    to_region: str  # where it goes
    scope: str  # e.g. 全省, 全市, 自贸试验区、自创区, borrow
    evidence: str  # the sentence it came from (simplified)
    kind: str = "replicate"  # replicate | borrow
    themes: list[str] = field(default_factory=list)  # theme keys of the practice that travelled
    practices: list[str] = field(default_factory=list)  # practice keys of what travelled


@dataclass
class MeasureRecord:
    id: str  # stable: same document bytes -> same id
    document_id: str
    region: str  # short simplified name of the issuing region
    kind: str  # measure | safeguard
    ordinal: int  # 1-based position among the document's measures of this kind
    section: str  # section path as printed, e.g. 三/(二)/5
    label: str  # numbering label as printed, e.g. "5." or "(十二)"
    title: str  # lead clause or first sentence, simplified
    text: str  # full measure text, simplified
    text_original: str  # full measure text exactly as in the original document
    start: int  # character offsets of the span in the original text
    end: int
    deadline: str | None = None  # normalised: YYYY-MM, YYYY-MM-DD, YYYY or "ongoing"
    deadline_raw: str | None = None
    fields: dict[str, str] = field(default_factory=dict)  # table columns, e.g. 已实施区域
    agencies: list[AgencyRef] = field(default_factory=list)
    themes: list[ThemeHit] = field(default_factory=list)
    practices: list[PracticeHit] = field(default_factory=list)
    replications: list[ReplicationFact] = field(default_factory=list)
    regions_mentioned: list[str] = field(default_factory=list)
    # Regions (short names) the measure itself is limited to when they differ from the document's:
    # 适用范围：X自贸试验区, or an item that opens with the locality that originated it.
    scope: list[str] = field(default_factory=list)
    scope_evidence: str = ""  # the words that set the scope (适用范围:…, the opening 黑龙江省哈尔滨市:…)


@dataclass
class DocumentRecord:
    id: str
    path: str
    title: str
    region: str
    issuer: str | None
    date: str | None  # ISO: YYYY-MM-DD (or YYYY-MM)
    script: str  # simplified | traditional
    doc_number: str | None
    text_original: str
    text_simplified: str
    sha256: str
    measures: list[MeasureRecord] = field(default_factory=list)
    encoding: str | None = None  # how the bytes were decoded, e.g. utf-8, gb18030, utf-16-le (BOM)
    timings: dict[str, float] = field(default_factory=dict)  # seconds per ingest stage (read, structure, ...)
    # national | province | prefecture | county | zone | unresolved: the level of ``region``
    level: str = ""
    # where ``date`` came from: signature (落款/成文日期) | doc_number_year | manifest | page_date
    date_source: str | None = None
    # where each document-level fact came from, e.g. {"region": "issuer", "title": "heading"}
    provenance: dict[str, str] = field(default_factory=dict)
    effective: str | None = None  # ISO date it takes effect (自…起施行), where the text says
    valid_until: str | None = None  # ISO end of validity (有效期至…)
    validity: str | None = None  # a stated period of validity as printed (有效期三年 -> 三年)

    def to_dict(self) -> dict:
        return asdict(self)
