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
    # a comprehensive trial (综合试验) a reply approves in one zone
    ("一、同意在苏州工业园区开展开放创新综合试验。", "中国", ["苏州工业园区"], "pilot"),
    # where a listed practice came from, as a field of its note or on its own line
    ("1.跨境电商零售进口退货中心仓模式（省商务厅、郑州海关负责，来源：郑州片区）", "河南", ["郑州"], "source"),
    ("3.多式联运“一单制”（省交通运输厅负责；经验来源：洛阳片区）", "河南", ["洛阳"], "source"),
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
    # where money comes from is no place a practice came from
    ("5. 设立技术改造专项资金。资金来源：南京市财政预算安排。", "江苏"),
])
def test_no_scope(gaz, text, doc_region):
    assert measure_scope(text, doc_region, gaz).regions == []


@pytest.mark.parametrize("text", [
    "（二）北京冬奥会场馆赛后利用纳入体育产业规划。",
    "（五）厦门航空等企业拓展国际航线。",
])
def test_a_bare_place_name_as_an_attribute_is_no_locality(gaz, text):
    assert measure_scope(text, "中国", gaz).regions == []


@pytest.mark.parametrize("title, doc_region, expected", [
    # a notice that issues or approves the plan of one place below its issuer: the plan's measures are that place's
    ("国务院关于印发中国（河南）自由贸易试验区总体方案的通知", "中国", ["河南自贸试验区"]),
    ("国务院关于同意设立中国（河南）自由贸易试验区的批复", "中国", ["河南自贸试验区"]),
    ("福建省人民政府关于印发中国（福建）自由贸易试验区厦门片区深化改革方案的通知", "福建", ["厦门片区"]),
    ("湖北省人民政府关于印发武汉市建设人工智能创新应用先导区实施方案的通知", "湖北", ["武汉"]),
    ("国务院办公厅关于印发《关于支持北京深化服务业扩大开放示范区建设工作方案》的通知", "中国", ["北京"]),
    ("浙江省人民政府关于同意温州市开展民营经济高质量发展试点的批复", "浙江", ["温州"]),  # one place's pilot
    ("国务院关于同意在北京、上海开展服务业扩大开放综合试点的批复", "中国", []),
    # the issuer's own plan, a replication notice, an open list, several places, no plan: no subject
    ("厦门市人民政府关于印发厦门市推进知识产权质押融资实施方案的通知", "厦门", []),
    ("福建省人民政府关于推广中国（福建）自由贸易试验区可复制创新成果的通知", "福建", []),
    ("国务院关于同意在天津等24个城市设立跨境电子商务综合试验区的批复", "中国", []),
    ("国务院关于印发北京、湖南、安徽自由贸易试验区总体方案的通知", "中国", []),
    ("国务院关于加快推进农业机械化和农机装备产业转型升级的指导意见", "中国", []),
])
def test_document_subject_scopes_the_plan_of_one_place(gaz, title, doc_region, expected):
    from ingest.normalise import to_simplified
    from ingest.scope import document_subject

    scope = document_subject(to_simplified(title), doc_region, gaz)
    assert scope.regions == expected
    assert (scope.how == "document" and scope.evidence) if expected else not scope.evidence


def test_a_state_council_plan_for_a_zone_credits_its_measures_to_the_zone(tmp_path):
    from ingest.pipeline import ingest_file

    doc = tmp_path / "plan.txt"
    doc.write_text("国务院关于印发中国（河南）自由贸易试验区总体方案的通知\n国发〔2031〕7号\n"
                   "各省、自治区、直辖市人民政府，国务院各部委、各直属机构：\n"
                   "现将《中国（河南）自由贸易试验区总体方案》印发给你们，请认真贯彻执行。\n国务院\n2031年3月15日\n"
                   "中国（河南）自由贸易试验区总体方案\n一、主要任务和措施\n"
                   "1.推进知识产权质押融资，建设知识产权交易平台。\n"
                   "2.选择郑州片区开展跨境电商零售进口药品试点。\n", encoding="utf-8")
    record = ingest_file(doc, manifest={})
    assert record.region == "中国"
    # a measure's own pilot place stays its scope
    assert [m.scope for m in record.measures] == [["河南自贸试验区"], ["郑州"]]
    assert "总体方案" in record.measures[0].scope_evidence


@pytest.mark.parametrize("fields, expected", [
    ({"案例名称": "保税维修", "报送单位": "江苏自贸试验区苏州片区"}, ["苏州自贸片区"]),
    ({"报送单位": "浙江省杭州市人民政府", "主要做法": "…"}, ["杭州"]),
    ({"推广区域": "杭州市"}, []),  # where it goes, not where it comes from
    ({"牵头单位": "杭州市商务局"}, []),  # who carries it out
    ({"报送单位": "国家税务总局"}, []),  # no place
    ({"报送单位": "浙江省商务厅"}, []),  # the document's own region adds nothing
])
def test_a_table_of_cases_names_where_each_comes_from(gaz, fields, expected):
    from ingest.scope import column_scope

    assert column_scope(fields, "浙江", gaz).regions == expected
