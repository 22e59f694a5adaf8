"""The SQLite FTS5 peer: "which regions adopted X?" as a Datasette user would answer it.

A researcher who outgrows grep loads the documents into SQLite with an FTS5 trigram index (one
row per paragraph, tagged with the file's region, which the peer is given for free like the grep
peer) and asks ``SELECT DISTINCT region ... WHERE paragraphs MATCH ?``. It runs in this process,
with no HTTP in between; its handicap is the grep peer's: a traditional-script copy does not
match a simplified query. Times are the median of 7 after a first (warming) query.
"""
from __future__ import annotations

import sqlite3
import statistics
import time
from pathlib import Path

from bench.synth import Manifest

REPEATS = 7


def build(corpus: Path, manifest: Manifest, path: Path) -> tuple[sqlite3.Connection, float]:
    """The peer's database at ``path`` (rebuilt), and the seconds loading and indexing took."""
    path.unlink(missing_ok=True)
    started = time.perf_counter()
    db = sqlite3.connect(path)
    db.execute("CREATE VIRTUAL TABLE paragraphs USING fts5(region UNINDEXED, text, tokenize='trigram')")
    region_of = {d.file: d.region for d in manifest.documents}
    for file in sorted(corpus.glob("*.txt")):
        region = region_of.get(file.name)
        lines = [line for line in file.read_text(encoding="utf-8").splitlines() if line.strip()]
        db.executemany("INSERT INTO paragraphs(region, text) VALUES (?, ?)", ((region, l) for l in lines))
    db.commit()
    return db, time.perf_counter() - started


def regions(db: sqlite3.Connection, query: str) -> set[str]:
    if len(query) >= 3:  # the trigram tokenizer matches any substring of three characters or more
        phrase = '"' + query.replace('"', '""') + '"'
        rows = db.execute("SELECT DISTINCT region FROM paragraphs WHERE paragraphs MATCH ?", (phrase,))
    else:  # shorter: the index cannot help, so the peer scans (instr runs in C)
        rows = db.execute("SELECT DISTINCT region FROM paragraphs WHERE instr(text, ?) > 0", (query,))
    return {r[0] for r in rows if r[0]}


def timed(db: sqlite3.Connection, query: str) -> tuple[set[str], float]:
    """The regions, and the median seconds of REPEATS queries after a first one."""
    found = regions(db, query)
    times = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        regions(db, query)
        times.append(time.perf_counter() - started)
    return found, statistics.median(times)
