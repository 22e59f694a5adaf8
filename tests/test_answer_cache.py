"""A repeated question is answered from the answer cache (api/answers.py), byte for byte what the
route gives, and never an answer of an older graph (real uvicorn on loopback)."""
from __future__ import annotations

import asyncio
import itertools
import json
import os
import time

import httpx
import pytest

from api.answers import Answer, AnswerCache

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


def kept_soon(client: httpx.Client, done=lambda stats: True, **expected: int) -> dict:
    """The cache's counts once they show ``expected`` and ``done(counts)`` holds: an answer is
    compressed on a worker thread after it was sent (api/answers.py), so a moment after its
    client has it."""
    deadline = time.monotonic() + 10
    while True:
        stats = counts(client)
        if (all(stats[k] == v for k, v in expected.items()) and done(stats)) or time.monotonic() > deadline:
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
    # every comparison of two and of three of the corpus's regions, in every order: ~5 MB of JSON,
    # more than twice the budget; the least recently used compressed to make room, all of them
    # are kept and asked again without a query
    regions = ["厦门", "福建", "图们", "武汉", "云南"]
    paths = [f"/api/compare?regions={','.join(p)}" for n in (2, 3) for p in itertools.permutations(regions, n)]
    with serving_uploads(corpus_db, tmp_path, {"POLICY_GRAPH_ANSWER_CACHE_MIB": "2"}) as srv, \
            httpx.Client(base_url=srv.base_url, timeout=300, headers={"Accept-Encoding": "identity"}) as c:
        first = {path: c.get(path).content for path in paths}
        stats = kept_soon(c, done=lambda s: s["bytes"] <= s["budget_bytes"])
        assert sum(len(body) for body in first.values()) > 2 * stats["budget_bytes"]
        assert stats["bytes"] <= stats["budget_bytes"] and stats["entries"] == len(paths)
        assert stats["gzipped"] >= len(paths) // 2
        for path in paths:
            assert c.get(path).content == first[path], path
        assert counts(c)["hits"] == stats["hits"] + len(paths)


BUDGET = 1_600_000  # one kept answer at most 100,000 bytes


def _answers(cache: AnswerCache, sizes: dict[str, int], random_text: bool = False) -> None:
    """Keep a JSON answer of about ``size`` bytes under each name: measures with a repeated title
    (shrinking as answers do) or with random text (shrinking about twofold)."""
    for name, size in sizes.items():
        items, length = [], 2
        while length < size:
            title = os.urandom(24).hex() if random_text else "知识产权质押融资"
            items.append({"id": f"{name}-{len(items)}", "title": title})
            length += len(json.dumps(items[-1], ensure_ascii=False).encode()) + 1
        body = json.dumps(items, ensure_ascii=False).encode()
        assert cache.put((name,), Answer.of([(b"content-type", b"application/json")], body), cache.generation)


def test_room_is_made_by_compressing_the_least_recently_used_large_answers_first():
    cache = AnswerCache(BUDGET)
    _answers(cache, {"a": 90_000, "b": 90_000, "small": 8_000})
    _answers(cache, {f"q{i}": 90_000 for i in range(16)})
    assert cache.get(("a",)) is not None  # a is now the most recently used
    assert cache.over_budget and cache.stats()["entries"] == 19
    asyncio.run(cache.make_room())
    assert not cache.over_budget and cache.stats()["entries"] == 19
    kept = {k[0]: a for k, a in cache._entries.items()}
    assert kept["b"].gzip and not kept["small"].gzip  # the oldest large one first; small ones never
    assert not kept["a"].gzip and not kept["q15"].gzip  # asked lately: as sent, while there is room
    headers, body = kept["b"].sent(accepts_gzip=False)
    assert json.loads(body)[0]["id"] == "b-0" and (b"content-length", str(len(body)).encode()) in headers
    assert dict(kept["b"].sent(accepts_gzip=True)[0])[b"content-encoding"] == b"gzip"


def test_when_nothing_is_left_to_compress_the_least_recently_used_go():
    cache = AnswerCache(BUDGET)
    for i in range(60):
        _answers(cache, {f"q{i}": 90_000}, random_text=True)
        asyncio.run(cache.make_room())
        stats = cache.stats()
        assert stats["bytes"] <= stats["budget_bytes"]
    assert 17 < stats["entries"] < 60 and stats["gzipped"] >= stats["entries"] - 1
    assert ("q59",) in cache._entries and ("q0",) not in cache._entries


def test_compressing_stops_while_compressed_answers_go_unasked_and_resumes_when_they_are_asked():
    """A walk over more answers than even the compressed budget holds: least recently used lets
    each go before it comes round, so compressing it was wasted work (3.0 ms for a comparison at
    100k measures, more than answering it again). The cache stops compressing; when answers it
    let go as sent come back soon enough that compressing would have kept them, it resumes."""
    cache = AnswerCache(BUDGET)

    def ask(name: str) -> None:  # a question: from the cache, else answered, kept, room made
        if cache.get((name,)) is None:
            _answers(cache, {name: 90_000}, random_text=True)  # ~45 kB compressed: ~34 fit
            asyncio.run(cache.make_room())
        assert cache.bytes <= cache.budget

    for _ in range(2):
        for i in range(100):
            ask(f"walk{i}")
    assert not cache.compression_pays and cache.hits == 0
    before = cache.gzipped
    for i in range(100):
        ask(f"walk{i}")
    assert cache.gzipped == before  # were 100: one a question
    for _ in range(60):
        for i in range(24):  # 2.2 MB as sent, ~1.1 MB compressed: fits only compressed
            ask(f"loop{i}")
    assert cache.compression_pays
    hits = cache.hits
    for i in range(24):
        ask(f"loop{i}")
    assert cache.hits - hits == 24


def test_answers_compressing_cannot_shrink_are_let_go_within_the_budget():
    """Bodies gzip makes larger (the score's room then is none): the cache still keeps its budget."""
    cache = AnswerCache(BUDGET)
    cache._ratio = 1.0005  # what gzip lately made of such bodies, as after compressed ones were asked again
    for i in range(80):
        body = os.urandom(60_000)
        cache.put((f"r{i}",), Answer.of([(b"content-type", b"application/octet-stream")], body), cache.generation)
        asyncio.run(cache.make_room())
        assert cache.bytes <= cache.budget
    assert ("r79",) in cache._entries and ("r0",) not in cache._entries


def test_a_write_while_an_answer_is_compressed_leaves_nothing_of_the_older_graph():
    async def run() -> AnswerCache:
        cache = AnswerCache(BUDGET)
        _answers(cache, {f"q{i}": 90_000 for i in range(18)})
        assert cache.over_budget
        room = asyncio.create_task(cache.make_room())
        await asyncio.sleep(0)  # make_room now waits for its worker thread
        cache.begin_write()
        await room
        return cache
    cache = asyncio.run(run())
    assert cache.stats()["entries"] == 0 and cache.bytes == 0 and not cache._plain
