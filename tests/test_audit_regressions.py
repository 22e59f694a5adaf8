"""Bugs an independent audit planted in a copy of the code that went through every test (issue 20).

Each test asserts what a user would notice if the bug came back:
- adopters listed by region name instead of by first adoption date;
- a task table's 配合 (support) column read as lead;
- Chinese suffix stripping off (延边州, 图们市 typed by a user no longer resolve);
- duplicate removal in region lists off (厦门,廈門 compares 厦门 with itself instead of refusing).
"""
from __future__ import annotations

from ingest.pipeline import ingest_bytes
from ingest.regions import load_gazetteer


def test_adopters_come_earliest_first_by_their_first_date(api):
    body = api.get("/api/adopters", params={"q": "知识产权质押融资"}).json()
    dated = [(r["first_date"], r["region"]) for r in body["regions"] if r.get("first_date")]
    assert len(dated) >= 3, dated
    assert [d for d, _ in dated] == sorted(d for d, _ in dated)
    # and not merely by name: the founding corpus's earliest adopter (图们, 2020) sorts after 云南 by name
    assert dated[0][1] == "图们"


ROWS = [("1", "开展知识产权质押融资试点", "市市场监管局", "市财政局、市金融办"),
        ("2", "设立科技型企业贷款风险补偿资金", "市科技局", "市财政局"),
        ("3", "建设科技金融服务中心", "市金融办", "市科技局")]
TASK_TABLE = ("<html><body><h1>某市推进科技金融改革工作任务分工表</h1><table>"
              "<tr><th>序号</th><th>任务名称</th><th>牵头单位</th><th>配合单位</th></tr>"
              + "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in ROWS)
              + "</table></body></html>")


def test_a_task_tables_support_column_gives_support_agencies_not_leads():
    record = ingest_bytes(TASK_TABLE.encode("utf-8"), "table.html", {"region": "厦门"})
    by_title = {m.title: m for m in record.measures if m.kind == "measure"}
    for _, title, lead, support in ROWS:
        roles = {(a.printed, a.role) for a in by_title[title].agencies}
        assert roles == {(lead, "lead")} | {(s, "support") for s in support.split("、")}, (title, roles)


def test_region_names_typed_with_or_without_their_suffix_resolve():
    gazetteer = load_gazetteer()
    for typed, name in [("延边州", "延边"), ("延边朝鲜族自治州", "延边"), ("厦门市", "厦门"), ("福建省", "福建"),
                        ("图们市", "图们"), ("图們", "图们")]:
        region = gazetteer.resolve(typed)
        assert region is not None and region.name == name, (typed, region)


def test_the_api_resolves_a_suffixed_region_a_user_types(api):
    plain = api.get("/api/measures", params={"region": "图们", "limit": 5}).json()
    suffixed = api.get("/api/measures", params={"region": "图们市", "limit": 5}).json()
    assert suffixed == plain and plain


def test_comparing_a_region_with_itself_in_another_script_is_refused(api):
    response = api.get("/api/compare", params={"regions": "厦门,廈門"})
    assert response.status_code == 422
    assert "two different regions" in response.json()["detail"]
    # while two different regions, one of them written in Traditional script, compare fine
    assert api.get("/api/compare", params={"regions": "廈門,武汉"}).status_code == 200
