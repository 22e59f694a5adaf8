"""Practices inside themes: a question naming a practice (银税互动, 知保贷, 关助融, 专利权质押) lists only
the regions whose measures carry it, the theme's other adopters come apart as "related", and every
answer names the lead and support agencies of each measure's own agency line with the agency's
true region. Asked through the API (real uvicorn), the CLI and the pages, on the founding corpus and
on the founding corpus plus the development set."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from ingest.pipeline import ingest_file
from ingest.themes import load_taxonomy
from tests.conftest import Server, build_corpus_db

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "data" / "corpus"
DEVSET = REPO / "data" / "devset"

# Read from the texts: the regions whose measures name the practice (or an equivalent phrase), plus
# the pilot a replicated table row names (Fujian's rows were piloted in 厦门片区: 已实施区域) and the
# origin of a borrowed model (云南 借鉴苏州自贸区"关助融"模式).
PRACTICE_REGIONS = {
    "银税互动": {"福建", "厦门", "云南"},  # Fujian row 6 ②; Yunnan 5. 银税互动 among financing channels
    "知保贷": {"福建", "厦门"},  # Fujian row 6 ①
    "关助融": {"云南", "苏州"},  # Yunnan 16. borrows Suzhou's model
    "专利权质押": {"图们", "福建", "厦门"},  # Tumen (九) 专利权质押融资; Fujian row 6 专利权质押贷款
}
SAME_QUESTION = {  # Simplified, Traditional, English
    "银税互动": ["銀稅互動", "bank-tax interaction"],
    "知保贷": ["知保貸", "Zhibaodai"],
    "关助融": ["關助融", "customs-assisted financing"],
    "专利权质押": ["專利權質押", "patent pledge loans"],
}


def cli(*args: str, db: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "policy_graph.cli", *args, "--db", str(db)],
                          capture_output=True, text=True, cwd=REPO, env={"COLUMNS": "250", "PATH": ""})


def regions_of(answer: dict) -> set[str]:
    return {r["region"] for r in answer["regions"]}


# -- the taxonomy -------------------------------------------------------------------------

@pytest.fixture(scope="module")
def tx():
    return load_taxonomy()


@pytest.mark.parametrize("q", sorted(SAME_QUESTION))
def test_traditional_and_english_name_the_same_practice(tx, q):
    topic = tx.resolve(q)
    assert topic is not None and topic.kind == "practice"
    for other in SAME_QUESTION[q]:
        assert tx.resolve(other) == topic, other


def test_a_theme_question_stays_at_theme_level(tx):
    for q in ("知识产权质押融资", "知識產權質押融資", "IP pledge financing", "ip_pledge_financing"):
        topic = tx.resolve(q)
        assert topic.kind == "theme" and topic.key == "ip_pledge_financing", q
    assert tx.resolve("科技信贷").kind == "theme"


def test_practice_keys_are_one_namespace_with_theme_keys(tx):
    keys = [t.key for t in tx.themes()] + [p.key for p in tx.practices()]
    assert len(keys) == len(set(keys))
    assert all(tx.get(p.theme) is not None for p in tx.practices())


@pytest.mark.parametrize("text", ["为OPC提供全流程、零成本市场准入服务。", "支持有条件的地区开展改革试点。",
                                  "营造鼓励创新、宽容失败的创新创业氛围。", "降低企业研发成本。"])
def test_one_generic_word_tags_no_theme(tx, text):
    assert tx.tag(text) == [], [(h.key, h.terms) for h in tx.tag(text)]


def test_a_generic_word_counts_beside_a_specific_one(tx):
    keys = {h.key for h in tx.tag("全面实施外商投资准入前国民待遇加负面清单管理制度,放宽市场准入。")}
    assert "foreign_investment_access" in keys


def test_a_paraphrased_ip_pledge_is_ip_pledge_financing(tx):
    hits = {h.key: h for h in tx.tag("为科技型企业提供知识产权评估、质押融资等服务。")}
    assert "ip_pledge_financing" in hits and "评估、质押融资" in hits["ip_pledge_financing"].terms[0]


def test_a_practice_carries_its_theme(tx):
    themes, practices = tx.tag_both("推广“银税互动”信用贷款项目。")
    assert [p.key for p in practices] == ["bank_tax_interaction"]
    assert "tech_finance_credit" in {h.key for h in themes}
    assert practices[0].evidence.startswith("推广")


def test_a_setting_practice_alone_does_not_tag_its_theme(tx):
    themes, practices = tx.tag_both("支持OPC社区接入算力平台。")
    assert "opc_community" in {p.key for p in practices}
    assert "entrepreneurship" not in {h.key for h in themes}


# -- agencies belong to their own place ---------------------------------------------------

def test_an_agency_named_in_a_provincial_document_keeps_its_city():
    fujian = ingest_file(next(CORPUS.glob("001_*.txt")))
    row1 = next(m for m in fujian.measures if m.kind == "measure" and m.label == "1")
    regions = {a.printed: a.region for a in row1.agencies if a.role == "lead"}
    assert regions["福州海关"] == "福州" and regions["厦门海关"] == "厦门"
    assert regions["福州市政府"] == "福州" and regions["厦门市政府"] == "厦门"
    row6 = next(m for m in fujian.measures if m.kind == "measure" and m.label == "6")
    row6_regions = {a.printed: a.region for a in row6.agencies}
    assert row6_regions["厦门市知识产权局"] == "厦门"  # named in the prose of the Fujian notice
    assert row6_regions["各设区市政府"] == "福建"  # a collective unit is the issuing province's


# -- the API, the CLI and the pages on the founding corpus --------------------------------

@pytest.mark.parametrize("q", sorted(PRACTICE_REGIONS))
def test_practice_question_lists_only_the_regions_carrying_it(api, q):
    body = api.get("/api/adopters", params={"q": q, "per_region": 50}).json()
    assert body["kind"] == "practice" and body["practice"]["name_zh"]
    assert regions_of(body) == PRACTICE_REGIONS[q]
    assert body["region_count"] == len(PRACTICE_REGIONS[q])
    for region in body["regions"]:
        for m in region["measures"]:  # the sentence that shows the practice
            assert m["evidence"], (region["region"], m)
    # the broader theme's other adopters, apart and never mixed in
    related = body["related"]
    assert related["theme"]["key"] == body["theme"]["key"]
    assert related["region_count"] == len(related["regions"]) >= 1
    assert not regions_of(related) & regions_of(body)
    theme = api.get("/api/adopters", params={"q": body["theme"]["key"]}).json()
    assert regions_of(theme) == regions_of(body) | regions_of(related)


def test_bank_tax_interaction_is_not_answered_by_its_broad_theme(api):
    body = api.get("/api/adopters", params={"q": "银税互动"}).json()
    assert "图们" not in regions_of(body) and "武汉" not in regions_of(body)
    assert {"图们", "武汉"} <= regions_of(body["related"])
    yunnan = next(r for r in body["regions"] if r["region"] == "云南")
    assert "银税互动" in yunnan["measures"][0]["evidence"]


@pytest.mark.parametrize("q", sorted(SAME_QUESTION))
def test_traditional_and_english_questions_get_the_same_answer(api, q):
    want = api.get("/api/adopters", params={"q": q}).json()
    for other in SAME_QUESTION[q]:
        got = api.get("/api/adopters", params={"q": other}).json()
        assert (got["practice"], got["regions"], got["related"]) == \
               (want["practice"], want["regions"], want["related"]), other


def test_adopters_name_lead_and_support_agencies_with_their_region(api):
    body = api.get("/api/adopters", params={"q": "special_items_customs", "per_region": 50}).json()
    fujian = next(r for r in body["regions"] if r["region"] == "福建")
    row = next(m for m in fujian["measures"] if m["via"] == "measure")
    leads = {a["printed"]: a["region"] for a in row["agencies"]["lead"]}
    assert leads["福州海关"] == "福州" and leads["厦门海关"] == "厦门" and leads["泉州市政府"] == "泉州"
    assert row["agencies"]["support"] == []
    # every shown measure carries its own agency line (possibly empty), lead and support apart
    for region in body["regions"]:
        for m in region["measures"]:
            assert set(m["agencies"]) == {"lead", "support"}
    # Wuhan's IP-pledge measure has no agency line: the exchange named in a neighbouring sentence
    # is a mention, never a lead
    pledge = api.get("/api/adopters", params={"q": "知识产权质押融资"}).json()
    wuhan = next(r for r in pledge["regions"] if r["region"] == "武汉")
    assert all(a["printed"] != "深圳证券交易所" for m in wuhan["measures"] for a in m["agencies"]["lead"])


def test_cli_gives_the_api_answer(corpus_db, api):
    for q in ("银税互动", "關助融"):
        data = json.loads(cli("adopters", q, "--json", db=corpus_db).stdout)
        body = api.get("/api/adopters", params={"q": q}).json()
        assert (data["regions"], data["related"]) == (body["regions"], body["related"])
    table = cli("adopters", "知保贷", db=corpus_db)
    assert table.returncode == 0, table.stderr
    assert "a practice of" in table.stdout and "related" in table.stdout
    assert "lead:" in table.stdout and "(平潭)" in table.stdout  # an agency of another place says so


def test_practice_page_lists_its_regions_and_the_related_ones_apart(server, api):
    page = httpx.get(server.base_url + "/viz/theme/" + "银税互动", timeout=30)
    assert page.status_code == 200
    html = page.text
    table = html[html.index('id="theme-measures"'):html.index('id="related-measures"')]
    assert set(re.findall(r'data-region="([^"]+)"', table)) == PRACTICE_REGIONS["银税互动"]
    related = html[html.index('id="related-measures"'):]
    assert {"图们", "武汉"} <= set(re.findall(r'data-region="([^"]+)"', related))
    same = httpx.get(server.base_url + "/viz/theme/" + "銀稅互動", timeout=30).text
    assert set(re.findall(r'data-region="([^"]+)"', same[same.index('id="theme-measures"'):
                                                         same.index('id="related-measures"')])) == \
        PRACTICE_REGIONS["银税互动"]


def test_search_points_to_the_practice_and_its_theme(server):
    for q in ("銀稅互動", "bank-tax interaction"):
        html = httpx.get(server.base_url + "/viz/search", params={"q": q}, timeout=30).text
        hits = html[html.index('id="theme-hits"'):]
        assert 'href="/viz/theme/bank_tax_interaction"' in hits and 'href="/viz/theme/tech_finance_credit"' in hits
    page = httpx.get(server.base_url + "/viz/theme/bank_tax_interaction", timeout=30)
    assert page.status_code == 200 and "实践 Practice: 银税互动" in page.text


def test_theme_page_shows_agency_lines_not_prose_mentions(server):
    html = httpx.get(server.base_url + "/viz/theme/ip_pledge_financing", timeout=30).text
    table = html[html.index('id="theme-measures"'):]
    table = table[:table.index("</table>")]  # the table only (the canvas data below holds measure texts)
    assert "深圳证券交易所" not in table and "named in text" not in table
    assert "各设区市政府" in table


def test_themes_list_their_practices(api):
    themes = {t["key"]: t for t in api.get("/api/themes").json()}
    credit = themes["tech_finance_credit"]
    assert {"bank_tax_interaction", "customs_credit_financing"} <= set(credit["practices"])
    assert dict(zip(credit["practices"], credit["practice_names"]))["bank_tax_interaction"] == "银税互动"


def test_practice_node_in_the_subgraph(api):
    body = api.get("/api/subgraph", params={"center": "Practice:bank_tax_interaction", "depth": 1}).json()
    types = {n["type"] for n in body["nodes"]}
    assert {"Practice", "Measure", "Theme"} <= types


# -- the founding corpus and the development set together ---------------------------------

@pytest.fixture(scope="module")
def both(tmp_path_factory):
    db = tmp_path_factory.mktemp("both") / "policy.lbdb"
    build_corpus_db(db, extra=[DEVSET])
    srv = Server(db)
    yield db, srv
    srv.stop()


def test_practices_of_the_development_set(both):
    db, srv = both
    with httpx.Client(base_url=srv.base_url, timeout=30) as client:
        for q, regions in PRACTICE_REGIONS.items():  # the development set names none of these four
            assert regions_of(client.get("/api/adopters", params={"q": q}).json()) == regions, q
        vouchers = client.get("/api/adopters", params={"q": "算力券"}).json()
        assert vouchers["practice"]["key"] == "computing_vouchers"
        assert {"杭州", "湖北"} <= regions_of(vouchers)
        assert not {"图们", "厦门", "福建"} & regions_of(vouchers)
        # national notices: the practice is the country's, whatever place the text names first
        poverty = client.get("/api/adopters", params={"q": "消費扶貧"}).json()
        assert poverty["practice"]["key"] == "consumption_poverty_alleviation"
        assert regions_of(poverty) == {"中国"}
        refund = client.get("/api/adopters", params={"q": "job retention refund"}).json()
        assert refund["practice"]["key"] == "job_retention_refund" and regions_of(refund) == {"中国"}
        assert "失业保险费" in refund["regions"][0]["measures"][0]["evidence"]
        cli_answer = json.loads(cli("adopters", "算力券", "--json", db=db).stdout)
        assert cli_answer["regions"] == vouchers["regions"]
