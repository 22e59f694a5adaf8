"""An unchanged answer costs a 304; an upload that changes the graph changes every tag (real uvicorn)."""
from __future__ import annotations

import pytest

from fixtures.hostile import serving_uploads, synth_documents, writer_client

QUESTIONS = ["/api/adopters?q=知识产权", "/api/search?q=人才", "/api/documents", "/api/compare?regions=厦门,武汉"]


@pytest.fixture(scope="module")
def server(corpus_db, tmp_path_factory):
    with serving_uploads(corpus_db, tmp_path_factory.mktemp("etag")) as srv:
        yield srv


@pytest.fixture(scope="module")
def client(server):
    with writer_client(server.base_url) as c:
        yield c


def test_an_unchanged_answer_is_a_304_and_a_changed_graph_answers_again(client, tmp_path):
    first = {path: client.get(path) for path in QUESTIONS}
    for path, r in first.items():
        assert r.status_code == 200 and r.headers["etag"], path
        again = client.get(path, headers={"If-None-Match": r.headers["etag"]})
        assert again.status_code == 304 and again.content == b"", path
        assert client.get(path, headers={"If-None-Match": 'W/"other"'}).status_code == 200
    doc = synth_documents(tmp_path / "new", 40, seed=31)[0]
    posted = client.post("/api/documents", files={"file": (doc.name, doc.read_bytes())})
    assert posted.status_code in (200, 201), posted.text
    for path, r in first.items():
        after = client.get(path, headers={"If-None-Match": r.headers["etag"]})
        assert after.status_code == 200 and after.headers["etag"] != r.headers["etag"], path
    documents = client.get("/api/documents").json()
    assert documents != first["/api/documents"].json()  # the answer behind the new tag is the new graph's


def test_writes_and_errors_carry_no_tag(client):
    assert "etag" not in client.get("/api/measures/no-such-id").headers
    assert "etag" not in client.post("/api/documents").headers
    assert "etag" not in client.get("/api/health").headers  # always asks the store
