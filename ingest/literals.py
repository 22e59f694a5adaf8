"""Cheap prefilters for regex rules: the literal text a pattern cannot match without.

``required_literals`` reads a compiled pattern's syntax tree and returns a set of strings such
that every match of the pattern contains at least one of them (``知识产权(证券化|ABS)`` ->
{知识产权证券化, 知识产权ABS}), or None when no such set can be read off (the pattern may match
anything, e.g. ``[^。]{0,4}``). ``LiteralIndex`` checks many such sets against a text at once,
so a rule whose literals are all absent is skipped without running its regex. It only ever skips
patterns that cannot match: results are the same as running every pattern.
"""
from __future__ import annotations

import re
from collections.abc import Hashable, Iterable

from ahocorasick_rs import AhoCorasick, MatchKind

try:  # Python 3.11+
    from re import _constants as _c, _parser as _sre
except ImportError:  # pragma: no cover - older Pythons
    import sre_constants as _c  # type: ignore[no-redef]
    import sre_parse as _sre  # type: ignore[no-redef]

_MAX_SET = 64  # largest set of alternatives kept (products of alternations grow fast)
_MAX_CLASS = 16  # a character class of up to this many literal characters counts as alternatives

Literals = frozenset[str]


def required_literals(pattern: re.Pattern | str) -> Literals | None:
    """Strings at least one of which every match of ``pattern`` contains; None if unknown."""
    compiled = re.compile(pattern) if isinstance(pattern, str) else pattern
    if compiled.flags & re.IGNORECASE:
        return None
    try:
        tree = _sre.parse(compiled.pattern, compiled.flags)
    except Exception:  # pragma: no cover - re.compile accepted it, the parser should too
        return None
    return _sequence(list(tree))[1]


def _best(candidates: list[set[str]]) -> Literals | None:
    """The most selective required set: longest shortest string, then fewest strings."""
    valid = [_minimal(c) for c in candidates if c and "" not in c]
    if not valid:
        return None
    return max(valid, key=lambda c: (min(map(len, c)), -len(c)))


def _minimal(strings: set[str]) -> Literals:
    """Drop strings containing another string of the set: "any of them occurs" stays the same."""
    kept: list[str] = []
    for s in sorted(strings, key=len):
        if not any(k in s for k in kept):
            kept.append(s)
    return frozenset(kept)


def _sequence(items: list) -> tuple[set[str] | None, Literals | None]:
    """(exact, required) for a sequence: the finite set of texts it matches (or None), and a
    required-literal set (or None)."""
    candidates: list[set[str]] = []
    run: set[str] = {""}
    all_exact = True
    for op, av in items:
        exact, required = _element(op, av)
        if exact is not None:
            product = {a + b for a in run for b in exact}
            if len(product) > _MAX_SET:
                candidates.append(run)
                all_exact = False
                run = set(exact)
            else:
                run = product
            continue
        all_exact = False
        candidates.append(run)
        run = {""}
        if required is not None:
            candidates.append(set(required))
    candidates.append(run)
    return (run if all_exact else None), _best(candidates)


def _element(op, av) -> tuple[set[str] | None, Literals | None]:
    if op is _c.LITERAL:
        ch = chr(av)
        return {ch}, frozenset((ch,))
    if op is _c.IN:
        chars = set()
        for item_op, item_av in av:
            if item_op is not _c.LITERAL:
                return None, None
            chars.add(chr(item_av))
        if not chars or len(chars) > _MAX_CLASS:
            return None, None
        return chars, frozenset(chars)
    if op is _c.SUBPATTERN:
        _group, add_flags, _del_flags, sub = av
        if add_flags & re.IGNORECASE:
            return None, None
        return _sequence(list(sub))
    if op is _c.BRANCH:
        exact: set[str] | None = set()
        required: set[str] | None = set()
        for alternative in av[1]:
            e, r = _sequence(list(alternative))
            if exact is not None:
                exact = exact | e if e is not None else None
                if exact is not None and len(exact) > _MAX_SET:
                    exact = None
            if required is not None:
                required = required | r if r is not None else None
        return exact, (frozenset(required) if required else None)
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT, getattr(_c, "POSSESSIVE_REPEAT", None)):
        lo, hi, sub = av
        e, r = _sequence(list(sub))
        if lo == 1 and hi == 1:
            return e, r
        if lo == 0 and hi == 1 and e is not None:
            return e | {""}, None
        return None, (r if lo >= 1 else None)
    if op in (_c.AT, _c.ASSERT, _c.ASSERT_NOT):
        return {""}, None  # zero width: adds nothing to the matched text
    return None, None


class LiteralIndex:
    """Which of many keys (each with a required-literal set, or None = always) may match a text.

    All literals go into one Aho-Corasick automaton that reports every occurrence of every
    literal, overlapping ones included, in one pass over the text.
    """

    def __init__(self, entries: Iterable[tuple[Hashable, Literals | None]]) -> None:
        self._always: frozenset = frozenset()
        keys: dict[str, set] = {}
        always = set()
        for key, literals in entries:
            if not literals:
                always.add(key)
                continue
            for lit in literals:
                keys.setdefault(lit, set()).add(key)
        self._always = frozenset(always)
        self._keys = [frozenset(k) for k in keys.values()]
        self._find = AhoCorasick(list(keys)).find_matches_as_indexes if keys else None

    def candidates(self, text: str) -> set:
        """Keys whose literals occur in ``text`` (plus the keys without literals)."""
        found = set(self._always)
        if self._find is None:
            return found
        keys = self._keys
        for literal in {literal for literal, _, _ in self._find(text, overlapping=True)}:
            found |= keys[literal]
        return found


class LongestMatcher:
    """Where many words occur in a text: at the leftmost position where any word starts, the
    longest word starting there, then on from its end (no overlaps).

    The same spans as ``re.finditer`` over ``"|".join(sorted(words, key=len, reverse=True))``,
    found by one Aho-Corasick automaton (ahocorasick-rs) in a single pass: the regex engine tries
    the alternatives one by one at every position whose first character fits, ~35x slower over
    the gazetteer's ~3,800 region names."""

    def __init__(self, words: Iterable[str]) -> None:
        self.words = list(dict.fromkeys(words))
        self._find = AhoCorasick(self.words, matchkind=MatchKind.LeftmostLongest).find_matches_as_indexes

    def spans(self, text: str) -> list[tuple[int, int, int]]:
        """(start, end, index into ``words``) of each match, in text order; offsets in characters."""
        return [(start, end, word) for word, start, end in self._find(text)]

