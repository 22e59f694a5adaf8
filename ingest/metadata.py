"""Document metadata read from the text of a saved page: title, issuer, document number, dates, and
where each came from (``provenance``).

How the genre prints them, most reliable first:
* a page's labelled header fields (标题：, 发文机关：, 发文字号：, 成文日期：, 发布日期：);
* the document itself: its heading (often broken over two or three lines), the 文号 line under it,
  the signature (落款: issuing body, then the date, at the end of the notice);
* the page around it: a publication date and a source line (来源：, a bare issuer line under the
  heading), used only when the document says nothing, and labelled as such.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest.dates import parse_date
from ingest.normalise import Line, is_chrome_line
from ingest.structure import match_label

# Words that end the title of an official document.
_DOC_TYPES = ("实施意见", "指导意见", "若干意见", "意见", "通知", "通告", "公告", "方案", "办法", "规定", "决定",
              "细则", "规划", "计划", "措施", "举措", "要点", "批复", "函", "报告", "纲要", "条例", "指引",
              "指南", "清单", "政策", "决议", "规则", "制度", "纪要", "工作方案", "行动方案", "通报")
_TITLE_END = re.compile(rf"({'|'.join(_DOC_TYPES)})\s*[(（][^()（）]{{1,20}}[)）]$|({'|'.join(_DOC_TYPES)})$"
                        r"|(若干|[一二三四五六七八九十百\d]{1,4})条$"  # …二十条, …若干条
                        # a release headed by what was issued: 中共中央办公厅　国务院办公厅印发《关于…的意见》
                        rf"|印发《[^《》]+({'|'.join(_DOC_TYPES)})》$")
_NOT_TITLE_CHARS = re.compile(r"[。，,:：；;!！?？]")
_MAX_TITLE_LINES = 6
_MAX_TITLE = 160
# Site chrome a page prints around the document: menus, tabs, a static-site front-matter line.
_SITE_CHROME = re.compile(r"^(-{3}|政策解读|政策原文|政策文件|返回|扫一扫|← |上一篇|下一篇|首页)"
                          r"|(政府网|门户网站|网站|门户|频道|栏目|专栏|客户端|公众号)$|[>＞»|｜]")

# Issuing bodies print their name on a line of its own.
_ISSUER_END = re.compile(r"(办公室|办公厅|人民政府|政府|委员会|监会|联合会|领导小组|管委会|管委|管理委员会|专班|局|厅|委|办|部|院|署|银行|分行|总行)$")
_SEAL = re.compile(r"[(（](代章|印章|盖章|章)[)）]$")
_FIELD_NAMES = r"(?!来源|索引号|文号|发布|作者|主题)"
_SOURCE_FIELD = re.compile(rf"(?:来源|信息来源|发布机构)\s*[:：]\s*{_FIELD_NAMES}([^\s:：]{{2,40}})")
_DOC_NUMBER_FIELD = re.compile(rf"(?:文\s*号|发文字号)\s*[:：]\s*{_FIELD_NAMES}([^\s:：]{{3,40}})")
# A document number standing on its own line: 厦府办〔2020〕12号, or a garbled 图政办发〔201889.
_DOC_NUMBER_LINE = re.compile(r"^[\u4e00-\u9fff]{1,12}\s*[〔\[【(（]\s*\d{4}[^\n]{0,12}$")
_DOC_NUMBER_YEAR = re.compile(r"[〔\[【(（]\s*(\d{4})\s*[〕\]】)）]")
# a date alone on its line: a day (2023年5月12日), or a month (2021年9月: some signatures print no day)
_DATE_ONLY = re.compile(r"^[\d〇零一二三四五六七八九十]{4}\s*年(?:.{0,8}[日号]|\s*[\d〇零一二三四五六七八九十]{1,3}\s*月)$")
# 某市科学技术局2026年5月25日发布 / 某市人民政府 2023年1月5日: issuer and date on one line.
_RELEASE_LINE = re.compile(r"^([\u4e00-\u9fff“”\"]{4,40}?)\s*(\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)\s*(发布|印发|$)")
# The date a party or State Council document is printed with under its title: （2025年3月16日）.
_DATED_HEADING = re.compile(r"^[(（]\s*([\d〇零一二三四五六七八九十]{4}\s*年[^()（）]{2,8}日)\s*[)）]$")
# The same label on an info line laid out with spaces (来源：X　发布时间：2023-09-12 10:30　浏览次数：…).
_PUBLISHED_INLINE = re.compile(r"(?:发布日期|发布时间|发表时间|发文日期|印发日期)\s*[:：]\s*"
                               r"(\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?)")
# A news agency's dateline over a release: 新华社北京2023年7月20日电 (a dateline without the year
# dates nothing)
_DATELINE = re.compile(r"^(?:新华社|人民日报|中新社)[\u4e00-\u9fff]{0,8}?(\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)\s*电")
_PAGE_DATE_LINE = re.compile(r"^(\d{4}-\d{1,2}-\d{1,2})(\s+\d{1,2}:\d{2}(:\d{2})?)?\s*(来源|作者|浏览|$)")
# Labelled header fields of a government page: "发文机关：\t国务院办公厅\t成文日期：\t2018年12月30日".
_LABEL = r"\s*[:：]\s*([^\t\n]+?)\s*(?=\t|$)"
_FIELDS = {
    "title": re.compile(r"(?:^|\t)(?:标[\s\u3000]*题|名[\s\u3000]*称)" + _LABEL),
    "issuer": re.compile(r"(?:^|\t)(?:发文机关|发布机关|发文单位)" + _LABEL),
    # the body that posted the page: often the general office publishing its government's document
    "publisher": re.compile(r"(?:^|\t)发布机构" + _LABEL),
    "doc_number": re.compile(r"(?:^|\t)(?:发文字号|文[\s\u3000]*号)" + _LABEL),
    "signed": re.compile(r"(?:^|\t)成文日期" + _LABEL),
    "published": re.compile(r"(?:^|\t)(?:发布日期|发布时间|发文日期|印发日期)" + _LABEL),
}
_EFFECTIVE = re.compile(r"自\s*([^，,。；;]{2,20}?)\s*起\s*(?:施行|实施|执行|生效)")
_VALID_UNTIL = re.compile(r"有效期(?:至|到)\s*(\d{4}\s*年\s*\d{1,2}\s*月(?:\s*\d{1,2}\s*日)?)")
_VALID_FOR = re.compile(r"有效期(?:为)?\s*([一二三四五六七八九十两\d]{1,3}\s*年)")


@dataclass
class DocumentMeta:
    title: str | None
    issuer: str | None
    date: str | None
    doc_number: str | None
    date_source: str | None = None  # signature | doc_number_year | page_date
    effective: str | None = None  # ISO date the document takes effect, where it says so
    valid_until: str | None = None  # ISO end of validity (有效期至…)
    validity: str | None = None  # a stated period (有效期三年), as printed
    issuers: list[str] = field(default_factory=list)  # every issuing body read, most reliable first
    provenance: dict[str, str] = field(default_factory=dict)


_FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")


def _squeeze(text: str) -> str:
    """Blanks inside a title are layout, not content."""
    return re.sub(r"[ \t\u3000\xa0]+", "", text)


def _chrome(line: Line) -> bool:
    return is_chrome_line(line.text) or bool(_SITE_CHROME.match(line.stripped))


def _fields(lines: list[Line]) -> dict[str, str]:
    found: dict[str, str] = {}
    for line in lines[:40]:
        for key, pattern in _FIELDS.items():
            if key not in found:
                m = pattern.search(line.text)
                if m and m.group(1).strip():
                    found[key] = m.group(1).strip()
    return found


def _title_part(line: Line) -> bool:
    s = line.stripped
    return bool(s) and not _chrome(line) and not _NOT_TITLE_CHARS.search(s) and not _DATE_ONLY.match(s) \
        and not _DOC_NUMBER_LINE.match(s) and not _PAGE_DATE_LINE.match(s)


def _double_spaced(lines: list[Line]) -> bool:
    """A page whose every block is followed by a blank line (HTML read as text): there blank lines
    are layout and a heading's parts sit between them; in a plain text they end a block."""
    filled = [i for i, ln in enumerate(lines) if ln.stripped]
    if len(filled) < 4:
        return False
    spaced = sum(1 for i in filled if i + 1 < len(lines) and not lines[i + 1].stripped)
    return spaced >= 0.8 * len(filled)


def find_title(lines: list[Line]) -> tuple[str | None, int]:
    """The first title-shaped block (possibly broken over several lines) and the index of its last
    line."""
    head = lines[:80]
    if _double_spaced(head):
        head = [ln for ln in head if ln.stripped]
    for i, line in enumerate(head):
        if not _title_part(line) or len(_squeeze(line.stripped)) <= 4:  # a title never opens with a tag (杭州)
            continue
        nxt = _squeeze(head[i + 1].stripped) if i + 1 < len(head) else ""
        if _issuer_line(_squeeze(line.stripped)) and not nxt.startswith("关于"):
            continue  # the issuing body printed over the heading (红头), not the heading's first part
        joined = ""
        for k in range(i, min(i + _MAX_TITLE_LINES, len(head))):
            if not _title_part(head[k]):
                break
            joined += _squeeze(head[k].stripped)
            if len(joined) > _MAX_TITLE:
                break
            if _TITLE_END.search(joined) and len(joined) >= 6:
                return joined, head[k].index
    for line in head:
        s = _squeeze(line.stripped)
        if s and not _chrome(line) and len(s) <= 80 and "。" not in s and not _DATE_ONLY.match(s):
            return s, line.index
    return None, -1


def _first_title_line(lines: list[Line], heading: str | None, title_line: int) -> str | None:
    """The printed line (blanks kept) the heading opens with: the heading is the squeezed lines
    from it down to ``title_line``."""
    if not heading:
        return None
    joined = ""
    for ln in reversed([ln for ln in lines[:title_line + 1] if ln.stripped][-_MAX_TITLE_LINES:]):
        joined = _squeeze(ln.stripped) + joined
        if joined == heading:
            return ln.stripped
        if not heading.endswith(joined):
            return None
    return None


def _issuer_line(s: str) -> bool:
    return bool(_ISSUER_END.search(s)) and len(s) <= 40 and not _NOT_TITLE_CHARS.search(s) \
        and "关于" not in s


def _signatures(lines: list[Line]) -> list[tuple[str | None, str, int]]:
    """(issuing body or None, date, line index) for each signature: a date line alone, the body on
    the one or two lines above it (a long name wraps: 重庆市“满天星”行动计划 / 工作专班办公室（代章）)."""
    body = [ln for ln in lines if ln.stripped]
    out = []
    prose = False  # a date line before any sentence of the document is the page's, not a signature
    for k, line in enumerate(body):
        s = _squeeze(line.stripped)
        prose = prose or bool(re.search(r"[。：:；]", s)) and not _chrome(line) and "\t" not in line.stripped
        m = _RELEASE_LINE.match(s)
        if m and _issuer_line(m.group(1)):
            out.append((m.group(1), parse_date(m.group(2)) or "", line.index))
            continue
        if not _DATE_ONLY.match(s):
            continue
        date = parse_date(s)
        if not date or len(date) == 4:
            continue
        # a table's row (cells apart) is never part of a signature
        above = [_SEAL.sub("", _signature_names(b.stripped)) if "\t" not in b.stripped else "\t"
                 for b in body[max(0, k - 6):k] if not _chrome(b)]
        names: list[str] = []
        while above and _issuer_line(above[-1]):  # joint issuers sign one per line
            names.insert(0, above.pop())
        if len(names) == 1 and above and not re.search(r"[\t。，,:：；;()（）《》]", above[-1]) \
                and len(above[-1]) + len(names[0]) <= 40 and not _DOC_NUMBER_LINE.match(above[-1]) \
                and "、" not in names[0] and match_label(above[-1]) is None:
            # a long name wrapped onto two lines (not bodies signing together under the last
            # attachment's name: 2.…试点地区名单 / 浙江省商务厅　浙江省财政厅)
            names[0] = above[-1] + names[0]
        # a month alone (2021年9月) dates a document only under the body that signs it
        if names or (prose and len(date) == 10):
            out.append(("、".join(names) or None, date, line.index))
    return out


def _own_name(part: str) -> bool:
    """A whole body's name, not a suffix word left by a name spaced out for layout (人民政府 办公厅)."""
    m = _ISSUER_END.search(part)
    return m is not None and m.start() > 0 and _issuer_line(part)


def opens_signature_block(lines: list[Line], k: int) -> bool:
    """Line ``k`` begins a signature: bodies' names only (joint issuers side by side or one per
    line, at most six lines) and then a date alone on its line. Such lines close the text above."""
    seen = 0
    for line in lines[k:]:
        s = _squeeze(line.stripped)
        if not s:
            continue
        if _DATE_ONLY.match(s) and parse_date(s):
            return seen > 0
        if seen == 6 or len(s) > 80 or not all(
                _issuer_line(n) for n in _SEAL.sub("", _signature_names(line.stripped)).split("、")):
            return False
        seen += 1
    return False


def _signature_names(text: str) -> str:
    """A signature line: joint issuers printed side by side (商务部　教育部　科技部) are several
    bodies; other blanks are layout inside one name."""
    parts = [p for p in re.split(r"[ \t\u3000\xa0]+", text.strip()) if p]
    if len(parts) >= 2 and all(_own_name(p) for p in parts):
        return "、".join(parts)
    return _squeeze(text)


def _header_issuers(lines: list[Line], title_line: int) -> list[str]:
    """Issuing bodies printed around the heading: above it (a joint notice lists each on its own
    line) or on the page's source line right under it."""
    above = [ln.stripped for ln in lines[:max(title_line, 0)] if ln.stripped and not _chrome(ln)]
    # bodies side by side on one line (中共浙江省委　浙江省人民政府) are each named, as in a signature
    names = [_signature_names(s) for s in above if _issuer_line(_squeeze(s))]
    if names:
        return ["、".join(dict.fromkeys(names))]
    below = []
    for ln in lines[title_line + 1:title_line + 12]:
        s = _squeeze(ln.stripped)
        if not s or _PAGE_DATE_LINE.match(s) or _chrome(ln):
            continue
        if _issuer_line(s):
            below.append(s)
        elif len(s) > 20 or _NOT_TITLE_CHARS.search(s):
            break
    return below[:1]


def _title_issuer(title: str | None, first_line: str | None = None) -> str | None:
    """国务院办公厅关于… / 郑州市人民政府办公室关于印发…: the body that heads its own title. Joint
    bodies printed apart on the title's first line (中共中央办公厅　国务院办公厅关于…) are each named."""
    m = re.match(r"^(.{2,40}?)(?:关于|印发)", title or "")
    if not (m and _issuer_line(m.group(1))):
        return None
    printed = re.match(r"^(.{2,50}?)(?:关于|印发)", (first_line or "").strip())
    if printed and _squeeze(printed.group(1)) == m.group(1):
        return _signature_names(printed.group(1))
    return m.group(1)


def find_doc_number(lines: list[Line]) -> str | None:
    for line in lines[:40]:
        s = line.stripped
        m = _DOC_NUMBER_FIELD.search(s)
        if m:
            return m.group(1)
        if (_DOC_NUMBER_LINE.match(s) or _ANNOUNCEMENT_NUMBER_LINE.match(s)) and "。" not in s and len(s) <= 40:
            return _squeeze(s)
    return None


# An announcement's or an order's number on its own line: 财政部 税务总局公告2023年第12号 /
# 国家税务总局公告2024年第3号 / 湖北省人民政府令第428号.
_ANNOUNCEMENT_NUMBER_LINE = re.compile(r"^[\u4e00-\u9fff][\u4e00-\u9fff\s]{1,38}?(?:公告|令)\s*(?:\d{4}\s*年\s*)?第\s*\d{1,4}\s*号$")


# The history a rule (规章) or regulation (条例) prints under its title: （2023年12月29日省人民政府常务会议
# 审议通过　2024年1月10日湖北省人民政府令第428号公布　自2024年3月1日起施行）.
_NOTE_DATE = r"(\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)"
_PROMULGATED = re.compile(_NOTE_DATE + r"\s*(?:(?P<body>[^\s　()（）]{2,30}?)令\s*(?P<no>第\s*\d+\s*号))?\s*(?:公布|发布)")
_ADOPTED = re.compile(_NOTE_DATE + r"\s*(?P<body>[^\s　()（）]{2,40}?(?:人民代表大会常务委员会|人民政府))?[^\s　()（）]{0,30}?"
                      r"(?P<how>通过|批准|修正|修订)")


@dataclass
class Promulgation:
    date: str
    issuer: str | None
    doc_number: str | None


def _promulgation(lines: list[Line], title_line: int) -> Promulgation | None:
    """The date, body and 令 number of the note under a rule's or regulation's title: the date it was
    published (公布), else the last date it was adopted or amended."""
    if title_line < 0:
        return None
    below = [ln.stripped for ln in lines[title_line + 1:title_line + 5] if ln.stripped][:3]
    note = ""
    for text in below:
        if not note and not text.startswith(("(", "（")):
            return None
        note += text
        if text.endswith((")", "）")):
            break
    if not note or not re.search(r"(通过|公布|施行|批准|修正|修订)", note):
        return None
    published = list(_PROMULGATED.finditer(note))
    if published:
        m = published[-1]
        body = m.group("body")
        number = f"{body}令{_squeeze(m.group('no'))}" if body and m.group("no") else None
        return Promulgation(parse_date(m.group(1)), body, number)
    adopted = list(_ADOPTED.finditer(note))
    if adopted:
        # dated by its last step (a city's regulation: the province's approval); issued by the body
        # that adopted it, not the one that approved it
        own = [m for m in adopted if m.group("how") != "批准" and m.group("body")]
        return Promulgation(parse_date(adopted[-1].group(1)), own[-1].group("body") if own else None, None)
    return None


def _dated_heading(lines: list[Line], title_line: int) -> str | None:
    """The (2025年3月16日) standing on one of the two lines under the title."""
    if title_line < 0:
        return None
    below = [ln for ln in lines[title_line + 1:title_line + 4] if ln.stripped][:2]
    for ln in below:
        m = _DATED_HEADING.match(_squeeze(ln.stripped))
        if m:
            date = parse_date(m.group(1))
            return date if date and len(date) == 10 else None
    return None


def _page_date(lines: list[Line], fields: dict[str, str]) -> str | None:
    if "published" in fields:
        return parse_date(fields["published"])
    for line in lines[:40]:
        m = _PUBLISHED_INLINE.search(line.stripped) or _PAGE_DATE_LINE.match(line.stripped) \
            or _DATELINE.match(line.stripped)
        if m:
            return parse_date(m.group(1))
        if _DATE_ONLY.match(_squeeze(line.stripped)):  # a bare date over the document (not a 落款)
            return parse_date(line.stripped)
    return None


def _effective(text: str, issue_date: str | None) -> tuple[str | None, str | None, str | None]:
    """(effective date, valid-until date, validity period as printed)."""
    effective = None
    m = _EFFECTIVE.search(text)
    if m:
        when = m.group(1)
        effective = parse_date(when) if re.search(r"\d{4}\s*年\s*\d", when) else None
        if effective is None and re.search(r"(印发|发布|公布|发文)之日", when):
            effective = issue_date
    until = _VALID_UNTIL.search(text)
    period = _VALID_FOR.search(text)
    return effective, parse_date(until.group(1)) if until else None, _squeeze(period.group(1)) if period else None


def extract_metadata(lines: list[Line]) -> DocumentMeta:
    """Title, issuer, number and dates of a document, from its (simplified) lines."""
    fields = _fields(lines)
    prov: dict[str, str] = {}
    heading, title_line = find_title(lines)
    title = fields.get("title") or heading
    if title:
        prov["title"] = "header_field" if "title" in fields else "heading"
    if "title" in fields:
        title_line = max(title_line, 0)

    signatures = _signatures(lines)
    candidates: list[tuple[str, str]] = []
    if "issuer" in fields:  # 中共杭州市委办公厅　杭州市人民政府办公厅: two bodies side by side
        candidates.append((_signature_names(fields["issuer"]), "header_field"))
    candidates += [(name, "signature") for name, _, _ in signatures if name]
    promulgation = _promulgation(lines, title_line)
    if promulgation is not None and promulgation.issuer:
        candidates.append((promulgation.issuer, "promulgation_note"))
    candidates += [(name, "page_header") for name in _header_issuers(lines, title_line)]
    by_title = _title_issuer(heading, _first_title_line(lines, heading, title_line))
    if by_title:
        candidates.append((by_title, "title"))
    if "publisher" in fields:  # who posted the page: the issuer only when the document names none
        candidates.append((_signature_names(fields["publisher"]), "header_field"))
    for line in lines[:40]:
        m = _SOURCE_FIELD.search(line.stripped)
        if m and _ISSUER_END.search(m.group(1)):
            candidates.append((m.group(1), "source_field"))
            break
    issuer = candidates[0][0] if candidates else None
    if candidates:
        prov["issuer"] = candidates[0][1]

    doc_number = fields.get("doc_number") or find_doc_number(lines) or (promulgation and promulgation.doc_number)
    if doc_number:  # 珠府办函〔２０２５〕１５号 is written down as 珠府办函〔2025〕15号
        doc_number = doc_number.translate(_FULL_WIDTH_DIGITS)
    if doc_number:
        prov["doc_number"] = ("header_field" if "doc_number" in fields else
                              "promulgation_note" if promulgation and doc_number == promulgation.doc_number else "text")

    date, source = None, None
    if "signed" in fields and parse_date(fields["signed"]):
        date, source = parse_date(fields["signed"]), "signature"
        prov["date"] = "header_field:成文日期"
    elif signatures:
        date, source = signatures[0][1], "signature"
        prov["date"] = "signature"
    elif _dated_heading(lines, title_line):
        date, source = _dated_heading(lines, title_line), "signature"
        prov["date"] = "dated_heading"  # the document's own date, printed under its title
    elif promulgation is not None and promulgation.date:
        date, source = promulgation.date, "signature"
        prov["date"] = "promulgation_note"  # （…通过　…令第N号公布　自…起施行） under a rule's title
    elif doc_number and _DOC_NUMBER_YEAR.search(doc_number):
        date, source = _DOC_NUMBER_YEAR.search(doc_number).group(1), "doc_number_year"
        prov["date"] = "doc_number"
    else:
        date = _page_date(lines, fields)
        if date:
            source = "page_date"
            prov["date"] = "page"

    effective, valid_until, validity = _effective("\n".join(ln.text for ln in lines), date if source == "signature" else None)
    if effective:
        prov["effective"] = "text"
    return DocumentMeta(title=title, issuer=issuer, date=date, doc_number=doc_number, date_source=source,
                        effective=effective, valid_until=valid_until, validity=validity,
                        issuers=list(dict.fromkeys(name for name, _ in candidates)), provenance=prov)
