"""Text search over measures with SQLite FTS5 (the trigram tokenizer), in a file beside the graph.

LadybugDB has no full-text index offline (its FTS extension downloads), and ``CONTAINS`` over
every measure costs time in proportion to the corpus. SQLite ships with Python and its FTS5
trigram tokenizer answers "which measures contain this string" for any string of three
characters or more from the index, exactly (a phrase of consecutive trigrams is the substring);
shorter strings are answered by ``instr`` over the measures table, a scan in C. A search's page
is its hits' first places in document order, which a file's readers hold in memory
(MeasureKeys), not a sort of every hit in SQL; a text question's hits are grouped by region
there too.

It also keeps, per theme (and per any other kind of key a caller summarises), the adoption
summary the ingest computed once the graph held its measures — one row per region and way of
adopting, with the count and the sort keys of its first measures — so a theme question is a
lookup and a page, not an aggregation over the graph. And each theme's and practice's whole
answer as research computes it, kept as JSON with where each region lies in it: a page of it is
sliced from the bytes and sent, never parsed (research.adopters_json).

The file also keeps what an /api/adopters answer shows of each measure (text, title, region,
document, the document's title, date and where the date was read, the lead and support
agencies of its responsibility line; the spans of its sentences; and all of it as the answer's
own JSON, its card), so a text question is answered, grouped by region, paged and shown with its
evidence sentence with two SQLite statements and no graph query, and any answer's agencies are
one lookup. And each measure's whole detail, the JSON /api/measures/{id} sends
(policy_graph.lookups.kept_measure_details), stamped like the kept answers, with the measure's
neighbours through its own document's relations, and the graph's similar-to edges, from which
graph.subgraph draws a measure's picture with no graph statement. And the graph's
region-to-region practice flows with each province's places, the hops a replication path walks
(research.paths).

Writes are SQLite transactions: a crash leaves the file as it was before the interrupted add.
The ingest writes it after the graph has committed the same measures; an index that does not
cover the graph (a run killed in between, a graph copied without its index) is not used by the
server, and the server's start-up or the next ingest rebuilds it from the graph
(policy_graph.service.repair_indexes, policy_graph.service.index_text).
"""
from __future__ import annotations

import json
import logging
import os
import sqlite3
import threading
from array import array
from bisect import bisect_left
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np
import orjson

from graph.store import check_deadline, loop_time_up
from ingest.textutil import sentence_spans

UNDATED = "9999-99-99"  # sorts after every ISO date: undated measures come last
FORMAT_VERSION = 15  # 15: + the graph's similar-to edges; 14: + each measure's neighbours through its own document's relations, beside its detail; 13: + measures' labels and sections (a search answers from the index alone), the graph's region names; 12: + each region's flows as one row a direction; 11: + the region flows and provinces' places paths walk; 10: regions' answers also kept cut at a comparison's page, a part per theme and per region their pairs lead to; 9: + each measure's detail; 8: + where each region of a kept answer lies in its JSON; 7: + kept answers; 6: + sentence spans, cards; 5: + agencies, document dates; 4: + adoption summaries; 3: SQLite FTS5 (1 and 2 were pickled bigram postings)
# How many measures the index holds now (numbers only grow): what a kept answer is stamped with,
# and current while its stamp still says so
_HELD_NOW = "(SELECT coalesce(max(n), 0) FROM measure)"
BUSY_TIMEOUT_MS = 10_000  # how long a reader waits for a writer's commit
TRIGRAM = 3  # the shortest string the trigram index can answer
NO_AGENCIES = {"lead": [], "support": []}
log = logging.getLogger(__name__)
# a kept flow as the graph's flows_from / flows_into give it
_FLOW_KEYS = ("src", "dst", "measure_id", "scope", "kind", "evidence", "document")
_FLOW_COLUMNS = ", ".join(_FLOW_KEYS)


def flow_order(flow: Mapping[str, Any]) -> tuple[str, str, str]:
    """The order research.paths walks a region's flows (steps) in, whatever order they were read in."""
    return flow["src"], flow["dst"], flow["measure_id"] or ""

_SIMILAR_INDEXES = ("CREATE INDEX IF NOT EXISTS similar_src ON similar(src)",
                    "CREATE INDEX IF NOT EXISTS similar_dst ON similar(dst)")
# the written measures from which keep_similar drops the similar table's indexes and makes them again
SIMILAR_REINDEX_SOURCES = 10_000
# a measure's similar measures, out (1) then in (0), each with the far measure's columns
_SIMILAR_BOTH_WAYS = " UNION ALL ".join(
    f"SELECT {out}, s.{far}, s.score, m.title, m.region, m.text, m.document FROM similar s "
    f"LEFT JOIN measure m ON m.id = s.{far} WHERE s.{near} = ?1"
    for out, far, near in ((1, "dst", "src"), (0, "src", "dst"))) + " LIMIT ?2"

_SCHEMA = f"""
CREATE TABLE IF NOT EXISTS measure (
    n INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, document TEXT NOT NULL, ordinal INTEGER NOT NULL,
    title TEXT NOT NULL, text TEXT NOT NULL, region TEXT NOT NULL, date TEXT NOT NULL,
    agencies TEXT NOT NULL,
    -- as printed (ingest.records.MeasureRecord): with the above, a search's item (SEARCH_ITEM)
    label TEXT NOT NULL DEFAULT '', section TEXT NOT NULL DEFAULT '',
    -- what a text answer shows of the measure, as JSON in the answer's own key order (CARD); kept
    -- current with its document's title and date by every add
    card TEXT NOT NULL DEFAULT '',
    -- the card's date and date source, written with it: a question reads them beside the card
    -- (where a region's first date was read), where joining each shown measure's document row
    -- cost a broad question at 100k measures 1.3 of its statement's 4.7 ms
    card_date TEXT, card_date_source TEXT);
-- what a question orders and groups its hits by, apart from the texts: packed a hundred rows to
-- a page, the hits of a broad term are read in half the time
CREATE TABLE IF NOT EXISTS measure_key (
    n INTEGER PRIMARY KEY, id TEXT NOT NULL, document TEXT NOT NULL, ordinal INTEGER NOT NULL,
    region TEXT NOT NULL, date TEXT NOT NULL);
-- each measure's sentences as (start, end) offsets in its text (ingest.textutil.sentence_spans):
-- a text answer's evidence is cut here, and its measures' texts never reach Python
CREATE TABLE IF NOT EXISTS sentence (
    n INTEGER NOT NULL, b INTEGER NOT NULL, e INTEGER NOT NULL, PRIMARY KEY (n, b)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS document (id TEXT PRIMARY KEY, title TEXT, date TEXT, date_source TEXT);
CREATE TABLE IF NOT EXISTS adoption (
    kind TEXT NOT NULL, key TEXT NOT NULL, region TEXT, via TEXT NOT NULL, n INTEGER NOT NULL,
    keys TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS adoption_key ON adoption(kind, key);
CREATE TABLE IF NOT EXISTS adoption_state (kind TEXT PRIMARY KEY, measures INTEGER NOT NULL);
-- a question's whole answer as research computed it at ingest (its regions with their shown
-- measures, and the queries that give it), as JSON, with each region's name and the byte range
-- of its JSON in body (a page is a slice); valid while adoption_state holds the same stamp for
-- 'answer:' || kind. A rowid table: a body is read as a blob (~780 kB for a broad theme at 100k
-- measures: 0.55 ms, where a row of a WITHOUT ROWID table took 4.7 ms to read, payload and all)
CREATE TABLE IF NOT EXISTS answer (
    n INTEGER PRIMARY KEY, kind TEXT NOT NULL, key TEXT NOT NULL, per_region INTEGER NOT NULL,
    spans BLOB NOT NULL, runs BLOB NOT NULL, body BLOB NOT NULL, UNIQUE (kind, key, per_region));
-- each measure's detail (/api/measures/{id}) as the API sends it: every node of a document,
-- whatever its kind; valid while adoption_state holds the same stamp for 'answer:measure'. Kept
-- as sent: zlib would store a third of the ~3.5 kB (the text twice, each fact's evidence), for
-- 60 us a measure at ingest (0.6 s of the 2.4 s these cost at 10k measures)
-- Beside it, the measure's neighbours through the relations its own document wrote, as the
-- subgraph's statements give them (graph/subgraph.py encodes and reads them): a measure's
-- subgraph then asks the graph only for its similar measures, which later documents change.
CREATE TABLE IF NOT EXISTS detail (
    n INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, document TEXT NOT NULL, body BLOB NOT NULL,
    neighbours BLOB NOT NULL);
CREATE INDEX IF NOT EXISTS detail_document ON detail(document);
-- the graph's similar-to edges (SIMILAR_TO), which later documents' linking changes: a measure's
-- subgraph reads its similar measures both ways here, the far measure's columns from the measure
-- table, where one graph statement took 0.35 ms at 100k measures and sent the request to a
-- thread. Used only while adoption_state holds 'similar' and no 'similar:writing': the
-- ingest notes the latter before the graph's edges are written (begin_similar_write) and
-- removes it with the edges kept (keep_similar)
CREATE TABLE IF NOT EXISTS similar (src TEXT NOT NULL, dst TEXT NOT NULL, score REAL NOT NULL);
{_SIMILAR_INDEXES[0]};
{_SIMILAR_INDEXES[1]};
-- the graph's region-to-region practice flows (PRACTICE_FLOW) and each province's places (its
-- PART_OF children), which research.paths walks a hop at a time, where each of its two graph
-- statements took ~1 ms at 10k measures and flows_from 3 ms at 100k; valid while adoption_state
-- holds the same stamp for 'answer:flow'. The flow table is what a write replaces (a document's
-- flows); flow_hop holds, per region and direction ('from': the flows out of it, 'into': into
-- it), those same flows as one JSON array in the order paths walk them, written from the flow
-- table for the regions a write touched. A hop reads a row per region of its frontier: at 100k
-- measures a path question took 0.9 ms so, against 1.5 ms reading the flows row by row, column
-- by column (SQLite handing Python ~360 rows with their evidence was half of it)
CREATE TABLE IF NOT EXISTS flow (
    src TEXT NOT NULL, dst TEXT NOT NULL, measure_id TEXT, scope TEXT, kind TEXT, evidence TEXT,
    document TEXT);
CREATE INDEX IF NOT EXISTS flow_src ON flow(src);
CREATE INDEX IF NOT EXISTS flow_dst ON flow(dst);
CREATE INDEX IF NOT EXISTS flow_document ON flow(document);
CREATE TABLE IF NOT EXISTS flow_hop (
    direction TEXT NOT NULL, region TEXT NOT NULL, steps BLOB NOT NULL, PRIMARY KEY (direction, region));
-- the name of every region of the graph (its Region nodes), written again in whole by every
-- ingest; valid while adoption_state holds the same stamp for 'answer:region_name'
CREATE TABLE IF NOT EXISTS region_name (name TEXT PRIMARY KEY) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS province_place (
    province TEXT NOT NULL, place TEXT NOT NULL, PRIMARY KEY (province, place)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS place_province ON province_place(place, province);
CREATE VIRTUAL TABLE IF NOT EXISTS measure_fts USING fts5(
    title, text, content='measure', content_rowid='n', tokenize='trigram case_sensitive 1');
PRAGMA user_version = {FORMAT_VERSION};
"""


# A measure as a text answer shows it (policy_graph.research._measure, with its agencies), built
# by SQLite when the measure or its document is written: a question then reads one column per
# shown measure, where reading nine columns into a dict built in Python was a
# third of a broad question's time. via and evidence belong to the question: TextIndex.shown
# writes them in.
CARD_DATE = "nullif(d.date, '')"
CARD_DATE_SOURCE = f"CASE WHEN {CARD_DATE} IS NULL THEN NULL ELSE d.date_source END"
CARD = f"""json_object('id', measure.id, 'title', measure.title, 'region', measure.region,
    'document', measure.document, 'document_title', d.title, 'date', {CARD_DATE},
    'date_source', {CARD_DATE_SOURCE},
    'via', NULL, 'evidence', NULL, 'replication_evidence', NULL, 'agencies', json(measure.agencies))"""
# A search's item: the measure table's columns of the graph's measures_by_ids, in its order.
SEARCH_ITEM = ("id", "region", "document", "label", "section", "title", "text")
# Where a card's JSON text leaves via and evidence to the question (TextIndex.shown writes them
# in). It occurs once, as the card's own keys: inside a JSON string every quote is escaped, so no
# title or name can hold it.
CARD_BLANKS = '"via":null,"evidence":null'


class ShownMeasure(NamedTuple):
    """What a text answer shows of a measure: its id and document, its JSON (the card, CARD, with
    via and the evidence sentence the question found in it written in), the card's date and date
    source (where a region's first date was read), and its number. A tuple made from the row as
    SQLite gives it: a broad question shows ~1,000, and a frozen dataclass took 1.4 us each to
    make against 0.4."""
    id: str
    document: str
    json: bytes
    date: str | None
    date_source: str | None
    number: int

    def parsed(self) -> dict[str, Any]:
        """The measure as the answer's dict (policy_graph.research._measure's, with its agencies)."""
        return orjson.loads(self.json)


class StaleIndex(ValueError):
    """The file is not a text index of this format (or not SQLite at all)."""


@dataclass(frozen=True)
class Hits:
    """Measures matching a text question, as a statement giving their numbers in a column n
    (never a lookup per hit)."""
    sql: str
    params: tuple[Any, ...]


def _phrase(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def _hits(terms: Sequence[str], columns: Sequence[str]) -> Hits:
    """The measures holding every term in one of ``columns``: long terms through the trigram
    index (its own rowids), short ones by scan."""
    long_terms = [t for t in terms if len(t) >= TRIGRAM]
    scans, params = [], []
    for t in (t for t in terms if len(t) < TRIGRAM):
        scans.append("(" + " OR ".join(f"instr({c}, ?) > 0" for c in columns) + ")")
        params += [t] * len(columns)
    if not long_terms:
        return Hits("SELECT n FROM measure WHERE " + " AND ".join(scans), tuple(params))
    scope = "{" + " ".join(columns) + "} : "
    match = " AND ".join(scope + _phrase(t) for t in long_terms)
    sql = "SELECT rowid AS n FROM measure_fts WHERE measure_fts MATCH ?"
    if scans:
        sql += " AND rowid IN (SELECT n FROM measure WHERE " + " AND ".join(scans) + ")"
    return Hits(sql, (match, *params))


# SQLite virtual machine steps between two looks at the clock on an event-loop reader
_INLINE_CHECK_STEPS = 1_000


def _past_inline_time() -> int:
    """Non-zero (SQLite then interrupts the statement) once an answer worked out on the event loop
    has used its time there (api/inline.py begins it again on a thread)."""
    return int(loop_time_up())


@contextmanager
def _read_transaction(db: sqlite3.Connection) -> Iterator[None]:
    """The statements inside read one state of the file, whatever a writer commits meanwhile; a
    writer's open transaction already is one."""
    own = not db.in_transaction
    if own:
        db.execute("BEGIN")
    try:
        yield
    finally:
        if own:
            db.execute("COMMIT")


@dataclass(frozen=True)
class _Keys:
    """MeasureKeys as read: arrays indexed by a measure's number (its place in document order,
    the numbers by that place, its region's and its date's code, its place in (date, id)
    order), and the region names and dates the codes stand for, in order."""
    document_place: np.ndarray
    by_document_place: np.ndarray
    region: np.ndarray
    date: np.ndarray
    date_place: np.ndarray
    regions: list[str]
    dates: list[str]


class MeasureKeys:
    """What a search and a text question order and group their hits by, for every measure of an
    index: its place in document order (its document's id, then its ordinal), its region, and its
    date with its place in (date, id) order, undated last. Read at once and held in memory by
    number, shared by a file's readers while the file is unchanged: a hit's keys are then an
    array's entry, where reading them in SQL looked each hit up (at 100k measures a search's
    ~2,000: 2 of its 3.8 ms; a broad text question's grouping took 5.8 ms, 1.1 ms so). Numbers only
    grow, so a hit numbered past what was read means measures were added since: they are read
    again. Anything else an index writes changes the file, and the server's readers take a new
    MeasureKeys with the file's new stamp (TextIndexFile); an index that writes forgets its own."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._held: _Keys | None = None

    def first(self, db: sqlite3.Connection, numbers: np.ndarray, limit: int) -> list[int]:
        """The numbers of the first ``limit`` of ``numbers`` in document order."""
        if not len(numbers) or limit <= 0:
            return []
        keys = self.covering(db, int(numbers.max()))
        places = keys.document_place[numbers]
        if len(places) > limit:
            places = np.partition(places, limit - 1)[:limit]
        places.sort()
        return keys.by_document_place[places].tolist()

    def by_region(self, db: sqlite3.Connection, numbers: np.ndarray,
                  first: int) -> list[tuple[str, int, str, list[int]]]:
        """(region, how many of ``numbers`` it holds, the date of its earliest, the numbers of its
        ``first`` earliest by (date, id)) per region, by region name."""
        if not len(numbers):
            return []
        keys = self.covering(db, int(numbers.max()))
        regions = keys.region[numbers]
        ordered = np.lexsort((keys.date_place[numbers], regions))
        numbers, regions = numbers[ordered], regions[ordered]
        starts = np.flatnonzero(np.r_[True, regions[1:] != regions[:-1]]).tolist()
        out = []
        for start, end in zip(starts, starts[1:] + [len(numbers)]):
            out.append((keys.regions[regions[start]], end - start, keys.dates[keys.date[numbers[start]]],
                        numbers[start:min(end, start + first)].tolist()))
        return out

    def covering(self, db: sqlite3.Connection, highest: int) -> _Keys:
        """The keys as held, read (again) from ``db`` unless they hold the measure numbered ``highest``."""
        held = self._held
        if held is None or highest >= len(held.region):
            # read once per version of the file (~250 ms at 100k measures), under a lock another
            # thread may hold meanwhile: never on the event loop
            check_deadline(off_loop=True)
            with self._lock:
                held = self._held
                if held is None or highest >= len(held.region):
                    held = self._held = self._read(db)
        return held

    @staticmethod
    def _read(db: sqlite3.Connection) -> _Keys:
        check_deadline()
        # both orders of the same measures, in one read transaction. Rows are taken one at a time
        # into typed arrays: fetched as tuples first, the 100k measures' rows took the server's
        # peak memory ~30 MB higher
        with _read_transaction(db):
            by_document = np.fromiter((n for (n,) in db.execute(
                "SELECT n FROM measure_key ORDER BY document, ordinal, n")), dtype=np.int64)
            by_date, region_seen, date_seen = array("q"), array("i"), array("i")
            region_codes: dict[str, int] = {}
            date_codes: dict[str, int] = {}
            for n, region, day in db.execute(f"SELECT n, region, coalesce(nullif(date, ''), '{UNDATED}') AS day "
                                             "FROM measure_key ORDER BY day, id, n"):
                by_date.append(n)
                region_seen.append(region_codes.setdefault(region, len(region_codes)))
                date_seen.append(date_codes.setdefault(day, len(date_codes)))  # in date order
        regions = sorted(region_codes)
        # the codes as first seen, renumbered in name order: a text question's regions come in it
        renumbered = np.empty(len(regions), dtype=np.int32)
        renumbered[[region_codes[name] for name in regions]] = np.arange(len(regions), dtype=np.int32)
        numbers = np.frombuffer(by_date, dtype=np.int64)
        size = int(by_document.max()) + 1 if len(by_document) else 1
        # a number with no key row (none is written so) sorts last and names no measure: its
        # document place is one past the last, whose number is 0
        document_place = np.full(size, len(by_document), dtype=np.int32)
        document_place[by_document] = np.arange(len(by_document), dtype=np.int32)
        region = np.zeros(size, dtype=np.int32)
        region[numbers] = renumbered[np.frombuffer(region_seen, dtype=np.int32)]
        date = np.zeros(size, dtype=np.int32)
        date[numbers] = np.frombuffer(date_seen, dtype=np.int32)
        date_place = np.zeros(size, dtype=np.int32)
        date_place[numbers] = np.arange(len(numbers), dtype=np.int32)
        return _Keys(document_place, np.append(by_document, 0), region, date, date_place, regions, list(date_codes))


@dataclass(frozen=True)
class KeptRegions:
    """The regions of a kept answer as one JSON array (``body``), and each region's name with the
    byte range of its own JSON in it (``spans``): a page, or any choice of regions, is sliced
    from the bytes, and the same as encoding those regions again."""
    body: bytes
    spans: Sequence[Sequence]  # [name, start, end] each

    @classmethod
    def of(cls, regions: Sequence[Mapping[str, Any]]) -> KeptRegions:
        return cls.named([(r["region"], r) for r in regions])

    @classmethod
    def named(cls, parts: Sequence[tuple[str, Any]]) -> KeptRegions:
        """Any JSON values, each under a name of its own (a region's, or any other)."""
        encoded = [orjson.dumps(value) for _, value in parts]
        spans, at = [], 1
        for (name, _), part in zip(parts, encoded):
            spans.append([name, at, at + len(part)])
            at += len(part) + 1
        return cls(b"[" + b",".join(encoded) + b"]", spans)

    def part(self, position: int) -> bytes:
        """The JSON of the part at ``position``."""
        _, start, end = self.spans[position]
        return self.body[start:end]

    @classmethod
    def kept(cls, body: bytes, spans: bytes) -> KeptRegions:
        """A kept answer's body with its spans as the text index stores them (JSON): [name,
        start, end] lists, used as they are parsed (a region's cut answer has ~370 of them at
        100k measures, and a comparison reads two)."""
        return cls(body, orjson.loads(spans))

    def position(self, name: str, first: int) -> int | None:
        """The position of the part named ``name`` among the parts from ``first`` on, which are
        in name order (a region's pairs, by the region they lead to), or None."""
        at = bisect_left(self.spans, name, lo=first, key=itemgetter(0))
        return at if at < len(self.spans) and self.spans[at][0] == name else None

    def __len__(self) -> int:
        return len(self.spans)

    def names(self) -> list[str]:
        return [name for name, _, _ in self.spans]

    def page(self, offset: int, limit: int) -> bytes:
        """Regions ``offset`` to ``offset + limit``, as a JSON array."""
        shown = self.spans[offset:offset + limit]
        return b"[" + self.body[shown[0][1]:shown[-1][2]] + b"]" if shown else b"[]"

    def chosen(self, positions: Sequence[int]) -> bytes:
        """The regions at ``positions``, in that order, as a JSON array."""
        return b"[" + b",".join(self.body[self.spans[i][1]:self.spans[i][2]] for i in positions) + b"]"


class TextIndex:
    """One SQLite connection to an index file; ``read_only`` for a server's readers. ``wait``
    False: the connection never waits for a writer's lock (SQLITE_BUSY at once), for a reader on
    the event loop; otherwise up to BUSY_TIMEOUT_MS."""

    def __init__(self, path: str | Path = ":memory:", *, read_only: bool = False, wait: bool = True,
                 keys: MeasureKeys | None = None, cache_kib: int = 0) -> None:
        self.path = str(path)
        self.keys = keys if keys is not None else MeasureKeys()  # shared by a file's readers
        # the file's version (Stamp) this reader was opened for by TextIndexFile, when one is known
        self.version: Stamp | None = None
        timeout = BUSY_TIMEOUT_MS / 1000 if wait else 0.0
        if read_only:
            if not os.path.exists(self.path):
                raise FileNotFoundError(self.path)
            uri = "file:" + Path(self.path).resolve().as_posix() + "?mode=ro"
            self._db = sqlite3.connect(uri, uri=True, check_same_thread=False, timeout=timeout)
        else:
            self._db = sqlite3.connect(self.path, check_same_thread=False, timeout=timeout)
        try:
            version = self._db.execute("PRAGMA user_version").fetchone()[0]
            if version == 0 and not read_only and self._empty():
                self._db.executescript(_SCHEMA)
            elif version != FORMAT_VERSION:
                raise StaleIndex(f"{self.path}: not a text index of format {FORMAT_VERSION}")
            if cache_kib > 0:  # at most this many KiB of pages (SQLite's own default: 2,000); it reads
                # the schema, so a writer's lock refuses it as it does the version
                self._db.execute(f"PRAGMA cache_size = -{int(cache_kib)}")
        except sqlite3.DatabaseError as exc:
            self._db.close()
            raise StaleIndex(f"{self.path}: {exc}") from exc
        except StaleIndex:
            self._db.close()
            raise
        if not wait:  # a reader of the event loop: one statement (a short term's scan) must not hold it
            self._db.set_progress_handler(_past_inline_time, _INLINE_CHECK_STEPS)

    def _empty(self) -> bool:
        return self._db.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0

    @classmethod
    def load(cls, path: str | Path, wait: bool = True, keys: MeasureKeys | None = None,
             cache_kib: int = 0) -> TextIndex:
        return cls(path, read_only=True, wait=wait, keys=keys, cache_kib=cache_kib)

    def close(self) -> None:
        self._db.close()

    def _read(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Cursor:
        """A statement of a question's answer: asked within the request's time budget, as the
        graph's are (graph.store.check_deadline), since an answer may now need no graph query."""
        check_deadline()
        return self._db.execute(sql, params)

    def __len__(self) -> int:
        return self._db.execute("SELECT count(*) FROM measure").fetchone()[0]

    def __contains__(self, measure_id: str) -> bool:
        return self._db.execute("SELECT 1 FROM measure WHERE id = ?", (measure_id,)).fetchone() is not None

    def add(self, measures: Iterable[Mapping[str, Any]]) -> int:
        """Index measures ({id, document, ordinal, title, text, region, date, document_title,
        date_source, agencies, label, section}, simplified script; agencies as an answer shows them: {"lead": [...],
        "support": [...]}) not yet indexed, in one transaction. Returns how many were new. A
        measure indexed before keeps its text; its agencies, region and date and its document's
        title are those given now (a re-ingest reads them with the rules of the day, as the graph does)."""
        db = self._db
        with db:  # one transaction: all of them or none
            before = db.execute("SELECT coalesce(max(n), 0) FROM measure").fetchone()[0]
            docs: dict[str, tuple[Any, Any, Any]] = {}
            rows = []
            for m in measures:
                document = str(m.get("document") or "")
                if m.get("document_title") is not None or document not in docs:
                    docs[document] = (m.get("document_title"), m.get("date") or None, m.get("date_source"))
                rows.append((str(m["id"]), document, int(m.get("ordinal") or 0), str(m.get("title") or ""),
                             str(m.get("text") or ""), str(m.get("region") or ""), str(m.get("date") or ""),
                             json.dumps(m.get("agencies") or NO_AGENCIES, ensure_ascii=False),
                             str(m.get("label") or ""), str(m.get("section") or "")))
            db.executemany("INSERT INTO measure(id, document, ordinal, title, text, region, date, agencies, label, section) "
                           "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                           "ON CONFLICT(id) DO UPDATE SET agencies = excluded.agencies, region = excluded.region, "
                           "date = excluded.date, label = excluded.label, section = excluded.section", rows)
            db.execute("INSERT INTO measure_fts(rowid, title, text) "
                       "SELECT n, title, text FROM measure WHERE n > ?", (before,))
            new = db.execute("SELECT n, text FROM measure WHERE n > ?", (before,)).fetchall()
            db.executemany("INSERT INTO sentence(n, b, e) VALUES (?, ?, ?)",
                           ((n, b, e) for n, text in new for b, e in sentence_spans(text)))
            db.execute("INSERT OR REPLACE INTO measure_key(n, id, document, ordinal, region, date) "
                       "SELECT n, id, document, ordinal, region, date FROM measure "
                       "WHERE id IN (SELECT value FROM json_each(?))", (json.dumps([r[0] for r in rows]),))
            db.executemany("INSERT INTO document(id, title, date, date_source) VALUES (?, ?, ?, ?) "
                           "ON CONFLICT(id) DO UPDATE SET title = coalesce(excluded.title, document.title), "
                           "date = excluded.date, date_source = excluded.date_source",
                           ((d, *v) for d, v in docs.items()))
            db.execute(f"UPDATE measure SET card = {CARD}, card_date = {CARD_DATE}, card_date_source = {CARD_DATE_SOURCE} "
                       "FROM document d WHERE d.id = measure.document "
                       "AND measure.document IN (SELECT value FROM json_each(?))", (json.dumps(list(docs)),))
            # a document written again (a re-ingest, a replaced document) may say other things of
            # its measures now: its kept details go until they are kept again; a measure's detail
            # reads only its own document's facts, so the others' stay current
            db.execute("DELETE FROM detail WHERE document IN (SELECT value FROM json_each(?))", (json.dumps(list(docs)),))
            added = db.execute("SELECT count(*) FROM measure WHERE n > ?", (before,)).fetchone()[0]
            if added < len(rows):
                # measures indexed before were written again: what the summaries and answers kept
                # of them may have changed, and the count of measures that stamps them would not show it
                # (the similar-to edges are the graph's whatever its documents say: they change only
                # where begin_similar_write and keep_similar frame the graph's write)
                db.execute("DELETE FROM adoption_state WHERE kind NOT IN ('answer:measure', 'similar', 'similar:writing')")
        self.keys = MeasureKeys()  # what this connection held may have changed
        return added

    def last_number(self) -> int:
        """The number of the last measure added (numbers only grow: the count of measures added)."""
        return self._db.execute("SELECT coalesce(max(n), 0) FROM measure").fetchone()[0]

    def adoption_stamp(self, kind: str) -> int | None:
        """last_number() when the summaries of ``kind`` were written; None: never written."""
        row = self._read("SELECT measures FROM adoption_state WHERE kind = ?", (kind,)).fetchone()
        return row[0] if row else None

    def set_adoption(self, kind: str, groups: Mapping[str, Sequence[Mapping[str, Any]]],
                     replace_all: bool = True) -> None:
        """Store ``groups`` (key -> rows {region, via, n, keys}) as the summaries of ``kind`` in
        one transaction, stamped with the measures the index holds now: replacing every summary
        of ``kind``, or (``replace_all`` False) only those of the keys given."""
        self._replace_kept("adoption", kind, "key", groups, replace_all, kind,
                           "INSERT INTO adoption(kind, key, region, via, n, keys) VALUES (?, ?, ?, ?, ?, ?)",
                           ((kind, key, g["region"], g["via"], int(g["n"]), json.dumps(list(g["keys"] or [])))
                            for key, rows in groups.items() for g in rows))

    def set_flows(self, flows: Iterable[Mapping[str, Any]], places: Iterable[Mapping[str, Any]],
                  documents: Iterable[str] | None = None) -> None:
        """Keep the region flows ({src, dst, measure_id, scope, kind, evidence, document}, as the
        graph's flows_* statements give them) and every province's places ({parent, child}) in one
        transaction, stamped with the measures the index holds now: replacing every kept flow, or
        (``documents`` given) those these documents state. The places are always replaced whole."""
        db = self._db
        row_of = itemgetter(*_FLOW_KEYS)
        rows = [row_of(f) for f in flows]
        with db:
            touched: set[tuple[str, str]] | None = None  # (src, dst) of the flows replaced and added
            if documents is None:
                db.execute("DELETE FROM flow")
            else:
                documents = list(documents)
                touched = {(src, dst) for src, dst in db.execute(
                    "SELECT src, dst FROM flow WHERE document IN (SELECT value FROM json_each(?))",
                    (json.dumps(documents),))}
                touched.update((row[0], row[1]) for row in rows)
                db.executemany("DELETE FROM flow WHERE document = ?", ((d,) for d in documents))
            db.executemany(f"INSERT INTO flow({_FLOW_COLUMNS}) VALUES ({', '.join('?' * len(_FLOW_KEYS))})", rows)
            self._write_hops(db, touched)
            db.execute("DELETE FROM province_place")
            db.executemany("INSERT OR IGNORE INTO province_place(province, place) VALUES (?, ?)",
                           ((p["parent"], p["child"]) for p in places))
            self._stamp(db, "answer:flow")

    @staticmethod
    def _write_hops(db: sqlite3.Connection, touched: set[tuple[str, str]] | None) -> None:
        """Write flow_hop again from the flow table: every region's rows (``touched`` None), or
        those of the regions the flows ``touched`` (src, dst) leave or enter; a region left
        without flows loses its row. The flows are read once for both directions."""
        if touched is None:
            db.execute("DELETE FROM flow_hop")
            found = db.execute(f"SELECT {_FLOW_COLUMNS} FROM flow")
            sources = targets = None
        else:
            sources, targets = {src for src, _ in touched}, {dst for _, dst in touched}
            named = (json.dumps(sorted(sources)), json.dumps(sorted(targets)))
            db.execute("DELETE FROM flow_hop WHERE direction = 'from' AND region IN (SELECT value FROM json_each(?)) "
                       "OR direction = 'into' AND region IN (SELECT value FROM json_each(?))", named)
            found = db.execute(f"SELECT {_FLOW_COLUMNS} FROM flow WHERE src IN (SELECT value FROM json_each(?)) "
                               "OR dst IN (SELECT value FROM json_each(?))", named)
        out: dict[str, list[dict[str, Any]]] = {}
        into: dict[str, list[dict[str, Any]]] = {}
        for row in found:
            flow = dict(zip(_FLOW_KEYS, row))
            if sources is None or row[0] in sources:
                out.setdefault(row[0], []).append(flow)
            if targets is None or row[1] in targets:
                into.setdefault(row[1], []).append(flow)
        db.executemany("INSERT INTO flow_hop(direction, region, steps) VALUES (?, ?, ?)",
                       ((direction, region, orjson.dumps(sorted(flows, key=flow_order)))
                        for direction, held in (("from", out), ("into", into)) for region, flows in held.items()))

    def flows_current(self) -> bool:
        """Whether the kept flows and places are those of the measures the index holds now."""
        row = self._read(f"SELECT measures = {_HELD_NOW} FROM adoption_state WHERE kind = 'answer:flow'").fetchone()
        return bool(row and row[0])

    def flows(self, names: Sequence[str], into: bool, limit: int) -> list[dict[str, Any]]:
        """The kept flows out of (``into``: into) the named regions, at most ``limit``, as rows
        of the graph's flows_from (flows_into), region by region in name order, each region's in
        flow_order. Current only while flows_current()."""
        rows = self._read("SELECT steps FROM flow_hop WHERE direction = ? AND region IN "
                          "(SELECT value FROM json_each(?)) ORDER BY region",
                          ("into" if into else "from", orjson.dumps(list(names)).decode()))
        loads, found = orjson.loads, []
        for (steps,) in rows:
            found += loads(steps)
            if len(found) >= limit:
                return found[:limit]
        return found

    def province_places(self, names: Sequence[str], provinces: bool, limit: int) -> list[dict[str, Any]]:
        """{parent, child} for the places of the named provinces (``provinces`` False: the
        provinces of the named places), ordered and cut as the graph's region_children
        (region_provinces) gives them. Current only while flows_current()."""
        end = "place" if provinces else "province"
        rows = self._read(f"SELECT province, place FROM province_place WHERE {end} IN "
                          f"(SELECT value FROM json_each(?)) ORDER BY province, place LIMIT ?",
                          (orjson.dumps(list(names)).decode(), limit))
        return [{"parent": parent, "child": child} for parent, child in rows]

    @staticmethod
    def _stamp(db: sqlite3.Connection, stamp: str) -> None:
        db.execute(f"INSERT INTO adoption_state(kind, measures) VALUES (?, {_HELD_NOW}) "
                   "ON CONFLICT(kind) DO UPDATE SET measures = excluded.measures", (stamp,))

    def _replace_kept(self, table: str, kind: str | None, key_column: str, keys: Iterable[str], replace_all: bool,
                      stamp: str, insert: str, rows: Iterable[tuple]) -> None:
        """In one transaction: drop ``table``'s rows of ``kind`` (every row when None; all of
        them, or those whose ``key_column`` is one of ``keys``), insert ``rows``, and stamp
        ``stamp`` with the measures the index holds now."""
        where, fixed = ("kind = ?", (kind,)) if kind is not None else ("1", ())
        db = self._db
        with db:
            if replace_all:
                db.execute(f"DELETE FROM {table} WHERE {where}", fixed)
            else:
                db.executemany(f"DELETE FROM {table} WHERE {where} AND {key_column} = ?", ((*fixed, k) for k in keys))
            db.executemany(insert, rows)
            self._stamp(db, stamp)

    def adoption(self, kind: str, key: str, per_region: int) -> list[dict[str, Any]] | None:
        """The stored rows of ``key`` with each row's first ``per_region`` sort keys, as the
        aggregation over the graph gives them. None: no summary of ``kind`` for the measures
        held now (never computed, or measures were added after it)."""
        state = self._read(f"SELECT measures = {_HELD_NOW} FROM adoption_state WHERE kind = ?", (kind,)).fetchone()
        if not state or not state[0]:
            return None
        rows = self._read("SELECT region, via, n, keys FROM adoption WHERE kind = ? AND key = ?", (kind, key))
        return [{"region": region, "via": via, "n": n, "keys": json.loads(keys)[:per_region]}
                for region, via, n, keys in rows]

    def set_answers(self, kind: str, answers: Mapping[str, tuple[int, Any, Any]] | Iterable[tuple[str, tuple[int, Any, Any]]],
                    replace_all: bool = True, keys: Iterable[str] | None = None) -> None:
        """Keep ``answers`` (key -> (per_region, regions, runs), JSON-able; each region a dict
        with its name under "region", or the parts already named (KeptRegions.named); or those
        pairs one after another, each encoded as it comes) as the answers of ``kind`` in one transaction, stamped with the measures the index
        holds now: replacing every answer of ``kind``, or (``replace_all`` False) only those of
        ``keys`` (by default the mapping's keys)."""
        def row(key: str, per_region: int, regions: Sequence[Mapping[str, Any]] | KeptRegions, runs: Any) -> tuple:
            kept = regions if isinstance(regions, KeptRegions) else KeptRegions.of(regions)
            return kind, key, per_region, kept.body, orjson.dumps(kept.spans), orjson.dumps(runs)

        if isinstance(answers, Mapping):
            pairs, keys = answers.items(), answers if keys is None else keys
        elif keys is None and not replace_all:  # the pairs can be read once: for the rows
            raise ValueError("set_answers: the keys to replace must be given with answers that come one by one")
        else:
            pairs = answers
        self._replace_kept("answer", kind, "key", keys or (), replace_all, "answer:" + kind,
                           "INSERT INTO answer(kind, key, per_region, body, spans, runs) VALUES (?, ?, ?, ?, ?, ?)",
                           (row(key, *answer) for key, answer in pairs))

    def set_details(self, details: Iterable[tuple[str, str, bytes, bytes]], documents: Iterable[str] | None = None) -> None:
        """Keep ``details`` ((measure id, document id, the detail's JSON, its own document's
        neighbours as graph.subgraph.encode_kept_neighbours wrote them), taken one by one) in one
        transaction, stamped with the measures the index holds now: replacing every kept detail,
        or (``documents`` given) those of these documents (a document written again may have lost
        measures: none of its older details stays)."""
        self._replace_kept("detail", None, "document", documents or (), documents is None, "answer:measure",
                           "INSERT INTO detail(id, document, body, neighbours) VALUES (?, ?, ?, ?)",
                           details)

    def begin_similar_write(self, none_in_graph: bool = False) -> None:
        """Before the graph's similar-to edges are written: the kept ones are not used until
        ``keep_similar``. Notes whether they held the graph's until now (then keeping the
        written measures' edges again makes them whole); ``none_in_graph``: the graph holds no
        similar-to edge yet (a first ingest), which none kept hold."""
        with self._db as db:
            whole = self._similar_whole(db)
            if none_in_graph and not whole:
                db.execute("DELETE FROM similar")
            db.execute("INSERT INTO adoption_state(kind, measures) VALUES ('similar:writing', ?) "
                       "ON CONFLICT(kind) DO UPDATE SET measures = min(measures, excluded.measures)",
                       (int(whole or none_in_graph),))

    def keep_similar(self, edges: Iterable[tuple[str, str, float]], sources: Collection[str] | None = None) -> bool:
        """Keep ``edges`` ((src, dst, score)) in one transaction: every similar-to edge of the graph
        (``sources`` None), or the edges the graph's ``sources`` were written again with, in
        place of theirs. The latter only when the kept edges held the graph's before that write
        began (``begin_similar_write``): otherwise nothing is written and False returned (the
        caller keeps every edge)."""
        with self._db as db:
            if sources is not None:
                began = db.execute("SELECT measures FROM adoption_state WHERE kind = 'similar:writing'").fetchone()
                if began is None or began[0] != 1:
                    return False
                db.executemany("DELETE FROM similar WHERE src = ?", ((s,) for s in sources))
            else:
                db.execute("DELETE FROM similar")
            # many edges go in faster without the indexes, made again after: every edge at 100k
            # measures (500,000) took 3.6 s into the indexed table, 1.0 s so
            many = sources is None or len(sources) >= SIMILAR_REINDEX_SOURCES
            if many:
                db.execute("DROP INDEX similar_src")
                db.execute("DROP INDEX similar_dst")
            db.executemany("INSERT INTO similar(src, dst, score) VALUES (?, ?, ?)", edges)
            if many:
                db.execute(_SIMILAR_INDEXES[0])
                db.execute(_SIMILAR_INDEXES[1])
            db.execute("DELETE FROM adoption_state WHERE kind = 'similar:writing'")
            db.execute("INSERT INTO adoption_state(kind, measures) VALUES ('similar', 1) "
                       "ON CONFLICT(kind) DO UPDATE SET measures = 1")
        return True

    @staticmethod
    def _similar_whole(db: sqlite3.Connection) -> bool:
        return db.execute("SELECT EXISTS (SELECT 1 FROM adoption_state WHERE kind = 'similar') AND NOT EXISTS "
                          "(SELECT 1 FROM adoption_state WHERE kind = 'similar:writing')").fetchone()[0] == 1

    def similar_current(self) -> bool:
        """Whether the kept similar-to edges are the graph's."""
        return self._similar_whole(self._db)

    def similar(self, measure_id: str, limit: int) -> list[tuple[bool, str, float, str, str, str, str]] | None:
        """A measure's similar measures both ways, at most ``limit``: (whether the edge leaves it,
        the other measure's id, the score, and its title, region, text and document). None: the
        kept edges are not the graph's (never kept, or being written), a kept edge's measure is
        not in the index, or a writer's commit holds the file (at once on a connection that does
        not wait): the caller asks the graph."""
        try:
            with _read_transaction(self._db):
                if not self._similar_whole(self._db):
                    return None
                rows = self._read(_SIMILAR_BOTH_WAYS, (measure_id, limit)).fetchall()
        except sqlite3.OperationalError as exc:
            if exc.sqlite_errorcode != sqlite3.SQLITE_BUSY:
                raise
            return None
        if any(row[3] is None for row in rows):
            return None
        return [(bool(out), *rest) for out, *rest in rows]

    def set_region_names(self, names: Iterable[str]) -> None:
        """Keep ``names`` as the graph's every region, in one transaction, stamped with the
        measures the index holds now."""
        self._replace_kept("region_name", None, "name", (), True, "answer:region_name",
                           "INSERT OR IGNORE INTO region_name(name) VALUES (?)", ((name,) for name in names))

    def holds_region(self, name: str) -> bool | None:
        """Whether the graph holds a region named ``name``, as the ingest kept its names. None:
        not kept for the measures the index holds now (the caller asks the graph)."""
        row = self._read("SELECT EXISTS (SELECT 1 FROM region_name WHERE name = ?) FROM adoption_state "
                         f"WHERE kind = 'answer:region_name' AND measures = {_HELD_NOW}", (name,)).fetchone()
        return None if row is None else bool(row[0])

    def detail(self, measure_id: str) -> bytes | None:
        """The kept detail of a measure. None: none kept for it, or kept for fewer measures than
        the index holds now, or a writer's commit holds the file (at once on a connection that
        does not wait): the caller computes it from the graph."""
        return self._kept_detail("body", measure_id)

    def neighbours(self, measure_id: str) -> bytes | None:
        """The neighbours kept beside a measure's detail (graph.subgraph reads them); None as for
        ``detail``."""
        return self._kept_detail("neighbours", measure_id)

    def _kept_detail(self, column: str, measure_id: str) -> bytes | None:
        try:
            row = self._read(
                f"SELECT d.{column} FROM detail d JOIN adoption_state s ON s.kind = 'answer:measure' "
                f"WHERE d.id = ? AND s.measures = {_HELD_NOW}", (measure_id,)).fetchone()
        except sqlite3.OperationalError as exc:
            if exc.sqlite_errorcode != sqlite3.SQLITE_BUSY:
                raise
            return None
        return row[0] if row else None

    def answer(self, kind: str, key: str, per_region: int) -> tuple[Any, list[tuple[str, Any]]] | None:
        """The kept answer of ``key`` for ``per_region`` shown measures and the queries that
        give it. None: none kept, or kept for fewer measures than the index holds now."""
        kept = self._kept_answer("a.runs", kind, key, per_region)
        if kept is None:
            return None
        (runs,), body = kept
        return orjson.loads(body), [(name, params) for name, params in orjson.loads(runs)]

    def answer_json(self, kind: str, key: str, per_region: int) -> KeptRegions | None:
        """The regions of the kept answer of ``key`` as their JSON, unparsed (``answer`` parses
        them). None: as for ``answer``."""
        kept = self._kept_answer("a.spans", kind, key, per_region)
        if kept is None:
            return None
        (spans,), body = kept
        return KeptRegions.kept(body, spans)

    def answer_parts(self, kind: str, key: str, per_region: int) -> tuple[KeptRegions, list[tuple[str, Any]]] | None:
        """The regions of the kept answer of ``key`` as their JSON, unparsed (answer_json), and
        the queries that give it. None: as for ``answer``."""
        kept = self._kept_answer("a.spans, a.runs", kind, key, per_region)
        if kept is None:
            return None
        (spans, runs), body = kept
        return (KeptRegions.kept(body, spans),
                [(name, params) for name, params in orjson.loads(runs)])

    def answer_regions(self, kind: str, key: str, per_region: int) -> tuple[list[str], list[tuple[str, Any]]] | None:
        """The regions of the kept answer of ``key``, by name in the answer's order, and the
        queries that give it, without its body. None: as for ``answer``."""
        kept = self._kept_answer("a.spans, a.runs", kind, key, per_region, body=False)
        if kept is None:
            return None
        (spans, runs), _ = kept
        return [s[0] for s in orjson.loads(spans)], [(name, params) for name, params in orjson.loads(runs)]

    def _kept_answer(self, columns: str, kind: str, key: str, per_region: int,
                     body: bool = True) -> tuple[tuple, bytes | None] | None:
        """``columns`` of a current kept answer, and its body; in one read transaction, so both are
        of the same answer whatever an ingest writes meanwhile."""
        db = self._db
        with _read_transaction(db):
            row = self._read(
                f"SELECT a.n, {columns} FROM answer a JOIN adoption_state s ON s.kind = 'answer:' || a.kind "
                "WHERE a.kind = ? AND a.key = ? AND a.per_region = ? "
                f"AND s.measures = {_HELD_NOW}", (kind, key, per_region)).fetchone()
            if row is None:
                return None
            if not body:
                return row[1:], None
            with db.blobopen("answer", "body", row[0], readonly=True) as blob:
                return row[1:], blob.read()

    # ------------------------------------------------------------------ questions
    def search(self, terms: Sequence[str], limit: int) -> tuple[list[dict[str, Any]], int] | None:
        """The first ``limit`` measures holding every term in their title or text, in document
        order, each as the graph's measures_by_ids gives it (SEARCH_ITEM's keys), and how many
        measures hold them. None: no terms. Read here, not from the graph: at 10k measures the
        graph statement was a quarter of a search's time (0.35 of 1.3 ms), this one 0.06."""
        if not terms:
            return None
        numbers = self.hit_numbers(_hits(terms, ("title", "text")))
        first = self.keys.first(self._db, numbers, limit)
        rows = {n: dict(zip(SEARCH_ITEM, item)) for n, *item in self._read(
            f"SELECT n, {', '.join(SEARCH_ITEM)} FROM measure WHERE n IN (SELECT value FROM json_each(?))",
            (json.dumps(first),))} if first else {}
        return [rows[n] for n in first if n in rows], len(numbers)

    def hit_numbers(self, hits: Hits) -> np.ndarray:
        """The numbers of the measures ``hits`` finds (a search's, or by_region's)."""
        # as one JSON array: a row per hit handed to Python was half of a search's match at 100k
        # measures (~1,300 hits: 0.54 ms, 0.34 so)
        (found,) = self._read(f"SELECT json_group_array(n) FROM ({hits.sql})", hits.params).fetchone()
        return np.array(orjson.loads(found), dtype=np.int64)

    def in_text(self, terms: Sequence[str]) -> Hits | None:
        """The measures whose text holds every term (what ``m.text CONTAINS t`` finds for each),
        for by_region. None: no terms."""
        return _hits(terms, ("text",)) if terms else None

    def by_region(self, hits: Hits | np.ndarray, first: int) -> list[tuple[str, int, str, list[int]]]:
        """(region, how many of the hits it holds, the date of its earliest (UNDATED when none
        has one), the numbers of its ``first`` earliest by (date, id), undated last) per region,
        by region; a number is what ``shown`` looks a measure up by. ``hits``: found as it
        says, or their numbers (hit_numbers)."""
        numbers = hits if isinstance(hits, np.ndarray) else self.hit_numbers(hits)
        return self.keys.by_region(self._db, numbers, first)

    def measure(self, measure_id: str) -> dict[str, Any]:
        """What the index keeps of a measure."""
        found = self.measures([measure_id])
        if measure_id not in found:
            raise KeyError(measure_id)
        return found[measure_id]

    def measures(self, measure_ids: Sequence[str]) -> dict[str, dict[str, Any]]:
        """What the index keeps of each of the measures, by id, in one statement (ids it does not
        hold are left out): the date is its document's, with where it was read."""
        if not measure_ids:
            return {}
        rows = self._read(
            "SELECT m.id, m.title, m.text, m.region, d.date, d.date_source, m.document, d.title, m.agencies "
            "FROM measure m LEFT JOIN document d ON d.id = m.document "
            "WHERE m.id IN (SELECT value FROM json_each(?))", (json.dumps(list(measure_ids)),))
        loads = orjson.loads  # a page holds hundreds: 3x faster than json.loads
        return {mid: {"id": mid, "title": title, "text": text, "region": region, "date": date or None,
                      "date_source": date_source, "document": document, "document_title": document_title,
                      "agencies": loads(agencies)}
                for mid, title, text, region, date, date_source, document, document_title, agencies in rows}

    def _by_id(self, column: str, measure_ids: Sequence[str]) -> list[tuple[str, Any]]:
        """(id, ``column``) of each of the measures the index holds among ``measure_ids``, in one
        statement; ``column`` is one of the measure table's, named by this module."""
        return self._read(f"SELECT id, {column} FROM measure WHERE id IN (SELECT value FROM json_each(?))",
                          (json.dumps(list(measure_ids)),)).fetchall()

    def titles(self, measure_ids: Sequence[str]) -> dict[str, str]:
        """The title of each of the measures the index holds, by id (a comparison's similar
        pairs: one SQLite lookup, where the graph statement it replaced cost a tenth of a
        comparison at 100k measures)."""
        return dict(self._by_id("title", measure_ids))

    def numbers(self, measure_ids: Sequence[str]) -> dict[str, int]:
        """The number (``shown``'s key) of each of the measures the index holds, by id."""
        return dict(self._by_id("n", measure_ids))

    def shown(self, numbers: Sequence[int], terms: Sequence[str], via: str) -> dict[int, ShownMeasure]:
        """What a text answer shows of each of the measures (by their numbers, as ``by_region``
        gives them), by number, in one statement: its card (CARD: the answer's measure) with
        ``via`` and, as its evidence, the sentence of its text holding the first place where one
        of ``terms`` occurs (the start of the text when none does) written in, by SQLite: the
        sentence is cut from the spans kept at ingest, so a broad question's few hundred texts
        are neither decoded into Python nor split there (the two were a quarter of a broad text
        question's time), and the card is neither parsed nor encoded again (SQLite's json_quote
        and orjson write a string alike; writing them in Python took 1.64 against 1.22 ms for
        279 measures at 10k, 6.4-8.4 against 5.4-5.9 for 980 at 100k). Looked up by number, not
        by id: the rowid's own b-tree instead of the ids' index and then the rowid's, 10-20 %
        less time for the statement at 10k and 100k measures."""
        if not numbers:
            return {}
        # 0-based offset of the first term in the text (0 when none is), each instr evaluated once:
        # instr counts characters, as str.find does; a missing term counts as 2^40, past any text
        firsts = "".join("coalesce(nullif(instr(m.text, ?), 0), 1 << 40), " for _ in terms)
        rows = self._read(
            # only the number and the offset are kept aside: copying each card and text there
            # cost more than reading the row again by its number (1.23 against 1.07 ms, 300 at 10k)
            "WITH hit AS MATERIALIZED (SELECT m.n, "
            f"  max(min({firsts}1 << 40) % (1 << 40) - 1, 0) AS at "
            "  FROM measure m WHERE m.n IN (SELECT value FROM json_each(?))) "
            f"SELECT m.id, m.document, CAST(replace(m.card, '{CARD_BLANKS}', "
            "  '\"via\":' || json_quote(?) || ',\"evidence\":' || json_quote(coalesce(("
            "    SELECT CASE WHEN h.at < s.e THEN substr(m.text, s.b + 1, s.e - s.b) ELSE '' END "
            "    FROM sentence s WHERE s.n = h.n AND s.b <= h.at ORDER BY s.b DESC LIMIT 1), ''))) AS BLOB), "
            "  m.card_date, m.card_date_source, h.n "
            "FROM hit h JOIN measure m ON m.n = h.n",
            (*terms, json.dumps(list(numbers)), via))
        return {m.number: m for m in map(ShownMeasure._make, rows)}

    def agencies(self, measure_ids: Sequence[str]) -> dict[str, dict[str, list[dict[str, Any]]]]:
        """The lead and support agencies of each of the measures the index holds, by id."""
        if not measure_ids:
            return {}
        loads = orjson.loads
        return {mid: loads(agencies) for mid, agencies in self._by_id("agencies", measure_ids)}


def rebuild(path: Path, rows: Iterable[Mapping[str, Any]]) -> int:
    """A new index at ``path`` holding ``rows``: written to a temporary file, synced and renamed
    over the old one, so a reader sees the old index or the new, never half of one."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    tmp.unlink(missing_ok=True)
    index = TextIndex(tmp)
    try:
        added = index.add(rows)
    finally:
        index.close()
    with open(tmp, "rb+") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    return added


def _limit_sqlite_heap(limit: int) -> None:
    """SQLite's soft heap limit for the whole process, in bytes: past it, a page cache recycles its
    own pages instead of growing."""
    db = sqlite3.connect(":memory:")
    try:
        db.execute(f"PRAGMA soft_heap_limit = {int(limit)}")
    finally:
        db.close()


# A text index file's version as TextIndexFile reads it: (inode, mtime, size, change counter).
Stamp = tuple[int, int, int, bytes]
# Where SQLite's file change counter lies in a database file's header (4 bytes, big-endian).
_CHANGE_COUNTER_AT = 24


class TextIndexFile:
    """The index a server answers from: one read-only connection per thread, reopened when an
    ingest replaces the file, and not used while it does not cover the graph's measures.

    ``cache_mib`` (> 0): the readers' page caches hold at most that much, all together. Each
    reader may grow to all of it, and the process's soft heap limit (SQLite's, for every
    connection of the process) keeps the sum there: this SQLite lends no page of one connection's
    cache to another, so a reader that comes once the others hold it all reads with a few pages,
    as fast as with SQLite's default cache (1,000 measures at 100k: 4.73 against 4.68 ms, 3.40 with
    a 32 MiB cache of its own). Expensive requests run one at a time, mostly on the thread that ran
    the last (the pool takes the most recently idle), so that one holds the warm cache: at 100k
    measures, 16 connections on /api/adopters with the cache off answered 144 -> 172 req/s with
    32 MiB (server peak +34 MiB), at 10k 590 -> 651."""

    def __init__(self, path: Path | None, graph_measures: Callable[[], int] | None = None,
                 cache_mib: float = 0) -> None:
        self.path = path
        self._graph_measures = graph_measures
        self._cache_kib = int(cache_mib * 1024)
        if self._cache_kib > 0:
            _limit_sqlite_heap(self._cache_kib * 1024)
        self._lock = threading.Lock()
        self._stamp: Stamp | None = None
        self._usable = False
        self._local = threading.local()
        self._keys: tuple[Stamp, MeasureKeys] | None = None  # (stamp, its readers' keys)

    def _file_stamp(self) -> Stamp | None:
        """The file's identity and version (inode, mtime, size, SQLite's file change counter); None
        without one. The counter moves with every commit (the index is in rollback-journal mode),
        where the mtime may not (the kernel's clock for it ticks every few ms) and a rewrite in
        place keeps the size: the keys the readers share are for one version of the file."""
        if self.path is None:
            return None
        try:
            fd = os.open(self.path, os.O_RDONLY)
        except FileNotFoundError:
            return None
        try:
            st = os.fstat(fd)
            counter = os.pread(fd, 4, _CHANGE_COUNTER_AT)
        finally:
            os.close(fd)
        return st.st_ino, st.st_mtime_ns, st.st_size, counter

    def get(self) -> TextIndex | None:
        stamp = self._file_stamp()
        if stamp is None:
            return None
        if stamp != self._stamp:
            with self._lock:
                if stamp != self._stamp:
                    self._usable = self._check()
                    self._stamp = stamp
        if not self._usable:
            return None
        try:
            return self._reader(stamp, wait=True)
        except (OSError, StaleIndex) as exc:
            log.warning("text index not used, searching by scan until the next ingest: %s", exc)
            return None

    def checked(self) -> TextIndex | None:
        """For a caller on the event loop, which must never wait: the index as ``get`` gives it,
        on a connection of its own that does not wait for a writer's lock (TextIndex ``wait``
        False); None, instead of checking the file against the graph (a graph statement), when it
        changed since it was last checked, or when a writer holds it as the connection opens.
        The caller then asks ``get`` from a thread."""
        stamp = self._file_stamp()
        if stamp is None or stamp != self._stamp or not self._usable:
            return None
        try:
            return self._reader(stamp, wait=False)
        except (OSError, StaleIndex):  # locked while it opened (checked usable above): next time
            return None

    def _reader(self, stamp: Stamp, wait: bool) -> TextIndex:
        """This thread's connection to the file as of ``stamp`` (one that waits for a writer's
        lock, or one that does not), opened again when the file changed since it was opened."""
        name = "waiting" if wait else "nowait"
        held = getattr(self._local, name, None)
        if held is not None and held[1] == stamp:
            return held[0]
        if held is not None:
            held[0].close()
        setattr(self._local, name, None)
        index = TextIndex.load(self.path, wait=wait, keys=self._keys_of(stamp), cache_kib=self._cache_kib)
        if self._file_stamp() != stamp:
            # written or replaced while it opened: this connection may see either state, so it
            # reads keys of its own rather than share those of the stamp it was opened for
            index.keys = MeasureKeys()
        else:
            index.version = stamp
        setattr(self._local, name, (index, stamp))
        return index

    def _keys_of(self, stamp: Stamp) -> MeasureKeys:
        """The keys the readers of the file as of ``stamp`` share."""
        with self._lock:
            if self._keys is None or self._keys[0] != stamp:
                self._keys = (stamp, MeasureKeys())
            return self._keys[1]

    def warm(self) -> None:
        """Read what a server's first search or text question would otherwise wait for (the
        measures' keys: ~250 ms at 100k measures), when the file is usable."""
        index = self.get()
        if index is not None:
            index.keys.covering(index._db, index.last_number())

    def _check(self) -> bool:
        try:
            index = TextIndex.load(self.path)
        except (OSError, StaleIndex) as exc:
            log.warning("text index not used, searching by scan until the next ingest: %s", exc)
            return False
        try:
            held = len(index)
        finally:
            index.close()
        if self._graph_measures is not None and held != self._graph_measures():
            log.warning("%s covers %d measures, the graph holds %d: searching by scan until the next ingest",
                        self.path, held, self._graph_measures())
            return False
        return True
