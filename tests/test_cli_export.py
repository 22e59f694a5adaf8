"""`policy-graph export` from the embedded backend: files other tools open."""
from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path

import networkx as nx

from graph.store import open_store
from policy_graph.lookups import counts as lookups_counts

REPO = Path(__file__).resolve().parent.parent


def _export(db: Path, fmt: str, out: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "policy_graph.cli", "export", "--format", fmt,
                           "--out", str(out), "--db", str(db)], capture_output=True, text=True, cwd=REPO)


def test_graphml_and_csv_exports_hold_the_whole_graph(corpus_db, tmp_path):
    with open_store("ladybug", path=corpus_db, read_only=True) as store:
        counts = lookups_counts(store)
    run = _export(corpus_db, "graphml", tmp_path / "g.graphml")
    assert run.returncode == 0, run.stderr
    graph = nx.read_graphml(tmp_path / "g.graphml")
    assert graph.number_of_edges() == counts["relations"]
    assert graph.nodes["Region:厦门"]["name"] == "厦门"
    run = _export(corpus_db, "csv", tmp_path / "csv")
    assert run.returncode == 0, run.stderr
    with (tmp_path / "csv" / "nodes_Document.csv").open(encoding="utf-8") as fh:
        assert len(list(csv.DictReader(fh))) == counts["documents"]
    bad = _export(corpus_db, "xml", tmp_path / "g.xml")
    assert bad.returncode != 0 and "graphml" in bad.stderr
