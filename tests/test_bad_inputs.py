"""Bad and odd files through the CLI and the upload API: a correct ingest or a clear refusal.

A refusal names the file and the reason (CLI: exit code != 0; API: 4xx JSON) and leaves every
count in the graph as it was. Encodings, HTML pages and very long lines must give the same
measures as the plain UTF-8 text.
"""
from __future__ import annotations

import re
import socket
from pathlib import Path

import pytest

from fixtures.hostile import (MARKUP, TOKEN, copy_graph, corpus_text, measure_titles, odd_but_valid_inputs, writer_client,
                              refused_inputs, snapshot, stored_texts, with_markup_in_text, write_big_file,
                              cli, serving_uploads)
from ingest.pipeline import document_id

FIFTY_MB = 50 * 1024 * 1024


def flat(text: str) -> str:
    """Rich wraps long lines at spaces; join them again before looking for a phrase."""
    return " ".join(text.split())


@pytest.fixture(scope="module")
def refused_dir(tmp_path_factory) -> dict[str, tuple[Path, str]]:
    folder = tmp_path_factory.mktemp("refused")
    files = {}
    for key, (name, data, reason) in refused_inputs().items():
        path = folder / f"{key}-{name}"
        path.write_bytes(data)
        files[key] = (path, reason)
    return files


# ------------------------------------------------------------------ CLI


def test_cli_refuses_every_bad_file_by_name_and_reason(corpus_db, refused_dir, tmp_path):
    db = copy_graph(corpus_db, tmp_path / "g")
    before = snapshot(db)
    run = cli("ingest", *(str(p) for p, _ in refused_dir.values()), "--db", str(db))
    assert run.returncode != 0
    err = flat(run.stderr)
    for key, (path, reason) in refused_dir.items():
        line = re.search(re.escape(f"refused {path}:") + r"(.{0,200})", err)
        assert line, f"{key}: no refusal naming {path} in:\n{run.stderr}"
        assert reason in line.group(1), f"{key}: refusal does not say {reason!r}: {line.group(1)}"
    assert "Traceback" not in run.stderr
    assert snapshot(db) == before


def test_cli_refuses_a_50_mb_file_without_loading_it(corpus_db, tmp_path):
    db = copy_graph(corpus_db, tmp_path / "g")
    before = snapshot(db)
    big = write_big_file(tmp_path / "huge.txt", FIFTY_MB)
    run = cli("ingest", str(big), "--db", str(db))
    assert run.returncode != 0
    err = flat(run.stderr)
    assert f"refused {big}" in err and "limit" in err, run.stderr
    assert snapshot(db) == before


def test_cli_missing_file_is_named(corpus_db, tmp_path):
    db = copy_graph(corpus_db, tmp_path / "g")
    run = cli("ingest", str(tmp_path / "nowhere.txt"), "--db", str(db))
    assert run.returncode != 0
    assert "nowhere.txt" in flat(run.stderr) and "no such file" in flat(run.stderr)


@pytest.fixture(scope="module")
def odd_db(tmp_path_factory) -> tuple[Path, dict[str, str], str]:
    """A fresh graph holding the UTF-8 reference and every odd-but-valid variant, loaded by one CLI run."""
    folder = tmp_path_factory.mktemp("odd")
    name, text = corpus_text("gbk")
    reference = folder / name
    reference.write_text(text, encoding="utf-8")
    ids = {}
    for key, (fname, data) in odd_but_valid_inputs().items():
        (folder / fname).write_bytes(data)
        ids[key] = document_id(data)
    mname, mdata = with_markup_in_text()
    (folder / mname).write_bytes(mdata)
    ids["markup"] = document_id(mdata)
    db = folder / "odd.lbdb"
    run = cli("ingest", str(folder), "--db", str(db))
    assert run.returncode == 0, run.stderr
    return db, ids, document_id(reference.read_bytes())


@pytest.mark.parametrize("variant", list(odd_but_valid_inputs()))
def test_cli_decodes_variants_to_the_same_measures(odd_db, variant):
    db, ids, reference = odd_db
    expected = measure_titles(db, reference)
    assert len(expected) >= 10
    got = measure_titles(db, ids[variant])
    assert got == expected
    # Decoding errors would show as replacement characters or mojibake in the titles.
    assert not any("\ufffd" in t or "锟" in t for t in got)


def test_cli_html_page_is_stored_as_text_never_markup(odd_db):
    db, ids, _ = odd_db
    for variant in ("html-gbk", "html-utf8-named-txt"):
        for text in stored_texts(db, ids[variant]):
            assert not re.search(r"</?(p|div|script|style|html|body|a|meta)\b", text, re.I), text[:200]
            assert "document.write" not in text and "text-indent" not in text


def test_cli_markup_inside_plain_text_is_kept_verbatim(odd_db):
    db, ids, _ = odd_db
    texts = stored_texts(db, ids["markup"])
    assert sum(MARKUP in t for t in texts) >= 3  # in the document and in the measures that carried it


# ------------------------------------------------------------------ API


@pytest.fixture(scope="module")
def upload_server(corpus_db, tmp_path_factory):
    with serving_uploads(corpus_db, tmp_path_factory.mktemp("upload-bad")) as srv:
        yield srv


@pytest.fixture(scope="module")
def writer(upload_server):
    with writer_client(upload_server.base_url, timeout=120) as client:
        yield client


def test_api_refuses_every_bad_file_with_json_and_changes_nothing(writer, refused_dir):
    before = writer.get("/api/health").json()["counts"]
    for key, (path, reason) in refused_dir.items():
        r = writer.post("/api/documents", files={"file": (path.name, path.read_bytes())})
        assert 400 <= r.status_code < 500, (key, r.status_code, r.text[:300])
        assert r.status_code == 422, (key, r.text[:300])
        detail = r.json()["detail"]
        assert path.name in detail and reason in detail, (key, detail)
    assert writer.get("/api/health").json()["counts"] == before


def _raw_post(base_url: str, headers: dict[str, str], body: bytes = b"") -> tuple[int, str]:
    """A request whose declared length the client never sends: the answer must not wait for the body."""
    host, port = base_url.removeprefix("http://").split(":")
    lines = ["POST /api/documents HTTP/1.1", f"Host: {host}"] + [f"{k}: {v}" for k, v in headers.items()]
    with socket.create_connection((host, int(port)), timeout=30) as s:
        s.sendall(("\r\n".join(lines) + "\r\n\r\n").encode() + body)
        data = b""
        while b"\r\n\r\n" not in data or not data.rstrip().endswith(b"}"):
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
    head, _, rest = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), rest.decode("utf-8", "replace")


def test_api_refuses_a_declared_50_mb_body_before_reading_it(upload_server, writer):
    before = writer.get("/api/health").json()["counts"]
    status, body = _raw_post(upload_server.base_url, {
        "Authorization": f"Bearer {TOKEN}", "Content-Length": str(FIFTY_MB),
        "Content-Type": "multipart/form-data; boundary=x"})
    assert status == 413 and "limit" in body
    assert writer.get("/api/health").json()["counts"] == before


def test_api_counts_an_undeclared_body_and_stops_at_the_limit(writer, tmp_path):
    before = writer.get("/api/health").json()["counts"]
    boundary = "b0undary"
    chunk = ("推进制度创新" * 2000 + "\n").encode()

    def body():
        yield (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"big.txt\"\r\n"
               "Content-Type: text/plain\r\n\r\n").encode()
        for _ in range(12 * 1024 * 1024 // len(chunk)):  # 12 MB, over the 10 MB default
            yield chunk
        yield f"\r\n--{boundary}--\r\n".encode()
    r = writer.post("/api/documents", content=body(),
                    headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
    assert "content-length" not in r.request.headers
    assert r.status_code == 413, r.text[:300]
    assert "limit" in r.json()["detail"]
    assert writer.get("/api/health").json()["counts"] == before


def test_api_50_mb_upload_through_a_normal_client_is_refused(writer, tmp_path):
    big = write_big_file(tmp_path / "huge.txt", FIFTY_MB)
    before = writer.get("/api/health").json()["counts"]
    with open(big, "rb") as fh:
        r = writer.post("/api/documents", files={"file": ("huge.txt", fh)})
    assert r.status_code == 413
    assert "POLICY_GRAPH_MAX_UPLOAD_BYTES" in r.json()["detail"]
    assert writer.get("/api/health").json()["counts"] == before


@pytest.mark.parametrize("variant", list(odd_but_valid_inputs()))
def test_api_decodes_variants_to_the_same_measures(writer, variant):
    name, text = corpus_text("gbk")
    reference = document_id(text.encode("utf-8"))
    expected = [m["title"] for m in writer.get("/api/measures", params={
        "document": reference, "limit": 500}).json()["items"]]
    assert len(expected) >= 10
    fname, data = odd_but_valid_inputs()[variant]
    r = writer.post("/api/documents", files={"file": (fname, data)})
    assert r.status_code in (200, 201), r.text[:300]
    body = r.json()
    assert body["measure_count"] == len(expected)
    got = writer.get("/api/measures", params={"document": body["document_id"], "limit": 500}).json()
    assert [m["title"] for m in got["items"]] == expected


def test_api_markup_is_stored_as_text_and_escaped_on_pages(writer):
    fname, data = with_markup_in_text()
    r = writer.post("/api/documents", files={"file": (fname, data)})
    assert r.status_code in (200, 201), r.text[:300]
    items = writer.get("/api/measures", params={"document": r.json()["document_id"], "limit": 500}).json()["items"]
    carrying = [m for m in items if MARKUP in m["text"]]
    assert carrying, "the markup was not kept as text"
    page = writer.get(f"/viz/measure/{carrying[0]['id']}")
    assert page.status_code == 200
    assert "<script>alert('x')</script>" not in page.text
    assert "<img src=x onerror" not in page.text
