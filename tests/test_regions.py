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
    # every county-level division (districts, counties, county-level cities, banners) of the dataset
    assert levels.count("district") + levels.count("county") + levels.count("city") >= 2800
    assert all(r.name_en for r in gaz.regions() if r.level in ("country", "province", "prefecture"))
    for r in gaz.regions():  # every parent exists, so the hierarchy is one tree
        assert r.parent is None or gaz.get(r.parent) is not None, r.name


def test_curated_entries_agree_with_the_division_dataset(gaz):
    """gazetteer.yaml overlays data/divisions.tsv: same key, same parent, its knowledge kept."""
    assert gaz.get("厦门").code == "3502" and gaz.get("厦门").name_en == "Xiamen"
    assert gaz.get("图们").code == "222402" and gaz.get("图们").parent == "延边"
    assert "图们江" in gaz.get("图们").mention_exclude
    assert gaz.get("两江新区").level == "zone"  # curated level wins over the dataset's 市辖区


@pytest.mark.parametrize("typed, expected, chain", [
    ("海淀区", "海淀", ["北京"]), ("北京市海淀区", "海淀", ["北京"]), ("昆山市", "昆山", ["苏州", "江苏"]),
    ("南京市鼓楼区", "南京鼓楼区", ["南京", "江苏"]), ("福州市鼓楼区", "福州鼓楼区", ["福州", "福建"]),
    ("巴里坤哈萨克自治县", "巴里坤", ["哈密", "新疆"]), ("济源市", "济源", ["河南"]),
])
def test_county_level_divisions_resolve_with_their_parent_chain(gaz, typed, expected, chain):
    region = gaz.resolve(typed)
    assert region is not None and region.name == expected
    assert gaz.chain(region.name) == chain
    assert gaz.level_of(region.name) == "county"


def test_shared_county_names_are_scanned_only_when_qualified(gaz):
    assert gaz.mentioned("南京市鼓楼区与福州市鼓楼区") == ["南京鼓楼区", "福州鼓楼区"]
    assert gaz.mentioned("鼓楼区") == []  # four districts have that name: no guess
    assert gaz.jurisdiction("鼓楼区人民政府") is None
    assert gaz.mentioned("在海淀区和长沙县试点") == ["海淀", "长沙县"]
    assert gaz.mentioned("推进城东区域和西城区域开发") == []  # 区域 is an area, not a district


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


@pytest.mark.parametrize("issuers, title, region, level, chain", [
    (["国务院办公厅"], "国务院办公厅关于支持北京市深化改革的通知", "中国", "national", []),
    (["工业和信息化部", "财政部"], "关于印发上海市试点方案的通知", "中国", "national", []),
    ([], "国务院关于同意在天津设立综合保税区的批复", "中国", "national", []),
    (["厦门市人民政府"], "国务院办公厅关于印发试点方案的通知", "中国", "national", []),  # reposted by a city's site
    (["湖南省人民政府办公厅"], "关于印发长沙市行动方案的通知", "湖南", "province", []),
    (["重庆市人民政府"], None, "重庆", "province", []),
    (["宁波市人民政府"], None, "宁波", "prefecture", ["浙江"]),
    (["北京市朝阳区人民政府"], None, "北京朝阳区", "county", ["北京"]),
    (["延边朝鲜族自治州图们市人民政府"], None, "图们", "county", ["延边", "吉林"]),
    (["苏州工业园区管理委员会"], None, "苏州工业园区", "zone", ["苏州", "江苏"]),
    (["中国（福建）自由贸易试验区工作领导小组办公室、福厦泉国家自主创新示范区建设工作领导小组办公室"],
     "福厦泉国家自主创新示范区建设工作领导小组办公室中国（福建）自由贸易试验区工作领导小组办公室关于推广经验的通知",
     "福建", "province", []),  # two zones' offices of one province, jointly: the province's notice
    (["浙江省科学技术厅、浙江省财政厅"], None, "浙江", "province", []),
    (["长沙经济技术开发区管理委员会"], None, "长沙经开区", "zone", ["长沙", "湖南"]),
    (["合肥高新技术产业开发区管委会"], None, "合肥高新区", "zone", ["合肥", "安徽"]),
    (["青岛西海岸新区管委"], None, "青岛西海岸新区", "zone", ["青岛", "山东"]),
    (["西咸新区管委会"], None, "西咸新区", "zone", ["陕西"]),  # a national-level new area named with no place
    (["貴安新區管理委員會"], None, "贵安新区", "zone", ["贵州"]),
    (["广州开发区管委会"], None, "广州开发区", "zone", ["广州", "广东"]),
    (["中国（湖南）自由贸易试验区长沙片区管委会"], None, "长沙自贸片区", "zone", ["长沙", "湖南"]),
    (["中国(福建)自由贸易试验区厦门片区管委会"], None, "厦门片区", "zone", ["厦门", "福建"]),
    (["中国（山东）自由贸易试验区工作领导小组办公室"], None, "山东自贸试验区", "zone", ["山东"]),
    (["中国（上海）自由贸易试验区临港新片区管理委员会"], None, "临港新片区", "zone", ["上海"]),
    (["上海市浦东新区人民政府"], None, "浦东新区", "county", ["上海"]),
    # an FTZ's area or a zone the data does not list, named after the FTZ: the area or zone, in its city
    (["中国(广东)自由贸易试验区南沙新区片区管委会"], None, "南沙新区自贸片区", "zone", ["广州", "广东"]),
    (["中国（广东）自由贸易试验区深圳前海蛇口片区管委会"], None, "深圳前海蛇口自贸片区", "zone", ["深圳", "广东"]),
    (["中国（海南）自由贸易试验区海口江东新区管理局"], None, "海口江东新区", "zone", ["海口", "海南"]),
    # a zone built with another country names both before its place; an eco-city, a science city
    (["中新天津生态城管理委员会"], None, "天津生态城", "zone", ["天津"]),
    (["北京怀柔科学城管理委员会"], None, "北京怀柔科学城", "zone", ["北京"]),
    # 西部 is no ministry: a committee whose place is not known is unresolved, not national
    (["西部（重庆）科学城管理委员会"], None, "", "unresolved", []),
    # a park committee issuing the measures of a district of the same city: the district's policy
    (["某某科学城管理委员会"], "海淀区关于支持创业的若干措施", "海淀", "county", ["北京"]),
    ([], "图们市关于推进大众创业万众创新的实施意见", "图们", "county", ["延边", "吉林"]),
    ([], "关于印发试点方案的通知", "", "unresolved", []),
])
def test_document_region_from_issuer_and_jurisdiction(gaz, issuers, title, region, level, chain):
    found, _source = gaz.document_region(issuers, title, "北京 上海 深圳 都在正文里被提到。")
    assert found == region
    assert gaz.level_of(found) == level
    assert gaz.chain(found) == chain


@pytest.mark.parametrize("organ", ["市委组织部", "区财政局", "县人民政府办公室"])
def test_a_local_organ_without_its_place_is_not_taken_for_a_national_one(gaz, organ):
    assert gaz.jurisdiction(organ) is None


def test_a_place_followed_by_a_sentence_is_not_a_zone(gaz):
    assert gaz.jurisdiction("杭州市支持新区建设的意见").name == "杭州"


def test_a_district_name_several_cities_share_is_settled_by_the_city_the_text_names(gaz):
    text = "为推动福州市数字经济发展，结合本区实际，制定本措施。"
    assert gaz.document_region(["鼓楼区人民政府办公室"], None, text) == ("福州鼓楼区", "issuer")
    assert gaz.document_region(["鼓楼区人民政府办公室"], None, "结合本区实际。") == ("", "")


@pytest.mark.parametrize("organ", ["中国银保监会", "全国妇联", "共青团中央", "国家税务总局", "工业和信息化部办公厅"])
def test_national_organs(gaz, organ):
    assert gaz.jurisdiction(organ).name == "中国"


def test_a_national_organs_local_branch_serves_its_place(gaz):
    assert gaz.jurisdiction("国家税务总局湖北省税务局").name == "湖北"
    assert gaz.jurisdiction("中国人民银行青岛市中心支行").name == "青岛"


def test_document_region_never_from_places_the_body_names(gaz):
    body = "学习借鉴北京、上海经验，在广州、深圳先行先试。"
    assert gaz.document_region(["国务院"], "国务院关于推广试点经验的通知", body) == ("中国", "issuer")
    assert gaz.document_region([], "关于推广试点经验的通知", body) == ("", "")


def test_generic_zone_word_pinned_down_by_its_constituent_areas(gaz):
    title = "中国(云南)自由贸易试验区联动创新区(经济技术开发区)申建方案"
    text = corpus_text("004")  # names the 西城 and 南海子 industrial areas of the Qujing ETDZ
    assert gaz.document_region([], title, text)[0] == "曲靖经开区"
    # without those markers the generic word 经开区 stays unresolved: the FTZ as a whole
    assert gaz.document_region([], title, "发展光伏产业。")[0] == "云南自贸试验区"


def test_zone_named_by_the_genre_pattern_is_described_for_the_graph(gaz):
    zone = gaz.describe("长沙经开区")
    assert zone is not None and zone.level == "zone" and zone.parent == "长沙"
    assert gaz.describe("不存在的地方经开区") is None


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


def test_a_zone_named_by_the_genre_pattern_keeps_the_name_as_printed(gaz):
    zone, end = gaz.zone_at("长沙经济技术开发区管委会负责")
    assert (zone.name, zone.parent, end) == ("长沙经开区", "长沙", len("长沙经济技术开发区"))
    assert zone.full_name == "长沙经济技术开发区" and "长沙经济技术开发区" in zone.aliases


def test_curated_regions_are_the_gazetteers_own_not_the_generated_divisions(gaz):
    import yaml

    from ingest.regions import DEFAULT_PATH

    listed = yaml.safe_load(DEFAULT_PATH.read_text(encoding="utf-8"))
    regions = {r.name: r for r in gaz.regions()}
    curated = {r.name for r in regions.values() if r.curated}
    assert {"厦门", "福建", "图们", "武汉"} <= curated
    generated = [r for r in regions.values() if r.code and not r.name_en]
    assert generated, "the division dataset adds county-level units"
    assert not any(r.curated for r in generated)  # only loaded when a document names them
    assert len(curated) < len(regions) and listed


def test_an_ftz_area_the_gazetteer_lists_is_that_region_not_a_synthetic_one(gaz):
    listed = {r.name for r in gaz.regions()}
    zone, end = gaz.zone_at("中国（福建）自由贸易试验区厦门片区管委会负责")
    assert zone.name == "厦门片区" and zone.name in listed and end == len("中国(福建)自由贸易试验区厦门片区")
    zone, _ = gaz.zone_at("中国(湖北)自由贸易试验区武汉片区")
    assert (zone.name, zone.level, zone.name_en) == ("武汉自贸片区", "area", "Wuhan Area of Hubei FTZ")


def test_the_city_of_a_place_is_a_city_or_a_municipality_never_a_province(gaz):
    assert gaz.city_of("厦门片区") == "厦门"
    assert gaz.city_of("海淀") == "北京" and gaz.city_of("上海") == "上海"  # municipalities are cities
    assert gaz.city_of("福建") is None  # a province is no city


@pytest.mark.parametrize("text, named", [
    ("复制推广西安经验。", ["西安"]),  # 推广 is the verb: not 广西
    ("推广东莞“企业服务”经验。", ["东莞"]),  # not 广东
    ("推广广州经验。", ["广州"]),
    ("扩大连云港港口开放。", ["连云港"]),  # 扩大 is the verb: not 大连
    ("扩大连锁经营规模，实施重大连片开发项目。", []),
    ("支持大连、连云港建设。", ["大连", "连云港"]),  # the place itself still is one
    ("四川自贸试验区川南临港片区：建立多式联运。", ["四川"]),  # not Shanghai's 临港片区
    # words of the genre that hold a place's name without meaning it
    ("打造西部陆海新通道出海口，确保社会长治久安。", []),
    ("支持海口、长治发展。", ["海口", "长治"]),
])
def test_a_verb_ending_in_a_places_first_character_does_not_name_it(gaz, text, named):
    assert gaz.mentioned(text) == named
