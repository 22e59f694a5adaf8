"""Cost limits on the expensive reads (api/limits.py): a per-client cap, a server-wide cap with a
short queue, a time budget per request, and a paged comparison; cheap requests go on meanwhile."""
from __future__ import annotations

import threading
from contextlib import contextmanager

import httpx
import pytest

from conftest import Server
from fixtures.hostile import copy_graph
from fixtures.pauses import Pauses

PAGE = "/viz/theme/ip_pledge_financing?limit=1000"
FIVE = "厦门,福建,武汉,图们,云南"


def serve(corpus_db, tmp_path_factory, name: str, env: dict[str, str]):
    srv = Server(copy_graph(corpus_db, tmp_path_factory.mktemp(name)), env)
    return srv


@pytest.fixture(scope="module")
def tight(corpus_db, tmp_path_factory):
    pauses = Pauses(tmp_path_factory.mktemp("tight-pauses"))
    srv = serve(corpus_db, tmp_path_factory, "tight", {
        "POLICY_GRAPH_EXPENSIVE_PER_CLIENT": "1", "POLICY_GRAPH_EXPENSIVE_SLOTS": "1",
        "POLICY_GRAPH_EXPENSIVE_QUEUE_SECONDS": "0.05", **pauses.env})
    srv.pauses = pauses
    yield srv
    srv.stop()


def get_from(srv: Server, path: str, source: str) -> httpx.Response:
    with httpx.Client(transport=httpx.HTTPTransport(local_address=source), timeout=60) as c:
        return c.get(srv.base_url + path)


@contextmanager
def held_page(srv: Server, source: str):
    """An expensive page from ``source``, held inside its slot (policy_graph/pause_points.py) while
    the block runs, then let go; yields a list that holds its response afterwards."""
    srv.pauses.arm("expensive")
    answer: list[httpx.Response] = []
    thread = threading.Thread(target=lambda: answer.append(get_from(srv, PAGE, source)))
    thread.start()
    try:
        srv.pauses.wait("expensive", thread.is_alive)
        yield answer
    finally:
        srv.pauses.release("expensive")
        thread.join()


def test_one_client_over_its_share_of_expensive_pages_gets_429(tight):
    with held_page(tight, "127.0.0.1") as first:
        refused = get_from(tight, PAGE, "127.0.0.1")
        other = get_from(tight, "/api/measures?limit=5", "127.0.0.1")  # a cheap read is no expensive one
    assert refused.status_code == 429, refused.text[:200]
    assert refused.headers["retry-after"] and "per client" in refused.json()["detail"]
    assert other.status_code == 200
    assert first[0].status_code == 200
    assert get_from(tight, PAGE, "127.0.0.1").status_code == 200  # its share is free again


def test_when_every_slot_is_busy_an_expensive_page_is_503_and_health_still_answers(tight):
    with held_page(tight, "127.0.0.2") as first:
        busy = [get_from(tight, PAGE, source) for source in ("127.0.0.3", "127.0.0.4")]
        health = [httpx.get(tight.base_url + "/api/health", timeout=30).status_code for _ in range(5)]
    assert [r.status_code for r in busy] == [503, 503], [r.text[:200] for r in busy]
    assert "busy" in busy[0].json()["detail"] and busy[0].json()["request_id"] and busy[0].headers["retry-after"]
    assert health == [200] * 5
    assert first[0].status_code == 200


def test_a_request_past_its_time_budget_answers_503_and_cheap_reads_go_on(corpus_db, tmp_path_factory):
    srv = serve(corpus_db, tmp_path_factory, "budget", {"POLICY_GRAPH_REQUEST_BUDGET_SECONDS": "0.000001"})
    try:
        r = httpx.get(srv.base_url + f"/api/compare?regions={FIVE}", timeout=60)
        assert r.status_code == 503, r.text[:200]
        assert "time budget" in r.json()["detail"] and r.json()["request_id"]
        assert httpx.get(srv.base_url + "/api/health", timeout=30).status_code == 200
        assert httpx.get(srv.base_url + "/api/measures?limit=5", timeout=30).status_code == 200
    finally:
        srv.stop()


def test_compare_is_paged_with_a_maximum(api):
    whole = api.get("/api/compare", params={"regions": FIVE, "per_region": 100, "limit": 500}).json()
    page = api.get("/api/compare", params={"regions": FIVE, "limit": 2, "offset": 1, "per_region": 1}).json()
    assert page["theme_count"] == whole["theme_count"] == len(whole["themes"]) > 3
    assert [t["theme"]["key"] for t in page["themes"]] == [t["theme"]["key"] for t in whole["themes"][1:3]]
    for theme, full in zip(page["themes"], whole["themes"][1:3]):
        assert all(len(ms) <= 1 for ms in theme["regions"].values())
        assert theme["measure_counts"] == {r: len(ms) for r, ms in full["regions"].items()}
    assert api.get("/api/compare", params={"regions": FIVE, "limit": 501}).status_code == 422
    assert api.get("/api/compare", params={"regions": FIVE, "per_region": 101}).status_code == 422


def test_an_answer_asked_again_is_no_expensive_request(tight):
    """A kept answer (api/answers.py) or a 304 costs a lookup: it is sent while the one expensive slot
    is held, even to the client holding it; a question not asked before still waits its turn."""
    question = "/api/compare?regions=厦门,福建"
    first = get_from(tight, question, "127.0.0.1")
    assert first.status_code == 200
    with held_page(tight, "127.0.0.1"):
        again = get_from(tight, question, "127.0.0.1")
        with httpx.Client(transport=httpx.HTTPTransport(local_address="127.0.0.1"), timeout=60) as c:
            revalidated = c.get(tight.base_url + question, headers={"If-None-Match": first.headers["etag"]})
        new = get_from(tight, "/api/compare?regions=厦门,武汉", "127.0.0.1")
    assert again.status_code == 200 and again.content == first.content
    assert revalidated.status_code == 304
    assert new.status_code == 429, new.text[:200]
