"""Per-measure scope: the place(s) a measure is limited to, when that differs from the document's.

The genre writes it in six ways, the first four tried in this order on one measure:

1. A stated range: 适用范围:X / 适用于X / 仅适用于X / 限于X, where X names places (a province's group
   word such as 自贸试验区 in a provincial document stands for the group's own zone); or a stated
   source, the place a listed practice came from (（…负责，来源：郑州片区） / 经验来源：X / 首创地区：X).
2. An item that opens with the locality that originated it (national notices listing practices to
   replicate): 黑龙江省哈尔滨市:…, 辽宁自贸试验区营口片区探索…, several places before a colon
   (北京市、上海市:…). A locality chain (省 + 市, FTZ + 片区) is one place, the most specific.
3. A trailing parenthesis holding only places at the end of the item's first sentence or of its
   first paragraph: …改革(浙江省杭州市). / 推行…"一照通办"。企业凭营业执照…(陕西省西安市)。
4. One named pilot place: 在X开展…试点 / 选择X开展试点 / 在X先行试点.

5. The document's subject, for every measure the first four leave unscoped: a notice that issues or
   approves the plan or the pilot (关于同意温州市开展…试点的批复) of one place below its issuer
   (国务院关于印发中国(河南)自由贸易试验区总体方案的通知: the plan's measures are the 河南 zone's).
   Notices that replicate, promote or learn from a place's practice (推广/复制/借鉴…) are not plans
   of that place: their measures hold wherever they are issued.
6. A table of cases whose row names who reported it (报送单位 / 申报单位 / 所在地区: 江苏自贸试验区苏州片区):
   the place that column opens with, when neither the row's name nor its content cell names one.

Places equal to the document's region or above it add nothing (the measure applies wherever the
document does); 等/等地 (an open list) never makes a scope. The first place found is also the
measure's locality for replication facts: where the practice came from.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from ingest.regions import Gazetteer
from ingest.structure import match_label
from ingest.textutil import simplified_punct

# Words that may sit between the names of one locality chain (辽宁|自贸试验区|营口|片区).
_CHAIN_FILLER = re.compile(r"^(?:中国|省|市|州|盟|县|区|自治区|自治州|自由贸易试验区|自贸试验区|自贸区|片区|"
                           r"新区|经开区|高新区|综合保税区|\(|\)|\s)*$")
_LIST_SEP = re.compile(r"^[、和及与]$")
# A numeral is a label only with its punctuation or brackets: 四川…, 三亚…, 十堰… open with a place.
_LABEL = re.compile(r"^\s*(?:第[一二三四五六七八九十百零〇\d]+[条项]|[(][一二三四五六七八九十百零〇\d]+[)][、.．:]?"
                    r"|[一二三四五六七八九十百零〇\d]+[、.．:]|\d+(?=\s)|[①-⑳])\s*")
_RANGE = re.compile(r"(?:适用范围|实施范围|试点范围)\s*[:为是]\s*(?P<place>[^;。\n]{2,40})"
                    r"|(?:仅|只)?(?:适用于|限于|仅限)(?P<place2>[^,;。\n]{2,30})")
_PILOT = re.compile(r"(?:在|选择|选取|确定|支持)(?P<place>[^,;。、\n在]{2,20}?)"
                    r"(?:(?:开展|进行|先行|率先|作为)[^;。、\n]{0,16}?)?(?:试点|试验)")  # 开展开放创新综合试验
_OPEN_END = re.compile(r"^\s*(?:等|等地|等地区|等城市)")


@dataclass
class Scope:
    regions: list[str] = field(default_factory=list)
    evidence: str = ""
    how: str = ""  # range | source | opening | parenthesis | pilot | column | document

    @property
    def locality(self) -> str | None:
        """The place the practice came from (the first place of an opening or pilot)."""
        return self.regions[0] if self.regions else None


def measure_scope(text: str, doc_region: str | None, gaz: Gazetteer) -> Scope:
    """The scope of one measure (simplified text, label included)."""
    body = simplified_punct(text or "")
    if not body.strip():
        return Scope()
    for how, finder in (("range", _stated_range), ("source", _stated_source), ("opening", _opening),
                        ("parenthesis", _parenthesis), ("pilot", _pilot)):
        found = finder(body, doc_region, gaz)
        if found:
            places, evidence = found
            places = _beyond_document(places, doc_region, gaz)
            if places:
                return Scope(regions=places, evidence=evidence, how=how)
    return Scope()


# 印发/转发/批复 the plan of a place: the plan's name follows, in 《》 or bare, up to 的通知/的批复.
_SUBJECT = re.compile(r"(?:印发|转发|同意|批准|批复)(?:设立|实施)?《?(?P<plan>[^《》]{2,60}?)》?(?:的)?(?:通知|批复|函|意见)?$")
_PLAN_WORDS = re.compile(r"(?:总体方案|实施方案|工作方案|建设方案|行动方案|方案|规划|若干措施|措施|实施意见|办法|细则|"
                         r"批复|试验区|示范区|新区|片区|试点)")
_NOT_SUBJECT = re.compile(r"推广|复制|借鉴|学习|经验|做法|案例")


def document_subject(title: str | None, doc_region: str | None, gaz: Gazetteer) -> Scope:
    """The one place below the issuer whose plan the document issues or approves (the fifth way)."""
    head = simplified_punct(title or "").strip()
    if not head or _NOT_SUBJECT.search(head):
        return Scope()
    m = _SUBJECT.search(head)
    plan = m.group("plan").strip() if m else ""
    if not plan or not _PLAN_WORDS.search(plan):
        return Scope()
    plan = re.sub(r"^关于(?:支持|推进|加快|深化|推动|加强)?", "", plan)
    found = _chains(plan, gaz, whole=False)
    zone = gaz.zone_at(plan)
    if zone is not None and (found is None or zone[1] >= found[1]):
        places = [zone[0].name]  # the plan of a zone (中国(河南)自由贸易试验区…): the zone, not its province
    elif found is not None and _OPEN_END.match(plan[found[1]:]) is None:
        places = found[0]
    else:
        places = []
    places = _beyond_document(places, doc_region, gaz)
    if len(places) != 1:
        return Scope()
    return Scope(regions=places, evidence=title or "", how="document")


# The column of a table of cases that names who reported each one (报送单位: 江苏自贸试验区苏州片区,
# 浙江省杭州市人民政府): the place it opens with is where the case comes from. Not a 推广 column.
_SOURCE_COLUMN = re.compile(r"报送单位|申报单位|推荐单位|报送地区|推荐地区|所在地区|^地区$|^单位$")


def column_scope(fields: Mapping[str, str], doc_region: str | None, gaz: Gazetteer) -> Scope:
    """The place a table row's reporting-unit column opens with (the sixth way)."""
    for key, value in fields.items():
        k = "".join(str(key).split())
        if not _SOURCE_COLUMN.search(k) or re.search(r"推广|拟|牵头|责任|配合", k):
            continue
        found = _chains(simplified_punct(str(value or "")).strip(), gaz, whole=False)
        places = _beyond_document(found[0], doc_region, gaz) if found else []
        if places:
            return Scope(regions=places, evidence=f"{k}:{value}", how="column")
    return Scope()


def _beyond_document(places: list[str], doc_region: str | None, gaz: Gazetteer) -> list[str]:
    out = []
    for p in places:
        if doc_region and (p == doc_region or gaz.is_within(doc_region, p)):
            continue  # the document's own region or above it: no narrower scope
        if p not in out:
            out.append(p)
    return out


def _chains(fragment: str, gaz: Gazetteer, *, whole: bool) -> tuple[list[str], int] | None:
    """Places named at the start of ``fragment``: chains of names joined only by filler words
    (one place each: the most specific) and separated by 、/和. Returns the places and where the
    run ends; with ``whole`` the run must cover the fragment."""
    spans = gaz.mention_spans(fragment)
    if not spans or not _CHAIN_FILLER.match(fragment[:spans[0][0]]):
        return None
    places: list[str] = []
    chain: list[str] = []
    pos = 0
    for start, end, name in spans:
        gap = fragment[pos:start]
        if chain and _LIST_SEP.match(gap.strip()):
            places.append(_most_specific(chain, gaz))
            chain = []
        elif chain and not _CHAIN_FILLER.match(gap):
            break
        chain.append(name)
        pos = end
    if chain:
        places.append(_most_specific(chain, gaz))
    # filler after the last name (…营口片区, …哈尔滨市) belongs to the run
    tail = re.match(r"(?:省|市|州|县|区|片区|新区|自贸试验区|自由贸易试验区|\))*", fragment[pos:])
    pos += tail.end() if tail else 0
    if whole and fragment[pos:].strip(" ()"):
        return None
    return places, pos


def localities(text: str, gaz: Gazetteer) -> list[str]:
    """The places a short text opens with, one per locality chain (浙江自贸试验区舟山片区 -> [舟山])."""
    found = _chains(simplified_punct(text or ""), gaz, whole=False)
    return found[0] if found else []


def _most_specific(chain: list[str], gaz: Gazetteer) -> str:
    best = chain[0]
    for name in chain[1:]:
        if name != best and (gaz.is_within(name, best) or not gaz.is_within(best, name)):
            best = name
    return best


def _stated_range(body: str, doc_region: str | None, gaz: Gazetteer):
    for m in _RANGE.finditer(body):
        place = (m.group("place") or m.group("place2") or "").strip()
        found = _chains(place, gaz, whole=False)
        if found is None:
            group = _group_region(place, doc_region, gaz)
            if group:
                return [group], m.group(0)
            continue
        places, end = found
        if _OPEN_END.match(place[end:]):
            continue
        return places, m.group(0)
    return None


# Where a listed practice came from, as a field of its note or line: （省商务厅负责，来源：郑州片区） /
# 经验来源：洛阳片区 / 首创地区：… (not 资金来源：市财政专项资金)
_SOURCE = re.compile(r"(?:经验来源|案例来源|来源地区|来源片区|来源单位|首创地区|首创片区|首创单位|(?<![\u4e00-\u9fff])来源)\s*[:：]\s*"
                     r"(?P<place>[^,;。()\n]{2,30})")


def _stated_source(body: str, doc_region: str | None, gaz: Gazetteer):
    for m in _SOURCE.finditer(body):
        found = _chains(m.group("place"), gaz, whole=False)
        if found and not _OPEN_END.match(m.group("place")[found[1]:]):
            return found[0], m.group(0)
    return None


def _group_region(place: str, doc_region: str | None, gaz: Gazetteer) -> str | None:
    """自贸试验区 in a provincial document: the province's own zone (the gazetteer's group region)."""
    prov = gaz.province_of(doc_region) if doc_region else None
    word = re.split(r"[,;、\s]", place)[0]
    if prov is None:
        return None
    for g in gaz.groups:
        if g.province == prov and word in g.scope_words and g.region:
            return g.region
    return None


def _without_label(body: str) -> str:
    """The item's text after its numbering label: the labels structure.py reads (案例一, 一是, (三),
    第五条 …), or a table row's bare number (1 跨境理财通)."""
    stripped = body.lstrip()
    label = match_label(stripped)
    if label is not None:
        return stripped[len(label[2]):].lstrip()
    return _LABEL.sub("", body, count=1)


def _opening(body: str, doc_region: str | None, gaz: Gazetteer):
    head = _without_label(body).lstrip(" \"“”'")
    first = re.split(r"[。;\n]", head, maxsplit=1)[0]
    found = _chains(first[:60], gaz, whole=False)
    if found is None:
        return _opening_zone(first, gaz)
    places, end = found
    zone = gaz.zone_at(first)
    if zone is not None and zone[1] > end:  # the run of places stops inside a zone's name
        return _opening_zone(first, gaz)
    rest = first[end:]
    if _OPEN_END.match(rest):
        return None
    if rest.startswith(":"):
        return places, first
    if len(places) == 1 and rest and not rest.startswith(("、", "(")) and _designation(first[:end], gaz):
        return places, first  # 辽宁自贸试验区营口片区探索…: the item opens with its locality
    return _opening_zone(first, gaz)


def _opening_zone(first: str, gaz: Gazetteer):
    """An item opening with a zone whose own name is no place (四川自贸试验区川南临港片区：…): the zone."""
    found = gaz.zone_at(first)
    if found is None:
        return None
    zone, end = found
    if not first[end:].startswith(":") or "片区" not in zone.full_name:
        return None
    return [zone.name], first


def _designation(run: str, gaz: Gazetteer) -> bool:
    """A locality written out as one (省+市, FTZ+片区, 哈尔滨市), not a bare name used as an
    attribute of what follows (北京冬奥会, 厦门航空)."""
    return len(gaz.mention_spans(run)) >= 2 or bool(re.search(r"[省市县区]$|片区$", run))


def _parenthesis(body: str, doc_region: str | None, gaz: Gazetteer):
    head = _without_label(body)
    # the end of the first sentence, or a parenthesis standing right after its full stop
    first = re.match(r"[^。;\n]*(?:。\s*(?=\())?(?:\([^()]{2,30}\))?", head).group(0)
    # ... or the end of the item's first paragraph: a heading sentence, then the practice described,
    # then where it comes from (推行涉企证照"一照通办"。企业凭营业执照…事项(陕西省西安市)。)
    paragraph = re.match(r"[^\n]*", head).group(0).rstrip(" 。")
    for text in (first, paragraph):
        for m in re.finditer(r"\(([^()]{2,30})\)\s*$", text):
            found = _chains(m.group(1), gaz, whole=True)
            if found:
                return found[0], text
    return None


def _pilot(body: str, doc_region: str | None, gaz: Gazetteer):
    for m in _PILOT.finditer(body):
        place = m.group("place")
        found = _chains(place, gaz, whole=True)
        if found and len(found[0]) == 1:
            return found[0], m.group(0)
    return None
