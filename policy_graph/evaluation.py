"""Measured extraction accuracy: compare ingested records with hand-annotated gold files.

The gold files (tests/gold/*.yaml, conventions in tests/gold/README.md) were written by reading the
documents, never by running an extractor, so a score here is an independent measurement.

Every metric is counted as true positives / false positives / false negatives and reported as
precision, recall and F1, per document and micro-averaged over all documents:

- measures          measures matched by numbering label (and order of occurrence, since labels such as
                    "(一)" repeat across sections); only records of kind "measure" count
- titles            a matched measure's title starts with the gold title prefix
- agencies_lead / agencies_support / agencies
                    set comparison per matched measure; a predicted agency matches a gold name when its
                    printed form OR its canonical name equals it (aliases may merge a short printed name
                    into a canonical one)
- deadlines         exact normalised value per measure ("2020-12", "ongoing"); absent on both sides is
                    neither a hit nor an error
- theme_ip_pledge   per measure: does the measure carry the IP-pledge-financing theme
- themes            per measure and per key in SCORED_THEME_KEYS (IP pledge included)
- replications      (from_region, to_region) pairs per measure; the gold may list alternative names for a
                    region (a region and its sub-areas) and "*" for an origin the text does not name;
                    optional gold facts are neither required nor counted as errors when found
- metadata          document region, title, issuer and date (the four doc_* fields below together)
- doc_region / doc_level / doc_title / doc_issuer / doc_date
                    each document field on its own; doc_level also requires the gold's parent chain
                    (nearest first) to be among the predicted region's ancestors in the gazetteer
- scope             per matched measure: the regions the measure itself is limited to (set comparison)

Two gold sets are scored separately (GOLD_SETS): the founding corpus (tests/gold/*.yaml over
data/corpus) and the development set (tests/gold/devset/*.yaml over data/devset), real documents of
every level of government that the extractors were not built on.

A metric with nothing expected and nothing predicted scores 1.0 (nothing to find, nothing wrongly found).
"""
from __future__ import annotations

import unicodedata
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Iterable


from ingest.yamlfile import read_yaml

from ingest.records import DocumentRecord, MeasureRecord
from ingest.textutil import convert

REPO = Path(__file__).resolve().parent.parent
GOLD_DIR = REPO / "tests" / "gold"
DEVSET_GOLD_DIR = GOLD_DIR / "devset"

METRICS = (
    "measures",
    "titles",
    "agencies_lead",
    "agencies_support",
    "agencies",
    "deadlines",
    "theme_ip_pledge",
    "themes",
    "replications",
    "metadata",
    "scope",
    "doc_region",
    "doc_level",
    "doc_title",
    "doc_issuer",
    "doc_date",
)
DOC_FIELDS = ("region", "level", "title", "issuer", "date")

# Theme keys an extractor may use for IP-pledge financing (the taxonomy owns the key; accept its spellings).
IP_PLEDGE_THEME_KEYS = frozenset({"ip_pledge_financing", "ip_pledge", "ip_pledge_finance", "ipr_pledge_financing"})

# Themes annotated for every measure (tests/gold "themes" / "themes_unsure"): crisp practices a reader can
# decide without doubt. A key listed as unsure for a measure is not scored there either way.
SCORED_THEME_KEYS = (
    "ip_pledge_financing",
    "sci_tech_insurance",
    "special_items_customs",
    "cross_border_ecommerce",
    "professional_title_reform",
    "foreign_talent",
    "qflp",
    "innovation_vouchers",
    "incubators",
)

# The development-set gold scores every key the taxonomy had when that gold was written (2026-12-02);
# keys added later are not in the gold, so they are neither rewarded nor counted as errors there.
DEVSET_SCORED_THEME_KEYS = (
    "ip_pledge_financing", "ip_securitization", "ip_protection", "ip_services", "sci_tech_insurance",
    "venture_guidance_funds", "tech_finance_credit", "supply_chain_finance", "capital_markets",
    "cross_border_finance", "qflp", "tech_transfer", "innovation_platforms", "industry_university_research",
    "incubators", "entrepreneurship", "innovation_vouchers", "public_service_platforms",
    "special_items_customs", "customs_facilitation", "bonded_rd", "cross_border_ecommerce", "service_trade",
    "foreign_investment_access", "approval_reform", "commercial_registration_reform", "credit_supervision",
    "legal_services", "professional_title_reform", "foreign_talent", "talent_introduction", "talent_housing",
    "land_use", "tax_incentives", "fiscal_support", "linked_development", "reform_replication",
    "cross_strait", "digital_economy", "integrated_circuits", "biomedicine", "new_energy_materials",
    "ftz_institutional_innovation", "cross_border_logistics", "investment_promotion",
    "personnel_system_reform", "sharing_economy", "education_opening", "factor_costs",
)

ANY_REGION = "*"


@dataclass(frozen=True)
class GoldSet:
    """A folder of gold files, the folder of the documents they describe, and the themes scored."""

    name: str
    gold_dir: Path
    corpus_dir: Path
    theme_keys: tuple[str, ...]


GOLD_SETS = (
    GoldSet("founding", GOLD_DIR, REPO / "data" / "corpus", SCORED_THEME_KEYS),
    GoldSet("devset", DEVSET_GOLD_DIR, REPO / "data" / "devset", DEVSET_SCORED_THEME_KEYS),
)

TABLE_COLUMNS = ("document", "metric", "precision", "recall", "F1", "TP", "FP", "FN")


# ----------------------------------------------------------------------------------------------- scores
@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        if self.tp + self.fp == 0:
            return 1.0 if self.fn == 0 else 0.0
        return self.tp / (self.tp + self.fp)

    @property
    def recall(self) -> float:
        if self.tp + self.fn == 0:
            return 1.0 if self.fp == 0 else 0.0
        return self.tp / (self.tp + self.fn)

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 0.0 if p + r == 0 else 2 * p * r / (p + r)

    def __add__(self, other: "Score") -> "Score":
        return Score(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)

    def to_dict(self) -> dict:
        return {
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
        }


@dataclass
class Disagreement:
    file: str
    metric: str
    measure: str | None  # label as printed in the gold ("12.", "二/(四)"), None for document level
    expected: Any
    got: Any


@dataclass
class Report:
    documents: dict[str, dict[str, Score]] = field(default_factory=dict)  # gold file name -> metric -> score
    regions: dict[str, str] = field(default_factory=dict)  # gold file name -> display region
    measure_counts: dict[str, tuple[int, int]] = field(default_factory=dict)  # file -> (expected, got)
    levels: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)  # file -> (expected, got)
    disagreements: list[Disagreement] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)  # gold documents no record was given for
    unevaluated: list[str] = field(default_factory=list)  # records with no gold file

    def overall(self) -> dict[str, Score]:
        total = {m: Score() for m in METRICS}
        for scores in self.documents.values():
            for metric, score in scores.items():
                total[metric] = total[metric] + score
        return total

    def counts_right(self) -> list[int]:
        """[documents whose measure count equals the gold's, documents]"""
        return [sum(e == g for e, g in self.measure_counts.values()), len(self.measure_counts)]

    def region_and_level_right(self) -> list[int]:
        """[documents whose region and level (where annotated) are both right, documents]"""
        right = 0
        for scores in self.documents.values():
            right += scores["doc_region"].fn == 0 and scores["doc_region"].fp == 0 \
                and scores["doc_level"].fn == 0 and scores["doc_level"].fp == 0
        return [right, len(self.documents)]

    def score(self, file: str, metric: str) -> Score:
        return self.documents[file][metric]

    def table(self) -> list[tuple[str, ...]]:
        """Rows matching TABLE_COLUMNS: every document's metrics, then the micro-averaged overall."""
        rows: list[tuple[str, ...]] = []
        blocks = [(f"{self.regions.get(f, '')} {f}".strip(), s) for f, s in self.documents.items()]
        blocks.append(("overall", self.overall()))
        for name, scores in blocks:
            for metric in METRICS:
                s = scores[metric]
                rows.append((name, metric, f"{s.precision:.3f}", f"{s.recall:.3f}", f"{s.f1:.3f}",
                             str(s.tp), str(s.fp), str(s.fn)))
        return rows

    def to_dict(self) -> dict:
        return {
            "documents": {
                f: {"region": self.regions.get(f), "measure_count": list(self.measure_counts.get(f, (0, 0))),
                    "scores": {m: s.to_dict() for m, s in scores.items()}}
                for f, scores in self.documents.items()
            },
            "overall": {m: s.to_dict() for m, s in self.overall().items()},
            "counts_right": self.counts_right(),
            "region_and_level_right": self.region_and_level_right(),
            "disagreements": [asdict(d) for d in self.disagreements],
            "missing": list(self.missing),
            "unevaluated": list(self.unevaluated),
        }


# ------------------------------------------------------------------------------------------ normalising
def _simplify(text: str) -> str:
    return convert(unicodedata.normalize("NFKC", text), "t2s")


def norm_name(text: str | None) -> str:
    """Agency / region identity: simplified, width-folded, no whitespace."""
    if not text:
        return ""
    return "".join(_simplify(text).split())


def norm_text(text: str | None) -> str:
    """Titles and issuers: like norm_name, and punctuation (quotes, brackets, commas) ignored."""
    return "".join(ch for ch in norm_name(text) if not unicodedata.category(ch).startswith("P"))


def norm_label(label: str | None) -> str:
    """"1." == "1" == "1．"; "（一）" == "(一)"."""
    return norm_name(label).rstrip(".、,:")


# ------------------------------------------------------------------------------------------------- gold
@dataclass
class GoldMeasure:
    label: str
    section: str | None
    title: str
    lead: list[str]
    support: list[str]
    deadline: str | None
    ip_pledge: bool
    themes: frozenset[str] = frozenset()
    themes_unsure: frozenset[str] = frozenset()
    scope: frozenset[str] = frozenset()  # normalised region names the measure is limited to

    @property
    def display(self) -> str:
        return f"{self.section}/{self.label}" if self.section else self.label


@dataclass
class GoldFact:
    measure: int | None  # index into GoldDocument.measures; None = may sit in any measure
    from_any: frozenset[str]  # normalised alternatives; empty = any origin
    to_any: frozenset[str]
    kind: str
    optional: bool
    evidence: str


@dataclass
class GoldField:
    accept: frozenset[str]  # normalised acceptable values; empty = expected absent
    required: bool


@dataclass
class GoldDocument:
    file: str
    sha256: str | None
    region: GoldField
    title: GoldField
    issuer: GoldField
    date: GoldField
    measure_count: int
    measures: list[GoldMeasure]
    facts: list[GoldFact]
    level: str | None = None  # national | province | prefecture | county | zone; None = not annotated
    parents: tuple[str, ...] = ()  # normalised parent chain, nearest first
    theme_keys: tuple[str, ...] = SCORED_THEME_KEYS
    display_region: str = ""  # the gold's first spelling of the region, for tables



def _alternatives(value: Any, norm) -> frozenset[str]:
    if value is None:
        return frozenset()
    values = value if isinstance(value, list) else [value]
    return frozenset(norm(str(v)) for v in values if str(v).strip())


def _field(spec: Any, norm) -> GoldField:
    if isinstance(spec, dict):
        return GoldField(_alternatives(spec.get("accept"), norm), bool(spec.get("required", True)))
    accept = _alternatives(spec, norm)
    return GoldField(accept, bool(accept))


def _region_alternatives(value: Any) -> frozenset[str]:
    if value is None or value == ANY_REGION:
        return frozenset()
    return _alternatives(value, norm_name)


def _measure_index(measures: list[GoldMeasure], label: Any, section: Any, file: str) -> int | None:
    if label is None:
        return None
    hits = [i for i, m in enumerate(measures)
            if norm_label(m.label) == norm_label(str(label)) and (section is None or m.section == str(section))]
    if len(hits) != 1:
        raise ValueError(f"{file}: replication fact names measure {label!r} (section {section!r}) "
                         f"which matches {len(hits)} gold measures")
    return hits[0]


def _first_spelling(value: Any) -> str:
    values = value if isinstance(value, list) else [value]
    return norm_name(str(values[0])) if values and values[0] not in (None, ANY_REGION) else ""


def load_gold(path: Path, theme_keys: tuple[str, ...] = SCORED_THEME_KEYS) -> GoldDocument:
    raw = read_yaml(path)
    file = raw["file"]
    measures = [
        GoldMeasure(
            label=str(m["label"]),
            section=str(m["section"]) if m.get("section") is not None else None,
            title=str(m.get("title") or ""),
            lead=list(m.get("lead") or []),
            support=list(m.get("support") or []),
            deadline=None if m.get("deadline") is None else str(m["deadline"]),
            ip_pledge=bool(m.get("ip_pledge", False)),
            themes=frozenset(m.get("themes") or []) | ({"ip_pledge_financing"} if m.get("ip_pledge") else set()),
            themes_unsure=frozenset(m.get("themes_unsure") or []),
            scope=frozenset(norm_name(str(r)) for r in (m.get("scope") or [])),
        )
        for m in raw.get("measures") or []
    ]
    facts = [
        GoldFact(
            measure=_measure_index(measures, f.get("measure"), f.get("section"), file),
            from_any=_region_alternatives(f.get("from")),
            to_any=_region_alternatives(f.get("to")),
            kind=str(f.get("kind") or "replicate"),
            optional=bool(f.get("optional", False)),
            evidence=str(f.get("evidence") or ""),
        )
        for f in raw.get("replications") or []
    ]
    doc = raw.get("document") or {}
    gold = GoldDocument(
        file=file,
        sha256=raw.get("sha256"),
        region=_field(doc.get("region"), norm_name),
        title=_field(doc.get("title"), norm_text),
        issuer=_field(doc.get("issuer"), norm_text),
        date=_field(doc.get("date"), norm_name),
        measure_count=int(raw.get("measure_count", len(measures))),
        measures=measures,
        facts=facts,
        level=str(doc["level"]) if doc.get("level") else None,
        parents=tuple(norm_name(str(p)) for p in (doc.get("parents") or [])),
        theme_keys=theme_keys,
        display_region=_first_spelling(doc.get("region")),
    )
    unknown = {k for m in measures for k in m.themes | m.themes_unsure} - set(theme_keys)
    if unknown:
        raise ValueError(f"{file}: theme keys not scored by this gold set: {sorted(unknown)}")
    if gold.measure_count != len(measures):
        raise ValueError(f"{file}: measure_count {gold.measure_count} but {len(measures)} measures annotated")
    return gold


def load_gold_dir(gold_dir: Path = GOLD_DIR, theme_keys: tuple[str, ...] = SCORED_THEME_KEYS
                  ) -> list[GoldDocument]:
    return [load_gold(p, theme_keys) for p in sorted(Path(gold_dir).glob("*.yaml"))]


# ----------------------------------------------------------------------------------------------- matching
def _occurrence_keys(labels: Iterable[str]) -> list[tuple[str, int]]:
    seen: Counter[str] = Counter()
    keys = []
    for label in labels:
        n = norm_label(label)
        keys.append((n, seen[n]))
        seen[n] += 1
    return keys


def _predicted_measures(record: DocumentRecord) -> list[MeasureRecord]:
    measures = [m for m in record.measures if m.kind == "measure"]
    return sorted(measures, key=lambda m: (m.start, m.ordinal))


def match_measures(gold: GoldDocument, predicted: list[MeasureRecord]) -> dict[int, int]:
    """gold measure index -> predicted measure index, by label and order of occurrence."""
    pred_index = {key: i for i, key in enumerate(_occurrence_keys(m.label for m in predicted))}
    pairs = {}
    for gi, key in enumerate(_occurrence_keys(m.label for m in gold.measures)):
        if key in pred_index:
            pairs[gi] = pred_index[key]
    return pairs


def _agency_score(gold_names: list[str], refs: list) -> tuple[Score, list[str], list[str]]:
    """Match gold names to predicted AgencyRefs on printed form or canonical name, one to one."""
    remaining = list(dict.fromkeys(norm_name(n) for n in gold_names))
    seen: set[tuple[str, str]] = set()
    unmatched_pred: list[str] = []
    tp = 0
    candidates = []
    for ref in refs:
        key = (norm_name(ref.printed), norm_name(ref.name))
        if key in seen:
            continue
        seen.add(key)
        candidates.append(key)
    # printed-form matches first, so a canonical name shared by two printed forms cannot steal a slot
    leftovers = []
    for printed, name in candidates:
        if printed in remaining:
            remaining.remove(printed)
            tp += 1
        else:
            leftovers.append((printed, name))
    for printed, name in leftovers:
        if name in remaining:
            remaining.remove(name)
            tp += 1
        else:
            unmatched_pred.append(printed or name)
    return Score(tp, len(unmatched_pred), len(remaining)), remaining, unmatched_pred


def _has_ip_pledge(measure: MeasureRecord) -> bool:
    return any(hit.key in IP_PLEDGE_THEME_KEYS for hit in measure.themes)


def _same_sentence(gold_evidence: str, predicted_evidence: str) -> bool:
    if not gold_evidence or not predicted_evidence:
        return False
    core = gold_evidence[:12]
    return core in predicted_evidence or predicted_evidence in gold_evidence


def _predicted_themes(measure: MeasureRecord, theme_keys: tuple[str, ...] = SCORED_THEME_KEYS) -> set[str]:
    keys = {hit.key for hit in measure.themes}
    if keys & IP_PLEDGE_THEME_KEYS:
        keys.add("ip_pledge_financing")
    return keys & set(theme_keys)


def _title_matches(gold_prefix: str, title: str, label: str) -> bool:
    want, got = norm_text(gold_prefix), norm_text(title)
    if not want:
        return True
    lab = norm_text(label)
    if lab and got.startswith(lab) and not want.startswith(lab):
        got = got[len(lab):]
    return got.startswith(want)


# --------------------------------------------------------------------------------------------- evaluation
class _DocEvaluation:
    def __init__(self, gold: GoldDocument, record: DocumentRecord | None):
        self.gold = gold
        self.record = record
        self.scores = {m: Score() for m in METRICS}
        self.disagreements: list[Disagreement] = []

    def _disagree(self, metric: str, measure: str | None, expected: Any, got: Any) -> None:
        self.disagreements.append(Disagreement(self.gold.file, metric, measure, expected, got))

    def _add(self, metric: str, tp: int = 0, fp: int = 0, fn: int = 0) -> None:
        self.scores[metric] = self.scores[metric] + Score(tp, fp, fn)

    def run(self) -> None:
        predicted = _predicted_measures(self.record) if self.record else []
        pairs = match_measures(self.gold, predicted)
        matched_pred = set(pairs.values())
        for gi, gm in enumerate(self.gold.measures):
            pm = predicted[pairs[gi]] if gi in pairs else None
            self._measure(gm, pm)
        for pi, pm in enumerate(predicted):
            if pi not in matched_pred:
                self._extra_measure(pm)
        self._replications(predicted, pairs)
        self._metadata()

    def _measure(self, gm: GoldMeasure, pm: MeasureRecord | None) -> None:
        where = gm.display
        if pm is None:
            self._add("measures", fn=1)
            self._disagree("measures", where, gm.label, None)
            self._add("titles", fn=1)
            for role, names in (("lead", gm.lead), ("support", gm.support)):
                self._add(f"agencies_{role}", fn=len(set(names)))
                self._add("agencies", fn=len(set(names)))
            self._add("deadlines", fn=int(gm.deadline is not None))
            self._add("theme_ip_pledge", fn=int(gm.ip_pledge))
            self._add("themes", fn=len(gm.themes - gm.themes_unsure))
            self._add("scope", fn=len(gm.scope))
            return
        self._add("measures", tp=1)
        if _title_matches(gm.title, pm.title, pm.label):
            self._add("titles", tp=1)
        else:
            self._add("titles", fp=1, fn=1)
            self._disagree("titles", where, gm.title, pm.title[:30])
        for role, names in (("lead", gm.lead), ("support", gm.support)):
            refs = [a for a in pm.agencies if a.role == role]
            score, missed, extra = _agency_score(names, refs)
            self._add(f"agencies_{role}", score.tp, score.fp, score.fn)
            self._add("agencies", score.tp, score.fp, score.fn)
            if missed or extra:
                self._disagree(f"agencies_{role}", where, {"missing": missed}, {"unexpected": extra})
        self._deadline(where, gm.deadline, pm.deadline)
        got = _has_ip_pledge(pm)
        if gm.ip_pledge and got:
            self._add("theme_ip_pledge", tp=1)
        elif gm.ip_pledge != got:
            self._add("theme_ip_pledge", fp=int(got), fn=int(gm.ip_pledge))
            self._disagree("theme_ip_pledge", where, gm.ip_pledge, got)
        want_themes = gm.themes - gm.themes_unsure
        got_themes = _predicted_themes(pm, self.gold.theme_keys) - gm.themes_unsure
        self._add("themes", tp=len(want_themes & got_themes), fp=len(got_themes - want_themes),
                  fn=len(want_themes - got_themes))
        if want_themes != got_themes:
            self._disagree("themes", where, {"missing": sorted(want_themes - got_themes)},
                           {"unexpected": sorted(got_themes - want_themes)})
        got_scope = {norm_name(r) for r in pm.scope}
        self._add("scope", tp=len(gm.scope & got_scope), fp=len(got_scope - gm.scope),
                  fn=len(gm.scope - got_scope))
        if gm.scope != got_scope:
            self._disagree("scope", where, sorted(gm.scope), sorted(got_scope))

    def _deadline(self, where: str, want: str | None, got: str | None) -> None:
        want_n, got_n = norm_name(want), norm_name(got)
        if want_n and got_n == want_n:
            self._add("deadlines", tp=1)
            return
        if not want_n and not got_n:
            return
        self._add("deadlines", fp=int(bool(got_n)), fn=int(bool(want_n)))
        self._disagree("deadlines", where, want, got)

    def _extra_measure(self, pm: MeasureRecord) -> None:
        where = f"(extra) {pm.label}"
        self._add("measures", fp=1)
        self._disagree("measures", where, None, f"{pm.label} {pm.title[:20]}")
        self._add("titles", fp=1)
        for role in ("lead", "support"):
            n = len({(a.printed, a.name) for a in pm.agencies if a.role == role})
            self._add(f"agencies_{role}", fp=n)
            self._add("agencies", fp=n)
        self._add("deadlines", fp=int(bool(pm.deadline)))
        self._add("theme_ip_pledge", fp=int(_has_ip_pledge(pm)))
        self._add("themes", fp=len(_predicted_themes(pm, self.gold.theme_keys)))
        self._add("scope", fp=len(set(pm.scope)))

    def _replications(self, predicted: list[MeasureRecord], pairs: dict[int, int]) -> None:
        gold_of_pred = {pi: gi for gi, pi in pairs.items()}
        # gold measure, from, to, kind, where, evidence
        preds: list[tuple[int | None, str, str, str, str, str]] = []
        seen = set()
        for pi, pm in enumerate(predicted):
            for fact in pm.replications:
                key = (pi, norm_name(fact.from_region), norm_name(fact.to_region))
                if key in seen:
                    continue
                seen.add(key)
                preds.append((gold_of_pred.get(pi), key[1], key[2], fact.kind, pm.label, norm_text(fact.evidence)))
        used = [False] * len(preds)

        def fits(g: GoldFact, p) -> bool:
            if g.measure is None:
                # a statement outside any measure is recognised by its sentence, wherever it was attached
                same_place = _same_sentence(norm_text(g.evidence), p[5])
            else:
                same_place = p[0] == g.measure
            from_ok = not g.from_any or p[1] in g.from_any
            return same_place and from_ok and p[2] in g.to_any

        # measure-bound before free-floating, required before optional: the most specific claim wins
        order = sorted(self.gold.facts, key=lambda g: (g.optional, g.measure is None))
        for g in order:
            hit = next((i for i, p in enumerate(preds) if not used[i] and fits(g, p)), None)
            where = self.gold.measures[g.measure].display if g.measure is not None else None
            if hit is not None:
                used[hit] = True
                if not g.optional:
                    self._add("replications", tp=1)
                    if preds[hit][3] != g.kind:
                        self._disagree("replication_kind", where, g.kind, preds[hit][3])
            elif not g.optional:
                self._add("replications", fn=1)
                self._disagree("replications", where,
                               {"from": sorted(g.from_any) or ANY_REGION, "to": sorted(g.to_any),
                                "evidence": g.evidence}, None)
        for i, p in enumerate(preds):
            if not used[i]:
                self._add("replications", fp=1)
                where = self.gold.measures[p[0]].display if p[0] is not None else f"(extra) {p[4]}"
                self._disagree("replications", where, None, {"from": p[1], "to": p[2], "kind": p[3]})

    def _metadata(self) -> None:
        rec = self.record
        checks = (
            ("region", self.gold.region, norm_name(rec.region) if rec else ""),
            ("title", self.gold.title, norm_text(rec.title) if rec else ""),
            ("issuer", self.gold.issuer, norm_text(rec.issuer) if rec else ""),
            ("date", self.gold.date, norm_name(rec.date) if rec else ""),
        )
        for name, want, got in checks:
            if got and got in want.accept:
                self._add("metadata", tp=1)
                self._add(f"doc_{name}", tp=1)
                continue
            if not got and not want.required:
                continue
            self._add("metadata", fp=int(bool(got)), fn=int(want.required))
            self._add(f"doc_{name}", fp=int(bool(got)), fn=int(want.required))
            self._disagree("metadata", None, {name: sorted(want.accept)}, {name: got or None})
        self._level()

    def _level(self) -> None:
        """The region's level, and the gold's parent chain among the predicted region's ancestors."""
        want = self.gold.level
        if want is None:
            return
        got = (self.record.level or None) if self.record else None
        ancestors = set()
        if self.record and self.record.region:
            from ingest.regions import load_gazetteer

            # chain(): listed regions and zones named the genre's way (X经济技术开发区 under its city)
            ancestors = {norm_name(a) for a in load_gazetteer().chain(self.record.region)}
        missing_parents = [p for p in self.gold.parents if p not in ancestors]
        if got == want and not missing_parents:
            self._add("doc_level", tp=1)
            return
        self._add("doc_level", fp=int(bool(got)), fn=1)
        self._disagree("doc_level", None, {"level": want, "parents": list(self.gold.parents)},
                       {"level": got, "ancestors": sorted(ancestors)})


def _record_for(gold: GoldDocument, records: list[DocumentRecord]) -> DocumentRecord | None:
    for rec in records:
        if Path(rec.path).name == gold.file or (gold.sha256 and rec.sha256 == gold.sha256):
            return rec
    return None


def evaluate(records: list[DocumentRecord], gold_dir: Path = GOLD_DIR,
             theme_keys: tuple[str, ...] = SCORED_THEME_KEYS) -> Report:
    """Score ingested records against every gold file in gold_dir."""
    report = Report()
    golds = load_gold_dir(gold_dir, theme_keys)
    claimed: set[int] = set()
    for gold in golds:
        record = _record_for(gold, records)
        if record is None:
            report.missing.append(gold.file)
        else:
            claimed.add(id(record))
        ev = _DocEvaluation(gold, record)
        ev.run()
        report.documents[gold.file] = ev.scores
        report.regions[gold.file] = gold.display_region
        got = len(_predicted_measures(record)) if record else 0
        report.measure_counts[gold.file] = (gold.measure_count, got)
        report.levels[gold.file] = (gold.level, (record.level or None) if record else None)
        report.disagreements.extend(ev.disagreements)
    report.unevaluated = [r.path for r in records if id(r) not in claimed]
    return report


# -------------------------------------------------------------------------------------------- command
def corpus_paths(gold_dir: Path, corpus_dir: Path) -> list[Path]:
    """The documents the gold files describe, looked up in the corpus folder."""
    return [Path(corpus_dir) / read_yaml(p)["file"] for p in sorted(Path(gold_dir).glob("*.yaml"))]


def evaluate_set(gold_set: GoldSet) -> Report:
    """Run the real ingest pipeline on one gold set's documents and score it."""
    from ingest.pipeline import ingest_paths

    records = ingest_paths(corpus_paths(gold_set.gold_dir, gold_set.corpus_dir))
    return evaluate(records, gold_set.gold_dir, gold_set.theme_keys)


def gold_set(name: str) -> GoldSet:
    for s in GOLD_SETS:
        if s.name == name:
            return s
    raise KeyError(f"unknown gold set {name!r}; known: {', '.join(s.name for s in GOLD_SETS)}")


# The fields the matrix shows, in the order a reader checks a document: where and what, then its measures.
MATRIX_METRICS = ("doc_region", "doc_level", "doc_title", "doc_issuer", "doc_date", "measures",
                  "agencies_lead", "agencies_support", "scope", "replications", "themes")


MATRIX_HEADERS = {"doc_region": "region", "doc_level": "level", "doc_title": "title", "doc_issuer": "issuer",
                  "doc_date": "date", "measures": "meas", "agencies_lead": "lead", "agencies_support": "supp",
                  "replications": "repl"}


def rich_matrix(report: Report, title: str):
    """One row per document (F1 per field, measure count expected/got) and the micro-average."""
    from rich.table import Table

    table = Table(title=title)
    table.add_column("document")
    table.add_column("count", justify="right")
    for metric in MATRIX_METRICS:
        table.add_column(MATRIX_HEADERS.get(metric, metric), justify="right")
    for file, scores in report.documents.items():
        expected, got = report.measure_counts.get(file, (0, 0))
        mark = "" if expected == got else " ✗"
        table.add_row(f"{file[:3]}{report.regions.get(file, '')}", f"{got}/{expected}{mark}",
                      *(f"{scores[m].f1:.2f}" for m in MATRIX_METRICS))
    table.add_section()
    overall = report.overall()
    counts, levels = report.counts_right(), report.region_and_level_right()
    table.add_row("overall (micro)", f"{counts[0]}/{counts[1]} docs",
                  *(f"{overall[m].f1:.3f}" for m in MATRIX_METRICS))
    table.caption = (f"measure counts right on {counts[0]}/{counts[1]} documents; region and level right "
                     f"on {levels[0]}/{levels[1]}")
    return table


def rich_table(report: Report, title: str = "Extraction accuracy against tests/gold"):
    from rich.table import Table

    table = Table(title=title)
    for col in TABLE_COLUMNS:
        table.add_column(col, justify="left" if col in ("document", "metric") else "right")
    previous = None
    for row in report.table():
        if previous is not None and row[0] != previous:
            table.add_section()
        previous = row[0]
        table.add_row(*row)
    return table
