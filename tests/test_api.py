"""Every foundation endpoint through a real uvicorn on loopback, on the founding corpus."""
from __future__ import annotations

import pytest

EXPECTED = {"厦门": 19, "福建": 7, "图们": 33, "武汉": 18, "云南": 24}


def test_health_reports_backend_and_counts(api):
    body = api.get("/api/health").json()
    assert body["status"] == "ok"
    assert body["backend"] == "ladybug"
    counts = body["counts"]
    # the figures the README's health example shows for the founding corpus: 75 agencies (each
    # region's own: 厦门's offices named in the Fujian notice are 厦门's), 437 regions (the provinces,
    # prefectures and curated zones loaded up front, the six replication classes, and the places the
    # texts name)
    assert counts["documents"] == 5
    assert counts["measures"] == sum(EXPECTED.values())
    assert counts["agencies"] == 75
    assert counts["regions"] == 437
    assert counts["relations"] > counts["measures"] * 2


def test_regions_list_short_names_with_counts(api):
    regions = {r["name"]: r for r in api.get("/api/regions").json()}
    for name, count in EXPECTED.items():
        assert regions[name]["measure_count"] == count
    assert regions["厦门"]["parent"] == "福建"
    assert regions["图们"]["parent"] == "延边"


def test_documents_list(api):
    docs = api.get("/api/documents").json()
    assert sorted(d["region"] for d in docs) == sorted(EXPECTED)
    by_region = {d["region"]: d for d in docs}
    assert by_region["厦门"]["date"] == "2020-05-11"
    assert by_region["厦门"]["measure_count"] == 19
    assert by_region["图们"]["title"].startswith("图们市关于强化实施创新驱动发展战略")


@pytest.mark.parametrize("form", ["厦门", "厦门市", "廈門", "Xiamen", "xiamen"])
def test_measures_by_region_accepts_every_form(api, form):
    body = api.get("/api/measures", params={"region": form, "limit": 500}).json()
    assert body["total"] == 19
    assert [m["label"] for m in body["items"]][:3] == ["1.", "2.", "3."]
    assert all(m["region"] == "厦门" for m in body["items"])


def test_measures_paging_and_limits(api):
    first = api.get("/api/measures", params={"limit": 10, "offset": 0}).json()
    second = api.get("/api/measures", params={"limit": 10, "offset": 10}).json()
    assert first["total"] == sum(EXPECTED.values())
    assert len(first["items"]) == 10 and len(second["items"]) == 10
    assert not {m["id"] for m in first["items"]} & {m["id"] for m in second["items"]}
    assert len(api.get("/api/measures", params={"limit": 500}).json()["items"]) == 101
    assert api.get("/api/measures", params={"limit": 501}).status_code == 422
    assert api.get("/api/measures", params={"offset": -1}).status_code == 422


def test_unknown_region_is_404_with_json(api):
    r = api.get("/api/measures", params={"region": "Atlantis"})
    assert r.status_code == 404
    assert "Atlantis" in r.json()["detail"]


def _measure_by_label(api, region, label):
    items = api.get("/api/measures", params={"region": region, "limit": 500}).json()["items"]
    return next(m for m in items if m["label"] == label)


def test_measure_detail_xiamen_agencies_deadline_source(api):
    m = _measure_by_label(api, "厦门", "5.")
    detail = api.get(f"/api/measures/{m['id']}").json()
    assert detail["title"].startswith("健全知识产权保护协作机制")
    assert detail["lead_agencies"] == ["自贸委", "市市场监管局"]
    assert detail["support_agencies"] == ["厦门海关", "市公安局", "市司法局", "厦门仲裁委"]
    assert detail["deadline"] == "2020-12"
    src = detail["source"]
    assert src["end"] > src["start"] >= 0
    assert detail["text_original"].startswith("5.健全知识产权保护协作机制")


def test_measure_detail_tumen_separator_less_agencies(api):
    m = _measure_by_label(api, "图们", "(八)")
    detail = api.get(f"/api/measures/{m['id']}").json()
    assert detail["lead_agencies"][:3] == ["市金融办", "市银监办", "人民银行"]
    assert "市财政局" in detail["lead_agencies"]
    assert "專" not in detail["text"]  # processed in simplified script
    m7 = _measure_by_label(api, "图们", "(七)")
    assert api.get(f"/api/measures/{m7['id']}").json()["lead_agencies"] == ["市银监办", "人民银行"]


def test_unknown_measure_is_404(api):
    r = api.get("/api/measures/nope-000")
    assert r.status_code == 404
    assert r.json()["detail"]


def test_search_is_script_insensitive(api):
    simplified = api.get("/api/search", params={"q": "专利权质押"}).json()
    traditional = api.get("/api/search", params={"q": "專利權質押"}).json()
    assert simplified["total"] >= 1
    assert [m["id"] for m in simplified["items"]] == [m["id"] for m in traditional["items"]]
    assert any(m["region"] == "图们" and m["label"] == "(九)" for m in simplified["items"])


def test_search_validation(api):
    assert api.get("/api/search").status_code == 422
    assert api.get("/api/search", params={"q": "x" * 201}).status_code == 422
    assert api.get("/api/search", params={"q": "质押", "limit": 0}).status_code == 422


def test_openapi_docs_served(api):
    assert api.get("/docs").status_code == 200
    paths = api.get("/openapi.json").json()["paths"]
    for path in ("/api/health", "/api/regions", "/api/documents", "/api/measures",
                 "/api/measures/{measure_id}", "/api/search"):
        assert path in paths


def test_answers_leave_no_warning_in_the_server_log(api, server):
    """A deployment's log is read by people: an answer must not print a deprecation warning there
    (FastAPI 0.165 deprecated the ORJSONResponse the answers were sent with)."""
    first = api.get("/api/search", params={"q": "质押"}).json()["items"][0]["id"]
    for path, params in (("/api/themes", {}), ("/api/themes", {"explain": "true"}),
                         ("/api/adopters", {"q": "知识产权质押"}),
                         ("/api/compare", {"regions": "厦门,武汉"}),
                         ("/api/subgraph", {"center": f"Measure:{first}"})):
        response = api.get(path, params=params)
        assert response.status_code == 200, (path, response.text)
        assert response.headers["content-type"] == "application/json"
    log = server.log.read_text(errors="replace")
    assert "Warning" not in log, log
