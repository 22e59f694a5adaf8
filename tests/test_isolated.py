"""An upload's parsing and linking run in a child process; its death is an answer, not a hang."""
from __future__ import annotations

import os
import signal
import threading
import time
from pathlib import Path

import httpx
import pytest

from fixtures import children
from fixtures.hostile import TOKEN, big_document, serving_uploads
from ingest.errors import IngestError
from policy_graph.isolated import ChildDied, in_child, in_process


def test_a_child_gives_the_same_answer_from_another_process():
    pid, total = in_child(children.pid_and_sum, 1, 2, 3)
    assert total == in_process(children.pid_and_sum, 1, 2, 3)[1] == 6
    assert pid != os.getpid()


def test_a_refusal_in_the_child_arrives_with_its_file_and_reason():
    with pytest.raises(IngestError) as caught:
        in_child(children.refuse, "notice.txt")
    assert (caught.value.name, caught.value.reason) == ("notice.txt", "no numbered measures found")


def test_a_child_that_dies_is_reported_by_name():
    with pytest.raises(ChildDied, match="die"):
        in_child(children.die)


def spawned_children(pid: int) -> list[int]:
    """The server's ingest workers (not multiprocessing's resource tracker)."""
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            for child in (task / "children").read_text().split():
                if b"spawn_main" in Path(f"/proc/{child}/cmdline").read_bytes():
                    found.append(int(child))
        except OSError:  # a thread or a child that ended while we looked
            continue
    return found


def test_an_upload_whose_worker_is_killed_answers_503_and_loads_on_retry(corpus_db, tmp_path):
    doc = big_document(tmp_path / "big.txt", 600, seed=9020)
    with serving_uploads(corpus_db, tmp_path / "graph") as srv, \
            httpx.Client(base_url=srv.base_url, timeout=300,
                         headers={"Authorization": f"Bearer {TOKEN}"}) as client:
        before = client.get("/api/health").json()["counts"]
        result: dict = {}

        def upload() -> None:
            result["response"] = client.post("/api/documents",
                                              files={"file": (doc.name, doc.read_bytes())})

        thread = threading.Thread(target=upload)
        thread.start()
        killed = []
        deadline = time.monotonic() + 60
        while not killed and thread.is_alive() and time.monotonic() < deadline:
            for child in spawned_children(srv.proc.pid):
                os.kill(child, signal.SIGKILL)  # as the kernel's OOM killer would
                killed.append(child)
            time.sleep(0.02)
        thread.join()
        assert killed, "the upload finished before its worker process could be found"
        r = result["response"]
        assert r.status_code == 503, r.text[:300]
        assert "big.txt" in r.json()["detail"] and "again" in r.json()["detail"]
        # Killed while parsing: nothing of it reached the graph, and the server still answers.
        assert client.get("/api/health").json()["counts"] == before
        again = client.post("/api/documents", files={"file": (doc.name, doc.read_bytes())})
        assert again.status_code == 201, again.text[:300]
        assert again.json()["measure_count"] > 200
        assert client.get("/api/health").json()["counts"]["measures"] == \
            before["measures"] + again.json()["measure_count"]
