"""Faults a user meets: a killed ingest, a repeated ingest, a query that runs too long.

(The message for a database file locked by another process is tested in test_graph_store.py.)
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from conftest import REPO, free_port, server_env
from fixtures.hostile import big_document, cli, copy_graph, snapshot, synth_documents
from fixtures.pauses import Pauses
from ingest.pipeline import document_id


# ------------------------------------------------------------------ SIGKILL mid-ingest


@pytest.fixture(scope="module")
def crash_setup(corpus_db, tmp_path_factory):
    """A big document, the graph before it, and the graph a clean, uninterrupted ingest gives."""
    root = tmp_path_factory.mktemp("crash")
    big = big_document(root / "big.txt", 1200, seed=4242)
    base = copy_graph(corpus_db, root / "base")
    clean = copy_graph(base, root / "clean")
    run = cli("ingest", str(big), "--db", str(clean), timeout=900)
    assert run.returncode == 0, run.stderr
    return {"big": big, "base": base, "before": snapshot(base), "clean": snapshot(clean),
            "doc_id": document_id(big.read_bytes())}


def _ingest_killed_at(db: Path, big: Path, phase: str, pauses: Pauses) -> int:
    """Run the CLI ingest, hold it at ``phase`` (policy_graph/pause_points.py) and SIGKILL it
    there; the exit status."""
    pauses.arm(phase)
    proc = subprocess.Popen([sys.executable, "-m", "policy_graph.cli", "ingest", str(big), "--db", str(db)],
                            cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            env={**server_env(), **pauses.env})
    try:
        held = pauses.wait(phase, running=lambda: proc.poll() is None)
        assert held == proc.pid  # the CLI runs every phase in its own process
        os.kill(proc.pid, signal.SIGKILL)
        return proc.wait(60)
    finally:
        pauses.release(phase)
        if proc.poll() is None:
            proc.kill()
            proc.wait(60)


def _assert_consistent(state: dict, setup: dict) -> str:
    """The big document is wholly present or wholly absent; the founding documents are untouched."""
    for doc_id, before in setup["before"]["documents"].items():
        assert state["documents"].get(doc_id) == before, f"document {doc_id} changed"
    doc = state["documents"].get(setup["doc_id"])
    if doc is None:
        assert state["counts"]["measures"] == setup["before"]["counts"]["measures"]
        assert state["counts"]["documents"] == setup["before"]["counts"]["documents"]
        return "absent"
    expected = setup["clean"]["documents"][setup["doc_id"]]
    assert doc == expected, "the document is only partly loaded"
    assert state["counts"]["measures"] == setup["clean"]["counts"]["measures"]
    return "present"


# write: inside the document's transaction, its rows written, not committed; link: committed,
# similar measures not yet linked; checkpoint: all committed, the closing CHECKPOINT not yet run.
KILLED_AT = {"write": "absent", "link": "present", "checkpoint": "present"}


@pytest.mark.slow
@pytest.mark.parametrize("phase", list(KILLED_AT))
def test_sigkill_mid_ingest_leaves_a_consistent_graph_and_a_rerun_completes(crash_setup, tmp_path, phase):
    setup = crash_setup
    db = copy_graph(setup["base"], tmp_path / "g")
    status = _ingest_killed_at(db, setup["big"], phase, Pauses(tmp_path / "pauses"))
    assert status == -signal.SIGKILL

    assert _assert_consistent(snapshot(db), setup) == KILLED_AT[phase]

    rerun = cli("ingest", str(setup["big"]), "--db", str(db), timeout=900)
    assert rerun.returncode == 0, rerun.stderr
    assert snapshot(db) == setup["clean"]


# ------------------------------------------------------------------ idempotence


def test_ingesting_twice_changes_nothing(corpus_db, tmp_path):
    db = copy_graph(corpus_db, tmp_path / "g")
    extra = synth_documents(tmp_path / "synth", 120, seed=515)
    first = cli("ingest", *map(str, extra), "--db", str(db))
    assert first.returncode == 0, first.stderr
    once = snapshot(db)
    again = cli("ingest", "data/corpus", *map(str, extra), "--db", str(db))
    assert again.returncode == 0, again.stderr
    assert snapshot(db) == once
    assert once["counts"]["documents"] == 5 + len(extra)


# ------------------------------------------------------------------ query timeout


@pytest.fixture(scope="module")
def impatient_server(corpus_db, tmp_path_factory):
    """A server whose every query may run 1 ms: the graph queries cannot finish in time."""
    db = copy_graph(corpus_db, tmp_path_factory.mktemp("timeout"))
    port = free_port()
    log = open(db.parent / "uvicorn.log", "wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "--factory", "api.app:app_factory", "--host", "127.0.0.1",
         "--port", str(port), "--log-level", "warning"],
        cwd=REPO, env={**server_env(), "POLICY_GRAPH_DB": str(db), "POLICY_GRAPH_QUERY_TIMEOUT_MS": "1"},
        stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        assert proc.poll() is None, (db.parent / "uvicorn.log").read_text()
        try:
            if httpx.get(base + "/openapi.json", timeout=2).status_code == 200:  # needs no query
                break
        except httpx.HTTPError:
            pass
        assert time.monotonic() < deadline, "server did not come up"
        time.sleep(0.2)
    yield base
    proc.terminate()
    proc.wait(10)
    log.close()


# (not /api/health: it answers from counts taken at start-up and after uploads, no query; api/counts.py)
# (not /api/compare nor a region's profile: their themes and pairs are kept by the ingest, read
# without a query: their other statements may finish within the limit)
SLOW_QUERIES = ["/api/subgraph?center=Region:武汉&depth=3", "/api/subgraph?center=Region:福建&depth=3"]


@pytest.mark.parametrize("path", SLOW_QUERIES)
def test_a_query_past_its_time_limit_answers_503_with_a_message(impatient_server, path):
    for _ in range(3):
        r = httpx.get(impatient_server + path, timeout=60)
        assert r.status_code == 503, r.text[:200]
        assert "timed out" in r.json()["detail"]


def test_the_server_still_answers_after_timeouts(impatient_server):
    for _ in range(5):
        r = httpx.get(impatient_server + SLOW_QUERIES[1], timeout=60)
        assert r.status_code == 503 and "timed out" in r.json()["detail"], r.text[:200]
        assert r.json()["request_id"] == r.headers["X-Request-ID"]
    r = httpx.get(impatient_server + "/openapi.json", timeout=60)
    assert r.status_code == 200 and "/api/health" in r.json()["paths"]


def test_the_query_time_limit_does_not_stop_an_ingest(tmp_path):
    # The limit is for a server's questions. A 100k-measure ingest once stopped half-way when one
    # bulk write ran past the default 10 s; here every statement would pass a 1 ms limit.
    db = tmp_path / "graph.lbug"
    run = cli("ingest", "--db", str(db), env={"POLICY_GRAPH_QUERY_TIMEOUT_MS": "1"})
    assert run.returncode == 0, run.stderr
    assert snapshot(db)["counts"]["measures"] == 101


# ------------------------------------------------------------------ store failure mid-ingest


def test_a_store_failure_during_ingest_is_one_clear_line_not_a_traceback(tmp_path, monkeypatch):
    from typer.testing import CliRunner

    import policy_graph.service as service
    from graph.store import StoreError
    from policy_graph.cli import app

    def failing_load(*args, **kwargs):
        raise StoreError("IO exception: No space left on device")

    monkeypatch.setattr(service, "load_documents", failing_load)
    result = CliRunner().invoke(app, ["ingest", str(REPO / "data" / "corpus"), "--db", str(tmp_path / "g.lbdb")])
    assert result.exit_code == 2
    assert "No space left on device" in result.output and "run the same ingest again" in result.output
    assert "Traceback" not in result.output
