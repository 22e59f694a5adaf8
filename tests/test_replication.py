"""Replication / borrowing facts from the sentences and table rows of the founding corpus."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from ingest.regions import load_gazetteer
from ingest.replication import extract_replications
from ingest.textutil import to_simplified

CORPUS = Path(__file__).resolve().parent.parent / "data" / "corpus"


@pytest.fixture(scope="module")
def gaz():
    return load_gazetteer()


def pairs(facts):
    return [(f.from_region, f.to_region, f.kind) for f in facts]


def corpus_text(prefix: str) -> str:
    return next(CORPUS.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")


def paragraph(prefix: str, needle: str) -> str:
    """The corpus line holding ``needle`` (simplified), exactly as a measure would carry it."""
    for line in to_simplified(corpus_text(prefix)).splitlines():
        if needle in line:
            return line
    raise AssertionError(needle)


def test_borrowing_a_named_model(gaz):
    text = paragraph("004", "关助融")
    facts = extract_replications(text, "曲靖", gaz)
    assert pairs(facts) == [("苏州", "曲靖", "borrow")]
    assert facts[0].scope == "borrow" and "借鉴苏州自贸区“关助融”模式" in facts[0].evidence
    # whichever name the pipeline gives the Yunnan zone, the practice goes there
    assert pairs(extract_replications(text, "云南", gaz)) == [("苏州", "云南", "borrow")]


def test_promoting_another_citys_model_traditional_script(gaz):
    line = next(l for l in corpus_text("002").splitlines() if "遼源" in l)  # the page is Traditional
    facts = extract_replications(line, "图们", gaz)
    assert pairs(facts) == [("辽源", "图们", "replicate")]
    assert facts[0].evidence.startswith("加快推广辽源东北袜业园")


def test_citywide_replication_has_no_self_loop(gaz):
    m1 = paragraph("000", "在全市复制推广")
    m16 = paragraph("000", "复制推广生物医药")
    for text, scope in ((m1, "全市"), (m16, "本地")):
        facts = extract_replications(text, "厦门", gaz)
        assert [(f.to_region, f.scope) for f in facts] == [("厦门", scope)]
        assert facts[0].from_region == ""  # the pilot's place is not named, and it is not 厦门 -> 厦门


def test_provincewide_replication(gaz):
    text = paragraph("003", "知识产权质押贷款已入选")
    facts = extract_replications(text, "武汉", gaz)
    assert pairs(facts) == [("武汉", "湖北", "replicate")]
    assert facts[0].scope == "全省" and facts[0].evidence.endswith("在全省复制推广。")
    # 全省 already holds the province's FTZ, so 全省或湖北自贸区 is one target, not four
    text = paragraph("003", "97项改革成果")
    assert pairs(extract_replications(text, "武汉", gaz)) == [("武汉", "湖北", "replicate")]


def test_section_intro_names_the_origin_zone(gaz):
    text = paragraph("004", "106项改革试点任务")
    assert pairs(extract_replications(text, "曲靖", gaz)) == [("云南自贸试验区", "曲靖", "replicate")]


@pytest.mark.parametrize("text", [
    "为全省提供5-10个可复制可推广的经验。",
    "探索一批可复制、可推广的工作经验和模式。",
    "以制度创新为核心,以可复制可推广为基本要求。",
    "推广科技信用贷款,扩大服务覆盖面。",
    "积极推广知识产权质押融资新模式。",
    "各地各有关部门要主动加强与厦门市学习交流。",
    "逐步在行政管理、社会公共服务、市场交易等领域推广使用。",
])
def test_no_fact_for_aspirations_or_product_rollouts(gaz, text):
    assert extract_replications(text, "厦门", gaz) == []


def fujian_rows() -> list[dict[str, str]]:
    """The seven rows of the Fujian task table: 编号 -> {已实施区域, 拟推广区域}."""
    table = corpus_text("001")
    table = table[table.index("\t编号"):]
    parts = re.split(r"^\t(\d)\n", table, flags=re.M)
    rows = []
    for i in range(1, len(parts), 2):
        cells = parts[i + 1].split("\t")
        rows.append({"编号": parts[i], "已实施区域": cells[-3], "拟推广区域": cells[-2], "推广牵头单位": cells[-1]})
    return rows


def test_fujian_table_rows(gaz):
    rows = fujian_rows()
    assert len(rows) == 7
    zones = {"福州片区", "平潭片区", "福州", "泉州"}  # FTZ areas + innovation-zone cities, minus Xiamen itself
    for row in rows:
        facts = extract_replications("", "福建", gaz, fields=row)
        assert {f.from_region for f in facts} == {"厦门"}, row["编号"]
        targets = {f.to_region for f in facts}
        if row["编号"] in "123":
            assert targets == zones
        else:
            assert targets == {"福建"}
            assert facts[0].scope == "全省(已实施:厦门片区)"
        assert all(f.kind == "replicate" and "厦门片区" in f.evidence for f in facts)


def test_never_from_equals_to(gaz):
    # 厦门's own experience spread city-wide in a 厦门 document travels inside the city: no fact names
    # 厦门 as both origin and target; the same sentence in a Fujian document is a fact from 厦门
    own = extract_replications("复制推广厦门经验,在全市复制推广。", "厦门", gaz)
    assert own and all(f.from_region != f.to_region for f in own)
    facts = extract_replications("复制推广厦门经验,在全省复制推广。", "福建", gaz)
    assert [(f.from_region, f.to_region) for f in facts] == [("厦门", "福建")]


# ---- every notation of the genre, in sentences written for these tests --------------------------
def targets(facts):
    return [(f.from_region, f.to_region) for f in facts]


@pytest.mark.parametrize("text, issuing, kw, expected", [
    # 在全国范围内复制推广: the whole country is the country node
    ("将长沙企业开办“一日办结”经验在全国范围内复制推广。", "中国", {}, [("长沙", "中国")]),
    # 复制推广至/到 a named region, the origin named before the verb
    ("把青岛的海运提单质押融资做法复制推广到全省。", "山东", {}, [("青岛", "山东")]),
    ("将泉州“信易贷”模式复制推广至漳州、龙岩。", "福建", {}, [("泉州", "漳州"), ("泉州", "龙岩")]),
    # 在…复制推广 a class: a national document spreads others' pilots, it pilots nothing itself
    ("相关改革举措在自贸试验区复制推广。", "中国", {}, [("", "自贸试验区")]),
    ("该项监管创新在海关特殊监管区域复制推广。", "中国", {}, [("", "综合保税区")]),
    ("在国家级新区和国家级经开区复制推广。", "中国", {}, [("", "国家级新区"), ("", "经开区")]),
    # …and the item's own locality is the origin when the sentence names none
    ("该做法在全国自贸试验区复制推广。", "中国", {"origin": "营口"}, [("营口", "自贸试验区")]),
    # a province that groups its own FTZ areas keeps them; 全国自贸试验区 is still the class
    ("将厦门片区的船舶登记做法在全国自贸试验区复制推广。", "福建", {}, [("厦门", "自贸试验区")]),
    # 率先复制推广…经验
    ("支持营口率先复制推广上海自贸试验区跨境贸易便利化经验。", "辽宁", {}, [("上海", "营口")]),
    # 总结推广X经验 (a place is named)
    ("总结推广成都知识产权证券化经验。", "四川", {}, [("成都", "四川")]),
    # 推广范围 line in the item's prose
    ("负责单位：海关总署；推广范围：自贸试验区、海关特殊监管区域。", "中国", {"origin": "宁波"},
     [("宁波", "自贸试验区"), ("宁波", "综合保税区")]),
    ("推广范围：全国。", "中国", {"origin": "哈尔滨"}, [("哈尔滨", "中国")]),
    # a provincial notice replicating a city's pilots province-wide
    ("经省政府同意，将漳州市“一业一证”等5项改革试点经验在全省复制推广。", "福建", {}, [("漳州", "福建")]),
    # the sentence opens with the piloting place; an aspiration inside it does not stop the fact
    ("嘉兴“标准地”改革经验在全省推广。", "浙江", {}, [("嘉兴", "浙江")]),
    ("将福州片区形成的可复制可推广经验在全省复制推广。", "福建", {}, [("福州", "福建")]),
    # 各地区
    ("请各地区结合实际复制推广深圳“秒批”经验。", "中国", {}, [("深圳", "中国")]),
    # the clause before the target names whose practice it is
    ("总结宁波“知识产权+信用”融资经验，在全省复制推广。", "浙江", {}, [("宁波", "浙江")]),
    ("对标国际先进经验，在全省复制推广。", "浙江", {}, [("", "浙江")]),
    ("围绕厦门片区建设，在全省复制推广。", "福建", {}, [("", "福建")]),
    # a list the practice was selected into is not where it came from
    ("该做法已入选湖北自贸区第五批实践案例，在全省复制推广。", "武汉", {}, [("武汉", "湖北")]),
    # every place of a named list is an origin, as in borrowing
    ("复制推广上海、广东等地“信用修复”经验做法。", "江西", {}, [("上海", "江西"), ("广东", "江西")]),
    # practices named after each place of the list; the most specific place of a chain
    ("复制推广浙江“最多跑一次”、江苏“不见面审批”等改革经验。", "湖南", {}, [("浙江", "湖南"), ("江苏", "湖南")]),
    ("推广福建三明医改经验，深化公立医院综合改革。", "中国", {}, [("三明", "中国")]),
    # a pilot stated before the spread: its places (a national-level new area, a city's zone) are the origins
    ("在赣江新区、南昌经开区率先开展“标准地”出让改革，成熟后在全省推广。", "江西", {},
     [("赣江新区", "江西"), ("南昌", "江西")]),
    ("选择嘉兴开展试点，取得经验后在全省复制推广。", "浙江", {}, [("嘉兴", "浙江")]),
    ("在全省率先开展试点，成熟后在全市推广。", "杭州", {}, [("", "杭州")]),
    # a district's system spread over the city (制度 is a practice like 经验, 模式)
    ("推广青山湖区知识产权质押融资“白名单”制度，在各县区复制实施。", "南昌", {}, [("青山湖", "南昌")]),
    ("深入推广“晋江经验”。", "福建", {}, [("晋江", "福建")]),
    # 复制 with 推广 left unsaid; a named place's practice put in force (推行…经验)
    ("将萧山区“标准地”改革经验在全省复制。", "浙江", {}, [("萧山", "浙江")]),
    ("在全省推行德清县“多规合一”经验。", "浙江", {}, [("德清", "浙江")]),
    # a clause opening with the whole region, no 在; rolled out (推开) as well as spread (推广)
    ("在海门区试点基础上，全市推广科技创新券制度。", "南通", {}, [("海门", "南通")]),
    ("在海门区先行先试的基础上，逐步在全市范围内推开。", "南通", {}, [("海门", "南通")]),
    ("“标准地”改革在嘉兴试点后，全省全面推开。", "浙江", {}, [("嘉兴", "浙江")]),
    # a pilot widened to the whole region
    ("将海门区科技创新券试点范围扩大至全市。", "南通", {}, [("海门", "南通")]),
    ("企业投资项目承诺制试点逐步扩大到全省。", "浙江", {}, [("", "浙江")]),
])
def test_replication_notations(gaz, text, issuing, kw, expected):
    facts = extract_replications(text, issuing, gaz, **kw)
    assert targets(facts) == expected
    assert all(f.kind == "replicate" and f.evidence for f in facts)


@pytest.mark.parametrize("text, issuing, kw, expected", [
    ("学习借鉴深圳前海“企业登记秒批”做法，压缩开办时间。", "江苏", {}, [("深圳", "江苏")]),
    ("借鉴杭州“最多跑一次”经验，推进政务服务改革。", "中国", {}, [("杭州", "中国")]),
    # the item's locality borrowed it, not the State Council
    ("借鉴苏州“关助融”模式开展关税保证保险。", "中国", {"origin": "营口"}, [("苏州", "营口")]),
    # every place of a list is a source, the open end (等地) included in no place
    ("借鉴上海、深圳等地经验，建立首席数据官制度。", "合肥", {}, [("上海", "合肥"), ("深圳", "合肥")]),
    ("参照苏州工业园区做法，推行“标准地”出让。", "南通", {}, [("苏州", "南通")]),
    ("学习杭州经验，打造数字政府。", "南通", {}, [("杭州", "南通")]),
    # a county-level city by its short name, the whole of what names the practice's owner
    ("学习借鉴昆山经验，打造开发区升级版。", "南通", {}, [("昆山", "南通")]),
    ("借鉴义乌模式发展市场采购贸易。", "临沂", {}, [("义乌", "临沂")]),
])
def test_borrowing_notations(gaz, text, issuing, kw, expected):
    facts = extract_replications(text, issuing, gaz, **kw)
    assert targets(facts) == expected
    assert all(f.kind == "borrow" for f in facts)


@pytest.mark.parametrize("heading, origin, expected", [
    ("在全国范围内复制推广的改革事项", "哈尔滨", [("哈尔滨", "中国")]),
    ("在海关特殊监管区域复制推广的改革事项", None, [("", "综合保税区")]),
    ("在自贸试验区复制推广的改革事项", "营口", [("营口", "自贸试验区")]),
])
def test_heading_over_items_sets_their_target(gaz, heading, origin, expected):
    item = "推行进口货物“两段准入”监管。负责单位：海关总署。"
    facts = extract_replications(item, "中国", gaz, origin=origin, headings=[heading, "复制推广的改革事项"])
    assert targets(facts) == expected and facts[0].evidence == heading
    # the item's own 推广范围 line wins over the heading
    own = extract_replications(item + "推广范围：自贸试验区。", "中国", gaz, origin=origin, headings=[heading])
    assert [t for _, t in targets(own)] == ["自贸试验区"]


def test_table_column_推广范围_with_no_source_column(gaz):
    row = {"序号": "3", "改革事项": "保税燃料油跨关区直供", "负责单位": "海关总署", "推广范围": "全国"}
    facts = extract_replications("", "中国", gaz, fields=row, origin="舟山")
    assert targets(facts) == [("舟山", "中国")]
    row["推广范围"] = "自贸试验区、综合保税区"
    assert targets(extract_replications("", "中国", gaz, fields=row)) == [("", "自贸试验区"), ("", "综合保税区")]
    # a column naming the zone that piloted it
    row = {"序号": "2", "案例名称": "船舶“一次登记、全国通用”", "所属自贸试验区": "浙江自贸试验区舟山片区",
           "推广范围": "全国"}
    assert targets(extract_replications("", "中国", gaz, fields=row)) == [("舟山", "中国")]


@pytest.mark.parametrize("text", [
    "各自贸试验区要大胆试、大胆闯，形成更多可复制可推广经验。",
    "及时总结可复制可推广的经验做法。",
    "在贫困地区推广食用农产品质量安全追溯技术。",
    "借鉴国际有益经验，完善职业联赛制度。",  # no place named: no origin to credit
    "参照国家有关规定执行。",  # 参照 an administrative rule, not a practice
    "参考先进地区做法，完善工作机制。",
    "组织干部学习贯彻全会精神。",
    "全面推开市场主体登记确认制。",  # rolled out, with no region or pilot named
    "扩大至全省范围的覆盖面。",  # widened, but no pilot
    "推广“枫桥经验”。",  # a township's name, no place the gazetteer knows
    "在全市推行“一网通办”。",  # a service put in force: no practice word, no place
    "学习先进地区经验。",
])
def test_no_fact_without_a_named_place_or_target(gaz, text):
    assert extract_replications(text, "中国", gaz) == []


def test_class_targets_are_region_rows():
    from ingest.replication import TARGET_CLASSES, class_region_rows, target_class

    rows = {r["name"]: r for r in class_region_rows()}
    assert set(rows) == set(TARGET_CLASSES) >= {"自贸试验区", "综合保税区", "国家级新区", "经开区", "高新区", "各地区"}
    assert all(r["level"] == "class" and r["parent"] == "中国" for r in rows.values())
    assert target_class("全国范围内") == "中国" and target_class("各自贸试验区") == "自贸试验区"
    assert target_class("海关特殊监管区域") == "综合保税区" and target_class("厦门") is None


def test_a_range_line_moves_the_whole_item_and_a_sentence_only_its_own_practice():
    from ingest.records import ReplicationFact
    from ingest.replication import attribute_themes
    from ingest.themes import load_taxonomy

    taxonomy = load_taxonomy()
    measure = "开展知识产权质押融资，推进跨境电商通关便利化。"
    themes = taxonomy.tag(measure)
    keys = sorted(t.key for t in themes)
    assert len(keys) >= 2, keys  # the item holds two practices of different themes
    range_line = ReplicationFact("厦门", "福建", "全省", "复制推广范围：全省")
    sentence = ReplicationFact("厦门", "福建", "全省", "在全省复制推广知识产权质押融资做法")
    attribute_themes([range_line, sentence], list(themes), taxonomy, whole_measure=False)
    assert sorted(range_line.themes) == keys  # a 推广范围 line sends the whole item
    assert sentence.themes and sorted(sentence.themes) != keys  # the sentence sends its own practice


@pytest.mark.parametrize("title, opening, issuing, expected", [
    ("国务院办公厅关于推广第三批典型经验做法的通知", "", "中国", ("replicate", "中国", "全国")),
    ("", "经国务院同意，现将有关典型经验做法予以推广。", "中国", ("replicate", "中国", "全国")),
    ("", "現將有關典型經驗做法予以復制推廣。", "中国", ("replicate", "中国", "全国")),
    ("", "现将优化营商环境典型案例印发给你们，供各地各部门学习借鉴。", "江西", ("borrow", "江西", "全省")),
    ("湖北省人民政府关于推广武汉市创新经验的通知", "现将有关创新经验印发给你们，请结合实际学习借鉴。", "湖北",
     ("borrow", "湖北", "全省")),  # the opening says more than the title
    ("", "现将首批改革经验在全市推广。", "厦门", ("replicate", "厦门", "全市")),
])
def test_a_document_that_spreads_the_practices_it_lists(gaz, title, opening, issuing, expected):
    from ingest.replication import document_spread

    spread = document_spread(to_simplified(title), to_simplified(opening), issuing, gaz)
    assert spread is not None and (spread.kind, spread.target, spread.scope) == expected


@pytest.mark.parametrize("title, opening", [
    ("浙江省人民政府关于印发浙江省数字经济发展实施方案的通知", "为总结推广改革经验，制定本方案。"),
    ("", "力争形成一批可复制可推广的经验做法。"),  # an aspiration, not a spread
    ("关于推广应用新能源汽车的实施意见", ""),  # 推广 a product, not a practice
    ("", "现将有关事项通知如下。"),
])
def test_a_document_that_spreads_nothing(gaz, title, opening):
    from ingest.replication import document_spread

    assert document_spread(title, opening, "浙江", gaz) is None


def test_a_spread_moves_only_items_that_name_their_origin(gaz):
    from ingest.replication import document_spread

    spread = document_spread("", "现将有关典型经验做法予以推广。", "中国", gaz)
    named = extract_replications("推行涉企证照一照通办。", "中国", gaz, origin="西安", spread=spread)
    assert [(f.from_region, f.to_region, f.scope, f.kind) for f in named] == [("西安", "中国", "全国", "replicate")]
    assert extract_replications("推行涉企证照一照通办。", "中国", gaz, spread=spread) == []


def test_a_first_pilot_area_column_and_the_pearl_river_delta_as_target(gaz):
    row = {"序号": "3", "改革事项": "“湾区通”工程", "首创片区": "横琴片区", "复制推广范围": "珠三角九市"}
    facts = extract_replications("", "广东", gaz, fields=row)
    assert {t for _, t in targets(facts)} == {"广州", "深圳", "佛山", "惠州", "东莞", "中山", "江门", "肇庆"}
    assert {f for f, _ in targets(facts)} == {"珠海"}  # 横琴 reported as the city holding it
    row = {"序号": "1", "改革事项": "跨境理财通", "首创片区": "南沙片区", "复制推广范围": "全省"}
    assert targets(extract_replications("", "广东", gaz, fields=row)) == [("广州", "广东")]
