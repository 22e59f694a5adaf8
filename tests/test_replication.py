"""Replication / borrowing facts from the sentences and table rows of the founding corpus."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from ingest.regions import load_gazetteer
from ingest.replication import extract_replications
from ingest.textutil import to_simplified

CORPUS = Path(__file__).resolve().parent.parent / "data" / "corpus"


@pytest.fixture(scope="module")
def gaz():
    return load_gazetteer()


def pairs(facts):
    return [(f.from_region, f.to_region, f.kind) for f in facts]


def corpus_text(prefix: str) -> str:
    return next(CORPUS.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")


def paragraph(prefix: str, needle: str) -> str:
    """The corpus line holding ``needle`` (simplified), exactly as a measure would carry it."""
    for line in to_simplified(corpus_text(prefix)).splitlines():
        if needle in line:
            return line
    raise AssertionError(needle)


def test_borrowing_a_named_model(gaz):
    text = paragraph("004", "关助融")
    facts = extract_replications(text, "曲靖", gaz)
    assert pairs(facts) == [("苏州", "曲靖", "borrow")]
    assert facts[0].scope == "borrow" and "借鉴苏州自贸区“关助融”模式" in facts[0].evidence
    # whichever name the pipeline gives the Yunnan zone, the practice goes there
    assert pairs(extract_replications(text, "云南", gaz)) == [("苏州", "云南", "borrow")]


def test_promoting_another_citys_model_traditional_script(gaz):
    line = next(l for l in corpus_text("002").splitlines() if "遼源" in l)  # the page is Traditional
    facts = extract_replications(line, "图们", gaz)
    assert pairs(facts) == [("辽源", "图们", "replicate")]
    assert facts[0].evidence.startswith("加快推广辽源东北袜业园")


def test_citywide_replication_has_no_self_loop(gaz):
    m1 = paragraph("000", "在全市复制推广")
    m16 = paragraph("000", "复制推广生物医药")
    for text, scope in ((m1, "全市"), (m16, "本地")):
        facts = extract_replications(text, "厦门", gaz)
        assert [(f.to_region, f.scope) for f in facts] == [("厦门", scope)]
        assert facts[0].from_region == ""  # the pilot's place is not named, and it is not 厦门 -> 厦门


def test_provincewide_replication(gaz):
    text = paragraph("003", "知识产权质押贷款已入选")
    facts = extract_replications(text, "武汉", gaz)
    assert pairs(facts) == [("武汉", "湖北", "replicate")]
    assert facts[0].scope == "全省" and facts[0].evidence.endswith("在全省复制推广。")
    # 全省 already holds the province's FTZ, so 全省或湖北自贸区 is one target, not four
    text = paragraph("003", "97项改革成果")
    assert pairs(extract_replications(text, "武汉", gaz)) == [("武汉", "湖北", "replicate")]


def test_section_intro_names_the_origin_zone(gaz):
    text = paragraph("004", "106项改革试点任务")
    assert pairs(extract_replications(text, "曲靖", gaz)) == [("云南自贸试验区", "曲靖", "replicate")]


@pytest.mark.parametrize("text", [
    "为全省提供5-10个可复制可推广的经验。",
    "探索一批可复制、可推广的工作经验和模式。",
    "以制度创新为核心,以可复制可推广为基本要求。",
    "推广科技信用贷款,扩大服务覆盖面。",
    "积极推广知识产权质押融资新模式。",
    "各地各有关部门要主动加强与厦门市学习交流。",
    "逐步在行政管理、社会公共服务、市场交易等领域推广使用。",
])
def test_no_fact_for_aspirations_or_product_rollouts(gaz, text):
    assert extract_replications(text, "厦门", gaz) == []


def fujian_rows() -> list[dict[str, str]]:
    """The seven rows of the Fujian task table: 编号 -> {已实施区域, 拟推广区域}."""
    table = corpus_text("001")
    table = table[table.index("\t编号"):]
    parts = re.split(r"^\t(\d)\n", table, flags=re.M)
    rows = []
    for i in range(1, len(parts), 2):
        cells = parts[i + 1].split("\t")
        rows.append({"编号": parts[i], "已实施区域": cells[-3], "拟推广区域": cells[-2], "推广牵头单位": cells[-1]})
    return rows


def test_fujian_table_rows(gaz):
    rows = fujian_rows()
    assert len(rows) == 7
    zones = {"福州片区", "平潭片区", "福州", "泉州"}  # FTZ areas + innovation-zone cities, minus Xiamen itself
    for row in rows:
        facts = extract_replications("", "福建", gaz, fields=row)
        assert {f.from_region for f in facts} == {"厦门"}, row["编号"]
        targets = {f.to_region for f in facts}
        if row["编号"] in "123":
            assert targets == zones
        else:
            assert targets == {"福建"}
            assert facts[0].scope == "全省(已实施:厦门片区)"
        assert all(f.kind == "replicate" and "厦门片区" in f.evidence for f in facts)


def test_never_from_equals_to(gaz):
    # 厦门's own experience replicated city-wide is a self-loop: dropped, while the same sentence in a
    # Fujian document is a real fact from 厦门 to the province
    assert extract_replications("复制推广厦门经验,在全市复制推广。", "厦门", gaz) == []
    facts = extract_replications("复制推广厦门经验,在全省复制推广。", "福建", gaz)
    assert [(f.from_region, f.to_region) for f in facts] == [("厦门", "福建")]
