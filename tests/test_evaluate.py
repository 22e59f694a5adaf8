"""Measured extraction accuracy: the evaluator itself, and the real pipeline held to the level reached.

FLOORS is the contract: the F1 each extractor reached on each founding document when it was last
measured. A change that makes any of them drop fails here. Raise a floor when an extractor improves;
never lower one to make a test pass without saying why in the commit.
"""
from __future__ import annotations

import copy
import importlib.util

import pytest

from policy_graph.evaluation import (
    DEVSET_GOLD_DIR,
    DEVSET_SCORED_THEME_KEYS,
    GOLD_DIR,
    METRICS,
    GoldDocument,
    evaluate,
    load_gold_dir,
    norm_name,
    norm_text,
)
from ingest.records import AgencyRef, DocumentRecord, MeasureRecord, ReplicationFact, ThemeHit

XIAMEN = "000_4db036ec0a2b74b7.txt"
FUJIAN = "001_633e55d7782fd199.txt"
TUMEN = "002_8c9ad063a80fd192.txt"
WUHAN = "003_a7b5ac6b33198d3d.txt"
YUNNAN = "004_0ab2cbae05243f0f.txt"

# Minimum F1 per document and metric for the real pipeline (see module docstring).
# measures == 1.0 everywhere and agencies >= 0.95 for Xiamen, Tumen and Fujian are the bar;
# every other value is the level reached when last measured (2026-11-25: all 1.0, after the incubator
# rule stopped matching the growth stage "在孵化、成长、上市" in Xiamen task 12).
_ALL = ("measures", "titles", "agencies_lead", "agencies_support", "agencies", "deadlines",
        "theme_ip_pledge", "themes", "replications", "metadata")
FLOORS: dict[str, dict[str, float]] = {
    XIAMEN: dict.fromkeys(_ALL, 1.0),
    FUJIAN: dict.fromkeys(_ALL, 1.0),
    TUMEN: dict.fromkeys(_ALL, 1.0),
    WUHAN: dict.fromkeys(_ALL, 1.0),
    YUNNAN: dict.fromkeys(_ALL, 1.0),
}


# ------------------------------------------------------------------------------------ synthetic records
def _first(alternatives: frozenset[str]) -> str:
    return sorted(alternatives, key=len)[0] if alternatives else ""


def perfect_record(gold: GoldDocument) -> DocumentRecord:
    """A record that says exactly what the gold says, built without any extractor."""
    region = gold.display_region or _first(gold.region.accept)
    measures = []
    for i, gm in enumerate(gold.measures):
        agencies = [AgencyRef(n, role, n, region, "") for role, names in (("lead", gm.lead), ("support", gm.support))
                    for n in names]
        themes = [ThemeHit(key, [key], "") for key in sorted(gm.themes)]
        facts = [ReplicationFact(_first(f.from_any), _first(f.to_any), "", f.evidence, f.kind)
                 for f in gold.facts if f.measure == i and not f.optional]
        measures.append(MeasureRecord(
            id=f"m{i}", document_id="d", region=region, kind="measure", ordinal=i + 1, section="",
            label=gm.label, title=gm.title + "。其余文字", text="", text_original="", start=i * 10, end=i * 10 + 5,
            deadline=gm.deadline, agencies=agencies, themes=themes, replications=facts, scope=sorted(gm.scope)))
    floating = [ReplicationFact(_first(f.from_any), _first(f.to_any), "", f.evidence, f.kind)
                for f in gold.facts if f.measure is None and not f.optional]
    if floating:
        measures[0].replications.extend(floating)
    return DocumentRecord(
        id="d", path=f"/somewhere/else/{gold.file}", title=_first(gold.title.accept), region=region,
        issuer=_first(gold.issuer.accept) or None, date=_first(gold.date.accept) or None, script="simplified",
        doc_number=None, text_original="", text_simplified="", sha256="", measures=measures,
        level=gold.level or "")


@pytest.fixture(scope="module")
def golds() -> dict[str, GoldDocument]:
    return {g.file: g for g in load_gold_dir(GOLD_DIR)}


def test_gold_covers_the_five_founding_documents_with_their_measure_counts(golds):
    counts = {f: g.measure_count for f, g in golds.items()}
    assert counts == {XIAMEN: 19, FUJIAN: 7, TUMEN: 33, WUHAN: 18, YUNNAN: 24}


def test_gold_is_written_in_simplified_script_and_read_from_the_documents(golds):
    corpus = GOLD_DIR.parent.parent / "data" / "corpus"
    for gold in golds.values():
        text = norm_name((corpus / gold.file).read_text(encoding="utf-8"))
        bare = norm_text(text)
        for gm in gold.measures:
            assert norm_text(gm.title) in bare, (gold.file, gm.label, gm.title)
            for name in gm.lead + gm.support:
                assert norm_name(name) == name.strip(), f"{name} is not simplified"
        for fact in gold.facts:
            assert norm_text(fact.evidence) in bare, (gold.file, fact.evidence)


def test_gold_spells_out_the_hard_agency_cases(golds):
    tumen = {m.label: m for m in golds[TUMEN].measures}
    assert tumen["(八)"].lead[:3] == ["市金融办", "市银监办", "人民银行"]
    assert {"市外事商务局", "市市场和质量监管局"} <= set(tumen["(二十七)"].lead)
    assert tumen["(二十八)"].lead == ["市市场和质量监管局"]  # 及有关部门 dropped
    fujian = {m.label: m for m in golds[FUJIAN].measures}
    assert {"福州市政府", "厦门市政府", "泉州市政府"} <= set(fujian["1"].lead)
    assert "各设区市政府" in fujian["4"].lead
    assert all(not m.lead and not m.support for m in golds[WUHAN].measures + golds[YUNNAN].measures)


def test_a_record_that_says_what_the_gold_says_scores_full_marks(golds):
    report = evaluate([perfect_record(g) for g in golds.values()])
    for file, scores in report.documents.items():
        for metric in METRICS:
            assert scores[metric].f1 == 1.0, (file, metric, scores[metric], report.disagreements)
    assert report.missing == [] and report.unevaluated == []


def test_the_devset_gold_covers_all_fourteen_documents_and_scores_a_perfect_record_full():
    devset = load_gold_dir(DEVSET_GOLD_DIR, DEVSET_SCORED_THEME_KEYS)
    assert len(devset) == 14
    levels = {g.level for g in devset}
    assert {"national", "province", "prefecture", "county", "zone"} <= levels
    report = evaluate([perfect_record(g) for g in devset], DEVSET_GOLD_DIR, DEVSET_SCORED_THEME_KEYS)
    for file, scores in report.documents.items():
        for metric in METRICS:
            assert scores[metric].f1 == 1.0, (file, metric, scores[metric], report.disagreements[:5])
    assert report.counts_right() == [14, 14] and report.region_and_level_right() == [14, 14]


def test_a_wrong_level_or_a_missing_parent_costs_the_level_field(golds):
    gold = golds[TUMEN]
    right = perfect_record(gold)
    assert evaluate([right]).documents[TUMEN]["doc_level"].f1 == 1.0
    wrong_level = copy.deepcopy(right)
    wrong_level.level = "prefecture"
    assert evaluate([wrong_level]).documents[TUMEN]["doc_level"].f1 == 0.0
    # the right level under the wrong parent chain is still wrong: 图们 is not in 福建
    from policy_graph.evaluation import _DocEvaluation

    misplaced = copy.deepcopy(gold)
    misplaced.parents = ("福建",)
    ev = _DocEvaluation(misplaced, right)
    ev.run()
    assert ev.scores["doc_level"].f1 == 0.0


def test_a_deliberately_wrong_record_scores_below_full_marks(golds):
    record = perfect_record(golds[TUMEN])
    wrong = copy.deepcopy(record)
    del wrong.measures[5]  # lose (六)
    m8 = next(m for m in wrong.measures if m.label == "(八)")
    # the classic separator-less failure: one agency where the text names three
    m8.agencies = [a for a in m8.agencies if a.name not in ("市金融办", "市银监办", "人民银行")]
    m8.agencies.append(AgencyRef("市金融办市银监办人民银行", "lead", "市金融办市银监办人民银行", "图们", ""))
    m9 = next(m for m in wrong.measures if m.label == "(九)")
    m9.themes = []  # loses ip_pledge_financing and sci_tech_insurance
    m9.deadline = "2020-12"
    m16 = next(m for m in wrong.measures if m.label == "(十六)")
    m16.replications = [ReplicationFact("图们", "辽源", "", "", "replicate")]  # direction reversed
    wrong.date = "2018-08-09"

    report = evaluate([wrong])
    s = report.documents[TUMEN]
    assert s["measures"].f1 < 1.0 and s["measures"].fn == 1
    assert s["agencies_lead"].fn == 3 + 3 and s["agencies_lead"].fp == 1  # (六)'s three + (八)'s three
    assert s["agencies"].f1 < 1.0
    assert s["theme_ip_pledge"].fn == 1
    assert s["themes"].fn == 2  # (九): ip_pledge_financing and sci_tech_insurance
    assert s["deadlines"].fp == 1
    assert s["replications"].tp == 0 and s["replications"].fp == 1 and s["replications"].fn == 1
    assert s["metadata"].f1 < 1.0
    assert any(d.metric == "agencies_lead" and d.measure == "(八)" for d in report.disagreements)
    assert TUMEN in report.documents and set(report.missing) == {XIAMEN, FUJIAN, WUHAN, YUNNAN}


def test_agencies_match_on_printed_form_or_alias_merged_name(golds):
    record = perfect_record(golds[XIAMEN])
    m1 = record.measures[0]
    for a in m1.agencies:
        if a.printed == "市科技局":
            a.name = "厦门市科学技术局"  # alias-merged canonical name; printed form still matches
        if a.printed == "自贸委":
            a.printed, a.name = "厦门自贸委", "自贸委"  # printed differs, canonical matches
    m1.agencies.append(AgencyRef("厦门大学", "support", "厦门大学", "厦门", ""))  # not in task 1
    s = evaluate([record]).documents[XIAMEN]
    assert s["agencies_lead"].f1 == 1.0
    assert s["agencies_support"].fp == 1 and s["agencies_support"].fn == 0


def test_repeated_labels_are_matched_by_order_and_traditional_script_is_folded(golds):
    record = perfect_record(golds[WUHAN])
    # the five "(一)" of the Wuhan report: swapping two titles must show up as title errors
    firsts = [m for m in record.measures if m.label == "(一)"]
    firsts[0].title, firsts[1].title = firsts[1].title, firsts[0].title
    for m in record.measures:
        m.label = m.label.replace("(", "（").replace(")", "）")  # full-width brackets are the same label
    record.title = "武漢自貿片區高質量發展創新舉措"
    s = evaluate([record]).documents[WUHAN]
    assert s["measures"].f1 == 1.0
    assert s["titles"].tp == 16 and s["titles"].fn == 2
    assert s["metadata"].f1 == 1.0


def test_replication_regions_accept_only_listed_sub_areas(golds):
    record = perfect_record(golds[FUJIAN])
    row1 = record.measures[0]
    row1.replications = [
        ReplicationFact("厦门片区", "福州片区", "", "", "replicate"),
        ReplicationFact("厦门", "平潭", "", "", "replicate"),
        ReplicationFact("厦门", "泉州", "", "", "replicate"),
        ReplicationFact("厦门", "福州", "", "", "replicate"),
        ReplicationFact("厦门片区", "厦门片区", "", "", "replicate"),  # optional self-loop: neither hit nor error
        ReplicationFact("厦门", "福建", "", "", "replicate"),  # 自贸试验区、自创区 is not the whole province
    ]
    s = evaluate([record]).documents[FUJIAN]
    assert s["replications"].fn == 0
    assert s["replications"].fp == 1


# ------------------------------------------------------------------------------------------ real pipeline
def _pipeline_available() -> bool:
    try:
        return importlib.util.find_spec("ingest.pipeline") is not None
    except ImportError:
        return False


@pytest.fixture(scope="module")
def corpus_report():
    if not _pipeline_available():
        pytest.skip("ingest.pipeline is not importable yet")
    from policy_graph.evaluation import evaluate_set, gold_set

    return evaluate_set(gold_set("founding"))


def test_pipeline_finds_exactly_the_annotated_measures(corpus_report):
    for file, (expected, got) in corpus_report.measure_counts.items():
        assert got == expected, f"{file}: {got} measures, gold has {expected}"


@pytest.mark.parametrize("file", sorted(FLOORS))
def test_pipeline_holds_the_accuracy_reached(corpus_report, file):
    scores = corpus_report.documents[file]
    below = {m: round(scores[m].f1, 3) for m, floor in FLOORS[file].items() if scores[m].f1 < floor}
    details = [d for d in corpus_report.disagreements if d.file == file and d.metric in below][:15]
    assert not below, f"{file} below floor {below}; first disagreements: {details}"


# The development set: real documents of every level the extractors were not built on (issue 14's bar
# is F1 >= 0.90 per field; these floors are the level reached when last measured, 2026-12-02).
DEVSET_FLOORS = {"doc_region": 1.0, "doc_level": 1.0, "doc_title": 1.0, "doc_issuer": 1.0, "doc_date": 1.0,
                 "measures": 1.0, "titles": 1.0, "agencies_lead": 1.0, "agencies_support": 1.0, "scope": 1.0,
                 "replications": 1.0, "themes": 0.95}


@pytest.fixture(scope="module")
def devset_report():
    from policy_graph.evaluation import evaluate_set, gold_set

    return evaluate_set(gold_set("devset"))


def test_the_devset_reads_right_document_by_document(devset_report):
    assert devset_report.counts_right() == [14, 14], devset_report.measure_counts
    assert devset_report.region_and_level_right() == [14, 14], [
        d for d in devset_report.disagreements if d.metric in ("metadata", "doc_level")]


@pytest.mark.parametrize("metric", sorted(DEVSET_FLOORS))
def test_the_devset_holds_the_accuracy_reached(devset_report, metric):
    score = devset_report.overall()[metric]
    details = [d for d in devset_report.disagreements if d.metric.startswith(metric.split("_")[0])][:10]
    assert score.f1 >= DEVSET_FLOORS[metric], f"devset {metric} F1 {score.f1:.3f}; first disagreements: {details}"

