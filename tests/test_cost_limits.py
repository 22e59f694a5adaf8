"""Cost limits on the expensive reads (api/limits.py): a per-client cap, a server-wide cap with a
short queue, a time budget per request, and a paged comparison; cheap requests go on meanwhile."""
from __future__ import annotations

import threading

import httpx
import pytest

from conftest import Server
from fixtures.hostile import copy_graph

PAGE = "/viz/theme/ip_pledge_financing?limit=1000"
FIVE = "厦门,福建,武汉,图们,云南"


def serve(corpus_db, tmp_path_factory, name: str, env: dict[str, str]):
    srv = Server(copy_graph(corpus_db, tmp_path_factory.mktemp(name)), env)
    return srv


@pytest.fixture(scope="module")
def tight(corpus_db, tmp_path_factory):
    srv = serve(corpus_db, tmp_path_factory, "tight", {
        "POLICY_GRAPH_EXPENSIVE_PER_CLIENT": "1", "POLICY_GRAPH_EXPENSIVE_SLOTS": "1",
        "POLICY_GRAPH_EXPENSIVE_QUEUE_SECONDS": "0.05"})
    yield srv
    srv.stop()


def burst(srv: Server, path: str, n: int, source: str = "127.0.0.1") -> list[httpx.Response]:
    """``n`` requests for ``path`` sent at once from one client address."""
    out: list[httpx.Response] = []
    start = threading.Barrier(n)

    def one() -> None:
        with httpx.Client(transport=httpx.HTTPTransport(local_address=source), timeout=60) as c:
            start.wait()
            out.append(c.get(srv.base_url + path))
    threads = [threading.Thread(target=one) for _ in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return out


def test_one_client_over_its_share_of_expensive_pages_gets_429(tight):
    answers = burst(tight, PAGE, 8)
    codes = sorted(r.status_code for r in answers)
    assert 200 in codes and 429 in codes, codes
    refused = next(r for r in answers if r.status_code == 429)
    assert refused.headers["retry-after"] and "per client" in refused.json()["detail"]


def test_when_every_slot_is_busy_an_expensive_page_is_503_and_health_still_answers(tight):
    results: dict[str, list] = {"health": []}
    many = [threading.Thread(target=lambda s=s: results.setdefault(s, burst(tight, PAGE, 1, s)))
            for s in ("127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5", "127.0.0.6")]
    for t in many:
        t.start()
    for _ in range(5):
        results["health"].append(httpx.get(tight.base_url + "/api/health", timeout=30).status_code)
    for t in many:
        t.join()
    codes = [r.status_code for s in ("127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5", "127.0.0.6")
             for r in results[s]]
    assert 200 in codes, codes
    busy = [r for s in ("127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5", "127.0.0.6")
            for r in results[s] if r.status_code == 503]
    assert busy, codes
    assert "busy" in busy[0].json()["detail"] and busy[0].json()["request_id"]
    assert results["health"] == [200] * 5


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
