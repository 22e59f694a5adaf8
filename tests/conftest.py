"""Shared fixtures: a founding-corpus graph on disk and a real uvicorn serving it on loopback."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "data" / "corpus"


def server_env() -> dict[str, str]:
    """The environment a test server starts with: the caller's, less every setting of this project and
    of Neo4j, so a POLICY_GRAPH_TOKEN or NEO4J_URI exported in the developer's shell cannot change what
    a test sees. Tests that want a setting pass it explicitly."""
    return {k: v for k, v in os.environ.items()
            if not k.startswith(("POLICY_GRAPH_", "NEO4J_")) and k not in ("API_PORT",)}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def build_corpus_db(path: Path, extra: list[Path] | None = None) -> None:
    """Ingest the founding corpus (and extra files) in this process, then close the file."""
    from graph.store import open_store
    from policy_graph.service import ingest_into

    store = open_store("ladybug", path=path)
    try:
        report = ingest_into(store, [CORPUS, *(extra or [])], index_path=Path(str(path) + ".simindex"))
        assert not report.errors, report.errors
    finally:
        store.close()


class Server:
    def __init__(self, db: Path, env: dict[str, str] | None = None, ready: str = "/api/health",
                 start_seconds: float = 60) -> None:
        """``ready``: the path whose 200 says the server is up (one that reads no graph, such as
        /openapi.json, for a server whose graph queries are meant to fail). ``start_seconds``: how
        long it may take, longer for a start-up that repairs index files (api/app.py)."""
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.log = db.parent / f"uvicorn-{self.port}.log"
        full_env = {**server_env(), "POLICY_GRAPH_DB": str(db), **(env or {})}
        self._log = open(self.log, "wb")
        # Started the way a deployment starts it (`policy-graph serve`, which also picks the allocator).
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "policy_graph.cli", "serve", "--host", "127.0.0.1", "--port", str(self.port)],
            cwd=REPO, env=full_env, stdout=self._log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + start_seconds
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited: {self.log.read_text(errors='replace')}")
            try:
                if httpx.get(self.base_url + ready, timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"server did not come up within {start_seconds:.0f} s")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self._log.close()


@pytest.fixture(scope="session")
def corpus_db(tmp_path_factory) -> Path:
    """A LadybugDB file holding the founding corpus. Tests must not write to it."""
    db = tmp_path_factory.mktemp("corpus") / "policy.lbdb"
    build_corpus_db(db)
    return db


@pytest.fixture(scope="module")
def corpus(corpus_db):
    """The founding corpus's graph, read-only, and its text index: (store, index)."""
    from graph.store import open_store
    from graph.textindex import TextIndex

    store = open_store("ladybug", path=corpus_db, read_only=True)
    index = TextIndex.load(str(corpus_db) + ".fts")
    yield store, index
    index.close()
    store.close()


@pytest.fixture(scope="session")
def server(corpus_db) -> Server:
    srv = Server(corpus_db)
    yield srv
    srv.stop()


@pytest.fixture(scope="session")
def api(server) -> httpx.Client:
    with httpx.Client(base_url=server.base_url, timeout=30) as client:
        yield client


@pytest.fixture
def fresh_db(tmp_path) -> Path:
    return tmp_path / "graph.lbdb"


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium under playwright, one per test module that asks for it (tests/pagecheck.py)."""
    import pagecheck

    pagecheck.need_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = pagecheck.launch(p)
        yield b
        b.close()
