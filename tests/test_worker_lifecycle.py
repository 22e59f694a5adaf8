"""A server killed in the middle of an upload takes its worker processes with it, and the next
server starts clean: no orphan finishes the upload later and overwrites an index under it."""
from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import httpx
import pytest

from fixtures.hostile import TOKEN, big_document, copy_graph, synth_documents
from fixtures.pauses import Pauses
from graph.indexfile import pending_path, sweep_stale, writer_lock

pytestmark = pytest.mark.slow


def descendants(pid: int) -> set[int]:
    """Every live process below ``pid`` (children of any of its threads, recursively)."""
    found: set[int] = set()
    todo = [pid]
    while todo:
        parent = todo.pop()
        try:
            tasks = list(Path(f"/proc/{parent}/task").iterdir())
        except OSError:
            continue
        for task in tasks:
            try:
                kids = [int(c) for c in (task / "children").read_text().split()]
            except OSError:
                continue
            for kid in kids:
                if kid not in found:
                    found.add(kid)
                    todo.append(kid)
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state != "Z"


def workers(pid: int) -> set[int]:
    """The server's spawned ingest workers (not multiprocessing's resource tracker)."""
    out = set()
    for child in descendants(pid):
        try:
            if b"spawn_main" in Path(f"/proc/{child}/cmdline").read_bytes():
                out.add(child)
        except OSError:
            continue
    return out


def index_leftovers(db: Path) -> list[str]:
    return sorted(p.name for p in db.parent.glob(db.name + ".*index.*")
                  if not p.name.endswith(".lock"))


@pytest.fixture(scope="module")
def big(tmp_path_factory) -> Path:
    return big_document(tmp_path_factory.mktemp("big") / "big.txt", 400, seed=9190)


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> Path:
    return synth_documents(tmp_path_factory.mktemp("small"), 30, seed=9191)[0]


# The phases of an upload where the server is killed (policy_graph/pause_points.py): parsing,
# planning the similar-to links and extending the text index run in worker processes; "pending" is
# the moment the new similarity index is written and its edges are in the graph, not yet in place.
PHASES = ["parse", "link", "pending", "text-index"]


@pytest.mark.parametrize("phase", PHASES)
def test_a_server_killed_mid_upload_leaves_no_process_and_the_next_upload_links(
        corpus_db, tmp_path, big, small, phase):
    from conftest import Server

    db = copy_graph(corpus_db, tmp_path / "graph")
    pauses = Pauses(tmp_path / "pauses")
    srv = Server(db, {"POLICY_GRAPH_TOKEN": TOKEN, **pauses.env})
    auth = {"Authorization": f"Bearer {TOKEN}"}
    try:
        def upload() -> None:
            try:
                httpx.post(srv.base_url + "/api/documents", files={"file": (big.name, big.read_bytes())},
                           headers=auth, timeout=300)
            except httpx.HTTPError:
                pass  # the server is killed under it
        pauses.arm(phase)
        thread = threading.Thread(target=upload, daemon=True)
        thread.start()
        pauses.wait(phase, running=thread.is_alive)
        survivors = descendants(srv.proc.pid)
        if phase != "pending":  # the other phases are held in a worker of the server
            assert workers(srv.proc.pid), f"no worker process at the {phase} phase"
        os.kill(srv.proc.pid, signal.SIGKILL)
        srv.proc.wait(10)
    finally:
        pauses.release(phase)
        srv.stop()
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline and any(alive(p) for p in survivors):
        time.sleep(0.1)
    assert not [p for p in survivors if alive(p)], "processes of the killed server are still running"

    # it starts by linking what the killed upload committed but never linked (policy_graph.service.repair_indexes)
    again = Server(db, {"POLICY_GRAPH_TOKEN": TOKEN}, start_seconds=300)
    try:
        # The start-up sweep removed whatever the killed writers left beside the index files.
        assert not [n for n in index_leftovers(db) if ".pending" in n or n.endswith(".tmp")]
        with httpx.Client(base_url=again.base_url, timeout=300, headers=auth) as client:
            before = client.get("/api/health").json()["counts"]
            r = client.post("/api/documents", files={"file": (small.name, small.read_bytes())})
            assert r.status_code in (200, 201), r.text[:300]
            doc = r.json()["document_id"]
            page = client.get("/api/measures", params={"document": doc, "limit": 50}).json()
            linked = [m for m in page["items"]
                      if client.get(f"/api/measures/{m['id']}/similar").json()["items"]]
            assert linked, "the upload after the crash got no similar-to links"
            assert client.get("/api/health").json()["counts"]["documents"] >= before["documents"]
            # The killed document completes when it is uploaded again.
            r = client.post("/api/documents", files={"file": (big.name, big.read_bytes())})
            assert r.status_code in (200, 201), r.text[:300]
    finally:
        again.stop()


def test_an_unreadable_similarity_index_is_rebuilt_from_the_graph(corpus_db, tmp_path, small):
    from conftest import Server

    db = copy_graph(corpus_db, tmp_path / "graph")
    index = Path(str(db) + ".simindex")
    index.write_bytes(index.read_bytes()[: index.stat().st_size // 2])  # half-written, as the orphan left it
    srv = Server(db, {"POLICY_GRAPH_TOKEN": TOKEN})
    try:
        with httpx.Client(base_url=srv.base_url, timeout=300,
                          headers={"Authorization": f"Bearer {TOKEN}"}) as client:
            before = client.get("/api/health").json()["counts"]
            r = client.post("/api/documents", files={"file": (small.name, small.read_bytes())})
            assert r.status_code == 201, r.text[:300]
            after = client.get("/api/health").json()["counts"]
            assert after["measures"] == before["measures"] + r.json()["measure_count"]
            page = client.get("/api/measures", params={"document": r.json()["document_id"]}).json()
            assert any(client.get(f"/api/measures/{m['id']}/similar").json()["items"]
                       for m in page["items"])
    finally:
        srv.stop()
    from graph.linker import SimilarityIndex

    # The rebuilt index knows every measure of the graph, the corpus's as well as the new ones.
    assert len(SimilarityIndex.load(index)) == after["measures"]


def test_writers_use_their_own_temporary_names_and_wait_for_each_other(tmp_path):
    from graph.linker import SimilarityIndex

    target = tmp_path / "g.simindex"
    assert pending_path(target) != pending_path(target)
    index = SimilarityIndex()
    index.add([{"id": "a-001", "region": "厦门", "title": "知识产权质押融资", "text": "开展知识产权质押融资试点。",
                "themes": []}])
    index.save(target)
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []
    seen: list[bool] = []

    def another_writer() -> None:
        with writer_lock(target, wait=False) as held:
            seen.append(held)
    with writer_lock(target):
        t = threading.Thread(target=another_writer)
        t.start()
        t.join(5)
    assert seen == [False]  # the lock was held: the other writer could not take it
    another_writer()
    assert seen == [False, True]  # released: it can


def test_the_sweep_leaves_a_live_writers_files_alone(tmp_path):
    target = tmp_path / "g.simindex"
    target.write_bytes(b"index")
    stale = [pending_path(target), tmp_path / "g.simindex.pending", tmp_path / "g.simindex.abc.tmp"]
    for p in stale:
        p.write_bytes(b"half")
    with writer_lock(target):
        assert sweep_stale(target) == []  # a writer is at work: its files are not stale
    assert sorted(sweep_stale(target)) == sorted(stale)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["g.simindex", "g.simindex.lock"]


def test_damaged_index_files_are_rebuilt_when_the_server_starts(corpus_db, api, tmp_path, small):
    """Both index files damaged while no server ran: the server rebuilds them from the graph
    before its first answer, so search answers from the index at once and the first upload links."""
    from conftest import Server
    from graph.linker import SimilarityIndex
    from graph.textindex import TextIndex

    db = copy_graph(corpus_db, tmp_path / "graph")
    similarity, text = Path(str(db) + ".simindex"), Path(str(db) + ".fts")
    similarity.write_bytes(similarity.read_bytes()[: similarity.stat().st_size // 2])
    text.write_bytes(b"SQLite format 3\x00" + bytes(range(256)) * 64)
    with pytest.raises(ValueError):
        SimilarityIndex.stored_ids(similarity)
    queries = [{"q": "知识产权质押", "limit": 50}, {"q": "跨境电商", "limit": 50}]
    clean = [api.get("/api/search", params=q).json() for q in queries]
    srv = Server(db, {"POLICY_GRAPH_TOKEN": TOKEN})
    try:
        with httpx.Client(base_url=srv.base_url, timeout=300,
                          headers={"Authorization": f"Bearer {TOKEN}"}) as client:
            measures = client.get("/api/health").json()["counts"]["measures"]
            # Rebuilt at start-up, before any upload: both files hold every measure of the graph.
            assert len(SimilarityIndex.stored_ids(similarity)) == measures
            rebuilt = TextIndex.load(text)
            assert len(rebuilt) == measures
            rebuilt.close()
            assert [client.get("/api/search", params=q).json() for q in queries] == clean
            assert clean[0]["total"] >= 3
            r = client.post("/api/documents", files={"file": (small.name, small.read_bytes())})
            assert r.status_code == 201, r.text[:300]
            page = client.get("/api/measures", params={"document": r.json()["document_id"]}).json()
            assert any(client.get(f"/api/measures/{m['id']}/similar").json()["items"]
                       for m in page["items"])
            assert client.get("/api/search", params=queries[0]).status_code == 200
    finally:
        srv.stop()
    assert "rebuilt from the graph's" in srv.log.read_text()
