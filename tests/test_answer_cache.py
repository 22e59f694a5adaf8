"""A repeated question is answered from the answer cache (api/answers.py), byte for byte what the
route gives, and never an answer of an older graph (real uvicorn on loopback)."""
from __future__ import annotations

import time

import httpx
import pytest

from conftest import Server
from fixtures.hostile import copy_graph, serving_uploads, synth_documents, writer_client

QUESTIONS = ["/api/adopters?q=知识产权", "/api/search?q=人才", "/api/documents", "/api/compare?regions=厦门,武汉",
             "/api/measures?region=厦门&limit=5", "/api/paths?from=厦门", "/api/subgraph?center=Region:厦门"]
# headers the server sets per request, not part of an answer
PER_REQUEST = {"x-request-id", "date"}


@pytest.fixture(scope="module")
def server(corpus_db, tmp_path_factory):
    with serving_uploads(corpus_db, tmp_path_factory.mktemp("answers")) as srv:
        yield srv


@pytest.fixture(scope="module")
def client(server):
    with writer_client(server.base_url) as c:
        yield c


@pytest.fixture(scope="module")
def uncached(corpus_db, tmp_path_factory):
    # its own copy: the session's server may hold the corpus database open (one process per file)
    srv = Server(copy_graph(corpus_db, tmp_path_factory.mktemp("uncached")), {"POLICY_GRAPH_ANSWER_CACHE_MIB": "0"})
    yield srv
    srv.stop()


def counts(client: httpx.Client) -> dict:
    return client.get("/api/answer-cache").json()


def kept_soon(client: httpx.Client, **expected: int) -> dict:
    """The cache's counts once they show ``expected``: an answer compressed to be kept is kept by
    a worker thread after it was sent (api/answers.py), so a moment after its client has it."""
    deadline = time.monotonic() + 10
    while True:
        stats = counts(client)
        if all(stats[k] == v for k, v in expected.items()) or time.monotonic() > deadline:
            return stats
        time.sleep(0.02)


def answer(r: httpx.Response) -> tuple[int, dict, bytes]:
    return r.status_code, {k: v for k, v in r.headers.items() if k not in PER_REQUEST}, r.content


def test_a_compressed_answer_is_sent_compressed_only_to_a_client_that_accepts_it(corpus_db, tmp_path):
    # 0.5 MiB, 32 KiB for one kept answer: a 64 kB comparison is kept only compressed
    path = "/api/compare?regions=厦门,武汉"
    with serving_uploads(corpus_db, tmp_path, {"POLICY_GRAPH_ANSWER_CACHE_MIB": "0.5"}) as srv, \
            httpx.Client(base_url=srv.base_url, timeout=300) as c:
        fresh = c.get(path, headers={"Accept-Encoding": "identity"})
        assert len(fresh.content) > 32 * 1024 and "content-encoding" not in fresh.headers
        assert "accept-encoding" in fresh.headers["vary"].lower()
        assert kept_soon(c, gzipped=1, entries=1)["gzipped"] == 1
        for accepts in ("gzip", "gzip, deflate, br", "br;q=1, *;q=0.5"):
            r = c.get(path, headers={"Accept-Encoding": accepts})
            assert r.headers["content-encoding"] == "gzip", accepts
            assert int(r.headers["content-length"]) < len(fresh.content) / 3  # the bytes on the wire
            assert r.content == fresh.content, accepts
        for refuses in ("identity", "gzip;q=0", "br", "*;q=0", ""):
            r = c.get(path, headers={"Accept-Encoding": refuses})
            assert "content-encoding" not in r.headers, refuses
            assert answer(r) == answer(fresh), refuses
        assert counts(c)["hits"] == 8


def test_a_repeated_question_is_a_hit_with_the_same_bytes_and_headers(client, uncached):
    with httpx.Client(base_url=uncached.base_url, timeout=300) as plain:
        for path in QUESTIONS:
            before = counts(client)
            fresh = client.get(path)
            middle = counts(client)
            again = client.get(path)
            after = counts(client)
            assert fresh.status_code == 200, (path, fresh.text[:200])
            assert middle["misses"] == before["misses"] + 1 and middle["hits"] == before["hits"], path
            assert after["hits"] == middle["hits"] + 1, path
            # in a budget this large, every answer is kept as it was sent
            assert answer(again) == answer(fresh), path
            head = client.head(path)
            assert head.status_code == 200 and head.content == b""
            assert answer(head)[1] == answer(fresh)[1], path
            # and what a server without the cache computes
            other = plain.get(path)
            assert other.content == fresh.content, path
            assert other.headers["content-type"] == fresh.headers["content-type"]
        assert counts(plain)["hits"] == 0 and counts(plain)["budget_bytes"] == 0


def test_a_download_is_kept_apart_from_the_json_answer(client):
    json_answer = client.get("/api/adopters?q=知识产权").content
    first = client.get("/api/adopters?q=知识产权&format=csv")
    hits = counts(client)["hits"]
    again = client.get("/api/adopters?q=知识产权&format=csv")
    assert counts(client)["hits"] == hits + 1
    assert again.headers["content-type"].startswith("text/csv")
    assert again.headers["content-disposition"] == first.headers["content-disposition"]
    assert "attachment" in again.headers["content-disposition"]
    assert again.content == first.content and again.content != json_answer
    assert client.get("/api/adopters?q=知识产权").content == json_answer


def test_a_304_still_comes_before_the_cache(client):
    r = client.get("/api/documents")
    again = client.get("/api/documents", headers={"If-None-Match": r.headers["etag"]})
    assert again.status_code == 304 and again.content == b""


def test_an_upload_is_seen_at_once_by_every_kept_question(client, tmp_path):
    first = {path: client.get(path) for path in QUESTIONS}
    assert counts(client)["entries"] >= len(QUESTIONS)
    doc = synth_documents(tmp_path / "new", 40, seed=47)[0]
    posted = client.post("/api/documents", files={"file": (doc.name, doc.read_bytes())})
    assert posted.status_code in (200, 201), posted.text
    assert counts(client)["entries"] == 0  # dropped with the graph they were worked out from
    before = counts(client)
    after = {path: client.get(path) for path in QUESTIONS}
    assert counts(client)["misses"] == before["misses"] + len(QUESTIONS)
    for path in QUESTIONS:
        assert after[path].headers["etag"] != first[path].headers["etag"], path
    assert posted.json()["document_id"] in after["/api/documents"].text
    assert posted.json()["document_id"] not in first["/api/documents"].text


def test_the_budget_and_the_cap_of_one_answer_hold(corpus_db, tmp_path):
    # 64 KiB in all, 4 KiB for one kept answer, 32 KiB for one answer before it is compressed
    with serving_uploads(corpus_db, tmp_path, {"POLICY_GRAPH_ANSWER_CACHE_MIB": "0.0625"}) as srv, \
            httpx.Client(base_url=srv.base_url, timeout=300) as c:
        big = c.get("/api/compare?regions=厦门,武汉")
        assert len(big.content) > 32 * 1024
        c.get("/api/compare?regions=厦门,武汉")
        stats = counts(c)
        assert stats["entry_max_bytes"] == 4096 and stats["hits"] == 0 and stats["too_large"] == 2
        ids = [m["id"] for m in c.get("/api/measures?limit=100").json()["items"]]
        small = [f"/api/measures/{i}/similar?limit=1" for i in ids]
        for path in small:
            assert c.get(path).status_code == 200
            stats = counts(c)
            assert stats["bytes"] <= stats["budget_bytes"]
        assert 0 < stats["entries"] < len(small)  # the oldest were let go
        last = c.get(small[-1])
        assert counts(c)["hits"] == 1 and last.status_code == 200


def test_once_the_budget_is_full_large_answers_are_kept_compressed(corpus_db, tmp_path):
    # every comparison of two of the corpus's regions: ~600 kB as JSON, more than the budget holds;
    # those kept once it is full are compressed, so all of them are asked again without a query
    regions = ["厦门", "福建", "图们", "武汉", "云南"]
    paths = [f"/api/compare?regions={a},{b}" for i, a in enumerate(regions) for b in regions[i + 1:]]
    with serving_uploads(corpus_db, tmp_path, {"POLICY_GRAPH_ANSWER_CACHE_MIB": "0.5"}) as srv, \
            httpx.Client(base_url=srv.base_url, timeout=300) as c:
        first = {}
        for i, path in enumerate(paths, 1):
            first[path] = c.get(path, headers={"Accept-Encoding": "identity"}).content
            kept_soon(c, entries=i)
        raw = sum(len(body) for body in first.values())
        stats = counts(c)
        assert raw > stats["budget_bytes"] and stats["bytes"] <= stats["budget_bytes"]
        assert stats["entries"] == len(paths) and stats["gzipped"] >= 1
        for path in paths:
            assert c.get(path, headers={"Accept-Encoding": "identity"}).content == first[path], path
        assert counts(c)["hits"] == stats["hits"] + len(paths)
