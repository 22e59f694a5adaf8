"""Reading bytes: encodings a user's file may come in, and inputs ingest must refuse."""
from __future__ import annotations

import pytest

from ingest.errors import IngestError
from ingest.pipeline import ingest_bytes
from ingest.read import decode_document, html_to_text

SAMPLE = "厦门市人民政府办公厅关于印发试点方案的通知\n一、主要任务\n(一)深化改革。推进审批制度改革。\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02\x00\x00\x00"


@pytest.mark.parametrize("data, reason", [
    (b"", "empty"),
    (b"   \n\t\r\n  ", "whitespace"),
    ("\u3000\u3000\n".encode("utf-8"), "whitespace"),
    (PNG, "PNG"),
    (b"PK\x03\x04\x14\x00\x06\x00" + b"\x00" * 30, "zip"),
    ("正文".encode("utf-8") + b"\x00\x01\x02" + "内容".encode("utf-8"), "NUL"),
])
def test_refused_inputs_name_the_file_and_the_reason(data, reason):
    with pytest.raises(IngestError) as err:
        ingest_bytes(data, "upload.txt")
    assert "upload.txt" in str(err.value)
    assert reason.lower() in str(err.value).lower()


def test_oversized_file_is_refused_before_decoding():
    with pytest.raises(IngestError, match="limit"):
        decode_document(SAMPLE.encode("utf-8") * 10, "big.txt", max_bytes=100)


def test_undecodable_bytes_are_refused():
    junk = bytes([0x81, 0x30, 0xFF, 0xFE, 0xFD, 0x80, 0x80, 0xC0, 0xC1]) * 20
    with pytest.raises(IngestError, match="decode|binary"):
        ingest_bytes(junk, "junk.txt")


@pytest.mark.parametrize("encoding", ["gbk", "gb18030", "utf-8-sig", "utf-16", "utf-16-be"])
def test_chinese_text_decodes_from_common_encodings(encoding):
    data = SAMPLE.encode(encoding)
    if encoding == "utf-16-be":
        data = b"\xfe\xff" + data  # with its byte-order mark
    decoded = decode_document(data, f"doc.{encoding}.txt")
    assert decoded.text == SAMPLE
    record = ingest_bytes(data, "doc.txt")
    assert record.measures[0].title == "深化改革。"


def test_gbk_document_keeps_its_measures():
    record = ingest_bytes(SAMPLE.encode("gbk"), "gbk.txt", {"region": "厦门"})
    assert record.encoding == "gb18030"
    assert [m.label for m in record.measures] == ["(一)"]


def test_html_page_is_reduced_to_text_without_tags_or_scripts():
    page = """<!DOCTYPE html><html><head><title>页面标题</title>
    <style>body { color: red; }</style><script>var x = "<p>一、不是措施</p>";</script></head>
    <body><div class="nav">首页 &gt; 政策文件</div>
    <h1>厦门市关于推进改革的实施方案</h1>
    <p>一、主要任务</p>
    <p>1.推进审批改革。优化流程&amp;简化材料。</p>
    <p>2.深化科技金融。<br>鼓励银行创新。</p>
    <script>document.write('<b>hidden</b>')</script>
    </body></html>"""
    record = ingest_bytes(page.encode("utf-8"), "page.html")
    text = record.text_original
    assert "<" not in text and ">" not in text.replace("首页 > 政策文件", "")
    assert "var x" not in text and "color: red" not in text and "hidden" not in text
    assert "优化流程&简化材料" in text
    assert record.title == "厦门市关于推进改革的实施方案"
    assert [m.label for m in record.measures if m.kind == "measure"] == ["1.", "2."]


def test_html_without_visible_text_is_refused():
    with pytest.raises(IngestError, match="no visible text"):
        ingest_bytes(b"<html><head><script>alert(1)</script></head><body> </body></html>", "empty.html")


def test_html_task_table_rows_become_measures_with_their_columns():
    page = ("<html><body><h1>关于推广第一批改革举措的通知</h1><p>附件</p><table>"
            "<tr><th>编号</th><th>政策名称</th><th>主要内容</th><th>推广牵头单位</th></tr>"
            "<tr><td>1</td><td>改革审批制度</td><td>实行一次申报。</td><td>福州、厦门、泉州市政府</td></tr>"
            "<tr><td>2</td><td>创新金融服务</td><td>开展质押贷款。</td><td>各设区市政府</td></tr>"
            "</table></body></html>")
    record = ingest_bytes(page.encode("utf-8"), "table.html", {"region": "福建"})
    ms = [m for m in record.measures if m.kind == "measure"]
    assert [(m.label, m.title) for m in ms] == [("1", "改革审批制度"), ("2", "创新金融服务")]
    assert ms[0].fields["主要内容"] == "实行一次申报。"
    assert [(a.printed, a.region) for a in ms[0].agencies if a.role == "lead"] == [
        ("福州市政府", "福州"), ("厦门市政府", "厦门"), ("泉州市政府", "泉州")]
    assert record.text_original[ms[1].start:ms[1].end] == ms[1].text_original


def test_units_listed_one_per_line_in_a_table_cell_are_each_a_unit():
    page = ("<html><body><h1>关于印发支持外贸若干措施的通知</h1><table>"
            "<tr><td>序号</td><td>政策措施</td><td>具体内容</td><td>责任单位</td></tr>"
            "<tr><td>1</td><td>扩大出口信用保险覆盖面</td><td><p>对小微企业投保给予保费补贴。</p>"
            "<p>单个企业最高补助50万元。</p></td><td>市商务局<br/>中国信保山东分公司</td></tr>"
            "<tr><td>2</td><td>支持企业开拓国际市场</td><td>对参加境外展会的给予补助。</td><td>市商务局</td></tr>"
            "</table></body></html>")
    record = ingest_bytes(page.encode("utf-8"), "table.html", {"region": "青岛"})
    first = [m for m in record.measures if m.kind == "measure"][0]
    assert [a.printed for a in first.agencies if a.role == "lead"] == ["市商务局", "中国信保山东分公司"]
    # a cell's sentences are still one text
    assert first.fields["具体内容"] == "对小微企业投保给予保费补贴。单个企业最高补助50万元。"


def test_zero_width_and_full_width_blanks_do_not_hide_numbering():
    text = "方案\n\u200b一、主要任务\n\u3000\u3000（一）推进改革。落实责任。\n\ufeff（二）扩大开放。深化合作。\n"
    record = ingest_bytes(text.encode("utf-8"), "blanks.txt", {"region": "厦门"})
    assert [m.label for m in record.measures] == ["（一）", "（二）"]


def test_an_ordered_lists_numbers_are_the_documents_numbering():
    """A page whose measures are <ol><li> items: the numbers the browser draws are read, so each
    item is a measure; an item that prints its own number keeps only that one."""
    html = ("<html><body><h1>某区支持科技企业发展的若干措施</h1><ol>"
            "<li>支持研发投入。对研发费用给予10%补助。（责任单位：区科技局）</li>"
            "<li>支持人才引进。给予安家补贴。（责任单位：区人社局）</li>"
            "<li>支持融资。开展知识产权质押融资贴息。（责任单位：区金融办）</li></ol></body></html>")
    doc = ingest_bytes(html.encode("utf-8"), "ol.html", {"region": "泉州"})
    assert [(m.label, m.title) for m in doc.measures] == [
        ("1.", "支持研发投入。"), ("2.", "支持人才引进。"), ("3.", "支持融资。")]
    assert html_to_text("<ol><li>1.已有编号。</li><li>（二）也有。</li></ol><ul><li>无序</li></ul>"
                        "<ol start='5'><li>五</li></ol>").split() == ["1.已有编号。", "（二）也有。", "无序", "5.五"]


def test_a_list_of_links_beside_the_document_is_a_menu_not_its_numbering():
    """相关文章 in a side column: an <ol> of links only. Its entries get no numbers, so they neither
    become measures nor take the document's last item under them."""
    html = ("<html><body><h2>某区支持数字经济发展若干措施</h2>"
            "<p>一、支持企业数字化转型。给予补助。（责任单位：区经信局）</p>"
            "<p>二、支持数据要素市场建设。鼓励数据资产入表。（责任单位：区数据资源局）</p>"
            "<div class='side'><h3>相关文章</h3><ol><li><a href='/a'>关于印发人才新政的通知</a></li>"
            "<li><a href='/b'>关于支持企业上市的若干意见</a></li></ol></div></body></html>")
    doc = ingest_bytes(html.encode("utf-8"), "side.html", {"region": "泉州"})
    assert [m.label for m in doc.measures] == ["一、", "二、"]
    assert "上市" not in doc.measures[-1].text
    # a link inside an item's own text keeps the item's number
    assert html_to_text("<ol><li>支持<a href='/c'>算力券</a>发放。</li></ol>").split() == ["1.支持算力券发放。"]


def test_the_widgets_and_attachment_links_under_a_page_stay_out_of_the_last_measure():
    body = ("<h2>关于印发某市支持人才发展若干措施的通知</h2><p>某府〔2023〕9号</p>"
            "<p>一、支持人才引进。给予安家补贴。（责任单位：市人社局）</p>"
            "<p>二、优化人才服务。推行人才服务“一卡通”。（责任单位：市人才工作局）</p>"
            "<div>相关附件：<a href='#'>江门市支持人才发展若干措施（政策解读）.pdf</a></div>"
            "<div>扫一扫在手机打开当前页</div><p>【打印本页】 【关闭窗口】</p>")
    doc = ingest_bytes(f"<html><body><article>{body}</article></body></html>".encode(), "page.html")
    last = [m for m in doc.measures if m.kind == "measure"][-1]
    assert last.text == "二、优化人才服务。推行人才服务“一卡通”。（责任单位：市人才工作局）"
    assert last.regions_mentioned == []


def test_corner_quotes_read_as_mainland_quotes_and_the_original_keeps_them():
    text = ("延吉市人民政府關於印發優化營商環境若干措施的通知\n\n"
            "一、深化「放管服」改革。推行「一件事」集成服務。（責任單位：市政務服務局）\n"
            "二、推廣「銀稅互動」。（責任單位：市金融辦）\n")
    doc = ingest_bytes(text.encode(), "trad.txt", {"region": "延吉"})
    first = doc.measures[0]
    assert doc.script == "traditional"
    assert "one_stop_online_service" in [p.key for p in first.practices]
    assert first.text.startswith("一、深化“放管服”改革。") and "「放管服」" in first.text_original
    # a simplified text that happens to quote with corner brackets is still simplified
    simplified = ingest_bytes("关于推行“一件事”的通知\n\n一、推行「一件事」集成服务。\n二、推广「银税互动」。\n".encode(),
                              "simp.txt", {"region": "延吉"})
    assert simplified.script == "simplified"
