"""Gazetteer: what a user types resolves, texts yield the regions they name, scopes expand."""
from __future__ import annotations

from pathlib import Path

import pytest

from ingest.regions import load_gazetteer
from ingest.textutil import sentence_at, sentences, to_simplified

CORPUS = Path(__file__).resolve().parent.parent / "data" / "corpus"


@pytest.fixture(scope="module")
def gaz():
    return load_gazetteer()


def corpus_text(prefix: str) -> str:
    path = next(CORPUS.glob(f"{prefix}_*.txt"))
    return to_simplified(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("typed, expected", [
    ("厦门", "厦门"), ("厦门市", "厦门"), ("廈門", "厦门"), ("Xiamen", "厦门"), ("xiamen", "厦门"),
    ("XIAMEN CITY", "厦门"), ("圖們市", "图们"), ("Tumen", "图们"), ("雲南", "云南"), ("Yunnan Province", "云南"),
    ("福建省", "福建"), ("延边朝鲜族自治州", "延边"), ("吉林", "吉林"), ("吉林市", "吉林市"),
    ("Fuzhou", "福州"), ("Suzhou", "苏州"), ("Xi'an", "西安"), ("湖北自贸区", "湖北自贸试验区"),
    ("中国（福建）自由贸易试验区厦门片区", "厦门片区"), ("厦门自贸片区", "厦门片区"), ("平潭综合实验区", "平潭"),
    ("苏州自贸区", "苏州自贸片区"), ("Liaoyuan", "辽源"), ("Shenzhen", "深圳"),
])
def test_resolve_accepts_every_way_of_naming(gaz, typed, expected):
    region = gaz.resolve(typed)
    assert region is not None and region.name == expected


def test_resolve_rejects_non_regions(gaz):
    assert gaz.resolve("知识产权") is None
    assert gaz.resolve("") is None
    assert gaz.resolve("Atlantis") is None


def test_size_and_coverage(gaz):
    levels = [r.level for r in gaz.regions()]
    assert levels.count("province") == 34
    assert levels.count("prefecture") == 333  # every prefecture-level division
    assert all(r.name_en for r in gaz.regions())
    for r in gaz.regions():  # every parent exists, so the hierarchy is one tree
        assert r.parent is None or gaz.get(r.parent) is not None, r.name


def test_hierarchy(gaz):
    assert gaz.ancestors("厦门") == ["福建", "中国"]
    assert gaz.ancestors("图们")[:2] == ["延边", "吉林"]
    assert gaz.ancestors("厦门片区")[0] == "厦门"
    assert gaz.ancestors("平潭片区")[:2] == ["平潭", "福建"]
    assert "武汉" in gaz.ancestors("武汉自贸片区") and "湖北" in gaz.ancestors("东湖高新区")
    assert gaz.ancestors("昆明片区")[:2] == ["昆明", "云南"]
    assert "苏州" in gaz.ancestors("苏州自贸片区") and gaz.ancestors("辽源")[0] == "吉林"
    assert {"福州", "厦门", "泉州", "平潭"} <= set(gaz.children("福建"))
    assert gaz.city_of("厦门片区") == "厦门" and gaz.city_of("图们") == "图们"
    assert gaz.province_of("图们") == "吉林"


def test_mentioned_longest_match_without_double_counting(gaz):
    text = "中国(福建)自由贸易试验区厦门片区与福州片区、平潭综合实验区联动,推广至湖北自贸区"
    assert gaz.mentioned(text) == ["厦门片区", "福州片区", "平潭", "湖北自贸试验区"]


def test_mentioned_skips_words_that_only_contain_a_name(gaz):
    assert gaz.mentioned("中国光谷与中国铅锌集团,图们江区域合作,中山大学") == ["东湖高新区"]
    assert "中国" not in gaz.mentioned(corpus_text("004"))


def test_mentioned_reads_traditional_text(gaz):
    assert gaz.mentioned("加快推廣遼源東北襪業園的發展模式") == ["辽源"]


@pytest.mark.parametrize("prefix, title, expected", [
    ("000", "厦门市人民政府办公厅关于印发深化双自联动工作行动方案的通知", "厦门"),
    ("001", "福厦泉国家自主创新示范区建设工作领导小组办公室中国（福建）自由贸易试验区工作领导小组办公室"
            "关于推广福厦泉国家自主创新示范区与中国（福建）自由贸易试验区联动发展第一批可复制改革创新政策举措的通知", "福建"),
    ("002", "图们市关于强化实施创新驱动发展战略进一步推进大众创业万众创新深入发展的实施意见", "图们"),
    ("003", "武汉自贸片区高质量发展创新举措", "武汉"),
])
def test_region_for_document(gaz, prefix, title, expected):
    assert gaz.region_for_document(title, None, corpus_text(prefix)) == expected
    # the first lines alone are enough when the caller has no title
    assert gaz.region_for_document(None, None, corpus_text(prefix)) == expected


def test_region_for_document_keeps_zone_when_asked(gaz):
    assert gaz.region_for_document("武汉自贸片区高质量发展创新举措", None, "", admin=False) == "武汉自贸片区"


def test_generic_zone_word_pinned_down_by_its_constituent_areas(gaz):
    title = "中国(云南)自由贸易试验区联动创新区(经济技术开发区)申建方案"
    text = corpus_text("004")  # names the 西城 and 南海子 industrial areas of the Qujing ETDZ
    assert gaz.region_for_document(title, None, text, admin=False) == "曲靖经开区"
    # without those markers the generic word 经开区 stays unresolved and the province is reported
    assert gaz.region_for_document(title, None, "发展光伏产业。", admin=False) == "云南"


def test_expand_scope(gaz):
    assert gaz.expand_scope("全省", "福建") == ["福建"]
    assert gaz.expand_scope("全省", "厦门片区") == ["福建"]
    assert gaz.expand_scope("全市", "福建", region="厦门片区") == ["厦门"]
    assert gaz.expand_scope("全市", "图们") == ["图们"]
    assert gaz.expand_scope("自贸试验区、自创区", "福建", exclude=["厦门"]) == ["福州片区", "平潭片区", "福州", "泉州"]
    assert set(gaz.expand_scope("自创区和自贸试验区", "福建")) == {"福州", "厦门", "泉州", "福州片区", "厦门片区", "平潭片区"}
    # 全省 already holds the province's FTZ: the union is the province
    assert gaz.expand_scope("全省或湖北自贸区", "武汉") == ["湖北"]
    assert gaz.expand_scope("和田、喀什", "新疆") == ["和田", "喀什"]


def test_sentences():
    text = "第一句。第二句；仍是第二句！\n表格单元\n\n最后"
    assert sentences(text) == ["第一句。", "第二句；仍是第二句！", "表格单元", "最后"]
    assert sentence_at(text, text.index("仍是")) == "第二句；仍是第二句！"
    assert sentence_at(text, text.index("最后")) == "最后"
