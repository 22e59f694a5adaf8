"""The browser pages in Debian's headless Chromium, against a real uvicorn on loopback.

The graph is the founding corpus plus one hostile document whose text carries markup;
it must show as characters and run nothing. Under CI (CI=true) a missing Chromium or
Playwright fails these tests instead of skipping them.
"""
from __future__ import annotations

import json
import re
import time
from urllib.parse import quote, unquote

import httpx
import pytest

import conftest
import pagecheck

ARTIFACTS = pagecheck.ARTIFACTS
FIVE = ["厦门", "福建", "图们", "武汉", "云南"]
THEME = "ip_pledge_financing"
IMG = "<img src=x onerror=window.__pwned=1>"
SCRIPT = "<script>window.__pwned=1</script>"
# Elements the hostile text would create if it were parsed as markup (the pages have no images).
INJECTED_ELEMENTS = ("document.images.length + document.querySelectorAll('[onerror],[onmouseover]').length"
                     " + [...document.scripts].filter(s => s.text.trim() === 'window.__pwned=1').length")

# A document of the genre whose text carries markup; ingest must keep it as text.
HOSTILE_DOC = f"""武汉市关于开展人才服务{IMG}试点的实施方案
发布时间:2021-03-01

一、主要任务

1.建设人才服务平台{SCRIPT}。依托现有园区建设人才服务平台{IMG}，提供政策咨询服务。
责任单位:市人社局，配合单位:市科技局
完成时限:2021年12月

2.完善人才评价机制<b onmouseover=window.__pwned=1>bold</b>。建立以创新能力为导向的评价办法。
责任单位:市人社局
完成时限:2021年12月
"""


@pytest.fixture(scope="module")
def viz_server(tmp_path_factory):
    root = tmp_path_factory.mktemp("viz")
    hostile = root / "hostile" / "wuhan_hostile.txt"
    hostile.parent.mkdir()
    hostile.write_text(HOSTILE_DOC, encoding="utf-8")
    db = root / "viz.lbdb"
    conftest.build_corpus_db(db, extra=[hostile])
    srv = conftest.Server(db)
    yield srv
    srv.stop()


class Watched(pagecheck.Watched):
    """tests/pagecheck.py's watched page, with the canvas helpers these tests click through."""

    def open(self, path: str, *, graph: bool = True) -> float:
        """Load ``path``; for a graph page wait until vis-network has laid it out. Returns seconds."""
        started = time.perf_counter()
        super().open(path, graph=graph)
        return time.perf_counter() - started

    def nodes(self) -> list[dict]:
        return self.page.evaluate("nodes.get().map(n => ({id: n.id, type: n.pg_type, key: n.pg_key,"
                                  " title: n.title}))")

    def freeze(self) -> None:
        self.page.evaluate("network.stopSimulation(); network.setOptions({physics: false});")

    def clickable_point(self, node_id: str) -> dict | None:
        """Centre ``node_id`` in view; its page coordinates if no other node covers it."""
        self.page.evaluate("id => network.focus(id, {scale: 1.2, animation: false})", node_id)
        dom = self.page.evaluate("id => network.canvasToDOM(network.getPositions([id])[id])", node_id)
        if self.page.evaluate("p => network.getNodeAt(p)", dom) != node_id:
            return None
        box = self.page.locator("#mynetwork").bounding_box()
        return {"x": box["x"] + dom["x"], "y": box["y"] + dom["y"]}

    def click_first(self, node_type: str) -> dict:
        """Click, as a person would, the first node of ``node_type`` that is not covered."""
        self.freeze()
        for node in self.nodes():
            if node["type"] != node_type:
                continue
            point = self.clickable_point(node["id"])
            if point is not None:
                self.page.mouse.click(point["x"], point["y"])
                return node
        raise AssertionError(f"no {node_type} node can be clicked")



@pytest.fixture
def watched(browser, viz_server):
    w = Watched(browser, viz_server.base_url)
    yield w
    w.close()


def _theme_measure_ids(base_url: str) -> list[str]:
    body = httpx.get(base_url + "/api/subgraph",
                     params={"center": f"Theme:{THEME}", "depth": 1, "limit": 1000}, timeout=30).json()
    return [n["id"].split(":", 1)[1] for n in body["nodes"] if n["type"] == "Measure"]


def _pages(base_url: str) -> list[tuple[str, bool]]:
    measure = _theme_measure_ids(base_url)[0]
    return [("/", False), (f"/viz/search?q={quote('知识产权质押融资')}", False),
            (f"/viz/theme/{THEME}", True), (f"/viz/region/{quote('厦门')}", True),
            (f"/viz/measure/{quote(measure)}", True),
            (f"/viz/compare?regions={quote('厦门,武汉')}", True),
            (f"/viz/paths?from={quote('厦门')}", True),
            (f"/viz/explore?center={quote('Region:厦门')}&depth=2", True)]


def test_page_html_points_nowhere_else_even_without_a_browser(viz_server):
    """The markup itself names no other host: no src/href to http(s) or //, a strict CSP."""
    for path, _graph in _pages(viz_server.base_url):
        r = httpx.get(viz_server.base_url + path, timeout=60)
        assert r.status_code == 200, path
        assert r.headers["content-type"].startswith("text/html")
        assert "default-src 'none'" in r.headers["content-security-policy"]
        outside = re.findall(r"""<[^>]+\b(?:src|href)\s*=\s*["']?\s*(?:https?:)?//[^>]*>""", r.text, re.I)
        assert outside == [], (path, outside[:3])
        assert re.findall(r"<link\b[^>]*>", r.text) == ['<link rel="icon" href="data:,">'], path
        assert re.findall(r"<script\b[^>]*\bsrc\s*=", r.text, re.I) == [], path
    hostile = httpx.get(viz_server.base_url + "/viz/search", params={"q": "人才服务平台"}, timeout=30).text
    assert IMG not in hostile and SCRIPT not in hostile
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in hostile


def test_every_page_loads_clean_and_offline(watched, viz_server):
    timings = {}
    for path, graph in _pages(viz_server.base_url):
        timings[unquote(path)] = round(watched.open(path, graph=graph), 3)
        assert watched.errors == [], (path, watched.errors)
        assert watched.foreign == [], (path, watched.foreign)
        assert watched.page.locator("h1").count() >= 1
        if graph:
            assert watched.page.locator("#legend").is_visible()
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "page_load_seconds.json").write_text(json.dumps(timings, ensure_ascii=False, indent=1),
                                                       encoding="utf-8")
    print("page load + layout seconds:", timings)


def test_theme_network_holds_adopting_regions_and_their_measures(watched):
    watched.open(f"/viz/theme/{THEME}")
    nodes = watched.nodes()
    regions = {n["key"] for n in nodes if n["type"] == "Region"}
    assert set(FIVE) <= regions
    assert "苏州" not in regions  # Yunnan borrowed Suzhou's customs finance, not the IP pledge
    measures = [n for n in nodes if n["type"] == "Measure"]
    assert len(measures) >= 5
    # Every adopter's measure is in the table, led (or at least named) by agencies.
    table_regions = set(watched.page.eval_on_selector_all(
        "#theme-measures tr[data-region]", "rows => rows.map(r => r.dataset.region)"))
    assert set(FIVE) <= table_regions
    assert any(n["type"] == "Agency" for n in nodes)
    for m in measures:
        assert "href" not in m["title"].lower().replace("\u200b", "x")
        assert "来源 source:" in m["title"]
    ARTIFACTS.mkdir(exist_ok=True)
    watched.page.screenshot(path=str(ARTIFACTS / "theme_ip_pledge_financing.png"), full_page=True)


def test_clicking_a_measure_opens_its_detail(watched):
    watched.open(f"/viz/theme/{THEME}")
    target = watched.click_first("Measure")  # a click focuses it; its panel links to its page
    with watched.page.expect_navigation():
        watched.page.click("#pg-open")
    assert unquote(watched.page.url).endswith("/viz/measure/" + target["key"])
    watched.page.wait_for_selector("body[data-network-ready]", state="attached", timeout=60_000)
    assert watched.page.inner_text("#measure-text").strip()
    assert watched.page.locator("#agencies li").count() >= 1
    assert watched.page.locator("#themes a.theme-link").count() >= 1
    assert watched.errors == []


def test_newcomer_searches_and_clicks_through_to_agencies(watched):
    watched.open("/", graph=False)
    watched.page.fill("#search-q", "知识产权质押融资")
    with watched.page.expect_navigation():
        watched.page.press("#search-q", "Enter")
    with watched.page.expect_navigation():
        watched.page.click(f"#theme-hits a[href='/viz/theme/{THEME}']")
    watched.page.wait_for_selector("body[data-network-ready]", state="attached", timeout=60_000)
    for region in FIVE:
        assert watched.page.locator(f"#theme-measures tr[data-region='{region}']").count() >= 1
    with watched.page.expect_navigation():
        watched.page.locator("#theme-measures a.measure-link").first.click()
    assert "/viz/measure/" in watched.page.url
    assert watched.page.locator("#agencies li").count() >= 1
    assert watched.errors == [] and watched.foreign == []


def test_traditional_and_english_search_find_the_theme(watched):
    for q in ("知識產權質押融資", "IP pledge"):
        watched.open(f"/viz/search?q={quote(q)}", graph=False)
        assert watched.page.locator(f"#theme-hits a[href='/viz/theme/{THEME}']").count() == 1, q


def test_hostile_document_text_is_shown_not_run(watched, viz_server):
    found = httpx.get(viz_server.base_url + "/viz/search", params={"q": "人才服务平台"}, timeout=30)
    assert found.status_code == 200
    watched.open(f"/viz/search?q={quote('人才服务平台')}", graph=False)
    link = watched.page.locator("#measure-hits a.measure-link", has_text="__pwned").first
    with watched.page.expect_navigation():
        link.click()
    watched.page.wait_for_selector("body[data-network-ready]", state="attached", timeout=60_000)
    text = watched.page.inner_text("#measure-text")
    assert SCRIPT in text or IMG in text, text
    assert watched.page.evaluate("window.__pwned") is None
    assert watched.page.evaluate(INJECTED_ELEMENTS) == 0
    # The same text inside node tooltips stays text too.
    titles = " ".join(n["title"] for n in watched.nodes())
    assert "<img" in titles or "<script" in titles
    region = watched.page.evaluate("nodes.get().find(n => n.pg_type === 'Region').pg_key")
    for path, graph in ((f"/viz/region/{quote(region)}", True),
                        (f"/viz/search?q={quote('人才服务平台')}", False)):
        watched.open(path, graph=graph)
        assert watched.page.evaluate("window.__pwned") is None, path
        assert watched.page.evaluate(INJECTED_ELEMENTS) == 0, path
    assert "<img src=x" in watched.page.inner_text("#measure-hits") or \
        "<script>" in watched.page.inner_text("#measure-hits")
    assert watched.errors == [], watched.errors


def test_tooltip_shows_measure_title_snippet_and_source(watched):
    watched.open(f"/viz/theme/{THEME}")
    watched.freeze()
    point = next(p for p in (watched.clickable_point(n["id"]) for n in watched.nodes()
                             if n["type"] == "Measure") if p)
    watched.page.mouse.move(point["x"], point["y"])
    tip = watched.page.locator("div.vis-tooltip")
    tip.wait_for(state="visible", timeout=5_000)
    text = tip.inner_text()
    assert "来源 source:" in text and "地区 region:" in text


def test_capped_picture_says_it_is_partial(watched):
    watched.open(f"/viz/theme/{THEME}?limit=6")
    assert len(watched.nodes()) <= 6
    assert watched.page.locator("#truncated").is_visible()
    watched.open(f"/viz/theme/{THEME}")
    assert watched.page.locator("#truncated").count() == 0


def test_explore_page_draws_exactly_the_api_subgraph(watched, viz_server):
    params = {"center": "Region:武汉", "depth": 2, "limit": 60}
    body = httpx.get(viz_server.base_url + "/api/subgraph", params=params, timeout=30).json()
    watched.open(f"/viz/explore?center={quote(params['center'])}&depth=2&limit=60")
    drawn = {n["id"] for n in watched.nodes()}
    assert drawn == {n["id"] for n in body["nodes"]}
    edges = watched.page.evaluate("edges.get().length")
    assert edges == len(body["edges"])
    assert watched.page.locator("#truncated").count() == (1 if body["truncated"] else 0)


def test_largest_page_render_time_is_recorded(watched):
    """Not a threshold: the number goes to the report and tests/artifacts/."""
    paths = [f"/viz/region/{quote(r)}" for r in FIVE]
    paths += [f"/viz/theme/{THEME}", f"/viz/compare?regions={quote(','.join(FIVE))}",
              f"/viz/explore?center={quote('Region:福建')}&depth=3"]
    sizes = {}
    for path in paths:
        watched.open(path)
        sizes[path] = len(watched.nodes())
    largest = max(sizes, key=sizes.get)
    runs = [watched.open(largest) for _ in range(3)]
    html_bytes = watched.page.evaluate("document.documentElement.outerHTML.length")
    result = {"page": unquote(largest), "nodes": sizes[largest], "html_chars": html_bytes,
              "seconds_load_to_layout": [round(r, 3) for r in runs]}
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "largest_page_render.json").write_text(json.dumps(result, ensure_ascii=False, indent=1),
                                                        encoding="utf-8")
    print("largest page:", result)
    assert sizes[largest] > 0 and watched.errors == []
