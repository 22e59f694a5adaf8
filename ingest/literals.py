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

    All literals go into one trie-shaped regex, which finds at a position the longest literal
    starting there (the regex engine skips positions by first character in C). Searching again
    from the next position finds overlapping literals too, and a literal's keys include those of
    every literal that is a prefix of it, so no literal occurrence is missed.
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
        self._keys = {lit: frozenset(k for n in range(1, len(lit) + 1) for k in keys.get(lit[:n], ()))
                      for lit in keys}
        self._search = re.compile(trie_regex(keys)).search if keys else None

    def candidates(self, text: str) -> set:
        """Keys whose literals occur in ``text`` (plus the keys without literals)."""
        found = set(self._always)
        if self._search is None:
            return found
        search, keys = self._search, self._keys
        m = search(text)
        while m is not None:
            found |= keys[m.group()]
            m = search(text, m.start() + 1)
        return found


def trie_regex(words: Iterable[str]) -> str:
    """An alternation matching, at a position, the longest of ``words`` that starts there.

    The same matches as ``"|".join(map(re.escape, sorted(words, key=len, reverse=True)))`` (the
    regex engine tries alternatives one by one, so a trie of shared prefixes is much faster for
    hundreds of words); words matching at one position are prefixes of each other, so longest-first
    is the only order that matters, also when what follows makes the engine backtrack."""
    trie: dict = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = True

    def alternation(node: dict) -> str:
        parts = [re.escape(ch) + child_regex(child) for ch, child in sorted(node.items()) if ch]
        return parts[0] if len(parts) == 1 else "(?:" + "|".join(parts) + ")"

    def child_regex(node: dict) -> str:
        if len(node) == 1 and "" in node:
            return ""
        inner = alternation(node)
        return f"(?:{inner})?" if "" in node else inner

    top = [re.escape(ch) + child_regex(child) for ch, child in sorted(trie.items()) if ch]
    return "|".join(top)

