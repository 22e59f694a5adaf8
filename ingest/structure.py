"""Split a policy document into its numbered measures and closing safeguards.

The document's own numbering drives everything. A line starting with a numbering label (一、 /
(一) （一） / 1. 1、 / 1.1 1.1.1 / ㈠ / 第X条 / （1） / ① ...), a label alone on its line, or a label
inside a paragraph after a clause end (（一）…；（二）…；) opens an item. Numbers may run to any
count. Levels follow the order in which numbering styles appear: a style not yet open nests under
the current item, a style already open closes everything below it; a number must continue its run
(a misprint the run goes on from is followed; a run that is lost is refused, never merged).

Measures are chosen level by level in the operative part (neither preamble such as 总体要求 /
指导思想, nor a closing safeguard section such as 保障措施 / 组织实施, whose items become
safeguards): see ``_measure_items``. Tab-laid tables whose rows name policies yield one measure per
row, merged with the listed item a row repeats.
"""
from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field

from ingest.normalise import BLANKS, Line, chrome_line_indexes, is_page_mark, split_lines
from ingest.tables import Table, find_tables

CN_DIGITS = "零〇一二三四五六七八九十百千万两"
_CN = f"[{CN_DIGITS}]+"
_D = "[0-9０-９]"
# Circled numbers: ①-⑳, then ㉑-㉟ and ㊱-㊿ in two other Unicode blocks.
_CIRCLED = ((0x2460, 0x2473, 1), (0x3251, 0x325F, 21), (0x32B1, 0x32BF, 36))
_CIRCLED_CLASS = "".join(f"{chr(a)}-{chr(b)}" for a, b, _ in _CIRCLED)
# A number followed by one of these is a quantity (1.5倍, 2.3万元, 3.5%), never a label.
_QUANTITY_AFTER = "倍万亿元千百%％个家项米吨度年月日天小时分秒"

# (style, pattern of the label at the start of a stripped line); group 1 is the number. Arabic
# numbers take any number of digits: a list may run to ten thousand items and beyond.
_STYLES: list[tuple[str, re.Pattern]] = [(name, re.compile(p)) for name, p in (
    ("part", rf"^第({_CN}|{_D}+)部分[\s\u3000]*"),  # 第二部分　重点任务: a plan's parts
    ("chapter", rf"^第({_CN}|{_D}+)章[\s\u3000]*"),
    ("jie", rf"^第({_CN}|{_D}+)节[\s\u3000]*"),
    ("article", rf"^第({_CN}|{_D}+)条[\s\u3000]*"),
    # 第一，…　第二，…: the points of an opinion or a speech written out as ordinals
    ("cn_di", rf"^第({_CN})[，,、：:][\s\u3000]*"),
    ("cn_dun", rf"^({_CN})[、，,．.][\s\u3000]*"),
    # 案例一　浙江省湖州市：… / 案例2： — the cases of a collection of typical practices
    ("case", rf"^(?:典型)?案例\s*({_CN}|{_D}+)(?![{_QUANTITY_AFTER}])[\s\u3000：:、，,．.]*"),
    # 一是…　二是…: the points of a report on a practice (经验做法, 典型案例)
    ("cn_shi", rf"^({_CN})是[，,：:]?[\s\u3000]*"),
    ("cn_paren", rf"^[(（]({_CN})[)）][\s\u3000]*"),
    ("num_paren", rf"^[(（]({_D}{{1,6}})[)）][\s\u3000]*"),
    ("cn_enclosed", r"^([\u3220-\u3229])[\s\u3000]*"),
    ("num_enclosed", r"^([\u2474-\u2487])[\s\u3000]*"),
    ("circled", rf"^([{_CIRCLED_CLASS}])[\s\u3000]*"),
    # 1.1 / 1.1.1 / 2.3.4.1 (decimal outline numbering); the style carries the depth: dotted2, dotted3 ...
    # (not before a letter: 1.5G网络工程 is item 1 on 5G, 2.4K超高清 item 2 on 4K)
    ("dotted", rf"^({_D}{{1,3}}(?:[.．]{_D}{{1,6}}){{1,9}})(?![.．]?{_D})[.．、]?(?![{_QUANTITY_AFTER}A-Za-z])[\s\u3000]*"),
    ("num_dot", rf"^({_D}{{1,6}})(?:[.．](?!{_D})|[.．](?={_D}[A-Za-z])|、)[\s\u3000]*"),
    ("num_rparen", rf"^({_D}{{1,6}})[)）][\s\u3000]*"),
)]

# After a label, another number of the same kind means the line lists numbers (3、4月份开展 /
# 一、二、三等奖分别奖励): prose, not an item.
# (but 1.5G网络: item 1, on 5G)
_PROSE_ENUMERATION = {"num_dot": re.compile(rf"^{_D}(?!{_D}*[A-Za-z])"), "cn_dun": re.compile(rf"^{_CN}[、，,]")}

# Every label starts with one of these characters; other lines skip the pattern list.
_LABEL_FIRST = frozenset("第(（案典" + CN_DIGITS + "0123456789０１２３４５６７８９"
                         + "".join(map(chr, range(0x3220, 0x322A))) + "".join(map(chr, range(0x2474, 0x2488)))
                         + "".join(chr(c) for a, b, _ in _CIRCLED for c in range(a, b + 1)))

# A list printed inside one paragraph: （一）…；（二）…； / 1.…；2.…  — a label right after a clause
# end or a colon. Only these styles are written inline.
_INLINE_LABEL = re.compile(
    rf"(?<=[；;。：:])[\s\u3000]*(?=[(（](?:{_CN}|{_D}{{1,6}})[)）]|[{_CIRCLED_CLASS}\u3220-\u3229\u2474-\u2487]"
    rf"|{_D}{{1,6}}[.．、](?!{_D}))")
_INLINE_STYLES = frozenset({"cn_paren", "num_paren", "circled", "cn_enclosed", "num_enclosed", "num_dot"})

# Headings of the closing sections that say how the plan will be carried out rather than what it does.
SAFEGUARD_HEADING = re.compile(
    r"(保障措施|保障机制|保障体系|组织保障|工作保障|实施保障|强化保障|加强保障|保障条件|组织实施|组织领导|"
    r"工作要求|实施要求|有关要求|工作机制保障|监督考核|督查考核|督促检查|督导检查|附则|"
    # 落实各方责任 / 压实工作责任 / 抓好贯彻落实: who answers for carrying the plan out
    r"(落实|压实|明确)(各方|各级|各项|工作)?责任(分工)?[。.]?$|(抓好|狠抓|推动|确保)(贯彻)?落实[。.]?$)")
_MAX_HEADING = 24
# Headings of the opening sections that frame the plan (why, aims, principles, scope) rather than act.
PREAMBLE_HEADING = re.compile(
    r"^(总体要求|总体思路|指导思想|基本原则|发展目标|工作目标|主要目标|总体目标|目标任务|适用范围|编制依据|"
    r"重要意义|基本情况|发展现状|现状分析|区位布局|功能定位|实施范围|战略定位|发展定位|总体布局|空间布局|"
    r"工作原则|指导原则|发展思路|适用对象|支持对象|总则|"
    # a policy interpretation (政策解读) opens with why and how the policy was drafted
    r"(出台|起草|制定|编制|修订|政策)(背景|过程|依据|目的|必要性)(和|及|与)?(过程|依据|目的|必要性)?)[。.]?$")

# A heading that announces the policy's measures (a 政策解读's 二、主要内容 / 主要措施): its sub-items
# are the measures, even after a line that introduces them (共四个方面12条，主要包括：).
_MEASURES_HEADING = re.compile(r"^(主要|重点|核心|具体)?(内容|措施|政策|条款|举措|政策措施|政策内容|政策要点|支持内容|"
                               r"支持措施|支持政策)[：:。.]?$")

# Lines that annotate a task rather than continue its prose: who does it and by when.
ANNOTATION_LINE = re.compile(
    r"^(责任单位|牵头单位|配合单位|协办单位|参与单位|责任部门|牵头部门|配合部门|主办单位|负责单位|"
    r"主管部门|主管单位|实施单位|实施部门|承办单位|兑现部门|受理部门|"
    r"完成时限|完成时间|时间节点|时限要求|进度安排|实施时间|责任领导|责任人)\s*[:：]")
# Paragraphs that address the readers of the whole document once its numbered items are done.
CLOSING_PARAGRAPH = re.compile(
    r"^(各地|各部门|各单位|各区|各县|各市|各级|各有关|各相关|各乡镇|各街道|各镇|本方案|本意见|本办法|本通知|"
    r"本规定|本细则|本措施|本政策|本计划|本规划|以上|上述|特此|请各|请认真|如有|下一步)")
# A signature (issuing body alone on a line) or a date alone on a line ends the numbered part.
_SIGNATURE_OR_DATE = re.compile(
    r"^([\d〇零一二三四五六七八九十]{4}\s*年[\d〇零一二三四五六七八九十]{1,2}\s*月[\d〇零一二三四五六七八九十]{1,3}\s*日"
    r"|[^\s。，,:：；;]{2,30}(办公室|办公厅|人民政府|委员会|管委会|领导小组))$")
_TABLE_NAME = (r"名称$", r"^(政策|改革)?(事项|举措|任务|措施)$", r"事项$", r"举措$", r"任务$")
_TABLE_CONTENT = (r"主要内容", r"具体内容", r"主要做法", r"内容$", r"做法$", r"具体措施")
_TABLE_ID = (r"^(编号|序号|序|号)$",)


@dataclass
class Item:
    style: str
    number: int
    label: str  # as printed, e.g. "(一)" or "1."
    line: Line
    heading: str  # text after the label on its line (simplified)
    depth: int = 0
    parent: Item | None = None
    children: list[Item] = field(default_factory=list)
    last_line: int = -1  # index of the last line of the item's own text (children excluded)
    tail: str = ""  # the last line of its own text, stripped
    part: int = 0  # how many signatures / 附件 lines come before it (0: the document's body)
    in_attachment: bool = False  # after an 附件 line
    end: int = 0

    @property
    def start(self) -> int:
        return self.line.content_start

    @property
    def short_label(self) -> str:
        return self.label.strip(" \u3000").rstrip("、，,．.")

    def path(self) -> str:
        labels, node = [], self
        while node is not None:
            labels.append(node.short_label)
            node = node.parent
        return "/".join(reversed(labels))

    def ancestors(self):
        node = self.parent
        while node is not None:
            yield node
            node = node.parent


@dataclass
class Segment:
    """A measure or safeguard span, before agencies and themes are attached."""

    kind: str  # measure | safeguard
    section: str
    label: str
    title: str
    text: str  # simplified, blank lines and indentation removed
    start: int
    end: int
    fields: dict[str, str] = field(default_factory=dict)
    table_lead: str = ""  # lead-agency cell of a task table, if any
    table_support: str = ""
    table_deadline: str = ""
    headings: list[str] = field(default_factory=list)  # of the items above it, nearest first
    order: int = -1  # where it stands among the measures when not at ``start`` (a table row's place)


@dataclass
class Structure:
    lines: list[Line]
    items: list[Item]
    tables: list[Table]
    chrome: set[int]
    measures: list[Segment]
    safeguards: list[Segment]


# ---------------------------------------------------------------- numbering

def cn_number(text: str) -> int | None:
    """Chinese or Arabic numeral -> int (一 -> 1, 十二 -> 12, 一百零五 -> 105, 一千零一 -> 1001)."""
    text = text.translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    if text.isdigit():
        return int(text)
    digits = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
              "八": 8, "九": 9}
    units = {"十": 10, "百": 100, "千": 1000}
    total, section, current = 0, 0, 0
    for ch in text:
        if ch in digits:
            current = digits[ch]
        elif ch in units:
            section += (current or 1) * units[ch]
            current = 0
        elif ch == "万":
            total += (section + current or 1) * 10_000
            section, current = 0, 0
        else:
            return None
    return total + section + current


_STYLE_FIRST = {"第": ("part", "chapter", "jie", "article", "cn_di"), "(": ("cn_paren", "num_paren"),
                "（": ("cn_paren", "num_paren"), "案": ("case",), "典": ("case",)}


def _styles_for(first: str) -> list[tuple[str, re.Pattern]]:
    """The styles a label starting with this character can be (a line tries only those)."""
    styles = _STYLES_BY_FIRST.get(first)
    if styles is None:
        if first in _STYLE_FIRST:
            names = set(_STYLE_FIRST[first])
        elif first in CN_DIGITS:
            names = {"cn_dun", "cn_shi"}
        elif first in "0123456789０１２３４５６７８９":  # not str.isdigit: ① is a digit to it
            names = {"dotted", "num_dot", "num_rparen"}
        else:
            names = {"cn_enclosed", "num_enclosed", "circled"}
        styles = _STYLES_BY_FIRST[first] = [(n, p) for n, p in _STYLES if n in names]
    return styles


_STYLES_BY_FIRST: dict[str, list[tuple[str, re.Pattern]]] = {}


def _circled_number(ch: str) -> int:
    code = ord(ch)
    for first, last, number in _CIRCLED:
        if first <= code <= last:
            return number + code - first
    raise ValueError(ch)


def match_label(stripped: str) -> tuple[str, int, str, str] | None:
    """(style, number, label as printed, rest of the line) for a line opening a numbered item.
    Decimal outline numbers give the style ``dotted<depth>`` and their last component."""
    if not stripped or stripped[0] not in _LABEL_FIRST:
        return None
    for style, pattern in _styles_for(stripped[0]):
        m = pattern.match(stripped)
        if not m:
            continue
        raw = m.group(1)
        if style == "circled":
            number = _circled_number(raw)
        elif style in ("cn_enclosed", "num_enclosed"):
            number = ord(raw) - {"cn_enclosed": 0x3220, "num_enclosed": 0x2474}[style] + 1
        elif style == "dotted":
            parts = re.split("[.．]", raw)
            style, number = f"dotted{len(parts)}", cn_number(parts[-1])
        else:
            number = cn_number(raw)
        rest = stripped[m.end():]
        if number is None or number == 0 or not rest.strip():
            continue
        if style in ("num_dot", "cn_dun") and _PROSE_ENUMERATION[style].match(rest):
            continue  # 3、4月份… / 一、二、三等奖: numbers listed in prose, not a label
        return style, number, m.group(0).rstrip(" \u3000\t"), rest.strip(" \u3000\t")
    return None


# ---------------------------------------------------------------- outline

@dataclass(slots=True)
class _Label:
    """A line (or a piece of a line, for an inline list) that opens with a numbering label."""

    line: Line
    style: str
    number: int
    label: str
    rest: str


def _labels(lines: list[Line], skip: set[int]) -> list[_Label]:
    """Every label in document order: one at the start of a line, and those of a list printed inline
    in the paragraph after it (each inline item gets the piece of the line up to the next one)."""
    found: list[_Label] = []
    last_seen: dict[str, int] = {}
    for line in lines:
        if line.index in skip:
            continue
        first = match_label(line.stripped) or _label_alone(line, lines, skip)
        inline = _inline_labels(line, first, last_seen) if any(c in line.text for c in "；;：:。") else []
        if first:
            last_seen[first[0]] = first[1]
        if inline:
            last_seen[inline[-1][1][0]] = inline[-1][1][1]
        if not inline:
            if first:
                found.append(_Label(line, *first))
            continue
        cuts = [pos for pos, _ in inline]
        if first:
            head = _piece(line, line.content_start, cuts[0])
            rest = head.stripped[len(first[2]):].strip(BLANKS)
            found.append(_Label(head if rest else line, first[0], first[1], first[2], rest or first[3]))
        for (pos, (style, number, label, _)), end in zip(inline, cuts[1:] + [line.end]):
            piece = _piece(line, pos, end)
            rest = piece.stripped[len(label):].strip(BLANKS)
            if rest:
                found.append(_Label(piece, style, number, label, rest))
    return found


def _label_alone(line: Line, lines: list[Line], skip: set[int]) -> tuple[str, int, str, str] | None:
    """A label printed on a line of its own (第一条 / 一、 in a block of its own on a web page) with its
    heading on the next line that has text: the label and that heading."""
    stripped = line.stripped
    if not stripped or len(stripped) > 12 or stripped[0] not in _LABEL_FIRST:
        return None
    found = match_label(stripped + "\u2060")  # a stand-in heading, so the label alone can be read
    if found is None or found[3] != "\u2060":
        return None
    for k in range(line.index + 1, min(len(lines), line.index + 4)):
        text = lines[k].stripped
        if not text:
            continue
        if k in skip or match_label(text) or _label_alone_shape(text):
            return None
        return found[0], found[1], found[2], text
    return None


def _label_alone_shape(text: str) -> bool:
    return len(text) <= 12 and text[0] in _LABEL_FIRST and match_label(text + "\u2060") is not None


def _inline_labels(line: Line, first, last_seen: dict[str, int]) -> list[tuple[int, tuple]]:
    """Labels inside the line that continue one numbering run: (offset, match) pairs. The run starts
    at 1, continues the label opening the line, or continues the last run of its style (a list
    numbered on across paragraphs); it needs two items unless it continues the label opening the line."""
    run: list[tuple[int, tuple]] = []
    for m in _INLINE_LABEL.finditer(line.text):
        # a label and a few characters after it are enough to read it (and keep a long line linear)
        found = match_label(line.text[m.end():m.end() + _LABEL_WINDOW])
        if not found or found[0] not in _INLINE_STYLES:
            continue
        style, number = found[0], found[1]
        if run:
            if style != run[0][1][0] or number != run[-1][1][1] + 1:
                continue
        elif not (number == 1 or (first and first[0] == style and number == first[1] + 1)
                  or number == last_seen.get(style, -1) + 1):
            continue
        run.append((line.start + m.end(), found))
    if not run:
        return []
    continues_first = bool(first) and first[0] == run[0][1][0]
    if len(run) < 2 and not continues_first:
        return []
    return run


_LABEL_WINDOW = 48


def _piece(line: Line, start: int, end: int) -> Line:
    """A part of a line as a Line of its own (same index, offsets into the same text)."""
    return Line(line.index, start, end, line.text[start - line.start:end - line.start])


def _follows(number: int, previous: int, next_number: int | None) -> bool:
    """Does ``number`` continue a run whose last accepted number is ``previous``? The next number is
    ``previous + 1`` or a restart at 1; a skipped number or two, or a repeated one (a misprint), is
    accepted when the run goes on from it (the next label of the style is ``number + 1``) or ends."""
    if number in (previous + 1, 1):
        return True
    misprint = previous <= number <= previous + 3
    return misprint and next_number in (None, number + 1)


_ATTACHMENT_LINE = re.compile(r"^附\s*件\s*[0-9０-９一二三四五六七八九十]*\s*([:：]|$)")


def _part_boundaries(lines: list[Line]) -> tuple[list[int], set[int]]:
    """Line indexes that end one part of a page and start the next: the signature or date of a
    document (落款) and the 附件 line before an attachment; and which of them open an attachment."""
    found: list[int] = []
    attachments: set[int] = set()
    for line in lines:
        s = line.stripped
        if not s:
            continue
        if _ATTACHMENT_LINE.match(s):
            found.append(line.index)
            attachments.add(line.index)
        elif _SIGNATURE_OR_DATE.match(s) and not ANNOTATION_LINE.match(s):
            found.append(line.index)
    return found, attachments


def _opens_excerpt(lab: _Label, previous: int, next_number: int | None) -> bool:
    """A style's first label may be any number (a page that reprints part of a document starts at
    四、) when the run goes on from it or ends, and it does not read as a number in prose (2019、2020年)."""
    return previous == 0 and next_number in (None, lab.number + 1) and not lab.rest[:1].isdigit()


# A box a plan prints inside a task (专栏1　新型基础设施重点工程 / 专栏一：…): its own short list of
# projects, numbered apart from the plan's outline.
_BOX_LINE = re.compile(rf"^专栏\s*(?:{_CN}|{_D}+)(?:[\s\u3000:：、．.]|$)")


def _outside_boxes(labels: list[_Label], lines: list[Line]) -> list[_Label]:
    """The labels that are not a box's own numbering: after a 专栏 line, labels of a style the text
    has not used before it belong to the box, up to the first label of a style it has (the plan's
    next task or section), so its projects stay text of the task they illustrate."""
    boxes = [ln.index for ln in lines if ln.stripped.startswith("专栏") and _BOX_LINE.match(ln.stripped)]
    if not boxes:
        return labels
    kept: list[_Label] = []
    seen: set[str] = set()
    box = 0  # boxes opened so far
    inside = False
    for lab in labels:
        while box < len(boxes) and boxes[box] < lab.line.index:
            box += 1
            inside = True
        if inside and lab.style not in seen:
            continue
        inside = False
        seen.add(lab.style)
        kept.append(lab)
    return kept


def _outline(lines: list[Line], skip: set[int]) -> tuple[list[Item], list[_Label]]:
    """The numbering tree, and the labels that could not be placed in it."""
    labels = _outside_boxes(_labels(lines, skip), lines)
    # the number of the next label of the same style, for telling a misprint from prose
    next_number: list[int | None] = [None] * len(labels)
    upcoming: dict[str, int] = {}
    for k in range(len(labels) - 1, -1, -1):
        next_number[k] = upcoming.get(labels[k].style)
        upcoming[labels[k].style] = labels[k].number

    items: list[Item] = []
    rejected: list[tuple[_Label, int]] = []  # with how many items of its style were placed before it
    placed: dict[str, int] = {}
    stack: list[Item] = []
    last_number: dict[str, int] = {}
    boundaries, attachments = _part_boundaries(lines)
    passed = 0  # boundaries passed
    part = 0
    in_attachment = False
    for k, lab in enumerate(labels):
        style, number = lab.style, lab.number
        position = next((n for n, it in enumerate(stack) if it.style == style), None)
        if passed < len(boundaries) and lab.line.index > boundaries[passed]:
            attachment = False
            while passed < len(boundaries) and lab.line.index > boundaries[passed]:
                attachment = boundaries[passed] in attachments  # until the next signature
                passed += 1
            # past a signature or an 附件 line a new part starts, whose numbering nests under
            # nothing -- unless the label goes on with the numbering (a date line inside the text)
            if position is None or number != stack[position].number + 1:
                stack.clear()
                position = None
                part += 1
                in_attachment = attachment
        if position is not None:
            previous = stack[position].number
        else:
            # a style never seen starts at 1; one seen before (under an earlier parent) goes on
            previous = last_number.get(style, 0)
        if not (_follows(number, previous, next_number[k]) or _opens_excerpt(lab, previous, next_number[k])):
            rejected.append((lab, placed.get(style, 0)))
            continue
        if position is not None:
            del stack[position:]
        item = Item(style=style, number=number, label=lab.label, line=lab.line, heading=lab.rest,
                    depth=len(stack) + 1, parent=stack[-1] if stack else None,
                    part=part, in_attachment=in_attachment)
        if item.parent is not None:
            item.parent.children.append(item)
        stack.append(item)
        items.append(item)
        last_number[style] = number
        placed[style] = placed.get(style, 0) + 1
    return items, rejected


class StructureError(ValueError):
    """A document whose numbering cannot be followed: its items would be merged into one measure."""


def _refuse_lost_runs(items: list[Item], rejected: list[tuple[_Label, int]]) -> None:
    """Two or more consecutive labels of a style the outline uses, none of which could be placed
    and with no placed label of that style between them, mean the numbering was lost (it jumps or
    restarts where it cannot): refuse rather than merge them silently into the item before."""
    used = {it.style for it in items}
    run: list[_Label] = []
    run_placed = -1
    for lab, placed_before in rejected:
        if lab.style not in used:
            continue
        if run and lab.style == run[-1].style and lab.number == run[-1].number + 1 \
                and placed_before == run_placed:
            run.append(lab)
            if len(run) == 2:
                before = [it for it in items if it.style == lab.style and it.start < run[0].line.content_start]
                after = f" after {before[-1].label}" if before else ""
                raise StructureError(
                    f"numbered items cannot be told apart: {run[0].label} and {lab.label} (line "
                    f"{run[0].line.index + 1}) do not continue the numbering{after}; they would be merged "
                    f"into one measure. Number the items in sequence (1. 2. 3. ...) and try again")
        else:
            run, run_placed = [lab], placed_before


def _is_heading_like(rest: str) -> bool:
    """A label line that is a short heading (its title is the whole line, its body follows)."""
    if not rest or len(rest) > 50 or rest[-1] in "；;":
        return False
    return "。" not in rest or (rest.count("。") == 1 and rest.endswith("。") and len(rest) <= 30)


def _ends_branch(items: list[Item], idx: int) -> bool:
    """Nothing numbered follows at this item's depth: later prose may close the section or document."""
    return idx + 1 == len(items) or items[idx + 1].depth < items[idx].depth


def _extend_items(items: list[Item], lines: list[Line], stop: set[int], page_breaks: set[int]) -> None:
    """An item's own text runs from its label line to the next numbered line, page chrome, table,
    signature or date line, across the page numbers of a converted PDF (``page_breaks``); after
    the last item of a branch, a closing paragraph (各部门要……, 本方案自……) is the document's, not
    the item's. An item of an inline list ends where the next one on its line begins."""
    from ingest.metadata import opens_signature_block  # metadata -> dates -> structure: import here

    for idx, it in enumerate(items):
        following = items[idx + 1] if idx + 1 < len(items) else None
        bound = following.line.index if following is not None else len(lines)
        physical = lines[it.line.index]
        if following is not None and bound == it.line.index:
            it.last_line = it.line.index
            head = physical.text[it.start - physical.start:following.start - physical.start]
            it.end = it.start + len(head.rstrip(BLANKS))
            it.tail = head.strip(BLANKS)
            continue
        last = it.line.index
        closing_possible = _ends_branch(items, idx)
        for k in range(it.line.index + 1, bound):
            if k in page_breaks:
                continue  # the item goes on on the next page
            if k in stop:
                break
            s = lines[k].stripped
            if not s:
                continue
            if _SIGNATURE_OR_DATE.match(s) and not ANNOTATION_LINE.match(s):
                break
            if opens_signature_block(lines, k):  # 工业和信息化部　国家发展改革委 / … / 2023年12月28日
                break
            if closing_possible and CLOSING_PARAGRAPH.match(s):
                break
            last = k
        it.last_line = last
        it.end = lines[last].content_end
        it.tail = it.line.stripped if last == it.line.index else lines[last].stripped


def _has_own_text(item: Item) -> bool:
    """More than a bare heading: a paragraph below the label line, or a clause on it (a heading
    such as 科技创新 or 主要任务： has none)."""
    if item.last_line > item.line.index:
        return True
    bare = item.heading.rstrip("：:")
    if any(c in _CLAUSE_MARKS for c in bare):
        return True
    # a colon after a lead clause (…应当符合下列条件：), not after a title (主要任务：)
    return len(bare) < len(item.heading) and (len(bare) > _MAX_TITLE or bool(_LEAD_IN.search(bare)))


_CLAUSE_MARKS = frozenset("，,；;：:。！!？?")
_MAX_TITLE = 12
_LEAD_IN = re.compile(r"(下列|以下|如下)")


# ---------------------------------------------------------------- segments

# A closing parenthesis that names who is responsible (（市科技局牵头负责）) annotates a heading, it is
# not part of the measure's name.
_AGENCY_NOTE = re.compile(r"[(（][^()（）]*(负责|牵头|配合|责任单位|责任部门|参与)[^()（）]*[)）][。.]?$")


# A measure's name printed before its text: in 【】 (1.【降低用地成本】对…) or as a short phrase and a
# colon (2.企业开办：推行…), not a lead clause (对符合下列条件的：)
_BRACKETED_NAME = re.compile(r"^【([^【】]{2,20})】")
_NAME_AND_COLON = re.compile(rf"^([^，,；;：:。！!？?【】]{{2,{_MAX_TITLE}}})[：:](?=\S)")


def _title(item: Item) -> str:
    rest = item.heading
    named = _BRACKETED_NAME.match(rest) or _NAME_AND_COLON.match(rest)
    if named and not _LEAD_IN.search(named.group(1)):
        return named.group(1).strip(BLANKS)
    if _is_heading_like(rest):
        return _AGENCY_NOTE.sub("", rest).rstrip("：:，,").strip(BLANKS) or rest.strip(BLANKS)
    cut = rest.find("。")
    if cut < 0:
        cut = min((p for p in (rest.find("；"), rest.find(";")) if p >= 0), default=-1)
    return (rest[:cut + 1] if cut >= 0 else rest).strip()


def _span_text(simplified: str, start: int, end: int) -> str:
    return "\n".join(s for s in (ln.strip(BLANKS) for ln in simplified[start:end].split("\n"))
                     if s and not is_page_mark(s))


def _segment(kind: str, item: Item, simplified: str) -> Segment:
    """An item's span; an item chosen as a measure with sub-items takes them in (they elaborate it)."""
    end = _subtree_end(item)
    return Segment(kind=kind, section=item.path(), label=item.label, title=_title(item),
                   text=_span_text(simplified, item.start, end), start=item.start, end=end,
                   headings=[a.heading for a in item.ancestors() if a.heading])


def _is_safeguard_section(item: Item) -> bool:
    """A closing section (四、保障措施), or a top-level item whose lead phrase names one: in a flat
    list （十八）加强组织领导。各地区要…… is the plan's safeguard, not one of its measures."""
    if not (item.children or item.depth == 1):
        return False
    if item.children and len(item.heading) <= _MAX_HEADING and SAFEGUARD_HEADING.search(item.heading):
        return True
    lead = _lead_phrase(item.heading)
    found = SAFEGUARD_HEADING.search(lead) if len(lead) <= _MAX_HEADING else None
    return found is not None and found.end() == len(lead)


def _lead_phrase(heading: str) -> str:
    """The heading's opening phrase: 指导思想 in 指导思想。以……为指导 …"""
    return _LEAD_PHRASE_END.split(heading, maxsplit=1)[0].strip(BLANKS)


_LEAD_PHRASE_END = re.compile(r"[。：:；;！!？?]")


def _is_preamble_section(item: Item) -> bool:
    return bool(PREAMBLE_HEADING.match(item.heading) or PREAMBLE_HEADING.match(_lead_phrase(item.heading)))


# An article about the document itself (本措施自印发之日起施行; 本办法由市商务局负责解释; 本措施与其他
#政策重叠的，按照从高不重复原则执行): a closing provision, not a measure.
_CLOSING_ARTICLE = re.compile(
    r"^(本|上述|以上)(若干)?(措施|办法|方案|意见|规定|细则|实施细则|政策|通知|计划|条例|政策措施)"
    r"(所称|所指|中|的|自|由|与|有效期|从|未尽|执行|实施|施行|适用|解释|涉及|在)")


# The article that states why the document was made (第一条 为规范…，根据《…》，制定本办法。) frames it too.
_PURPOSE_ARTICLE = re.compile(
    r"^为(?:了)?[^。]{2,160}?(?:特|现)?(?:制定|制订|出台|修订)(?:本|如下|以下)(?:若干)?"
    r"(?:措施|办法|方案|意见|规定|细则|实施细则|政策|条例|政策措施|规则)?[。.]?\s*$")


def _is_closing_article(item: Item) -> bool:
    if item.children:
        return False
    heading = item.heading.strip(BLANKS)
    return bool(_CLOSING_ARTICLE.match(heading) or _PURPOSE_ARTICLE.match(heading))


def _framing(items: list[Item]) -> tuple[set[int], set[int]]:
    """Ids of the items inside a safeguard section and of those inside a preamble section (the
    section itself included): one pass, a parent always coming before its children."""
    safeguard: set[int] = set()
    preamble: set[int] = set()
    for it in items:
        parent = id(it.parent) if it.parent is not None else None
        if parent in safeguard or _is_safeguard_section(it) or _is_closing_article(it):
            safeguard.add(id(it))
        if parent in preamble or _is_preamble_section(it):
            preamble.add(id(it))
    return safeguard, preamble


def _measure_items(items: list[Item], framing: set[int]) -> list[Item]:
    """The measures of the operative part (neither preamble nor safeguard), read from the outline:

    * a level where at least half of the items have sub-items is a level of group headings: the
      measures are found below it (and an item there with text but no sub-items is a measure too,
      except at the top, where such an item frames the document rather than acts -- unless it is
      assigned to someone, as tasks are);
    * otherwise the items of the level are the measures, and the sub-items of one of them elaborate
      it (第五条 …下列条件：（一）…；（二）…) -- unless it is a bare heading, whose sub-items are then
      the measures;
    * an item that is only a heading, with neither text nor sub-items, is no measure, unless the
      whole level is such a list of short titles."""
    operative = {id(it) for it in items if id(it) not in framing}
    measures: list[Item] = []
    parts: dict[int, list[Item]] = {}  # each part of a page (a document, an attachment) on its own
    for it in items:
        if it.parent is None and id(it) in operative:
            parts.setdefault(it.part, []).append(it)
    attachment: list[Item] = []
    for roots in parts.values():
        _select(roots, operative, attachment if roots[0].in_attachment else measures, top=True)
    # 附件：1.…申报表 2.…汇总表: the names of the files attached, not measures
    attachment = [it for it in attachment if not _names_a_file(it)]
    if not measures or not attachment:
        return measures or attachment
    # An attachment is often the policy a notice forwards (现将《…》印发给你们); an attachment that
    # lists the body's measures again (…清单 1.… 2.…) adds none of them a second time.
    body = _ListedNames(measures)
    return sorted(measures + [it for it in attachment if body.find(it.heading) is None],
                  key=lambda it: it.start)


# How the name of an attached file ends (a form, a list, a guide, a document forwarded).
_ATTACHMENT_NAME = re.compile(r"(?:表|表格|目录|清单|名单|名录|指南|模板|范本|承诺书|申请书|报告|说明|细则|办法|措施|"
                              r"方案|通知|意见|规划|计划|要点|标准|流程图)[。.;；]?$")


def _names_a_file(item: Item) -> bool:
    """An item whose line is only the name of an attached file (2.专精特新企业汇总表), whatever lines
    (a signature) follow it."""
    heading = item.heading.strip(BLANKS)
    return not item.children and bool(_ATTACHMENT_NAME.search(heading)) \
        and not any(c in _CLAUSE_MARKS for c in heading.rstrip("。.;；"))


def _select(level: list[Item], operative: set[int], out: list[Item], *, top: bool = False) -> None:
    grouped = [it for it in level if it.children]
    group_level = bool(grouped) and 2 * len(grouped) >= len(level)
    if group_level and all(_has_own_text(it) and _elaborated(it) for it in grouped):
        # Items whose sub-lists elaborate them are measures, not groups, when they stand beside items
        # of plain text (第三条 …下列条件：（一）…； next to 第二条 …给予奖励。) or when each one's
        # list is numbered afresh (1.…包括：（1）…；（2）…。 2.…：（1）…). A list numbered on from one
        # item to the next (…：（一）…；（二）… …：（三）…) is the document's list of measures.
        plain = any(_has_own_text(it) for it in level if not it.children)
        afresh = len(grouped) >= 2 and all(it.children[0].number == 1 for it in grouped)
        group_level = not (plain or afresh)
    all_bare = not grouped and not any(_has_own_text(it) for it in level)
    for it in level:
        if it.children:
            if group_level or not _has_own_text(it) or not _elaborated(it):
                _select([c for c in it.children if id(c) in operative], operative, out)
            else:
                out.append(it)
        elif group_level and top and not _assigned(it) and it.style != "article":
            continue  # (an article of a rule is never a framing paragraph: 第三条 …负责发放和兑付。)
        elif all_bare or _has_own_text(it):
            out.append(it)


def _assigned(item: Item) -> bool:
    """A top-level item whose text ends with whom it is assigned to (…给予补贴。（责任单位：市商务局）):
    a task among group headings, not a framing paragraph."""
    return bool(_AGENCY_NOTE.search(item.tail) or ANNOTATION_LINE.match(item.tail))


def _elaborated(item: Item) -> bool:
    """Sub-items that belong to their item's sentence: announced by a colon (…下列条件：), written
    as list points (…；…；…。), or printed inline in its paragraph. Sub-items with headings and
    paragraphs of their own are measures in their own right."""
    if item.style != "article" and _MEASURES_HEADING.match(item.heading.strip(BLANKS)):
        return False  # (an article's 支持内容：（一）…（二）… is still one article)
    if item.tail.endswith(("：", ":")):
        return True
    kids = item.children
    if all(kid.line.index == item.line.index for kid in kids):
        return True
    return len(kids) >= 2 and not any(kid.children for kid in kids) and all(
        kid.heading.rstrip(BLANKS).endswith(("；", ";", "，", ",")) for kid in kids[:-1])


def _subtree_end(item: Item) -> int:
    node = item
    while node.children:
        node = node.children[-1]
    return max(item.end, node.end)


def _norm_name(text: str) -> str:
    return re.sub(r"[\s\u3000“”\"'‘’。，,、:：;；()（）]", "", text)


def _table_segments(table: Table, list_items: list[Item], simplified: str) -> tuple[list[Segment], set[int]]:
    """One measure per row of a task table; rows repeating a listed measure replace it."""
    name_col = table.column(*_TABLE_NAME)
    content_col = table.column(*_TABLE_CONTENT)
    if name_col is None and content_col is None:
        return [], set()
    id_col = table.column(*_TABLE_ID)
    lead_col = table.column(r"牵头", r"责任单位", r"责任部门", r"负责单位", r"主办", r"主管(部门|单位)",
                            r"(兑现|受理|实施)(部门|单位)")
    support_col = table.column(r"配合", r"协办", r"参与")
    deadline_col = table.column(r"时限", r"完成时间", r"时间节点")
    listed_by_name = _ListedNames(list_items)
    matched = [listed_by_name.find(row.get(name_col)) if name_col and row.get(name_col) else None
               for row in table.rows]
    by_order = not any(matched) and _numbered_like(table, id_col, list_items) and all(
        _shares_words(" ".join(row.get(c) for c in (name_col, content_col) if c),
                      _span_text(simplified, it.start, _subtree_end(it)))
        for row, it in zip(table.rows, list_items))
    if by_order:
        matched = list(list_items)  # the same items in the same order, worded differently
    replaced: set[int] = _summaries_of_rows(table, name_col, list_items, simplified)
    segments: list[Segment] = []
    for row, listed in zip(table.rows, matched):
        name = row.get(name_col) if name_col else ""
        content = row.get(content_col) if content_col else ""
        if listed is not None:
            replaced.add(id(listed))
        row_id = row.get(id_col) if id_col else ""
        label = row_id or (listed.label if listed else "")
        section = listed.path() if listed else row_id
        # a reworded row keeps the heading the list gives it
        title = _title(listed) if by_order else name or _first_sentence(content)
        text = "\n".join(p for p in (name, content) if p)
        start, end = row.start, row.end
        if listed is not None:
            # one measure, the table's columns merged in: the body's wording carries what the row
            # abbreviates (whose experience is replicated, the subject words themes are read from)
            start, end = listed.start, _subtree_end(listed)
            body = _span_text(simplified, start, end)
            text = body if not content or _norm_name(content) in _norm_name(body) else body + "\n" + content
        segments.append(Segment(
            kind="measure", section=section, label=label, title=title, text=text,
            start=start, end=end, order=row.start, fields=dict(zip(table.header, row.cells)),
            table_lead=row.get(lead_col) if lead_col else "",
            table_support=row.get(support_col) if support_col else "",
            table_deadline=row.get(deadline_col) if deadline_col else ""))
    return segments, replaced


_QUOTED = re.compile(r"[“\"]([^”\"]{2,40})[”\"]")


def _summaries_of_rows(table: Table, name_col: str | None, list_items: list[Item], simplified: str) -> set[int]:
    """Listed items that sum up rows of the table by quoting their names (投资管理领域：“X”等3项;
    在自贸试验区复制推广“Y”): the rows are the measures, the summary is not one."""
    if name_col is None:
        return set()
    names = {_norm_name(row.get(name_col)) for row in table.rows if row.get(name_col)}
    out: set[int] = set()
    for it in list_items:
        if it.children:
            continue
        quoted = _QUOTED.findall(simplified[it.start:it.end])
        if quoted and all(_norm_name(q) in names for q in quoted):
            out.add(id(it))
    return out


def _numbered_like(table: Table, id_col: str | None, list_items: list[Item]) -> bool:
    """A table numbered 1…N beside a list of N items above it repeats that list row by row."""
    if id_col is None or len(table.rows) < 2 or len(table.rows) != len(list_items):
        return False
    ids = [cn_number(row.get(id_col).strip(BLANKS + "、.．")) for row in table.rows]
    return ids == list(range(1, len(ids) + 1))


_CJK_RUN = re.compile(r"[\u4e00-\u9fff]+")


def _shares_words(a: str, b: str, at_least: int = 3) -> bool:
    """Two wordings of one task share words (建成全市统一的算力调度平台 / 建设算力调度平台): at least a few
    character pairs. A row beside a section on another subject (试点地区) shares none."""
    def pairs(text: str) -> set[str]:
        return {run[i:i + 2] for run in _CJK_RUN.findall(text) for i in range(len(run) - 1)}
    return len(pairs(a) & pairs(b)) >= at_least


class _ListedNames:
    """The listed items a table row names: the row's name is the item's heading, or the start of it
    (the body prints 知保贷（知担贷）：厦门市知识产权局… where the table's name column has the
    name alone), or the item's title is the start of the name. Looked up by a short key, so a table
    of thousands of rows against a list of thousands stays linear."""

    _KEY = 4

    def __init__(self, items: list[Item]) -> None:
        self.exact: dict[str, Item] = {}
        self.by_key: dict[str, list[tuple[str, str, Item]]] = {}
        for it in items:
            heading, title = _norm_name(it.heading), _norm_name(_title(it))
            self.exact.setdefault(heading, it)
            if len(title) >= self._KEY:
                self.by_key.setdefault(title[:self._KEY], []).append((heading, title, it))

    def find(self, name: str) -> Item | None:
        key = _norm_name(name)
        if key in self.exact:
            return self.exact[key]
        if len(key) < self._KEY:
            return None
        for heading, title, it in self.by_key.get(key[:self._KEY], ()):
            if heading.startswith(key) or key.startswith(title):
                return it
        return None


def _first_sentence(text: str) -> str:
    cut = text.find("。")
    return text[:cut + 1] if cut >= 0 else text.split("\n")[0]


def parse_structure(simplified: str) -> Structure:
    """Find measures and safeguards in a document (simplified text, same length as the original)."""
    lines = split_lines(simplified)
    chrome = chrome_line_indexes(lines)
    tables = find_tables(lines)
    table_lines = {ix for t in tables for ix in t.line_indexes}
    items, rejected = _outline(lines, chrome | table_lines)
    _refuse_lost_runs(items, rejected)
    page_breaks = {ix for ix in chrome - table_lines if is_page_mark(lines[ix].text)}
    _extend_items(items, lines, chrome | table_lines, page_breaks)

    in_safeguard, in_preamble = _framing(items)
    listed = _measure_items(items, in_safeguard | in_preamble)

    segments: list[Segment] = []
    replaced: set[int] = set()
    previous_end = 0
    starts = [it.start for it in listed]  # in document order
    for table in tables:
        # A task table repeats the list printed above it (since the previous table), not others.
        above = listed[bisect_left(starts, previous_end):bisect_left(starts, table.start)]
        rows, hit = _table_segments(table, above, simplified)
        segments.extend(rows)
        replaced |= hit
        previous_end = table.end
    segments.extend(_segment("measure", it, simplified) for it in listed if id(it) not in replaced)
    segments.sort(key=lambda s: s.order if s.order >= 0 else s.start)

    safeguards = [_segment("safeguard", it, simplified)
                  for it in items if id(it) in in_safeguard and not it.children]
    return Structure(lines=lines, items=items, tables=tables, chrome=chrome,
                     measures=segments, safeguards=safeguards)
