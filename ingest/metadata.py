"""Document metadata read from the text: title, issuer, date, document number."""
from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.dates import find_document_date
from ingest.normalise import Line, is_chrome_line

# Words that end the title of an official document.
_DOC_TYPES = ("实施意见", "指导意见", "若干意见", "意见", "通知", "通告", "公告", "方案", "办法", "规定", "决定",
              "细则", "规划", "计划", "措施", "举措", "要点", "批复", "函", "报告", "纲要", "条例", "指引",
              "指南", "清单", "政策", "决议", "规则", "制度", "纪要", "工作方案", "行动方案", "通报")
_TITLE_END = re.compile(rf"({'|'.join(_DOC_TYPES)})\s*[(（][^()（）]{{1,20}}[)）]$|({'|'.join(_DOC_TYPES)})$")
_NOT_TITLE_CHARS = re.compile(r"[。，,:：；;!！?？]")
_MAX_TITLE_LINES = 6
_MAX_TITLE = 160

# Issuing bodies print their name on a line of its own.
_ISSUER_END = re.compile(r"(办公室|办公厅|人民政府|政府|委员会|领导小组|管委会|管理委员会|局|厅|委|办)$")
_FIELD_NAMES = r"(?!来源|索引号|文号|发布|作者|主题)"
_SOURCE_FIELD = re.compile(rf"(?:来源|信息来源|发布机构)\s*[:：]\s*{_FIELD_NAMES}([^\s:：]{{2,40}})")
_DOC_NUMBER_FIELD = re.compile(rf"(?:文\s*号|发文字号)\s*[:：]\s*{_FIELD_NAMES}([^\s:：]{{3,40}})")
# A document number standing on its own line: 厦府办〔2020〕12号, or a garbled 图政办发〔201889.
_DOC_NUMBER_LINE = re.compile(r"^[\u4e00-\u9fff]{1,12}\s*[〔\[【(（]\s*\d{4}[^\n]{0,12}$")
_DATE_ONLY = re.compile(r"^[\d〇零一二三四五六七八九十]{4}\s*年.{0,8}[日号]$")


@dataclass
class DocumentMeta:
    title: str | None
    issuer: str | None
    date: str | None
    doc_number: str | None


def _squeeze(text: str) -> str:
    """Blanks inside a title are layout, not content."""
    return re.sub(r"[ \t\u3000\xa0]+", "", text)


def _substantive(lines: list[Line]) -> list[Line]:
    return [ln for ln in lines if ln.stripped and not is_chrome_line(ln.text)]


def find_title(lines: list[Line]) -> tuple[str | None, int]:
    """The first title-shaped block (possibly wrapped over several lines) and its last line index."""
    head = [ln for ln in lines[:80]]
    for i, line in enumerate(head):
        s = line.stripped
        if not s or is_chrome_line(line.text) or _NOT_TITLE_CHARS.search(s):
            continue
        joined = ""
        for k in range(i, min(i + _MAX_TITLE_LINES, len(head))):
            part = head[k].stripped
            if not part or is_chrome_line(head[k].text) or _NOT_TITLE_CHARS.search(part):
                break
            joined += _squeeze(part)
            if len(joined) > _MAX_TITLE:
                break
            if _TITLE_END.search(joined) and len(joined) >= 6:
                return joined, k
    for line in _substantive(head):
        s = _squeeze(line.stripped)
        if len(s) <= 80 and "。" not in s and not _DATE_ONLY.match(s):
            return s, line.index
    return None, -1


def _issuer_line(s: str) -> bool:
    return bool(_ISSUER_END.search(s)) and len(s) <= 40 and not _NOT_TITLE_CHARS.search(s) \
        and "关于" not in s


def find_issuer(lines: list[Line], title_line: int) -> str | None:
    # Issuing offices printed above the title (a joint notice lists each on its own line).
    above = [_squeeze(ln.stripped) for ln in lines[:max(title_line, 0)]
             if ln.stripped and not is_chrome_line(ln.text)]
    names = [s for s in above if _issuer_line(s)]
    if names:
        return "、".join(dict.fromkeys(names))
    # The signature: an issuing body on its own line right above the date line.
    for a, b in zip(lines, lines[1:]):
        sa, sb = _squeeze(a.stripped), _squeeze(b.stripped)
        if sa and _issuer_line(sa) and _DATE_ONLY.match(sb):
            return sa
    # A page header field naming the source.
    for line in lines[:40]:
        m = _SOURCE_FIELD.search(line.stripped)
        if m and _ISSUER_END.search(m.group(1)):
            return m.group(1)
    return None


def find_doc_number(lines: list[Line]) -> str | None:
    for line in lines[:40]:
        s = line.stripped
        m = _DOC_NUMBER_FIELD.search(s)
        if m:
            return m.group(1)
        if _DOC_NUMBER_LINE.match(s) and "。" not in s and len(s) <= 30:
            return _squeeze(s)
    return None


def extract_metadata(lines: list[Line]) -> DocumentMeta:
    """Title, issuer, date and number of a document, from its (simplified) lines."""
    title, title_line = find_title(lines)
    return DocumentMeta(
        title=title,
        issuer=find_issuer(lines, title_line),
        date=find_document_date([ln.text for ln in lines]),
        doc_number=find_doc_number(lines),
    )
