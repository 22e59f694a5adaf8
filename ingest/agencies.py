"""Agencies a measure names: who leads, who supports, who is merely mentioned.

Where the genre prints responsibility (field lines, bracketed notes anywhere in the measure, prose
assignments, the first-listed rule) is read by ingest/responsibility.py; a task-table column such as
推广牵头单位 (lead) or 配合单位 (support) comes from the structure.

Lists are split on separators, on agency-suffix boundaries when printed without separators
(市金融办市银监办人民银行), at 和 between two whole names and at 等和 before a collective unit;
distributive lists are expanded (福州、厦门、泉州市政府 -> three city governments) and so is a level
prefix printed once (省工业和信息化厅、财政厅 -> 省财政厅). 等 / 有关部门 are dropped; collective units
(各省级人民政府, 各区、县（市）政府, 有关区县) are kept and marked collective. Agencies only named in the
prose are recognised by their suffix and reported as mentions.

Identity (region, name): a national body of data/national_agencies.yaml belongs to 中国 under its official
name; an agency printed with a place prefix belongs to that place (厦门市知识产权局 in a Fujian document
is Xiamen's); any other to the document's region. Genre-level aliases come from data/agencies.yaml.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path


from ingest.yamlfile import read_yaml

from ingest.normalise import to_simplified
from ingest.records import AgencyRef
from ingest.responsibility import Group, Notation, notes_and_lines, prose_assignments, split_top
from ingest.textutil import join_broken_brackets

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "data" / "agencies.yaml"
NATIONAL_PATH = Path(__file__).resolve().parent.parent / "data" / "national_agencies.yaml"
NATIONAL_REGION = "中国"

_CJK = re.compile(r"^[\u3400-\u9fff（）()]+$")
_LEVEL_CHARS = "市省县区州"
_HAN_RUN = re.compile(r"[\u3400-\u9fff]{1,16}")
_NOT_IN_NAME = re.compile(r"[的与及或在对将把为等向]")
_MIN_SPLIT_LEFT = 3  # 人行 / 市委 are too short to be cut off a run safely


@dataclass(frozen=True)
class Vocabulary:
    lead_markers: tuple[str, ...]
    support_markers: tuple[str, ...]
    suffixes: tuple[str, ...]
    new_agency_starts: tuple[str, ...]
    drop_tails: tuple[str, ...]
    closing_words: dict[str, list[str]]  # lead | explicit_lead | support -> words closing a note
    suffix_aliases: tuple[tuple[str, str], ...]
    mention_suffixes: tuple[str, ...]
    mention_starts: tuple[str, ...]
    not_agencies: frozenset[str]
    mention_start_exclusions: tuple[str, ...] = ()
    explicit_lead_markers: tuple[str, ...] = ()
    generic_units: str = r"^$"
    collective_starts: tuple[str, ...] = ()
    collective_inside: tuple[str, ...] = ()
    collective_tiers: frozenset[str] = frozenset()
    distributed_suffixes: tuple[str, ...] = ()
    # printed alias -> (official name, national wherever printed)
    national: dict[str, tuple[str, bool]] = field(default_factory=dict)
    department_stems: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        # Compiled once per vocabulary: these run for every measure of every document.
        alt = lambda words: "|".join(re.escape(w) for w in words)  # noqa: E731
        derived = {
            "_suffixes": tuple(s for s in self.suffixes if s),
            "_empty_suffix": "" in self.suffixes,
            "_tails": tuple(sorted((*(w for ws in self.closing_words.values() for w in ws), *self.drop_tails),
                                   key=len, reverse=True)),
            "start_re": re.compile(rf"(?:{alt(self.new_agency_starts)})"),
            "mention_suffix_re": re.compile(alt(self.mention_suffixes)),
            "mention_start_re": re.compile(alt(self.mention_starts)),
            "generic_re": re.compile(self.generic_units),
            "notation": Notation(
                re.compile(rf"({alt((*self.lead_markers, *self.support_markers))})\s*[:：]"),
                self.lead_markers, (*self.explicit_lead_markers, *self.support_markers),
                tuple(sorted(((w, ("support" if kind == "support" else "lead", kind != "lead"))
                              for kind, words in self.closing_words.items() for w in words),
                             key=lambda kv: -len(kv[0])))),
            "_stems": self._department_stems(),
            "_not_agency_endings": tuple(self.not_agencies),
        }
        for key, value in derived.items():
            object.__setattr__(self, key, value)

    def _department_stems(self) -> frozenset[str]:
        """What a government department is called before its 厅/局/委 (财政, 发展改革, 市场监管): the
        national bodies' names and the local stems of data/agencies.yaml, so 财政厅 after 省科技厅 takes
        its 省 while 自贸委 (a zone body) does not."""
        stems = set(self.department_stems)
        endings = ("委员会", "总局", "总署", "部", "委", "局", "办", "署", "厅")
        for form in (*self.national, *(long for long, _ in self.suffix_aliases),
                     *(short for _, short in self.suffix_aliases)):
            for opening in ("中华人民共和国", "国家", "国务院"):
                form = form.removeprefix(opening)
            stem = next((form[: -len(e)] for e in endings if form.endswith(e)), "")
            if len(stem) >= 2:
                stems.add(stem)
        return frozenset(stems)

    def has_suffix(self, name: str) -> bool:
        return name.endswith(self._suffixes) or (self._empty_suffix and not name)


@lru_cache(maxsize=4)
def load_vocabulary(path: str | Path = DEFAULT_PATH) -> Vocabulary:
    data = read_yaml(path)
    by_len = lambda items: tuple(sorted(items, key=len, reverse=True))  # noqa: E731
    return Vocabulary(
        lead_markers=by_len(data["role_markers"]["lead"]),
        support_markers=by_len(data["role_markers"]["support"]),
        suffixes=by_len(data["suffixes"]),
        new_agency_starts=by_len(data["new_agency_starts"]),
        drop_tails=by_len(data["drop_tails"]),
        closing_words={kind: list(words) for kind, words in data["closing_words"].items()},
        suffix_aliases=tuple(sorted(data.get("suffix_aliases", {}).items(), key=lambda kv: -len(kv[0]))),
        mention_suffixes=by_len(data["mention_suffixes"]),
        mention_starts=by_len(data["mention_starts"]),
        not_agencies=frozenset(data.get("not_agencies", [])),
        mention_start_exclusions=tuple(data.get("mention_start_exclusions", [])),
        explicit_lead_markers=tuple(data.get("explicit_lead_markers", [])),
        generic_units=data.get("generic_units", r"^$"),
        collective_starts=by_len(data.get("collective_starts", [])),
        collective_inside=tuple(data.get("collective_inside", [])),
        collective_tiers=frozenset(data.get("collective_tiers", [])),
        distributed_suffixes=by_len(data.get("distributed_suffixes", [])),
        national=load_national(NATIONAL_PATH),
        department_stems=tuple(data.get("department_stems", [])),
    )


_NATIONAL_WORDS = ("国家", "国务院", "中国", "中华", "中央", "全国", "最高")


def load_national(path: str | Path = NATIONAL_PATH) -> dict[str, tuple[str, bool]]:
    """Every printed form of a national body -> (official name, national wherever it is printed)."""
    out: dict[str, tuple[str, bool]] = {}
    for entry in read_yaml(path)["agencies"]:
        name = entry["name"]
        local = bool(entry.get("local_namesake"))
        for form in (name, *entry.get("aliases", [])):
            out[to_simplified(form)] = (name, not local or form.startswith(_NATIONAL_WORDS))
    return out


# ---------------------------------------------------------------- list splitting

_DANGLING_AND = re.compile(r"(?:以及|以|和|及|与)$")  # 以: what 及相关单位 leaves of 以及


def _strip_tails(text: str, vocab: Vocabulary) -> str:
    text = text.strip(" \u3000,，;；。.:：")
    tails = vocab._tails
    changed = True
    while changed and text and text.endswith(tails):  # one C-level test before the ordered search
        changed = False
        last = re.split(r"[、，,；;]", text)[-1]
        if vocab.generic_re.match(last):  # 市级有关部门 names no one: no 市级 once 有关部门 is cut
            text = text[: -len(last)].rstrip(" \u3000,，、;；")
            changed = True
            continue
        for tail in tails:
            if text.endswith(tail) and len(text) > len(tail):
                # a name never ends with a conjunction: 市财政局和有关部门 -> 市财政局
                text = _DANGLING_AND.sub("", text[: -len(tail)].rstrip(" \u3000,，、"))
                changed = True
                break
    return text


def _split_run(name: str, vocab: Vocabulary) -> list[str]:
    """Cut a run printed without separators at suffix -> new-agency-start boundaries."""
    parts: list[str] = []
    start = 0
    i = _MIN_SPLIT_LEFT
    while i < len(name):
        left = name[start:i]
        if len(left) >= _MIN_SPLIT_LEFT and vocab.has_suffix(left):
            rest = name[i:]
            if vocab.start_re.match(rest) and vocab.has_suffix(rest) \
                    and len(rest) >= _MIN_SPLIT_LEFT:
                parts.append(left)
                start = i
                i = start + _MIN_SPLIT_LEFT
                continue
        i += 1
    parts.append(name[start:])
    return parts


_RESOLVED: dict[tuple[int, str], bool] = {}


def _is_place(text: str, gazetteer) -> bool:
    key = (id(gazetteer), text)
    if key not in _RESOLVED:
        if len(_RESOLVED) > 50_000:
            _RESOLVED.clear()
        _RESOLVED[key] = gazetteer.resolve(text) is not None
    return _RESOLVED[key]


def _place_prefix(name: str, gazetteer) -> str | None:
    """The place name an agency name starts with (泉州市政府 -> 泉州), if any."""
    if gazetteer is not None:
        for length in range(min(len(name) - 1, 8), 1, -1):
            head = name[:length]
            if head[-1] in _LEVEL_CHARS and len(head) > 2:
                continue  # 泉州市 is matched through 泉州, keeping 市 in the distributed suffix
            if not head.startswith(("各", "全")) and _is_place(head, gazetteer):
                return head
    for idx, ch in enumerate(name[:5]):
        if ch in _LEVEL_CHARS and idx >= 2:
            return name[:idx]
    return None


# Levels whose short names are distinctive enough to open an agency name without a level word
# (福州海关, 厦门片区管委会); a county's two characters (东方, 长安) also begin ordinary words.
_DISTINCT_LEVELS = {"province", "prefecture", "area", "zone"}


def agency_region(printed: str, region: str, gazetteer) -> str:
    """The region an agency belongs to: the place its name opens with, when that is another
    region than the document's (厦门市知识产权局 named in a Fujian document is 厦门's), else the
    document's region. A national prefix (中国人民银行) and collective names (各设区市政府) keep
    the document's region."""
    if gazetteer is None or not printed or printed.startswith(("各", "全")):
        return region
    for length in range(min(len(printed) - 1, 8), 1, -1):
        head = printed[:length]
        if not _is_place(head, gazetteer):
            continue
        found = gazetteer.resolve(head)
        follows = printed[length] if length < len(printed) else ""
        if found.level not in _DISTINCT_LEVELS and follows not in _LEVEL_CHARS and head[-1] not in _LEVEL_CHARS:
            continue
        if found.level == "country" or found.name == region:
            return region
        return found.name
    return region


def _is_bare_place(name: str, vocab: Vocabulary, gazetteer) -> bool:
    if vocab.has_suffix(name) or not _CJK.match(name) or not 2 <= len(name) <= 4:
        return False
    if gazetteer is not None:
        return _is_place(name, gazetteer)
    return True


def _distribute(names: list[str], vocab: Vocabulary, gazetteer) -> list[str]:
    """福州、厦门、泉州市政府 -> 福州市政府、厦门市政府、泉州市政府."""
    out = list(names)
    i = 0
    while i < len(out):
        if not _is_bare_place(out[i], vocab, gazetteer):
            i += 1
            continue
        j = i
        while j < len(out) and _is_bare_place(out[j], vocab, gazetteer):
            j += 1
        if j < len(out):
            prefix = _place_prefix(out[j], gazetteer)
            if prefix and vocab.has_suffix(out[j]):
                suffix = out[j][len(prefix):]
                for k in range(i, j):
                    out[k] = out[k] + suffix
        i = j + 1
    return out


def split_agency_list(text: str, vocab: Vocabulary | None = None, gazetteer=None) -> list[str]:
    """Printed agency names (simplified) in a responsibility list, in order, each once."""
    return _split_list(to_simplified(text), vocab or load_vocabulary(), gazetteer)


# 等和各省级人民政府 / 和各有关省级人民政府: the list goes on with a collective unit.
_BEFORE_COLLECTIVE = re.compile(r"等[和及与]|[和及与](?=各)")
_LIST_SEPARATORS = "、，,；;／/"
_WHITESPACE = re.compile(r"\s+")
_AND = re.compile(r"[和及与]")


def _split_list(text: str, vocab: Vocabulary, gazetteer) -> list[str]:
    text = _BEFORE_COLLECTIVE.sub("、", _strip_tails(text, vocab))
    pieces: list[str] = []
    for chunk in split_top(text, _LIST_SEPARATORS):
        for raw in _WHITESPACE.split(chunk):
            raw = _strip_tails(raw, vocab)
            if not raw:
                continue
            for whole in _split_and(raw, vocab):
                pieces.extend(p for p in _split_run(whole, vocab) if p)
    pieces = _join_collective_tiers(pieces, vocab)
    pieces = _distribute(pieces, vocab, gazetteer)
    pieces = _distribute_prefix(pieces, vocab, gazetteer)
    out: list[str] = []
    for p in pieces:
        if len(p) >= 2 and p not in out and p not in vocab.not_agencies and not vocab.generic_re.match(p):
            out.append(p)
    return out


def _split_and(raw: str, vocab: Vocabulary) -> list[str]:
    """财政部和人民银行 -> two names; 文化和旅游部, 工业和信息化部 stay whole (the left part is no name)."""
    for m in _AND.finditer(raw):
        left, right = raw[:m.start()], raw[m.end():]
        if len(left) >= _MIN_SPLIT_LEFT and len(right) >= _MIN_SPLIT_LEFT and vocab.has_suffix(left) \
                and vocab.has_suffix(right) and left not in vocab.not_agencies:
            return [left, *_split_and(right, vocab)]
    return [raw]


def _tier(piece: str) -> str:
    """A tier as the data spells it: brackets full-width (市(县) -> 市（县）)."""
    return piece.replace("(", "（").replace(")", "）")


def _join_collective_tiers(pieces: list[str], vocab: Vocabulary) -> list[str]:
    """各区、县（市）政府 / 各省、自治区、直辖市人民政府: one collective unit naming several tiers."""
    out: list[str] = []
    i = 0
    while i < len(pieces):
        p = pieces[i]
        if p.startswith("各") and _tier(p[1:]) in vocab.collective_tiers:
            j = i + 1
            while j < len(pieces) and _tier(pieces[j]) in vocab.collective_tiers:
                j += 1
            last = pieces[j] if j < len(pieces) else ""
            if last and vocab.has_suffix(last) and any(_tier(last).startswith(t) for t in vocab.collective_tiers):
                out.append("、".join(pieces[i:j + 1]))
                i = j + 1
                continue
        out.append(p)
        i += 1
    return out


def _level_prefix(name: str, vocab: Vocabulary, gazetteer) -> str | None:
    """The level prefix a name opens with (省, 市, 厦门市), if any."""
    place = _place_prefix(name, gazetteer) if gazetteer is not None else None
    if place and gazetteer is not None and _is_place(place, gazetteer) and place != NATIONAL_REGION:
        rest = name[len(place):]
        return place + rest[0] if rest[:1] and rest[0] in _LEVEL_CHARS else place
    if name[:1] in _LEVEL_CHARS and not name.startswith(vocab.mention_start_exclusions):
        return name[0]
    return None


def _distribute_prefix(pieces: list[str], vocab: Vocabulary, gazetteer) -> list[str]:
    """省工业和信息化厅、财政厅 -> 省财政厅: a department printed after a prefixed one shares its prefix."""
    out = list(pieces)
    for i in range(1, len(out)):
        item = out[i]
        stem = next((item[: -len(s)] for s in vocab.distributed_suffixes if item.endswith(s)), None)
        if not stem or stem not in vocab._stems or _is_collective(item, vocab):
            continue  # cheap tests first: most items are printed whole
        hit = vocab.national.get(item)
        if hit is not None and hit[1]:
            continue  # 民航局 after 省交通运输厅 is the national body
        prefix = _level_prefix(out[i - 1], vocab, gazetteer)
        if prefix and not _level_prefix(item, vocab, gazetteer):
            out[i] = prefix + item
    return out


def _is_collective(name: str, vocab: Vocabulary) -> bool:
    """A unit for a whole tier of government: 各省级人民政府, 有关区县, 县级以上地方人民政府 (各企业 is not)."""
    opens = name.startswith(vocab.collective_starts) or any(w in name for w in vocab.collective_inside)
    return opens and (vocab.has_suffix(name) or name.endswith(tuple(vocab.collective_tiers)))


# ---------------------------------------------------------------- identity

_PREFIXES: dict[tuple[int, str], list[tuple[str, str]]] = {}


def _region_prefixes(region: str, gazetteer) -> list[tuple[str, str]]:
    """(printed prefix, level word) pairs that mean "this region" in an agency name (厦门市 -> 市)."""
    key = (id(gazetteer), region)
    if key not in _PREFIXES:
        _PREFIXES[key] = _compute_region_prefixes(region, gazetteer)
    return _PREFIXES[key]


def _compute_region_prefixes(region: str, gazetteer) -> list[tuple[str, str]]:
    if not region:
        return []
    full = None
    if gazetteer is not None:
        found = gazetteer.get(region) if hasattr(gazetteer, "get") else None
        found = found or gazetteer.resolve(region)
        if found is not None and found.is_admin:  # 平潭综合实验区管委会 is not "区管委会" of 平潭
            full = found.full_name
        elif found is not None:
            return []
    out = []
    if full and full[-1] in _LEVEL_CHARS and full != region:
        out.append((to_simplified(full), full[-1]))
    for level in _LEVEL_CHARS:
        pair = (region + level, level)
        if pair not in out:
            out.append(pair)
    return out


def canonical_name(printed: str, region: str, gazetteer=None, vocab: Vocabulary | None = None) -> str:
    """One name per agency within its own region: long official forms and region-prefixed forms folded
    into the short form the genre prints (厦门市科学技术局 in 厦门 -> 市科技局; 泉州市科学技术局 in a
    厦门 document -> 市科技局 of 泉州, see ``agency_identity``)."""
    return agency_identity(printed, region, gazetteer, vocab)[1]


def agency_identity(printed: str, region: str, gazetteer=None,
                    vocab: Vocabulary | None = None) -> tuple[str, str, bool]:
    """(region the agency belongs to, canonical name there, collective) of a name printed in a
    document of ``region``."""
    return _identity(to_simplified(printed), region, gazetteer, vocab or load_vocabulary())


_IDENTITY: dict[tuple[int, int, str, str, bool], tuple[object, object, tuple[str, str, bool]]] = {}


def _identity(printed: str, region: str, gazetteer, vocab: Vocabulary,
              national_list: bool = False) -> tuple[str, str, bool]:
    """Memoised: the same few agency names recur in every measure of a region. ``national_list``: the
    name is printed in a list beside national bodies (民政部、发展改革委), so a short name that local
    documents also use (发展改革委, 人民银行) means the national body there."""
    key = (id(vocab), id(gazetteer), region, printed, national_list)
    hit = _IDENTITY.get(key)
    if hit is not None and hit[0] is vocab and hit[1] is gazetteer:  # the entry keeps both alive
        return hit[2]
    if len(_IDENTITY) > 50_000:
        _IDENTITY.clear()
    found = _compute_identity(printed.strip(), region, gazetteer, vocab, national_list)
    _IDENTITY[key] = (vocab, gazetteer, found)
    return found


def _is_national_document(region: str, gazetteer) -> bool:
    if region == NATIONAL_REGION:
        return True
    found = gazetteer.get(region) if gazetteer is not None and region else None
    return found is not None and found.level == "country"


_ROUND_BRACKETS = str.maketrans({"（": "(", "）": ")", "〔": "(", "〕": ")", "［": "(", "］": ")", "[": "(", "]": ")"})


def _compute_identity(name: str, region: str, gazetteer, vocab: Vocabulary,
                      national_list: bool = False) -> tuple[str, str, bool]:
    if _is_collective(name, vocab):
        return region, name.translate(_ROUND_BRACKETS), True
    national = vocab.national.get(name)
    if national is not None and (national[1] or national_list or _is_national_document(region, gazetteer)):
        return NATIONAL_REGION, national[0], False
    own = agency_region(name, region, gazetteer)
    return own, _compute_canonical(name, own, gazetteer, vocab), False


def _compute_canonical(printed: str, region: str, gazetteer, vocab: Vocabulary) -> str:
    name = printed.strip()
    # 市市场监管局（知识产权局） is also printed 市市场监管局〔知识产权局〕: one agency, one name
    name = name.translate(_ROUND_BRACKETS)
    for long, short in vocab.suffix_aliases:
        if name.endswith(long) and long != short:
            name = name[: -len(long)] + short
            break
    for prefix, level in _region_prefixes(region, gazetteer):
        if name.startswith(prefix) and len(name) > len(prefix) + 1:
            name = level + name[len(prefix):]
            break
    return name


# ---------------------------------------------------------------- extraction from a measure

def _responsibility_groups(text: str, vocab: Vocabulary) -> tuple[list[Group], list[tuple[int, int]]]:
    """Every responsibility group of a measure (field lines, bracketed notes; prose assignments when
    there are none) and the spans of the lines and notes they came from."""
    groups, spans = notes_and_lines(text, vocab.notation)
    # A bracket closed by 负责 / 参与 may be prose (（由企业自行负责）): a note counts when it names at
    # least one agency; then every unit it lists is kept (杭州资本 beside 市国资委).
    named = {g.note for g in groups if _looks_like_agency_list(g.listed, vocab, any_unit=not g.bare)
             and not (g.bare and _NOT_A_LIST.search(g.listed))}
    kept = [g for g in groups if g.note in named]
    spans = [span for note, span in enumerate(spans) if note in named]  # one span per note, in order
    groups = kept
    if not groups:
        groups = [g for g in prose_assignments(text, 0) if _looks_like_agency_list(g.listed, vocab)]
    return groups, spans


# A bracket that defines or qualifies a word (（以下简称市审批局）, （含市属国企）) is no list of units.
_NOT_A_LIST = re.compile(r"简称|以下|含|包括|即|如|例如|除外")


_ALIAS_NOTE = re.compile(r"[（(][\u4e00-\u9fff]{1,12}[)）]$")


def _looks_like_agency_list(listed: str, vocab: Vocabulary, any_unit: bool = False) -> bool:
    """Every unit (or, ``any_unit``, at least one) looks like an agency: an agency ending, a national
    body's name or a collective unit. Prose assignments and carried units must pass for every unit."""
    names = _split_list(listed.replace("会同", "、"), vocab, None)
    # 市市场监管局（知识产权局）: judged by the name before its other name in brackets
    names = [_ALIAS_NOTE.sub("", n) or n for n in names]
    looks = [(vocab.has_suffix(n) and not n.endswith(vocab._not_agency_endings)) or n in vocab.national
             or _is_collective(n, vocab) for n in names]
    return bool(names) and (any(looks) if any_unit else all(looks))


def _strip_spans(text: str, spans: list[tuple[int, int]]) -> str:
    """The prose of a measure without its responsibility lines and notes (for mention scanning)."""
    out, at = [], 0
    for start, end in sorted(spans):
        out.append(text[at:start])
        at = max(at, end)
    out.append(text[at:])
    return "".join(out)


def mentioned_agencies(text: str, vocab: Vocabulary | None = None, gazetteer=None) -> list[tuple[str, str]]:
    """(name, sentence) for agencies named in prose: a place name or an agency start word, then
    up to 16 characters, then an agency suffix, with no punctuation in between. A name directly
    followed by another (省药监局武汉分局) is one agency."""
    vocab = vocab or load_vocabulary()
    starts: set[int] = set()
    if gazetteer is not None and hasattr(gazetteer, "mention_spans"):
        starts.update(s for s, _, _ in gazetteer.mention_spans(text))
    starts.update(m.start() for m in vocab.mention_start_re.finditer(text)
                  if not text.startswith(vocab.mention_start_exclusions, m.start()))
    spans: list[list[int]] = []
    for start in sorted(starts):
        if spans and start < spans[-1][1]:
            continue
        window = _HAN_RUN.match(text, start)
        if not window:
            continue
        chunk = window.group(0)
        best = next((m.end() for m in vocab.mention_suffix_re.finditer(chunk) if m.end() >= 3), None)
        if best is None:
            continue
        name = chunk[:best]
        if name in vocab.not_agencies or any(name.endswith(w) for w in vocab.not_agencies):
            continue
        if _NOT_IN_NAME.search(name, 1) and not name.endswith(("管委会", "委员会")):
            continue
        if spans and spans[-1][1] == start:
            spans[-1][1] = start + best
        else:
            spans.append([start, start + best])
    return [(text[s:e], _sentence_around(text, s, e)) for s, e in spans]


def _sentence_around(text: str, start: int, end: int) -> str:
    left = max(text.rfind(c, 0, start) for c in "。；;！？\n")
    right_candidates = [p for p in (text.find(c, end) for c in "。；;！？\n") if p >= 0]
    right = min(right_candidates) + 1 if right_candidates else len(text)
    return text[left + 1:right].strip()


_MARKED = re.compile(r"[（(〔［\[](牵头|配合|参与|协办)[)）〕］\]]$")  # A（牵头） / A〔牵头〕


# When or how long, never who: 2026年底前完成, 持续推进, 长期坚持, 每年开展, 2026-12.
_TIME_PHRASE = re.compile(r"^(?:[\d〇零一二三四五六七八九十]{4}\s*(?:年|-|\.)|持续|长期|常态化|逐年|每年|年内|年底|"
                          r"分步|分阶段|\d{1,2}月)")


def _units(group: Group, vocab: Vocabulary, gazetteer) -> list[tuple[str, str, bool]]:
    """(printed name, role, explicit) of a group. A会同B: A keeps the group's role, B supports.
    A（牵头）、B、C: A leads and the others of the list support."""
    head, _, convened = group.listed.partition("会同")
    out, marked_lead = [], False
    for name in _split_list(head, vocab, gazetteer):
        if _TIME_PHRASE.match(name):
            continue  # the note's deadline after its units (…、市财政局，2026年底前完成): no unit
        mark = _MARKED.search(name)
        if mark:
            marked_lead = marked_lead or mark.group(1) == "牵头"
            out.append((name[: mark.start()], "lead" if mark.group(1) == "牵头" else "support", True))
        else:
            out.append((name, group.role, group.explicit))
    if marked_lead:
        out = [(n, role if explicit else "support", True) for n, role, explicit in out]
    if convened:
        out += [(n, "support", True) for n in _split_list(convened, vocab, gazetteer)]
    return out


def extract_agencies(text: str, region: str, *, table_lead: str = "", table_support: str = "",
                     gazetteer=None, vocab: Vocabulary | None = None,
                     first_listed_lead: bool = False, carried: list[Group] | tuple = ()) -> list[AgencyRef]:
    """All agencies of one measure. A name printed under both roles keeps both; a name with a role
    is not also reported as a mention. ``first_listed_lead``: the document states that the first unit
    of a list leads (列第一位者为牵头单位), so the others of a plain list support. ``carried``: units an
    earlier item made responsible for every later one (以下均需X落实，不再列出)."""
    vocab = vocab or load_vocabulary()
    text = join_broken_brackets(to_simplified(text))
    refs: list[AgencyRef] = []
    seen: set[tuple[str, str, str]] = set()

    def add(printed: str, role: str, evidence: str, national_list: bool = False) -> None:
        own, name, collective = _identity(printed, region, gazetteer, vocab, national_list)
        if (own, name, role) in seen or not name:
            return
        seen.add((own, name, role))
        refs.append(AgencyRef(name=name, role=role, printed=printed, region=own, evidence=evidence,
                              collective=collective))

    groups, spans = _responsibility_groups(text, vocab)
    if table_lead or table_support:
        # the task table's columns state the roles; the body's annotation of the same task (merged
        # into its text) repeats them less precisely (按职责分工负责), so it gives no roles of its own
        groups = []
    for role, cell in (("lead", table_lead), ("support", table_support)):
        if cell:
            cell = to_simplified(cell)
            # a lead column beside a support column states the role; alone (责任单位) it lists units
            explicit = role == "support" or bool(table_support)
            groups.append(Group(role, explicit, cell, cell, len(groups) + 1000))
    groups.extend(g for g in carried if _looks_like_agency_list(g.listed, vocab))
    # A note that names its lead (A牵头，B按职责分工负责 / A牵头，B负责落实): the others carry it out
    # beside the lead, they support.
    led = {g.note for g in groups if g.role == "lead" and g.explicit}
    groups = [replace(g, role="support", explicit=True)
              if g.role == "lead" and not g.explicit and g.note in led else g for g in groups]
    firsts: set[int] = set()
    for group in groups:
        units = _units(group, vocab, gazetteer)
        national_list = any(vocab.national.get(printed, ("", False))[1] for printed, _, _ in units)
        for printed, role, explicit in units:
            if first_listed_lead and not explicit and role == "lead":
                role = "lead" if group.note not in firsts else "support"
                firsts.add(group.note)
            add(printed, role, group.evidence, national_list)

    # a unit with a role printed with its other name (市市场监管局（知识产权局）) is also what the
    # prose names without it
    with_role = {(own, n) for own, name, _ in seen for n in {name, _ALIAS_NOTE.sub("", name) or name}}
    for printed, sentence in mentioned_agencies(_strip_spans(text, spans), vocab, gazetteer):
        own, name, _ = _identity(printed, region, gazetteer, vocab)
        if (own, name) in with_role or any(printed == r.printed for r in refs):
            continue
        add(printed, "mention", sentence)
    return refs
