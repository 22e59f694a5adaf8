"""Documents of the genre the extractors were not built on, written for these tests in the genre's
notations (State Council FTZ replication notice with a 任务分工 table, provincial 实施方案 with a
重点任务分工表, city 若干措施 in 第X条 saved as GBK text, a district's measures in Traditional script
with a title over two lines, a joint ministry notice, a development zone's measures with field lines,
a provincial FTZ replication list as a tab-separated table, notices spreading or offering places' typical
practices, in prose or as a table of cases). Each expectation is what a reader of the
page would write down; the files are in tests/fixtures/genre/."""
from __future__ import annotations

from pathlib import Path

import pytest

from ingest.pipeline import ingest_file
from ingest.regions import load_gazetteer

GENRE = Path(__file__).resolve().parent / "fixtures" / "genre"

# file -> document facts: region, level, parents, title, issuer, date, date_source, doc number
DOCUMENTS = {
    "g1_state_council_ftz.html": dict(
        region="中国", level="national", parents=[],
        title="国务院关于做好自由贸易试验区第九批改革试点经验复制推广工作的通知",
        issuer="国务院", date="2031-03-18", date_source="signature", doc_number="国函〔2031〕21号"),
    "g2_province_task_division.html": dict(
        region="湖南", level="province", parents=[],
        title="湖南省人民政府办公厅关于印发《湖南省推进开发区高质量发展实施方案》的通知",
        issuer="湖南省人民政府办公厅", date="2031-04-28", date_source="signature",
        doc_number="湘政办发〔2031〕17号"),
    "g3_city_measures_gbk.txt": dict(
        region="洛阳", level="prefecture", parents=["河南"],
        title="洛阳市人民政府关于印发洛阳市支持制造业数字化转型若干措施的通知",
        issuer="洛阳市人民政府", date="2031-02-14", date_source="signature", doc_number="洛政〔2031〕9号"),
    "g4_district_traditional.html": dict(
        region="黄埔", level="county", parents=["广州", "广东"],
        title="广州市黄埔区人民政府办公室关于印发黄埔区促进生物医药产业高质量发展若干措施的通知",
        issuer="广州市黄埔区人民政府办公室", date="2031-06-25", date_source="signature",
        doc_number="穗埔府办规〔2031〕4号"),
    "g5_ministry_notice.html": dict(
        region="中国", level="national", parents=[],
        title="商务部等8部门关于推动服务外包加快转型升级的通知",
        issuer="商务部、教育部、科技部、工业和信息化部、财政部、人力资源社会保障部、税务总局、人民银行",
        date="2031-09-12", date_source="signature", doc_number="商服贸函〔2031〕305号"),
    "g6_hightech_zone.html": dict(
        region="成都高新区", level="zone", parents=["成都", "四川"],
        title="成都高新区管委会关于印发《成都高新区加快低空经济产业发展的若干政策措施》的通知",
        issuer="成都高新技术产业开发区管理委员会", date="2031-10-24", date_source="signature",
        doc_number="成高管发〔2031〕12号"),
    "g8_general_office_opinion.html": dict(
        region="中国", level="national", parents=[],
        title="国务院办公厅关于进一步优化营商环境降低市场主体制度性交易成本的意见",
        issuer="国务院办公厅", date="2031-11-03", date_source="signature", doc_number="国办发〔2031〕40号"),
    "g9_city_task_table.html": dict(
        region="无锡", level="prefecture", parents=["江苏"],
        title="无锡市人民政府办公室关于印发无锡市优化营商环境重点任务分工方案的通知",
        issuer="无锡市人民政府办公室", date="2031-03-30", date_source="signature", doc_number="锡政办发〔2031〕25号"),
    "g10_typical_practices.txt": dict(
        region="中国", level="national", parents=[],
        title="国务院办公厅关于推广第五批深化“放管服”改革典型经验做法的通知",
        issuer="国务院办公厅", date="2031-10-09", date_source="signature", doc_number="国办函〔2031〕73号"),
    "g11_province_cases_borrow.html": dict(
        region="江西", level="province", parents=[],
        title="江西省人民政府办公厅关于印发优化营商环境典型案例的通知",
        issuer="江西省人民政府办公厅", date="2031-11-20", date_source="signature", doc_number="赣府厅字〔2031〕44号"),
    "g12_ministry_case_table.html": dict(
        region="中国", level="national", parents=[],
        title="商务部办公厅关于印发自由贸易试验区第八批“最佳实践案例”的函",
        issuer="商务部办公厅", date="2031-12-10", date_source="signature", doc_number="商办自贸函〔2031〕118号"),
    "g7_province_ftz_replication.txt": dict(
        region="四川", level="province", parents=[],
        title="四川省人民政府关于复制推广中国（四川）自由贸易试验区第四批改革试点经验的通知",
        issuer="四川省人民政府", date="2031-08-06", date_source="signature", doc_number="川府函〔2031〕88号"),
}

# file -> one (label, lead, support, scope) per measure, in order
MEASURES = {
    "g1_state_council_ftz.html": [
        ("1", ["国家市场监督管理总局"], [], []),
        ("2", ["住房和城乡建设部", "自然资源部"], [], []),
        ("3", ["国家知识产权局", "中国银行保险监督管理委员会"], [], []),
        ("4", ["海关总署"], [], []),
        ("5", ["海关总署", "交通运输部", "国家移民局"], [], []),
        ("6", ["海关总署", "商务部"], [], []),
        ("7", ["海关总署"], [], []),
    ],
    "g2_province_task_division.html": [
        ("1", ["省发改委"], ["省商务厅", "省自然资源厅"], []),
        ("2", ["省自然资源厅"], ["省发改委", "省工信厅"], []),
        ("3", ["省委编办", "省商务厅"], ["各市州人民政府"], []),
        ("4", ["省政务局"], ["各市州人民政府"], []),
        ("5", ["省财政厅"], ["省地方金融监管局", "人民银行长沙中心支行"], []),
    ],
    "g3_city_measures_gbk.txt": [
        ("第一条", ["市工信局", "市财政局"], [], []),
        ("第二条", ["市工信局"], [], []),
        ("第三条", ["市工信局", "市财政局"], [], []),
        ("第四条", ["市人社局", "市教育局"], [], []),
        ("第五条", ["市财政局", "人行洛阳市分行"], [], []),
    ],
    "g4_district_traditional.html": [
        ("一、", ["区科技局"], ["区财政局"], []),
        ("二、", ["区市场监管局"], ["区科技局"], []),
        ("三、", ["区发展改革局"], ["区科技局"], []),  # 列第一位者为牵头单位 inside the note
        ("四、", ["区投资促进局"], [], []),
    ],
    "g5_ministry_notice.html": [
        ("一、", ["商务部", "工业和信息化部"], [], []),
        ("二、", ["教育部", "人力资源和社会保障部", "商务部"], [], []),
        ("三、", ["财政部", "国家税务总局", "商务部", "科学技术部"], [], []),
        ("四、", ["中国人民银行", "中国证券监督管理委员会", "商务部"], [], []),
        ("五、", ["商务部"], ["各省级商务主管部门"], []),  # A牵头，B负责落实: B carries it out beside A
    ],
    "g6_hightech_zone.html": [
        ("1.", ["成都高新区投资服务局", "成都高新区财政金融局"], [], []),
        ("2.", ["成都高新区新经济发展局"], [], []),
        ("3.", ["成都高新区新经济发展局"], ["成都高新区公园城市建设局", "成都高新区应急管理局"], []),
        ("4.", ["成都高新区公园城市建设局"], ["成都高新区新经济发展局"], []),
    ],
    "g7_province_ftz_replication.txt": [
        ("1", ["省市场监管局", "省公安厅", "省税务局"], [], ["成都天府新区自贸片区"]),
        ("2", ["成都海关"], [], ["川南临港自贸片区"]),
        ("3", ["省自然资源厅", "省住房城乡建设厅"], [], ["成都"]),
        ("4", ["成都海关"], [], ["成都天府新区自贸片区"]),
    ],
}

MEASURES["g8_general_office_opinion.html"] = [
    ("（一）", ["国家发展和改革委员会", "商务部"], ["各地区"], []),  # 牵头 … 各地区按职责分工负责
    ("（二）", ["国家发展和改革委员会"], ["工业和信息化部", "住房和城乡建设部"], []),  # A会同B等部门负责
    ("（三）", ["民政部"], ["国家发展和改革委员会", "国家市场监督管理总局"], []),  # prose: 由A会同B负责
    ("（四）", ["国家发展和改革委员会", "自然资源部", "各省级人民政府"], [], []),
]

# the whole plan is one 任务分工 table, its groups in rows spanning the table
MEASURES["g9_city_task_table.html"] = [
    ("1", ["市市场监管局"], ["市公安局", "市税务局"], []),
    ("2", ["市行政审批局"], ["各市(县)、区人民政府"], []),  # one collective unit over two tiers
    ("3", ["市自然资源规划局"], ["市发改委", "市工信局"], []),
    ("4", ["市市场监管局(知识产权局)", "市财政局"], ["人民银行无锡市分行"], []),
]

# a notice spreading places' practices: each item opens with, or closes on, the place it comes from
MEASURES["g10_typical_practices.txt"] = [("一、", [], [], ["南通"]), ("二、", [], [], ["合肥"]),
                                         ("三、", [], [], ["西安"])]
MEASURES["g11_province_cases_borrow.html"] = [("一、", [], [], ["南昌"]), ("二、", [], [], ["赣州"]),
                                              ("三、", [], [], ["九江"])]
# a table of cases: the 报送单位 column names where each comes from
MEASURES["g12_ministry_case_table.html"] = [("1", [], [], ["苏州自贸片区"]), ("2", [], [], ["杭州"]),
                                            ("3", [], [], ["浦东新区"])]

# file -> (from, to, scope) of every replication fact, in measure order
REPLICATIONS = {
    "g1_state_council_ftz.html": [("", "中国", "全国")] * 5
    + [("", "自贸试验区", "自贸试验区"), ("", "综合保税区", "综合保税区")],
    "g2_province_task_division.html": [("长沙", "湖南", "全省开发区")],
    "g3_city_measures_gbk.txt": [],
    "g4_district_traditional.html": [],
    "g5_ministry_notice.html": [("", "中国", "全国")],
    "g6_hightech_zone.html": [("深圳", "成都高新区", "borrow")],
    "g8_general_office_opinion.html": [],
    "g9_city_task_table.html": [("苏州", "无锡", "全市开发区")],  # a zone's experience: its city  # 总结推广成熟经验 names no target
    "g7_province_ftz_replication.txt": [
        ("成都天府新区自贸片区", "四川", "全省"), ("川南临港自贸片区", "四川", "全省"), ("成都", "四川", "全省"),
        ("成都天府新区自贸片区", "综合保税区", "综合保税区")],
    # 现将有关典型经验做法予以推广: every listed place's practice goes to the issuer's whole country
    "g10_typical_practices.txt": [("南通", "中国", "全国"), ("合肥", "中国", "全国"), ("西安", "中国", "全国")],
    # 现将…典型案例印发给你们，供各地各部门学习借鉴: offered to learn from, across the province
    "g11_province_cases_borrow.html": [("南昌", "江西", "全省"), ("赣州", "江西", "全省"), ("九江", "江西", "全省")],
    # …遴选出第八批"最佳实践案例"，现印发给你们，请结合实际学习借鉴: each case offered to the whole country
    "g12_ministry_case_table.html": [("苏州自贸片区", "中国", "全国"), ("杭州", "中国", "全国"), ("浦东新区", "中国", "全国")],
}


@pytest.fixture(scope="module")
def records():
    return {name: ingest_file(GENRE / name) for name in DOCUMENTS}


def _measures(doc):
    return [m for m in doc.measures if m.kind == "measure"]


@pytest.mark.parametrize("name", sorted(DOCUMENTS))
def test_document_facts(records, name):
    doc, want = records[name], DOCUMENTS[name]
    assert (doc.region, doc.level) == (want["region"], want["level"])
    assert load_gazetteer().chain(doc.region) == want["parents"]
    assert doc.title == want["title"]
    assert doc.issuer == want["issuer"]
    assert (doc.date, doc.date_source) == (want["date"], want["date_source"])
    assert doc.doc_number == want["doc_number"]


@pytest.mark.parametrize("name", sorted(MEASURES))
def test_measures_with_their_units_and_scope(records, name):
    got = [(m.label, [a.name for a in m.agencies if a.role == "lead"],
            [a.name for a in m.agencies if a.role == "support"], m.scope) for m in _measures(records[name])]
    assert got == MEASURES[name]


@pytest.mark.parametrize("name", sorted(REPLICATIONS))
def test_replications(records, name):
    got = [(f.from_region, f.to_region, f.scope) for m in _measures(records[name]) for f in m.replications]
    assert got == REPLICATIONS[name]


def test_a_notice_spreading_listed_practices_says_how_and_carries_each_item(records):
    """The title or the opening says what the notice does with the places' practices: 推广 is a
    replication, 供…学习借鉴 a borrowing; the practice that travels is the whole item."""
    spread = [m.replications[0] for m in _measures(records["g10_typical_practices.txt"])]
    assert {f.kind for f in spread} == {"replicate"}
    assert spread[0].evidence == "经国务院同意,现将有关典型经验做法予以推广。"
    assert "ip_pledge_financing" in spread[1].themes  # the item's own themes travel with it
    borrowed = [m.replications[0] for m in _measures(records["g11_province_cases_borrow.html"])]
    assert {f.kind for f in borrowed} == {"borrow"}
    table = [f for m in _measures(records["g12_ministry_case_table.html"]) for f in m.replications]
    assert {f.kind for f in table} == {"borrow"}
    # the evidence is the sentence that says so, not the page's chrome above it
    assert table[0].evidence == ("为总结推广自贸试验区制度创新成果,我部会同有关部门遴选出第八批“最佳实践案例”,"
                                 "现印发给你们,请结合实际学习借鉴。")
    assert "tech_finance_credit" in borrowed[1].themes


def test_closing_articles_and_safeguards_are_no_measures(records):
    """第六条 本措施与…重叠的 / 第七条 本措施自印发之日起施行 close the text; 三、保障措施 runs it."""
    assert [m.label for m in records["g3_city_measures_gbk.txt"].measures if m.kind == "safeguard"] == \
        ["第六条", "第七条"]
    assert sum(m.kind == "safeguard" for m in records["g2_province_task_division.html"].measures) == 2


def test_encodings_scripts_and_validity(records):
    assert records["g3_city_measures_gbk.txt"].encoding == "gb18030"
    assert (records["g3_city_measures_gbk.txt"].effective, records["g3_city_measures_gbk.txt"].validity) == \
        ("2031-02-14", "三年")
    trad = records["g4_district_traditional.html"]
    assert trad.script == "traditional" and trad.effective == "2031-07-01"
    assert "廣州市黃埔區" in trad.text_original  # offsets and evidence stay in the original script
    zone = records["g6_hightech_zone.html"]
    assert (zone.effective, zone.valid_until) == ("2031-11-01", "2034-10-31")


def test_table_row_keeps_the_body_wording_of_its_task(records):
    """The 分工表 row 提升政务服务效能 repeats task （四）: one measure whose text is the body's
    (the replicated experience is named there), whose roles are the table's columns."""
    m = _measures(records["g2_province_task_division.html"])[3]
    assert "拿地即开工" in m.text and m.fields["完成时限"] == "2031年底前"
    assert m.deadline_raw == "2031年底前"
