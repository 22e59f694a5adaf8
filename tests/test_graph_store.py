"""The embedded store and loader: idempotent, stable ids, region hierarchy, CLI round trip."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from graph.store import StoreError, StoreLocked, open_store
from policy_graph.lookups import counts as lookups_counts
from policy_graph.service import ingest_into

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO / "data" / "corpus"


def _snapshot(store):
    counts = lookups_counts(store)
    ids = [m["id"] for m in store.run("measure_list", {"kind": "measure", "region": "", "document": "",
                                                         "offset": 0, "limit": 1000})]
    return counts, ids


def test_ingesting_twice_changes_nothing(tmp_path):
    db = tmp_path / "g.lbdb"
    with open_store("ladybug", path=db) as store:
        ingest_into(store, [CORPUS], index_path=tmp_path / "g.simindex")
        first = _snapshot(store)
        ingest_into(store, [CORPUS], index_path=tmp_path / "g.simindex")
        second = _snapshot(store)
    assert first == second
    assert first[0]["measures"] == 101
    assert len(first[1]) == len(set(first[1])) == 101


def test_ids_are_stable_across_databases(tmp_path, corpus_db):
    with open_store("ladybug", path=tmp_path / "other.lbdb") as store:
        ingest_into(store, [CORPUS / "002_8c9ad063a80fd192.txt"])
        tumen_ids = _snapshot(store)[1]
    with open_store("ladybug", path=corpus_db, read_only=True) as store:
        all_ids = set(_snapshot(store)[1])
    assert len(tumen_ids) == 33
    assert set(tumen_ids) <= all_ids


def test_region_hierarchy_from_gazetteer(corpus_db):
    with open_store("ladybug", path=corpus_db, read_only=True) as store:
        def parent(name):
            return store.run("region_get", {"name": name})[0]["parent"]
        assert parent("厦门") == "福建"
        assert parent("图们") == "延边"
        assert parent("延边") == "吉林"
        assert parent("武汉") == "湖北"


def test_read_only_store_refuses_writes(corpus_db):
    with open_store("ladybug", path=corpus_db, read_only=True) as store:
        with pytest.raises(StoreError):
            store.execute_write("clear_similar_from", {"ids": ["x"]})


def test_missing_database_read_only_is_a_clear_error(tmp_path):
    with pytest.raises(StoreError, match="run `policy-graph ingest` first"):
        open_store("ladybug", path=tmp_path / "none.lbdb", read_only=True)


def test_cli_ingest_stats_query(tmp_path):
    db = tmp_path / "cli.lbdb"
    cli = [sys.executable, "-m", "policy_graph.cli"]
    run = subprocess.run([*cli, "ingest", "--db", str(db)], capture_output=True, text=True, cwd=REPO)
    assert run.returncode == 0, run.stderr
    assert "101" in run.stdout
    again = subprocess.run([*cli, "ingest", "--db", str(db), "--if-empty"], capture_output=True,
                           text=True, cwd=REPO)
    assert again.returncode == 0 and "nothing to do" in again.stdout
    stats = subprocess.run([*cli, "stats", "--db", str(db), "--json"], capture_output=True, text=True, cwd=REPO)
    assert json.loads(stats.stdout)["measures"] == 101
    q = subprocess.run([*cli, "query", "region_get", "--db", str(db), "-p", "name=图们"],
                       capture_output=True, text=True, cwd=REPO)
    assert json.loads(q.stdout)[0]["parent"] == "延边"
    bad = subprocess.run([*cli, "query", "no_such_query", "--db", str(db)], capture_output=True,
                         text=True, cwd=REPO)
    assert bad.returncode == 2 and "no_such_query" in bad.stderr
    unnamed = subprocess.run([*cli, "query", "region_get", "--db", str(db)], capture_output=True,
                             text=True, cwd=REPO)
    assert unnamed.returncode == 2 and "needs -p name=" in unnamed.stderr and not unnamed.stdout


def test_locked_database_gives_a_clear_message(tmp_path):
    db = tmp_path / "locked.lbdb"
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sys, time; sys.path.insert(0, %r); from graph.store import open_store; "
        "s = open_store('ladybug', path=%r); s.apply_schema(); print('ready', flush=True); time.sleep(30)"
    ) % (str(REPO), str(db))], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        run = subprocess.run([sys.executable, "-m", "policy_graph.cli", "ingest", "--db", str(db)],
                             capture_output=True, text=True, cwd=REPO)
        assert run.returncode == 2
        assert "in use by another process" in run.stderr
        assert "Traceback" not in run.stderr
        with pytest.raises(StoreLocked):
            open_store("ladybug", path=db)
    finally:
        holder.kill()
        holder.wait()


def test_an_ingest_leaves_the_garbage_collector_as_it_found_it(tmp_path):
    # The ingest pauses cyclic collection for its batch (policy_graph/gc_pause.py); a process
    # that ingests and goes on (a test run, a notebook) must get its collector back unchanged.
    import gc

    tumen = CORPUS / "002_8c9ad063a80fd192.txt"
    with open_store("ladybug", path=tmp_path / "g.lbdb") as store:
        assert gc.isenabled()
        report = ingest_into(store, [tumen], index_path=tmp_path / "g.simindex")
        assert report.load.measures and gc.isenabled()
        gc.disable()
        try:
            ingest_into(store, [tumen], index_path=tmp_path / "g.simindex")
            assert not gc.isenabled()
        finally:
            gc.enable()


def test_counts_of_an_empty_graph_are_zero(tmp_path):
    """LadybugDB answers a count over an empty table with no row at all: each count is still 0."""
    with open_store("ladybug", path=tmp_path / "empty.lbdb") as store:
        store.apply_schema()
        assert lookups_counts(store) == {"documents": 0, "measures": 0, "agencies": 0, "regions": 0,
                                         "relations": 0}
