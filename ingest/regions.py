"""The gazetteer: Chinese regions, their hierarchy and every way a text names them.

Data lives in data/gazetteer.yaml; this module only indexes it. Three uses:

* ``resolve`` what a user typed (厦门市, 廈門, Xiamen) to one region;
* ``mentioned`` scans a simplified text for the regions it names;
* ``region_for_document`` / ``expand_scope`` turn a document's title and a replication
  scope (全省, 自贸试验区、自创区) into concrete region names.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path


from ingest.yamlfile import read_yaml

from ingest.literals import trie_regex
from ingest.textutil import normalise_punct, simplified_punct, to_simplified

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "data" / "gazetteer.yaml"

# Administrative levels, coarse to fine. Zones and areas sit inside an administrative unit.
ADMIN_LEVELS = ("country", "province", "prefecture", "city", "county", "district")
LEVEL_RANK = {lvl: i for i, lvl in enumerate((*ADMIN_LEVELS, "area", "zone"))}
CITY_LEVELS = ("prefecture", "city")

_CJK = re.compile(r"[\u3400-\u9fff]")
# Suffixes a user may add to a short name (厦门市, 福建省, 延边州, Xiamen City).
_ZH_SUFFIXES = ("特别行政区", "自治区", "自治州", "地区", "省", "市", "州", "盟", "区", "县")
_SCOPE_WORDS = ("全省", "省内", "全区", "全市", "市内", "全国", "国内")
_EN_SUFFIXES = ("province", "city", "prefecture", "district", "county", "municipality")


@dataclass(frozen=True)
class Region:
    name: str
    full_name: str
    name_en: str
    level: str
    parent: str | None
    aliases: tuple[str, ...] = ()
    mention: bool = True
    mention_short: bool = True
    mention_exclude: tuple[str, ...] = ()
    multi_city: bool = False
    context_aliases: tuple[str, ...] = ()
    markers: tuple[str, ...] = ()

    @property
    def is_admin(self) -> bool:
        return self.level in ADMIN_LEVELS


@dataclass(frozen=True)
class ZoneGroup:
    """A scope word that stands for several concrete regions inside one province."""

    province: str
    scope_words: tuple[str, ...]
    region: str | None
    members: tuple[str, ...]


def _key(text: str) -> str:
    """Lookup key: simplified, ASCII brackets, no blanks/apostrophes/dashes, lower case."""
    text = normalise_punct(to_simplified(text.strip()))
    return re.sub(r"[\s'’\-_.,]", "", text).lower()


def _strip_suffix(key: str) -> list[str]:
    out = []
    for suf in _ZH_SUFFIXES:
        if key.endswith(suf) and len(key) - len(suf) >= 2:
            out.append(key[: -len(suf)])
    for suf in _EN_SUFFIXES:
        if key.endswith(suf) and len(key) > len(suf) + 2:
            out.append(key[: -len(suf)])
    return out


@dataclass
class Gazetteer:
    _regions: dict[str, Region]
    groups: list[ZoneGroup] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._children: dict[str, list[str]] = {}
        for r in self._regions.values():
            if r.parent:
                self._children.setdefault(r.parent, []).append(r.name)
        self._index = self._build_index()
        self._scan_aliases = self._build_scan_aliases()
        # longest alias first at each position (a trie-shaped regex: the same matches as a plain
        # longest-first alternation, several times faster over ~900 aliases)
        self._scan_re = re.compile(trie_regex(self._scan_aliases)) if self._scan_aliases else None
        self._excludes = sorted({p for r in self._regions.values() for p in r.mention_exclude},
                                key=len, reverse=True)

    # ---- lookup -------------------------------------------------------------------------
    def _build_index(self) -> dict[str, str]:
        """key -> region name. Names beat full names beat aliases; among equals, coarser wins."""
        ranked: dict[str, tuple[tuple[int, int, int], str]] = {}
        for order, r in enumerate(self._regions.values()):
            forms = [(0, r.name), (1, r.full_name), (2, r.name_en)] + [(3, a) for a in r.aliases]
            for prio, form in forms:
                if not form:
                    continue
                k = _key(form)
                rank = (prio, LEVEL_RANK.get(r.level, 99), order)
                if k not in ranked or rank < ranked[k][0]:
                    ranked[k] = (rank, r.name)
        return {k: v[1] for k, v in ranked.items()}

    def resolve(self, text: str | None) -> Region | None:
        """One region for a short name, full name, Traditional form, pinyin or English name."""
        if not text or not text.strip():
            return None
        k = _key(text)
        if k in self._index:
            return self._regions[self._index[k]]
        for stripped in _strip_suffix(k):
            if stripped in self._index:
                return self._regions[self._index[stripped]]
        return None

    def get(self, name: str) -> Region | None:
        return self._regions.get(name)

    def regions(self) -> list[Region]:
        return list(self._regions.values())

    def __len__(self) -> int:
        return len(self._regions)

    def __contains__(self, name: object) -> bool:
        return name in self._regions

    # ---- hierarchy ------------------------------------------------------------------------
    def ancestors(self, name: str) -> list[str]:
        """Parent chain, nearest first (厦门片区 -> [厦门, 福建, 中国])."""
        out: list[str] = []
        r = self._regions.get(name)
        while r is not None and r.parent and r.parent not in out:
            out.append(r.parent)
            r = self._regions.get(r.parent)
        return out

    def children(self, name: str) -> list[str]:
        return list(self._children.get(name, []))

    def is_within(self, name: str, other: str) -> bool:
        """True when ``name`` is ``other`` or lies inside it."""
        return name == other or other in self.ancestors(name)

    def depth(self, name: str) -> int:
        return len(self.ancestors(name))

    def province_of(self, name: str) -> str | None:
        for n in [name, *self.ancestors(name)]:
            r = self._regions.get(n)
            if r is not None and r.level == "province":
                return n
        return None

    def city_of(self, name: str) -> str | None:
        """Nearest city (prefecture- or county-level city, or a municipality) at or above ``name``."""
        for n in [name, *self.ancestors(name)]:
            r = self._regions.get(n)
            if r is None:
                continue
            if r.level in CITY_LEVELS or (r.level == "province" and r.full_name.endswith("市")):
                return n
        return None

    def admin_of(self, name: str) -> str | None:
        """Nearest administrative unit at or above a zone/area (武汉自贸片区 -> 武汉)."""
        for n in [name, *self.ancestors(name)]:
            r = self._regions.get(n)
            if r is not None and r.is_admin:
                return n
        return None

    # ---- scanning text ---------------------------------------------------------------------
    def _build_scan_aliases(self) -> dict[str, str]:
        """Chinese surface forms to look for in running text -> region name."""
        forms: dict[str, tuple[tuple[int, int], str]] = {}
        for order, r in enumerate(self._regions.values()):
            if not r.mention:
                continue
            candidates = [r.full_name, *r.aliases]
            if r.mention_short:
                candidates.append(r.name)
            for form in candidates:
                if not form or len(form) < 2 or not _CJK.search(form):
                    continue
                form = normalise_punct(to_simplified(form))
                rank = (LEVEL_RANK.get(r.level, 99), order)
                if form not in forms or rank < forms[form][0]:
                    forms[form] = (rank, r.name)
        return {f: v[1] for f, v in forms.items()}

    def _mask_excludes(self, text: str) -> str:
        for phrase in self._excludes:
            if phrase in text:
                text = text.replace(phrase, "□" * len(phrase))
        return text

    def mention_spans(self, text: str) -> list[tuple[int, int, str]]:
        """(start, end, region) for each region named in ``text``; longest form wins, no overlaps.

        Offsets index the text as given (conversion and bracket normalisation keep length).
        """
        if not text or self._scan_re is None:
            return []
        scan = self._mask_excludes(simplified_punct(text))
        return [(m.start(), m.end(), self._scan_aliases[m.group(0)]) for m in self._scan_re.finditer(scan)]

    def mentioned(self, text: str) -> list[str]:
        """Regions named in ``text``, in order of first appearance, each once."""
        out: list[str] = []
        for _, _, name in self.mention_spans(text):
            if name not in out:
                out.append(name)
        return out

    # ---- documents ------------------------------------------------------------------------
    def region_for_document(self, title: str | None, issuer: str | None = None, text: str | None = None,
                            *, admin: bool = True) -> str | None:
        """The region a document is issued for, from its title, else issuer, else first lines.

        The most specific region named is kept (a zone inside the first-named city beats the city);
        a pilot FTZ or innovation zone spanning several cities counts as its province. With
        ``admin`` (default) a zone or area is reported as the administrative unit holding it
        (武汉自贸片区 -> 武汉), which is what "the issuing region" means for comparisons.
        """
        head = "\n".join((text or "").splitlines()[:12])[:800]
        pick = None
        for source in (title, issuer, head):
            if source:
                pick = self._most_specific(self.mentioned(source))
                if pick:
                    break
        context = " ".join(s for s in (title, issuer) if s)
        refined = self._refine_by_context(pick, context, text or "")
        if refined:
            pick = refined
        if pick and admin:
            pick = self.admin_of(pick) or pick
        return pick

    def _collapse(self, name: str) -> str:
        r = self._regions.get(name)
        if r is not None and r.multi_city and r.parent:
            return r.parent
        return name

    def _most_specific(self, names: list[str]) -> str | None:
        names = [self._collapse(n) for n in names]
        if not names:
            return None
        best = names[0]
        for n in names[1:]:
            if n != best and best in self.ancestors(n):
                best = n
        return best

    def _refine_by_context(self, pick: str | None, heading: str, text: str) -> str | None:
        """A zone the heading names only generically (经开区, 联动创新区), pinned down by its markers."""
        if not heading:
            return None
        heading = normalise_punct(to_simplified(heading))
        body = normalise_punct(to_simplified(text))
        found = []
        for r in self._regions.values():
            if not r.context_aliases or not any(a in heading for a in r.context_aliases):
                continue
            if pick and not (r.name == pick or pick in self.ancestors(r.name)):
                continue
            hits = sum(body.count(m) for m in r.markers)
            if hits:
                found.append((hits, r.name))
        if not found:
            return None
        found.sort(reverse=True)
        if len(found) > 1 and found[0][0] == found[1][0]:
            return None  # two zones fit equally well: do not guess
        return found[0][1]

    # ---- replication scopes ----------------------------------------------------------------
    def group(self, province: str, word: str) -> list[str]:
        word = normalise_punct(to_simplified(word.strip()))
        for g in self.groups:
            if g.province == province and word in g.scope_words:
                return list(g.members)
        return []

    def _scope_parts(self, text: str, prov: str | None) -> list[str]:
        """Split on list separators; split on 和/及/与 only where the whole is not a name (和田)."""
        out: list[str] = []
        for part in re.split(r"[、,;/\s或]+", text):
            if not part:
                continue
            core = re.sub(r"^(在|向|到|至)|(范围内|范围|内)$", "", part)
            if core in _SCOPE_WORDS or self.resolve(core) or (prov and self.group(prov, core)):
                out.append(part)
            else:
                out.extend(p for p in re.split(r"[和及与]", part) if p)
        return out

    def expand_scope(self, scope_text: str, province: str | None, *, region: str | None = None,
                     exclude: Iterable[str] = ()) -> list[str]:
        """Concrete regions a replication scope names.

        ``province`` may be the province or any region inside it (the issuing region); ``region``
        is the issuing region when it differs (needed for 全市). 全省 -> the province, 全市 -> the
        city, 全国 -> 中国, a scope word with a group (自贸试验区, 自创区) -> its members, a region
        name -> that region. When 全省 is among the parts, parts inside the province add nothing.
        ``exclude`` drops those regions and everything inside them (the practice's own origin).
        """
        if not scope_text:
            return []
        context = region or province
        prov = self.province_of(province) if province else None
        if prov is None and region:
            prov = self.province_of(region)
        out: list[str] = []
        for part in self._scope_parts(normalise_punct(to_simplified(scope_text)), prov):
            part = re.sub(r"^(在|向|到|至)", "", part)
            part = re.sub(r"(内|范围内|范围)$", "", part)
            if part in ("全省", "省内", "全区") and prov:
                out.append(prov)
            elif part in ("全市", "市内") and context:
                city = self.city_of(context)
                if city:
                    out.append(city)
            elif part in ("全国", "国内"):
                out.append("中国")
            elif prov and self.group(prov, part):
                out.extend(self.group(prov, part))
            else:
                r = self.resolve(part)
                if r is not None:
                    out.append(r.name)
        if prov and prov in out:
            out = [n for n in out if n == prov or not self.is_within(n, prov)]
        excluded = list(exclude)
        result: list[str] = []
        for n in out:
            if n in result or any(self.is_within(n, e) for e in excluded):
                continue
            result.append(n)
        return result


def _region_from_yaml(row: dict) -> Region:
    return Region(
        name=row["name"], full_name=row.get("full_name") or row["name"], name_en=row.get("name_en") or "",
        level=row.get("level") or "area", parent=row.get("parent"),
        aliases=tuple(row.get("aliases") or ()), mention=row.get("mention", True),
        mention_short=row.get("mention_short", True), mention_exclude=tuple(row.get("mention_exclude") or ()),
        multi_city=bool(row.get("multi_city", False)), context_aliases=tuple(row.get("context_aliases") or ()),
        markers=tuple(row.get("markers") or ()))


@lru_cache(maxsize=4)
def _load(path: str) -> Gazetteer:
    data = read_yaml(path) or {}
    regions: dict[str, Region] = {}
    for row in data.get("regions") or []:
        r = _region_from_yaml(row)
        if r.name in regions:
            raise ValueError(f"gazetteer: duplicate region {r.name}")
        regions[r.name] = r
    groups = [ZoneGroup(province=g["province"], scope_words=tuple(g.get("scope_words") or ()),
                        region=g.get("region"), members=tuple(g.get("members") or ()))
              for g in data.get("groups") or []]
    return Gazetteer(regions, groups)


def load_gazetteer(path: str | Path | None = None) -> Gazetteer:
    """The gazetteer at ``path`` (default data/gazetteer.yaml), built once per process."""
    return _load(str(Path(path) if path else DEFAULT_PATH))
