"""One answer everywhere: the same question asked through every endpoint, page and CLI command
finds the same regions, measures and counts, on the founding corpus and on the development set.

The pages are read as a browser receives them (real uvicorn on loopback; the HTML parsed with
the standard library's parser); the CLI runs as a user runs it, against the same database file.
"""
from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import httpx
import pytest

from conftest import REPO, Server, build_corpus_db

DEVSET = REPO / "data" / "devset"


# -- reading pages -------------------------------------------------------------------

VOID = {"br", "hr", "img", "input", "link", "meta", "source", "wbr", "col", "area", "base", "embed"}


class Node:
    def __init__(self, tag: str, attrs: dict[str, str], parent: "Node | None") -> None:
        self.tag, self.attrs, self.parent, self.children, self.parts = tag, attrs, parent, [], []

    def text(self) -> str:
        return "".join(p if isinstance(p, str) else p.text() for p in self.parts)

    def walk(self):
        yield self
        for c in self.children:
            yield from c.walk()

    def find(self, **attrs) -> list["Node"]:
        return [n for n in self.walk() if all(n.attrs.get(k.replace("_", "-")) == v for k, v in attrs.items())]

    def having(self, attr: str) -> list["Node"]:
        return [n for n in self.walk() if attr in n.attrs]

    def one(self, **attrs) -> "Node":
        found = self.find(**attrs)
        assert len(found) == 1, (attrs, len(found))
        return found[0]


class _Tree(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = self.here = Node("#root", {}, None)

    def handle_starttag(self, tag, attrs):
        node = Node(tag, {k: v or "" for k, v in attrs}, self.here)
        self.here.children.append(node)
        self.here.parts.append(node)
        if tag not in VOID:
            self.here = node

    def handle_endtag(self, tag):
        n = self.here
        while n is not None and n.tag != tag:
            n = n.parent
        if n is not None and n.parent is not None:
            self.here = n.parent

    def handle_data(self, data):
        self.here.parts.append(data)


def page(client: httpx.Client, path: str, **params) -> Node:
    r = client.get(path, params=params)
    assert r.status_code == 200, (path, params, r.status_code, r.text[:300])
    tree = _Tree()
    tree.feed(r.text)
    return tree.root


def region_links(node: Node) -> list[str]:
    return [a.text().strip() for a in node.walk() if a.attrs.get("class") == "region-link"]


def cli(db: Path, *args: str) -> dict:
    done = subprocess.run([sys.executable, "-m", "policy_graph.cli", *args, "--db", str(db), "--json"],
                          capture_output=True, text=True, cwd=REPO, env={"COLUMNS": "200", "PATH": ""})
    assert done.returncode == 0, (args, done.stderr[-2000:])
    return json.loads(done.stdout)


# -- the two graphs ------------------------------------------------------------------

@pytest.fixture(scope="module")
def founding(corpus_db, server):
    with httpx.Client(base_url=server.base_url, timeout=60) as client:
        yield client, corpus_db


@pytest.fixture(scope="module")
def devset(tmp_path_factory):
    db = tmp_path_factory.mktemp("devset") / "policy.lbdb"
    build_corpus_db(db, extra=[DEVSET])
    srv = Server(db)
    try:
        with httpx.Client(base_url=srv.base_url, timeout=60) as client:
            yield client, db
    finally:
        srv.stop()


@pytest.fixture(scope="module", params=["founding", "devset"])
def graph(request):
    return request.getfixturevalue(request.param)


# -- the questions, asked everywhere -------------------------------------------------

def test_measure_counts_agree_everywhere(graph):
    """Per region: /api/regions, /api/measures, /api/regions/{name}, the home page, the region
    page and the CLI count the same measures (never safeguards)."""
    client, db = graph
    listed = {r["name"]: r["measure_count"] for r in client.get("/api/regions").json() if r["measure_count"]}
    assert listed
    home = {li.attrs["data-region"]: int(li.one(**{"class": "measure-count"}).text())
            for li in page(client, "/").one(id="regions").having("data-region")}
    assert home == listed
    health = client.get("/api/health").json()["counts"]["measures"]
    assert int(page(client, "/").one(**{"data-count": "measures"}).text()) == health
    for name in sorted(listed, key=lambda n: -listed[n])[:4]:
        total = client.get("/api/measures", params={"region": name, "limit": 1}).json()["total"]
        profile = client.get(f"/api/regions/{name}").json()
        shown = int(page(client, f"/viz/region/{name}").one(id="measure-count").text())
        assert total == profile["measure_count"] == shown == listed[name], name
    top = max(listed, key=lambda n: listed[n])
    assert cli(db, "region", top)["measure_count"] == listed[top]


def test_founding_counts_are_the_documented_ones(founding):
    client, _ = founding
    listed = {r["name"]: r["measure_count"] for r in client.get("/api/regions").json()}
    assert listed["厦门"] == 19  # 19 tasks; its 3 safeguard sections are not measures


def _busiest_theme(client: httpx.Client) -> str:
    themes = client.get("/api/themes").json()
    return max(themes, key=lambda t: (t["region_count"], t["measure_count"], t["key"]))["key"]


def _questions(client: httpx.Client) -> list[str]:
    return ["ip_pledge_financing", "IP pledge financing", _busiest_theme(client)]


def test_adopters_agree_across_api_theme_page_timeline_search_and_cli(graph):
    client, db = graph
    for q in _questions(client):
        answer = client.get("/api/adopters", params={"q": q, "per_region": 5, "limit": 1000}).json()
        counts = {r["region"]: r["measure_count"] for r in answer["regions"]}
        assert answer["region_count"] == len(counts)
        key = answer["theme"]["key"]
        theme_page = page(client, f"/viz/theme/{key}")
        drawn = {li.attrs["data-region"]: int(li.one(**{"class": "measure-count"}).text())
                 for li in theme_page.one(id="adopters").having("data-region")}
        assert drawn == counts, q
        assert int(theme_page.one(id="region-count").text()) == answer["region_count"]
        shown = {m["id"] for r in answer["regions"] for m in r["measures"]}
        rows = {tr.attrs["data-region"] for tr in theme_page.one(id="theme-measures").having("data-region")}
        assert rows == set(counts)
        linked = {a.attrs["href"].rsplit("/", 1)[1] for a in theme_page.one(id="theme-measures").walk()
                  if a.attrs.get("class") == "measure-link"}
        assert linked == shown
        timeline = client.get("/api/timeline", params={"q": q}).json()
        assert {e["region"] for e in timeline["events"] + timeline["undated"]} == set(counts)
        timeline_page = page(client, "/viz/timeline", q=q)
        on_page = Counter(tr.attrs["data-region"] for tr in timeline_page.having("data-region"))
        assert on_page == Counter(e["region"] for e in timeline["events"] + timeline["undated"])
        topic = client.get("/api/search", params={"q": q}).json()["topic"]
        assert topic["region_count"] == answer["region_count"]
        search_page = page(client, "/viz/search", q=q)
        assert int(search_page.one(**{"class": "region-count"}).text()) == answer["region_count"]
        by_cli = cli(db, "adopters", q, "--per-region", "5")
        assert {r["region"]: r["measure_count"] for r in by_cli["regions"]} == counts
        assert by_cli["region_count"] == answer["region_count"]


def test_search_finds_the_same_measures_everywhere_and_points_to_adopters(graph):
    client, db = graph
    theme = client.get("/api/themes").json()[0]
    for q in (theme["name_zh"], "知识产权", "IP pledge financing"):
        api = client.get("/api/search", params={"q": q, "limit": 100}).json()
        shown = page(client, "/viz/search", q=q)
        assert int(shown.one(id="measure-total").text()) == api["total"], q
        ids = [a.attrs["href"].rsplit("/", 1)[1] for a in shown.one(id="measure-hits").walk()
               if a.attrs.get("class") == "measure-link"]
        assert ids == [m["id"] for m in api["items"]], q
        by_cli = cli(db, "search", q, "--limit", "100")
        assert by_cli["total"] == api["total"] and [m["id"] for m in by_cli["items"]] == ids, q
    english = client.get("/api/search", params={"q": "IP pledge financing"}).json()
    adopters = client.get("/api/adopters", params={"q": "IP pledge financing"}).json()
    # no Chinese word to find, but the words name a theme: the answer says which and how many adopted it
    assert english["topic"]["theme"]["key"] == "ip_pledge_financing"
    assert english["topic"]["region_count"] == adopters["region_count"]
    assert page(client, "/viz/search", q="IP pledge financing").find(id="topic-pointer")


def _compare_regions(client: httpx.Client) -> list[str]:
    listed = [r["name"] for r in client.get("/api/regions").json() if r["measure_count"]]
    return ["厦门", "武汉"] if {"厦门", "武汉"} <= set(listed) else listed[:2]


def test_compare_agrees_with_adopters_page_and_cli(graph):
    client, db = graph
    names = _compare_regions(client)
    answer = client.get("/api/compare", params={"regions": ",".join(names)}).json()
    table = {(row["theme"]["key"], r): len(ms) for row in answer["themes"] for r, ms in row["regions"].items()}
    drawn = page(client, "/viz/compare", regions="、".join(names))
    cells = {(tr.attrs["data-theme"], td.attrs["data-region"]): int(td.attrs["data-count"])
             for tr in drawn.one(id="compare-table").having("data-theme") for td in tr.having("data-count")}
    assert cells == table
    by_cli = cli(db, "compare", *names)
    assert {(row["theme"]["key"], r): len(ms) for row in by_cli["themes"] for r, ms in row["regions"].items()} == table
    assert by_cli["unique_themes"] == answer["unique_themes"]
    # Every theme's count per region is the adopters answer's (own, replicated to, pilot).
    for row in answer["themes"][:12]:
        key = row["theme"]["key"]
        adopters = client.get("/api/adopters", params={"q": key, "limit": 1000}).json()
        counts = {r["region"]: r["measure_count"] for r in adopters["regions"]}
        assert {r: len(ms) for r, ms in row["regions"].items() if ms} == \
               {r: counts[r] for r in names if r in counts}, key


def test_pilots_count_as_adopters_in_compare_and_gaps(founding):
    client, db = founding
    adopters = {r["region"] for r in client.get("/api/adopters", params={"q": "ip_pledge_financing"}).json()["regions"]}
    assert "厦门" in adopters  # the pilot of Fujian's row 已实施区域 厦门片区
    compare = client.get("/api/compare", params={"regions": "厦门,武汉"}).json()
    assert "ip_pledge_financing" not in compare["unique_themes"]["武汉"]
    assert "ip_pledge_financing" in compare["shared_themes"]
    gaps = client.get("/api/regions/厦门/gaps").json()
    assert "ip_pledge_financing" not in {g["theme"]["key"] for g in gaps["gaps"]}


def test_gaps_agree_with_adopters_page_and_cli(graph):
    client, db = graph
    region = _compare_regions(client)[0]
    answer = client.get(f"/api/regions/{region}/gaps", params={"limit": 200}).json()
    keys = [g["theme"]["key"] for g in answer["gaps"]]
    drawn = [li.attrs["data-theme"] for li in page(client, "/viz/gaps", region=region).one(id="gaps").having("data-theme")]
    assert drawn == keys
    assert [g["theme"]["key"] for g in cli(db, "gaps", region)["gaps"]] == keys[:50]
    for g in answer["gaps"][:8]:  # a gap is a theme the region did not adopt, by the adopters answer
        adopters = client.get("/api/adopters", params={"q": g["theme"]["key"], "limit": 1000}).json()
        holders = {r["region"] for r in adopters["regions"]}
        assert region not in holders and set(g["peers"]) <= holders, g["theme"]["key"]


def test_paths_agree_and_reach_a_provinces_places(founding):
    client, db = founding
    for params in ({"from": "厦门", "to": "福州"}, {"to": "泉州"}, {"from": "厦门"}):
        answer = client.get("/api/paths", params={**params, "limit": 200}).json()["paths"]
        drawn = page(client, "/viz/paths", **params).one(id="paths").having("data-regions")
        assert Counter(li.attrs["data-regions"] for li in drawn) == \
               Counter(" → ".join(p["regions"]) for p in answer), params
        args = [x for k, v in params.items() for x in (f"--{k}", v)]
        assert cli(db, "paths", *args, "--limit", "200")["paths"] == answer, params
        if "to" in params:
            assert answer and all(p["regions"][-1] == params["to"] for p in answer)
    to_fuzhou = client.get("/api/paths", params={"from": "厦门", "to": "福州"}).json()["paths"]
    through = [s for p in to_fuzhou for s in p["steps"] if s["via"] == "福建"]
    # Xiamen's measures replicated province-wide (to 福建) reach 福州, and say how.
    assert len(through) >= 4 and {s["reach"] for s in through} == {"via province-wide replication"}
    assert "province-wide" in page(client, "/viz/paths", **{"from": "厦门", "to": "福州"}).one(id="paths").text()


def test_region_pages_show_true_origins(founding):
    client, _ = founding
    for region, origin in (("图们", "辽源"), ("云南", "苏州")):
        api = client.get(f"/api/regions/{region}").json()
        assert origin in {x["from_region"] for x in api["replicated_into"]}
        flows_in = page(client, f"/viz/region/{region}").one(id="flows-in")
        pairs = [region_links(li)[:2] for li in flows_in.children if li.tag == "li"]
        assert [origin, region] in pairs, pairs
        assert [[x["from_region"], x["to_region"]] for x in api["replicated_into"]] == pairs
        assert [region, region] not in pairs


def test_dates_carry_their_source(founding):
    client, db = founding
    documents = client.get("/api/documents").json()
    assert {d["date_source"] for d in documents if d["date"]} == {"manifest"}
    assert all(d["date_source"] is None for d in documents if not d["date"])
    answer = client.get("/api/adopters", params={"q": "ip_pledge_financing"}).json()
    for r in answer["regions"]:
        assert (r["first_date_source"] is None) == (r["first_date"] is None)
        for m in r["measures"]:
            assert (m["date_source"] is None) == (m["date"] is None)
    shown = page(client, "/viz/timeline", q="ip_pledge_financing")
    assert "厦门" in {tr.attrs["data-region"] for tr in shown.one(id="undated").having("data-region")}
    assert all("manifest" in tr.text() for tr in shown.one(id="dated").having("data-region"))
