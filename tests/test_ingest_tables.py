"""Attachment tables of saved pages: read as rows of cells, and merged with the list they repeat."""
from __future__ import annotations

from ingest.pipeline import ingest_bytes
from ingest.read import html_to_text

NOTICE = """<html><head><title>关于复制推广第三批改革试点经验的通知</title></head><body>
<table width="900"><tr><td><table><tr><td>首页 &gt; 政策文件</td></tr></table></td></tr>
<tr><td><div class="article"><h1>关于复制推广第三批改革试点经验的通知</h1>
<p>各设区市人民政府：</p>
<p>一、复制推广的改革事项。经评估，以下事项在全省复制推广：（一）企业开办一日办结；（二）工程建设项目联合验收；
（三）不动产登记与缴税一窗受理。在自贸试验区复制推广：（四）跨境电商退货中心仓模式；（五）保税维修监管新模式。</p>
<p>二、组织实施。各地要抓好落实。</p>
<p>某某省人民政府办公厅</p><p>2024年3月1日</p>
<p>附件</p>
<table border="1"><tr><td colspan="5"><p>复制推广改革事项清单</p></td></tr>
<tr><th><p>序号</p></th><th><p>改革事项</p></th><th><p>主要内容</p></th><th><p>牵头单位</p></th><th><p>推广范围</p></th></tr>
<tr><td>1</td><td><p>企业开办一日办结</p></td><td><p>整合登记、刻章、申领发票。</p><p>一日内办结。</p></td>
<td>省市场监管局</td><td rowspan="3">全省</td></tr>
<tr><td>2</td><td>工程建设项目联合验收</td><td>规划、消防、人防联合验收。</td><td>省住房城乡建设厅</td></tr>
<tr><td>3</td><td>不动产登记与缴税一窗受理</td><td>一窗受理、并行办理。</td><td>省自然资源厅、省税务局</td></tr>
<tr><td>4</td><td>跨境电商退货中心仓模式</td><td>设立退货中心仓。</td><td>海关</td><td>自贸试验区</td></tr>
<tr><td>5</td><td>保税维修监管新模式</td><td>开展保税维修。</td><td></td><td>自贸试验区</td></tr>
</table></div></td></tr></table></body></html>"""


def test_html_table_rows_keep_their_columns():
    text = html_to_text(NOTICE)
    # paragraphs inside a cell joined, a cell spanning rows repeated, an empty cell kept in its column
    assert "1\t企业开办一日办结\t整合登记、刻章、申领发票。一日内办结。\t省市场监管局\t全省\n" in text
    assert "3\t不动产登记与缴税一窗受理\t一窗受理、并行办理。\t省自然资源厅、省税务局\t全省\n" in text
    assert "5\t保税维修监管新模式\t开展保税维修。\t\t自贸试验区\n" in text
    # the layout table around the page is not a data table: its text stays in paragraphs
    assert "\n二、组织实施。各地要抓好落实。\n" in text


def test_attachment_table_repeating_an_inline_list_gives_one_measure_per_item():
    record = ingest_bytes(NOTICE.encode("utf-8"), "notice.html", {"region": "福建"})
    ms = [m for m in record.measures if m.kind == "measure"]
    assert [m.label for m in ms] == ["1", "2", "3", "4", "5"]
    assert [m.title for m in ms] == ["企业开办一日办结", "工程建设项目联合验收", "不动产登记与缴税一窗受理",
                                    "跨境电商退货中心仓模式", "保税维修监管新模式"]
    assert ms[2].fields["推广范围"] == "全省" and ms[4].fields["推广范围"] == "自贸试验区"
    assert ms[4].fields["牵头单位"] == ""
    assert [a.name for a in ms[2].agencies if a.role == "lead"] == ["省自然资源厅", "省税务局"]
    assert all(record.text_original[m.start:m.end] == m.text_original for m in ms)


def test_table_rows_name_the_listed_item_by_the_start_of_its_heading():
    text = ("推广清单通知\n一、推广事项\n（一）知识产权质押融资“快易贷”：由市知识产权局牵头，对科技型企业提供质押融资。\n"
            "（二）“一业一证”改革：将一个行业经营涉及的多张许可证整合为一张行业综合许可证。\n"
            "二、组织实施\n（一）加强领导。各地要抓好落实。\n"
            "序号\t事项名称\t主要内容\t牵头单位\n"
            "1\t知识产权质押融资“快易贷”\t对科技型企业提供质押融资。\t市知识产权局\n"
            "2\t“一业一证”改革\t整合许可证。\t市行政审批局\n")
    record = ingest_bytes(text.encode("utf-8"), "list.txt", {"region": "泉州"})
    ms = [m for m in record.measures if m.kind == "measure"]
    assert [m.title for m in ms] == ["知识产权质押融资“快易贷”", "“一业一证”改革"]
    assert [m.section for m in ms] == ["一/（一）", "一/（二）"]


def test_a_task_table_numbered_like_the_list_above_it_is_that_list_reworded():
    text = ("三年行动方案\n一、重点任务\n1.建设算力调度平台。统筹全市算力资源。\n2.发放算力券。降低中小企业用算成本。\n"
            "3.培育数据标注基地。\n二、保障措施\n加强统筹协调。\n"
            "序号\t重点任务\t责任单位\t完成时限\n"
            "1\t建成全市统一的算力调度平台\t市数据局\t2025年底\n"
            "2\t每年发放算力券不少于5000万元\t市工信局、市财政局\t持续推进\n"
            "3\t认定数据标注基地3个以上\t市数据局\t2026年底\n")
    ms = [m for m in ingest_bytes(text.encode("utf-8"), "plan.txt", {"region": "泉州"}).measures if m.kind == "measure"]
    assert [m.label for m in ms] == ["1", "2", "3"]
    assert [m.section for m in ms] == ["一/1", "一/2", "一/3"]
    assert [m.title for m in ms] == ["建设算力调度平台。", "发放算力券。", "培育数据标注基地。"]
    assert ms[1].fields["责任单位"] == "市工信局、市财政局"
    assert [a.name for a in ms[1].agencies if a.role == "lead"] == ["市工信局", "市财政局"]


def test_unclosed_and_nested_tables_lose_no_text():
    page = ("<table><tr><td>甲</td><td><table><tr><td>序号</td><td>名称</td></tr><tr><td>1</td><td>乙</td></tr>"
            "</table></td></tr></table><table><tr><td>丙<td>丁<tr><td>戊<td>己")
    text = html_to_text(page)
    assert "序号\t名称\n\n1\t乙" in text  # the inner grid is a data table, the outer one lays it out
    for word in "甲丙丁戊己":
        assert word in text


def test_listed_items_that_quote_table_rows_sum_them_up_and_the_others_stay_measures():
    """Items that only name rows of the task table (“X”等3项) are summaries, not measures; an item
    quoting something the table does not list, or quoting nothing, is a measure of its own."""
    from pathlib import Path

    src = (Path(__file__).parent / "fixtures" / "genre" / "g7_province_ftz_replication.txt").read_text(
        encoding="utf-8")
    body = ("　　一、复制推广的改革事项\n"
            "　　（一）在全省范围内复制推广“企业开办一日办结”等3项改革试点经验。\n"
            "　　（二）在省内综合保税区复制推广“保税研发料件分类监管”改革试点经验。\n"
            "　　（三）推广“电子证照一网通用”做法，由省政务服务管理局负责。\n"
            "　　（四）完善容错机制，鼓励各地先行先试。\n"
            "　　（五）加强宣传解读，及时总结推广经验。\n")
    text = src.replace(src[src.index("　　一、复制推广的改革事项"):src.index("　　二、工作要求")], body)
    measures = [(m.label, m.title) for m in ingest_bytes(text.encode("utf-8"), "g7.txt").measures
                if m.kind == "measure"]
    assert measures == [("（三）", "推广“电子证照一网通用”做法，由省政务服务管理局负责。"),
                        ("（四）", "完善容错机制，鼓励各地先行先试。"),
                        ("（五）", "加强宣传解读，及时总结推广经验。"),
                        ("1", "企业开办一日办结"), ("2", "跨境电商零售进口退货监管"),
                        ("3", "工程建设项目多测合一"), ("4", "保税研发料件分类监管")]


def test_a_policy_list_names_its_departments_in_its_own_words():
    """A 政策清单 table: 主管部门 / 兑现部门 are the departments that carry each policy (lead)."""
    html = ("<html><body><h1>青岛市人工智能产业政策清单（第一批）</h1><table>"
            "<tr><td>序号</td><td>政策名称</td><td>政策内容</td><td>主管部门</td></tr>"
            "<tr><td>1</td><td>算力补贴</td><td>对租用算力的企业按费用30%给予补贴。</td><td>市工业和信息化局</td></tr>"
            "<tr><td>2</td><td>人才奖励</td><td>对引进的顶尖人才给予奖励。</td><td>市人力资源和社会保障局</td></tr>"
            "</table></body></html>")
    doc = ingest_bytes(html.encode("utf-8"), "list.html", {"region": "青岛"})
    got = [(m.title, [(a.name, a.role) for a in m.agencies]) for m in doc.measures if m.kind == "measure"]
    assert got == [("算力补贴", [("市工信局", "lead")]), ("人才奖励", [("市人社局", "lead")])]


def test_a_header_printed_again_on_each_page_is_no_row():
    rows = "".join(f"<tr><td>{n}</td><td>{task}</td><td>{unit}</td><td>2024年12月底前</td></tr>"
                   for n, task, unit in [(1, "建设城市大数据平台。", "市大数据局"), (2, "实施工业互联网工程。", "市工信局")])
    more = "<tr><td>3</td><td>推进知识产权质押融资扩面增量。</td><td>市市场监管局</td><td>持续推进</td></tr>"
    header = "<tr><th>序号</th><th>重点任务</th><th>责任单位</th><th>完成时限</th></tr>"
    page = (f"<html><body><h1>某市数字经济重点任务分工方案</h1><table>{header}{rows}{header}{more}</table>"
            "<p>某市人民政府办公室</p><p>2024年1月5日</p></body></html>")
    doc = ingest_bytes(page.encode(), "t.html", {"region": "泉州"})
    assert [m.title for m in doc.measures] == ["建设城市大数据平台。", "实施工业互联网工程。", "推进知识产权质押融资扩面增量。"]
    assert [a.name for a in doc.measures[2].agencies] == ["市市场监管局"]


def test_a_task_table_in_an_attachment_is_no_rewording_of_the_notices_sections():
    """A notice's sections (试点内容, 试点地区) and its attachment's task table, both numbered 1…N, are
    no list and its rewording: the rows share no words with the sections they would stand for. The
    attachment listing the places chosen (1.杭州市 2.宁波市) gives no measures, and the bodies signing
    under the attachments' names are the issuers."""
    text = ("浙江省商务厅 浙江省财政厅关于开展跨境电商高质量发展试点工作的通知\n"
            "一、试点内容\n支持试点地区建设跨境电商产业园，培育跨境电商品牌企业。\n"
            "二、试点地区\n经地方申报、专家评审，确定杭州、宁波、义乌为试点地区（名单见附件2）。\n"
            "附件：1.跨境电商高质量发展试点任务清单\n2.跨境电商高质量发展试点地区名单\n"
            "浙江省商务厅　　　　浙江省财政厅\n2024年3月1日\n"
            "附件1\n跨境电商高质量发展试点任务清单\n序号\t任务\t责任单位\t完成时限\n"
            "1\t建设跨境电商产业园，完善海外仓布局。\t各试点地区商务局\t2024年12月底前\n"
            "2\t培育跨境电商品牌企业，支持企业开展海外商标注册。\t各试点地区商务局、财政局\t2024年12月底前\n"
            "附件2\n跨境电商高质量发展试点地区名单\n1.杭州市\n2.宁波市\n3.义乌市\n")
    doc = ingest_bytes(text.encode("utf-8"), "n.txt", {})
    assert doc.issuer == "浙江省商务厅、浙江省财政厅"
    ms = [m for m in doc.measures if m.kind == "measure"]
    assert [m.title for m in ms] == ["试点内容", "试点地区", "建设跨境电商产业园，完善海外仓布局。",
                                     "培育跨境电商品牌企业，支持企业开展海外商标注册。"]
    assert [m.deadline for m in ms] == [None, None, "2024-12", "2024-12"]


def test_a_table_copied_as_text_with_its_columns_aligned_by_blanks():
    text = ("某市2023年优化营商环境重点任务分工\n"
            "序号    重点任务    责任单位    完成时限\n"
            "1    推行企业开办“一网通办”，压缩开办时间至1个工作日    市市场监管局    2023年6月\n"
            "2    深化工程建设项目审批制度改革    市住建局、市发改委    2023年12月\n"
            "3    扩大知识产权质押融资规模    市市场监管局、市金融办    持续推进\n")
    record = ingest_bytes(text.encode("utf-8"), "tasks.txt", {"region": "嘉兴"})
    ms = [m for m in record.measures if m.kind == "measure"]
    assert [m.title for m in ms] == ["推行企业开办“一网通办”，压缩开办时间至1个工作日", "深化工程建设项目审批制度改革",
                                     "扩大知识产权质押融资规模"]
    assert [m.deadline for m in ms] == ["2023-06", "2023-12", "ongoing"]
    assert [a.printed for a in ms[1].agencies if a.role == "lead"] == ["市住建局", "市发改委"]
    # bodies signing side by side, a blank apart, are no table
    signed = ingest_bytes(("某部门关于推进改革的通知\n一、推进改革。加快实施。\n二、加强保障。落实责任。\n\n"
                           "商务部　国家发展改革委　财政部\n自然资源部　海关总署　税务总局\n2023年4月12日\n").encode(),
                          "signed.txt")
    assert signed.issuer == "商务部、国家发展改革委、财政部、自然资源部、海关总署、税务总局"
