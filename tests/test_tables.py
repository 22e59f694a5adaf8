"""Research answers as downloadable tables (policy_graph/tables.py) through the CLI's --csv, on the
founding corpus in a real LadybugDB: a BOM for Excel, Chinese intact, one row per piece of evidence
of the same answer --json prints, and the provenance columns filled from the documents."""
from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from policy_graph import tables

REPO = Path(__file__).resolve().parent.parent
DATE_SOURCES = {"signature", "doc_number_year", "page_date", "manifest"}


def _cli(db: Path, *args: str) -> bytes:
    run = subprocess.run([sys.executable, "-m", "policy_graph.cli", *args, "--db", str(db)],
                         capture_output=True, cwd=REPO)
    assert run.returncode == 0, run.stderr.decode()
    return run.stdout


def _csv(db: Path, *args: str) -> list[dict[str, str]]:
    raw = _cli(db, *args, "--csv")
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM that makes Excel read UTF-8
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))


def _json(db: Path, *args: str):
    return json.loads(_cli(db, *args, "--json"))


def test_adopters_csv_holds_every_shown_measure_with_provenance(corpus_db):
    rows = _csv(corpus_db, "adopters", "知识产权质押融资")
    answer = _json(corpus_db, "adopters", "知识产权质押融资")
    shown = [(r["region"], m["id"]) for r in answer["regions"] for m in r["measures"]]
    assert [(r["region"], r["measure_id"]) for r in rows] == shown
    assert list(rows[0]) == list(tables.COLUMNS["adopters"])
    for r in rows:
        assert r["document"] and r["evidence"] and r["document_title"]
        assert (r["date_source"] in DATE_SOURCES) == bool(r["date"])
    assert any("质押" in r["evidence"] for r in rows)  # Chinese intact through the round trip
    # pandas reads the same file the same way
    raw = _cli(corpus_db, "adopters", "知识产权质押融资", "--csv")
    assert len(pd.read_csv(io.BytesIO(raw), encoding="utf-8-sig")) == len(rows)


def test_compare_gaps_paths_replications_timeline_csv_follow_their_answers(corpus_db):
    answer = _json(corpus_db, "compare", "厦门", "武汉")
    rows = _csv(corpus_db, "compare", "厦门", "武汉")
    themes = sum(len(ms) for t in answer["themes"] for ms in t["regions"].values())
    assert len(rows) == themes + len(answer["similar_pairs"])
    shared = {r["theme"] for r in rows if r["status"] == "shared"}
    assert shared == set(answer["shared_themes"])

    answer = _json(corpus_db, "gaps", "图们")
    rows = _csv(corpus_db, "gaps", "图们")
    assert len(rows) == sum(len(g["evidence"]) for g in answer["gaps"]) > 0
    assert {r["region"] for r in rows} == {"图们"} and "图们" not in {r["peer_region"] for r in rows}

    answer = _json(corpus_db, "paths", "--from", "厦门")
    rows = _csv(corpus_db, "paths", "--from", "厦门")
    assert len(rows) == sum(p["hops"] for p in answer["paths"]) > 0
    assert all(r["from_region"] and r["to_region"] and r["evidence"] for r in rows)

    answer = _json(corpus_db, "replications")
    rows = _csv(corpus_db, "replications")
    assert [r["measure_id"] for r in rows] == [f["measure_id"] for f in answer["items"]]

    answer = _json(corpus_db, "timeline", "银税互动")
    rows = _csv(corpus_db, "timeline", "银税互动")
    # dated events in date order, then the undated adoptions the answer keeps apart (no date)
    events = [*answer["events"], *answer["undated"]]
    assert answer["undated"] and [r["measure_id"] for r in rows] == [e["measure_id"] for e in events]
    assert [r["date"] for r in rows] == [e.get("date") or "" for e in events]


def test_json_rows_and_file_names():
    table = [{"region": "厦门", "measure_id": "x-001", "evidence": "银税互动,“引号”,逗号"}]
    kind = "replications"
    full = [{c: r.get(c) for c in tables.COLUMNS[kind]} for r in table]
    back = json.loads(tables.render(kind, full, "json"))
    assert back["columns"] == list(tables.COLUMNS[kind]) and back["rows"][0]["evidence"] == "银税互动,“引号”,逗号"
    parsed = list(csv.DictReader(io.StringIO(tables.render(kind, full, "csv").decode("utf-8-sig"))))
    assert parsed[0]["evidence"] == "银税互动,“引号”,逗号"
    assert tables.filename("adopters", "csv", "知识产权 质押/融资") == "adopters-知识产权_质押_融资.csv"
    header = tables.content_disposition("adopters-知识产权.csv")
    assert header.startswith("attachment;") and "filename*=UTF-8''adopters-%E7%9F%A5" in header
    with pytest.raises(ValueError):
        tables.render(kind, full, "xlsx")


# -- the API: ?format=csv|json on a real uvicorn ------------------------------------------------
def test_api_downloads_equal_the_cli_for_the_same_question(api, corpus_db):
    for path, params, cli in [("/api/adopters", {"q": "知识产权质押融资"}, ("adopters", "知识产权质押融资")),
                              ("/api/compare", {"regions": "厦门,武汉"}, ("compare", "厦门", "武汉")),
                              ("/api/regions/图们/gaps", {}, ("gaps", "图们")),
                              ("/api/paths", {"from": "厦门"}, ("paths", "--from", "厦门")),
                              ("/api/timeline", {"q": "银税互动"}, ("timeline", "银税互动")),
                              ("/api/replications", {}, ("replications",))]:
        r = api.get(path, params={**params, "format": "csv"})
        assert r.status_code == 200, (path, r.text)
        assert r.headers["content-type"].startswith("text/csv")
        assert r.headers["content-disposition"].startswith("attachment;")
        assert r.content.startswith(b"\xef\xbb\xbf")
        assert r.content == _cli(corpus_db, *cli, "--csv"), path
        rows = api.get(path, params={**params, "format": "json"})
        assert rows.status_code == 200 and rows.json()["rows"], (path, rows.text[:200])
        assert rows.content == _cli(corpus_db, *cli, "--rows"), path


def test_api_json_rows_measure_list_and_errors(api):
    r = api.get("/api/adopters", params={"q": "知识产权质押融资", "format": "json"})
    assert r.status_code == 200 and "filename*=UTF-8''adopters-" in r.headers["content-disposition"]
    body = r.json()
    assert body["columns"] == list(tables.COLUMNS["adopters"])
    plain = api.get("/api/adopters", params={"q": "知识产权质押融资"}).json()
    assert [x["measure_id"] for x in body["rows"]] == [m["id"] for g in plain["regions"] for m in g["measures"]]
    assert all(x["date_source"] in DATE_SOURCES for x in body["rows"] if x["date"])

    r = api.get("/api/measures", params={"region": "厦门", "limit": 5, "format": "csv"})
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    page = api.get("/api/measures", params={"region": "厦门", "limit": 5}).json()
    assert [x["measure_id"] for x in rows] == [m["id"] for m in page["items"]]
    assert all(x["evidence"] and x["document_title"] for x in rows)

    bad = api.get("/api/adopters", params={"q": "知识产权质押融资", "format": "xlsx"})
    assert bad.status_code == 422 and "csv" in bad.json()["detail"]
    missing = api.get("/api/regions/没有这里/gaps", params={"format": "csv"})  # the endpoint's own error
    assert missing.status_code == 422 or missing.status_code == 404
    assert not missing.content.startswith(b"\xef\xbb\xbf")


def test_openapi_offers_the_download_on_every_answer_that_has_one(api):
    paths = api.get("/openapi.json").json()["paths"]
    offered = {p for p, ops in paths.items()
               if any(x["name"] == "format" for x in ops.get("get", {}).get("parameters", []))}
    assert offered == {"/api/adopters", "/api/timeline", "/api/replications", "/api/paths", "/api/compare",
                       "/api/measures", "/api/regions/{name}/gaps", "/api/search"}
    declared = next(x for x in paths["/api/adopters"]["get"]["parameters"] if x["name"] == "format")
    assert declared["schema"]["enum"] == ["csv", "json"]
