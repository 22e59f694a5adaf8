"""An upload's parsing and linking run in a child process; its death is an answer, not a hang."""
from __future__ import annotations

import os
import signal
import threading

import pytest

from fixtures import children
from fixtures.hostile import big_document, serving_uploads, writer_client
from fixtures.pauses import Pauses
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


def test_an_upload_whose_worker_is_killed_answers_503_and_loads_on_retry(corpus_db, tmp_path):
    doc = big_document(tmp_path / "big.txt", 600, seed=9020)
    pauses = Pauses(tmp_path / "pauses")
    with serving_uploads(corpus_db, tmp_path / "graph", env=pauses.env) as srv, \
            writer_client(srv.base_url) as client:
        before = client.get("/api/health").json()["counts"]
        result: dict = {}

        def upload() -> None:
            result["response"] = client.post("/api/documents",
                                              files={"file": (doc.name, doc.read_bytes())})

        pauses.arm("parse")
        thread = threading.Thread(target=upload)
        thread.start()
        worker = pauses.wait("parse", running=thread.is_alive)  # held while it parses
        assert worker != srv.proc.pid  # the parsing runs in a child, not in the server
        os.kill(worker, signal.SIGKILL)  # as the kernel's OOM killer would
        thread.join()
        pauses.release("parse")
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
