"""Theme taxonomy: IP-pledge tagging measure by measure on the founding corpus, query resolution."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from ingest.textutil import FULL_WIDTH_PUNCT, normalise_punct, to_simplified
from ingest.themes import load_taxonomy

CORPUS = Path(__file__).resolve().parent.parent / "data" / "corpus"


@pytest.fixture(scope="module")
def tx():
    return load_taxonomy()


def measure_blocks(prefix: str) -> list[tuple[str, str]]:
    """(label, text) per measure, cut at the numbering the corpus README describes.

    Deliberately independent of the ingest pipeline so the taxonomy is tested on its own.
    """
    path = next(CORPUS.glob(f"{prefix}_*.txt"))
    text = normalise_punct(to_simplified(path.read_text(encoding="utf-8")))
    if prefix == "001":  # the attached table: rows open with a tab, the 编号, a line break
        table = text[text.index("\t编号"):]
        parts = re.split(r"^\t(\d)\n", table, flags=re.M)
        return [(parts[i], parts[i + 1]) for i in range(1, len(parts), 2)]
    label = re.compile(r"^(\d{1,2})\.(?!\d)" if prefix in ("000", "004")
                       else r"^[ \t]*(\([一二三四五六七八九十]{1,3}\))", re.M)
    starts = [(m.start(), m.group(1)) for m in label.finditer(text)]
    blocks = []
    for i, (start, lab) in enumerate(starts):
        end = starts[i + 1][0] if i + 1 < len(starts) else len(text)
        body = re.split(r"\n\s*(?:[一二三四五六七八九十]、|㈠|相关链接)", text[start:end])[0]
        blocks.append((lab, body))
    return blocks


# Every measure about IP pledge financing, read from the texts (see the report for the wording).
PLEDGE = {
    "000": [],  # Xiamen: IP 投融资 services and sci-tech credit loans, but no pledge
    "001": ["6"],  # 知保贷(知担贷): 专利权质押贷款
    "002": ["(二)", "(九)"],  # 知识产权质押的公平环境; 专利权质押融资新模式 / 专利贷款
    "003": ["(四)"],  # 知识产权质押融资模式 / 知识产权质押贷款 (labels repeat: only 二、(四) has it)
    "004": ["16"],  # 推广知识产权质押融资新模式
}
COUNTS = {"000": 19, "001": 7, "002": 33, "003": 18, "004": 24}


@pytest.mark.parametrize("prefix", sorted(PLEDGE))
def test_ip_pledge_tags_exactly_the_pledge_measures(tx, prefix):
    blocks = measure_blocks(prefix)
    if prefix == "000":
        blocks = blocks[:19]
    assert len(blocks) == COUNTS[prefix]
    tagged = [lab for lab, body in blocks if any(h.key == "ip_pledge_financing" for h in tx.tag(body))]
    assert tagged == PLEDGE[prefix]


def test_hit_carries_terms_and_the_sentence(tx):
    body = dict(measure_blocks("001"))["6"]
    hit = next(h for h in tx.tag(body) if h.key == "ip_pledge_financing")
    assert hit.terms == ["知保贷", "知担贷", "专利权质押贷款"]
    assert "知保贷" in hit.evidence and "银税互动" not in hit.evidence


def test_traditional_text_is_tagged(tx):
    hits = {h.key: h for h in tx.tag("依法建立“貸款+保險保障+財政風險補償”的專利權質押融資新模式。")}
    assert hits["ip_pledge_financing"].terms == ["专利权质押融资"]


def test_other_pledges_and_guarantees_are_not_ip_pledge(tx):
    for text in ("开展应收账款质押融资", "探索农机具抵押贷款试点", "创新出口货物专利纠纷担保放行方式",
                 "支持企业开展海关税款担保业务", "依托知识产权交易所开展知识产权证券化交易", "创新知识产权金融服务模式",
                 "纳入科技型中小微企业知识价值信用贷款支持范围"):  # unsecured: credit on assessed value
        assert "ip_pledge_financing" not in {h.key for h in tx.tag(text)}, text
    assert "tech_finance_credit" in {h.key for h in tx.tag("纳入科技型中小微企业知识价值信用贷款支持范围")}


def test_taxonomy_is_broad_and_well_formed(tx):
    themes = tx.themes()
    assert len(themes) >= 25
    for t in themes:
        assert re.fullmatch(r"[a-z][a-z0-9_]*", t.key)
        assert t.name_zh and t.name_en and t.synonyms and t.patterns
    # each of the five documents touches many themes
    for prefix in COUNTS:
        keys = {h.key for _, body in measure_blocks(prefix) for h in tx.tag(body)}
        assert len(keys) >= 8, prefix


@pytest.mark.parametrize("query, key", [
    ("ip_pledge_financing", "ip_pledge_financing"), ("知识产权质押融资", "ip_pledge_financing"),
    ("專利權質押融資", "ip_pledge_financing"), ("IP pledge financing", "ip_pledge_financing"),
    ("ip PLEDGE Financing", "ip_pledge_financing"), ("patent pledge loans", "ip_pledge_financing"),
    ("知保贷", "ip_pledge_financing"), ("科技保险", "sci_tech_insurance"), ("众创空间", "incubators"),
    ("出入境特殊物品审批", "special_items_customs"), ("职称评审", "professional_title_reform"), ("QFLP", "qflp"),
    ("venture capital", "venture_guidance_funds"), ("cross-border e-commerce", "cross_border_ecommerce"),
])
def test_resolve_query(tx, query, key):
    theme = tx.resolve_query(query)
    assert theme is not None and theme.key == key


def test_resolve_query_declines_vague_or_unknown(tx):
    assert tx.resolve_query("banana bread") is None
    assert tx.resolve_query("") is None
    assert tx.resolve_query("知识产权") is None  # pledge, protection, services ... too vague to pick one


def test_jieba_userdict_keeps_policy_terms_whole():
    import jieba

    tok = jieba.Tokenizer()
    tok.load_userdict(str(CORPUS.parent / "jieba_userdict.txt"))
    words = tok.lcut("进一步创新知识产权质押融资模式,深化双自联动和放管服改革,在全省复制推广,推动投贷联动")
    for term in ("知识产权质押融资", "双自联动", "放管服", "复制推广", "投贷联动"):
        assert term in words


@pytest.mark.parametrize("text, tagged", [
    ("推行注册资本认缴登记制，放宽市场主体住所登记条件。", True),
    ("在金融、教育等领域放宽注册资本、投资方式等方面限制。", True),
    ("对新引进企业，按其实际到位注册资本的5%给予落户奖励，最高500万元。", False),  # a subsidy's base
])
def test_registered_capital_is_a_registration_reform_only_when_its_rules_change(tx, text, tagged):
    assert ("commercial_registration_reform" in [h.key for h in tx.tag(text)]) == tagged


@pytest.mark.parametrize("text, key", [
    ("制定数据跨境流动白名单，企业按清单开展数据出境活动。", "digital_economy"),
    ("市场监管、应急管理等部门对同一企业联合检查，一次进门、全面体检。", "credit_supervision"),
    ("推行跨部门综合监管，实现“综合查一次”。", "credit_supervision"),
    ("健全守信联合激励和失信联合惩戒机制。", "credit_supervision"),
    ("支持企业在境内外上市。", "capital_markets"),
    ("建设概念验证中心和中试基地。", "tech_transfer"),
    ("推动数据资产入表。", "digital_economy"),
    ("建立信用修复一网通办机制。", "credit_supervision"),
    ("率先开展“标准地”出让改革。", "land_use"),
    ("复制推广“信易贷”模式，建设融资信用服务平台。", "tech_finance_credit"),
    ("对新获批的国家级创新平台，给予最高1000万元支持。", "innovation_platforms"),
    ("对新建海外仓面积超过5000平方米的，给予最高200万元补助。", "cross_border_ecommerce"),
    ("推广跨境电商B2B直接出口（9710）和出口海外仓（9810）模式。", "cross_border_ecommerce"),
    ("深化“高效办成一件事”改革，新推出13个“一件事”集成服务。", "approval_reform"),
    ("深化“最多跑一次”改革，推动政务服务事项“一次办好”。", "approval_reform"),
    ("推进“安吉白茶”地理标志质押融资。", "ip_pledge_financing"),
    ("取消行政许可事项5项，下放行政许可事项3项。", "approval_reform"),
    # brackets as the genre prints them, full width (a pattern written with ASCII ones never matched)
    ("对首台（套）重大技术装备给予保费补贴。", "sci_tech_insurance"),
    ("对新认定的省级工程（技术）研究中心给予奖励。", "innovation_platforms"),
    ("做好省级下放行政许可事项的承接工作。", "approval_reform"),
])
def test_the_genres_words_for_data_listings_and_joint_inspections(tx, text, key):
    assert key in [h.key for h in tx.tag(text)]


def test_a_stop_class_holds_both_widths_of_punctuation(tx):
    # "给予…N万元" stops at a clause break, printed full width or ASCII alike
    for text in ("给予支持，单个企业每年最高100万元。", "给予支持,单个企业每年最高100万元。"):
        assert "fiscal_support" not in [h.key for h in tx.tag(text)], text
    assert "fiscal_support" in [h.key for h in tx.tag("按贷款实际利息的50%给予贴息。")]
    # the pairs are the ones the text is normalised by
    assert normalise_punct("".join(FULL_WIDTH_PUNCT)) == "".join(FULL_WIDTH_PUNCT.values())


def test_a_platform_named_in_passing_is_no_innovation_platform(tx):
    # a scenario platform, or platforms as partners, are not R&D platforms being built
    for text in ("依托市场景创新平台建设服务专区。", "鼓励高校联合企业、创新平台共建创业基地。"):
        assert "innovation_platforms" not in [h.key for h in tx.tag(text)]
