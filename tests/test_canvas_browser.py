"""The graph canvas every page shares, driven in headless Chromium against a real server.

A click focuses a node's neighbourhood (others faded) and opens a side panel that links to
the node's page; legend checkboxes hide node and edge types; the find box highlights and
zooms; the date range hides measures dated outside it (undated ones stay); expand adds the
neighbours /api/subgraph returns; positions come from the server, so two loads agree; the
labels drawn at the default zoom do not overlap on the two busiest pages.
"""
from __future__ import annotations

import json
from urllib.parse import quote, unquote

import httpx

from test_pages_browser import ARTIFACTS, FIVE, THEME, viz_server, watched  # noqa: F401  (fixtures; browser is conftest's)

XIAMEN = f"/viz/region/{quote('厦门')}"
COMPARE5 = f"/viz/compare?regions={quote(','.join(FIVE))}"

# Node bounding boxes (shape and label) of the labels vis-network draws at the current zoom
# (it skips a label under 9 px), and every pair of them that overlaps.
LABEL_OVERLAPS = """() => {
  const scale = network.getScale();
  const drawn = nodes.getIds().filter(id => {
    const n = nodes.get(id);
    return !n.hidden && n.font.size * scale >= 9;
  });
  const boxes = drawn.map(id => [id, network.getBoundingBox(id)]);
  const hits = [];
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const a = boxes[i][1], b = boxes[j][1];
      if (a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom) {
        hits.push([boxes[i][0], boxes[j][0]]);
      }
    }
  }
  return {drawn: drawn.length, total: nodes.length, overlaps: hits};
}"""


def _shot(watched, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    watched.page.locator("#mynetwork").screenshot(path=str(ARTIFACTS / f"canvas_{name}.png"))


def _clean(watched) -> None:
    assert watched.errors == [], watched.errors
    assert watched.foreign == [], watched.foreign


def _visible(watched, node_type: str | None = None) -> list[dict]:
    # vis-network hides a node whose "hidden" is any value but false/undefined (even "").
    return watched.page.evaluate(
        "t => nodes.get().filter(n => (n.hidden === false || n.hidden === undefined)"
        " && (t === null || n.pg_type === t))"
        ".map(n => ({id: n.id, key: n.pg_key, date: n.pg_date}))", node_type)


def test_busiest_pages_are_readable_at_the_default_zoom(watched):
    """Every label drawn at the default zoom is clear of the others; most nodes carry one."""
    for name, path in (("region_xiamen", XIAMEN), ("compare_five", COMPARE5)):
        watched.open(path)
        found = watched.page.evaluate(LABEL_OVERLAPS)
        _shot(watched, name)
        assert found["overlaps"] == [], (path, found["overlaps"][:5])
        assert found["drawn"] >= min(found["total"], 40), (path, found)
    # Every compared region and every theme shared by all five carries a readable label.
    shared = watched.page.evaluate("nodes.get().filter(n => n.pg_type === 'Region' || n.borderWidth === 3)"
                                   ".map(n => n.font.size * network.getScale())")
    assert len(shared) > len(FIVE) and min(shared) >= 9
    _clean(watched)


def test_same_page_twice_gives_the_same_picture(watched):
    watched.open(XIAMEN)
    first = watched.page.evaluate("network.getPositions()")
    watched.open(XIAMEN)
    assert watched.page.evaluate("network.getPositions()") == first
    # Physics is off: nothing drifts after the first paint.
    assert watched.page.evaluate("network.physics.options.enabled") is False


def test_legend_lists_the_node_and_edge_types_on_the_page(watched):
    watched.open(COMPARE5)
    legend_nodes = set(watched.page.eval_on_selector_all(
        "#legend label[data-node-type]", "ls => ls.map(l => l.dataset.nodeType)"))
    legend_edges = set(watched.page.eval_on_selector_all(
        "#legend label[data-edge-type]", "ls => ls.map(l => l.dataset.edgeType)"))
    assert legend_nodes == set(watched.page.evaluate("nodes.get().map(n => n.pg_type)")) == {"Region", "Theme"}
    assert legend_edges == set(watched.page.evaluate("edges.get().map(e => e.pg_type)"))
    assert "LED_BY" not in legend_edges and "SIMILAR_TO" not in legend_edges


def test_click_focuses_the_neighbourhood_and_the_panel_opens_its_page(watched):
    watched.open(f"/viz/theme/{THEME}")
    target = watched.click_first("Measure")
    watched.page.wait_for_selector("#pg-panel:not([hidden])")
    assert unquote(watched.page.url).endswith(f"/viz/theme/{THEME}")  # a click does not navigate
    state = watched.page.evaluate("""id => {
        const near = new Set(network.getConnectedNodes(id).concat([id]));
        const all = nodes.get();
        return {faded: all.filter(n => n.pg_faded).map(n => n.id),
                kept: all.filter(n => !n.pg_faded).map(n => n.id), near: [...near],
                hidden: all.filter(n => n.hidden).length};
    }""", target["id"])
    assert set(state["kept"]) == set(state["near"])
    assert state["faded"] and state["hidden"] == 0  # faded, not hidden
    assert watched.page.inner_text("#pg-panel-type").startswith("Measure")
    facts = watched.page.inner_text("#pg-panel-facts")
    assert "来源 source document" in facts and "日期 date" in facts
    link = watched.page.locator("#pg-open")
    assert unquote(link.get_attribute("href")) == "/viz/measure/" + target["key"]
    with watched.page.expect_navigation():
        link.click()
    assert unquote(watched.page.url).endswith("/viz/measure/" + target["key"])
    watched.page.wait_for_selector("body[data-network-ready]", state="attached")
    _clean(watched)


def test_every_node_leads_to_a_page_of_its_own(watched, viz_server):
    watched.open(f"/viz/measure/{quote(_a_measure(viz_server))}")
    links = watched.page.evaluate("""() => {
        const routes = JSON.parse(document.getElementById('pg-canvas-config').textContent).routes;
        return nodes.get().map(n => [n.pg_type, routes[n.pg_type] ? routes[n.pg_type] + encodeURIComponent(n.pg_key) : null]);
    }""")
    assert {t for t, _ in links} >= {"Measure", "Document", "Agency", "Region", "Theme"}
    assert all(url for _, url in links), links


def test_a_type_filter_hides_that_type_and_brings_it_back(watched):
    watched.open(XIAMEN)
    measures = len(_visible(watched, "Measure"))
    total = len(_visible(watched))
    assert measures > 0
    box = watched.page.locator("#legend label[data-node-type='Measure'] input")
    box.uncheck()
    assert _visible(watched, "Measure") == []
    assert len(_visible(watched)) == total - measures
    assert watched.page.get_attribute("body", "data-visible-nodes") == str(total - measures)
    box.check()
    assert len(_visible(watched)) == total
    # An edge type: its edges hide, the nodes stay.
    edge_box = watched.page.locator("#legend label[data-edge-type='PRACTICE_FLOW'] input")
    edge_box.uncheck()
    shown = watched.page.evaluate("edges.get().filter(e => e.pg_type === 'PRACTICE_FLOW' && !e.hidden).length")
    assert shown == 0 and len(_visible(watched)) == total
    _shot(watched, "region_xiamen_filtered")
    _clean(watched)


def test_find_highlights_and_zooms_to_the_matches(watched):
    watched.open(XIAMEN)
    before = watched.page.evaluate("network.getScale()")
    watched.page.fill("#pg-find", "知识产权")
    matches = watched.page.evaluate("nodes.get().filter(n => n.pg_match).map(n => n.pg_full)")
    words = watched.page.evaluate("nodes.get().map(n => [!!n.pg_match, n.pg_find])")
    assert matches and all(hit == ("知识产权" in text) for hit, text in words)
    # The rest fades, the matches keep their colour.
    faded = watched.page.evaluate("nodes.get().map(n => [!!n.pg_match, !!n.pg_faded])")
    assert all(is_match != is_faded for is_match, is_faded in faded)
    assert watched.page.inner_text("#pg-find-count") == f"{len(matches)} found"
    # Zoomed onto them: every match is inside the canvas, and the view is closer than before.
    inside = watched.page.evaluate("""() => {
        const box = document.getElementById('mynetwork').getBoundingClientRect();
        const ids = nodes.get().filter(n => n.pg_match).map(n => n.id);
        const pos = network.getPositions(ids);
        return ids.every(id => { const p = network.canvasToDOM(pos[id]);
            return p.x >= 0 && p.y >= 0 && p.x <= box.width && p.y <= box.height; });
    }""")
    assert inside
    assert watched.page.evaluate("network.getScale()") >= before
    _shot(watched, "region_xiamen_find")
    # The same words in Traditional script find the same nodes.
    watched.page.fill("#pg-find", "知識產權")
    assert watched.page.evaluate("nodes.get().filter(n => n.pg_match).map(n => n.pg_full)") == matches
    watched.page.fill("#pg-find", "")
    assert watched.page.evaluate("nodes.get().filter(n => n.pg_match || n.pg_faded).length") == 0
    _clean(watched)


def test_the_date_range_hides_later_measures_and_keeps_undated_ones(watched):
    watched.open(f"/viz/theme/{THEME}")
    dated = watched.page.evaluate("nodes.get().filter(n => n.pg_type === 'Measure' && n.pg_date)"
                                  ".map(n => ({id: n.id, date: n.pg_date}))")
    undated = watched.page.evaluate("nodes.get().filter(n => n.pg_type === 'Measure' && !n.pg_date).map(n => n.id)")
    dates = sorted({d["date"] for d in dated})
    assert len(dates) >= 2, dates
    cut = dates[0]
    watched.page.fill("#pg-to", cut)
    shown = {n["id"] for n in _visible(watched, "Measure")}
    assert shown == {d["id"] for d in dated if d["date"] <= cut} | set(undated)
    assert any(d["date"] > cut for d in dated)
    assert watched.page.inner_text("#pg-time-count").endswith("outside the range hidden")
    # The non-measure nodes stay whatever the range.
    assert watched.page.evaluate("nodes.get().filter(n => n.pg_type !== 'Measure' && n.hidden).length") == 0
    _shot(watched, "theme_time_range")
    watched.page.fill("#pg-to", dates[-1])
    assert len(_visible(watched, "Measure")) == len(dated) + len(undated)
    _clean(watched)


def test_expand_adds_the_neighbours_in_place(watched, viz_server):
    watched.open(f"/viz/theme/{THEME}")
    target = watched.click_first("Region")
    watched.page.wait_for_selector("#pg-expand")
    before = set(watched.page.evaluate("nodes.getIds()"))
    api = httpx.get(viz_server.base_url + "/api/subgraph",
                    params={"center": target["id"], "depth": 1, "limit": 60}, timeout=30).json()
    expected = before | {n["id"] for n in api["nodes"]}
    assert expected - before, "the region's neighbourhood must hold nodes not yet drawn"
    watched.page.click("#pg-expand")
    watched.page.wait_for_selector("body[data-expanded='1']", state="attached")
    after = set(watched.page.evaluate("nodes.getIds()"))
    assert after == expected
    assert unquote(watched.page.url).endswith(f"/viz/theme/{THEME}")
    assert "added" in watched.page.inner_text("#pg-panel-msg")
    # The new nodes are drawn in the focus (not faded) and their types are in the legend.
    new = after - before
    faded = watched.page.evaluate("ids => nodes.get(ids).filter(n => n.pg_faded).length", sorted(new))
    assert faded == 0
    legend = set(watched.page.eval_on_selector_all("#legend label[data-node-type]",
                                                   "ls => ls.map(l => l.dataset.nodeType)"))
    assert {i.split(":", 1)[0] for i in after} <= legend
    _shot(watched, "theme_expanded")
    _clean(watched)


def test_double_click_opens_the_page_of_a_node(watched):
    watched.open(XIAMEN)
    watched.freeze()
    node = next(n for n in watched.nodes() if n["type"] == "Theme" and watched.clickable_point(n["id"]))
    point = watched.clickable_point(node["id"])
    with watched.page.expect_navigation():
        watched.page.mouse.dblclick(point["x"], point["y"])
    assert unquote(watched.page.url).endswith("/viz/theme/" + node["key"])


def test_render_sizes_are_recorded(watched):
    """Not a threshold: page bytes and load-to-layout seconds of the busiest pages, for the report."""
    result = {}
    for path in (XIAMEN, COMPARE5):
        runs = [round(watched.open(path), 3) for _ in range(2)]
        result[unquote(path)] = {"seconds_load_to_layout": runs, "nodes": len(watched.nodes()),
                                 "html_chars": watched.page.evaluate("document.documentElement.outerHTML.length")}
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "canvas_pages.json").write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    print("canvas pages:", result)
    _clean(watched)


def _a_measure(viz_server) -> str:
    body = httpx.get(viz_server.base_url + "/api/subgraph",
                     params={"center": f"Theme:{THEME}", "depth": 1, "limit": 200}, timeout=30).json()
    return sorted(n["id"].split(":", 1)[1] for n in body["nodes"] if n["type"] == "Measure")[0]


def test_the_server_sends_the_same_positions_every_time(viz_server):
    """Positions are computed on the server: two requests give byte-identical pages."""
    first = httpx.get(viz_server.base_url + COMPARE5, timeout=60)
    second = httpx.get(viz_server.base_url + COMPARE5, timeout=60)
    assert first.status_code == second.status_code == 200
    assert first.text == second.text
    assert '"physics": {"enabled": false}' in first.text
