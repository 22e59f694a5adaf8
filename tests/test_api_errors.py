"""HEAD on every GET route, JSON 5xx answers with a request id found in the log, and API docs that
load nothing from outside the server."""
from __future__ import annotations

import logging
import re

import httpx
import pytest

from test_pages_browser import Watched


def get_routes(api: httpx.Client) -> list[str]:
    """Every GET path of the API that needs no parameter, plus the pages and the docs."""
    spec = api.get("/openapi.json").json()
    paths = []
    for path, ops in spec["paths"].items():
        get = ops.get("get")
        if get is None or "{" in path:
            continue
        if any(p.get("required") for p in get.get("parameters", [])):
            continue
        paths.append(path)
    return paths + ["/", "/docs", "/redoc", "/openapi.json"]


def test_head_answers_every_get_route_like_get_without_a_body(api):
    routes = get_routes(api)
    assert "/api/health" in routes and "/api/regions" in routes
    assert api.head("/api/health").status_code == 200
    with_params = ["/api/search?q=知识产权", "/api/adopters?q=知识产权质押融资", "/viz/region/厦门",
                   "/api/compare?regions=厦门,武汉"]
    for path in routes + with_params:
        got, head = api.get(path), api.head(path)
        assert head.status_code == got.status_code != 405, (path, head.status_code)
        assert got.status_code < 500
        assert head.content == b""
        assert head.headers["content-type"] == got.headers["content-type"]
        assert head.headers.get("x-request-id")


def test_a_5xx_answer_is_json_with_a_request_id_that_the_log_has(corpus_db, tmp_path):
    from conftest import Server
    from fixtures.hostile import copy_graph

    # With 1 ms per query the graph's answers time out: the server counts as up once it serves its
    # OpenAPI document, which reads no graph.
    srv = Server(copy_graph(corpus_db, tmp_path / "g"), {"POLICY_GRAPH_QUERY_TIMEOUT_MS": "1"}, ready="/openapi.json")
    try:
        # five different questions: the same one asked again would be a kept answer (api/answers.py);
        # a depth-3 subgraph walks the graph (a comparison reads what the ingest kept)
        answers = [httpx.get(srv.base_url + f"/api/subgraph?center=Region:福建&depth=3&limit={n}",
                             timeout=60) for n in range(196, 201)]
        failed = [r for r in answers if r.status_code == 503]
        assert failed, "no query ran past 1 ms"
        body = failed[0].json()
        assert "timed out" in body["detail"]
        assert re.fullmatch(r"[0-9a-f]{16}", body["request_id"])
        assert failed[0].headers["x-request-id"] == body["request_id"]
    finally:
        srv.stop()
    assert body["request_id"] in srv.log.read_text(errors="replace")


def test_an_unexpected_error_answers_json_500_and_logs_its_traceback_by_request_id(corpus_db, caplog):
    """The handler stack of the real app (its store, middleware and handlers) around one route
    added here that fails as an unforeseen bug would."""
    from fastapi.testclient import TestClient

    from api.app import create_app
    from graph.store import open_store
    from policy_graph.settings import get_settings

    store = open_store("ladybug", path=corpus_db, read_only=True)
    try:
        app = create_app(get_settings(db=corpus_db), store=store)

        def broken() -> None:
            raise ZeroDivisionError("a bug")
        app.add_api_route("/api/broken", broken)
        with caplog.at_level(logging.ERROR, logger="policy_graph.api"):
            r = TestClient(app, raise_server_exceptions=False).get("/api/broken")
    finally:
        store.close()
    assert r.status_code == 500
    assert r.headers["content-type"] == "application/json"
    rid = r.json()["request_id"]
    assert "a bug" not in r.text  # the traceback stays in the log
    logged = [rec for rec in caplog.records if rid in rec.getMessage()]
    assert logged and logged[0].exc_info and "ZeroDivisionError" in caplog.text


@pytest.mark.browser
@pytest.mark.parametrize("path, ready", [("/docs", ".swagger-ui .info .title"),
                                         ("/redoc", "[role=search], .api-info h1")])
def test_the_api_docs_render_from_the_server_alone_under_a_csp(server, browser, path, ready):  # noqa: F811
    r = httpx.get(server.base_url + path)
    csp = r.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert not re.search(r"https?://", r.text), "the docs page names another origin"
    w = Watched(browser, server.base_url)
    answered_elsewhere: list[str] = []
    w.page.on("response", lambda resp: answered_elsewhere.append(resp.url)
              if not resp.url.startswith((server.base_url, "data:", "blob:")) else None)
    try:
        w.page.goto(server.base_url + path)
        w.page.wait_for_selector(ready, timeout=30_000)
        assert "policy-graph" in w.page.inner_text("body")
        # ReDoc's footer names a logo on its vendor's site: the CSP stops it before it leaves.
        assert not answered_elsewhere, answered_elsewhere
        assert not [e for e in w.errors if "script-src" in e or "uncaught" in e], w.errors
    finally:
        w.context.close()
