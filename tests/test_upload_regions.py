"""An upload names a region of the gazetteer or is refused; a document whose region cannot be
resolved is kept, and no answer lists it as an adopting region or under an empty name."""
from __future__ import annotations

import httpx
import pytest

from fixtures.hostile import TOKEN, corpus_text, serving_uploads

NO_REGION_DOC = """关于推进知识产权质押融资工作的通知
各有关单位：
一、主要任务
1.开展知识产权质押融资。鼓励商业银行开展知识产权质押贷款，扩大专利权质押融资规模。
2.完善科技金融服务。设立科技信贷风险补偿资金，支持科技型中小企业融资。
二、保障措施
1.加强组织领导。各单位要高度重视，抓好落实。
"""


@pytest.fixture(scope="module")
def client(corpus_db, tmp_path_factory):
    with serving_uploads(corpus_db, tmp_path_factory.mktemp("regions")) as srv, \
            httpx.Client(base_url=srv.base_url, timeout=120,
                         headers={"Authorization": f"Bearer {TOKEN}"}) as c:
        yield c


def upload(client: httpx.Client, name: str, text: str, region: str | None = None) -> httpx.Response:
    data = {"region": region} if region is not None else {}
    return client.post("/api/documents", files={"file": (name, text.encode("utf-8"))}, data=data)


@pytest.mark.parametrize("region, closest", [("亚特兰蒂斯", None), ("Xiamn", "厦门"),
                                             ("<script>alert(1)</script>", None),
                                             ("\u202e门厦", None)])
def test_a_region_outside_the_gazetteer_is_refused_naming_the_closest(client, region, closest):
    before = client.get("/api/health").json()["counts"]
    _, text = corpus_text("utf-8")
    r = upload(client, "any.txt", text, region)
    assert r.status_code == 422, r.text[:300]
    assert "not in the gazetteer" in r.json()["detail"]
    if closest:
        assert closest in r.json()["detail"].split("closest:")[1]
    assert client.get("/api/health").json()["counts"] == before
    names = {g["name"] for g in client.get("/api/regions", params={"all": True, "limit": 5000}).json()}
    assert region not in names


def test_a_region_in_another_script_or_with_its_level_resolves(client):
    _, text = corpus_text("utf-8")
    r = upload(client, "traditional-region.txt", text + "\n", "廈門市")
    assert r.status_code in (200, 201), r.text[:300]
    assert r.json()["region"] == "厦门"


def test_a_document_without_a_resolvable_region_is_kept_but_never_an_adopter(client):
    r = upload(client, "noregion.txt", NO_REGION_DOC)
    assert r.status_code == 201, r.text[:300]
    doc = r.json()
    assert doc["measure_count"] == 2 and not doc["region"]
    # kept: its measures are in the graph and can be found
    found = client.get("/api/measures", params={"document": doc["document_id"]}).json()
    assert found["total"] == 2
    for q in ("ip_pledge_financing", "知识产权质押融资", "科技信贷风险补偿"):
        answer = client.get("/api/adopters", params={"q": q, "limit": 1000}).json()
        regions = [g["region"] for g in answer["regions"]]
        assert all(regions), f"{q}: an adopting region with no name: {regions}"
        assert answer["region_count"] == len(regions)
        assert not [m for g in answer["regions"] for m in g["measures"] if m["document"] == doc["document_id"]]
    timeline = client.get("/api/timeline", params={"q": "ip_pledge_financing"}).json()
    assert all(e["region"] for e in timeline["events"])
    assert all(g["name"] for g in client.get("/api/regions").json())
    gaps = client.get("/api/regions/图们/gaps", params={"limit": 200}).json()["gaps"]
    assert gaps and all(all(item["peers"]) and all(e["region"] for e in item["evidence"]) for item in gaps)
