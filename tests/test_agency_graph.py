"""Agencies in the graph: a collective unit is marked collective, a national body is one node for every
way it is printed, on every backend."""
from __future__ import annotations

import pytest

from policy_graph.service import ingest_into
from tests.backends import backend_params, open_test_store

NOTICE = """国务院办公厅关于支持社区养老服务的意见
（一）扩大服务供给。支持建设一批社区养老服务站。（民政部、发展改革委等和各省级人民政府负责）
（二）加大资金支持。对新建站点给予补助。（财政部、国家发展改革委负责）
"""


@pytest.mark.parametrize("backend", backend_params())
def test_collective_units_and_national_bodies_reach_the_agency_nodes(backend, tmp_path):
    path = tmp_path / "notice.txt"
    path.write_text(NOTICE, encoding="utf-8")
    with open_test_store(backend, tmp_path) as store:
        ingest_into(store, [path])
        ids = [m["id"] for m in store.run("measure_list", {"kind": "measure", "region": "", "document": "",
                                                              "offset": 0, "limit": 10})]
        rows = store.run("measure_agencies", {"ids": ids})
    by_printed = {r["printed"]: r for r in rows}
    assert by_printed["各省级人民政府"]["collective"] is True
    assert by_printed["民政部"]["collective"] is False
    # 发展改革委 (first item) and 国家发展改革委 (second) are the same national agency
    assert by_printed["发展改革委"]["agency"] == by_printed["国家发展改革委"]["agency"]
    assert by_printed["民政部"]["region"] == "中国"


def test_an_agency_looked_up_by_id_is_the_row_the_name_search_gives(corpus_db):
    """agency_get finds an agency by its key; agency_find scans names and aliases and is what an
    id was looked up with before: for every agency of the founding corpus, the same row."""
    from graph.store import open_store

    with open_store("ladybug", path=corpus_db, read_only=True) as store:
        ids = [a["id"] for a in store.dump_nodes("Agency")]
        assert len(ids) > 20
        for agency in ids:
            found = [a for a in store.run("agency_find", {"key": agency, "limit": 20}) if a["id"] == agency]
            assert store.run("agency_get", {"key": agency}) == found, agency
        assert store.run("agency_get", {"key": "市科技局"}) == []  # a name is no id
