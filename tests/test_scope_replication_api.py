"""Scope and replication end to end: a notice in the genre of the State Council's notices on
replicating pilot free trade zone experience (tests/fixtures/replication, written for these tests)
-> ingest -> LadybugDB -> real uvicorn -> /api/adopters, /api/paths, /api/replications, /api/subgraph.

The notice's items each name the locality that piloted them (an opening 黑龙江省哈尔滨市:, an
opening 辽宁自贸试验区营口片区…, a closing (广东省深圳市)) and say where they go: a heading over
them (在全国范围内复制推广的改革事项) or their own 推广范围 line (自贸试验区, 海关特殊监管区域).
"""
from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tests.conftest import Server

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "replication"


def _ingest(db: Path) -> None:
    from graph.store import open_store
    from policy_graph.service import ingest_into

    store = open_store("ladybug", path=db)
    try:
        report = ingest_into(store, [FIXTURE], index_path=Path(str(db) + ".simindex"))
        assert not report.errors, report.errors
    finally:
        store.close()


@pytest.fixture(scope="module")
def notice_api(tmp_path_factory):
    db = tmp_path_factory.mktemp("notice") / "policy.lbdb"
    _ingest(db)
    _ingest(db)  # re-ingest: every fact once, not twice
    srv = Server(db)
    try:
        with httpx.Client(base_url=srv.base_url, timeout=30) as client:
            yield client
    finally:
        srv.stop()


def _regions(body: dict) -> dict[str, dict]:
    return {r["region"]: r for r in body["regions"]}


def test_adopters_credit_the_locality_a_national_notice_names(notice_api):
    body = notice_api.get("/api/adopters", params={"q": "知识产权质押融资"}).json()
    regions = _regions(body)
    assert set(regions) == {"中国", "哈尔滨"}
    harbin = regions["哈尔滨"]
    assert harbin["measure_count"] == 1 and harbin["first_date"] == "2030-03-01"
    shown = harbin["measures"][0]
    assert shown["via"] == "scope" and "质押" in shown["evidence"]
    assert regions["中国"]["measures"][0]["via"] == "measure"
    assert shown["id"] == regions["中国"]["measures"][0]["id"]  # one measure, counted for both


def test_adopters_of_a_practice_sent_to_classes_of_zones(notice_api):
    regions = _regions(notice_api.get("/api/adopters", params={"q": "保税研发"}).json())
    # the pilot (宁波), the issuing country, and both classes the 推广范围 line names
    assert {"宁波", "中国", "自贸试验区", "综合保税区"} <= set(regions)
    assert regions["宁波"]["measures"][0]["via"] == "scope"
    fz = regions["自贸试验区"]["measures"][0]
    assert fz["via"] == "replicated_to" and "推广范围" in fz["replication_evidence"]


def test_paths_from_the_pilots(notice_api):
    harbin = notice_api.get("/api/paths", params={"from": "哈尔滨市"}).json()["paths"]
    assert [p["regions"] for p in harbin] == [["哈尔滨", "中国"]]
    step = harbin[0]["steps"][0]
    assert step["evidence"] == "在全国范围内复制推广的改革事项。" and step["measure_id"]
    into_ftz = notice_api.get("/api/paths", params={"to": "自贸试验区"}).json()["paths"]
    assert sorted(p["regions"][0] for p in into_ftz) == ["宁波", "深圳"]
    assert [p["regions"] for p in notice_api.get("/api/paths", params={"from": "营口"}).json()["paths"]] \
        == [["营口", "中国"]]


def test_replications_listed_with_source_and_target(notice_api):
    items = notice_api.get("/api/replications", params={"limit": 50}).json()["items"]
    pairs = sorted((i["from_region"], i["to_region"]) for i in items)
    assert pairs == [("哈尔滨", "中国"), ("宁波", "综合保税区"), ("宁波", "自贸试验区"),
                     ("深圳", "自贸试验区"), ("营口", "中国")]
    assert all(i["from_region"] and i["to_region"] and i["evidence"] for i in items)


def test_measure_detail_shows_its_scope_with_evidence(notice_api):
    harbin = notice_api.get("/api/adopters", params={"q": "知识产权质押融资"}).json()
    mid = _regions(harbin)["哈尔滨"]["measures"][0]["id"]
    detail = notice_api.get(f"/api/measures/{mid}").json()
    assert detail["region"] == "中国"
    assert [s["region"] for s in detail["scope"]] == ["哈尔滨"]
    assert detail["scope"][0]["evidence"].startswith("黑龙江省哈尔滨市")
    assert [(r["from_region"], r["to_region"]) for r in detail["replicated_from"]] == [("哈尔滨", "中国")]
    # the scope edge is a graph edge too: the measure's neighbourhood reaches 哈尔滨
    body = notice_api.get("/api/subgraph", params={"center": f"Measure:{mid}", "depth": 1}).json()
    assert {e["target"] for e in body["edges"] if e["type"] == "IN_REGION"} == {"Region:中国", "Region:哈尔滨"}


def test_class_targets_are_regions_of_level_class(notice_api):
    rows = {r["name"]: r for r in notice_api.get("/api/regions", params={"all": True}).json()}
    assert rows["自贸试验区"]["level"] == "class" and rows["自贸试验区"]["parent"] == "中国"
    assert rows["综合保税区"]["level"] == "class"


def test_compare_counts_scoped_measures_for_their_locality(notice_api):
    body = notice_api.get("/api/compare", params={"regions": "哈尔滨,营口"}).json()
    themes = {t["theme"]["key"]: t["regions"] for t in body["themes"]}
    assert themes["ip_pledge_financing"]["哈尔滨"] and not themes["ip_pledge_financing"]["营口"]
    assert themes["cross_border_ecommerce"]["营口"]
