"""Replication facts: a practice was (or will be) replicated from one region to another, or borrowed.

Only explicit statements count. The rules, in the order they are tried per sentence:

1. Table columns (``fields``): 已实施区域 (试点地区, 所属自贸试验区 …) -> 拟推广区域 / 推广范围. The pilot
   area is reported as the city holding it (厦门片区 -> 厦门, the area noted in ``scope``); the target
   scope is expanded through the gazetteer (全省 -> the province; 自贸试验区、自创区 -> the FTZ areas and
   innovation-zone cities) or to a class, minus the source itself and everything inside it. With no
   source column the origin is the measure's locality.
2. Borrowing: 借鉴 / 学习借鉴 / 对标 + a named region + 模式|经验|做法 -> from that region, kind=borrow.
3. A stated target: (将 X …) 在全省 / 全市 / <region> (进行|率先)复制推广, 复制推广到 / 推广至 <region>,
   支持 <region> 率先复制推广. The origin is a region named in X, after the verb, or opening the
   sentence (嘉兴…经验在全省推广), or every place of a pilot clause before it (在赣江新区、南昌经开区率先
   开展…，成熟后在全省推广 / 选择嘉兴开展试点…); otherwise as below.
4. A named origin: (复制)推广 + region + …经验|模式|做法|举措|成果|任务 -> into the issuing region; every
   place of a list is one (复制推广浙江“最多跑一次”、江苏“不见面审批”等经验).
5. 复制推广 + …经验|模式|做法|举措 with no place named -> into the issuing region, origin unknown
   (``from_region`` = "": the text does not say where the practice was piloted).
6. A 推广范围 line in prose (推广范围:全国 / 自贸试验区 / 海关特殊监管区域), like the table column.
7. A heading above the measure that describes its items (在全国范围内复制推广的改革事项, 在海关特殊监管
   区域复制推广的改革事项): every item under it that states no target of its own goes there.

Targets may be classes of places (``TARGET_CLASSES``): 全国 is the country (中国); 自贸试验区, 综合保税区
(海关特殊监管区域), 国家级新区, 经开区, 高新区 and 各地区 are Region nodes of level ``class`` (PART_OF 中国).
A class word in a provincial document that the gazetteer groups for that province (福建's 自贸试验区 ->
its three areas) is that province's members, unless it says 全国/各/所有 (全国自贸试验区 is the class).

The origin is, in order: a region the sentence names; the locality the measure itself belongs to
(``origin``: an item of a national notice that opens with the place that piloted it, see
ingest/scope.py); the issuing region when it is not the whole country (a State Council notice
replicates others' pilots, it does not pilot them); else unknown ("").

Never a fact for an aspiration (可复制可推广的经验, 可复制、可推广: masked before matching), for a bare
推广 (roll-out of a product or service, 推广科技信用贷款) without a named origin or target, or from a
region to itself. ``evidence`` is the sentence (simplified).
"""
from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import NamedTuple

from ingest.literals import required_literals
from ingest.records import ReplicationFact
from ingest.regions import Gazetteer
from ingest.scope import localities
from ingest.textutil import normalise_punct, sentence_around, sentences, simplified_punct, to_simplified

LOCAL_SCOPE = "本地"  # adopted in the issuing region itself; no wider scope stated
COUNTRY = "中国"  # the gazetteer's country node: 全国 / 国内 / 全国范围

# Classes of places a practice is replicated to: name (the gold's class label) -> how the genre writes
# it. Each becomes a Region node of level ``class`` (see class_region_rows).
TARGET_CLASSES: dict[str, dict] = {
    "自贸试验区": {"full_name": "自由贸易试验区(全部)", "name_en": "all pilot free trade zones",
               "words": ("自由贸易试验区", "自贸试验区", "自贸区", "自由贸易港", "自贸港")},
    "综合保税区": {"full_name": "海关特殊监管区域(综合保税区等)", "name_en": "special customs supervision areas",
               "words": ("海关特殊监管区域", "海关特殊监管区", "特殊监管区域", "综合保税区", "综保区",
                         "保税区", "保税港区")},
    "国家级新区": {"full_name": "国家级新区(全部)", "name_en": "all state-level new areas",
               "words": ("国家级新区",)},
    "经开区": {"full_name": "国家级经济技术开发区(全部)", "name_en": "all economic and technological development zones",
            "words": ("国家级经济技术开发区", "国家级经开区", "经济技术开发区", "经济开发区", "经开区")},
    "高新区": {"full_name": "国家高新技术产业开发区(全部)", "name_en": "all high-tech industrial development zones",
            "words": ("国家高新技术产业开发区", "国家级高新技术产业开发区", "国家级高新区", "国家高新区",
                      "高新技术产业开发区", "高新区")},
    "各地区": {"full_name": "各地区(全国各地方)", "name_en": "all localities",
            "words": ("各地区", "各地方", "各地", "地方各级", "各省(区、市)", "各省区市", "各省、自治区、直辖市")},
}
_CLASS_OF_WORD = {w: name for name, c in TARGET_CLASSES.items() for w in c["words"]}
_COUNTRY_WORDS = ("全国范围", "全国", "国内", "全国各地")
# A class word with one of these in front means the whole class, never one province's members.
_ALL_PREFIX = re.compile(r"^(?:全国|其他|所有|各|全部|有条件的)+")
_WIDE = re.compile(r"^(?:全省|省内|全市|市内|全区)")
_FILLER = re.compile(r"^(?:在|向|到|至)|(?:范围内|范围|内|等地|等)$")


def class_region_rows() -> list[dict]:
    """The class targets as Region rows (graph reference data, beside the gazetteer's regions)."""
    return [{"name": name, "full_name": c["full_name"], "name_en": c["name_en"], "level": "class",
             "kind": "class", "parent": COUNTRY, "parents": [COUNTRY],
             "aliases": [w for w in c["words"] if w != name]}
            for name, c in TARGET_CLASSES.items()]


def target_class(part: str) -> str | None:
    """The class a scope part names (全国自贸试验区 -> 自贸试验区; 全国 -> 中国), or None."""
    part = _FILLER.sub("", part.strip())
    if part in _COUNTRY_WORDS:
        return COUNTRY
    if part in _CLASS_OF_WORD:
        return _CLASS_OF_WORD[part]
    return _CLASS_OF_WORD.get(_ALL_PREFIX.sub("", part))


def targets_of(scope_text: str, issuing: str | None, gaz: Gazetteer,
               exclude: tuple[str, ...] = ()) -> list[str]:
    """Regions and classes a replication scope names. A class word the issuing province groups
    (自贸试验区 in 福建) stays the gazetteer's concrete members; 全国 / a class elsewhere is the class."""
    text = normalise_punct(to_simplified(scope_text or ""))
    prov = gaz.province_of(issuing) if issuing else None
    out: list[str] = []
    rest: list[str] = []
    parts: list[str] = []
    for part in re.split(r"[、,;/\s或]+", text):
        whole = _FILLER.sub("", _FILLER.sub("", part))
        if target_class(whole) or gaz.resolve(whole):
            parts.append(part)
        else:  # 和/及/与 separate only where the whole is no name (和田, 自贸试验区和综合保税区)
            parts.extend(p for p in re.split(r"[和及与]", part) if p)
    for part in parts:
        core = _FILLER.sub("", _FILLER.sub("", part))
        if not core:
            continue
        wide = _WIDE.match(core)
        if wide and core != wide.group(0):  # 全省各开发区: places inside the province are the province
            rest.append(wide.group(0))
            continue
        cls = target_class(core)
        grouped = prov is not None and not _ALL_PREFIX.match(core) and bool(gaz.group(prov, core))
        if cls is not None and not grouped and not (cls != COUNTRY and gaz.resolve(core)):
            out.append(cls)
        else:
            rest.append(part)
    if rest:
        joined = "、".join(rest)
        found = gaz.expand_scope(joined, issuing, region=issuing, exclude=exclude) if issuing else []
        if not found:
            found = [r.name for r in (gaz.resolve(_FILLER.sub("", p)) for p in rest) if r is not None]
        out.extend(found)
    return [n for n in dict.fromkeys(out) if n not in exclude]

_ASPIRATION = re.compile(r"可复制[、,和与及]?可推广|可复制推广|可推广|可复制")
_PRACTICE = r"(?:经验|模式|做法|举措|措施|成果|任务|案例|机制|制度)"
_BORROW = re.compile(r"(?:学习借鉴|借鉴|对标|参照|参考|学习)(?P<obj>[^,;。:]{1,40}?)" + _PRACTICE)
_ADVERB = r"(?:进行|全面|加快|逐步|予以|率先|先行|统一|加大|积极|大力)*"
# 在全省全面推开: rolled out over the whole region; 在全省复制: replicated, 推广 left unsaid
_SPREAD_VERB = r"(?:复制推广|推广|推开|复制)"
_WIDE_SCOPE = r"(?:全国|全省|全市|全区|全县)"
_SCOPED = re.compile(
    r"(?:(?:将|把)(?P<obj>[^;。]{1,60}?))?(?:在|向)(?P<scope>[^,;。]{1,24}?)(?:范围内|内)?"
    + _ADVERB + _SPREAD_VERB
    + r"|(?:(?:将|把)(?P<obj2>[^;。]{1,60}?))?(?:复制推广|推广)(?:到|至)(?P<scope2>[^,;。]{1,24})"
    r"|(?:支持|推动|鼓励|由)(?P<scope3>[^,;。在]{2,16}?)率先(?:复制推广|推广)"
    # a clause that opens with the whole region, no 在 (在海门区试点基础上,全市推广…)
    r"|(?:^|(?<=[,;:]))(?P<scope4>" + _WIDE_SCOPE + r")(?:范围内|内)?" + _ADVERB + _SPREAD_VERB
    # a pilot widened to a region (将海门区…试点范围扩大至全市)
    + r"|(?:(?:将|把)(?P<obj5>[^;。]{1,60}?))?试点(?:范围|区域)?" + _ADVERB
    + r"(?:扩大|扩展|拓展|延伸)(?:到|至)(?P<scope5>[^,;。]{1,24})")
_SCOPE_GROUPS = ("scope", "scope2", "scope3", "scope4", "scope5")
_NAMED = re.compile(r"(?:复制推广|推广|推行)(?P<obj>[^,;。:]{1,40}?)" + _PRACTICE)
_PLAIN = re.compile(r"复制推广(?P<obj>[^;。]{0,40}?)" + _PRACTICE + r"|复制推广")
# 推广范围:全国 / 复制推广范围:自贸试验区 — the table column written as a line of the item.
_RANGE_LINE = re.compile(r"(?:复制)?推广(?:范围|区域)\s*[:为是]\s*(?P<scope>[^;。\n]{1,40})")
# A heading describing the items under it: (一)在全国范围内复制推广的改革事项.
_HEADING_TARGET = re.compile(r"(?:在|向)?(?P<scope>[^,;。]{1,24}?)(?:范围内|内)?(?:复制推广|推广)的")

# Every prose rule needs one of a few words (推广, 借鉴, 对标): read off the rules themselves, so
# text without any of them is not split into sentences nor matched rule by rule.
_RULE_LITERALS = [required_literals(r) for r in (_BORROW, _SCOPED, _NAMED, _PLAIN, _RANGE_LINE)]
_TRIGGERS = None if None in _RULE_LITERALS else tuple(sorted(frozenset().union(*_RULE_LITERALS)))


def _may_state(text: str) -> bool:
    """False only when no prose rule can match ``text`` (none of their required words occurs)."""
    return _TRIGGERS is None or any(t in text for t in _TRIGGERS)


_SOURCE_FIELDS = ("已实施区域", "实施区域", "试点区域", "已实施地区", "首创区域", "试点地区", "首创地区",
                  "首创片区", "试点片区", "实施片区", "所在片区", "来源片区", "试点城市", "首创城市",
                  "所在地区", "来源地区", "所属自贸试验区", "所属片区", "所属地区", "首创单位")
_TARGET_FIELDS = ("拟推广区域", "推广区域", "复制推广范围", "推广范围", "拟推广范围")


def extract_replications(text: str, issuing_region: str | None, gazetteer: Gazetteer,
                         fields: Mapping[str, str] | None = None, *, origin: str | None = None,
                         headings: Sequence[str] = (),
                         spread: DocumentSpread | None = None) -> list[ReplicationFact]:
    """Replication / borrowing facts stated in one measure (its text and, for tables, its columns).

    ``origin``: the locality the measure belongs to (the place that piloted it), used when a
    sentence names no origin of its own. ``headings``: the headings above the measure, nearest
    first; one that describes its items' target applies when the measure states none itself.
    ``spread``: the document's own statement that it spreads the practices it lists
    (``document_spread``); it sends an item that names its origin when nothing nearer does.
    """
    facts: list[ReplicationFact] = []
    if fields:
        facts.extend(_from_fields(fields, issuing_region, gazetteer, origin))
    body = simplified_punct(text or "")
    if _may_state(body):
        for sentence in sentences(body):
            if _may_state(sentence):
                facts.extend(_from_sentence(sentence, issuing_region, gazetteer, origin))
    if not any(f.kind == "replicate" for f in facts):
        facts.extend(_from_headings(headings, issuing_region, gazetteer, origin))
    if spread is not None and origin and not facts:
        facts.append(ReplicationFact(origin, spread.target, spread.scope, spread.evidence, kind=spread.kind))
    return _dedupe(facts)


# ---- the document's own statement -------------------------------------------------------------
class DocumentSpread(NamedTuple):
    kind: str  # replicate | borrow
    target: str  # the issuer's whole jurisdiction
    scope: str  # 全国 / 全省 / 全市 / 全区
    evidence: str


# A notice that spreads the practices it lists: its title (关于推广第三批…典型经验做法的通知) or its
# opening (现将有关典型经验做法予以推广 / 现将…典型案例印发给你们，供学习借鉴). Not a plan that means to
# produce such practices (总结推广经验, 形成可复制可推广的经验): those are aspirations, masked first.
_SPREAD_TITLE = re.compile(r"关于(?:复制推广|推广)[^。;]{0,40}?" + _PRACTICE)
_SPREAD_OPENING = re.compile(r"现将[^。;]{0,40}?" + _PRACTICE + r"[^。;]{0,16}?(?:予以|加以)?(?:复制推广|推广)")
_BORROW_OPENING = re.compile(r"(?:现将[^。;]{0,40}?" + _PRACTICE + r"|" + _PRACTICE + r"[”\"]?,?现(?:印发|转发)给你们)"
                             r"[^。]{0,30}?(?:供|请)[^。;]{0,12}?借鉴")
_WHOLE = {"country": "全国", "province": "全省", "prefecture": "全市", "city": "全市"}


def document_spread(title: str, opening: str, issuing: str | None, gaz: Gazetteer) -> DocumentSpread | None:
    """What the title or the text before the first measure says the document does with the
    practices it lists: spread them (推广) or offer them to learn from (借鉴), over the issuer's
    whole jurisdiction. None for any other document."""
    if not issuing:
        return None
    region = gaz.get(issuing)
    scope = _WHOLE.get(region.level, "全区") if region is not None else "全区"
    # the opening first: it says more (推广, or only 供…借鉴) than a title's 关于推广…
    for text, rules in ((opening, (_SPREAD_OPENING, _BORROW_OPENING)), (title, (_SPREAD_TITLE,))):
        plain = simplified_punct(text or "")
        masked = _ASPIRATION.sub(lambda m: "□" * len(m.group(0)), plain)
        for rule in rules:
            m = rule.search(masked)
            if m:
                kind = "borrow" if rule is _BORROW_OPENING else "replicate"
                return DocumentSpread(kind, issuing, scope, sentence_around(plain, m.start()).strip())
    return None


# ---- table columns ----------------------------------------------------------------------------
def _field(fields: Mapping[str, str], names: tuple[str, ...]) -> str | None:
    for key, value in fields.items():
        k = "".join(str(key).split())
        if any(n == k for n in names) or any(n in k for n in names[:2]):
            if "牵头" in k or "单位" in k:
                continue
            return "".join(normalise_punct(to_simplified(str(value or ""))).split()) or None
    return None


def _from_fields(fields: Mapping[str, str], issuing: str | None, gaz: Gazetteer,
                 locality: str | None) -> list[ReplicationFact]:
    source_text = _field(fields, _SOURCE_FIELDS)
    target_text = _field(fields, _TARGET_FIELDS)
    if not target_text:
        return []
    source = gaz.resolve(source_text) if source_text else None
    if source is None and source_text:
        named = localities(source_text, gaz) or gaz.mentioned(source_text)
        source = gaz.get(named[0]) if named else None
    origin = _origin_name(source.name, gaz) if source else (locality or "")
    context = issuing or (source.name if source else None)
    targets = targets_of(target_text, context, gaz, exclude=(origin,) if origin else ())
    scope = target_text
    if source is not None and source.name != origin:
        scope = f"{target_text}(已实施:{source.name})"
    evidence = f"已实施区域:{source_text or ''};拟推广区域:{target_text}" if source_text \
        else f"推广范围:{target_text}"
    return [ReplicationFact(from_region=origin, to_region=t, scope=scope, evidence=evidence)
            for t in targets if t != origin]


# ---- prose ----------------------------------------------------------------------------------------
def _origin_name(name: str, gaz: Gazetteer) -> str:
    """A pilot area or zone inside a city is reported as that city (厦门片区 -> 厦门)."""
    region = gaz.get(name)
    if region is not None and not region.is_admin:
        city = gaz.city_of(name)
        if city:
            return city
    return name


def _named_origin(fragment: str | None, issuing: str | None, gaz: Gazetteer) -> str | None:
    """The first region named in ``fragment`` that is not the issuing region or above it."""
    if not fragment:
        return None
    for name in gaz.mentioned(fragment):
        origin = _origin_name(name, gaz)
        if issuing and (origin == issuing or gaz.is_within(issuing, origin)):
            if origin != name and gaz.is_within(name, issuing):
                return name  # a zone of the issuing city (横琴 in a 珠海 notice): the zone itself
            continue
        return origin
    return None


# What may stand between two places of one list of practices: a quoted name of the first place's
# practice and a list word (浙江“最多跑一次”、江苏“不见面审批”).
_LIST_GAP = re.compile(r"^(?:[“\"][^”\"]{1,20}[”\"])?(?:、|和|及|与|以及)$")


def _named_origins(fragment: str | None, issuing: str | None, gaz: Gazetteer) -> list[str]:
    """Every place a list at the start of ``fragment`` names (借鉴上海、深圳等地经验: both; 复制推广浙江
    “最多跑一次”、江苏“不见面审批”等经验: both), the most specific of a chain (福建三明 -> 三明), else the
    first place named in it."""
    fragment = fragment or ""
    listed = []
    for name in localities(fragment, gaz):
        origin = _named_origin(name, issuing, gaz)
        if origin and origin not in listed:
            listed.append(origin)
    if len(listed) == 1:
        spans = gaz.mention_spans(fragment)
        for (_, end, _), (start, _, name) in zip(spans, spans[1:]):
            if not _LIST_GAP.match(fragment[end:start]):
                break
            origin = _named_origin(name, issuing, gaz)
            if origin and origin not in listed:
                listed.append(origin)
    if listed:
        return listed
    first = _named_origin(fragment, issuing, gaz)
    if first is None:
        # a place named by its short name right before the practice word (推广“晋江经验”, 学习昆山
        # 经验): a county-level city is scanned only by its full name elsewhere, but here it is the
        # whole of what names the practice's owner
        bare = fragment.strip(" “”\"'").removesuffix("的")
        place = gaz.resolve(bare) if 2 <= len(bare) <= 8 else None
        if place is not None and place.is_admin and place.level != "country":
            first = _named_origin(place.full_name or place.name, issuing, gaz)
    return [first] if first else []


def _subject_origin(fragment: str, issuing: str | None, gaz: Gazetteer) -> str | None:
    """A place the sentence opens with (杭州“亩均论英雄”改革经验在全省推广): the subject's origin.
    Only the opening position: a place named further on may be anything (a zone, a comparison)."""
    spans = gaz.mention_spans(fragment)
    if not spans or fragment[:spans[0][0]].strip(" \"“”'"):
        return None
    return _named_origin(fragment[spans[0][0]:spans[0][1]], issuing, gaz)


def _default_origin(issuing: str | None, locality: str | None) -> str:
    """Origin when the sentence names none: the measure's own locality, else the issuing region
    unless that is the whole country (a national notice spreads others' pilots)."""
    if locality:
        return locality
    return issuing if issuing and issuing != COUNTRY else ""


def _from_sentence(sentence: str, issuing: str | None, gaz: Gazetteer,
                   locality: str | None = None) -> list[ReplicationFact]:
    masked = _ASPIRATION.sub(lambda m: "□" * len(m.group(0)), sentence)
    facts: list[ReplicationFact] = []
    # who adopts: the measure's own locality when it has one, else the issuing region
    adopter = locality or issuing
    target_local = [adopter] if adopter else []

    for m in _BORROW.finditer(masked):
        for origin in _named_origins(m.group("obj"), adopter, gaz):
            facts += [ReplicationFact(origin, t, "borrow", sentence, kind="borrow") for t in target_local]
    if facts:
        return facts

    for m in _RANGE_LINE.finditer(masked):
        origin = _named_origin(masked[:m.start()], issuing, gaz) or _default_origin(issuing, locality)
        scope = m.group("scope")
        for t in targets_of(scope, issuing, gaz, exclude=(origin,) if origin else ()):
            facts.append(ReplicationFact(origin if origin != t else "", t, _scope_label(scope), sentence))
    if facts:
        return facts

    for m in _SCOPED.finditer(masked):
        scope = next((m.group(g) for g in _SCOPE_GROUPS if m.group(g)), "")
        targets = targets_of(scope, issuing, gaz)
        if not targets:
            continue
        named = (_named_origin(m.group("obj") or m.group("obj2") or m.group("obj5"), issuing, gaz)
                 or _named_origin(masked[m.end():], issuing, gaz)
                 or _named_before(masked[:m.start()], issuing, gaz)
                 or _subject_origin(masked[:m.start()], issuing, gaz)
                 or _practice_owner(masked[:m.start()], issuing, gaz))
        origins = [named] if named else _pilots_before(masked[:m.start()], issuing, gaz)
        # a practice spread inside its own region (在全市复制推广) has an unnamed origin, not a self-loop;
        # a named place's own practice spread over itself (复制推广厦门经验,在全市… in 厦门) is no travel
        for origin in origins or [_default_origin(issuing, locality)]:
            facts += [ReplicationFact(origin if origin != t else "", t, _scope_label(scope), sentence)
                      for t in targets if not (origins and origin == t)]
    if facts:
        return facts

    for m in _NAMED.finditer(masked):
        for origin in _named_origins(m.group("obj"), adopter, gaz):
            facts += [ReplicationFact(origin, t, LOCAL_SCOPE, sentence) for t in target_local if t != origin]
    if facts:
        return facts

    if _PLAIN.search(masked) and re.search(r"复制推广[^;。]{0,40}?" + _PRACTICE, masked):
        facts += [ReplicationFact("", t, LOCAL_SCOPE, sentence) for t in target_local]
    return facts


def _named_before(prefix: str, issuing: str | None, gaz: Gazetteer) -> str | None:
    """The place a clause before the target names as the practice's (复制推广厦门经验,在全省复制推广)."""
    last = None
    for m in _NAMED.finditer(prefix):
        last = m
    return _named_origin(last.group("obj"), issuing, gaz) if last else None


# A pilot stated before the spread: 在赣江新区、南昌经开区率先开展…,成熟后在全省推广 / 选择X开展试点.
_PILOT = re.compile(r"(?:在|选择|支持|由)(?P<places>[^,;。]{2,40}?)(?:率先|先行先试|先行|开展试点|试点)")


def _pilots_before(prefix: str, issuing: str | None, gaz: Gazetteer) -> list[str]:
    """The places a pilot clause before the target names (every place of its list), nearest first."""
    for m in reversed(list(_PILOT.finditer(prefix))):
        found = _named_origins(m.group("places"), issuing, gaz)
        if found:
            return found
    return []


_SELECTED = re.compile(r"入选|列入|纳入|评为|获评|获批|作为|成为|被")


def _practice_owner(prefix: str, issuing: str | None, gaz: Gazetteer) -> str | None:
    """The place whose practice the clause just before the target names (总结宁波…融资经验,在全省复制推广)."""
    clauses = [c for c in re.split(r"[,;]", prefix) if c.strip()]
    if not clauses or not re.search(_PRACTICE + r"\W*$", clauses[-1]):
        return None
    if _SELECTED.search(clauses[-1]):
        return None  # 入选湖北自贸区第五批实践案例: the place keeps the list, the practice is the document's
    return _named_origin(clauses[-1], issuing, gaz)


def _from_headings(headings: Sequence[str], issuing: str | None, gaz: Gazetteer,
                   locality: str | None) -> list[ReplicationFact]:
    """The nearest heading above the measure that says where its items are replicated to."""
    for heading in headings:
        text = simplified_punct(heading or "")
        m = _HEADING_TARGET.search(text)
        targets = targets_of(m.group("scope"), issuing, gaz) if m else []
        if targets:
            origin = _named_origin(text[:m.start()], issuing, gaz) or locality or ""
            return [ReplicationFact(origin if origin != t else "", t, _scope_label(m.group("scope")), text)
                    for t in targets]
    return []


def _scope_label(scope: str) -> str:
    scope = re.sub(r"^(在|向)|(范围内|内)$", "", scope.strip())
    return scope or LOCAL_SCOPE


def _dedupe(facts: list[ReplicationFact]) -> list[ReplicationFact]:
    seen: dict[tuple[str, str, str], int] = {}
    out: list[ReplicationFact] = []
    for f in facts:
        key = (f.from_region, f.to_region, f.kind)
        if not f.to_region or f.from_region == f.to_region:
            continue
        if key in seen:
            # a heading's bare 复制推广试点经验 (no scope) and the sentence under it that states one
            # (在全国复制推广): the stated scope is the fact
            at = seen[key]
            if out[at].scope == LOCAL_SCOPE and f.scope != LOCAL_SCOPE:
                out[at] = f
            continue
        seen[key] = len(out)
        out.append(f)
    return out


def attribute_themes(facts: list[ReplicationFact], measure_themes: list, taxonomy,
                     whole_measure: bool, measure_practices: list = ()) -> None:
    """Say which practice each fact moves. A table row is one practice, so it carries all the
    measure's themes; in prose a measure holds several practices and only the themes of the
    replication sentence travelled (借鉴苏州"关助融"模式 moves customs finance, not the IP pledge
    financing named two sentences later). A 推广范围 line or a heading over the items sends the
    whole item, like a table row."""
    measure_keys = [t.key for t in measure_themes]
    practice_keys = [p.key for p in measure_practices]
    for fact in facts:
        if whole_measure or _names_whole_item(fact.evidence):
            fact.themes, fact.practices = list(measure_keys), list(practice_keys)
        else:
            themes, practices = taxonomy.tag_both(fact.evidence)
            fact.themes, fact.practices = [h.key for h in themes], [h.key for h in practices]


def _names_whole_item(evidence: str) -> bool:
    """A 推广范围 line or a heading describing its items: the fact moves the whole item."""
    text = simplified_punct(evidence or "")
    if _RANGE_LINE.search(text) or _SPREAD_TITLE.search(text) or _SPREAD_OPENING.search(text) \
            or _BORROW_OPENING.search(text):
        return True
    return len(text) <= 40 and bool(_HEADING_TARGET.search(text)) and not _BORROW.search(text)
