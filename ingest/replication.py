"""Replication facts: a practice was (or will be) replicated from one region to another, or borrowed.

Only explicit statements count. The rules, in the order they are tried per sentence:

1. Table columns (``fields``): 已实施区域 -> 拟推广区域. The pilot area is reported as the city holding
   it (厦门片区 -> 厦门, the area noted in ``scope``); the target scope is expanded through the gazetteer
   (全省 -> the province; 自贸试验区、自创区 -> the FTZ areas and innovation-zone cities), minus the
   source itself and everything inside it.
2. Borrowing: 借鉴 / 学习借鉴 / 对标 + a named region + 模式|经验|做法 -> from that region, kind=borrow.
3. A stated target: (将 X …) 在全省 / 全市 / <region> (进行)复制推广, 复制推广到 / 推广至 <region>.
   The origin is a region named in X (or after the verb); otherwise the issuing region.
4. A named origin: (复制)推广 + region + …经验|模式|做法|举措|成果|任务 -> into the issuing region.
5. 复制推广 + …经验|模式|做法|举措 with no place named -> into the issuing region, origin unknown
   (``from_region`` = "": the text does not say where the practice was piloted).

Never a fact for an aspiration (可复制可推广的经验, 可复制、可推广: masked before matching), for a bare
推广 (roll-out of a product or service, 推广科技信用贷款) without a named origin or target, or from a
region to itself. ``evidence`` is the sentence (simplified).
"""
from __future__ import annotations

import re
from collections.abc import Mapping

from ingest.literals import required_literals
from ingest.records import ReplicationFact
from ingest.regions import Gazetteer
from ingest.textutil import normalise_punct, sentences, simplified_punct, to_simplified

LOCAL_SCOPE = "本地"  # adopted in the issuing region itself; no wider scope stated

_ASPIRATION = re.compile(r"可复制[、,和与及]?可推广|可复制推广|可推广|可复制")
_PRACTICE = r"(?:经验|模式|做法|举措|措施|成果|任务|案例|机制)"
_BORROW = re.compile(r"(?:学习借鉴|借鉴|对标)(?P<obj>[^,;。:]{1,40}?)" + _PRACTICE)
_SCOPED = re.compile(
    r"(?:(?:将|把)(?P<obj>[^;。]{1,60}?))?(?:在|向)(?P<scope>[^,;。]{1,24}?)(?:范围内|内)?"
    r"(?:进行|全面|加快|逐步|予以)?(?:复制推广|推广)"
    r"|(?:复制推广|推广)(?:到|至)(?P<scope2>[^,;。]{1,24})")
_NAMED = re.compile(r"(?:复制推广|推广)(?P<obj>[^,;。:]{1,40}?)" + _PRACTICE)
_PLAIN = re.compile(r"复制推广(?P<obj>[^;。]{0,40}?)" + _PRACTICE + r"|复制推广")

# Every prose rule needs one of a few words (推广, 借鉴, 对标): read off the rules themselves, so
# text without any of them is not split into sentences nor matched rule by rule.
_RULE_LITERALS = [required_literals(r) for r in (_BORROW, _SCOPED, _NAMED, _PLAIN)]
_TRIGGERS = None if None in _RULE_LITERALS else tuple(sorted(frozenset().union(*_RULE_LITERALS)))


def _may_state(text: str) -> bool:
    """False only when no prose rule can match ``text`` (none of their required words occurs)."""
    return _TRIGGERS is None or any(t in text for t in _TRIGGERS)


_SOURCE_FIELDS = ("已实施区域", "实施区域", "试点区域", "已实施地区", "首创区域")
_TARGET_FIELDS = ("拟推广区域", "推广区域", "复制推广范围", "推广范围", "拟推广范围")


def extract_replications(text: str, issuing_region: str | None, gazetteer: Gazetteer,
                         fields: Mapping[str, str] | None = None) -> list[ReplicationFact]:
    """Replication / borrowing facts stated in one measure (its text and, for tables, its columns)."""
    facts: list[ReplicationFact] = []
    if fields:
        facts.extend(_from_fields(fields, issuing_region, gazetteer))
    body = simplified_punct(text or "")
    if _may_state(body):
        for sentence in sentences(body):
            if _may_state(sentence):
                facts.extend(_from_sentence(sentence, issuing_region, gazetteer))
    return _dedupe(facts)


# ---- table columns ----------------------------------------------------------------------------
def _field(fields: Mapping[str, str], names: tuple[str, ...]) -> str | None:
    for key, value in fields.items():
        k = "".join(str(key).split())
        if any(n == k for n in names) or any(n in k for n in names[:2]):
            if "牵头" in k or "单位" in k:
                continue
            return "".join(normalise_punct(to_simplified(str(value or ""))).split()) or None
    return None


def _from_fields(fields: Mapping[str, str], issuing: str | None, gaz: Gazetteer) -> list[ReplicationFact]:
    source_text = _field(fields, _SOURCE_FIELDS)
    target_text = _field(fields, _TARGET_FIELDS)
    if not target_text:
        return []
    source = gaz.resolve(source_text) if source_text else None
    if source is None and source_text:
        named = gaz.mentioned(source_text)
        source = gaz.get(named[0]) if named else None
    origin = _origin_name(source.name, gaz) if source else ""
    context = issuing or (source.name if source else None)
    targets = gaz.expand_scope(target_text, context, exclude=[origin] if origin else ())
    scope = target_text
    if source is not None and source.name != origin:
        scope = f"{target_text}(已实施:{source.name})"
    evidence = f"已实施区域:{source_text or ''};拟推广区域:{target_text}"
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
            continue
        return origin
    return None


def _from_sentence(sentence: str, issuing: str | None, gaz: Gazetteer) -> list[ReplicationFact]:
    masked = _ASPIRATION.sub(lambda m: "□" * len(m.group(0)), sentence)
    facts: list[ReplicationFact] = []
    target_local = [issuing] if issuing else []

    for m in _BORROW.finditer(masked):
        origin = _named_origin(m.group("obj"), issuing, gaz)
        if origin:
            facts += [ReplicationFact(origin, t, "borrow", sentence, kind="borrow") for t in target_local]
    if facts:
        return facts

    for m in _SCOPED.finditer(masked):
        scope = m.group("scope") or m.group("scope2") or ""
        targets = gaz.expand_scope(scope, issuing, region=issuing) if issuing else []
        if not targets:
            r = gaz.resolve(scope)
            targets = [r.name] if r else []
        if not targets:
            continue
        origin = _named_origin(m.group("obj"), issuing, gaz) or _named_origin(masked[m.end():], issuing, gaz)
        origin = origin or issuing or ""
        # a practice spread inside its own region (在全市复制推广) has an unnamed origin, not a self-loop
        facts += [ReplicationFact(origin if origin != t else "", t, _scope_label(scope), sentence) for t in targets]
    if facts:
        return facts

    for m in _NAMED.finditer(masked):
        origin = _named_origin(m.group("obj"), issuing, gaz)
        if origin:
            facts += [ReplicationFact(origin, t, LOCAL_SCOPE, sentence) for t in target_local if t != origin]
    if facts:
        return facts

    if _PLAIN.search(masked) and re.search(r"复制推广[^;。]{0,40}?" + _PRACTICE, masked):
        facts += [ReplicationFact("", t, LOCAL_SCOPE, sentence) for t in target_local]
    return facts


def _scope_label(scope: str) -> str:
    scope = re.sub(r"^(在|向)|(范围内|内)$", "", scope.strip())
    return scope or LOCAL_SCOPE


def _dedupe(facts: list[ReplicationFact]) -> list[ReplicationFact]:
    seen, out = set(), []
    for f in facts:
        key = (f.from_region, f.to_region, f.kind)
        if key in seen or not f.to_region or f.from_region == f.to_region:
            continue
        seen.add(key)
        out.append(f)
    return out


def attribute_themes(facts: list[ReplicationFact], measure_themes: list, taxonomy,
                     whole_measure: bool, measure_practices: list = ()) -> None:
    """Say which practice each fact moves. A table row is one practice, so it carries all the
    measure's themes; in prose a measure holds several practices and only the themes of the
    replication sentence travelled (借鉴苏州"关助融"模式 moves customs finance, not the IP pledge
    financing named two sentences later)."""
    measure_keys = [t.key for t in measure_themes]
    practice_keys = [p.key for p in measure_practices]
    for fact in facts:
        if whole_measure:
            fact.themes, fact.practices = list(measure_keys), list(practice_keys)
        else:
            themes, practices = taxonomy.tag_both(fact.evidence)
            fact.themes, fact.practices = [h.key for h in themes], [h.key for h in practices]
