"""Theme taxonomy: tag measure texts with the practices they talk about, resolve user queries.

Rules live in data/themes.yaml (regexes over simplified text); this module compiles them once.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path


from ingest.yamlfile import read_yaml

from ingest.literals import LiteralIndex, required_literals
from ingest.records import ThemeHit
from ingest.textutil import normalise_punct, sentence_at, to_simplified

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "data" / "themes.yaml"


@dataclass(frozen=True)
class Theme:
    key: str
    name_zh: str
    name_en: str
    synonyms: tuple[str, ...]
    patterns: tuple[re.Pattern, ...]
    exclude: tuple[re.Pattern, ...] = ()

    def __post_init__(self) -> None:
        # Each pattern's required literals: a pattern none of whose literals occur is not run.
        object.__setattr__(self, "_index", LiteralIndex(
            (n, required_literals(p)) for n, p in enumerate(self.patterns)))

    def matches(self, text: str) -> list[re.Match]:
        """Pattern matches in ``text`` (simplified), minus those inside an exclude match, in text order."""
        return self._matches(text, sorted(self._index.candidates(text)))

    def _matches(self, text: str, numbers) -> list[re.Match]:
        """As ``matches``, running only the patterns numbered in ``numbers`` (ascending); the others
        are known not to match (their required literals are absent)."""
        found: list[re.Match] = []
        patterns = self.patterns
        ran = 0
        for n in numbers:
            ran += 1
            for m in patterns[n].finditer(text):
                if m.end() != m.start():
                    found.append(m)
        if not found:
            return found
        if self.exclude:
            blocked = [(m.start(), m.end()) for p in self.exclude for m in p.finditer(text)]
            if blocked:
                found = [m for m in found if not any(s <= m.start() and m.end() <= e for s, e in blocked)]
        if ran > 1:  # one pattern's matches come in text order already, without overlaps
            found.sort(key=lambda m: (m.start(), -m.end()))
        return found


def _query_key(text: str) -> str:
    text = normalise_punct(to_simplified(text.strip())).lower()
    return re.sub(r"[\s\-_'’\"“”()]+", " ", text).strip()


def _words(text: str) -> set[str]:
    return {w for w in re.split(r"[^a-z0-9&]+", text.lower()) if w and w not in _STOP}


_STOP = {"and", "of", "the", "for", "in", "a", "an", "to", "on", "with", "by"}


class Taxonomy:
    def __init__(self, themes: list[Theme]) -> None:
        self._themes = {t.key: t for t in themes}
        self._ordered = list(self._themes.values())
        # One scan of a text for every theme's literals picks the few themes worth matching.
        self._index = LiteralIndex(((i, n), required_literals(p))
                                   for i, t in enumerate(self._ordered) for n, p in enumerate(t.patterns))
        self._names: dict[str, str] = {}
        for t in themes:  # earlier themes win a shared word
            for form in (t.key, t.key.replace("_", " "), t.name_zh, t.name_en, *t.synonyms):
                self._names.setdefault(_query_key(form), t.key)

    def themes(self) -> list[Theme]:
        return list(self._themes.values())

    def get(self, key: str) -> Theme | None:
        return self._themes.get(key)

    def __len__(self) -> int:
        return len(self._themes)

    def tag(self, text: str) -> list[ThemeHit]:
        """One hit per theme the text talks about; evidence is the sentence of the first match."""
        if not text:
            return []
        simplified = to_simplified(text)  # t2s keeps length, so offsets hold for either script
        candidates: dict[int, list[int]] = {}  # theme order -> pattern numbers, both ascending
        for i, n in sorted(self._index.candidates(simplified)):
            candidates.setdefault(i, []).append(n)
        hits: list[ThemeHit] = []
        for i, numbers in candidates.items():
            theme = self._ordered[i]
            found = theme._matches(simplified, numbers)
            if not found:
                continue
            terms = list(dict.fromkeys([m.group(0) for m in found]))
            hits.append(ThemeHit(key=theme.key, terms=terms, evidence=sentence_at(simplified, found[0].start())))
        return hits

    def resolve_query(self, query: str | None) -> Theme | None:
        """A theme for a key, a name or synonym (either script, any case), or a phrase the rules match."""
        if not query or not query.strip():
            return None
        q = _query_key(query)
        if q in self._names:
            return self._themes[self._names[q]]
        if re.search(r"[\u3400-\u9fff]", q):
            return self._resolve_chinese(q.replace(" ", ""))
        return self._resolve_english(q)

    def _resolve_chinese(self, q: str) -> Theme | None:
        """The theme whose rules cover most of the phrase (专利权质押融资 -> ip_pledge_financing)."""
        best, best_cover = None, 0
        for theme in self._themes.values():
            cover = sum(m.end() - m.start() for m in theme.matches(q))
            if cover > best_cover:
                best, best_cover = theme, cover
        if best is not None and best_cover * 3 >= len(q):
            return best
        return None

    def _resolve_english(self, q: str) -> Theme | None:
        """Best word overlap with a theme's English name or synonyms; half the words must agree."""
        words = _words(q)
        if not words:
            return None
        best, best_score = None, 0.0
        for theme in self._themes.values():
            for form in (theme.name_en, theme.key.replace("_", " "), *theme.synonyms):
                fw = _words(form)
                if not fw or not re.search(r"[a-z]", form.lower()):
                    continue
                score = len(words & fw) / len(words | fw)
                if score > best_score:
                    best, best_score = theme, score
        return best if best_score >= 0.5 else None


def _compile(patterns) -> tuple[re.Pattern, ...]:
    return tuple(re.compile(p) for p in patterns or ())


@lru_cache(maxsize=4)
def _load(path: str) -> Taxonomy:
    data = read_yaml(path) or {}
    themes = []
    seen = set()
    for row in data.get("themes") or []:
        key = row["key"]
        if key in seen:
            raise ValueError(f"themes: duplicate key {key}")
        seen.add(key)
        themes.append(Theme(key=key, name_zh=row.get("name_zh", key), name_en=row.get("name_en", key),
                            synonyms=tuple(row.get("synonyms") or ()), patterns=_compile(row.get("patterns")),
                            exclude=_compile(row.get("exclude"))))
    return Taxonomy(themes)


def load_taxonomy(path: str | Path | None = None) -> Taxonomy:
    """The taxonomy at ``path`` (default data/themes.yaml), compiled once per process."""
    return _load(str(Path(path) if path else DEFAULT_PATH))
