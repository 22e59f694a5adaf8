"""Regions in the graph: a document's region node carries its level and parent chain."""
from __future__ import annotations

from graph.store import open_store
from policy_graph.service import ingest_into

ZONE_PAGE = ("<html><body><h1>合肥高新技术产业开发区管委会关于印发支持人工智能企业发展若干政策的通知</h1>"
             "<p>一、重点任务</p><p>（一）完善服务体系。建立综合服务平台。</p><p>（二）加大资金支持。设立专项资金。</p>"
             "<p>合肥高新技术产业开发区管理委员会</p><p>2024年1月8日</p></body></html>")
NATIONAL_PAGE = ("<html><body><h1>国务院办公厅关于推广上海市试点经验的通知</h1><p>国办发〔2021〕7号</p>"
                 "<p>一、重点任务</p><p>（一）完善服务体系。上海市建立综合服务平台。</p>"
                 "<p>国务院办公厅</p><p>2021年3月2日</p></body></html>")


def test_zone_and_national_documents_in_the_graph(tmp_path):
    (tmp_path / "zone.html").write_text(ZONE_PAGE, encoding="utf-8")
    (tmp_path / "national.html").write_text(NATIONAL_PAGE, encoding="utf-8")
    with open_store("ladybug", path=tmp_path / "g.lbdb") as store:
        report = ingest_into(store, [tmp_path])
        docs = {d.path.rsplit("/", 1)[-1]: d.id for d in report.documents}
        zone = store.run("region_get", {"name": "合肥高新区"})[0]
        assert (zone["level"], zone["kind"], zone["parent"]) == ("zone", "zone", "合肥")
        assert zone["parents"] == ["合肥", "安徽"]
        hefei = store.run("region_get", {"name": "合肥"})[0]
        assert (hefei["level"], hefei["parents"]) == ("prefecture", ["安徽"])
        china = store.run("region_get", {"name": "中国"})[0]
        assert china["level"] == "national"
        national = store.run("document_get", {"id": docs["national.html"]})[0]
        assert (national["region"], national["level"], national["date_source"]) == ("中国", "national", "signature")
        assert store.run("document_get", {"id": docs["zone.html"]})[0]["level"] == "zone"
