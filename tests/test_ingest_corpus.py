"""The founding corpus through the whole ingest pipeline: what a researcher would check by eye."""
from __future__ import annotations

from pathlib import Path

import pytest

from ingest.normalise import to_simplified
from ingest.pipeline import ingest_file, ingest_paths

CORPUS = Path(__file__).resolve().parent.parent / "data" / "corpus"
XIAMEN, FUJIAN, TUMEN, WUHAN, YUNNAN = (
    "000_4db036ec0a2b74b7.txt", "001_633e55d7782fd199.txt", "002_8c9ad063a80fd192.txt",
    "003_a7b5ac6b33198d3d.txt", "004_0ab2cbae05243f0f.txt")


@pytest.fixture(scope="module")
def docs():
    return {Path(d.path).name: d for d in ingest_paths([CORPUS])}


def measures(doc):
    return [m for m in doc.measures if m.kind == "measure"]


def by_label(doc, label, nth=0):
    return [m for m in measures(doc) if m.label == label][nth]


def names(measure, role):
    return [a.name for a in measure.agencies if a.role == role]


@pytest.mark.parametrize("file, count, safeguards", [
    (XIAMEN, 19, 3), (FUJIAN, 7, 3), (TUMEN, 33, 0), (WUHAN, 18, 0), (YUNNAN, 24, 3)])
def test_measure_and_safeguard_counts(docs, file, count, safeguards):
    doc = docs[file]
    assert len(measures(doc)) == count
    assert sum(m.kind == "safeguard" for m in doc.measures) == safeguards


def test_measure_titles_sample(docs):
    assert by_label(docs[XIAMEN], "1.").title == "提高行政审批服务国际化水平。"
    assert by_label(docs[XIAMEN], "1.").section == "三/(一)/1"
    assert by_label(docs[YUNNAN], "19.").title == "优化体制机制。"
    assert by_label(docs[WUHAN], "(一)", 2).title == "光电子产业集群全面形成"
    assert by_label(docs[FUJIAN], "6").title == "创新知识产权金融服务模式"
    safeguard_titles = [m.title for m in docs[XIAMEN].measures if m.kind == "safeguard"]
    assert safeguard_titles == ["完善工作机制。", "加强部门协作。", "制定配套政策。"]


def test_wuhan_measure_is_heading_plus_body(docs):
    m = by_label(docs[WUHAN], "(二)", 1)  # 二、(二)
    assert m.section == "二/(二)"
    assert m.text.startswith("(二)强化金融赋能科技创新\n出台支持“硬核科技”企业发展的专项政策")
    assert m.text.endswith("建立科技保险创新容错免责机制。")


def test_offsets_point_into_the_original_text(docs):
    for doc in docs.values():
        for m in doc.measures:
            assert doc.text_original[m.start:m.end] == m.text_original
            assert m.text_original.strip()


def test_page_chrome_never_enters_a_measure(docs):
    for doc in docs.values():
        for m in doc.measures:
            for line in m.text.split("\n"):
                for chrome in ("相关链接", "打印", "调整字体", "联系人", "抄送", "附件", "发布时间", "0"):
                    assert not line.startswith(chrome), (m.id, line)
    last = measures(docs[TUMEN])[-1]
    assert "各部门要按照本实施意见的要求" not in last.text  # the closing paragraph is no measure's


def test_traditional_tumen_is_processed_in_simplified(docs):
    doc = docs[TUMEN]
    assert doc.script == "traditional"
    assert doc.title.startswith("图们市关于强化实施创新驱动发展战略")
    first = measures(doc)[0]
    assert first.title.startswith("严格执行国家有关法律、法规")
    assert first.text_original.startswith("(一)嚴格執行")
    for m in measures(doc):
        assert to_simplified(m.title) == m.title and to_simplified(m.text) == m.text
        assert m.id.startswith(doc.id + "-")
    assert "制度" in by_label(doc, "(三)").title  # machine-converted 製度 folded to 制度


def test_xiamen_lead_and_support_agencies(docs):
    m1 = by_label(docs[XIAMEN], "1.")
    assert names(m1, "lead") == ["市审批管理局", "自贸委", "市科技局"]
    assert names(m1, "support") == ["市发改委", "市工信局", "市市场监管局", "火炬管委会"]
    m15 = by_label(docs[XIAMEN], "15.")
    assert "市科技局" in names(m15, "lead") and "市科技局" in names(m15, "support")
    m5 = by_label(docs[XIAMEN], "5.")
    assert {"市检察院", "市中级法院"} <= set(names(m5, "mention"))
    assert not {"市检察院", "市中级法院"} & set(names(m5, "lead") + names(m5, "support"))
    # Xiamen's own agencies, and its districts' governments as those districts' (湖里区政府 -> 湖里)
    regions = {(a.printed, a.region) for m in measures(docs[XIAMEN]) for a in m.agencies if a.region != "厦门"}
    assert regions == {("湖里区政府", "湖里"), ("海沧区政府", "海沧"), ("思明区政府", "思明")}


def test_tumen_agency_runs_without_separators_are_split(docs):
    doc = docs[TUMEN]
    assert names(by_label(doc, "(七)"), "lead") == ["市银监办", "人民银行"]
    assert names(by_label(doc, "(八)"), "lead") == ["市金融办", "市银监办", "人民银行", "市财政局", "市工信局", "市发改局"]
    assert names(by_label(doc, "(二十七)"), "lead") == [
        "市发改局", "市财政局", "市外事商务局", "市市场和质量监管局", "市软环境办"]
    assert names(by_label(doc, "(二十八)"), "lead") == ["市市场和质量监管局"]  # 及有关部门 dropped
    assert names(by_label(doc, "(一)"), "lead") == ["市市场和质量监管局"]
    assert all(not names(m, "support") for m in measures(doc))


def test_fujian_table_rows_are_the_measures(docs):
    doc = docs[FUJIAN]
    ms = measures(doc)
    assert [m.label for m in ms] == ["1", "2", "3", "4", "5", "6", "7"]
    first = ms[0]
    assert first.fields["已实施区域"] == "厦门片区"
    assert first.fields["拟推广区域"] == "自贸试验区、自创区"
    assert first.text.startswith("改革出入境特殊物品审批制度\n①高风险特殊物品自主风险评估")
    assert first.text_original.startswith("1\n\t改革出入境特殊物品审批制度")
    assert first.section == "一/（二）/1"  # where the numbered list names the same policy
    # each unit as printed, belonging to its own place (福州市政府 is 福州's 市政府, not 福建's)
    assert [(a.printed, a.region) for a in first.agencies if a.role == "lead"] == [
        ("福州海关", "福州"), ("厦门海关", "厦门"), ("福州市政府", "福州"), ("厦门市政府", "厦门"),
        ("泉州市政府", "泉州"), ("平潭综合实验区管委会", "平潭")]
    assert names(first, "lead")[2:5] == ["市政府", "市政府", "市政府"]
    assert [(a.printed, a.region) for a in ms[3].agencies if a.role == "lead"] == [
        ("各设区市政府", "福建"), ("平潭综合实验区管委会", "平潭")]


def test_deadlines(docs):
    doc = docs[XIAMEN]
    assert by_label(doc, "1.").deadline == "ongoing"
    assert by_label(doc, "5.").deadline == "2020-12"
    assert by_label(doc, "6.").deadline == "2021-08"
    assert by_label(doc, "6.").deadline_raw == "2021年8月"
    assert all(m.deadline is None for m in measures(docs[YUNNAN]))  # goals in prose are not deadlines


def test_document_metadata(docs):
    assert docs[XIAMEN].date == "2020-05-11" and docs[XIAMEN].issuer == "厦门市人民政府办公厅"
    assert docs[FUJIAN].date is None
    assert docs[TUMEN].date == "2020-06-05"
    assert docs[TUMEN].doc_number == "图政办发〔201889"
    assert docs[WUHAN].date == "2022-07-05" and docs[YUNNAN].date == "2021-03-30"
    assert [docs[f].region for f in (XIAMEN, FUJIAN, TUMEN, WUHAN, YUNNAN)] == ["厦门", "福建", "图们", "武汉", "云南"]


def test_ids_are_stable_across_runs(docs):
    again = ingest_file(CORPUS / XIAMEN)
    first = docs[XIAMEN]
    assert again.id == first.id == first.sha256[:12]
    assert [m.id for m in again.measures] == [m.id for m in first.measures]
    assert first.measures[0].id == f"{first.id}-001"
    assert [m.id for m in first.measures if m.kind == "safeguard"][0] == f"{first.id}-s01"


def test_measure_records_carry_themes_and_regions(docs):
    m = by_label(docs[WUHAN], "(二)", 0)
    assert m.themes and "武汉" in docs[WUHAN].region
    assert any(r.startswith("湖北") for r in m.regions_mentioned)
    assert "total" in docs[WUHAN].timings
