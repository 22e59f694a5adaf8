"""Agencies a measure names: who leads, who supports, who is merely mentioned.

Three printed formats carry responsibility:

* field lines: ``责任单位:A、B,配合单位:C、D`` (lead / support);
* a closing note in parentheses: ``(A牵头负责)``, ``(A、B等部门按职责分工负责)``, ``(A、B负责)`` (all lead);
* a task-table column such as 推广牵头单位 (lead) or 配合单位 (support).

Lists are split on separators, on agency-suffix boundaries when printed without separators
(市金融办市银监办人民银行), and distributive lists are expanded (福州、厦门、泉州市政府 -> three city
governments). Agencies only named in the prose are recognised by their suffix and reported as mentions.
Identity is scoped to the document's region; genre-level aliases come from data/agencies.yaml.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from ingest.yamlfile import read_yaml

from ingest.normalise import to_simplified
from ingest.records import AgencyRef

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "data" / "agencies.yaml"

_SEPARATORS = re.compile(r"[、，,；;／/]|\s+")
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
    responsibility_tails: tuple[str, ...]
    suffix_aliases: tuple[tuple[str, str], ...]
    mention_suffixes: tuple[str, ...]
    mention_starts: tuple[str, ...]
    not_agencies: frozenset[str]
    mention_start_exclusions: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        # Compiled once per vocabulary: these run for every measure of every document.
        alt = lambda words: "|".join(re.escape(w) for w in words)  # noqa: E731
        derived = {
            "_suffixes": tuple(s for s in self.suffixes if s),
            "_empty_suffix": "" in self.suffixes,
            "_tails": (*self.responsibility_tails, *self.drop_tails),
            "marker_re": re.compile(rf"({alt((*self.lead_markers, *self.support_markers))})\s*[:：]"),
            "start_re": re.compile(rf"(?:{alt(self.new_agency_starts)})"),
            "tail_re": re.compile(rf"(?:{alt(self.responsibility_tails)})$"),
            "mention_suffix_re": re.compile(alt(self.mention_suffixes)),
            "mention_start_re": re.compile(alt(self.mention_starts)),
        }
        for key, value in derived.items():
            object.__setattr__(self, key, value)

    def has_suffix(self, name: str) -> bool:
        return name.endswith(self._suffixes) or (self._empty_suffix and not name)

    def is_responsibility_note(self, note: str) -> bool:
        return bool(self.tail_re.search(note))


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
        responsibility_tails=by_len(data["responsibility_tails"]),
        suffix_aliases=tuple(sorted(data.get("suffix_aliases", {}).items(), key=lambda kv: -len(kv[0]))),
        mention_suffixes=by_len(data["mention_suffixes"]),
        mention_starts=by_len(data["mention_starts"]),
        not_agencies=frozenset(data.get("not_agencies", [])),
        mention_start_exclusions=tuple(data.get("mention_start_exclusions", [])),
    )


# ---------------------------------------------------------------- list splitting

def _strip_tails(text: str, vocab: Vocabulary) -> str:
    text = text.strip(" \u3000,，;；。.:：")
    tails = vocab._tails
    changed = True
    while changed and text and text.endswith(tails):  # one C-level test before the ordered search
        changed = False
        for tail in tails:
            if text.endswith(tail) and len(text) > len(tail):
                text = text[: -len(tail)].rstrip(" \u3000,，、")
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


def _split_list(text: str, vocab: Vocabulary, gazetteer) -> list[str]:
    text = _strip_tails(text, vocab)
    pieces: list[str] = []
    for raw in _SEPARATORS.split(text):
        raw = _strip_tails(raw, vocab)
        if not raw:
            continue
        pieces.extend(p for p in _split_run(raw, vocab) if p)
    pieces = _distribute(pieces, vocab, gazetteer)
    out: list[str] = []
    for p in pieces:
        if p not in out and p not in vocab.not_agencies:
            out.append(p)
    return out


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
        if found is not None:
            full = found.full_name
    out = []
    if full and full[-1] in _LEVEL_CHARS and full != region:
        out.append((to_simplified(full), full[-1]))
    for level in _LEVEL_CHARS:
        pair = (region + level, level)
        if pair not in out:
            out.append(pair)
    return out


def canonical_name(printed: str, region: str, gazetteer=None, vocab: Vocabulary | None = None) -> str:
    """One name per agency within a region: long official forms and region-prefixed forms folded
    into the short form the genre prints (厦门市科学技术局 in 厦门 -> 市科技局)."""
    return _canonical(to_simplified(printed), region, gazetteer, vocab or load_vocabulary())


_CANONICAL: dict[tuple[int, int, str, str], tuple[object, object, str]] = {}


def _canonical(printed: str, region: str, gazetteer, vocab: Vocabulary) -> str:
    """Memoised: the same few agency names recur in every measure of a region."""
    key = (id(vocab), id(gazetteer), region, printed)
    hit = _CANONICAL.get(key)
    if hit is not None and hit[0] is vocab and hit[1] is gazetteer:  # the entry keeps both alive
        return hit[2]
    if len(_CANONICAL) > 50_000:
        _CANONICAL.clear()
    name = _compute_canonical(printed, region, gazetteer, vocab)
    _CANONICAL[key] = (vocab, gazetteer, name)
    return name


def _compute_canonical(printed: str, region: str, gazetteer, vocab: Vocabulary) -> str:
    name = printed.strip()
    name = name.replace("（", "(").replace("）", ")")
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

_CLOSING_NOTE = re.compile(r"[(（]([^()（）]+)[)）]\s*[。.]?\s*$")


def responsibility_lines(text: str, vocab: Vocabulary | None = None) -> list[tuple[str, str, str]]:
    """(role, list text, evidence line) for every field line and closing note in ``text``."""
    vocab = vocab or load_vocabulary()
    marker = vocab.marker_re
    found: list[tuple[str, str, str]] = []
    for line in text.split("\n"):
        line = line.strip(" \u3000\t")
        hits = list(marker.finditer(line))
        if hits and hits[0].start() <= 2:
            for n, m in enumerate(hits):
                end = hits[n + 1].start() if n + 1 < len(hits) else len(line)
                role = "lead" if m.group(1) in vocab.lead_markers else "support"
                found.append((role, line[m.end():end], line))
            continue
        note = _CLOSING_NOTE.search(line)
        if note and vocab.is_responsibility_note(note.group(1)):
            found.append(("lead", note.group(1), note.group(0).strip()))
    return found


def _strip_responsibility(text: str, vocab: Vocabulary) -> str:
    """The prose of a measure without its field lines and closing notes (for mention scanning)."""
    marker = vocab.marker_re
    kept = []
    for line in text.split("\n"):
        s = line.strip(" \u3000\t")
        m = marker.search(s)
        if m and m.start() <= 2:
            continue
        note = _CLOSING_NOTE.search(s)
        if note and vocab.is_responsibility_note(note.group(1)):
            s = s[: note.start()]
        kept.append(s)
    return "\n".join(kept)


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


def extract_agencies(text: str, region: str, *, table_lead: str = "", table_support: str = "",
                     gazetteer=None, vocab: Vocabulary | None = None) -> list[AgencyRef]:
    """All agencies of one measure. A name printed under both roles keeps both; a name with a role
    is not also reported as a mention."""
    vocab = vocab or load_vocabulary()
    text = to_simplified(text)
    refs: list[AgencyRef] = []
    seen: set[tuple[str, str, str]] = set()

    def add(printed: str, role: str, evidence: str) -> None:
        own = agency_region(printed, region, gazetteer)
        name = _canonical(printed, own, gazetteer, vocab)
        if (own, name, role) in seen or not name:
            return
        seen.add((own, name, role))  # 福州市政府 and 厦门市政府 are both a 市政府, of two cities
        refs.append(AgencyRef(name=name, role=role, printed=printed, region=own, evidence=evidence))

    sources = responsibility_lines(text, vocab)
    for role, cell in (("lead", table_lead), ("support", table_support)):
        if cell:
            cell = to_simplified(cell)
            sources.append((role, cell, cell))
    for role, listed, evidence in sources:
        for printed in _split_list(listed, vocab, gazetteer):
            add(printed, role, evidence)

    with_role = {name for _, name, _ in seen}
    for printed, sentence in mentioned_agencies(_strip_responsibility(text, vocab), vocab, gazetteer):
        name = _canonical(printed, agency_region(printed, region, gazetteer), gazetteer, vocab)
        if name in with_role or printed in with_role:
            continue
        add(printed, "mention", sentence)
    return refs
