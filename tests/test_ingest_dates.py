"""Deadlines and document dates in the forms the genre prints them."""
from __future__ import annotations

import pytest

from ingest.dates import find_deadline, find_document_date, normalise_deadline, parse_date
from ingest.pipeline import ingest_bytes


@pytest.mark.parametrize("raw, expected", [
    ("2020年12月", "2020-12"), ("2021年8月底", "2021-08"), ("2021年6月30日前", "2021-06-30"),
    ("2020年底", "2020-12"), ("2022年", "2022"), ("持续推进", "ongoing"), ("长期", "ongoing"),
    ("二〇二一年三月", "2021-03"), ("视情况而定", None), ("", None),
])
def test_normalise_deadline(raw, expected):
    assert normalise_deadline(raw) == expected


def test_find_deadline_in_measure_text():
    assert find_deadline("1.任务。\n责任单位:市科技局\n完成时限:2021年8月") == ("2021年8月", "2021-08")
    assert find_deadline("没有时限的任务。") == (None, None)


@pytest.mark.parametrize("lines, expected", [
    (["厦门市人民政府办公厅", "2020年5月11日", "(此件主动公开)"], "2020-05-11"),
    (["2022-07-05 09:52 来源:", "调整字体"], "2022-07-05"),
    (["信息公开", "发布时间:2021-03-30 17:16:02   索引号:    文号:    来源:"], "2021-03-30"),
    (["2020年以来，我市推进改革。"], None),  # a year inside prose is not the document's date
])
def test_document_date(lines, expected):
    assert find_document_date(lines) == expected


def test_parse_date_forms():
    assert parse_date("2020-6-5") == "2020-06-05"
    assert parse_date("二〇二〇年五月十一日") == "2020-05-11"
    assert parse_date("2020-12-31") == "2020-12-31" and parse_date("2020.1.1") == "2020-01-01"
    assert parse_date("2020-13-05") is None and parse_date("2020-12-32") is None  # no such day


@pytest.mark.parametrize("raw,expected", [
    ("二〇二一年", "2021"), ("二零二二年底前完成", "2022-12"), ("２０２０年", "2020"),  # years in Chinese numerals
    ("2021年上半年", "2021-06"), ("2021年下半年完成", "2021-12"),  # a half year ends in its last month
    ("2022年第三季度", "2022-09"), ("2023年4季度", "2023-12"),
])
def test_deadlines_named_by_year_half_or_quarter(raw, expected):
    assert parse_date(raw) == expected
    assert normalise_deadline(raw) == expected


def test_garbled_document_number_is_kept_as_printed():
    text = "2020-06-05 08:56 來源 :\n\n某市關於推進創新的實施意見的通知\n\n圖政辦發〔201889\n\n(一)推進改革。(市工信局牽頭負責)\n"
    record = ingest_bytes(text.encode("utf-8"), "garbled.txt", {"region": "图们"})
    assert record.doc_number == "图政办发〔201889"
    assert record.date == "2020-06-05"
    assert record.script == "traditional"
    assert [m.title for m in record.measures] == ["推进改革。"]


@pytest.mark.parametrize("text, raw, normalised", [
    # the parenthesis that closes an item: responsibility parts, then the deadline
    ("（一）推行企业开办“一网通办”。（省市场监管局牵头，省公安厅、省税务局配合，2032年6月底前完成）",
     "2032年6月底前完成", "2032-06"),
    ("（二）推行“拿地即开工”。（省住房城乡建设厅牵头，各市（州）人民政府负责；2032年底前完成）。", "2032年底前完成", "2032-12"),
    ("（三）推广知识产权质押融资。（省知识产权局、人民银行按职责分工负责，持续推进）", "持续推进", "ongoing"),
    ("4．建设数据平台。（省大数据局牵头，2033年第二季度前完成）", "2033年第二季度前完成", "2033-06"),
    ("5．优化审批。（市政务服务局牵头，2032年）", "2032年", "2032"),
    # goals in the prose, a year label in parentheses and a start date are not deadlines
    ("6．2032年底前银税互动贷款余额增长20%以上。", None, None),
    ("7．实施质量提升行动（2020年）。", None, None),
    ("8．全面推行电子证照（2033年起）。", None, None),
])
def test_deadline_in_the_closing_responsibility_parenthesis(text, raw, normalised):
    assert find_deadline(text) == (raw, normalised)
