"""A synthetic corpus of the founding genre, for scale tests and benchmarks.

Documents are recombined from the founding corpus's own vocabulary (its sentences,
measure titles, quoted practice names and agency names) and laid out in the genre's
shapes: numbering 一、/(一)/1./第X条, agency lines in all three formats (责任单位/配合单位
lines with 完成时限, closing "(A、B等部门按职责分工负责)" / "(A牵头负责)", a tab-laid task
table with a 推广牵头单位 column), replication statements and dated headers. Every
document names one region of the gazetteer and only that region's agencies, so the
manifest can say exactly what a correct ingest must find.

Deterministic per seed: the same (n_measures, seed) writes byte-identical files.
"""
from __future__ import annotations

import json
import random
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ingest.textutil import convert
from policy_graph.settings import CORPUS_DIR

MANIFEST_NAME = "synth-manifest.json"
MIN_PER_DOC, MAX_PER_DOC = 20, 60

CN_DIGITS = "零一二三四五六七八九"
CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩"
SAFEGUARD_MARKS = "㈠㈡㈢㈣㈤㈥㈦㈧㈨㈩"

# Words that would make a filler sentence state a replication, an agency duty, a deadline
# or a numbered item of its own; fillers must carry none of those so the manifest stays exact.
# The one-character place abbreviations (厦, 闽 ...) are ones the gazetteer does not scan for.
_FILLER_BANNED = re.compile(
    r"复制|推广|借鉴|学习|经验|引进.{0,4}模式|责任单位|配合单位|负责|牵头|完成时限|部门|单位|"
    r"[局厅委办]|政府|管委会|海关|中心|银行|[()（）【】\t]|第.{1,3}条|^\s*[一二三四五六七八九十\d]|"
    r"\d{4}年|\d{1,2}月|附件|通知|本方案|本意见|本办法|我市|我省|全市|全省|全国|省市|市区|片区|联系人|"
    r"[:：;；]|\.|^[①-⑩]|厦|闽|鄂|滇|光谷|东湖|福厦泉|两岸|台湾|海峡")
_TITLE_BANNED = re.compile(
    r"复制|推广|借鉴|经验|责任|负责|牵头|部门|[局厅委办]|政府|海关|银行|[()（）【】\t:：;；,，]|"
    r"\d{4}年|全市|全省|全国|省|市|片区|两岸|台湾")
# Headings the genre gives its closing "how we will carry this out" sections; as a measure or
# section title they would turn operative measures into safeguards.
_SAFEGUARD_LIKE = re.compile(r"保障|组织实施|组织领导|加强领导|工作要求|实施要求|有关要求|监督|考核|附则|总结|沟通|"
                             r"工作落实|工作机制|部门协作|配套政策")
_AGENCY_LINE = re.compile(r"(?:责任单位|配合单位)[:：]([^\n]+)")
_CLOSING = re.compile(r"[(（]([^()（）]{2,80}?)(?:等部门|等单位|及有关部门)?(?:按职责分工负责|牵头负责|负责)[)）]")
_MUNICIPAL = re.compile(r"^市[^、,，:：\s]{1,8}?(?:局|委|办|联|协|中心|部)$")


@dataclass
class MeasureSpec:
    label: str
    kind: str  # measure | safeguard
    title: str
    lead: list[str] = field(default_factory=list)
    support: list[str] = field(default_factory=list)
    deadline: str | None = None  # normalised like the records: YYYY-MM or "ongoing"
    replications: list[dict] = field(default_factory=list)  # {from, to, kind, scope}
    section: str = ""


@dataclass
class DocumentSpec:
    file: str
    region: str
    region_full: str
    date: str
    template: str
    script: str  # simplified | traditional
    title: str
    measures: list[MeasureSpec] = field(default_factory=list)

    @property
    def measure_count(self) -> int:
        return sum(1 for m in self.measures if m.kind == "measure")


@dataclass
class Manifest:
    seed: int
    n_measures: int
    out_dir: str
    documents: list[DocumentSpec] = field(default_factory=list)

    def to_dict(self) -> dict:
        # vars() rather than asdict(): the manifest of 100k measures must not dominate generation time
        return {"seed": self.seed, "n_measures": self.n_measures, "out_dir": self.out_dir,
                "documents": [{**vars(d), "measures": [vars(m) for m in d.measures],
                               "measure_count": d.measure_count} for d in self.documents]}

    def save(self, path: Path) -> None:
        # one document per line: readable, and json's C encoder only runs without indent
        docs = self.to_dict()
        body = ",\n".join(json.dumps(d, ensure_ascii=False) for d in docs.pop("documents"))
        head = json.dumps(docs, ensure_ascii=False)[:-1]
        path.write_text(f'{head}, "documents": [\n{body}\n]}}\n', encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> "Manifest":
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
        docs = []
        for d in raw["documents"]:
            d = dict(d)
            d.pop("measure_count", None)
            d["measures"] = [MeasureSpec(**m) for m in d["measures"]]
            docs.append(DocumentSpec(**d))
        return cls(seed=raw["seed"], n_measures=raw["n_measures"], out_dir=raw["out_dir"], documents=docs)


# ---------------------------------------------------------------- vocabulary


@dataclass(frozen=True)
class Place:
    name: str  # short simplified name, as the gazetteer keys it
    full_name: str
    tier: str  # province | city | district | county
    province: str | None  # short name of the enclosing province (None for a province itself)
    ancestors: tuple[str, ...] = ()  # enclosing regions, nearest first


@dataclass(frozen=True)
class Vocabulary:
    sentences: tuple[str, ...]
    clauses: tuple[str, ...]  # comma-separated pieces of the sentences, for recombined sentences
    plain_sentences: tuple[str, ...]  # the sentences, clauses and titles that quote no practice
    plain_clauses: tuple[str, ...]
    plain_titles: tuple[str, ...]
    titles: tuple[str, ...]
    practices: tuple[str, ...]
    agency_suffixes: tuple[str, ...]  # municipal agency names without their leading 市


def _simplify(text: str) -> str:
    return convert(text, "t2s")


def _places() -> tuple[Place, ...]:
    from ingest.regions import load_gazetteer

    # the curated regions only: the generator's naming shapes (市政府, 区科技局 ...) are checked on them
    regions = [r for r in load_gazetteer().regions() if r.curated]
    by_name = {r.name: r for r in regions}

    def tier_of(r) -> str | None:
        # Zones, areas, prefectures named 州/盟/地区 and autonomous regions have agencies named
        # differently (州科技局, 自治区科技厅); the generator sticks to the common shapes.
        full = r.full_name or r.name
        if r.level == "province":
            return "province" if full.endswith("省") else ("city" if full.endswith("市") else None)
        if r.level in ("prefecture", "city"):
            return "city" if full.endswith("市") else None
        if r.level == "district" and full.endswith("区") and not full.endswith("新区"):
            return "district"
        if r.level == "county" and full.endswith("县"):
            return "county"
        return None

    def province_of(r) -> str | None:
        seen = set()
        while r is not None and r.name not in seen:
            seen.add(r.name)
            if r.level == "province":
                return r.name if tier_of(r) == "province" else None
            r = by_name.get(r.parent) if r.parent else None
        return None

    def ancestors_of(r) -> tuple[str, ...]:
        out: list[str] = []
        while r.parent and r.parent not in out and r.parent in by_name:
            out.append(r.parent)
            r = by_name[r.parent]
        return tuple(out)

    places = []
    for r in regions:
        tier = tier_of(r)
        if tier is None or len(r.name) < 2:
            continue
        province = None if tier == "province" else province_of(r)
        places.append(Place(r.name, r.full_name or r.name, tier, province, ancestors_of(r)))
    return tuple(sorted(places, key=lambda p: p.name))


def _split_sentences(text: str) -> list[str]:
    return [s.strip() for s in re.split(r"(?<=[。!?！？])|\n", text) if s.strip()]


@lru_cache(maxsize=4)
def build_vocabulary(corpus_dir: str = str(CORPUS_DIR)) -> tuple[Vocabulary, tuple[Place, ...]]:
    """The founding corpus's sentences, clauses, titles, practices and agency names, minus
    anything naming a place, plus the gazetteer regions documents can be issued for."""
    from ingest.regions import load_gazetteer

    places = _places()
    gazetteer = load_gazetteer()
    names = {p.name for p in places} | {p.full_name for p in places}
    name_re = re.compile("|".join(sorted(map(re.escape, names), key=len, reverse=True))) if names else None

    def names_a_place(s: str) -> bool:
        # the gazetteer's own scanner also knows aliases and landmarks (光谷 is Wuhan)
        return bool(name_re and name_re.search(s)) or bool(gazetteer.mentioned(s))

    texts = [_simplify(p.read_text(encoding="utf-8", errors="replace"))
             for p in sorted(Path(corpus_dir).glob("*.txt"))]
    sentences, titles, practices, suffixes = set(), set(), set(), set()
    for text in texts:
        for s in _split_sentences(text):
            if 14 <= len(s) <= 90 and s.endswith("。") and not _FILLER_BANNED.search(s[:-1]) \
                    and not names_a_place(s):
                sentences.add(s)
        for m in re.finditer(r"^\s*(?:\d+[.．]|[(（][一二三四五六七八九十]+[)）])\s*([^。\n]{5,24}?)(?:。|$)",
                             text, re.M):
            t = m.group(1).strip()
            # quoted practices inside titles are added by _Writer.title(), in known proportion
            if not _TITLE_BANNED.search(t) and not _SAFEGUARD_LIKE.search(t) and not names_a_place(t) \
                    and not re.search("[“”]", t[1:-1]):
                titles.add(t)
        for m in re.finditer(r"“([^“”\n]{2,12})”", text):
            p = m.group(1)
            if not names_a_place(p) and not _SAFEGUARD_LIKE.search(p) \
                    and len(re.findall(r"[\u4e00-\u9fff]", p)) >= 2 \
                    and not re.search(r"[局厅委办]|自贸|自创|区$|中心|集团|公司|银行|[a-zA-Z]", p):
                practices.add(p)
        agency_text = [m.group(1) for m in _AGENCY_LINE.finditer(text)]
        agency_text += [m.group(1) for m in _CLOSING.finditer(text)]
        for chunk in agency_text:
            for name in re.split(r"[、,，]", chunk):
                name = re.sub(r"(等部门|等单位|及有关部门)$", "", name.strip())
                # a missing separator glues two agencies together ("市农牧局市国土局")
                if _MUNICIPAL.match(name) and not names_a_place(name) and "银行" not in name \
                        and "局" not in name[:-1] and "市" not in name[2:]:
                    suffixes.add(name[1:])
    clauses = {c for s in sentences for c in re.split(r"[,，]", s.rstrip("。"))
               if 4 <= len(c) <= 40 and not re.match(r"[一二三四五六七八九十\d①-⑩㈠-㈩第]", c)}

    def plain(items):
        return tuple(sorted(x for x in items if "“" not in x and "”" not in x))

    vocab = Vocabulary(tuple(sorted(sentences)), tuple(sorted(clauses)), plain(sentences), plain(clauses),
                       plain(titles), tuple(sorted(titles)), tuple(sorted(practices)),
                       tuple(sorted(suffixes)))
    return vocab, places


# Province departments are 厅 where a city has a 局; the rest keep their name.
_PROVINCE_DEPT = {"科技局": "科技厅", "工信局": "工信厅", "商务局": "商务厅", "财政局": "财政厅",
                  "人社局": "人社厅", "教育局": "教育厅", "公安局": "公安厅", "司法局": "司法厅",
                  "民政局": "民政厅", "住建局": "住建厅", "卫健委": "卫健委", "发改委": "发改委"}


def agencies_of(place: Place, suffixes: tuple[str, ...]) -> list[str]:
    """Printed agency names a document of ``place`` uses: all belong to that place."""
    if place.tier == "province":
        depts = sorted({_PROVINCE_DEPT.get(s, s) for s in suffixes})
        return [f"省{d}" for d in depts]
    prefix = {"city": "市", "district": "区", "county": "县"}[place.tier]
    names = [f"{prefix}{s}" for s in suffixes]
    if place.tier == "city":
        names += [f"{place.name}海关", f"{place.name}银保监局", f"{place.name}仲裁委"]
    return names


# ---------------------------------------------------------------- numbering


def cn_number(n: int) -> str:
    if n < 10:
        return CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    head = "" if tens == 1 else CN_DIGITS[tens]
    return f"{head}十{CN_DIGITS[ones] if ones else ''}"


# ---------------------------------------------------------------- documents


class _Writer:
    """Builds one document's text and its manifest entry together."""

    def __init__(self, rng: random.Random, vocab: Vocabulary, places: tuple[Place, ...],
                 by_province: dict[str, list[Place]]):
        self.rng, self.vocab, self.places, self.by_province = rng, vocab, places, by_province

    # -- pieces
    def filler(self, k: int, plain: bool = False) -> str:
        # Half whole sentences of the corpus, half recombined from its clauses, so that measures
        # differ the way real ones do instead of repeating a few hundred sentences verbatim.
        # Text outside the measures is ``plain``: it names no practice in quotes, so that every
        # practice a document names belongs to one of its measures.
        rng, out = self.rng, []
        sentences = self.vocab.plain_sentences if plain else self.vocab.sentences
        clauses = self.vocab.plain_clauses if plain else self.vocab.clauses
        for _ in range(k):
            if rng.random() < 0.5:
                out.append(rng.choice(sentences))
            else:
                out.append(",".join(rng.choice(clauses) for _ in range(rng.randint(2, 3))) + "。")
        return "".join(out)

    def plain(self, k: int) -> str:
        return self.filler(k, plain=True)

    def heading(self) -> str:
        """A section heading or a document's topic: a title of the corpus naming no practice."""
        return self.rng.choice(self.vocab.plain_titles)

    def start_document(self) -> None:
        self.used_titles: set[str] = set()

    def title(self) -> str:
        # A document never lists the same policy twice (a task table matches rows to its list by name).
        rng = self.rng
        for _ in range(50):
            if rng.random() < 0.25 and self.vocab.practices:
                verb = rng.choice(("探索", "深化", "健全", "完善", "实施"))
                noun = rng.choice(("模式", "机制", "试点", "服务"))
                t = f"{verb}“{rng.choice(self.vocab.practices)}”{noun}"
            else:
                t = rng.choice(self.vocab.titles)
            # punctuation aside: “双随机、一公开” and “双随机一公开” name the same policy
            key = re.sub(r"[^\w]", "", t)
            if key not in self.used_titles:
                break
        self.used_titles.add(key)
        return t

    def pick_agencies(self, pool: list[str], k: int, exclude: set[str] = frozenset()) -> list[str]:
        candidates = [a for a in pool if a not in exclude]
        return self.rng.sample(candidates, min(k, len(candidates)))

    def replication(self, place: Place, punct: dict) -> tuple[str, list[dict]]:
        """A sentence stating a replication, and what it states."""
        rng = self.rng
        practice = rng.choice(self.vocab.practices)
        roll = rng.random()
        if roll < 0.35 and place.tier != "province" and place.province:
            return (f"将“{practice}”改革试点经验在全省复制推广。",
                    [{"from": place.name, "to": place.province, "kind": "replicate", "scope": "全省"}])
        # a practice from the region's own city or province is not a flow between regions
        others = [p for p in self.places if p.tier == "city" and p.name != place.name
                  and p.name not in place.ancestors]
        if not others:
            return "", []
        origin = rng.choice(others)
        if roll < 0.7:
            return (f"借鉴{origin.full_name}“{practice}”模式,提升服务效能。".replace(",", punct[","]),
                    [{"from": origin.name, "to": place.name, "kind": "borrow", "scope": "borrow"}])
        return (f"推广{origin.full_name}“{practice}”经验,加快形成可操作的具体办法。".replace(",", punct[","]),
                [{"from": origin.name, "to": place.name, "kind": "replicate", "scope": place.name}])

    def body(self, place: Place, punct: dict, reps_p: float = 0.25) -> tuple[str, list[dict]]:
        text = self.filler(self.rng.randint(2, 4))
        reps: list[dict] = []
        if self.rng.random() < reps_p:
            sentence, reps = self.replication(place, punct)
            cut = self.rng.randint(0, 1)
            parts = _split_sentences(text)
            text = "".join(parts[:cut + 1]) + sentence + "".join(parts[cut + 1:])
        return text, reps

    def deadline(self, year: int) -> tuple[str, str]:
        if self.rng.random() < 0.4:
            return "持续推进", "ongoing"
        y, m = year + self.rng.randint(0, 2), self.rng.randint(1, 12)
        return f"{y}年{m}月", f"{y}-{m:02d}"


def _punctuation(rng: random.Random) -> dict:
    # The web copies use ASCII (,:() where the official notices keep full-width ones.
    if rng.random() < 0.8:
        return {",": ",", ":": ":", "(": "(", ")": ")"}
    return {",": "，", ":": "：", "(": "（", ")": "）"}


def _date(rng: random.Random) -> tuple[int, int, int]:
    return rng.randint(2016, 2023), rng.randint(1, 12), rng.randint(1, 28)


def _action_plan(w: _Writer, place: Place, n: int, punct: dict) -> tuple[str, str, str, list[MeasureSpec]]:
    """责任单位/配合单位 + 完成时限 lines; tasks 1. 2. … under (一) (二) … of 三、主要任务."""
    rng, P = w.rng, punct
    y, mo, d = _date(rng)
    topic = w.heading()
    title = f"{place.full_name}{topic}行动方案"
    issuer = f"{place.full_name}人民政府办公厅"
    pool = agencies_of(place, w.vocab.agency_suffixes)
    lines = [f"{issuer}关于印发{topic}行动方案的通知",
             f"各有关单位{P[':']}", f"《{title}》已经研究同意,现印发给你们,请认真抓好落实。".replace(",", P[","]),
             issuer, f"{y}年{mo}月{d}日", f"{P['(']}此件主动公开{P[')']}", title,
             w.plain(2), "一、总体思路", w.plain(3), "二、发展目标", w.plain(2), "三、主要任务"]
    measures: list[MeasureSpec] = []
    sections = max(1, min(8, n // 4))
    cuts = sorted(rng.sample(range(1, n), sections - 1)) if n > sections else []
    bounds = [0, *cuts, n]
    k = 0
    for s in range(sections):
        lines.append(f"{P['(']}{cn_number(s + 1)}{P[')']}{w.heading()}。")
        for _ in range(bounds[s], bounds[s + 1]):
            k += 1
            mtitle = w.title()
            text, reps = w.body(place, P)
            lead = w.pick_agencies(pool, rng.randint(1, 3))
            support = w.pick_agencies(pool, rng.randint(0, 4), set(lead))
            raw, norm = w.deadline(y)
            lines.append(f"{k}.{mtitle}。{text}")
            agency = f"责任单位{P[':']}{'、'.join(lead)}"
            if support:
                agency += f"{P[',']}配合单位{P[':']}{'、'.join(support)}"
            lines.append(agency)
            lines.append(f"完成时限{P[':']}{raw}")
            measures.append(MeasureSpec(f"{k}.", "measure", mtitle, lead, support, norm, reps,
                                        f"三/({cn_number(s + 1)})"))
    lines.append("四、保障措施")
    for i in range(rng.randint(2, 3)):
        st = w.heading()
        lines.append(f"{SAFEGUARD_MARKS[i]}{st}。{w.plain(2)}")
        measures.append(MeasureSpec(SAFEGUARD_MARKS[i], "safeguard", st, section="四"))
    return "\n".join(lines) + "\n", title, f"{y:04d}-{mo:02d}-{d:02d}", measures


def _closing(w: _Writer, pool: list[str], punct: dict) -> tuple[str, list[str]]:
    rng = w.rng
    lead = w.pick_agencies(pool, rng.randint(1, 4))
    if len(lead) == 1 and rng.random() < 0.6:
        return f"{punct['(']}{lead[0]}牵头负责{punct[')']}", lead
    tail = rng.choice(("等部门按职责分工负责", "等单位按职责分工负责", "按职责分工负责", "牵头负责"))
    return f"{punct['(']}{'、'.join(lead)}{tail}{punct[')']}", lead


def _opinions(w: _Writer, place: Place, n: int, punct: dict) -> tuple[str, str, str, list[MeasureSpec]]:
    """Web copy of 实施意见: (一)…(N) numbered through sections 二、…; closing agency parentheses."""
    rng, P = w.rng, punct
    y, mo, d = _date(rng)
    topic = w.heading()
    title = f"{place.full_name}关于{topic}的实施意见"
    pool = agencies_of(place, w.vocab.agency_suffixes)
    lines = [f"{y}-{mo:02d}-{d:02d} {rng.randint(8, 17):02d}:{rng.randint(0, 59):02d} 来源 :", "打印 |字号: |", "0", "",
             f"{title}的通知", "", title, "", w.plain(3), "", f"一、{w.heading()}", "", w.plain(4), ""]
    measures: list[MeasureSpec] = []
    sections = max(1, min(6, n // 5))
    cuts = sorted(rng.sample(range(1, n), sections - 1)) if n > sections else []
    bounds = [0, *cuts, n]
    k = 0
    for s in range(sections):
        sec = cn_number(s + 2)
        lines += [f"{sec}、{w.heading()}", "", w.plain(1), ""]
        for _ in range(bounds[s], bounds[s + 1]):
            k += 1
            text, reps = w.body(place, P)
            closing, lead = _closing(w, pool, P)
            lines += [f"{P['(']}{cn_number(k)}{P[')']}{text}{closing}", ""]
            measures.append(MeasureSpec(f"{P['(']}{cn_number(k)}{P[')']}", "measure", _split_sentences(text)[0], lead, [],
                                        None, reps, f"{sec}"))
    lines += [w.plain(2), "", "相关链接"]
    return "\n".join(lines) + "\n", title, f"{y:04d}-{mo:02d}-{d:02d}", measures


def _articles(w: _Writer, place: Place, n: int, punct: dict) -> tuple[str, str, str, list[MeasureSpec]]:
    """若干措施 numbered 第一条…第N条, each closing with its agencies."""
    rng, P = w.rng, punct
    y, mo, d = _date(rng)
    topic = w.heading()
    title = f"{place.full_name}关于{topic}的若干措施"
    pool = agencies_of(place, w.vocab.agency_suffixes)
    lines = ["信息公开", "", title, "",
             f"发布时间{P[':']}{y}-{mo:02d}-{d:02d} {rng.randint(8, 17):02d}:{rng.randint(0, 59):02d}:00   "
             f"索引号{P[':']}    文号{P[':']}    来源{P[':']}   ", "", w.plain(3), ""]
    measures: list[MeasureSpec] = []
    for k in range(1, n + 1):
        mtitle = w.title()
        text, reps = w.body(place, P)
        closing, lead = _closing(w, pool, P)
        label = f"第{cn_number(k)}条"
        lines += [f"{label} {mtitle}。{text}{closing}", ""]
        measures.append(MeasureSpec(label, "measure", mtitle, lead, [], None, reps, ""))
    return "\n".join(lines) + "\n", title, f"{y:04d}-{mo:02d}-{d:02d}", measures


def _short_list(w: _Writer, place: Place, n: int, punct: dict) -> tuple[str, str, str, list[MeasureSpec]]:
    """A flat list of measures numbered 一、二、…, each with a closing agency parenthesis."""
    rng, P = w.rng, punct
    y, mo, d = _date(rng)
    topic = w.heading()
    title = f"{place.full_name}{topic}若干举措"
    pool = agencies_of(place, w.vocab.agency_suffixes)
    lines = [title, "", f"发布时间{P[':']}{y}-{mo:02d}-{d:02d}", "", w.plain(2), ""]
    measures: list[MeasureSpec] = []
    for k in range(1, n + 1):
        mtitle = w.title()
        text, reps = w.body(place, P)
        closing, lead = _closing(w, pool, P)
        lines += [f"{cn_number(k)}、{mtitle}。{text}{closing}", ""]
        measures.append(MeasureSpec(f"{cn_number(k)}、", "measure", mtitle, lead, [], None, reps, ""))
    return "\n".join(lines) + "\n", title, f"{y:04d}-{mo:02d}-{d:02d}", measures


def _report(w: _Writer, place: Place, n: int, punct: dict) -> tuple[str, str, str, list[MeasureSpec]]:
    """一、 sections with (一) sub-sections as measures; agencies only in prose (none expected)."""
    rng, P = w.rng, punct
    y, mo, d = _date(rng)
    title = f"{place.full_name}{w.heading()}创新举措"
    lines = [title, "", f"{y}-{mo:02d}-{d:02d} {rng.randint(8, 17):02d}:{rng.randint(0, 59):02d} 来源{P[':']}",
             "调整字体", ""]
    measures: list[MeasureSpec] = []
    sections = max(1, min(9, n // 3))
    cuts = sorted(rng.sample(range(1, n), sections - 1)) if n > sections else []
    bounds = [0, *cuts, n]
    for s in range(sections):
        sec = cn_number(s + 1)
        lines += [f"  {sec}、{w.heading()} ", ""]
        for j in range(bounds[s + 1] - bounds[s]):
            mtitle = w.title()
            text, reps = w.body(place, P, reps_p=0.3)
            lines += [f"  {P['(']}{cn_number(j + 1)}{P[')']}{mtitle}", "", f"  {text}", ""]
            measures.append(MeasureSpec(f"{P['(']}{cn_number(j + 1)}{P[')']}", "measure", mtitle, [], [], None,
                                        reps, sec))
    return "\n".join(lines) + "\n", title, f"{y:04d}-{mo:02d}-{d:02d}", measures


def _table_notice(w: _Writer, place: Place, n: int, punct: dict) -> tuple[str, str, str, list[MeasureSpec]]:
    """A province promotes a city's practices: scope list, then a tab-laid task table whose rows are
    the measures, led by the 推广牵头单位 column."""
    rng, P = w.rng, punct
    y, mo, d = _date(rng)
    cities = w.by_province.get(place.name) or []
    origin = rng.choice(cities)
    lead_cities = rng.sample(cities, min(len(cities), 3))
    batch = cn_number(rng.randint(1, 5))
    subject = f"{origin.full_name}第{batch}批可复制改革创新政策举措"
    title = f"{place.full_name}人民政府办公厅关于推广{subject}的通知"
    policies = [w.title() for _ in range(n)]
    scopes = ["全省" if rng.random() < 0.5 else "自贸试验区、自创区" for _ in range(n)]
    lines = ["", f"{place.full_name}人民政府办公厅", "", title, "", f"各设区市人民政府{P[',']}有关单位{P[':']}",
             f"{origin.full_name}大胆改革创新、着力先行先试,形成了一批改革创新政策和机制。"
             f"经省政府同意,将{n}项改革创新政策举措在全省或自创区和自贸试验区进行复制推广。".replace(",", P[","]),
             "", "一、复制推广主要内容", ""]
    for s, scope_name in enumerate(("全省", "自贸试验区、自创区")):
        lines += [f"{P['(']}{cn_number(s + 1)}{P[')']}在{'全省' if s == 0 else '自创区和自贸试验区内'}复制推广的改革创新政策举措", ""]
        j = 0
        for i in range(n):
            if scopes[i] == scope_name:
                j += 1
                lines += [f"{j}.{policies[i]}", ""]
    lines += ["二、加强组织实施", "", w.plain(3), "", f"附件{P[':']}{subject}复制推广任务分工表", "",
              f"{place.full_name}人民政府办公厅", f"{y}年{mo}月{d}日", "", " 附件", "",
              f"{subject}复制推广任务分工表", "",
              "\t编号", "\t政策名称", "\t主要内容", "\t已实施区域", "\t拟推广区域", "\t推广牵头单位", ""]
    measures: list[MeasureSpec] = []
    for i in range(n):
        if scopes[i] == "全省":
            lead = [f"{c.full_name}政府" for c in lead_cities]
            reps = [{"from": origin.name, "to": place.name, "kind": "replicate", "scope": "全省"}]
        else:
            lead = [f"{origin.name}海关"] + [f"{c.full_name}政府" for c in lead_cities]
            # Which cities hold a pilot zone is knowledge outside the text: not an expectation.
            reps = [{"from": origin.name, "to": c.name, "kind": "replicate", "scope": scopes[i],
                     "optional": True} for c in lead_cities if c.name != origin.name]
        items = "\n\n".join(f"{CIRCLED[j]}{w.filler(rng.randint(1, 2))}" for j in range(rng.randint(1, 3)))
        lines += [f"\t{i + 1}", f"\t{policies[i]}", f"\t{items}", f"\t{origin.name}", f"\t{scopes[i]}",
                  f"\t{'、'.join(lead)}", ""]
        measures.append(MeasureSpec(str(i + 1), "measure", policies[i], lead, [], None, reps, "附件"))
    return "\n".join(lines) + "\n", title, f"{y:04d}-{mo:02d}-{d:02d}", measures


TEMPLATES = {"action_plan": _action_plan, "opinions": _opinions, "articles": _articles,
             "short_list": _short_list, "report": _report, "table_notice": _table_notice}
# Share of documents per template; table notices need a province with cities under it.
WEIGHTS = {"action_plan": 0.3, "opinions": 0.25, "articles": 0.12, "short_list": 0.1, "report": 0.13,
           "table_notice": 0.1}


def _plan_sizes(rng: random.Random, n: int) -> list[int]:
    sizes, left = [], n
    while left > 0:
        k = min(rng.randint(MIN_PER_DOC, MAX_PER_DOC), left)
        rest = left - k
        if 0 < rest < MIN_PER_DOC:
            k = left if left <= MAX_PER_DOC else left - MIN_PER_DOC
        sizes.append(k)
        left -= k
    return sizes


def _to_traditional(text: str) -> str | None:
    """Machine s2t conversion as the web copies have it, only when it round-trips exactly."""
    trad = convert(text, "s2t")
    return trad if convert(trad, "t2s") == text else None


def generate(n_measures: int, seed: int, out_dir: str | Path, *, traditional_share: float = 0.15) -> Manifest:
    """Write about ``n_measures`` measures in documents of 20-60 measures to ``out_dir``."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    vocab, places = build_vocabulary()
    if not places or not vocab.sentences or not vocab.titles or not vocab.agency_suffixes:
        raise RuntimeError("synth: the gazetteer or the founding corpus gave no vocabulary")
    rng = random.Random(seed)
    by_province: dict[str, list[Place]] = {}
    for p in places:
        if p.tier == "city" and p.province:
            by_province.setdefault(p.province, []).append(p)
    provinces_with_cities = [p for p in places if p.tier == "province" and len(by_province.get(p.name, [])) >= 2]
    local = [p for p in places if p.tier != "province"]
    writer = _Writer(rng, vocab, places, by_province)
    manifest = Manifest(seed=seed, n_measures=n_measures, out_dir=str(out))
    names, weights = zip(*WEIGHTS.items())
    # Every template early on, so that even a small corpus exercises every shape of the genre.
    first = list(names)
    rng.shuffle(first)
    for i, size in enumerate(_plan_sizes(rng, n_measures)):
        template = first[i] if i < len(first) else rng.choices(names, weights)[0]
        if template == "table_notice" and not provinces_with_cities:
            template = "action_plan"
        place = rng.choice(provinces_with_cities if template == "table_notice" else local)
        punct = _punctuation(rng)
        writer.start_document()
        text, title, date, measures = TEMPLATES[template](writer, place, size, punct)
        script = "simplified"
        first_opinions = template == "opinions" and not any(d.template == "opinions" for d in manifest.documents)
        if template == "opinions" and (first_opinions or rng.random() < traditional_share * 2):
            trad = _to_traditional(text)
            if trad is not None:
                text, script = trad, "traditional"
        file = f"synth_{seed}_{i:05d}.txt"
        (out / file).write_text(text, encoding="utf-8")
        manifest.documents.append(DocumentSpec(file, place.name, place.full_name, date, template, script,
                                               title, measures))
    manifest.save(out / MANIFEST_NAME)
    return manifest
