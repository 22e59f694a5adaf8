"""Original text -> simplified text of the same length, script detection, web-page chrome.

Offsets found in the simplified text are valid in the original because the conversion keeps every
character in place: lines whose phrase-level conversion would change length are converted one
character at a time instead.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ingest.textutil import CORNER_QUOTES, convert
from ingest.textutil import to_simplified as _plain_t2s


# Invisible format characters (Unicode Cf that web copies and editors leave in running text):
# zero-width space / non-joiner / joiner, word joiner and invisible operators, soft hyphen, bidi
# marks, embeddings, overrides and isolates, byte-order marks. Inside a word they split it for
# every reader (知识\u200b产权 is not 知识产权 to search, themes or the linker), and they show nothing.
_INVISIBLE = re.compile("[\u00ad\u061c\u180e\u200b-\u200f\u202a-\u202e\u2060-\u2064"
                        "\u2066-\u206f\ufeff\ufff9-\ufffb]")


def drop_invisible(text: str) -> str:
    """``text`` without invisible format characters. Applied to the decoded text before anything
    else reads it, so the original the graph keeps is this text and every offset points into it."""
    return _INVISIBLE.sub("", text)


def to_simplified(text: str) -> str:
    """Simplified script, same length as ``text`` (so offsets carry over)."""
    if not text:
        return text
    if len(text) <= _CACHED_LEN:  # extractors convert the same measure text more than once
        return _to_simplified_cached(text)
    return _to_simplified(text)


_CACHED_LEN = 8_000  # measure texts; whole documents are not kept


def _to_simplified(text: str) -> str:
    # the whole-text conversion is textutil's (the same t2s), so the extractors that call
    # textutil.to_simplified on this text afterwards find it in that cache
    whole = _plain_t2s(text)
    if len(whole) == len(text):
        return whole
    return "\n".join(_line_to_simplified(line) for line in text.split("\n"))


_to_simplified_cached = lru_cache(maxsize=256)(_to_simplified)


def _line_to_simplified(line: str) -> str:
    converted = convert(line, "t2s")
    if len(converted) == len(line):
        return converted
    out = []
    for ch in line:
        c = convert(ch, "t2s")
        out.append(c if len(c) == 1 else ch)
    return "".join(out)


_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")
_SCRIPT_SAMPLE = 200_000


def detect_script(original: str, simplified: str) -> str:
    """'traditional' when a noticeable share of Han characters change under t2s, else 'simplified'."""
    # The script is a property of the whole document: a generous sample decides it.
    original, simplified = original[:_SCRIPT_SAMPLE], simplified[:_SCRIPT_SAMPLE]
    if original == simplified:  # nothing changed (most documents): no need to count characters
        return "simplified"
    han = len(_HAN.findall(original))
    if han == 0:
        return "simplified"
    # only Han characters change, and corner quotes (textutil.CORNER_QUOTES), which are no script
    changed = sum(map(str.__ne__, original.translate(CORNER_QUOTES), simplified))
    # Simplified text changes almost nowhere (a handful of variant characters at most).
    return "traditional" if changed >= 3 and changed / han >= 0.03 else "simplified"


# ---------------------------------------------------------------- lines

# Blanks web copies put around text: spaces of all widths, no-break and zero-width ones, stray BOMs.
BLANKS = " \t\u3000\xa0\u2002\u2003\u2009\u202f\u200b\u200c\u200d\ufeff"


@dataclass(slots=True)
class Line:
    index: int
    start: int  # offset of the first character of the line in the original text
    end: int  # offset just past the last character (newline excluded)
    text: str  # simplified text of the line (same length as the original line)

    @property
    def stripped(self) -> str:
        return self.text.strip(BLANKS)

    @property
    def content_start(self) -> int:
        """Offset of the first non-blank character."""
        return self.start + (len(self.text) - len(self.text.lstrip(BLANKS)))

    @property
    def content_end(self) -> int:
        return self.end - (len(self.text) - len(self.text.rstrip(BLANKS)))


def split_lines(simplified: str) -> list[Line]:
    lines: list[Line] = []
    pos = 0
    for i, raw in enumerate(simplified.split("\n")):
        lines.append(Line(i, pos, pos + len(raw), raw))
        pos += len(raw) + 1
    return lines


# ---------------------------------------------------------------- web-page chrome
#
# Lines that belong to the page or to the paperwork around a policy, never to its content: print and
# font-size widgets, publication / source headers, index and file-number fields, related-link and
# open-government menus, contacts, copy-to lists, attachment footers. Patterns work on simplified text.

# A printed page's number, left in the text of a converted PDF (— 1 — / - 2 - / ·3· / 第3页 共8页 /
# 3/8 / a bare 12): page chrome, and a page break, not the end of what the page was saying.
_PAGE_MARK = re.compile(r"^(?:[—－\-–]\s*\d{1,3}\s*[—－\-–]|[·•・]\s*\d{1,3}\s*[·•・]"
                        r"|第\s*\d{1,3}\s*页(?:\s*[,，/]?\s*共\s*\d{1,3}\s*页)?|\d{1,3}\s*[/／]\s*\d{1,3}|\d{1,3})$")

_CHROME_PATTERNS = [re.compile(p) for p in (
    r"^打印\s*[|｜]?\s*字号",
    r"^(【)?(打印|关闭|返回顶部|分享到?|扫一扫|收藏|字号)(本页|窗口)?(】)?\s*[:：|｜]?\s*$",
    r"^字号\s*[:：]",
    r"^调整字体",
    r"^(字体|字号)\s*[:：]?\s*[大中小]",
    r"^[【\[]?\s*[大中小]\s*[】\]]?\s*[【\[]?\s*[大中小]\s*[】\]]?\s*[【\[]?\s*[大中小]\s*[】\]]?$",
    # widgets printed side by side (【打印本页】 【关闭窗口】), the phone QR caption
    r"^(?:\s*【(?:打印本页|打印|关闭窗口|关闭|返回顶部|收藏)】)+\s*$",
    r"^扫一扫在手机(?:上)?(?:打开|查看|浏览)",
    r"^相关(链接|文章|阅读|新闻|附件)\s*[:：]?$",
    r"^相关(附件|链接)\s*[:：]",  # 相关附件：…（政策解读）.pdf: a link under the document
    r"^信息公开(目录|指南|年报)?$",
    r"^(政府)?信息公开(目录|指南)?\s*[>＞]",
    r"^当前位置\s*[:：]",
    r"^(首页|网站首页)\s*[>＞]",
    r"^\d{4}-\d{1,2}-\d{1,2}(\s+\d{1,2}:\d{2}(:\d{2})?)?\s*(来源|作者|浏览|访问|点击)",
    r"^(发布|发文|成文|印发|更新)(时间|日期)\s*[:：]",
    r"^(来源|信息来源|作者|浏览次数|访问量|点击数)\s*[:：]",
    r"^索引号\s*[:：]",
    r"^(文\s*号|发文字号)\s*[:：]",
    r"^(主题分类|公开方式|公开范围|主题词|体裁分类|组配分类|发布机构)\s*[:：]",
    r"^附\s*件\s*\d*\s*([:：]|$)",
    r"^抄\s*送\s*[:：]",
    r"^(主\s*送)\s*[:：]",
    r"^(联\s*系\s*人|联系电话|联系方式|咨询电话|传\s*真|邮\s*箱|电子邮箱)\s*[:：]",
    r"^[(（]此件(主动|公开|不)[^)）]*[)）]$",
    r"^(上一篇|下一篇|上一条|下一条)\s*[:：]",
    r"^(版权所有|主办单位|承办单位|技术支持|网站标识码|ICP备|网站地图|联系我们)",
    r"^(主\s*办|承\s*办|协\s*办)\s*[:：]",  # a page footer: 主办：X省人民政府办公厅　版权所有
    r"^[\s\-—_=]{3,}$",
    _PAGE_MARK.pattern,
)]

_CHROME = re.compile("|".join(f"(?:{p.pattern})" for p in _CHROME_PATTERNS))

# Closing lines that continue the copy-to field onto indented lines, e.g. "      省政府办公厅。".
_CONTINUATION_INDENT = re.compile(r"^[ \u3000\t]{3,}\S")


def is_chrome_line(text: str) -> bool:
    s = text.strip(BLANKS)
    if not s:
        return False
    return bool(_CHROME.search(s))


def is_page_mark(text: str) -> bool:
    """A line that is only a printed page's number (chrome that a measure continues across)."""
    return bool(_PAGE_MARK.match(text.strip(BLANKS)))


def chrome_line_indexes(lines: list[Line]) -> set[int]:
    """Indexes of chrome lines; a copy-to (抄送) block also takes its indented continuation lines."""
    found: set[int] = set()
    in_copy_to = False
    for line in lines:
        s = line.stripped
        if is_chrome_line(line.text):
            found.add(line.index)
            in_copy_to = bool(re.match(r"^抄\s*送", s))
            continue
        if in_copy_to:
            if not s:
                continue
            if _CONTINUATION_INDENT.match(line.text) and len(s) <= 40:
                found.add(line.index)
                continue
            in_copy_to = False
    return found
