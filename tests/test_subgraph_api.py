"""GET /api/subgraph through a real uvicorn on loopback, on the founding corpus."""
from __future__ import annotations

import pytest

FIVE = {"厦门", "福建", "图们", "武汉", "云南"}


def _check_shape(body: dict) -> tuple[dict, list]:
    assert set(body) == {"nodes", "edges", "truncated"}
    nodes = {n["id"]: n for n in body["nodes"]}
    assert len(nodes) == len(body["nodes"]), "node ids repeat"
    for n in body["nodes"]:
        assert set(n) == {"id", "type", "label"}
        assert n["id"].startswith(n["type"] + ":")
    for e in body["edges"]:
        assert set(e) == {"source", "target", "type"}
        assert e["source"] in nodes and e["target"] in nodes, e
    return nodes, body["edges"]


def test_region_neighbourhood_holds_its_measures_and_parent(api):
    body = api.get("/api/subgraph", params={"center": "Region:厦门", "depth": 1}).json()
    nodes, edges = _check_shape(body)
    assert "Region:厦门" in nodes
    assert ("Region:厦门", "Region:福建", "PART_OF") in {(e["source"], e["target"], e["type"]) for e in edges}
    measures = [e for e in edges if e["type"] == "IN_REGION" and e["target"] == "Region:厦门"]
    assert len(measures) >= 19
    assert body["truncated"] is False


@pytest.mark.parametrize("form", ["厦门", "厦门市", "廈門", "Xiamen"])
def test_center_accepts_region_as_typed(api, form):
    body = api.get("/api/subgraph", params={"center": form, "depth": 0}).json()
    assert [n["id"] for n in body["nodes"]] == ["Region:厦门"]


def test_theme_hops_reach_the_adopting_regions(api):
    two = api.get("/api/subgraph", params={"center": "Theme:ip_pledge_financing", "depth": 2,
                                           "limit": 1000}).json()
    nodes, edges = _check_shape(two)
    themed = {e["source"] for e in edges if e["type"] == "HAS_THEME" and e["target"] == "Theme:ip_pledge_financing"}
    assert len(themed) >= 4
    # Two hops: the theme's measures and the regions that issued them.
    issuers = {e["target"] for e in edges if e["type"] == "IN_REGION" and e["source"] in themed}
    assert len(issuers) >= 4 and issuers <= set(nodes)
    # Three hops also reach the pilots a replicated practice came from (厦门 -> 福建).
    three = api.get("/api/subgraph", params={"center": "Theme:ip_pledge_financing", "depth": 3,
                                             "limit": 1000}).json()
    nodes3, edges3 = _check_shape(three)
    assert FIVE <= {n["label"] for n in nodes3.values() if n["type"] == "Region"}
    assert ("Region:厦门", "Region:福建", "PRACTICE_FLOW") in {(e["source"], e["target"], e["type"]) for e in edges3}


def test_measure_neighbourhood_has_document_region_and_agencies(api):
    some = api.get("/api/measures", params={"region": "厦门", "limit": 1}).json()["items"][0]
    body = api.get("/api/subgraph", params={"center": f"Measure:{some['id']}"}).json()
    nodes, edges = _check_shape(body)
    types = {n["type"] for n in nodes.values()}
    assert {"Measure", "Document", "Region", "Agency"} <= types
    assert any(e["type"] == "LED_BY" for e in edges)


def test_node_cap_truncates_and_says_so(api):
    body = api.get("/api/subgraph", params={"center": "Region:厦门", "depth": 2, "limit": 7}).json()
    nodes, _ = _check_shape(body)
    assert len(nodes) == 7
    assert body["truncated"] is True


def test_default_cap_is_200_nodes(api):
    # 福建 at depth 3 reaches well over 200 nodes on the founding corpus: the default cap must bite
    capped = api.get("/api/subgraph", params={"center": "Region:福建", "depth": 3}).json()
    wider = api.get("/api/subgraph", params={"center": "Region:福建", "depth": 3, "limit": 1000}).json()
    assert len(wider["nodes"]) > 200
    assert len(capped["nodes"]) == 200 and capped["truncated"] is True
    assert {n["id"] for n in capped["nodes"]} <= {n["id"] for n in wider["nodes"]}


def test_depth_and_limit_bounds(api):
    assert api.get("/api/subgraph", params={"center": "Region:厦门", "depth": 3}).status_code == 200
    assert api.get("/api/subgraph", params={"center": "Region:厦门", "depth": 4}).status_code == 422
    assert api.get("/api/subgraph", params={"center": "Region:厦门", "depth": -1}).status_code == 422
    assert api.get("/api/subgraph", params={"center": "Region:厦门", "limit": 0}).status_code == 422
    assert api.get("/api/subgraph", params={"center": "Region:福建", "limit": 1001}).status_code == 422
    big = api.get("/api/subgraph", params={"center": "Region:福建", "depth": 3, "limit": 1000})
    assert big.status_code == 200 and len(big.json()["nodes"]) <= 1000


@pytest.mark.parametrize("center", ["Atlantis", "Region:Atlantis", "Measure:nope",
                                    "厦门' OR 1=1 //", "Region:厦门'}) MATCH (n) DETACH DELETE n //"])
def test_unknown_or_hostile_center_is_404(api, center):
    r = api.get("/api/subgraph", params={"center": center})
    assert r.status_code == 404
    assert api.get("/api/subgraph", params={"center": "Region:厦门", "depth": 0}).status_code == 200


