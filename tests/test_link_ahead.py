"""A command-line ingest parses in forked workers while it imports the linker's libraries, and plans its
similar-to links in a forked process while the graph loads
(policy_graph.service.links_ahead). What a user gets from it — the links with their scores and
shared words, the similarity index, the text index and the theme summaries — is what the
server's path gives, which plans them after the load in this process."""
from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
import pytest

from fixtures.hostile import synth_documents
from graph.store import open_store
from ingest.parallel import usable_cores
from policy_graph import service
from policy_graph.isolated import in_process
from policy_graph.service import ingest_into, links_ahead, parse_files, text_index_path

pytestmark = pytest.mark.skipif(usable_cores() < 2, reason="a batch forks its planner only with a second core")


def _ingest(db: Path, batches: list[list[Path]], workers: int) -> dict:
    """Ingest the batches one after the other; what the graph and the files beside it then hold."""
    simindex = db.parent / (db.name + ".simindex")
    store = open_store("ladybug", path=db)
    try:
        for files in batches:
            report = ingest_into(store, files, index_path=simindex, workers=workers)
            assert report.documents and not report.errors
        edges = sorted((r["src"], r["dst"], r["score"], r["method"], tuple(r["shared_terms"]))
                       for r in store.dump_rels("SIMILAR_TO"))
    finally:
        store.close()
    with np.load(simindex, allow_pickle=False) as z:
        index = {k: z[k].tobytes() for k in z.files}
    db_file = sqlite3.connect(text_index_path(simindex))
    try:
        text = {table: sorted(db_file.execute(f"SELECT * FROM {table}").fetchall())
                for table in ("measure", "document", "adoption", "adoption_state")}
    finally:
        db_file.close()
    return {"edges": edges, "similarity index": index, "text index": text}


@pytest.fixture
def ahead_from_any_size(monkeypatch):
    """Plan ahead from the first measure, and parse in forked workers (importing the linker's
    libraries meanwhile) from the first file: the two paths are compared on a corpus small enough
    for a test (the thresholds are a question of speed, not of what is written)."""
    monkeypatch.setattr(service, "LINK_AHEAD_MIN_MEASURES", 1)
    monkeypatch.setattr(service, "PARALLEL_MIN_FILES", 1)


def test_links_planned_beside_the_load_are_the_links_planned_after_it(tmp_path, ahead_from_any_size):
    files = synth_documents(tmp_path / "docs", 600, seed=1818)
    first, second = files[: len(files) // 2], files[len(files) // 2:]  # a new graph, then a batch into it
    assert first and second
    ahead = _ingest(tmp_path / "ahead" / "g.lbdb", [first, second], workers=0)
    after = _ingest(tmp_path / "after" / "g.lbdb", [first, second], workers=1)
    assert len(ahead["edges"]) > 1000
    assert ahead["text index"]["adoption"]
    assert ahead == after


def test_a_big_command_line_batch_plans_ahead_and_a_server_does_not(tmp_path, monkeypatch):
    records = [r for _, r, _ in parse_files(synth_documents(tmp_path / "docs", 40, seed=7))]
    index = tmp_path / "g.lbdb.simindex"
    with links_ahead(records, index, 0, in_process) as ahead:
        assert ahead is None  # 40 measures: below the size where planning ahead pays
    monkeypatch.setattr(service, "LINK_AHEAD_MIN_MEASURES", 40)
    with links_ahead(records, index, 0, in_process) as ahead:
        assert ahead is not None  # forked: the CLI's workers=0
    with links_ahead(records, index, 1, in_process) as ahead:
        assert ahead is None  # one process asked for
    with links_ahead(records, index, 0, lambda fn, *args: fn(*args)) as ahead:
        assert ahead is None  # a server's runner (a child per step): it never forks
    assert not list(tmp_path.glob("g.lbdb.simindex.pending-*"))  # an unused plan leaves nothing
