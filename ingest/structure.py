"""Split a policy document into its numbered measures and closing safeguards.

The document's own numbering drives everything. A line starting with a numbering label (一、 /
(一) （一） / 1. 1、 / ㈠ / 第X条 / （1） / ① ...) opens an item. Levels follow the order in which
numbering styles appear: a style not yet open nests under the current item, a style already open
closes everything below it. Measures are the finest-grained items of the operative part (the deepest
level used in each top-level section that is neither preamble, such as 总体要求 / 指导思想, nor a
closing safeguard section); items of a closing safeguard section (保障措施, 组织实施 ...)
become safeguards. Tab-laid tables whose rows name policies yield one measure per row.
"""
from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field

from ingest.normalise import BLANKS, Line, chrome_line_indexes, split_lines
from ingest.tables import Table, find_tables

CN_DIGITS = "零〇一二三四五六七八九十百两"
_CN = f"[{CN_DIGITS}]+"
_D = "[0-9０-９]"

# (style, pattern of the label at the start of a stripped line); group 1 is the number.
_STYLES: list[tuple[str, re.Pattern]] = [(name, re.compile(p)) for name, p in (
    ("chapter", rf"^第({_CN}|{_D}+)章[\s\u3000]*"),
    ("jie", rf"^第({_CN}|{_D}+)节[\s\u3000]*"),
    ("article", rf"^第({_CN}|{_D}+)条[\s\u3000]*"),
    ("cn_dun", rf"^({_CN})[、，,．.][\s\u3000]*"),
    ("cn_paren", rf"^[(（]({_CN})[)）][\s\u3000]*"),
    ("num_paren", rf"^[(（]({_D}{{1,3}})[)）][\s\u3000]*"),
    ("cn_enclosed", r"^([\u3220-\u3229])[\s\u3000]*"),
    ("num_enclosed", r"^([\u2474-\u2487])[\s\u3000]*"),
    ("circled", r"^([\u2460-\u2473])[\s\u3000]*"),
    ("num_dot", rf"^({_D}{{1,3}})(?:[.．](?!{_D})|、)[\s\u3000]*"),
)]

# Every label starts with one of these characters; other lines skip the pattern list.
_LABEL_FIRST = frozenset("第(（" + CN_DIGITS + "0123456789０１２３４５６７８９"
                         + "".join(map(chr, range(0x3220, 0x322A))) + "".join(map(chr, range(0x2460, 0x2488))))

# Headings of the closing sections that say how the plan will be carried out rather than what it does.
SAFEGUARD_HEADING = re.compile(
    r"(保障措施|保障机制|保障体系|组织保障|工作保障|实施保障|强化保障|加强保障|保障条件|组织实施|组织领导|"
    r"工作要求|实施要求|有关要求|工作机制保障|监督考核|督查考核|附则)")
_MAX_HEADING = 24
# Headings of the opening sections that frame the plan (why, aims, principles, scope) rather than act.
PREAMBLE_HEADING = re.compile(
    r"^(总体要求|总体思路|指导思想|基本原则|发展目标|工作目标|主要目标|总体目标|目标任务|适用范围|编制依据|"
    r"重要意义|基本情况|发展现状|现状分析|区位布局|功能定位|实施范围|战略定位|发展定位|总体布局|空间布局)[。.]?$")

# Lines that annotate a task rather than continue its prose: who does it and by when.
ANNOTATION_LINE = re.compile(
    r"^(责任单位|牵头单位|配合单位|协办单位|参与单位|责任部门|牵头部门|配合部门|主办单位|负责单位|"
    r"完成时限|完成时间|时间节点|时限要求|进度安排|实施时间|责任领导|责任人)\s*[:：]")
# Paragraphs that address the readers of the whole document once its numbered items are done.
CLOSING_PARAGRAPH = re.compile(
    r"^(各地|各部门|各单位|各区|各县|各市|各级|各有关|各相关|各乡镇|各街道|各镇|本方案|本意见|本办法|本通知|"
    r"本规定|本细则|本措施|本政策|本计划|本规划|以上|上述|特此|请各|请认真|如有)")
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
    """Chinese or Arabic numeral -> int (一 -> 1, 十二 -> 12, 三十三 -> 33, 一百零五 -> 105)."""
    text = text.translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    if text.isdigit():
        return int(text)
    digits = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
              "八": 8, "九": 9}
    total, current = 0, 0
    for ch in text:
        if ch in digits:
            current = digits[ch]
        elif ch == "十":
            total += (current or 1) * 10
            current = 0
        elif ch == "百":
            total += (current or 1) * 100
            current = 0
        else:
            return None
    return total + current


def match_label(stripped: str) -> tuple[str, int, str, str] | None:
    """(style, number, label as printed, rest of the line) for a line opening a numbered item."""
    if not stripped or stripped[0] not in _LABEL_FIRST:
        return None
    for style, pattern in _STYLES:
        m = pattern.match(stripped)
        if not m:
            continue
        raw = m.group(1)
        if style in ("cn_enclosed", "num_enclosed", "circled"):
            base = {"cn_enclosed": 0x3220, "num_enclosed": 0x2474, "circled": 0x2460}[style]
            number = ord(raw) - base + 1
        else:
            number = cn_number(raw)
        rest = stripped[m.end():]
        if number is None or number == 0 or not rest.strip():
            continue
        return style, number, m.group(0).rstrip(" \u3000\t"), rest.strip(" \u3000\t")
    return None


# ---------------------------------------------------------------- outline

def _outline(lines: list[Line], skip: set[int]) -> list[Item]:
    items: list[Item] = []
    stack: list[Item] = []
    last_number: dict[str, int] = {}
    for line in lines:
        if line.index in skip:
            continue
        found = match_label(line.stripped)
        if not found:
            continue
        style, number, label, rest = found
        open_styles = [it.style for it in stack]
        if style in open_styles:
            sibling = stack[open_styles.index(style)]
            # A sibling continues the count; a fresh run under the same parent restarts at 1.
            if number not in (sibling.number + 1, 1):
                continue
            del stack[open_styles.index(style):]
        elif style in last_number and number not in (1, last_number[style] + 1):
            continue
        item = Item(style=style, number=number, label=label, line=line, heading=rest,
                    depth=len(stack) + 1, parent=stack[-1] if stack else None)
        if item.parent is not None:
            item.parent.children.append(item)
        stack.append(item)
        items.append(item)
        last_number[style] = number
    return items


def _is_heading_like(rest: str) -> bool:
    """A label line that is a short heading (its title is the whole line, its body follows)."""
    if not rest or len(rest) > 50 or rest[-1] in "；;":
        return False
    return "。" not in rest or (rest.count("。") == 1 and rest.endswith("。") and len(rest) <= 30)


def _ends_branch(items: list[Item], idx: int) -> bool:
    """Nothing numbered follows at this item's depth: later prose may close the section or document."""
    return idx + 1 == len(items) or items[idx + 1].depth < items[idx].depth


def _extend_items(items: list[Item], lines: list[Line], stop: set[int]) -> None:
    """An item's own text runs from its label line to the next numbered line, page chrome, table,
    signature or date line; after the last item of a branch, a closing paragraph (各部门要……,
    本方案自……) is the document's, not the item's."""
    bounds = [it.line.index for it in items[1:]] + [len(lines)]
    for idx, it in enumerate(items):
        last = it.line.index
        closing_possible = _ends_branch(items, idx)
        for k in range(it.line.index + 1, bounds[idx]):
            if k in stop:
                break
            s = lines[k].stripped
            if not s:
                continue
            if _SIGNATURE_OR_DATE.match(s) and not ANNOTATION_LINE.match(s):
                break
            if closing_possible and CLOSING_PARAGRAPH.match(s):
                break
            last = k
        it.last_line = last
        it.end = lines[last].content_end


# ---------------------------------------------------------------- segments

def _title(item: Item) -> str:
    rest = item.heading
    if _is_heading_like(rest):
        return rest.rstrip("：:，,").strip()
    cut = rest.find("。")
    if cut < 0:
        cut = min((p for p in (rest.find("；"), rest.find(";")) if p >= 0), default=-1)
    return (rest[:cut + 1] if cut >= 0 else rest).strip()


def _span_text(simplified: str, start: int, end: int) -> str:
    return "\n".join(s for s in (ln.strip(BLANKS) for ln in simplified[start:end].split("\n")) if s)


def _segment(kind: str, item: Item, simplified: str) -> Segment:
    return Segment(kind=kind, section=item.path(), label=item.label, title=_title(item),
                   text=_span_text(simplified, item.start, item.end), start=item.start, end=item.end)


def _is_safeguard_section(item: Item) -> bool:
    return (bool(item.children) or item.depth == 1) and len(item.heading) <= _MAX_HEADING \
        and bool(SAFEGUARD_HEADING.search(item.heading))


def _in_safeguard(item: Item) -> bool:
    return _is_safeguard_section(item) or any(_is_safeguard_section(a) for a in item.ancestors())


def _in_preamble(item: Item) -> bool:
    return any(PREAMBLE_HEADING.match(node.heading) for node in (item, *item.ancestors()))


def _measure_items(items: list[Item]) -> list[Item]:
    """The finest-grained items of each operative top-level section (neither preamble nor
    safeguard). A top-level item without children counts only when no top-level item has any."""
    operative = [it for it in items if not _in_safeguard(it) and not _in_preamble(it)]
    roots = [it for it in operative if it.parent is None]
    if not any(root.children for root in roots):
        return roots
    below: dict[int, list[Item]] = {}
    for it in operative:
        if it.parent is not None:
            below.setdefault(id(_root_of(it)), []).append(it)
    measures: list[Item] = []
    for root in roots:
        group = below.get(id(root), [])
        deepest = max((it.depth for it in group), default=0)
        measures.extend(it for it in group if it.depth == deepest and not it.children)
    return measures


def _root_of(item: Item) -> Item:
    node = item
    while node.parent is not None:
        node = node.parent
    return node


def _norm_name(text: str) -> str:
    return re.sub(r"[\s\u3000“”\"'‘’。，,、:：;；()（）]", "", text)


def _table_segments(table: Table, list_items: list[Item], simplified: str) -> tuple[list[Segment], set[int]]:
    """One measure per row of a task table; rows repeating a listed measure replace it."""
    name_col = table.column(*_TABLE_NAME)
    content_col = table.column(*_TABLE_CONTENT)
    if name_col is None and content_col is None:
        return [], set()
    id_col = table.column(*_TABLE_ID)
    lead_col = table.column(r"牵头", r"责任单位", r"责任部门", r"负责单位", r"主办")
    support_col = table.column(r"配合", r"协办", r"参与")
    deadline_col = table.column(r"时限", r"完成时间", r"时间节点")
    by_name = {_norm_name(it.heading): it for it in list_items}
    replaced: set[int] = set()
    segments: list[Segment] = []
    for row in table.rows:
        name = row.get(name_col) if name_col else ""
        content = row.get(content_col) if content_col else ""
        listed = by_name.get(_norm_name(name)) if name else None
        if listed is not None:
            replaced.add(id(listed))
        row_id = row.get(id_col) if id_col else ""
        label = row_id or (listed.label if listed else "")
        section = listed.path() if listed else row_id
        title = name or _first_sentence(content)
        text = "\n".join(p for p in (name, content) if p)
        segments.append(Segment(
            kind="measure", section=section, label=label, title=title, text=text,
            start=row.start, end=row.end, fields=dict(zip(table.header, row.cells)),
            table_lead=row.get(lead_col) if lead_col else "",
            table_support=row.get(support_col) if support_col else "",
            table_deadline=row.get(deadline_col) if deadline_col else ""))
    return segments, replaced


def _first_sentence(text: str) -> str:
    cut = text.find("。")
    return text[:cut + 1] if cut >= 0 else text.split("\n")[0]


def parse_structure(simplified: str) -> Structure:
    """Find measures and safeguards in a document (simplified text, same length as the original)."""
    lines = split_lines(simplified)
    chrome = chrome_line_indexes(lines)
    tables = find_tables(lines)
    table_lines = {ix for t in tables for ix in t.line_indexes}
    items = _outline(lines, chrome | table_lines)
    _extend_items(items, lines, chrome | table_lines)

    listed = _measure_items(items)

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
    segments.sort(key=lambda s: s.start)

    safeguards = [_segment("safeguard", it, simplified)
                  for it in items if _in_safeguard(it) and not it.children]
    return Structure(lines=lines, items=items, tables=tables, chrome=chrome,
                     measures=segments, safeguards=safeguards)
