"""The faceted measure browser on the founding corpus: /api/measures with filters and facets
through a real server, and /viz/measures in headless Chromium (facet clicks, sorting,
downloads)."""
from __future__ import annotations

import csv
import io
from urllib.parse import quote

import pytest

import conftest
import pagecheck

THEME = "ip_pledge_financing"
ALL_MEASURES = 101  # the founding corpus's measures (kind measure)


def _browse(api, **params):
    r = api.get("/api/measures", params={"limit": 500, "facets": "true", **params})
    assert r.status_code == 200, r.text
    return r.json()


def _facet(body, name):
    return {v["value"]: v["count"] for f in body["facets"] if f["name"] == name for v in f["values"]}


def test_plain_list_keeps_its_shape(api):
    body = api.get("/api/measures", params={"limit": 3}).json()
    assert set(body) == {"items", "total"} and body["total"] == ALL_MEASURES
    assert set(body["items"][0]) == {"id", "region", "document", "label", "section", "title", "text", "kind"}


@pytest.mark.parametrize("facet", ["region", "level", "theme", "role", "agency"])
def test_each_facet_count_is_the_total_of_its_filter(api, facet):
    body = _browse(api, facet_values=5)
    assert body["total"] == ALL_MEASURES and not body["truncated"]
    counts = _facet(body, facet)
    assert counts, facet
    for value, count in list(counts.items())[:3]:
        narrowed = _browse(api, **{facet: value})
        assert narrowed["total"] == count, (facet, value)
        assert narrowed["filters"][facet] == value
        for m in narrowed["items"]:
            if facet == "region":
                assert m["region"] == value
            elif facet == "level":
                assert m["level"] == value
            elif facet == "theme":
                assert value in m["themes"]
            elif facet == "agency":
                assert value in m["lead_agencies"] + m["support_agencies"]
            else:
                assert m[f"{value}_agencies"]


@pytest.mark.parametrize("theme", ["知识产权质押融资", "知識產權質押融資", "IP pledge financing", THEME])
def test_theme_filter_accepts_either_script_and_english(api, theme):
    body = _browse(api, theme=theme)
    assert body["filters"]["theme"] == THEME
    assert body["total"] == 5 and all(THEME in m["themes"] for m in body["items"])
    # every row carries its evidence: document, its date and where that date was read
    for m in body["items"]:
        assert m["document"] and m["document_title"] and m["text"]
        assert (m["date"] is None) == (m["date_source"] is None)


def test_filters_narrow_together_and_facets_follow(api):
    wide = _browse(api, agency="市科技局")
    assert wide["filters"]["agency"] == "厦门|市科技局"
    lead = _browse(api, agency="厦门|市科技局", role="lead")
    assert 0 < lead["total"] < wide["total"]
    assert all("厦门|市科技局" in m["lead_agencies"] for m in lead["items"])
    assert _facet(lead, "region") == {"厦门": lead["total"]}
    # the practice facet of a theme's measures lists only that theme's practices' counts
    theme = _browse(api, theme=THEME)
    practice, count = next(iter(_facet(theme, "practice").items()))
    both = _browse(api, theme=THEME, practice=practice)
    assert both["total"] == count


def test_date_range_and_sort(api):
    body = _browse(api, date_from="2021", sort="-date")
    dates = [m["date"] for m in body["items"]]
    assert dates and all(d >= "2021-01-01" for d in dates)
    assert dates == sorted(dates, reverse=True)
    year = _browse(api, date_from="2020", date_to="2020")
    assert year["total"] == _facet(_browse(api), "year")["2020"]
    undated = _facet(_browse(api), "year").get(None, 0)
    assert undated > 0  # the founding corpus holds undated documents: a range leaves them out
    assert _browse(api, date_from="1900")["total"] == ALL_MEASURES - undated
    titles = [m["title"] for m in _browse(api, sort="title")["items"]]
    assert titles == sorted(titles)


def test_pages_are_disjoint_and_cover_the_total(api):
    seen = []
    for offset in (0, 40, 80):
        page = api.get("/api/measures", params={"sort": "region", "limit": 40, "offset": offset}).json()
        seen += [m["id"] for m in page["items"]]
    assert len(seen) == len(set(seen)) == ALL_MEASURES
    assert api.get("/api/measures", params={"theme": THEME, "limit": 501}).status_code == 422


@pytest.mark.parametrize("params, words", [
    ({"theme": "no such theme"}, "theme"),
    ({"practice": THEME}, "practice"),  # a theme is not a practice
    ({"date_from": "2020-13"}, "date_from"),
    ({"date_from": "2022", "date_to": "2020"}, "after"),
    ({"agency": "市工信局"}, "厦门|市工信局"),  # a name two cities' offices share: say which
    ({"agency": "no such office"}, "agency"),
    ({"role": "boss"}, "role"),
    ({"level": "planet"}, "level"),
])
def test_bad_filters_say_what_is_wrong(api, params, words):
    r = api.get("/api/measures", params=params)
    assert r.status_code == 422, r.text
    assert words in str(r.json()["detail"])


def test_the_view_downloads_as_csv_with_its_rows(api):
    body = _browse(api, theme=THEME, sort="date")
    r = api.get("/api/measures", params={"theme": THEME, "sort": "date", "limit": 500, "format": "csv"})
    assert r.status_code == 200 and r.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert [x["measure_id"] for x in rows] == [m["id"] for m in body["items"]]
    assert {"document", "date", "date_source", "evidence"} <= set(rows[0])
    assert "ip_pledge_financing" in r.headers["content-disposition"]


# -- in Chromium ----------------------------------------------------------------------

@pytest.fixture(scope="module")
def watched(server):
    pagecheck.need_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = pagecheck.launch(p)
        w = pagecheck.Watched(browser, server.base_url)
        yield w
        w.close()
        browser.close()


def _total(page) -> int:
    return int(page.locator("#browse-total").inner_text())


def test_a_facet_click_narrows_the_rows_to_its_count(watched):
    page = watched.page
    watched.open("/viz/measures")
    assert _total(page) == ALL_MEASURES
    region = page.locator('#facets [data-facet="region"] a[data-facet]').first
    name, count = region.get_attribute("data-value"), int(region.get_attribute("data-count"))
    region.click()
    page.wait_for_load_state("load")
    assert _total(page) == count
    rows = page.locator("#browse-rows tr[data-id]")
    assert rows.count() == min(count, 50)
    assert set(rows.evaluate_all("rs => rs.map(r => r.dataset.region)")) == {name}
    # a second facet narrows further, and its count is again the rows' number
    theme = page.locator('#facets [data-facet="theme"] a[data-facet]').first
    theme_count = int(theme.get_attribute("data-count"))
    theme.click()
    page.wait_for_load_state("load")
    assert _total(page) == theme_count <= count
    assert "theme=" in page.url and "region=" in page.url  # the view is a shareable URL
    watched.shot("measure_browser_two_facets")
    # removing the region filter widens again
    page.locator('.chosen[data-filter="region"] a.remove-filter').click()
    page.wait_for_load_state("load")
    assert _total(page) >= theme_count and "region=" not in page.url
    watched.clean("facet clicks")


def test_sorting_by_date_newest_first(watched):
    page = watched.page
    watched.open("/viz/measures")
    page.locator('a.sort[data-sort="-date"]').click()
    page.wait_for_load_state("load")
    dates = page.locator("#browse-rows tr[data-id] td:nth-child(2)").evaluate_all(
        "cs => cs.map(c => c.textContent.trim().slice(0, 10))")
    dated = [d for d in dates if d[:2] in ("19", "20")]
    assert dated and dated == sorted(dated, reverse=True)
    assert dates[:len(dated)] == dated  # undated rows come after every dated one
    watched.clean("sort")


def test_download_link_gives_the_rows_shown_as_csv_with_a_bom(watched):
    page = watched.page
    watched.open(f"/viz/measures?theme={quote(THEME)}")
    shown = page.locator("#browse-rows tr[data-id]").evaluate_all("rs => rs.map(r => r.dataset.id)")
    href = page.locator("a.download-csv").first.get_attribute("href")
    r = page.request.get(watched.base + href)
    assert r.status == 200 and r.body().startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(r.body().decode("utf-8-sig"))))
    assert [x["measure_id"] for x in rows] == shown and len(shown) == _total(page)
    j = page.request.get(watched.base + page.locator("a.download-json").first.get_attribute("href"))
    assert [x["measure_id"] for x in j.json()["rows"]] == shown
    watched.clean("download")


def test_a_bad_filter_answers_a_page_that_says_why(watched):
    watched.open("/viz/measures?date_from=2020-13", status=400)
    assert "date_from" in watched.page.locator("main").inner_text()
    watched.errors.clear()  # Chromium logs the 400 status of the document itself
    assert watched.foreign == []


def test_cli_gives_the_api_answer(api, corpus_db):
    import json
    import subprocess
    import sys

    def cli(*args):
        return subprocess.run([sys.executable, "-m", "policy_graph.cli", "measures", *args, "--db", str(corpus_db)],
                              capture_output=True, cwd=conftest.REPO, env={"COLUMNS": "200", "PATH": ""})
    via_api = _browse(api, theme="知識產權質押融資", sort="-date")
    out = cli("--theme", "知識產權質押融資", "--sort", "-date", "--limit", "500", "--json")
    assert out.returncode == 0, out.stderr
    via_cli = json.loads(out.stdout)
    assert [m["id"] for m in via_cli["items"]] == [m["id"] for m in via_api["items"]]
    assert via_cli["facets"] == via_api["facets"]
    csv_out = cli("--theme", THEME, "--sort", "-date", "--limit", "500", "--csv")
    assert csv_out.stdout.startswith(b"\xef\xbb\xbf")
    assert len(list(csv.DictReader(io.StringIO(csv_out.stdout.decode("utf-8-sig"))))) == via_api["total"]
    bad = cli("--from", "2020-13")
    assert bad.returncode == 2 and b"date_from" in bad.stderr


def test_browser_csv_carries_themes_and_agencies(api):
    body = _browse(api, agency="厦门|市科技局", role="lead")
    r = api.get("/api/measures", params={"agency": "厦门|市科技局", "role": "lead", "limit": 500, "format": "csv"})
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert len(rows) == body["total"]
    for row, m in zip(rows, body["items"]):
        assert "厦门|市科技局" in row["lead_agencies"].split("、")
        assert row["themes"].split("、") == m["themes"] if m["themes"] else row["themes"] == ""
        assert row["level"] == "prefecture"


def test_browsing_counts_as_an_expensive_read_and_the_plain_list_does_not():
    from api.limits import is_expensive

    assert not is_expensive("/api/measures", b"region=%E5%8E%A6%E9%97%A8&limit=50&offset=50")
    for query in (b"theme=ip_pledge_financing", b"limit=5&facets=true", b"sort=-date", b"kind=all",
                  b"region=x&date_from=2020"):
        assert is_expensive("/api/measures", query), query
    assert is_expensive("/viz/measures") and is_expensive("/api/agencies/%E5%B8%82")


def test_within_a_province_takes_its_places_too(api):
    body = _browse(api, within="Fujian")
    assert body["filters"]["within"] == "福建"
    regions = _facet(body, "region")
    assert {"福建", "厦门"} <= set(regions)  # the province's notices and Xiamen's action plan
    for name in regions:
        parents = api.get(f"/api/regions/{quote(name)}").json()["region"].get("parents") or []
        assert name == "福建" or "福建" in parents, (name, parents)
    assert body["total"] == sum(_browse(api, region=name)["total"] for name in regions)
    assert api.get("/api/measures", params={"within": "Atlantis"}).status_code == 404


def test_a_themes_measures_found_from_the_theme_are_the_filtered_ones(corpus_db):
    """With a theme filter the browser reads the theme's measures from the theme
    (measure_facets_in_theme); without, it filters every measure (measure_facets): for every
    theme of the founding corpus, alone and with a region or a level, the same rows."""
    from graph.store import open_store
    from policy_graph.research import FACT_ROW_CAP

    def rows(store, name, params):
        return sorted((r["id"], r["region"], r["level"], r["kind"], r["date"], r["document"], r["ordinal"],
                       r["title"], sorted(r["themes"]), sorted(r["practices"]),
                       sorted(zip(r["agencies"], r["roles"]))) for r in store.run(name, params))

    empty = {"kind": "measure", "region": "", "document": "", "date_from": "", "date_to": "", "theme": "",
             "practice": "", "agency": "", "role": "", "level": "", "within": "", "limit": FACT_ROW_CAP}
    with open_store("ladybug", path=corpus_db, read_only=True) as store:
        themes = [t["key"] for t in store.run("theme_list", {}) if t["measure_count"]]
        assert len(themes) > 10
        for theme in themes:
            for narrower in ({}, {"within": "福建"}, {"level": "prefecture"}, {"kind": ""}):
                params = {**empty, "theme": theme, **narrower}
                found = rows(store, "measure_facets_in_theme", params)
                assert found == rows(store, "measure_facets", params), (theme, narrower)
