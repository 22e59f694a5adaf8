"""POST /api/documents on a real server: token, same result as the CLI, idempotent, one writer, open reads."""
from __future__ import annotations

import threading
from pathlib import Path

import httpx
import pytest

from fixtures.hostile import (PROSE, TOKEN, big_document, cli, copy_graph, serving_uploads, snapshot, writer_client,
                              synth_documents)
from fixtures.pauses import Pauses
from ingest.pipeline import document_id


@pytest.fixture(scope="module")
def start_db(corpus_db, tmp_path_factory) -> Path:
    """The graph every copy in this module starts from: the founding corpus."""
    return copy_graph(corpus_db, tmp_path_factory.mktemp("upload-start"))


@pytest.fixture(scope="module")
def pauses(tmp_path_factory) -> Pauses:
    return Pauses(tmp_path_factory.mktemp("pauses"))


@pytest.fixture(scope="module")
def upload_server(start_db, pauses, tmp_path_factory):
    with serving_uploads(start_db, tmp_path_factory.mktemp("upload-api"), env=pauses.env) as srv:
        yield srv


@pytest.fixture(scope="module")
def anonymous(upload_server):
    with httpx.Client(base_url=upload_server.base_url, timeout=120) as client:
        yield client


@pytest.fixture(scope="module")
def writer(upload_server):
    with writer_client(upload_server.base_url) as client:
        yield client


@pytest.fixture(scope="module")
def docs(tmp_path_factory) -> list[Path]:
    files = synth_documents(tmp_path_factory.mktemp("synth"), 400, seed=9009)
    assert len(files) >= 6
    return files


def counts(client) -> dict:
    return client.get("/api/health").json()["counts"]


def post(client, path: Path, **fields):
    return client.post("/api/documents", files={"file": (path.name, path.read_bytes())}, data=fields)


def test_uploads_are_off_when_the_server_has_no_token(api, docs):
    r = post(api, docs[0])
    assert r.status_code == 403
    assert "POLICY_GRAPH_TOKEN" in r.json()["detail"]


@pytest.mark.parametrize("authorization", [None, "Bearer", "Bearer wrong-token", f"Bearer {TOKEN}x",
                                           f"Basic {TOKEN}", TOKEN, f"Bearer {TOKEN[:-1]}"])
def test_missing_or_wrong_token_is_401(anonymous, docs, authorization):
    before = counts(anonymous)
    headers = {"Authorization": authorization} if authorization is not None else {}
    r = anonymous.post("/api/documents", headers=headers,
                       files={"file": (docs[0].name, docs[0].read_bytes())})
    assert r.status_code == 401
    assert r.headers["www-authenticate"] == "Bearer"
    assert "token" in r.json()["detail"]
    assert counts(anonymous) == before


def test_reads_need_no_token(anonymous):
    for path in ("/api/health", "/api/regions", "/api/documents", "/api/measures", "/api/themes",
                 "/api/adopters?q=知识产权", "/"):
        assert anonymous.get(path).status_code == 200, path


def test_upload_gives_the_same_graph_as_the_cli(writer, start_db, docs, tmp_path):
    doc = docs[0]
    r = post(writer, doc)
    assert r.status_code == 201, r.text[:300]
    body = r.json()
    assert body["document_id"] == document_id(doc.read_bytes())
    assert body["replaced"] is False
    assert body["measure_count"] >= 20

    by_cli = copy_graph(start_db, tmp_path / "cli")
    run = cli("ingest", str(doc), "--db", str(by_cli))
    assert run.returncode == 0, run.stderr
    expected = snapshot(by_cli)
    assert body["counts"] == expected["counts"]
    assert expected["documents"][body["document_id"]]["measures"] == body["measure_count"]
    listed = {d["id"]: d for d in writer.get("/api/documents").json()}
    assert listed[body["document_id"]]["title"] == expected["documents"][body["document_id"]]["title"]
    # the home page counts from health's snapshot, which the upload renewed before it answered
    home = writer.get("/").text
    for what, n in body["counts"].items():
        assert f'<td data-count="{what}">{n}</td>' in home, what


def test_uploading_the_same_document_again_changes_nothing(writer, docs):
    first = post(writer, docs[1])
    assert first.status_code in (200, 201), first.text[:300]
    again = post(writer, docs[1])
    assert again.status_code == 200
    assert again.json()["replaced"] is True
    assert again.json()["counts"] == first.json()["counts"] == counts(writer)


def test_form_fields_override_what_the_text_says(writer, docs):
    r = post(writer, docs[2], region="武汉市", title="上传时给定的标题", date="2021-03-04")
    assert r.status_code == 201, r.text[:300]
    body = r.json()
    assert (body["region"], body["title"], body["date"]) == ("武汉", "上传时给定的标题", "2021-03-04")
    listed = {d["id"]: d for d in writer.get("/api/documents").json()}[body["document_id"]]
    assert (listed["region"], listed["title"], listed["date"]) == ("武汉", "上传时给定的标题", "2021-03-04")
    measures = writer.get("/api/measures", params={"document": body["document_id"], "limit": 500}).json()
    assert measures["total"] == body["measure_count"]
    assert {m["region"] for m in measures["items"]} == {"武汉"}


def test_unprocessable_document_is_422_naming_the_reason(writer):
    before = counts(writer)
    r = writer.post("/api/documents", files={"file": ("notice.txt", PROSE.encode())})
    assert r.status_code == 422
    assert "notice.txt" in r.json()["detail"] and "no numbered measures" in r.json()["detail"]
    assert counts(writer) == before


def test_document_whose_numbering_cannot_be_followed_is_422_naming_the_reason(writer):
    before = counts(writer)
    text = "工作要点\n1.推进甲项改革。\n2.推进乙项改革。\n3.推进丙项改革。\n9.推进壬项改革。\n10.推进癸项改革。\n"
    r = writer.post("/api/documents", files={"file": ("points.txt", text.encode())})
    assert r.status_code == 422, r.text[:300]
    detail = r.json()["detail"]
    assert "points.txt" in detail and "9." in detail and "would be merged" in detail
    assert counts(writer) == before


@pytest.mark.parametrize("request_kwargs, status, phrase", [
    ({"data": {"title": "x"}}, 415, "multipart"),
    ({"json": {"file": "1.做好工作"}}, 415, "multipart"),
    ({"files": {"document": ("a.txt", b"1.x")}}, 422, "'file' part"),
    ({"files": {"file": ("a.txt", b"1.x")}, "data": {"title": "长" * 301}}, 422, "title"),
    ({"content": b"--x\r\nnot really multipart", "headers": {"Content-Type": "multipart/form-data; boundary=x"}},
     None, None),
])
def test_malformed_requests_are_4xx_json(writer, request_kwargs, status, phrase):
    before = counts(writer)
    r = writer.post("/api/documents", **request_kwargs)
    assert 400 <= r.status_code < 500, r.text[:300]
    if status:
        assert r.status_code == status and phrase in r.json()["detail"]
    assert counts(writer) == before


def test_readers_keep_answering_while_a_document_is_ingested(writer, anonymous, pauses, tmp_path):
    """The upload is held inside its write transaction, then while its measures are linked
    (policy_graph/pause_points.py): at each point every read answers, first with the graph as it
    was (nothing of an uncommitted document shows), then with the document in it."""
    big = big_document(tmp_path / "big.txt", 800, seed=9010)
    before = counts(anonymous)
    doc = document_id(big.read_bytes())
    result: dict = {}

    def upload():
        result["response"] = post(writer, big)

    reads = ("/api/health", "/api/measures?limit=5", "/api/regions", "/api/search?q=知识产权")
    seen: dict[str, dict] = {}
    pauses.arm("write")
    pauses.arm("link")
    thread = threading.Thread(target=upload)
    thread.start()
    try:
        for phase in ("write", "link"):
            pauses.wait(phase, running=thread.is_alive)
            for path in reads:
                r = anonymous.get(path)
                assert r.status_code == 200, (phase, path, r.text[:200])
            seen[phase] = anonymous.get("/api/measures", params={"document": doc, "limit": 1}).json()["total"]
            assert thread.is_alive()  # these answers came while the upload was held, not after it
            pauses.release(phase)
    finally:
        pauses.release("write")
        pauses.release("link")
    thread.join()
    assert result["response"].status_code == 201, result["response"].text[:300]
    added = result["response"].json()["measure_count"]
    assert added > 200
    assert seen == {"write": 0, "link": added}  # uncommitted: nothing of it; committed: all of it
    after = counts(anonymous)  # health's counts are taken again before the upload answers
    assert (after["documents"], after["measures"]) == (before["documents"] + 1, before["measures"] + added)


def test_concurrent_uploads_are_serialised_and_all_land(writer, docs):
    before = counts(writer)
    pending = docs[3:6]
    responses: list = [None] * len(pending)

    def upload(i: int, path: Path) -> None:
        with writer_client(str(writer.base_url)) as client:
            responses[i] = post(client, path)

    threads = [threading.Thread(target=upload, args=(i, p)) for i, p in enumerate(pending)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(r.status_code == 201 for r in responses), [r.text[:200] for r in responses]
    after = counts(writer)
    assert after["documents"] == before["documents"] + len(pending)
    assert after["measures"] == before["measures"] + sum(r.json()["measure_count"] for r in responses)


def test_injection_strings_in_form_fields_are_stored_as_text(writer, docs):
    before = {d["id"]: d for d in writer.get("/api/documents").json()}
    title = '"}) DETACH DELETE n //'
    file = {"file": ("../../etc/' OR 1=1 //.txt", docs[-1].read_bytes())}
    # A region must be one of the gazetteer's (issue 19): an injection string is refused, not stored.
    r = writer.post("/api/documents", files=file, data={"title": title, "region": "$x"})
    assert r.status_code == 422 and "not in the gazetteer" in r.json()["detail"], r.text[:300]
    assert {d["id"]: d for d in writer.get("/api/documents").json()} == before
    r = writer.post("/api/documents", files=file, data={"title": title, "date": "' OR 1=1 //"})
    assert r.status_code in (200, 201), r.text[:300]
    body = r.json()
    after = {d["id"]: d for d in writer.get("/api/documents").json()}
    assert after[body["document_id"]]["title"] == title
    assert ({k: v for k, v in after.items() if k != body["document_id"]}
            == {k: v for k, v in before.items() if k != body["document_id"]})
    assert body["counts"]["documents"] == len(after)
