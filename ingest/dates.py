"""Dates: task deadlines (完成时限) and the document's own date, normalised to ISO strings."""
from __future__ import annotations

import re

from ingest.normalise import BLANKS
from ingest.structure import cn_number
from ingest.textutil import join_broken_brackets

ONGOING = "ongoing"

_ONGOING_WORDS = re.compile(r"(持续推进|持续开展|持续实施|长期|持续|常态化|长效|逐年推进|每年|年度)")
_CN_OR_DIGIT = "[0-9０-９零〇一二三四五六七八九十]"
_YMD = re.compile(rf"({_CN_OR_DIGIT}{{4}})\s*年\s*(?:({_CN_OR_DIGIT}{{1,3}})\s*月\s*(?:({_CN_OR_DIGIT}{{1,3}})\s*[日号])?)?")
_ISO = re.compile(r"(?<!\d)(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)")
_QUARTER = re.compile(r"第?([一二三四1-4])季度")
_HALF = re.compile(r"(上|下)半年")

DEADLINE_LINE = re.compile(r"(完成时限|完成时间|时间节点|时限要求|完成期限|实施时间)\s*[:：]\s*(.+)")

# A line that is only a date: the signature date of an official document.
_DATE_LINE = re.compile(rf"^{_YMD.pattern}\s*$")
# Page headers that carry the publication date.
_HEADER_DATE = re.compile(r"(发布时间|发布日期|发文日期|成文日期|印发日期|日期|时间)\s*[:：]\s*(\d{4}[-/.年]\d{1,2}[-/.月]\d{1,2})")
_HEADER_LINE_DATE = re.compile(r"^(\d{4}-\d{1,2}-\d{1,2})(\s+\d{1,2}:\d{2}(:\d{2})?)?\s*(来源|作者|浏览|$)")


def _year(text: str) -> int | None:
    """四位年份: 2020 / 二〇二〇 / 二零二零."""
    text = text.translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    if text.isdigit():
        return int(text)
    digits = "〇一二三四五六七八九"
    text = text.replace("零", "〇")
    if all(c in digits for c in text):
        return int("".join(str(digits.index(c)) for c in text))
    return None


def parse_date(text: str) -> str | None:
    """The first date in ``text`` as YYYY-MM-DD, YYYY-MM or YYYY; 月底/年底 keep their month/year."""
    m = _ISO.search(text)
    if m:
        y, mo, d = (int(g) for g in m.groups())
        if 1 <= mo <= 12 and 1 <= d <= 31:
            return f"{y:04d}-{mo:02d}-{d:02d}"
    m = _YMD.search(text)
    if not m:
        return None
    year = _year(m.group(1))
    if year is None or not 1900 <= year <= 2100:
        return None
    month = cn_number(m.group(2)) if m.group(2) else None
    day = cn_number(m.group(3)) if m.group(3) else None
    if month is None:
        tail = text[m.end():m.end() + 6]
        if re.match(r"\s*(底|末|年底|年末)", tail) or text[m.end() - 1:m.end() + 1] == "年底":
            return f"{year:04d}-12"
        q = _QUARTER.match(tail.strip())
        if q:
            quarter = "一二三四".find(q.group(1)) + 1 if not q.group(1).isdigit() else int(q.group(1))
            return f"{year:04d}-{quarter * 3:02d}"
        h = _HALF.match(tail.strip())
        if h:
            return f"{year:04d}-{6 if h.group(1) == '上' else 12:02d}"
        return f"{year:04d}"
    if not 1 <= month <= 12:
        return f"{year:04d}"
    if day is not None and 1 <= day <= 31:
        return f"{year:04d}-{month:02d}-{day:02d}"
    return f"{year:04d}-{month:02d}"


def normalise_deadline(raw: str) -> str | None:
    """'2020年12月' -> '2020-12', '2021年8月底' -> '2021-08', '持续推进' / '长期' -> 'ongoing'."""
    raw = raw.strip()
    if not raw:
        return None
    dated = parse_date(raw)
    if dated:
        return dated
    if _ONGOING_WORDS.search(raw):
        return ONGOING
    return None


# The responsibility parenthesis that closes an item often carries the deadline as one of its parts:
# （省市场监管局牵头，省税务局配合，2032年6月底前完成） / （…；持续推进）.
_DEADLINE_PART = re.compile(rf"^(?:于|在)?{_YMD.pattern}\s*(?:底|末|年底|年末|{_QUARTER.pattern}|{_HALF.pattern})?"
                            r"\s*(?:前|以前|之前)?\s*(?:完成|落实到位|落实|实现|建成|到位)?$")
_RESPONSIBILITY = re.compile(r"牵头|负责|配合|责任单位|参与")
_ONGOING_PART = re.compile(r"^(?:持续推进|持续开展|持续实施|长期坚持|长期推进|长期|持续|常态化推进)$")


def _closing_parenthesis(line: str) -> str | None:
    """What the parenthesis that ends ``line`` holds, nested ones included (各市（州）人民政府)."""
    line = line.rstrip(BLANKS + " 。;；.")
    if not line.endswith(("）", ")")):
        return None
    depth = 0
    for i in range(len(line) - 1, max(-1, len(line) - 200), -1):
        depth += line[i] in "）)"
        depth -= line[i] in "（("
        if depth == 0:
            return line[i + 1:-1]
    return None


def find_deadline(text: str) -> tuple[str | None, str | None]:
    """(raw, normalised) deadline of a measure: a 完成时限-style line, or a part of the parenthesis that
    closes the item (…牵头，2032年底前完成); (None, None) when neither states one. Goals in the prose
    (到2025年…) are not deadlines."""
    text = join_broken_brackets(text)
    for line in text.split("\n"):
        m = DEADLINE_LINE.search(line)
        if m:
            raw = m.group(2).strip(" 。.;；")
            return raw, normalise_deadline(raw)
    lines = [x for x in text.split("\n") if x.strip()]
    inside = _closing_parenthesis(lines[-1]) if lines else None
    if inside:
        for part in re.split(r"[，,；;、]", inside):
            part = part.strip(BLANKS + " 。")
            # a bare date （2020年） may name a year, not a deadline: only beside a responsibility
            bare = not re.search(r"前|完成|到位|实现|建成|底|末|季度|半年", part)
            if bare and not _RESPONSIBILITY.search(inside):
                continue
            if _DEADLINE_PART.match(part) or _ONGOING_PART.match(part):
                return part, normalise_deadline(part)
    return None, None


def find_document_date(lines: list[str]) -> str | None:
    """The document's date: its signature line (2020年5月11日) if printed, else the page header date."""
    for line in lines:
        s = line.strip(BLANKS)
        if _DATE_LINE.match(s):
            date = parse_date(s)
            if date and len(date) == 10:
                return date
    for line in lines[:40]:
        s = line.strip(BLANKS)
        m = _HEADER_DATE.search(s) or _HEADER_LINE_DATE.match(s)
        if m:
            date = parse_date(m.group(2) if m.re is _HEADER_DATE else m.group(1))
            if date:
                return date
    return None
