"""Agency lists as the genre prints them, and agency identity within a region."""
from __future__ import annotations

import pytest

from ingest.agencies import agency_identity, canonical_name, extract_agencies, split_agency_list
from ingest.pipeline import ingest_bytes
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
    ("自贸委、火炬管委会,配合", ["自贸委", "火炬管委会"]),  # a closing role word is no unit
    ("国家外汇管理局厦门分局、人行厦门市中心支行", ["国家外汇管理局厦门分局", "人行厦门市中心支行"]),
    ("市级有关部门，各区（市）县政府", ["各区（市）县政府"]),  # 市级有关部门 names no one, not 市级
    ("市财政局、区直相关单位", ["市财政局"]),
    ("市财政局以及相关单位", ["市财政局"]),  # no dangling conjunction once the tail is cut
    ("市发展改革委和有关部门", ["市发展改革委"]),
])
def test_split_agency_list(gaz, printed, expected):
    assert split_agency_list(printed, gazetteer=gaz) == expected


def test_distributive_list_expands_to_each_city(gaz):
    assert split_agency_list("福州海关、厦门海关，福州、厦门、泉州市政府、平潭综合实验区管委会", gazetteer=gaz) == [
        "福州海关", "厦门海关", "福州市政府", "厦门市政府", "泉州市政府", "平潭综合实验区管委会"]


def test_aliases_merge_within_the_region(gaz):
    assert canonical_name("厦门市科学技术局", "厦门", gaz) == canonical_name("市科技局", "厦门", gaz) == "市科技局"
    assert canonical_name("厦门市市场监督管理局", "厦门", gaz) == "市市场监管局"
    # an agency printed with a place prefix belongs to that place, under the name it has there
    assert agency_identity("湖里区人民政府", "厦门", gaz)[:2] == ("湖里", "区政府")
    assert agency_identity("泉州市科学技术局", "厦门", gaz)[:2] == agency_identity("市科技局", "泉州", gaz)[:2] \
        == ("泉州", "市科技局")


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


# ---------------------------------------------------------------- the notations of the genre, one test each
# Every sentence below is written for the test in the notation it exercises; none is copied from a document.

def roles(refs, role):
    return [a.printed for a in refs if a.role == role]


def test_lead_and_support_inside_one_parenthesis(gaz):
    refs = extract_agencies("（五）建设共享仓储。统筹布局冷链设施。（市商务局牵头，市财政局、市交通运输局配合）",
                            "宁波", gazetteer=gaz)
    assert roles(refs, "lead") == ["市商务局"]
    assert roles(refs, "support") == ["市财政局", "市交通运输局"]


def test_field_line_followed_by_another_field(gaz):
    text = "3.设立服务窗口。为企业提供一站式服务。\n负责部门：区行政审批局、区市场监管局；适用范围：高新区"
    refs = extract_agencies(text, "温州", gazetteer=gaz)
    assert roles(refs, "lead") == ["区行政审批局", "区市场监管局"]
    assert not [a for a in refs if "高新区" in a.printed and a.role != "mention"]


def test_responsible_unit_field_inside_parenthesis_with_a_collective_unit(gaz):
    refs = extract_agencies("（二）培育孵化载体。对新建载体给予补助。（责任单位：市科技局、市人力社保局，各区县（市）政府）",
                            "绍兴", gazetteer=gaz)
    assert roles(refs, "lead") == ["市科技局", "市人力社保局", "各区县（市）政府"]
    assert [a.collective for a in refs if a.role == "lead"] == [False, False, True]


def test_a_collective_unit_in_tortoise_shell_brackets_is_one_unit(gaz):
    # 各县〔市、区〕政府: the 、 inside the brackets lists its tiers, not units
    refs = extract_agencies("4.推广科技创新券。（牵头单位：市科技局；配合单位：各县〔市、区〕政府、市财政局）",
                            "南通", gazetteer=gaz)
    assert roles(refs, "lead") == ["市科技局"]
    assert roles(refs, "support") == ["各县〔市、区〕政府", "市财政局"]
    assert [a.name for a in refs if a.collective] == ["各县(市、区)政府"]
    # the lead marked in the same brackets: A〔牵头〕、B
    refs = extract_agencies("4.推广科技创新券。（责任单位：市科技局〔牵头〕、市财政局）", "南通", gazetteer=gaz)
    assert (roles(refs, "lead"), roles(refs, "support")) == (["市科技局"], ["市财政局"])


def test_several_notes_in_one_measure_are_merged(gaz):
    text = ("（七）完善赛事服务。简化审批流程。（公安部、体育总局负责）优化场馆开放。（体育总局、教育部负责）")
    refs = extract_agencies(text, "中国", gazetteer=gaz)
    assert roles(refs, "lead") == ["公安部", "体育总局", "教育部"]


def test_first_listed_rule_stated_once_with_xiatong_covers_every_later_measure():
    text = ("国务院办公厅关于推进示范工作的意见\n"
            "（一）建设示范基地。支持地方建设一批基地。（科技部、财政部、教育部等负责。列第一位者为牵头单位，下同）\n"
            "（二）完善评价办法。建立第三方评估制度。（教育部、科技部负责）\n"
            "（三）落实用地保障。（各省级人民政府负责）\n")
    record = ingest_bytes(text.encode(), "rule.txt", {"region": "中国"})
    by_label = {m.label: m for m in record.measures}
    assert roles(by_label["（一）"].agencies, "lead") == ["科技部"]
    assert roles(by_label["（一）"].agencies, "support") == ["财政部", "教育部"]
    assert roles(by_label["（二）"].agencies, "lead") == ["教育部"]
    assert roles(by_label["（二）"].agencies, "support") == ["科技部"]
    assert roles(by_label["（三）"].agencies, "lead") == ["各省级人民政府"]


def test_without_the_rule_every_listed_unit_leads(gaz):
    refs = extract_agencies("（四）加强人才培养。（人力资源社会保障部、教育部负责）", "中国", gazetteer=gaz)
    assert roles(refs, "lead") == ["人力资源社会保障部", "教育部"] and roles(refs, "support") == []


def test_rule_in_the_preamble_covers_the_whole_document():
    text = ("关于促进数字经济发展的若干措施\n各项任务排在第一位的部门为牵头部门。\n"
            "一、建设算力中心。对新建项目给予奖励。（省发展改革委、省工业和信息化厅负责）\n"
            "二、开放数据资源。（省数据局、省财政厅负责）\n")
    record = ingest_bytes(text.encode(), "preamble.txt", {"region": "安徽"})
    for m in record.measures:
        assert len(roles(m.agencies, "lead")) == 1 and len(roles(m.agencies, "support")) == 1


def test_by_division_of_duties_keeps_every_unit_lead(gaz):
    refs = extract_agencies("（八）优化审批服务。（市审批局、市住建局等部门按职责分工负责）", "合肥", gazetteer=gaz)
    assert roles(refs, "lead") == ["市审批局", "市住建局"]


def test_unit_line_on_its_own_after_the_measure(gaz):
    text = "6.支持首台套应用。对首次采购的用户给予补贴。\n（市经信局、市财政局负责）"
    refs = extract_agencies(text, "无锡", gazetteer=gaz)
    assert roles(refs, "lead") == ["市经信局", "市财政局"]


def test_prose_assignment_convened_by_one_agency(gaz):
    refs = extract_agencies("（九）健全考核机制。由市人社局会同市财政局、市国资委负责制定考核办法。", "南昌",
                            gazetteer=gaz)
    assert roles(refs, "lead") == ["市人社局"]
    assert roles(refs, "support") == ["市财政局", "市国资委"]


def test_a_sentence_opening_with_the_lead_office(gaz):
    refs = extract_agencies("（五）推动质押融资便利化。国家知识产权局牵头，会同金融监管总局，2024年底前出台配套措施。",
                            "中国", gazetteer=gaz)
    assert roles(refs, "lead") == ["国家知识产权局"] and roles(refs, "support") == ["金融监管总局"]
    refs = extract_agencies("三、加强统筹。市科技局牵头，市财政局配合，做好资金保障。", "南昌", gazetteer=gaz)
    assert roles(refs, "lead") == ["市科技局"] and roles(refs, "support") == ["市财政局"]
    # firms and universities that lead a project are no offices assigned a task
    for text in ("一、支持龙头企业牵头，联合高校、科研院所组建创新联合体。", "二、推动合作。高校牵头，会同企业共建联合实验室。"):
        assert [a for a in extract_agencies(text, "南昌", gazetteer=gaz) if a.role != "mention"] == []


def test_a_named_organ_told_what_to_do_is_assigned_and_a_tier_exhorted_is_not(gaz):
    refs = extract_agencies("二、江苏省人民政府要加强对试验工作的组织领导。", "中国", gazetteer=gaz)
    assert roles(refs, "lead") == ["江苏省人民政府"]
    refs = extract_agencies("第三条　创新券由市科技局负责发放和兑付。", "南昌", gazetteer=gaz)
    assert roles(refs, "lead") == ["市科技局"]
    for text in ("（二十一）县级以上地方人民政府要落实属地管理责任。", "（五）各级人民政府要加大投入。"):
        assert roles(extract_agencies(text, "中国", gazetteer=gaz), "lead") == []


def test_each_organ_of_a_division_of_duties_leads_its_part(gaz):
    """A 管理职责 article: 'A负责X，B负责Y' assigns both; A printed with its other name in brackets
    is one unit, not also a mention."""
    refs = extract_agencies("第五条　市市场监管局（知识产权局）负责资金的日常管理，市财政局负责资金拨付和监督。",
                            "福州", gazetteer=gaz)
    assert roles(refs, "lead") == ["市市场监管局（知识产权局）", "市财政局"]
    assert roles(refs, "mention") == []
    # a clause that opens with a tier or an unnamed body still assigns no one
    refs = extract_agencies("（三）市科技局负责组织实施，有关部门负责配合。", "福州", gazetteer=gaz)
    assert roles(refs, "lead") == ["市科技局"]


def test_convened_with_unnamed_departments_gives_the_lead_alone(gaz):
    refs = extract_agencies("十二、对成效突出的地区给予奖励。（财政部、商务部会同有关部门负责）", "中国", gazetteer=gaz)
    assert roles(refs, "lead") == ["财政部", "商务部"] and roles(refs, "support") == []


def test_statement_about_the_document_is_no_assignment(gaz):
    refs = extract_agencies("施行说明：本办法自印发之日起施行，由区科技局会同相关部门负责解释。", "海淀", gazetteer=gaz)
    assert [a for a in refs if a.role != "mention"] == []


def test_prefix_printed_once_is_distributed(gaz):
    assert split_agency_list("省工业和信息化厅、财政厅、商务厅", gazetteer=gaz) == [
        "省工业和信息化厅", "省财政厅", "省商务厅"]
    assert split_agency_list("长沙市科技局、财政局", gazetteer=gaz) == ["长沙市科技局", "长沙市财政局"]
    # a zone body and a bank branch are not departments of the prefixed government
    assert split_agency_list("市科技局、自贸委、人行南京分行", gazetteer=gaz) == ["市科技局", "自贸委", "人行南京分行"]


def test_dropped_tails_and_collective_units(gaz):
    assert split_agency_list("民政部、交通运输部等和各有关省级人民政府", gazetteer=gaz) == [
        "民政部", "交通运输部", "各有关省级人民政府"]
    assert split_agency_list("人力资源社会保障部、教育部等有关部门和单位", gazetteer=gaz) == [
        "人力资源社会保障部", "教育部"]
    assert split_agency_list("市民政局，有关市级部门，有关区县", gazetteer=gaz) == ["市民政局", "有关区县"]
    assert split_agency_list("各市、县（区）人民政府", gazetteer=gaz) == ["各市、县（区）人民政府"]
    assert split_agency_list("财政部和人民银行、文化和旅游部", gazetteer=gaz) == ["财政部", "人民银行", "文化和旅游部"]


def test_carried_unit_applies_to_every_later_item():
    text = ("关于支持青年创业的若干措施\n"
            "1.降低创业成本。（责任单位：市人社局，各区政府。以下均需各区政府落实，不再列出）\n"
            "2.加强金融支持。（责任单位：市财政局）\n")
    record = ingest_bytes(text.encode(), "carried.txt", {"region": "嘉兴"})
    assert [roles(m.agencies, "lead") for m in record.measures] == [
        ["市人社局", "各区政府"], ["市财政局", "各区政府"]]


def test_national_short_names_resolve_to_the_national_body(gaz):
    refs = extract_agencies("（三）加大信贷支持。（发展改革委、人民银行、银保监会、市场监管总局负责）", "中国",
                            gazetteer=gaz)
    assert [(a.printed, a.name, a.region) for a in refs if a.role == "lead"] == [
        ("发展改革委", "国家发展和改革委员会", "中国"), ("人民银行", "中国人民银行", "中国"),
        ("银保监会", "中国银行保险监督管理委员会", "中国"), ("市场监管总局", "国家市场监督管理总局", "中国")]
    # the same body printed in its full form is the same agency
    assert agency_identity("国家发展改革委", "中国", gaz) == agency_identity("发展改革委", "中国", gaz)
    # a ministry is national wherever it is printed; a county's 人民银行 is its own branch
    assert agency_identity("财政部", "图们", gaz)[0] == "中国"
    assert agency_identity("人民银行", "图们", gaz)[0] == "图们"
    # printed beside a ministry, a short name shared with local offices is the national body
    refs = extract_agencies("（六）优化金融服务。（财政部、人民银行负责）", "图们", gazetteer=gaz)
    assert [a.region for a in refs if a.role == "lead"] == ["中国", "中国"]
    refs = extract_agencies("（六）优化金融服务。（市财政局、人民银行负责）", "图们", gazetteer=gaz)
    assert [a.region for a in refs if a.role == "lead"] == ["图们", "图们"]


def test_a_zone_body_keeps_its_full_name_in_its_zone(gaz):
    # 平潭综合实验区管委会 is the zone's own body: not shortened to 区管委会 like a district's 区政府
    assert agency_identity("平潭综合实验区管委会", "福建", gaz)[:2] == ("平潭", "平潭综合实验区管委会")
    assert agency_identity("平潭综合实验区管委会", "平潭", gaz)[:2] == ("平潭", "平潭综合实验区管委会")


def test_place_prefixed_agency_belongs_to_its_place(gaz):
    refs = extract_agencies("（二）加强知识产权保护。（省市场监管局、厦门市知识产权局负责）", "福建", gazetteer=gaz)
    assert {a.printed: a.region for a in refs if a.role == "lead"} == {"省市场监管局": "福建", "厦门市知识产权局": "厦门"}


def test_a_bracket_closed_by_fuze_that_names_no_agency_is_prose(gaz):
    refs = extract_agencies("（十）规范运营管理。日常维护（由运营企业自行负责）按合同执行。（由市城管局负责）", "常州",
                            gazetteer=gaz)
    assert roles(refs, "lead") == ["市城管局"]


def test_lead_marked_after_a_name_in_the_list(gaz):
    refs = extract_agencies("4.建设人才公寓。\n责任单位：区住建局（牵头）、区财政局、区人社局", "扬州", gazetteer=gaz)
    assert roles(refs, "lead") == ["区住建局"]
    assert roles(refs, "support") == ["区财政局", "区人社局"]


def test_field_label_in_square_brackets(gaz):
    refs = extract_agencies("（三）推广电子证照。【牵头单位】市数据局【配合单位】市公安局、市司法局", "泰州", gazetteer=gaz)
    assert roles(refs, "lead") == ["市数据局"]
    assert roles(refs, "support") == ["市公安局", "市司法局"]


def test_bare_list_closing_a_measure_under_the_first_listed_rule():
    text = ("关于深化审批改革的通知\n各项任务中列第一位的为牵头单位。\n"
            "1.推行告知承诺。对低风险事项实行告知承诺制。（市审批局、市司法局、市市场监管局）\n"
            "2.压缩办理时限。由市审批局（以下简称审批局）统一受理。\n")
    record = ingest_bytes(text.encode(), "bare.txt", {"region": "镇江"})
    first, second = record.measures[:2]
    assert roles(first.agencies, "lead") == ["市审批局"]
    assert roles(first.agencies, "support") == ["市司法局", "市市场监管局"]
    assert roles(second.agencies, "support") == []


def test_a_collective_unit_is_a_tier_of_government_not_any_group(gaz):
    refs = extract_agencies("5.落实安全责任。各企业要会同属地街道开展隐患排查。", "常熟", gazetteer=gaz)
    assert [a for a in refs if a.role != "mention"] == []
    refs = extract_agencies("6.统筹资金保障。各区县要会同市财政局制定配套办法。", "常熟", gazetteer=gaz)
    assert [(a.printed, a.role, a.collective) for a in refs if a.role != "mention"] == [
        ("各区县", "lead", True), ("市财政局", "support", False)]


def test_rule_stated_in_a_closing_note_covers_the_measures_above_it():
    text = ("关于加快数字乡村建设的实施意见\n"
            "（一）完善网络设施。（市农业农村局、市通信发展管理办公室负责）\n"
            "（二）发展农村电商。（市商务局、市邮政管理局负责）\n"
            "注：各项任务列第一位者为牵头单位。\n")
    record = ingest_bytes(text.encode(), "note.txt", {"region": "徐州"})
    measures = [m for m in record.measures if m.kind == "measure"]
    assert [roles(m.agencies, "lead") for m in measures] == [["市农业农村局"], ["市商务局"]]


def test_deadlines_beside_the_units_are_not_units(gaz):
    refs = extract_agencies("（五）建设数据平台。（2026年底前完成，市数据局、市财政局负责）", "湖州", gazetteer=gaz)
    assert roles(refs, "lead") == ["市数据局", "市财政局"]
    refs = extract_agencies("7.完善标准体系。\n责任单位：市市场监管局、市工信局 完成时限：2026年6月", "湖州", gazetteer=gaz)
    assert roles(refs, "lead") == ["市市场监管局", "市工信局"]


def test_first_listed_rule_reads_a_lone_responsible_unit_column(gaz):
    refs = extract_agencies("推行容缺受理", "盐城", table_lead="市审批局、市司法局", gazetteer=gaz,
                            first_listed_lead=True)
    assert (roles(refs, "lead"), roles(refs, "support")) == (["市审批局"], ["市司法局"])
    refs = extract_agencies("推行容缺受理", "盐城", table_lead="市审批局、市司法局", table_support="市财政局",
                            gazetteer=gaz, first_listed_lead=True)
    assert (roles(refs, "lead"), roles(refs, "support")) == (["市审批局", "市司法局"], ["市财政局"])


def test_units_that_implement_close_a_group_too(gaz):
    refs = extract_agencies("（四）减轻企业负担。（省发展改革委、省财政厅按职责分工负责，各市、县人民政府落实）", "江西",
                            gazetteer=gaz)
    assert roles(refs, "lead") == ["省发展改革委", "省财政厅", "各市、县人民政府"]
    assert [a.collective for a in refs if a.role == "lead"] == [False, False, True]


def test_notes_opened_by_you_and_notes_on_a_line_of_their_own(gaz):
    refs = extract_agencies("（一）优化审批。（由市审批局，市住建局负责）", "芜湖", gazetteer=gaz)
    assert roles(refs, "lead") == ["市审批局", "市住建局"]
    refs = extract_agencies("2.完善服务。\n（责任单位：市科技局、市财政局）", "芜湖", gazetteer=gaz)
    assert roles(refs, "lead") == ["市科技局", "市财政局"]


def test_a_national_body_is_not_given_a_local_prefix(gaz):
    assert split_agency_list("省交通运输厅、民航局", gazetteer=gaz) == ["省交通运输厅", "民航局"]


def test_prose_lead_without_a_supporting_unit_adds_no_support(gaz):
    # 由A牵头负责 names no second unit: the optional 配合 part did not match, so no support role
    # (a support group read from the absent part would carry no name at all)
    refs = extract_agencies("（三）完善融资担保体系。由市金融局牵头负责，建立风险补偿机制。", "厦门", gazetteer=gaz)
    assert roles(refs, "lead") == ["市金融局"]
    assert roles(refs, "support") == []
    refs = extract_agencies("（三）完善融资担保体系。由市金融局牵头，市财政局配合。", "厦门", gazetteer=gaz)
    assert roles(refs, "lead") == ["市金融局"] and roles(refs, "support") == ["市财政局"]


def test_an_agency_printed_with_either_bracket_is_one_agency():
    """市市场监管局（知识产权局） and 市市场监管局〔知识产权局〕 name one office: the same name in the graph."""
    round_ = extract_agencies("扩大质押融资规模。（市市场监管局（知识产权局）牵头，市财政局配合）", "广州")
    square = extract_agencies("扩大质押融资规模。（市市场监管局〔知识产权局〕牵头，市财政局配合）", "广州")
    assert [(a.name, a.role) for a in round_] == [(a.name, a.role) for a in square] == \
        [("市市场监管局(知识产权局)", "lead"), ("市财政局", "support")]
    collective = extract_agencies("加强统筹。（责任单位：市人社局，各区县〔自治县〕政府）", "重庆")
    assert [a.name for a in collective] == ["市人社局", "各区县(自治县)政府"]


def test_a_natural_resources_bureau_keeps_its_name():
    """县自然资源局 is printed so; no shorter form of it is in use (自然资源和规划局 is 资源规划局)."""
    assert [a.name for a in extract_agencies("降低用地成本。（责任单位：县自然资源局）", "长汀")] == ["县自然资源局"]


@pytest.mark.parametrize("note", ["（责任单位：市金融监管局、市财政局，2026年底前完成）",
                                  "（责任单位：市金融监管局、市财政局，持续推进）",
                                  "（责任单位：市金融监管局、市财政局，长期坚持）"])
def test_a_deadline_after_the_units_of_a_note_is_no_unit(note):
    assert [(a.name, a.role) for a in extract_agencies("加大融资支持。" + note, "泉州")] == \
        [("市金融监管局", "lead"), ("市财政局", "lead")]
