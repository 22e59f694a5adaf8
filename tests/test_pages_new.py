"""The agency, document, compare (heat table), timeline and gaps pages, the error pages and the
API docs, on the founding corpus: their API twins through a real server, the pages in headless
Chromium (no console error, no request off the machine, every download link a CSV with a BOM)."""
from __future__ import annotations

import csv
import io
import re
from html import unescape
from urllib.parse import quote

import httpx
import pytest

import pagecheck

AGENCY = "厦门|市科技局"
FIVE = ["厦门", "福建", "图们", "武汉", "云南"]
THEME = "ip_pledge_financing"


# -- API twins -------------------------------------------------------------------------

def test_agency_answer_groups_its_measures_by_role_with_evidence(api):
    body = api.get(f"/api/agencies/{quote(AGENCY, safe='')}").json()
    assert body["agency"]["id"] == AGENCY and body["agency"]["region"] == "厦门"
    roles = {r["role"]: r for r in body["roles"]}
    assert set(roles) == {"lead", "support"}
    for role, r in roles.items():
        assert r["measure_count"] == len(r["measures"]) > 0
        browsed = api.get("/api/measures", params={"agency": AGENCY, "role": role, "limit": 500}).json()
        assert {m["id"] for m in r["measures"]} == {m["id"] for m in browsed["items"]}
        for m in r["measures"]:
            assert m["role"] == role and m["document"] and m["document_title"]
            assert "市科技局" in m["agency_evidence"]  # the responsibility line that names it
            assert m["date"] and m["date_source"]
    # the same agency by its name alone, since only one office carries it
    assert api.get("/api/agencies/市科技局").json()["agency"]["id"] == AGENCY


def test_agency_name_shared_by_two_offices_says_which_to_ask(api):
    r = api.get("/api/agencies/市工信局")
    assert r.status_code == 422
    assert "厦门|市工信局" in r.json()["detail"] and "图们|市工信局" in r.json()["detail"]
    assert api.get("/api/agencies/no-such-office").status_code == 404


def test_document_answer_has_metadata_with_provenance_and_measures_in_order(api):
    docs = api.get("/api/documents").json()
    doc = max(docs, key=lambda d: d["measure_count"])
    body = api.get(f"/api/documents/{doc['id']}").json()
    assert body["document"]["title"] == doc["title"] and body["document"]["date_source"] == doc["date_source"]
    assert body["provenance"].get("date") and body["provenance"].get("title")
    listed = api.get("/api/measures", params={"document": doc["id"], "limit": 500}).json()["items"]
    assert [m["id"] for m in body["measures"]] == [m["id"] for m in listed]
    assert body["measure_total"] == doc["measure_count"] - len(body["safeguards"])
    assert api.get("/api/documents/nope").status_code == 404


# -- pages in Chromium -------------------------------------------------------------------

@pytest.fixture
def watched(browser, server):
    w = pagecheck.Watched(browser, server.base_url)
    yield w
    w.close()


def _document_id(base: str) -> str:
    return max(httpx.get(base + "/api/documents", timeout=30).json(), key=lambda d: d["measure_count"])["id"]


def _pages(base: str) -> list[tuple[str, bool]]:
    return [("/", False), ("/viz/measures", False), (f"/viz/agency/{quote(AGENCY, safe='')}", False),
            ("/viz/agency/市工信局", False), (f"/viz/document/{_document_id(base)}", False),
            (f"/viz/compare?regions={quote(','.join(FIVE))}", True),
            (f"/viz/timeline?q={quote('知识产权质押融资')}", False),
            (f"/viz/gaps?region={quote('厦门')}", True), (f"/viz/theme/{THEME}", True),
            (f"/viz/region/{quote('厦门')}", True), (f"/viz/paths?from={quote('厦门')}", True),
            (f"/viz/search?q={quote('知识产权')}", False)]


def test_every_new_page_opens_clean_and_offline(watched, server):
    for path, graph in _pages(server.base_url):
        watched.open(path, graph=graph)
        watched.clean(path)
        assert watched.page.locator("h1").count() >= 1
        if path.startswith("/viz/compare"):
            watched.shot("compare_five_regions")  # the heat table over the graph


def test_every_answer_page_links_its_download_as_csv_with_a_bom(server):
    """Each page showing an answer links the API twin with ?format=csv and ?format=json."""
    base = server.base_url
    for path, _graph in _pages(base)[1:]:
        if "/agency/市工信局" in path:
            continue  # a choice between two agencies shows no answer yet
        text = httpx.get(base + path, timeout=60).text
        links = [unescape(h) for h in re.findall(r'class="download-csv" href="([^"]+)"', text)]
        assert links, path
        assert len(re.findall(r'class="download-json"', text)) == len(links), path
        for href in links:
            r = httpx.get(base + href, timeout=60)
            assert r.status_code == 200, (path, href, r.text[:200])
            assert r.content.startswith(b"\xef\xbb\xbf"), (path, href)
            header = next(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
            assert {"measure_id", "document", "date", "date_source"} <= set(header), (path, href)


def test_compare_heat_cells_count_the_measures_and_open_the_theme_at_the_region(watched, server):
    names = ",".join(FIVE)
    answer = httpx.get(server.base_url + "/api/compare", params={"regions": names, "per_region": 100},
                       timeout=60).json()
    expected = {(t["theme"]["key"], r): n for t in answer["themes"] for r, n in t["measure_counts"].items()}
    watched.open(f"/viz/compare?regions={quote(names)}", graph=True)
    cells = watched.page.locator("#heat-table td.heat").evaluate_all(
        "cs => cs.map(c => [c.closest('tr').dataset.theme, c.dataset.region, +c.dataset.count])")
    assert len(cells) == len(answer["themes"]) * len(FIVE)
    assert {(t, r): n for t, r, n in cells} == expected
    # the heat table sits above the graph
    assert watched.page.evaluate("document.querySelector('#heat-table').getBoundingClientRect().top"
                                 " < document.querySelector('#mynetwork').getBoundingClientRect().top")
    cell = watched.page.locator(f'#heat-table tr[data-theme="{THEME}"] td[data-region="图们"] a')
    cell.click()
    watched.page.wait_for_load_state("load")
    assert f"/viz/theme/{THEME}" in watched.page.url
    assert watched.page.locator("#adopter-图们").count() == 1
    watched.clean("heat table click")


def test_timeline_draws_the_adoption_curve_of_the_api(watched, server):
    curve = httpx.get(server.base_url + "/api/diffusion/curve", params={"q": THEME}, timeout=60).json()["curve"]
    watched.open(f"/viz/timeline?q={THEME}")
    figure = watched.page.locator("#adoption-curve svg")
    assert figure.count() == 1
    assert figure.locator("circle").count() == len(curve) > 1
    # the curve comes before the table of adoptions
    assert watched.page.evaluate("document.querySelector('#adoption-curve').getBoundingClientRect().top"
                                 " < document.querySelector('#dated').getBoundingClientRect().top")
    watched.shot("timeline_curve")
    watched.clean("timeline")


def test_agency_page_shows_roles_and_the_measure_page_leads_to_it(watched, server):
    body = httpx.get(server.base_url + f"/api/agencies/{quote(AGENCY, safe='')}", timeout=30).json()
    measure = body["roles"][0]["measures"][0]["id"]
    watched.open(f"/viz/measure/{measure}", graph=True)
    watched.page.locator(f'#agencies a.agency-link[href="/viz/agency/{quote(AGENCY, safe="")}"]').click()
    watched.page.wait_for_load_state("load")
    for r in body["roles"]:
        table = watched.page.locator(f'table[data-role="{r["role"]}"] tr[data-region]')
        assert table.count() == r["measure_count"]
    # and from the agency page to a document page, whose provenance table names where the date came from
    watched.page.locator("a.document-link").first.click()
    watched.page.wait_for_load_state("load")
    assert watched.page.locator('#document-facts tr[data-field="date"] .provenance').inner_text().strip()
    assert watched.page.locator("#document-measures li").count() > 0
    watched.clean("agency to document")


def test_shared_agency_name_offers_a_choice(watched):
    watched.open("/viz/agency/市工信局")
    choices = watched.page.locator("#agency-choices a")
    assert choices.count() == 2
    choices.first.click()
    watched.page.wait_for_load_state("load")
    assert watched.page.locator("table[data-role]").count() == 2
    watched.clean("agency choice")


def test_pickers_offer_only_regions_with_measures_and_gaps_are_reachable(watched, server):
    held = {r["name"]: r["measure_count"] for r in httpx.get(server.base_url + "/api/regions", timeout=30).json()
            if r["measure_count"]}
    watched.open("/")
    for picker in ("#region-picker", "#paths-picker", "#gaps-picker"):
        values = watched.page.locator(f"{picker} option").evaluate_all("os => os.map(o => o.value)")
        assert set(values) == set(held), picker
    watched.page.locator("#gaps-picker select").select_option("厦门")
    watched.page.locator("#gaps-picker button").click()
    watched.page.wait_for_selector("body[data-network-ready]", state="attached", timeout=60_000)
    assert "/viz/gaps" in watched.page.url and watched.page.locator("#gaps").count() == 1
    watched.open(f"/viz/region/{quote('武汉')}", graph=True)
    watched.page.locator(f'a[href="/viz/gaps?region={quote("武汉")}"]').click()
    watched.page.wait_for_selector("body[data-network-ready]", state="attached", timeout=60_000)
    assert "武汉" in watched.page.locator("h1").inner_text()
    watched.clean("gaps reachable")


@pytest.mark.parametrize("path, status, words", [
    ("/viz/explore", 422, "center"),
    ("/viz/explore?center=Region:厦门&depth=9", 422, "depth"),
    ("/viz/paths?from=厦门&max_hops=99", 422, "max_hops"),
    ("/viz/no-such-page", 404, "/viz/no-such-page"),
    ("/viz/document/no-such-document", 404, "no-such-document"),
])
def test_bad_page_requests_answer_a_page_not_json(watched, path, status, words):
    response = watched.open(path, status=status)
    assert response.headers["content-type"].startswith("text/html")
    assert words in watched.page.locator("#error-reason").inner_text()
    assert watched.page.locator("a[href='/']").count() >= 1
    assert watched.foreign == []


def test_api_errors_stay_json(server):
    r = httpx.get(server.base_url + "/api/subgraph", timeout=30)
    assert r.status_code == 422 and r.headers["content-type"].startswith("application/json")
    assert httpx.get(server.base_url + "/api/nope", timeout=30).json() == {"detail": "Not Found"}


@pytest.mark.parametrize("path, ready", [("/docs", ".swagger-ui .info"), ("/redoc", ".api-content h1")])
def test_api_docs_render_from_packaged_assets(watched, path, ready):
    watched.open(path)
    watched.page.wait_for_selector(ready, timeout=60_000)
    assert "policy-graph" in watched.page.locator("body").inner_text()
    watched.page.wait_for_load_state("networkidle")  # images and fonts it asks for once drawn
    watched.shot(path.strip("/"))
    watched.clean(path)


def test_every_node_of_a_measure_page_opens_a_page_of_its_own(watched, server):
    """Agency and document nodes included: a click on any node leads to its page (DETAIL_ROUTE)."""
    from viz.render import DETAIL_ROUTE

    body = httpx.get(server.base_url + f"/api/agencies/{quote(AGENCY, safe='')}", timeout=30).json()
    watched.open(f"/viz/measure/{body['roles'][0]['measures'][0]['id']}", graph=True)
    nodes = watched.page.evaluate("nodes.get().map(n => [n.pg_type, n.pg_key])")
    assert {"Agency", "Document", "Measure", "Region"} <= {t for t, _ in nodes}
    for node_type, key in nodes:
        assert node_type in DETAIL_ROUTE, node_type
        r = httpx.get(server.base_url + DETAIL_ROUTE[node_type] + quote(key, safe=""), timeout=60)
        assert r.status_code == 200, (node_type, key, r.status_code)
    watched.clean("measure page nodes")
