"""Per-measure scope in each notation of the genre (sentences written for these tests)."""
from __future__ import annotations

import pytest

from ingest.regions import load_gazetteer
from ingest.scope import measure_scope


@pytest.fixture(scope="module")
def gaz():
    return load_gazetteer()


@pytest.mark.parametrize("text, doc_region, expected, how", [
    # 适用范围 / 适用于: a stated range
    ("（四）推行船舶登记“一站办结”。适用范围：福建自贸试验区。", "福建", ["福建自贸试验区"], "range"),
    ("3. 本条措施仅适用于厦门片区内新设立的融资租赁企业。", "福建", ["厦门片区"], "range"),
    # a province's own group word stands for its zone
    ("（二）试行跨境服务贸易负面清单管理。适用范围：自贸试验区。", "福建", ["福建自贸试验区"], "range"),
    # national notices: an item opening with the locality that piloted it
    ("1．黑龙江省哈尔滨市：推行涉企经营许可“证照联办”。", "中国", ["哈尔滨"], "opening"),
    ("（三）辽宁自贸试验区营口片区探索进口矿产品“先放后检”。", "中国", ["营口"], "opening"),
    ("5. 江苏省苏州市，率先开展海关关税保证保险改革。", "中国", ["苏州"], "opening"),
    ("2．北京市、上海市：试行外籍高层次人才永久居留积分评估。", "中国", ["北京", "上海"], "opening"),
    # …（X省Y市）at the end of the item's first sentence
    ("（六）企业注销“一网通办”（四川省成都市）。负责单位：市场监管总局。", "中国", ["成都"], "parenthesis"),
    ("（四）企业开办“一窗通”做法。（广东省珠海市）负责单位：市场监管总局。", "中国", ["珠海"], "parenthesis"),
    # one named pilot place
    ("（九）支持在昆明开展跨境人民币结算便利化试点。", "云南", ["昆明"], "pilot"),
    ("7. 选择泉州先行开展民营企业质量品牌提升试点。", "福建", ["泉州"], "pilot"),
])
def test_scope_notations(gaz, text, doc_region, expected, how):
    scope = measure_scope(text, doc_region, gaz)
    assert scope.regions == expected
    assert scope.how == how
    assert scope.evidence and scope.evidence in text.replace("：", ":").replace("，", ",").replace("（", "(").replace("）", ")")
    assert scope.locality == expected[0]


@pytest.mark.parametrize("text, doc_region", [
    # an open list (等地) is not a limit
    ("（五）北京、上海等地要率先推进服务业扩大开放。", "中国"),
    ("（八）鼓励宁波市鄞州区、嘉兴南湖高新区等地开展试点。", "浙江"),
    # the document's own region or above it adds nothing
    ("（二）厦门市要加快建设国际航运中心。", "厦门"),
    ("1. 福建省将统筹推进数字政府建设。", "厦门"),
    # no place at all
    ("（三）在有条件的地区开展农村宅基地改革试点。", "中国"),
    ("（十二）农机融资租赁服务按规定适用增值税优惠政策。", "中国"),
    ("十、支持软件创新产品推广。", "青岛"),
    # two pilot places: not one place the measure is limited to
    ("（七）在福州、厦门开展数据资产登记试点。", "福建"),
    # a place named in a responsible unit, not a locality
    ("4. 建设区域性股权市场（福建省金融监管局负责）。", "福建"),
])
def test_no_scope(gaz, text, doc_region):
    assert measure_scope(text, doc_region, gaz).regions == []


@pytest.mark.parametrize("text", [
    "（二）北京冬奥会场馆赛后利用纳入体育产业规划。",
    "（五）厦门航空等企业拓展国际航线。",
])
def test_a_bare_place_name_as_an_attribute_is_no_locality(gaz, text):
    assert measure_scope(text, "中国", gaz).regions == []
