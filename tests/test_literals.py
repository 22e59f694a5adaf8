"""Literal prefilters for regex rules: a pattern is only skipped when it cannot match."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from ingest.literals import LiteralIndex, required_literals
from ingest.textutil import normalise_punct, to_simplified
from ingest.themes import load_taxonomy

DEVSET = Path(__file__).resolve().parent.parent / "data" / "devset"
CORPUS = Path(__file__).resolve().parent.parent / "data" / "corpus"


@pytest.mark.parametrize("pattern, expected", [
    ("知识产权", {"知识产权"}),
    ("知识产权(证券化|ABS)", {"知识产权证券化", "知识产权ABS"}),
    ("(的)?质押(融资|贷款)?", {"质押"}),  # optional parts reduce to what every match holds
    ("外国(高端)?人(才|许可)?", {"外国人", "外国高端人"}),
    ("成果[^。]{0,4}转(化|移)", {"成果"}),
    ("分享经济|共享经济", {"分享经济", "共享经济"}),
    ("保税(研发|\\+)?", {"保税"}),
    ("9610|1210", {"9610", "1210"}),
])
def test_required_literals(pattern, expected):
    assert required_literals(pattern) == expected


@pytest.mark.parametrize("pattern", ["[^。]{0,4}", "(a|.)b?", "x*", "(?i)abc", "a|b*", "\\d+"])
def test_no_literals_when_unknown(pattern):
    assert required_literals(pattern) is None


def test_index_candidates():
    index = LiteralIndex([("a", frozenset({"知识产权"})), ("b", frozenset({"专利", "商标"})),
                          ("c", None), ("d", frozenset({"x"}))])
    assert index.candidates("推动商标质押") == {"b", "c"}
    assert index.candidates("知识产权x") == {"a", "c", "d"}
    assert index.candidates("") == {"c"}


def test_every_theme_match_holds_a_required_literal():
    """Soundness on real text: each match of each theme rule contains one of its literals."""
    texts = [normalise_punct(to_simplified(p.read_text(encoding="utf-8"))) for p in sorted(CORPUS.glob("*.txt"))]
    checked = 0
    for theme in load_taxonomy().themes():
        for pattern in (*theme.patterns, *theme.exclude):
            literals = required_literals(pattern)
            for text in texts:
                for m in pattern.finditer(text):
                    if m.group(0):
                        checked += 1
                        assert literals is None or any(lit in m.group(0) for lit in literals), \
                            (theme.key, pattern.pattern, m.group(0), literals)
    assert checked > 500


def test_prefiltered_tagging_equals_running_every_pattern():
    """Tagging runs only the rules whose required literals occur in the text; running every rule
    of every theme and practice must tag the same themes and practices with the same terms."""
    import copy

    class Every:
        def __init__(self, pairs):
            self.pairs = pairs

        def candidates(self, text):
            return list(self.pairs)

    tx = load_taxonomy()
    unfiltered = copy.copy(tx)
    unfiltered._index = Every([(i, n) for i, t in enumerate(tx._ordered) for n in range(len(t.rules))])
    unfiltered._practice_index = Every([(i, n) for i, p in enumerate(tx._practice_list)
                                        for n in range(len(p.patterns))])
    tagged = 0
    for path in [*sorted(CORPUS.glob("*.txt")), *sorted(DEVSET.glob("*.html"))]:
        for block in to_simplified(path.read_text(encoding="utf-8")).split("\n\n"):
            fast = tx.tag_both(block)
            assert fast == unfiltered.tag_both(block), block[:80]
            tagged += bool(fast[0])
    assert tagged > 100


def test_longest_matcher_finds_what_a_longest_first_alternation_finds():
    import random

    from ingest.literals import LongestMatcher
    from ingest.regions import load_gazetteer

    rng = random.Random(8)
    alphabet = "ab(c.)市区"
    words = {"".join(rng.choice(alphabet) for _ in range(rng.randint(1, 5))) for _ in range(60)}
    plain = re.compile("|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)))
    matcher = LongestMatcher(words)
    for _ in range(300):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        assert [(s, e, matcher.words[w]) for s, e, w in matcher.spans(text)] == \
            [(*m.span(), m.group()) for m in plain.finditer(text)]
    aliases = load_gazetteer()._scan_aliases
    matcher = LongestMatcher(aliases)
    plain = re.compile("|".join(re.escape(a) for a in sorted(aliases, key=len, reverse=True)))
    for path in sorted(CORPUS.glob("*.txt")):
        text = normalise_punct(to_simplified(path.read_text(encoding="utf-8")))
        assert [(s, e) for s, e, _ in matcher.spans(text)] == [m.span() for m in plain.finditer(text)]
