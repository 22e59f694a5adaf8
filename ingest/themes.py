"""Theme taxonomy, two levels: themes (broad fields of policy) and the named practices inside them.

Rules live in data/themes.yaml (regexes over simplified text); this module compiles them once,
tags measure texts with both levels and resolves a user's question (either script, English) to a
theme or a practice: the ONE resolver the API, the CLI and the pages use (see ``Taxonomy.resolve``).

Two rules keep tagging precise on documents of every level of government:
- a theme's ``generic`` patterns (市场准入, 改革试点: words every kind of document uses) count only
  beside another hit of the same theme, never alone;
- a practice belongs to one theme, and a measure that carries the practice carries the theme too
  (知保贷 is IP-pledge financing even where the text never says 质押).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ingest.literals import LiteralIndex, required_literals
from ingest.records import PracticeHit, ThemeHit
from ingest.textutil import FULL_WIDTH_PUNCT, normalise_punct, sentence_at, to_simplified
from ingest.yamlfile import read_yaml

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "data" / "themes.yaml"


def _run(patterns, numbers, text: str) -> list[re.Match]:
    """Non-empty matches of the patterns numbered in ``numbers``, in text order."""
    found = [m for n in numbers for m in patterns[n].finditer(text) if m.end() != m.start()]
    found.sort(key=lambda m: (m.start(), -m.end()))
    return found


def _outside(found: list[re.Match], exclude, text: str) -> list[re.Match]:
    if not found or not exclude:
        return found
    blocked = [(m.start(), m.end()) for p in exclude for m in p.finditer(text)]
    return [m for m in found if not any(s <= m.start() and m.end() <= e for s, e in blocked)]


@dataclass(frozen=True)
class Practice:
    """A named practice (银税互动, 知保贷 …): aliases in either script and English, one theme."""

    key: str
    theme: str
    name_zh: str
    name_en: str
    aliases: tuple[str, ...]
    patterns: tuple[re.Pattern, ...]
    exclude: tuple[re.Pattern, ...] = ()
    # A practice that is the setting of whole programmes (OPC社区 in an OPC plan) tags its theme
    # only as a generic word does: beside another hit of the theme.
    generic: bool = False

    def matches(self, text: str) -> list[re.Match]:
        return _outside(_run(self.patterns, range(len(self.patterns)), text), self.exclude, text)

    def as_dict(self) -> dict:
        return {"key": self.key, "name_zh": self.name_zh, "name_en": self.name_en, "theme": self.theme,
                "aliases": list(self.aliases)}


@dataclass(frozen=True)
class Theme:
    key: str
    name_zh: str
    name_en: str
    synonyms: tuple[str, ...]
    patterns: tuple[re.Pattern, ...]
    exclude: tuple[re.Pattern, ...] = ()
    generic: tuple[re.Pattern, ...] = ()  # count only beside another hit of this theme
    practices: tuple[Practice, ...] = field(default=())

    @property
    def rules(self) -> tuple[re.Pattern, ...]:
        """Specific patterns first, then the generic ones (numbered after them)."""
        return self.patterns + self.generic

    def matches(self, text: str) -> list[re.Match]:
        """Matches in ``text`` (simplified) that tag the theme, minus those inside an exclude
        match, in text order; generic words alone give none."""
        return self._matches(text, range(len(self.rules)))

    def _matches(self, text: str, numbers, strong: list[re.Match] = (),
                 weak: list[re.Match] = ()) -> list[re.Match]:
        """As ``matches``, running only the rules numbered in ``numbers``; the others are known not
        to match (their required literals are absent). ``strong`` / ``weak``: matches of the
        theme's practices, counted as specific / generic words."""
        numbers = list(numbers)
        specific = [n for n in numbers if n < len(self.patterns)]
        found = _outside(_run(self.rules, specific, text), self.exclude, text) + list(strong)
        generic = [n for n in numbers if n >= len(self.patterns)]
        if not generic and not weak:
            return sorted(found, key=lambda m: (m.start(), -m.end()))
        weak = _outside(_run(self.rules, generic, text), self.exclude, text) + list(weak)
        if not found and len({m.group(0) for m in weak}) < 2:
            return []  # one generic word never tags a theme alone
        return sorted(found + weak, key=lambda m: (m.start(), -m.end()))


@dataclass(frozen=True)
class Topic:
    """What a question names: a theme, or a practice (with the theme it belongs to)."""

    theme: Theme
    practice: Practice | None = None

    @property
    def kind(self) -> str:
        return "practice" if self.practice else "theme"

    @property
    def key(self) -> str:
        return self.practice.key if self.practice else self.theme.key


def _query_key(text: str) -> str:
    text = normalise_punct(to_simplified(text.strip())).lower()
    return re.sub(r"[\s\-_'’\"“”()]+", " ", text).strip()


def _words(text: str) -> set[str]:
    return {w for w in re.split(r"[^a-z0-9&]+", text.lower()) if w and w not in _STOP}


_STOP = {"and", "of", "the", "for", "in", "a", "an", "to", "on", "with", "by"}
_CJK = re.compile(r"[\u3400-\u9fff]")


class Taxonomy:
    def __init__(self, themes: list[Theme]) -> None:
        self._themes = {t.key: t for t in themes}
        self._ordered = list(self._themes.values())
        self._practices = {p.key: p for t in themes for p in t.practices}
        self._practice_list = list(self._practices.values())
        # One scan of a text for every rule's literals picks the few themes and practices worth matching.
        self._index = LiteralIndex(((i, n), required_literals(p))
                                   for i, t in enumerate(self._ordered) for n, p in enumerate(t.rules))
        self._practice_index = LiteralIndex(((i, n), required_literals(p))
                                            for i, pr in enumerate(self._practice_list)
                                            for n, p in enumerate(pr.patterns))
        # A question's exact wording: theme names, then practice names and aliases, then theme
        # synonyms (a practice's own name is more precise than a theme's loose synonym).
        self._names: dict[str, Topic] = {}
        for t in themes:
            for form in (t.key, t.key.replace("_", " "), t.name_zh, t.name_en):
                self._names.setdefault(_query_key(form), Topic(t))
        for p in self._practice_list:
            for form in (p.key, p.key.replace("_", " "), p.name_zh, p.name_en, *p.aliases):
                self._names.setdefault(_query_key(form), Topic(self._themes[p.theme], p))
        for t in themes:  # earlier themes win a shared word
            for form in t.synonyms:
                self._names.setdefault(_query_key(form), Topic(t))

    def themes(self) -> list[Theme]:
        return list(self._themes.values())

    def practices(self) -> list[Practice]:
        return list(self._practice_list)

    def get(self, key: str) -> Theme | None:
        return self._themes.get(key)

    def practice(self, key: str) -> Practice | None:
        return self._practices.get(key)

    def __len__(self) -> int:
        return len(self._themes)

    # -- tagging -------------------------------------------------------------------------

    def tag(self, text: str) -> list[ThemeHit]:
        """One hit per theme the text talks about; evidence is the sentence of the first match."""
        return self.tag_both(text)[0]

    def tag_both(self, text: str) -> tuple[list[ThemeHit], list[PracticeHit]]:
        """Themes and practices of a text. A practice also tags its theme (its terms are the
        theme's terms where the theme's own rules found none)."""
        if not text:
            return [], []
        simplified = to_simplified(text)  # t2s keeps length, so offsets hold for either script
        practices: list[PracticeHit] = []
        by_theme: dict[str, tuple[list[re.Match], list[re.Match]]] = {}  # theme -> (strong, weak)
        for i, numbers in _by_owner(self._practice_index.candidates(simplified)):
            practice = self._practice_list[i]
            found = _outside(_run(practice.patterns, numbers, simplified), practice.exclude, simplified)
            if found:
                practices.append(PracticeHit(key=practice.key, theme=practice.theme,
                                             terms=list(dict.fromkeys(m.group(0) for m in found)),
                                             evidence=sentence_at(simplified, found[0].start())))
                by_theme.setdefault(practice.theme, ([], []))[practice.generic].extend(found)
        candidates = dict(_by_owner(self._index.candidates(simplified)))
        for key in by_theme:
            candidates.setdefault(list(self._themes).index(key), [])
        hits: list[ThemeHit] = []
        for i in sorted(candidates):
            theme = self._ordered[i]
            found = theme._matches(simplified, candidates[i], *by_theme.get(theme.key, ((), ())))
            if not found:
                continue
            terms = list(dict.fromkeys([m.group(0) for m in found]))
            hits.append(ThemeHit(key=theme.key, terms=terms, evidence=sentence_at(simplified, found[0].start())))
        return hits, practices

    # -- questions -----------------------------------------------------------------------

    def resolve(self, query: str | None) -> Topic | None:
        """The theme or practice a question names: a key, a name, an alias or synonym (either
        script, any case), or a phrase the rules cover. A practice wins a tie with its theme:
        专利权质押融资 asks for patent pledges, not for every kind of IP pledge."""
        if not query or not query.strip():
            return None
        q = _query_key(query)
        if q in self._names:
            return self._names[q]
        if _CJK.search(q):
            return self._resolve_chinese(q.replace(" ", ""))
        return self._resolve_english(q)

    def resolve_query(self, query: str | None) -> Theme | None:
        """The theme a question is about (a practice's theme for a practice question)."""
        topic = self.resolve(query)
        return topic.theme if topic else None

    def _resolve_chinese(self, q: str) -> Topic | None:
        """The theme or practice whose rules cover most of the phrase (专利权质押融资 -> patent pledges).
        Only the rules whose literals the phrase holds are run, as tagging runs them (every rule
        of every topic took 0.28 ms a phrase, most phrases naming none)."""
        best, best_cover = None, 0
        for i, numbers in _by_owner(self._practice_index.candidates(q)):
            practice = self._practice_list[i]
            cover = _cover(_outside(_run(practice.patterns, numbers, q), practice.exclude, q))
            if cover > best_cover:
                best, best_cover = Topic(self._themes[practice.theme], practice), cover
        for i, numbers in _by_owner(self._index.candidates(q)):
            theme = self._ordered[i]
            cover = _cover(theme._matches(q, numbers))
            if cover > best_cover:
                best, best_cover = Topic(theme), cover
        if best is not None and best_cover * 3 >= len(q):
            return best
        return None

    def _resolve_english(self, q: str) -> Topic | None:
        """Best word overlap with an English name, alias or synonym; half the words must agree.
        Practices are tried first and keep a tie."""
        words = _words(q)
        if not words:
            return None
        best, best_score = None, 0.0
        forms = [(Topic(self._themes[p.theme], p), (p.name_en, p.key.replace("_", " "), *p.aliases))
                 for p in self._practice_list]
        forms += [(Topic(t), (t.name_en, t.key.replace("_", " "), *t.synonyms)) for t in self._themes.values()]
        for topic, texts in forms:
            for form in texts:
                fw = _words(form)
                if not fw or not re.search(r"[a-z]", form.lower()):
                    continue
                score = len(words & fw) / len(words | fw)
                if score > best_score:
                    best, best_score = topic, score
        return best if best_score >= 0.5 else None


def _by_owner(candidates: set[tuple[int, int]]) -> list[tuple[int, list[int]]]:
    """(topic number, its rule numbers) of LiteralIndex candidates keyed (topic, rule), in
    topic order, each topic's rules in order."""
    owners: dict[int, list[int]] = {}
    for i, n in sorted(candidates):
        owners.setdefault(i, []).append(n)
    return list(owners.items())


def _cover(matches: list[re.Match]) -> int:
    """Characters of the query the matches cover (overlaps counted once)."""
    covered: set[int] = set()
    for m in matches:
        covered.update(range(m.start(), m.end()))
    return len(covered)


# The rules read simplified text with its punctuation as printed: full width (，；：（）) in the
# genre, ASCII in some copies. A stop class written with one width ([^。;,]) holds both.
_WIDTHS = {full: ascii_ for full, ascii_ in FULL_WIDTH_PUNCT.items() if ascii_ != " "}
_WIDTHS.update({ascii_: full for full, ascii_ in list(_WIDTHS.items())})
_STOP_CLASS = re.compile(r"\[\^([^\]]*)\]")


def _both_widths(pattern: str) -> str:
    def widen(m: re.Match) -> str:
        members = m.group(1)
        extra = "".join(dict.fromkeys(_WIDTHS[c] for c in members if c in _WIDTHS and _WIDTHS[c] not in members))
        return f"[^{members}{extra}]"
    return _STOP_CLASS.sub(widen, pattern)


def _compile(patterns) -> tuple[re.Pattern, ...]:
    return tuple(re.compile(_both_widths(p)) for p in patterns or ())


def _practice(row: dict, theme: str) -> Practice:
    aliases = tuple(row.get("aliases") or ())
    patterns = row.get("patterns")
    if not patterns:  # the Chinese names themselves, in simplified form
        names = {to_simplified(a) for a in (row.get("name_zh", ""), *aliases) if a and _CJK.search(a)}
        patterns = ["|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))] if names else []
    return Practice(key=row["key"], theme=theme, name_zh=row.get("name_zh", row["key"]),
                    name_en=row.get("name_en", row["key"]), aliases=aliases, patterns=_compile(patterns),
                    exclude=_compile(row.get("exclude")), generic=bool(row.get("generic")))


@lru_cache(maxsize=4)
def _load(path: str) -> Taxonomy:
    data = read_yaml(path) or {}
    themes = []
    seen: set[str] = set()
    for row in data.get("themes") or []:
        key = row["key"]
        practices = tuple(_practice(p, key) for p in row.get("practices") or ())
        for k in (key, *(p.key for p in practices)):  # one namespace: a key names one thing
            if k in seen:
                raise ValueError(f"themes: duplicate key {k}")
            seen.add(k)
        themes.append(Theme(key=key, name_zh=row.get("name_zh", key), name_en=row.get("name_en", key),
                            synonyms=tuple(row.get("synonyms") or ()), patterns=_compile(row.get("patterns")),
                            exclude=_compile(row.get("exclude")), generic=_compile(row.get("generic")),
                            practices=practices))
    return Taxonomy(themes)


def load_taxonomy(path: str | Path | None = None) -> Taxonomy:
    """The taxonomy at ``path`` (default data/themes.yaml), compiled once per process."""
    return _load(str(Path(path) if path else DEFAULT_PATH))
