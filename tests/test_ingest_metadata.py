"""Document metadata and region of saved pages: what a researcher sees in the document's record."""
from __future__ import annotations

from pathlib import Path

import pytest

from ingest.pipeline import ingest_bytes, ingest_file

DEVSET = Path(__file__).resolve().parent.parent / "data" / "devset"

MEASURES = "<p>一、重点任务</p><p>（一）完善服务体系。建立综合服务平台。</p><p>（二）加大资金支持。设立专项资金。</p>"


def page(body: str, *, chrome: bool = True) -> bytes:
    """A saved policy page: site tabs and footer around the document, as sites print them."""
    head = "<div class='tabs'><span>政策解读</span> <span>政策原文</span> <span>某市</span></div>" if chrome else ""
    foot = "<div>返回政策原文列表</div><nav>← 上一篇 下一篇 →</nav>" if chrome else ""
    return f"<html><body>{head}<article>{body}</article>{foot}</body></html>".encode("utf-8")


def test_national_notice_is_filed_under_china_whatever_places_its_text_names():
    doc = ingest_bytes(page(
        "<h1>国务院办公厅关于推广上海市和广州市试点经验的通知</h1><p>国办发〔2021〕7号</p>"
        "<p>各省、自治区、直辖市人民政府，国务院各部委、各直属机构：</p>"
        "<p>北京市、上海市、广州市开展试点以来，取得积极成效。</p>" + MEASURES +
        "<p>国务院办公厅</p><p>2021年3月2日</p><p>（此件公开发布）</p>"), "notice.html")
    assert (doc.region, doc.level) == ("中国", "national")
    assert doc.title == "国务院办公厅关于推广上海市和广州市试点经验的通知"
    assert doc.issuer == "国务院办公厅"
    assert doc.doc_number == "国办发〔2021〕7号"
    assert (doc.date, doc.date_source) == ("2021-03-02", "signature")
    assert doc.provenance["region"] == "issuer" and doc.provenance["date"] == "signature"


def test_ministry_header_fields_give_title_issuer_number_and_signing_date():
    fields = ("<table><tr><td>发文机关：</td><td>商务部</td><td>成文日期：</td><td>2022年06月30日</td></tr>"
              "<tr><td>标　　题：</td><td>商务部关于支持外贸企业稳定发展的通知</td></tr>"
              "<tr><td>发文字号：</td><td>商贸发〔2022〕88号</td><td>发布日期：</td><td>2022年07月05日</td></tr></table>")
    doc = ingest_bytes(page(fields + "<p>商务部关于支持外贸企业</p><p>稳定发展的通知</p>" + MEASURES), "m.html")
    assert (doc.region, doc.level) == ("中国", "national")
    assert doc.title == "商务部关于支持外贸企业稳定发展的通知"
    assert (doc.issuer, doc.doc_number) == ("商务部", "商贸发〔2022〕88号")
    assert (doc.date, doc.date_source) == ("2022-06-30", "signature")  # 成文日期, not the 发布日期
    assert doc.provenance["title"] == "header_field"


def test_title_broken_over_two_lines_of_the_page_is_read_whole_and_without_chrome():
    doc = ingest_bytes(page("<p>某某市人民政府关于加快发展</p><p></p><p>数字经济的实施意见</p>" + MEASURES), "t.html")
    assert doc.title == "某某市人民政府关于加快发展数字经济的实施意见"
    for chrome in ("政策解读", "政策原文", "返回", "上一篇"):
        assert chrome not in doc.title


def test_site_name_and_breadcrumb_above_the_heading_stay_out_of_the_title():
    doc = ingest_bytes(page("<div>某某省人民政府门户网站</div><div>首页 > 政务公开 > 政策文件</div>"
                            "<h1>某某省人民政府关于加快工业互联网</h1><h1>平台建设的通知</h1>" + MEASURES), "b.html")
    assert doc.title == "某某省人民政府关于加快工业互联网平台建设的通知"


def test_a_date_above_the_document_is_the_page_date_not_a_signature():
    doc = ingest_bytes(page("<h1>关于支持小微企业发展的若干措施</h1><p>2025年03月18日</p>" + MEASURES), "pd.html")
    assert (doc.date, doc.date_source) == ("2025-03-18", "page_date")


def test_issuing_body_printed_over_the_heading_is_not_part_of_the_title():
    doc = ingest_bytes(page("<p>某某市人民政府办公室</p><h1>某某市人民政府办公室关于印发</h1><h1>促进消费若干措施的通知</h1>"
                            + MEASURES), "h.html")
    assert doc.title == "某某市人民政府办公室关于印发促进消费若干措施的通知"
    broken = ingest_bytes(page("<h1>某某市人民政府办公室</h1><h1>关于印发促进消费若干措施的通知</h1>" + MEASURES), "k.html")
    assert broken.title == "某某市人民政府办公室关于印发促进消费若干措施的通知"


def test_plain_text_blank_lines_end_a_heading():
    text = ("某某省某某工作领导小组办公室\n\n某某省某某工作领导小组办公室关于推广\n第一批改革经验的通知\n\n"
            "各设区市人民政府：\n一、重点任务\n（一）完善服务体系。建立平台。\n（二）加大资金支持。设立资金。\n")
    doc = ingest_bytes(text.encode("utf-8"), "plain.txt")
    assert doc.title == "某某省某某工作领导小组办公室关于推广第一批改革经验的通知"


def test_district_document_carries_its_parent_chain():
    doc = ingest_bytes(page(
        "<h1>宁波市鄞州区人民政府办公室关于印发促进软件产业发展若干措施的通知</h1>" + MEASURES +
        "<p>宁波市鄞州区人民政府办公室</p><p>2023年5月6日</p>"), "d.html")
    assert (doc.region, doc.level) == ("鄞州", "county")
    from ingest.regions import load_gazetteer
    assert load_gazetteer().chain(doc.region) == ["宁波", "浙江"]


def test_zone_document_is_filed_under_the_zone_with_its_city():
    doc = ingest_bytes(page(
        "<h1>合肥高新技术产业开发区管委会关于印发支持人工智能企业发展若干政策的通知</h1>" + MEASURES +
        "<p>合肥高新技术产业开发区管理委员会</p><p>2024年1月8日</p>"), "z.html")
    assert (doc.region, doc.level) == ("合肥高新区", "zone")
    from ingest.regions import load_gazetteer
    assert load_gazetteer().chain(doc.region) == ["合肥", "安徽"]


def test_signature_wrapped_over_two_lines_is_one_issuer():
    doc = ingest_bytes(page(
        "<h1>关于印发推进企业上云工作方案的通知</h1>" + MEASURES +
        "<p>成都市数字经济发展</p><p>工作领导小组办公室（代章）</p><p>2024年9月3日</p>"), "s.html")
    assert doc.issuer == "成都市数字经济发展工作领导小组办公室"
    assert (doc.region, doc.level) == ("成都", "prefecture")


def test_joint_signature_lists_every_issuer_and_files_a_ministries_notice_nationally():
    doc = ingest_bytes(page(
        "<h1>关于开展中小企业数字化转型试点工作的通知</h1>" + MEASURES +
        "<p>工业和信息化部</p><p>国家发展和改革委员会</p><p>财政部</p><p>2023年6月12日</p>"), "j.html")
    assert doc.issuer == "工业和信息化部、国家发展和改革委员会、财政部"
    assert (doc.region, doc.level) == ("中国", "national")


def test_an_announcements_number_and_regulators_signing_side_by_side():
    """财政部 税务总局公告2023年第12号 is the document's number; 中国银保监会 is a body of its own in
    a signature printed side by side."""
    text = ("财政部 国家知识产权局 中国银保监会关于支持小微企业发展有关政策的公告\n\n"
            "财政部 国家知识产权局 中国银保监会公告2023年第12号\n\n"
            "一、自2023年1月1日起，对小型微利企业减半征收资源税。\n二、推广知识产权组合质押融资。\n\n"
            "财政部　　国家知识产权局　　中国银保监会\n2023年8月2日\n")
    doc = ingest_bytes(text.encode(), "a.txt", {})
    assert doc.doc_number == "财政部国家知识产权局中国银保监会公告2023年第12号"
    assert doc.issuer == "财政部、国家知识产权局、中国银保监会"
    assert [[t.key for t in m.themes] for m in doc.measures] == [["tax_incentives"], ["ip_pledge_financing"]]


def test_provincial_page_fields_and_a_one_line_signature():
    fields = ("<table><tr><td>发布机构：</td><td>某某省人民政府办公厅</td><td>成文日期：</td><td>2023-03-01</td></tr>"
              "<tr><td>名　　称：</td><td>某某省人民政府办公厅关于印发科技创新二十条的通知</td></tr>"
              "<tr><td>文　　号：</td><td>某府办〔2023〕5号</td><td>发布日期：</td><td>2023-03-05</td></tr></table>")
    doc = ingest_bytes(page(fields + "<h1>某某省科技创新二十条</h1>" + MEASURES), "g.html")
    assert doc.title == "某某省人民政府办公厅关于印发科技创新二十条的通知"
    assert (doc.doc_number, doc.date, doc.date_source) == ("某府办〔2023〕5号", "2023-03-01", "signature")
    assert doc.issuer == "某某省人民政府办公厅" and doc.provenance["issuer"] == "header_field"
    signed = ingest_bytes(page("<h1>关于印发某某方案的通知</h1>" + MEASURES + "<p>广州市人民政府 2023年1月5日</p>"),
                          "o.html")
    assert (signed.issuer, signed.date, signed.region) == ("广州市人民政府", "2023-01-05", "广州")


def test_doc_number_year_is_the_date_when_nothing_is_signed():
    doc = ingest_bytes(page("<h1>某某县人民政府关于做好春耕生产的通知</h1><p>某政发〔2019〕12号</p>" + MEASURES),
                       "n.html")
    assert (doc.date, doc.date_source) == ("2019", "doc_number_year")
    assert doc.provenance["date"] == "doc_number"


def test_a_signature_dated_to_the_month_dates_the_document_to_the_month():
    """二〇二一年九月 under the body that signs: the month is known, the day is not; a month on a
    line of its own with no body above it signs nothing."""
    doc = ingest_bytes(page("<h1>某某市人民政府关于印发某某市数字经济发展规划的通知</h1><p>某政发〔2021〕52号</p>"
                            + MEASURES + "<p>某某市人民政府</p><p>二〇二一年九月</p>"), "m.html")
    assert (doc.date, doc.date_source, doc.issuer) == ("2021-09", "signature", "某某市人民政府")
    unsigned = ingest_bytes(page("<h1>某某县人民政府关于做好春耕生产的通知</h1><p>某政发〔2019〕12号</p>"
                                 + MEASURES + "<p>表格：</p><p>2019年3月</p>"), "u.html")
    assert (unsigned.date, unsigned.date_source) == ("2019", "doc_number_year")


def test_a_release_headed_by_what_the_two_offices_issued():
    """中办国办印发《…》: the release names the document and both offices; the news agency's
    dateline dates it."""
    doc = ingest_bytes(("中共中央办公厅　国务院办公厅印发《关于进一步优化营商环境的意见》\n"
                        "新华社北京2023年7月20日电　近日，中共中央办公厅、国务院办公厅印发了《关于进一步优化营商环境的意见》。\n"
                        "一、深化改革\n（一）全面实行行政许可事项清单管理。严格按照清单实施。\n"
                        "（二）推进知识产权质押融资。完善风险分担机制。\n").encode(), "release.txt")
    assert doc.title == "中共中央办公厅国务院办公厅印发《关于进一步优化营商环境的意见》"
    assert (doc.issuer, doc.region) == ("中共中央办公厅、国务院办公厅", "中国")
    assert (doc.date, doc.date_source) == ("2023-07-20", "page_date")


def test_a_party_committee_and_a_government_printed_side_by_side_over_the_heading():
    doc = ingest_bytes(("中共浙江省委　浙江省人民政府\n关于推进高质量发展的实施意见\n（2023年3月1日）\n\n"
                        "一、推动高质量发展\n1.实施创新驱动发展战略。加快建设科创走廊。\n"
                        "2.推进知识产权质押融资。扩大融资规模。\n").encode(), "opinion.txt")
    assert (doc.issuer, doc.region, doc.date) == ("中共浙江省委、浙江省人民政府", "浙江", "2023-03-01")


def test_page_date_is_only_a_labelled_fallback():
    doc = ingest_bytes(page("<h1>关于支持小微企业发展的若干措施</h1><p>2025-03-18</p><p>来源：某某网</p>" + MEASURES),
                       "p.html")
    assert (doc.date, doc.date_source) == ("2025-03-18", "page_date")
    signed = ingest_bytes(page("<h1>关于支持小微企业发展的若干措施</h1><p>2025-03-18</p>" + MEASURES +
                               "<p>2025年3月10日</p>"), "q.html")
    assert (signed.date, signed.date_source) == ("2025-03-10", "signature")


def test_effective_date_and_validity_are_read():
    doc = ingest_bytes(page("<h1>关于支持小微企业发展的若干措施</h1>" + MEASURES +
                            "<p>本措施自2025年4月1日起施行，有效期至2027年12月31日。</p>"), "e.html")
    assert (doc.effective, doc.valid_until) == ("2025-04-01", "2027-12-31")
    relative = ingest_bytes(page("<h1>关于支持小微企业发展的若干措施</h1>" + MEASURES +
                                 "<p>本措施自印发之日起施行，有效期三年。</p><p>某某市科学技术局</p><p>2025年2月1日</p>"),
                            "r.html")
    assert (relative.effective, relative.validity) == ("2025-02-01", "三年")


def test_document_without_issuer_or_jurisdiction_is_unresolved_not_guessed():
    doc = ingest_bytes(page("<h1>关于做好试点工作的通知</h1><p>借鉴深圳、杭州经验。</p>" + MEASURES), "u.html")
    assert (doc.region, doc.level) == ("", "unresolved")


@pytest.mark.parametrize("path", sorted(DEVSET.glob("*.html")), ids=lambda p: p.name[:2])
def test_every_development_page_gets_a_region_level_and_a_clean_title(path):
    doc = ingest_file(path, {})
    assert doc.region and doc.level in ("national", "province", "prefecture", "county", "zone")
    assert doc.issuer and doc.date and doc.date_source == "signature"
    assert not doc.title.startswith(("政策解读", "政策原文", "---", "来源"))
    assert "layout" not in doc.title


def test_a_party_and_state_document_dated_under_its_title():
    """中共中央办公厅　国务院办公厅关于…的意见 / （2025年3月16日）: two issuing bodies, and the date the
    document prints under its title is its own (no signature follows)."""
    doc = ingest_bytes("中共中央办公厅　国务院办公厅关于进一步优化营商环境的意见\n（2025年3月16日）\n\n"
                       "为持续优化营商环境，现提出如下意见。\n一、深化商事制度改革。推行登记一网通办。\n"
                       "二、加强知识产权保护。建立快速保护机制。\n".encode("utf-8"), "opinion.txt")
    assert doc.issuer == "中共中央办公厅、国务院办公厅"
    assert (doc.date, doc.date_source, doc.provenance["date"]) == ("2025-03-16", "signature", "dated_heading")
    assert [m.label for m in doc.measures if m.kind == "measure"] == ["一、", "二、"]


def test_one_body_whose_name_holds_another_stays_one_issuer():
    doc = ingest_bytes("国务院国有资产监督管理委员会关于加强中央企业科技创新的通知\n\n"
                       "一、加大研发投入。提高研发投入强度。\n二、强化人才支撑。引进领军人才。\n".encode("utf-8"),
                       "sasac.txt")
    assert doc.issuer == "国务院国有资产监督管理委员会"
    assert doc.date is None  # nothing dates it: no guess


def test_a_traditional_notice_with_full_width_digits():
    """珠府辦函〔２０２５〕１５號 is written down 珠府办函〔2025〕15号; the signature's full-width date is read."""
    doc = ingest_bytes("珠海市人民政府辦公室關於印發珠海市支持低空經濟發展若干措施的通知\n珠府辦函〔２０２５〕１５號\n\n"
                       "各區人民政府，市政府各部門：\n現印發給你們，請認真組織實施。\n\n珠海市人民政府辦公室\n２０２５年７月３日\n\n"
                       "１．支持場景開放。給予補貼。（責任單位：市交通運輸局）\n"
                       "２．推廣橫琴「跨境通辦」經驗。在全市推廣橫琴粵澳深度合作區「跨境通辦」做法。\n".encode("utf-8"),
                       "zhuhai.txt")
    assert (doc.doc_number, doc.date, doc.issuer) == ("珠府办函〔2025〕15号", "2025-07-03", "珠海市人民政府办公室")
    # a zone of the issuing city is the origin of what the city spreads, not the city itself
    facts = [(f.from_region, f.to_region, f.scope) for m in doc.measures for f in m.replications]
    assert facts == [("横琴", "珠海", "全市")]


def test_joint_bodies_in_the_issuer_field_are_each_named():
    doc = ingest_bytes(page(
        "<table><tr><td>发文机关：</td><td>中共杭州市委办公厅　杭州市人民政府办公厅</td><td>成文日期：</td>"
        "<td>2025年03月05日</td></tr><tr><td>发文字号：</td><td>市委办发〔2025〕6号</td></tr></table>"
        "<h1>中共杭州市委办公厅 杭州市人民政府办公厅关于加快人工智能产业发展的若干意见</h1>" + MEASURES,
        chrome=False), "hangzhou.html")
    assert doc.issuer == "中共杭州市委办公厅、杭州市人民政府办公厅"
    assert (doc.region, doc.date) == ("杭州", "2025-03-05")


def test_a_line_break_inside_a_closing_note_is_layout():
    """Pages put stray <br> in a paragraph: the responsibility note it cuts keeps its roles and its
    deadline; words split over inline elements join."""
    doc = ingest_bytes(page(
        "<h1>泉州市人民政府办公室关于印发泉州市支持民营经济发展若干措施的通知</h1>"
        "<div><span>一、</span><span>加大</span><span>融资支持</span>。<span>开展知识产权</span><font>质押融资</font>，"
        "对企业给予贴息。（责任单位：市金融监管局<br/>、市财政局，<br/>2026年底前完成）</div>"
        "<div>二、优化营商环境。推行“一业一证”改革。（责任单位：市行政服务中心管委会）</div>", chrome=False),
        "quanzhou.html")
    first = [m for m in doc.measures if m.kind == "measure"][0]
    assert first.title == "加大融资支持。"
    assert [(a.name, a.role) for a in first.agencies] == [("市金融监管局", "lead"), ("市财政局", "lead")]
    assert (first.deadline, "ip_pledge_financing" in [t.key for t in first.themes]) == ("2026-12", True)


def test_a_rule_and_a_regulation_are_dated_and_issued_by_the_history_under_their_title():
    rule = ingest_bytes("""湖北省优化营商环境办法
（2023年12月29日省人民政府常务会议审议通过　2024年1月10日湖北省人民政府令第428号公布　自2024年3月1日起施行）
第一条　为了持续优化营商环境，制定本办法。
第二条　推进知识产权质押融资。
""".encode(), "rule.txt")
    assert (rule.date, rule.issuer, rule.doc_number, rule.region) == (
        "2024-01-10", "湖北省人民政府", "湖北省人民政府令第428号", "湖北")
    assert rule.provenance["date"] == rule.provenance["issuer"] == "promulgation_note"
    assert rule.effective == "2024-03-01"
    # a city's regulation: adopted by the city's congress, dated by the province's approval
    regulation = ingest_bytes("""武汉市科技创新促进条例
（2021年9月29日武汉市第十五届人民代表大会常务委员会第三十七次会议通过
2021年11月26日湖北省第十三届人民代表大会常务委员会第二十七次会议批准）
第一条　为了促进科技创新，制定本条例。
第二条　市人民政府应当建立知识产权质押融资风险补偿机制。
""".encode(), "regulation.txt")
    assert (regulation.date, regulation.region) == ("2021-11-26", "武汉")
    assert regulation.issuer.startswith("武汉市")


def test_the_body_that_posted_the_page_gives_way_to_the_documents_own_issuer():
    meta = ("<table><tr><td>索引号：</td><td>113201/2024-00123</td><td>发布机构：</td><td>南京市人民政府办公厅</td></tr>"
            "<tr><td>文号：</td><td>宁政发〔2024〕12号</td></tr></table>")
    body = "<h2>南京市人民政府关于印发推进产业强市行动计划的通知</h2>" + MEASURES
    signed = ingest_bytes(page(meta + body + "<p>南京市人民政府</p><p>2024年2月1日</p>"), "nj.html")
    assert (signed.issuer, signed.provenance["issuer"]) == ("南京市人民政府", "signature")
    unsigned = ingest_bytes(page(meta + "<h2>推进产业强市行动计划</h2>" + MEASURES), "nj2.html")
    assert (unsigned.issuer, unsigned.provenance["issuer"]) == ("南京市人民政府办公厅", "header_field")


def test_a_table_row_above_the_signature_is_not_part_of_the_issuers_name():
    body = ("<h1>浙江省市场监督管理局关于公布知识产权质押融资试点县名单的通知</h1><p>现予公布。</p>"
            "<table border='1'><tr><td>序号</td><td>地市</td><td>试点县</td></tr>"
            "<tr><td>1</td><td>杭州市</td><td>滨江区</td></tr><tr><td>2</td><td>温州市</td><td>乐清市</td></tr></table>"
            "<p>浙江省市场监督管理局</p><p>2024年5月6日</p>")
    doc = ingest_bytes(page(body, chrome=False), "list.html")
    assert (doc.issuer, doc.date) == ("浙江省市场监督管理局", "2024-05-06")


def test_a_page_that_never_prints_the_notice_heading_takes_it_from_its_title():
    """The body shows the policy the notice forwards under the notice's number and signature; the
    notice's own title is only in the page's <title>, after which the site names itself."""
    page = ("<html><head><title>关于印发某市支持集成电路产业发展若干政策的通知_政策文件_绍兴市人民政府</title></head>"
            "<body><p>绍政发〔2022〕8号</p><p>各区、县（市）人民政府：</p><p>现将《若干政策》印发给你们。</p>"
            "<p>绍兴市人民政府</p><p>2022年3月15日</p><p>某市支持集成电路产业发展若干政策</p>"
            "<p>一、对新引进的集成电路制造项目，按设备投资额的10%给予补助。</p>"
            "<p>二、对企业承担国家集成电路重大专项的，给予配套支持。</p></body></html>")
    doc = ingest_bytes(page.encode(), "p.html", {})
    assert doc.title == "关于印发某市支持集成电路产业发展若干政策的通知"
    assert (doc.doc_number, doc.issuer, doc.date) == ("绍政发〔2022〕8号", "绍兴市人民政府", "2022-03-15")
    assert len(doc.measures) == 2
    # a heading the body prints, even worded otherwise than the <title>, is the title
    printed = page.replace("<body>", "<body><h1>绍兴市人民政府关于印发支持集成电路产业发展若干政策的通知</h1>")
    assert ingest_bytes(printed.encode(), "p.html", {}).title == "绍兴市人民政府关于印发支持集成电路产业发展若干政策的通知"
