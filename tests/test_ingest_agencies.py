"""Agency lists as the genre prints them, and agency identity within a region."""
from __future__ import annotations

import pytest

from ingest.agencies import canonical_name, extract_agencies, split_agency_list
from ingest.regions import load_gazetteer


@pytest.fixture(scope="module")
def gaz():
    return load_gazetteer()


@pytest.mark.parametrize("printed, expected", [
    ("市金融辦市銀監辦人民銀行", ["市金融办", "市银监办", "人民银行"]),
    ("市外事商务局市市场和质量监管局", ["市外事商务局", "市市场和质量监管局"]),
    ("市农牧局市国土局等单位", ["市农牧局", "市国土局"]),
    ("人民银行市银监办", ["人民银行", "市银监办"]),
    ("市市场和质量监管局及有关部门按职责分工负责", ["市市场和质量监管局"]),
    ("市工信局、市财政局、开发区牵头负责", ["市工信局", "市财政局", "开发区"]),
    ("各设区市政府、平潭综合实验区管委会", ["各设区市政府", "平潭综合实验区管委会"]),
    ("自贸委、火炬管委会,配合", ["自贸委", "火炬管委会", "配合"]),
    ("国家外汇管理局厦门分局、人行厦门市中心支行", ["国家外汇管理局厦门分局", "人行厦门市中心支行"]),
])
def test_split_agency_list(gaz, printed, expected):
    assert split_agency_list(printed, gazetteer=gaz) == expected


def test_distributive_list_expands_to_each_city(gaz):
    assert split_agency_list("福州海关、厦门海关，福州、厦门、泉州市政府、平潭综合实验区管委会", gazetteer=gaz) == [
        "福州海关", "厦门海关", "福州市政府", "厦门市政府", "泉州市政府", "平潭综合实验区管委会"]


def test_aliases_merge_within_the_region(gaz):
    assert canonical_name("厦门市科学技术局", "厦门", gaz) == canonical_name("市科技局", "厦门", gaz) == "市科技局"
    assert canonical_name("厦门市市场监督管理局", "厦门", gaz) == "市市场监管局"
    assert canonical_name("湖里区人民政府", "厦门", gaz) == "湖里区政府"
    # another city's agency keeps its city: identity is region-scoped
    assert canonical_name("泉州市科学技术局", "厦门", gaz) == "泉州市科技局"


def test_roles_from_field_lines_closing_notes_and_prose(gaz):
    text = ("5.健全保护机制。会同厦门海关、市公安局联合建立协作机制，依托武汉知识产权交易所开展交易。\n"
            "责任单位:自贸委、市市场监管局,配合单位:市公安局、市司法局\n完成时限:2020年12月")
    refs = extract_agencies(text, "厦门", gazetteer=gaz)
    got = {(a.name, a.role) for a in refs}
    assert {("自贸委", "lead"), ("市市场监管局", "lead"), ("市公安局", "support"), ("市司法局", "support")} <= got
    assert ("厦门海关", "mention") in got and ("武汉知识产权交易所", "mention") in got
    assert ("市公安局", "mention") not in got  # already named with a role
    # each agency belongs to its own place: Wuhan's exchange named in a Xiamen plan is Wuhan's
    assert {a.printed: a.region for a in refs}["武汉知识产权交易所"] == "武汉"
    assert all(a.region == "厦门" for a in refs if a.printed != "武汉知识产权交易所")
    lead = [a for a in refs if a.role == "lead"][0]
    assert lead.evidence.startswith("责任单位")


def test_traditional_closing_note_is_read_in_simplified(gaz):
    refs = extract_agencies("(二)推動改革。(市工信局、市科協等單位按職責分工負責)", "图们", gazetteer=gaz)
    assert [(a.name, a.role, a.printed) for a in refs] == [
        ("市工信局", "lead", "市工信局"), ("市科协", "lead", "市科协")]


def test_prose_mentions_join_adjacent_names_and_skip_common_words(gaz):
    refs = extract_agencies("引进省药监局武汉分局等机构，推进市场监督管理局综合执法改革。", "武汉", gazetteer=gaz)
    assert [(a.name, a.role) for a in refs] == [("省药监局武汉分局", "mention")]
