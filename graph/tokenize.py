"""Tokens for measuring how alike two policy measures are.

Input is SIMPLIFIED Chinese (ingest converts Traditional documents before this
point). Output mixes two kinds of token so the linker can weight them apart:

* words   - jieba words (with the policy-domain user dictionary when present),
            cut by jieba-rs through its ``rjieba`` binding: the same algorithm and
            dictionary as Python jieba, 20x faster (on 1.9 M characters of the genre
            its cut differed from ``jieba.lcut(HMM=False)`` in 2 of 1,049,071 words);
            minus punctuation, numbers, single characters, function words and a
            short list of exhortation words every measure of the genre uses;
* bigrams - "#" + two characters, taken inside multi-character words and across
            runs of single characters. They catch the same practice written with
            a different word split (孵化器 / 孵化, 知/保/贷 for an unknown 知保贷).

Everything topical (创新, 机制, 体系 ...) is left to IDF: in this genre such words
are common but not meaningless, and the corpus decides how common.
"""
from __future__ import annotations

import hashlib
import re
import threading
from importlib.metadata import version
from pathlib import Path

import rjieba

BIGRAM_PREFIX = "#"
TOKENIZER_VERSION = "3"  # bump when the rules below change
USER_DICT = Path(__file__).resolve().parent.parent / "data" / "jieba_userdict.txt"

# Function words, and the exhortation verbs/adverbs that open nearly every
# sentence of a Chinese policy measure. They carry no topic in any corpus of
# this genre, so IDF on a small corpus should not be trusted to silence them.
_STOPWORDS = frozenset("""
的 地 得 了 着 和 与 及 或 并 等 在 对 为 将 把 被 由 以 从 向 于 其 之 而 且 但 也 都 又 及其 以及 并且
或者 通过 按照 根据 围绕 依托 依据 结合 有关 相关 各类 各项 各种 各地 各级 一批 一些 一个 一是 二是 三是
进一步 积极 大力 全面 深入 持续 不断 切实 着力 充分 努力 加快 加强 推进 推动 加大 力度 力争 争取 不断
逐步 及时 认真 主动 有效 有序 更加 更好 更多 重点 重要 主要 进行 开展 实施 落实 做好 抓好 确保 实现
形成 提高 提升 促进 发挥 作用 方面 领域 工作 我市 本市 全市 我省 全省 我区 本区 市 省 区 要 可 应 按 给予
同时 其中 包括 以上 以下 左右 目前 已经 已 正在 将会 能够 可以 进而 从而 以便 对于 关于 按规定 规定
""".split())

_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]+")
_LATIN = re.compile(r"[A-Za-z][A-Za-z0-9+\-]*[A-Za-z0-9+]|[A-Za-z]{2,}")
_HAS_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")

_lock = threading.Lock()
_tokenizer: rjieba.Jieba | None = None
_signature = ""


def _user_words(data: str):
    """(word, frequency or None) per line of a jieba user dictionary: ``word [freq] [tag]``."""
    for line in data.splitlines():
        parts = line.split()
        if parts:
            yield parts[0], int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None


def _jieba() -> rjieba.Jieba:
    """One tokenizer per process, with the policy-domain user dictionary added."""
    global _tokenizer, _signature
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                tok = rjieba.Jieba()
                sig = hashlib.sha256(f"{TOKENIZER_VERSION} rjieba {version('rjieba')}".encode())
                if USER_DICT.is_file():
                    data = USER_DICT.read_bytes()
                    sig.update(data)
                    for word, freq in _user_words(data.decode("utf-8")):
                        tok.add_word(word, freq, None)
                _signature = sig.hexdigest()[:16]
                _tokenizer = tok
    return _tokenizer


def tokenizer_signature() -> str:
    """Names the rules and the user dictionary actually loaded: vectors cut under another are not comparable."""
    _jieba()
    return _signature


def is_bigram(token: str) -> bool:
    return token.startswith(BIGRAM_PREFIX)


def _keep_word(w: str) -> bool:
    if len(w) < 2 or w in _STOPWORDS:
        return False
    if _HAS_CJK.search(w):
        return True
    # Latin tokens that name things (QFLP, EDA, RCEP, B2B) are kept; pure numbers are not.
    return _LATIN.fullmatch(w) is not None


_subword_cache: dict[str, tuple[str, ...]] = {}


def _subwords(tok: rjieba.Jieba, word: str) -> tuple[str, ...]:
    """Dictionary words inside a longer word: 专利权质押融资 also says 专利权, 质押 and 融资.

    The user dictionary deliberately keeps practice names whole (so they score as one
    rare term); their parts let them still meet measures that phrase the practice
    differently (专利权质押融资 / 知识产权质押融资 share 质押, 融资).
    """
    hit = _subword_cache.get(word)
    if hit is None:
        known = tok.has_word
        n = len(word)
        hit = tuple(word[i:j] for i in range(n) for j in range(i + 2, min(n, i + 6) + 1)
                    if (j - i) < n and word[i:j] not in _STOPWORDS and known(word[i:j]))
        if len(_subword_cache) < 200_000:
            _subword_cache[word] = hit
    return hit


_word_cache: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {}


def _word_tokens(tok: rjieba.Jieba, w: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The words and bigrams one multi-character jieba word contributes (cached: the genre
    reuses a small vocabulary, so nearly every word has been seen before)."""
    hit = _word_cache.get(w)
    if hit is None:
        if not _keep_word(w):
            hit = ((), ())
        else:
            words = (w, *_subwords(tok, w)) if len(w) >= 4 else (w,)
            bigrams = tuple(BIGRAM_PREFIX + s[i:i + 2] for s in _CJK_RUN.findall(w)
                            for i in range(len(s) - 1))
            hit = (words, bigrams)
        if len(_word_cache) < 500_000:
            _word_cache[w] = hit
    return hit


def _run_bigrams(s: str) -> list[str]:
    """Bigrams across a run of single characters jieba could not group, function words skipped."""
    return [BIGRAM_PREFIX + s[i:i + 2] for i in range(len(s) - 1)
            if s[i] not in _STOPWORDS and s[i + 1] not in _STOPWORDS]


def words_and_bigrams(text: str) -> tuple[list[str], list[str]]:
    """Both token kinds of ``text``; bigrams already carry the ``#`` prefix."""
    if not text:
        return [], []
    tok = _jieba()
    words: list[str] = []
    bigrams: list[str] = []
    run = ""  # consecutive single CJK characters jieba could not group
    cached = _word_cache.get  # looked up here first: a call per word costs more than the lookup
    for w in tok.cut(text, False):
        if len(w) == 1:
            if "\u4e00" <= w <= "\u9fff" or "\u3400" <= w <= "\u4dbf":  # a CJK character
                run += w
                continue
            if len(run) > 1:
                bigrams.extend(_run_bigrams(run))
            run = ""
            continue
        if run:
            if len(run) > 1:
                bigrams.extend(_run_bigrams(run))
            run = ""
        ws, bs = cached(w) or _word_tokens(tok, w)
        if ws:
            words.extend(ws)
            bigrams.extend(bs)
    if len(run) > 1:
        bigrams.extend(_run_bigrams(run))
    return words, bigrams


def tokens(text: str) -> list[str]:
    """Words followed by ``#``-prefixed character bigrams of ``text`` (simplified script)."""
    words, bigrams = words_and_bigrams(text)
    return words + bigrams
