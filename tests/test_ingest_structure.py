"""Splitting documents of the genre into measures, from synthetic texts in its different layouts."""
from __future__ import annotations

from ingest.pipeline import ingest_bytes
from ingest.structure import cn_number, match_label, parse_structure


def ingest_text(text: str, **overrides):
    return ingest_bytes(text.encode("utf-8"), "synthetic.txt", overrides or {"region": "泉州"})


def kinds(record, kind="measure"):
    return [m for m in record.measures if m.kind == kind]


ARTICLES = """泉州市科技创新促进办法

第一章 总则
第一条 为促进科技创新，根据有关法律法规，结合本市实际，制定本办法。
第二条 本办法适用于本市行政区域内的科技创新活动。
第二章 支持措施
第三条 鼓励企业设立研发机构。对新认定的企业研发中心给予奖励。
第四条 支持知识产权质押融资，对贴息给予补助。
第五条 本办法自2021年1月1日起施行。
"""


def test_article_numbering_without_agency_lines():
    record = ingest_text(ARTICLES)
    ms = kinds(record)
    assert [m.label for m in ms] == ["第一条", "第二条", "第三条", "第四条", "第五条"]
    assert [m.section for m in ms][2] == "第二章/第三条"
    assert ms[2].title == "鼓励企业设立研发机构。"
    assert all(not [a for a in m.agencies if a.role != "mention"] for m in ms)
    assert record.title == "泉州市科技创新促进办法"
    assert all(record.text_original[m.start:m.end] == m.text_original for m in ms)


def test_full_and_half_width_labels_and_deepest_level_wins():
    text = ("关于推进创新的实施方案\n"
            "一、总体要求\n（一）指导思想。坚持创新驱动。\n"
            "二、重点任务\n（一）科技创新\n１．建设研发平台。支持企业建平台。\n2、培育创新主体。扶持企业。\n"
            "（二）金融支持\n3.发展科技金融。鼓励银行创新。\n"
            "三、保障措施\n（一）加强组织领导。成立领导小组。\n（二）强化督查考核。定期督查。\n")
    record = ingest_text(text)
    assert [m.label for m in kinds(record)] == ["１．", "2、", "3."]
    assert [m.section for m in kinds(record)] == ["二/（一）/１", "二/（一）/2", "二/（二）/3"]
    assert [m.title for m in kinds(record, "safeguard")] == ["加强组织领导。", "强化督查考核。"]
    assert [m.id[-4:] for m in kinds(record, "safeguard")] == ["-s01", "-s02"]


def test_heading_items_take_their_body_paragraphs():
    text = ("某区改革举措\n\n  一、改革创新 \n\n  (一)深化商事制度改革\n\n  推行一业一证改革。\n\n  实现承诺即入。\n\n"
            "  (二)提升服务效能\n\n  开发惠企平台。\n")
    ms = kinds(ingest_text(text))
    assert [m.title for m in ms] == ["深化商事制度改革", "提升服务效能"]
    assert ms[0].text == "(一)深化商事制度改革\n推行一业一证改革。\n实现承诺即入。"
    assert ms[0].text_original.endswith("实现承诺即入。")


def test_paragraph_items_keep_their_annotation_lines_but_not_closing_prose():
    text = ("行动方案\n一、主要任务\n1.建设平台。建设公共服务平台。\n责任单位:市科技局,配合单位:市财政局\n完成时限:2021年8月底\n"
            "2.培育企业。扶持科技企业。(市工信局牵头负责)\n\n各部门要按照本方案要求抓好落实。\n相关链接\n")
    ms = kinds(ingest_text(text))
    assert ms[0].text.endswith("完成时限:2021年8月底")
    assert ms[0].deadline == "2021-08"
    assert [(a.name, a.role) for a in ms[0].agencies] == [("市科技局", "lead"), ("市财政局", "support")]
    assert ms[1].text.endswith("(市工信局牵头负责)")
    assert [(a.name, a.role) for a in ms[1].agencies] == [("市工信局", "lead")]


def test_circled_and_parenthesised_arabic_numbering():
    text = "工作要点\n（1）推进数字政府建设。\n（2）优化营商环境。\n（3）扩大对外开放。\n"
    assert [m.label for m in kinds(ingest_text(text))] == ["（1）", "（2）", "（3）"]
    text = "工作要点\n①推进数字政府建设。\n②优化营商环境。\n"
    assert [m.label for m in kinds(ingest_text(text))] == ["①", "②"]


def test_numbers_inside_prose_do_not_open_items():
    text = ("方案\n一、任务\n1.推进改革。目标如下:\n2020年完成试点。\n1.5倍以上的增长。\n"
            "5G网络全覆盖。\n2.扩大开放。推进开放。\n")
    ms = kinds(ingest_text(text))
    assert [m.label for m in ms] == ["1.", "2."]


def test_inline_tab_table_rows_become_measures():
    text = ("推广清单\n附件\n序号\t举措名称\t主要内容\t牵头单位\n1\t试点甲\t内容甲。\t市商务局\n"
            "2\t试点乙\t内容乙。\t市科技局、市财政局\n")
    ms = kinds(ingest_text(text))
    assert [m.title for m in ms] == ["试点甲", "试点乙"]
    assert ms[1].fields["牵头单位"] == "市科技局、市财政局"
    assert [a.name for a in ms[1].agencies if a.role == "lead"] == ["市科技局", "市财政局"]


def test_document_without_numbering_has_no_measures_but_ingests():
    record = ingest_text("一段没有编号的新闻稿。\n内容继续。\n")
    assert record.measures == []


def test_numbering_helpers():
    assert cn_number("三十三") == 33 and cn_number("十") == 10 and cn_number("一百零五") == 105
    assert match_label("(二十一)充分利用") == ("cn_paren", 21, "(二十一)", "充分利用")
    assert match_label("㈢制定配套政策。")[:2] == ("cn_enclosed", 3)
    assert match_label("2020年5月11日") is None
    assert parse_structure("").measures == []


def test_short_heading_with_full_stop_takes_its_body_and_articles_take_their_clauses():
    text = ("实施方案\n四、保障措施\n（一）加强组织领导。\n成立工作专班，统筹推进。\n（二）强化考核。\n纳入年度考核。\n"
            "某某市人民政府办公室\n2021年3月1日\n")
    guards = kinds(ingest_text(text), "safeguard")
    assert [g.text for g in guards] == ["（一）加强组织领导。\n成立工作专班，统筹推进。", "（二）强化考核。\n纳入年度考核。"]
    text = "管理办法\n第一条 为规范管理，制定本办法。\n第二条 企业应当登记。\n登记事项变更的，应当及时变更。\n第三条 本办法自公布之日起施行。\n"
    ms = kinds(ingest_text(text))
    assert ms[1].text == "第二条 企业应当登记。\n登记事项变更的，应当及时变更。"


def test_preamble_sections_are_not_measures_and_each_section_keeps_its_finest_level():
    text = ("行动计划\n一、总体要求\n（一）指导思想。坚持创新驱动。\n（二）基本原则。坚持市场主导。\n"
            "二、重点任务\n（一）科技创新\n1.建设研发平台。支持企业建平台。\n2.培育创新主体。扶持企业。\n"
            "三、支撑体系\n（一）强化人才支撑。引进高层次人才。\n（二）强化金融支撑。设立引导基金。\n"
            "四、保障措施\n（一）加强组织领导。成立领导小组。\n")
    record = ingest_text(text)
    assert [m.section for m in kinds(record)] == ["二/（一）/1", "二/（一）/2", "三/（一）", "三/（二）"]
    assert [m.section for m in kinds(record, "safeguard")] == ["四/（一）"]
