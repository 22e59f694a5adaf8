"""Splitting documents of the genre into measures, from synthetic texts in its different layouts."""
from __future__ import annotations

import pytest

from ingest.errors import IngestError
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
    # 第一条 为…制定本办法, 第二条 本办法适用于… and 第五条 本办法自…起施行 speak of the document itself:
    # no measures
    assert [m.label for m in ms] == ["第三条", "第四条"]
    assert [m.label for m in record.measures if m.kind == "safeguard"] == ["第一条", "第二条", "第五条"]
    assert [m.section for m in ms][0] == "第二章/第三条"
    assert ms[0].title == "鼓励企业设立研发机构。"
    assert all(not [a for a in m.agencies if a.role != "mention"] for m in ms)
    assert record.title == "泉州市科技创新促进办法"
    assert all(record.text_original[m.start:m.end] == m.text_original for m in ms)


def test_a_general_provisions_chapter_frames_the_articles_in_it():
    """第一章 总则 says why, for whom and who organises it (第三条 区科技局负责本办法的组织实施): no
    measure comes from it, whatever its articles say; the support articles of the next chapter are."""
    record = ingest_text(ARTICLES.replace(
        "第二章 支持措施\n第三条", "第三条 市科技局负责本办法的组织实施，市财政局负责资金保障。\n第二章 支持措施\n第四条")
        .replace("第四条 支持", "第五条 支持").replace("第五条 本办法", "第六条 本办法"))
    assert [m.label for m in kinds(record)] == ["第四条", "第五条"]
    assert "第三条" not in [m.label for m in record.measures]


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
    text = "工作要点\n一、数字政府\n1）推进数据共享。\n2）推行一网通办。\n二、营商环境\n1）推行承诺制。\n"
    assert [m.section for m in kinds(ingest_text(text))] == ["一/1）", "一/2）", "二/1）"]


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
    # 第一条 为…制定本办法 says why the text was made: it frames the text, as the preamble does
    assert ms[0].text == "第二条 企业应当登记。\n登记事项变更的，应当及时变更。"


def test_preamble_sections_are_not_measures_and_each_section_keeps_its_finest_level():
    text = ("行动计划\n一、总体要求\n（一）指导思想。坚持创新驱动。\n（二）基本原则。坚持市场主导。\n"
            "二、重点任务\n（一）科技创新\n1.建设研发平台。支持企业建平台。\n2.培育创新主体。扶持企业。\n"
            "三、支撑体系\n（一）强化人才支撑。引进高层次人才。\n（二）强化金融支撑。设立引导基金。\n"
            "四、保障措施\n（一）加强组织领导。成立领导小组。\n")
    record = ingest_text(text)
    assert [m.section for m in kinds(record)] == ["二/（一）/1", "二/（一）/2", "三/（一）", "三/（二）"]
    assert [m.section for m in kinds(record, "safeguard")] == ["四/（一）"]


# ---------------------------------------------------------------- every item, any count, any depth

def test_ten_thousand_numbered_items_give_ten_thousand_measures():
    text = "某县助企纾困若干措施\n" + "".join(
        f"{i}.支持第{i}批企业技术改造。对完成改造的企业给予一次性奖励。\n" for i in range(1, 10_001))
    ms = kinds(ingest_text(text))
    assert len(ms) == 10_000
    assert [m.label for m in ms[998:1001]] == ["999.", "1000.", "1001."]
    assert ms[-1].label == "10000." and ms[-1].title == "支持第10000批企业技术改造。"
    # no item swallows the ones after it
    assert max(len(m.text) for m in ms) < 60
    assert len({m.id for m in ms}) == 10_000


def test_decimal_outline_numbering_keeps_every_level():
    text = ("科技创新实施细则\n1 总则\n"
            "2.建设创新平台\n2.1 研发机构\n2.1.1 支持企业建设研发中心。对新认定的给予奖励。\n"
            "2.1.2 支持高校设立新型研发机构。给予建设补助。\n"
            "2.2 公共服务平台\n2.2.1 建设中试基地。对中试服务给予补贴。\n"
            "3.培育创新主体\n3.1 支持高新技术企业认定。对首次认定的给予奖励。\n3.2 支持科技型中小企业入库。给予研发费用补助。\n")
    ms = kinds(ingest_text(text))
    assert [m.label for m in ms] == ["2.1.1", "2.1.2", "2.2.1", "3.1", "3.2"]
    assert [m.section for m in ms][:3] == ["2/2.1/2.1.1", "2/2.1/2.1.2", "2/2.2/2.2.1"]
    assert ms[0].title == "支持企业建设研发中心。"
    assert ms[0].text == "2.1.1 支持企业建设研发中心。对新认定的给予奖励。"


def test_a_name_printed_in_brackets_or_before_a_colon_is_the_measures_title():
    text = ("促进民营经济发展若干措施\n"
            "1.【降低用地成本】对新建工业项目，土地出让起始价按最低价标准的70%确定。\n"
            "2.企业开办：推行企业开办全程网办，压缩至1个工作日。\n"
            "3.对符合下列条件的企业：给予一次性奖励。\n"
            "4.对新认定的高新技术企业给予奖励，具体为：一次性奖励30万元。\n")
    ms = kinds(ingest_text(text))
    assert [m.title for m in ms] == ["降低用地成本", "企业开办", "对符合下列条件的企业：给予一次性奖励。",
                                     "对新认定的高新技术企业给予奖励，具体为：一次性奖励30万元。"]


def test_a_plans_parts_head_its_outline_and_its_safeguard_part_holds_no_measures():
    text = ("促进外贸高质量发展行动方案\n第一部分　总体要求\n以习近平新时代中国特色社会主义思想为指导。\n"
            "第二部分　重点任务\n一、培育外贸新业态\n（一）发展跨境电商。支持建设海外仓。\n"
            "（二）发展市场采购贸易。扩大试点范围。\n二、优化通关环境\n（三）推进通关便利化。推广“两步申报”。\n"
            "第三部分　保障措施\n一、加强组织领导。建立联席会议制度。\n二、加大资金支持。统筹用好专项资金。\n")
    record = ingest_text(text, region="广州")
    assert [m.section for m in kinds(record)] == ["第二部分/一/（一）", "第二部分/一/（二）", "第二部分/二/（三）"]
    assert [m.title for m in kinds(record, "safeguard")] == ["加强组织领导。", "加大资金支持。"]


def test_quantities_and_years_in_prose_open_no_item():
    text = ("若干措施\n1.扩大有效投资。目标如下：\n1.5倍于上年的投资增速。\n2.3万元以下的小额项目简化审批。\n"
            "2019、2020年结转资金统筹使用。\n2024.12.31 前完成清理。\n2.优化营商环境。推行承诺制。\n")
    ms = kinds(ingest_text(text))
    assert [m.label for m in ms] == ["1.", "2."]
    assert "2019、2020年结转资金统筹使用。" in ms[0].text


def test_large_chinese_numerals_and_circled_numbers_past_twenty():
    assert cn_number("一千零一") == 1001 and cn_number("两万零三") == 20003
    assert match_label("（一百二十一）推进改革")[:2] == ("cn_paren", 121)
    assert match_label("㉑推进改革")[:2] == ("circled", 21) and match_label("㊿推进改革")[:2] == ("circled", 50)


def test_a_misprinted_number_is_followed_but_a_lost_numbering_run_is_refused():
    # a skipped number (4.) and a repeated one (6. 6.) are misprints: the run goes on from them
    text = "工作要点\n1.推进甲。\n2.推进乙。\n3.推进丙。\n5.推进戊。\n6.推进己。\n6.推进庚。\n7.推进辛。\n"
    assert [m.label for m in kinds(ingest_text(text))] == ["1.", "2.", "3.", "5.", "6.", "6.", "7."]
    # 1. 2. 3. then 9. 10. 11.: no run to follow, the three would become part of 3.
    text = "工作要点\n1.推进甲。\n2.推进乙。\n3.推进丙。\n9.推进壬。\n10.推进癸。\n11.推进子。\n"
    with pytest.raises(IngestError) as refused:
        ingest_text(text)
    assert "synthetic.txt" in str(refused.value) and "9." in refused.value.reason
    assert "would be merged" in refused.value.reason


# ---------------------------------------------------------------- the genre's structures

def test_inline_list_in_one_paragraph_counts_item_by_item():
    text = ("关于复制推广改革试点经验的通知\n"
            "一、在全省复制推广的改革事项。经评估，以下事项在全省复制推广：（一）企业开办一日办结；（二）工程建设项目"
            "联合验收；（三）不动产登记与缴税一窗受理。\n"
            "二、在自贸试验区复制推广的改革事项。（四）跨境电商零售进口退货中心仓模式；（五）保税维修业务监管新模式。\n"
            "三、组织实施。各地要抓好落实。\n")
    ms = kinds(ingest_text(text))
    assert [m.label for m in ms] == ["（一）", "（二）", "（三）", "（四）", "（五）"]
    assert [m.title for m in ms] == ["企业开办一日办结；", "工程建设项目联合验收；", "不动产登记与缴税一窗受理。",
                                    "跨境电商零售进口退货中心仓模式；", "保税维修业务监管新模式。"]
    assert ms[1].text == "（二）工程建设项目联合验收；"
    record = ingest_text(text)
    assert all(record.text_original[m.start:m.end] == m.text_original for m in ms)
    assert [g.label for g in kinds(record, "safeguard")] == ["三、"]


def test_article_with_sub_items_is_one_measure():
    text = ("高新技术企业培育办法\n"
            "第一条 为加快培育高新技术企业，制定本办法。\n"
            "第二条 对首次认定的高新技术企业给予20万元奖励。\n"
            "第三条 申请培育补助的企业应当符合下列条件：\n（一）在本市注册一年以上；\n（二）研发费用占比不低于3%；\n"
            "（三）无严重失信记录。\n"
            "第四条 本办法自印发之日起施行。\n")
    ms = kinds(ingest_text(text))
    # 第一条 为…制定本办法 opens the text and 第四条 本办法自…施行 closes it
    assert [m.label for m in ms] == ["第二条", "第三条"]
    assert ms[1].text.endswith("（三）无严重失信记录。") and "（一）在本市注册一年以上；" in ms[1].text


def test_numbered_points_under_groups_and_items_of_their_own_in_one_section():
    text = ("行动方案\n一、总体要求\n（一）指导思想。坚持创新驱动。\n（二）发展目标\n到2027年建成示范区。\n"
            "二、重点任务\n（一）壮大创新主体\n1.培育科技型企业。建立梯度培育库。\n2.支持企业加大研发投入。给予后补助。\n"
            "（二）完善创新平台\n3.建设概念验证中心。给予建设补助。\n"
            "（三）优化创新生态。推行科技成果赋权改革，建设技术转移机构。\n"
            "（四）深化开放合作\n"
            "三、落实各方责任\n（一）压实属地责任。各区要制定实施细则。\n")
    record = ingest_text(text)
    ms = kinds(record)
    # （三） has text of its own and no sub-items: a measure; （四） is a heading with nothing under it: none
    assert [m.section for m in ms] == ["二/（一）/1", "二/（一）/2", "二/（二）/3", "二/（三）"]
    assert [g.section for g in kinds(record, "safeguard")] == ["三/（一）"]


def test_items_that_are_themselves_the_measures():
    text = ("关于支持民营经济发展的若干措施\n各区人民政府：\n现就有关事项通知如下：\n"
            "一、对新认定的专精特新企业给予一次性奖励10万元。（市工信局负责）\n"
            "二、对企业新购置研发设备按投资额的10%给予补助。（市科技局负责）\n"
            "三、对首次上规的工业企业给予奖励。（市统计局负责）\n"
            "某某市人民政府\n2024年5月6日\n")
    ms = kinds(ingest_text(text))
    assert [m.label for m in ms] == ["一、", "二、", "三、"]
    assert ms[0].title.startswith("对新认定的专精特新企业")


def test_flat_list_opening_with_principles_and_closing_with_safeguards():
    text = ("关于促进数字经济发展的意见\n"
            "（一）指导思想。以高质量发展为主题，推动数字经济做强做优做大。\n"
            "（二）主要目标：到2027年，数字经济核心产业增加值占比达到12%。\n"
            "（三）建设算力基础设施。布局智算中心，对新建智算中心给予补助。\n"
            "（四）发放算力券。对中小企业购买算力服务给予最高50%补贴。\n"
            "（五）加强组织领导。各地区要建立工作机制，统筹推进数字经济发展。\n"
            "（六）组织实施重大专项。围绕关键软件开展攻关。\n")
    record = ingest_text(text)
    assert [m.label for m in kinds(record)] == ["（三）", "（四）", "（六）"]
    assert [m.label for m in kinds(record, "safeguard")] == ["（五）"]


def test_a_heading_s_responsibility_note_is_not_part_of_the_title():
    text = "工作要点\n一、重点任务\n1.建设研发平台（市科技局牵头负责）\n支持企业建设平台。\n2.培育创新主体。扶持企业。（市工信局负责）\n"
    ms = kinds(ingest_text(text))
    assert [m.title for m in ms] == ["建设研发平台", "培育创新主体。"]
    assert [a.name for a in ms[0].agencies if a.role == "lead"] == ["市科技局"]


def test_a_label_on_a_line_of_its_own_takes_the_heading_below_it():
    text = ("促进办法\n第一条\n为促进科技创新，制定本办法。\n第二条\n对新认定的研发中心给予奖励。\n"
            "第三条\n本办法自印发之日起施行。\n")
    ms = kinds(ingest_text(text))
    assert [m.label for m in ms] == ["第二条"]  # 第一条 为…制定本办法 opens the text, 第三条 …施行 closes it
    assert ms[0].title == "对新认定的研发中心给予奖励。"
    assert ms[0].text == "第二条\n对新认定的研发中心给予奖励。"
    assert [g.label for g in kinds(ingest_text(text), "safeguard")] == ["第一条", "第三条"]


def test_articles_with_lists_of_conditions_beside_plain_articles_are_each_one_measure():
    text = ("人才引进办法\n"
            "第一条 对引进的高层次人才给予安家补贴。\n"
            "第二条 申请安家补贴的人才应当符合下列条件：\n（一）与本市用人单位签订三年以上劳动合同；\n（二）在本市缴纳社会保险。\n"
            "第三条 对人才创办的企业给予场地租金补贴。\n"
            "第四条 申请租金补贴的企业应当符合下列条件：\n（一）在本市注册；\n（二）租用面积不超过500平方米。\n")
    ms = kinds(ingest_text(text))
    assert [m.label for m in ms] == ["第一条", "第二条", "第三条", "第四条"]


def test_numbers_listed_in_prose_open_no_item():
    text = ("工作要点\n1.开展专项行动。安排如下：\n3、4月份开展摸底排查。\n2.举办创新大赛。设置奖项：\n"
            "一、二、三等奖分别奖励10万元、5万元、3万元。\n")
    ms = kinds(ingest_text(text))
    assert [m.label for m in ms] == ["1.", "2."]


def test_an_attachment_listing_the_body_s_measures_again_adds_none():
    text = ("关于印发支持措施的通知\n各区人民政府：\n"
            "一、支持企业上市。对上市企业给予奖励。\n二、支持企业技术改造。按投资额给予补助。\n三、组织实施。各区抓好落实。\n"
            "某某市人民政府\n2024年5月6日\n"
            "附件\n政策清单\n1.支持企业上市\n2.支持企业技术改造\n")
    record = ingest_text(text)
    assert [m.label for m in kinds(record)] == ["一、", "二、"]
    assert [m.label for m in kinds(record, "safeguard")] == ["三、"]


def test_a_notice_forwarding_its_policy_as_an_attachment_gives_the_policy_s_measures():
    text = ("关于印发《科技金融若干措施》的通知\n各区人民政府：\n现将《科技金融若干措施》印发给你们，请认真贯彻执行。\n"
            "某某市人民政府办公室\n2024年5月6日\n"
            "附件\n科技金融若干措施\n一、总体要求\n坚持市场导向。\n二、主要措施\n（一）设立科技信贷风险补偿资金池。\n"
            "（二）开展知识产权质押融资。\n")
    record = ingest_text(text)
    assert [m.section for m in kinds(record)] == ["二/（一）", "二/（二）"]


def test_a_date_line_inside_the_text_does_not_cut_the_numbering():
    text = ("工作方案\n一、重点任务\n（一）建设创新平台。\n2024年6月30日\n（二）培育创新主体。\n二、重点工程\n（三）实施技改工程。\n")
    assert [m.section for m in kinds(ingest_text(text))] == ["一/（一）", "一/（二）", "二/（三）"]


def test_a_notice_with_numbered_requirements_keeps_the_measures_of_the_policy_it_forwards():
    text = ("关于印发《人才新政》的通知\n各区人民政府：\n现将《人才新政》印发给你们，并提出以下要求：\n"
            "一、对引进的博士给予生活补贴。\n二、抓好贯彻落实。各区要细化措施。\n"
            "某某市人民政府\n2024年5月6日\n"
            "附件\n人才新政\n1.对引进的博士给予生活补贴。\n2.对人才创办企业给予贷款贴息。\n")
    record = ingest_text(text)
    assert [m.label for m in kinds(record)] == ["一、", "2."]


def test_items_listing_their_points_inline_stay_one_measure_each():
    text = ("工作要点\n1.建设公共平台。主要包括：（1）建设算力平台；（2）建设数据平台。\n"
            "2.培育市场主体。重点是：（1）培育专精特新企业；（2）培育独角兽企业。\n")
    ms = kinds(ingest_text(text))
    assert [m.label for m in ms] == ["1.", "2."]
    assert ms[0].text == "1.建设公共平台。主要包括：（1）建设算力平台；（2）建设数据平台。"


def test_a_segment_carries_the_headings_above_it():
    s = parse_structure("方案\n一、重点任务\n（一）科技创新\n1.建设研发平台。支持企业建平台。\n")
    assert s.measures[0].headings == ["科技创新", "重点任务"]
    assert [a.heading for a in s.items[2].ancestors()] == ["科技创新", "重点任务"]


def test_articles_about_the_document_itself_frame_it_and_are_no_measures():
    text = ("科技型中小企业知识产权质押融资风险补偿资金管理办法\n第一章　总则\n"
            "第一条　为规范风险补偿资金管理，提高资金使用效益，根据《中华人民共和国预算法》等有关规定，制定本办法。\n"
            "第二条　本办法所称风险补偿资金，是指用于补偿合作银行知识产权质押贷款损失的资金。\n"
            "第二章　补偿标准\n"
            "第三条　对合作银行发放的知识产权质押贷款本金损失，按照不超过40%的比例给予补偿。\n"
            "第四条　为鼓励银行扩大贷款规模，对年度贷款增量前三名的银行给予通报表扬。\n"
            "第五条　本办法自2032年8月1日起施行。\n")
    found = parse_structure(text)
    assert [m.label for m in found.measures] == ["第三条", "第四条"]
    assert [s.label for s in found.safeguards] == ["第一条", "第二条", "第五条"]


PLAN_WITH_BOXES = """某市数字经济发展规划

一、主要任务
（一）建设新型基础设施。加快5G基站建设，推进算力中心布局。
专栏1　新型基础设施重点工程
1.5G网络工程。新建5G基站1万个。
2.算力工程。建设算力中心。
（二）培育数字产业集群。做强集成电路产业。
专栏二：数字产业集群培育工程
1.集成电路工程。建设集成电路产业园。
（三）推进产业数字化转型。实施智能化改造项目500个。
二、保障措施
（一）加强组织领导。成立领导小组。
"""


def test_a_plans_boxes_are_text_of_the_task_they_illustrate():
    """专栏 boxes list key projects numbered apart from the plan: the tasks around them stay the
    measures, each box's projects part of its task's text (1.5G网络工程 is project 1, on 5G)."""
    record = ingest_text(PLAN_WITH_BOXES)
    ms = kinds(record)
    assert [m.label for m in ms] == ["（一）", "（二）", "（三）"]
    assert "1.5G网络工程。新建5G基站1万个。" in ms[0].text and "集成电路工程" in ms[1].text
    assert [m.label for m in kinds(record, "safeguard")] == ["（一）"]


def test_a_list_number_before_5g_is_a_label_and_a_decimal_before_a_letter_is_not():
    record = ingest_text("某区措施\n\n1.5G应用示范。建设5G应用场景。\n2.4K超高清推广。推广4K电视。\n3.算力补贴。给予补贴。\n")
    assert [(m.label, m.title) for m in kinds(record)] == [
        ("1.", "5G应用示范。"), ("2.", "4K超高清推广。"), ("3.", "算力补贴。")]


def test_a_task_among_group_headings_is_a_measure_when_it_is_assigned():
    """一、扩大汽车消费 （一）…（二）… / 二、提振家居消费。…给予补贴。（责任单位：市商务局） / 三、… （一）…:
    the second section is a task in its own right, assigned like the others; it was dropped."""
    record = ingest_text("某市促进消费若干措施\n\n一、扩大汽车消费\n（一）发放购车补贴。对购买新能源汽车的给予补贴。\n"
                         "（二）优化限购政策。增加购车指标。\n二、提振家居消费。对购买绿色智能家电给予补贴。（责任单位：市商务局）\n"
                         "三、发展服务消费\n（一）丰富文旅供给。打造夜间消费集聚区。\n四、组织保障\n（一）加强组织领导。\n")
    assert [(m.section, m.title) for m in kinds(record)] == [
        ("一/（一）", "发放购车补贴。"), ("一/（二）", "优化限购政策。"), ("二", "提振家居消费。"), ("三/（一）", "丰富文旅供给。")]
    assert [a.name for a in kinds(record)[2].agencies] == ["市商务局"]


@pytest.mark.parametrize("attachments", ["附件：1.专精特新企业申报表\n　　　2.专精特新企业汇总表\n",
                                         "附件：\n1.专精特新企业申报表\n2.专精特新企业汇总表\n"])
def test_the_names_of_attached_files_are_no_measures(attachments):
    record = ingest_text("某市关于开展专精特新企业认定工作的通知\n\n各区科技局：\n现将有关事项通知如下：\n"
                         "一、认定条件。企业须在本市注册满一年。\n二、支持政策。对认定企业给予20万元奖励。（责任单位：市工信局）\n"
                         "三、申报程序。企业通过平台申报。\n\n" + attachments + "\n某市工业和信息化局\n2025年3月1日\n")
    assert [m.label for m in kinds(record)] == ["一、", "二、", "三、"]


def test_a_report_on_a_practice_gives_its_points_one_paragraph_each():
    # 一是…　二是…: a report of a practice (经验做法) numbers its points that way; the closing
    # 下一步 paragraph and the page's 主办 footer belong to no point
    page = ("<h1>某某高新区：探索“科创贷”模式</h1><p>来源：某某高新区管委会　发布时间：2023-09-12 10:30　浏览次数：12</p>"
            "<p>近年来，某某高新区聚焦科技型中小企业融资难题，探索形成“科创贷”模式。</p>"
            "<p>一是建立风险共担机制。由区财政设立风险资金池。</p>"
            "<p>二是创新知识产权质押融资。推动银行开展专利质押贷款。</p>"
            "<p>三是搭建线上服务平台。实现融资需求线上发布。</p>"
            "<p>下一步，将持续深化科技金融改革，力争在全省复制推广。</p>"
            "<p>主办：某某省人民政府办公厅　版权所有</p>")
    doc = ingest_bytes(f"<html><body>{page}</body></html>".encode(), "report.html", {"region": "成都"})
    ms = kinds(doc)
    assert [m.label for m in ms] == ["一是", "二是", "三是"]
    assert [m.title for m in ms] == ["建立风险共担机制。", "创新知识产权质押融资。", "搭建线上服务平台。"]
    assert ms[-1].text == "三是搭建线上服务平台。实现融资需求线上发布。"
    assert (doc.date, doc.date_source) == ("2023-09-12", "page_date")  # 发布时间 on a spaced info line


def test_joint_issuers_signing_side_by_side_close_the_last_item():
    text = ("关于加快传统制造业转型升级的指导意见\n一、重点任务\n（一）加快数字技术赋能。实施智能制造工程。\n"
            "二、保障措施\n（一）加强统筹协调。\n（二）强化人才支撑。\n"
            "工业和信息化部　　国家发展改革委\n教育部　　财政部\n中国人民银行　　金融监管总局\n2023年12月28日\n")
    doc = ingest_text(text, region="中国")
    assert kinds(doc, "safeguard")[-1].text == "（二）强化人才支撑。"
    assert doc.issuer.split("、")[:3] == ["工业和信息化部", "国家发展改革委", "教育部"]
    assert doc.date == "2023-12-28"


def test_a_collection_of_cases_numbers_them_case_by_case_and_each_opens_with_its_place():
    text = ("国家发展改革委办公厅关于推广支持民营经济发展典型做法的通知\n"
            "现将有关典型做法印发给你们，请结合实际学习借鉴。\n"
            "案例一　浙江省湖州市：推行“民营企业服务专员”制度\n湖州市为每家规上民营企业配备服务专员。\n"
            "案例二　江苏省苏州市：创新“科技贷”风险补偿机制\n苏州市设立科技信贷风险补偿资金池。\n"
            "典型案例3：四川省成都市开展知识产权质押融资“入园惠企”行动\n成都市组织银行进园区开展对接。\n")
    ms = kinds(ingest_text(text, region="中国"))
    assert [m.label for m in ms] == ["案例一", "案例二", "典型案例3："]
    assert [m.scope for m in ms] == [["湖州"], ["苏州"], ["成都"]]
    assert [(r.kind, r.from_region, r.to_region) for r in ms[0].replications] == [("borrow", "湖州", "中国")]
    # a case counted in prose is no label
    assert match_label("案例3个，涉及企业20家") is None


def test_a_policy_interpretation_gives_the_measures_of_its_main_contents():
    """政策解读: why and how it was drafted frames it; the points under 主要内容 are the measures,
    after the line that introduces them."""
    text = ("关于《某市推进知识产权强市建设若干政策措施》的政策解读\n"
            "一、出台背景\n近年来，我市深入实施知识产权强市战略。为进一步激发创新活力，起草了《若干政策措施》。\n"
            "二、主要内容\n《若干政策措施》共四个方面12条，主要包括：\n"
            "（一）提升知识产权创造质量。对获得中国专利金奖的单位给予100万元奖励。\n"
            "（二）促进知识产权转化运用。推进知识产权质押融资，对企业知识产权质押贷款给予贴息。\n"
            "（三）加强知识产权保护。建设知识产权保护中心，提供快速预审服务。\n"
            "三、适用对象\n在本市行政区域内依法登记注册的企事业单位。\n")
    ms = kinds(ingest_text(text, region="苏州"))
    assert [m.section for m in ms] == ["二/（一）", "二/（二）", "二/（三）"]
    assert ms[1].title == "促进知识产权转化运用。"


def test_an_article_beside_an_article_with_points_is_a_measure():
    text = ("某市科技创新券管理办法\n"
            "第一条　为激发中小企业创新活力，制定本办法。\n"
            "第二条　支持内容：\n（一）企业购买检验检测服务的，按实际费用的50%给予补助；\n"
            "（二）企业购买研发设计服务的，按实际费用的30%给予补助。\n"
            "第三条　创新券由市科技局负责发放和兑付。\n"
            "第四条　本办法自发布之日起施行。\n")
    ms = kinds(ingest_text(text, region="苏州"))
    assert [m.section for m in ms] == ["第二条/（一）", "第二条/（二）", "第三条"]


def test_ordinal_points_written_out_are_items():
    """第一，…　第二，…: an opinion's points as ordinals; 第一章 / 第一条 / 第一批 stay what they are."""
    text = ("某市人民政府关于加快发展跨境电子商务的实施意见\n为加快跨境电子商务发展，提出以下意见。\n"
            "第一，加快建设跨境电商综合试验区。完善“单一窗口”功能。（责任单位：市商务局）\n"
            "第二，支持企业建设海外仓。对新建海外仓的给予补助。（责任单位：市商务局、市财政局）\n"
            "第三，强化跨境电商人才支撑。开展跨境电商人才培训。（责任单位：市教育局）\n")
    ms = kinds(ingest_text(text, region="宁波"))
    assert [m.label for m in ms] == ["第一，", "第二，", "第三，"]
    assert [m.title for m in ms][1] == "支持企业建设海外仓。"
    assert [a.name for a in ms[1].agencies] == ["市商务局", "市财政局"]
    assert match_label("第一批试点城市名单") is None and match_label("第一章 总则")[0] == "chapter"


def test_the_page_numbers_of_a_converted_pdf_stay_out_of_the_measures():
    text = ("某市人民政府办公厅关于印发加快培育新型研发机构若干措施的通知\n\n"
            "一、支持新型研发机构建设。对新认定的市级新型研发机构，给予一次\n性补助100万元。（责任单位：市\n科技局）\n"
            "\n— 1 —\n\n"
            "二、鼓励开展技术攻关。按项目实际投入的20%给予补助。（责任单位：市科技局）\n"
            "\n- 2 -\n第2页 共3页\n")
    ms = kinds(ingest_text(text, region="福州"))
    assert len(ms) == 2
    assert not any(mark in m.text for m in ms for mark in ("— 1 —", "- 2 -", "第2页"))
    assert [a.name for a in ms[0].agencies] == ["市科技局"]


@pytest.mark.parametrize("mark", ["— 2 —", "－ 3 －", "- 4 -", "·5·", "第2页 共5页", "2/5", "12"])
def test_a_measure_goes_on_across_a_converted_pdfs_page_number(mark):
    """A PDF copied as text keeps each page's number on a line of its own, often mid-sentence: it
    is dropped, and the measure's rest (with its responsibility line) is still the measure's."""
    rec = ingest_text(
        "某市促进跨境电商发展若干措施\n\n"
        "一、支持跨境电商主体培育。对进出口额首次超过1亿元的企业给予奖励。（责任单位：市商务局）\n"
        "二、支持建设海外仓。对企业新建的海外仓按照实际投入的20%给予补助，最高不超过\n"
        f"{mark}\n"
        "200万元。（责任单位：市商务局，配合单位：市财政局）\n"
        "三、优化通关服务。推行“两步申报”通关模式。（责任单位：市口岸办）\n")
    second = kinds(rec)[1]
    assert second.text.endswith("最高不超过\n200万元。（责任单位：市商务局，配合单位：市财政局）"), second.text
    assert mark not in second.text
    assert [(a.role, a.name) for a in second.agencies] == [("lead", "市商务局"), ("support", "市财政局")]
