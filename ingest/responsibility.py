"""Where a measure says who is responsible, in the notations the genre prints.

* a field line or a note opening with a field: ``责任单位：A、B，配合单位：C`` /
  ``（责任单位：A、B，各区县政府）`` / ``负责部门：A；适用范围：…`` (other fields are not agencies);
* a bare list in brackets closing a line, （A、B、C）, when every unit is an agency (the agencies
  module checks), as documents with the first-listed rule print it;
* a note in brackets anywhere in the measure, closed by a responsibility word:
  ``（A、B负责）``, ``（A牵头，B、C配合）``, ``（A、B，各省级人民政府按职责分工负责）``,
  ``（A会同有关部门负责）`` (A lead), ``（A会同B负责）`` (A lead, B support), possibly followed by the
  first-listed rule in the same note (``…负责。列第一位者为牵头单位，下同``);
* a prose assignment when the measure prints no such line: ``由A会同B负责``, ``A要会同B研究制定…``,
  ``由A牵头``, ``由A负责``.

A role given by 牵头 / 配合 words is *explicit*; a plain 负责 / 责任单位 list is *listed*: all lead,
unless the document states the first-listed rule (列第一位者为牵头单位, 排在第一位的部门为牵头部门),
which makes the first unit of each list lead and the others support (``first_listed_rule_from``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.structure import match_label

@dataclass(frozen=True)
class Notation:
    """The words of the notations, from data/agencies.yaml (built by ingest.agencies.Vocabulary)."""

    marker_re: re.Pattern  # a role field and its colon: 责任单位：, 配合单位：
    lead_markers: tuple[str, ...]  # fields whose units lead
    explicit_markers: tuple[str, ...]  # fields that state the role itself (牵头单位, 配合单位)
    closing_words: tuple[tuple[str, tuple[str, bool]], ...]  # 负责 -> (lead, False), longest first


# 〔〕 nest too (各县〔市、区〕政府 is one unit), but never open a note: 〔2023〕 is a year in a number
_OPEN = "（([【［〔"
_CLOSE = {"（": "）", "(": ")", "[": "]", "【": "】", "［": "］", "〔": "〕"}
_ANY_CLOSE = "）)]】］〕"

# 列第一位者为牵头单位 / 排在第一位的部门为牵头部门 / 排名第一的为牵头单位 / 首位为牵头单位.
FIRST_LISTED_RULE = re.compile(
    r"(?:列|排|排名|位)(?:在|于|为)?(?:第一位|第一个|首位|第一)的?(?:者|单位|部门|为)?(?:为|是)?"
    r"(?:牵头|主责|责任)(?:单位|部门)")
# 【责任单位】A、B: a field label printed in brackets instead of before a colon.
_BRACKETED_FIELD = re.compile(r"[【\[［]((?:责任|牵头|配合|负责|协办|参与|主责|协同)(?:单位|部门))[】\]］]")
_LATER_TOO = re.compile(r"[，,、；;\s]*(?:下同|以下同|后同|以下均同)")
# A field label that is not a role: 适用范围：, 完成时限：, 政策咨询：.
_OTHER_FIELD = re.compile(r"^[\u4e00-\u9fff]{2,6}[:：]")
_NEXT_FIELD = re.compile(r"[\s，,]*[\u4e00-\u9fff]{2,6}[:：]")
# Parts of a note that are a deadline or a task, not units: （2025年底前完成，市科技局负责）.
_NOT_UNITS = re.compile(r"[0-9０-９]|年底|年内|完成|推进|持续|长期|实施|开展|启动")
# Statements about the document itself (本措施由X负责解释): not a measure's responsible unit.
_ABOUT_DOCUMENT = re.compile(r"本(?:措施|文件|意见|办法|方案|通知|政策|细则|规定|计划)|施行说明|负责(?:具体)?解释")


@dataclass(frozen=True)
class Group:
    """One list of units with the role a note or line gives it."""

    role: str  # lead | support
    explicit: bool  # role stated by 牵头 / 配合 words or fields (the first-listed rule leaves it alone)
    listed: str  # the list as printed
    evidence: str  # the note or line it was read from
    note: int  # groups of one note share a number: the first-listed rule picks the first unit per note
    bare: bool = False  # a bracket closing the line with a list and no role word: （市审批局、市司法局）


def split_top(text: str, seps: str) -> list[str]:
    """Split at separators that are not inside nested brackets (各区县（市）政府 stays whole)."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch in _OPEN:
            depth += 1
        elif ch in _ANY_CLOSE:
            depth = max(0, depth - 1)
        elif ch in seps and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return parts


_BRACKET_OR_BREAK = re.compile(r"[（(\[【［）)\]】］\n]")


def bracketed_notes(text: str) -> list[tuple[int, int, str]]:
    """(start, end, content) of every top-level bracketed span, nesting respected."""
    out, stack = [], []
    for m in _BRACKET_OR_BREAK.finditer(text):  # only the brackets: most of a measure is prose
        i, ch = m.start(), m.group()
        if ch in _OPEN:
            stack.append((i, ch))
        elif ch == "\n":
            stack.clear()
        elif stack:
            start, opener = stack.pop()
            if _CLOSE[opener] != ch and not (opener in "（(" and ch in "）)"):
                stack.clear()  # unbalanced: give up on this nesting
                continue
            if not stack:
                out.append((start, i + 1, text[start + 1:i]))
    return out


def _closing_word(clause: str, notation: Notation) -> tuple[str, str, bool] | None:
    for word, (role, explicit) in notation.closing_words:
        if clause.endswith(word) and len(clause) > len(word):
            return clause[: -len(word)], role, explicit
    return None


def parse_note(content: str, notation: Notation, note: int) -> list[Group]:
    """The groups of one note or field line; [] when it assigns no one."""
    groups: list[Group] = []
    evidence = content.strip()
    for clause in split_top(content, "。；;"):
        clause = clause.strip(" \u3000\t")
        if FIRST_LISTED_RULE.search(clause):
            # the rule may close the note after a comma (A、B负责，列第一位者为牵头单位): the units stay
            parts = [p for p in split_top(clause, "，,")
                     if not FIRST_LISTED_RULE.search(p) and not _LATER_TOO.fullmatch(p)]
            clause = "，".join(parts).strip(" \u3000\t")
        if not clause or FIRST_LISTED_RULE.search(clause) or _ABOUT_DOCUMENT.search(clause) \
                or _CARRIED.search(clause):  # read once for the whole document (carried_units)
            continue
        hits = list(notation.marker_re.finditer(clause))
        if hits and hits[0].start() == 0:  # a role field opens the clause
            for n, m in enumerate(hits):
                end = hits[n + 1].start() if n + 1 < len(hits) else len(clause)
                word = m.group(1)
                role = "lead" if word in notation.lead_markers else "support"
                listed = clause[m.end():end]
                other = _NEXT_FIELD.search(listed)  # 责任单位：A、B 完成时限：2025年底
                groups.append(Group(role, word in notation.explicit_markers or role == "support",
                                    listed[: other.start()] if other else listed, evidence, note))
            continue
        if _OTHER_FIELD.match(clause):
            continue
        pending: list[str] = []
        for part in split_top(clause, "，,"):
            part = part.strip().removeprefix("由")  # 由A、B负责: 由 opens the clause, not a name
            closed = _closing_word(part, notation)
            if closed is None:
                if not _NOT_UNITS.search(part):
                    pending.append(part)
                continue
            listed, role, explicit = closed
            pending.append(listed)
            groups.append(Group(role, explicit, "、".join(p for p in pending if p), evidence, note))
            pending = []
    return groups


def notes_and_lines(text: str, notation: Notation) -> tuple[list[Group], list[tuple[int, int]]]:
    """Groups from field lines and bracketed notes, and the spans they were read from."""
    groups: list[Group] = []
    spans: list[tuple[int, int]] = []
    note = 0
    offset = 0
    # same length (" 责任单位：" for "【责任单位】"): spans stay offsets into the measure's text
    text = _BRACKETED_FIELD.sub(lambda m: " " + m.group(1) + "：", text)
    for line in text.split("\n"):
        field_at = _field_start(line, notation.marker_re)
        if field_at is not None:
            found = parse_note(line[field_at:], notation, note)
            if found:
                groups.extend(found)
                spans.append((offset + field_at, offset + len(line)))
                note += 1
                line_notes = line[:field_at]
            else:
                line_notes = line
        else:
            line_notes = line
        for start, end, content in bracketed_notes(line_notes):
            found = parse_note(content, notation, note)
            if not found and not line_notes[end:].strip(" \u3000\t。.；;"):
                found = [Group("lead", False, content, content.strip(), note, bare=True)]
            if found:
                groups.extend(found)
                spans.append((offset + start, offset + end))
                note += 1
        offset += len(line) + 1
    return groups, spans


def _field_start(line: str, marker_re: re.Pattern) -> int | None:
    """Where a field line (责任单位：…) begins: at the start of the line, or after a sentence of the
    measure ends on the same line (…给予补贴。责任单位：…); a marker inside brackets is a note's."""
    for m in marker_re.finditer(line):
        before = line[:m.start()]
        depth = sum(before.count(c) for c in _OPEN) - sum(before.count(c) for c in _ANY_CLOSE)
        if depth > 0:
            continue
        lead_in = before.rstrip(" \u3000\t")
        if len(lead_in.strip(" \u3000\t")) <= 2 or lead_in.endswith(("。", "；", ";", "！", "？")):
            return m.start()
    return None


# -------------------------------------------------------------------------------- prose assignments

_NAME = r"[\u4e00-\u9fff（）()、]{2,40}?"
# an organ's name may carry its other name in brackets: 市市场监管局（知识产权局）
_ORGAN = rf"{_NAME}(?:局|委|厅|部|办|署|行|政府|委员会|管委会|中心)(?:[（(][\u4e00-\u9fff]{{1,12}}[)）])?"
_PROSE = (
    # 由A会同B负责 / 由A会同B研究制定…
    re.compile(rf"由({_NAME})会同({_NAME})(?:共同)?(?:负责|研究|制定|组织|推进|开展|做好|落实)"),
    # A要会同B研究制定… (A opens the sentence)
    re.compile(rf"(?:^|[。；;！\n])\s*({_NAME})(?:要|应|应当|将|须|需)会同({_NAME})(?:共同)?"
               r"(?:负责|研究|制定|组织|推进|开展|做好|落实|建立|出台|加强)"),
    # 由A牵头(负责)，B配合
    re.compile(rf"由({_NAME})牵头(?:负责)?(?:[，,]({_NAME})(?:配合|参与))?(?=[，,。；;]|$)"),
    # A牵头，会同B… / A牵头，B配合 (A opens the sentence)
    # (both named as organs: 龙头企业牵头，联合高校… and 高校牵头，会同企业共建… assign no office)
    re.compile(rf"(?:^|[。；;！\n])\s*(?!由)({_ORGAN})牵头(?:负责)?[，,](?:会同|联合)?({_ORGAN})(?:配合|参与|共同|等)?(?=[，,。；;]|$)"),
    # 由A负责 closing a clause
    re.compile(rf"由({_NAME})(?:具体)?负责(?:[\u4e00-\u9fff、和]{{0,10}})(?=[，,。；;]|$)"),  # 由A负责发放和兑付
    # A要加强… / A负责… (one named organ opens the sentence and is told what to do: a State
    # Council reply's 江苏省人民政府要加强对试验工作的组织领导; a tier exhorted, 县级以上地方人民政府要…,
    # is no assignment); A负责X，B负责Y assigns both
    re.compile(rf"(?:^|[。；;！\n]|[，,](?=\s*{_ORGAN}负责))\s*(?!由|各|有关|相关|县级以上|地方|省级|市级|其他)"
               rf"({_ORGAN})(?:要|应当|负责)(?!求)"),
)


def prose_assignments(text: str, note_base: int) -> list[Group]:
    """Assignments written as a sentence (由A会同B负责), for a measure with no responsibility line."""
    groups: list[Group] = []
    for sentence in re.split(r"(?<=[。；;！？\n])", text):
        if _ABOUT_DOCUMENT.search(sentence):
            continue
        # the item's label is no part of the sentence's subject: （二十一）县级以上地方人民政府要…
        labelled = match_label(sentence.strip())
        said = labelled[3] if labelled else sentence
        for pattern in _PROSE:
            for m in pattern.finditer(said):
                note = note_base + len(groups)
                groups.append(Group("lead", True, m.group(1), sentence.strip(), note))
                if m.lastindex and m.lastindex >= 2 and m.group(2):
                    groups.append(Group("support", True, m.group(2), sentence.strip(), note))
            if groups:
                return groups
    return groups


# ------------------------------------------------------------------ document-wide statements

# 以下均需各区、县（市）政府落实，不再列出: a unit responsible for every later item, printed once.
_CARRIED = re.compile(r"以下(?:各项|各条|措施|任务)?(?:均|都|全部)(?:需|须|要|由)?(?P<listed>[^。；;]{2,40}?)"
                      r"(?P<word>牵头负责|配合落实|负责落实|负责|落实|牵头|配合|参与)")


def carried_units(text: str) -> list[tuple[int, Group]]:
    """(offset, group) for every unit the text makes responsible for all items after ``offset``."""
    out = []
    for m in _CARRIED.finditer(text):
        word = m.group("word")
        role = "support" if word.startswith(("配合", "参与")) else "lead"
        out.append((m.end(), Group(role, word.startswith(("牵头", "配合", "参与")), m.group("listed"),
                                   m.group(0), -1 - len(out))))
    return out


# ---------------------------------------------------------------------------- the first-listed rule

def first_listed_rule_from(text: str, spans: list[tuple[int, int]]) -> int | None:
    """Index of the first measure span the first-listed rule covers, or None when the document states
    no such rule. Stated inside a measure with 下同 it covers that measure and every later one; stated
    anywhere else (preamble, a note under the title, a closing 注 or safeguard) or without 下同 it
    covers the whole document (the genre states it once)."""
    first = None
    for m in FIRST_LISTED_RULE.finditer(text):
        inside = next((i for i, (s, e) in enumerate(spans) if s <= m.start() < e), None)
        onward = _LATER_TOO.match(text, m.end())
        at = inside if inside is not None and onward else 0
        first = at if first is None else min(first, at)
    return first
