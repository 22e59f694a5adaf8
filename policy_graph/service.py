"""Ingest -> graph in one call, shared by the CLI and the upload API."""
from __future__ import annotations

import logging
import multiprocessing
import os
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from graph.indexfile import pending_path, writer_lock
from graph.loader import LoadSummary, load_documents, load_reference, load_similarity, region_reference_row
from graph.store import GraphStore, StoreError
from ingest.errors import IngestError
from ingest.parallel import fork_pool, workers_for
from ingest.records import DocumentRecord
from ingest.regions import load_gazetteer
from ingest.replication import class_region_rows
from ingest.themes import load_taxonomy
from policy_graph import lookups, research
from policy_graph.gc_pause import cyclic_gc_paused
from policy_graph.isolated import Runner, die_with_parent, in_process
from policy_graph.pause_points import pause
from policy_graph.settings import text_index_beside

if TYPE_CHECKING:
    from graph.linker import Relink
    from graph.textindex import TextIndex

log = logging.getLogger(__name__)


@dataclass
class IngestReport:
    documents: list[DocumentRecord] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (file, reason)
    load: LoadSummary = field(default_factory=LoadSummary)
    similar_edges: int = 0
    timings: dict[str, float] = field(default_factory=dict)


def reference_rows() -> tuple[list[dict], list[dict]]:
    gazetteer = load_gazetteer()
    # Provinces, prefectures and the curated zones are the vocabulary loaded up front; the ~2,900
    # county-level divisions become nodes when a document names them (graph/loader.py), which
    # keeps a cold ingest from writing thousands of nodes no fact points at.
    regions = [region_reference_row(gazetteer, r.name) for r in gazetteer.regions()
               if r.level in ("country", "province", "prefecture") or r.curated]
    known = {r["name"] for r in regions}
    regions += [r for r in class_region_rows() if r["name"] not in known]  # replication targets
    themes = [{"key": t.key, "name_zh": t.name_zh, "name_en": t.name_en, "synonyms": list(t.synonyms),
               "practices": [p.as_dict() for p in t.practices]} for t in load_taxonomy().themes()]
    return regions, themes


def expand_paths(paths: Iterable[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.iterdir()
                                if p.suffix.lower() in {".txt", ".html", ".htm"} and p.is_file()))
        else:
            files.append(path)
    return files


def ingest_into(store: GraphStore, paths: Iterable[Path], *,
                progress: Callable[[str], None] | None = None,
                index_path: Path | None = None, workers: int = 1) -> IngestReport:
    """Read every file, load what parsed, link similar measures. Refused files change nothing.

    ``workers``: processes for parsing and linking (1: this one; 0: one per core, for a CLI run).
    """
    report = IngestReport()
    files = expand_paths(paths)
    with cyclic_gc_paused():  # a batch of long-lived objects without cycles (policy_graph/gc_pause.py)
        t0 = time.perf_counter()
        for file, record, error in parse_files(files, workers=workers, import_linker=True):
            if record is not None:
                report.documents.append(record)
            else:
                report.errors.append((str(file), error or ""))
            if progress:
                progress(file.name)
        report.timings["parse"] = time.perf_counter() - t0
        load_records(store, report, index_path=index_path, link_workers=workers)
    return report


# Fewer files than this parse in this process: a fork costs more than it saves.
PARALLEL_MIN_FILES = 32
_manifests: dict[Path, object] = {}


def parse_files(files: list[Path], workers: int = 1, import_linker: bool = False
                ) -> Iterator[tuple[Path, DocumentRecord | None, str | None]]:
    """(file, record, None) or (file, None, why it was refused) for each file, in order.

    ``workers`` as in ``ingest.parallel.workers_for``: a CLI run parses many files in forked
    workers (each file is independent); the records are the same either way. ``import_linker``:
    while the workers parse, this process (idle but for taking their records) imports the
    linker's libraries on a thread, so the link planner forked later inherits them.
    """
    _manifests.clear()  # a folder's manifest may have changed since the last call
    n = workers_for(len(files), workers, PARALLEL_MIN_FILES)
    if n < 2:
        for file in files:
            yield (file, *_parse(file))
        return
    with fork_pool(n) as pool:
        # started once the workers are forked (none inherits a half-done import), joined before
        # any later fork
        importing = threading.Thread(target=_import_linker, daemon=True) if import_linker else None
        if importing:
            importing.start()
        try:
            for file, result in zip(files, pool.imap(_parse, files, chunksize=8)):
                yield (file, *result)
        finally:
            if importing:
                importing.join()


def _import_linker() -> None:
    from graph.linker import import_engines

    import_engines()


def _parse(file: Path) -> tuple[DocumentRecord | None, str | None]:
    from ingest.pipeline import ingest_file, load_manifest

    pause("parse")
    if file.parent not in _manifests:
        _manifests[file.parent] = load_manifest(file.parent)
    try:
        return require_measures(ingest_file(file, _manifests[file.parent]), file.name), None
    except IngestError as exc:
        return None, str(exc)
    except FileNotFoundError:
        return None, "no such file"


def require_measures(document: DocumentRecord, name: str) -> DocumentRecord:
    """A text with no numbered measures has nothing to compare; loading it would only add an
    empty document, so it is refused like any other unusable file."""
    if not any(m.kind == "measure" for m in document.measures):
        raise IngestError(name, "no numbered measures found (expected items numbered like 一、 (一) 1. "
                                "or 第一条 at the start of a line); nothing was loaded")
    return document


def parse_upload(data: bytes, name: str, overrides: dict[str, str], max_bytes: int) -> DocumentRecord:
    """One uploaded file as a record, or IngestError saying why it cannot be loaded."""
    from ingest.pipeline import ingest_bytes

    pause("parse")
    return require_measures(ingest_bytes(data, name, overrides, max_bytes=max_bytes), name)


def load_records(store: GraphStore, report: IngestReport, *, index_path: Path | None = None,
                 link_workers: int = 1, run: Runner = in_process) -> None:
    """Load, link, index and checkpoint. ``link_workers`` > 1 (or 0: one per core) lets a big batch
    be linked in forked processes: right for a CLI run, never inside a threaded server. ``run``
    runs the linking and text-indexing computation (``isolated.in_child`` in a server)."""
    # one checkpoint, at the end, instead of one per few commits; a big CLI batch's links planned
    # in a fork while the graph loads
    with store.bulk_load(), links_ahead(report.documents, index_path, link_workers, run) as ahead:
        t0 = time.perf_counter()
        store.apply_schema()
        regions, themes = reference_rows()
        load_reference(store, regions, themes)
        report.load = load_documents(store, report.documents, {r["name"] for r in regions})
        report.timings["load"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        report.similar_edges, added = link_and_index(store, report.documents, index_path, ahead, link_workers, run)
        report.timings["link"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        pause("checkpoint")
        store.checkpoint()
        report.timings["checkpoint"] = time.perf_counter() - t0
    if index_path:
        # Last, once the graph is checkpointed: a measure's detail reads only committed facts (its
        # own document's), and nothing written after needs it. Killed before, they stay stamped
        # older and a start keeps them.
        t0 = time.perf_counter()
        keep_measure_details(store, text_index_path(index_path), report.documents, added)
        report.timings["details"] = time.perf_counter() - t0


text_index_path = text_index_beside  # the rule is Settings'; the name stays for callers


def link_and_index(store: GraphStore, documents: list[DocumentRecord], index_path: Path | None,
                   ahead: LinksAhead | None, workers: int = 1, run: Runner = in_process) -> tuple[int, int]:
    """Once the graph holds the documents: their similar-to links (planned ``ahead`` in a batch,
    here otherwise), the text index and the adoption summaries; the number of edges written, and
    of measures the text index gained."""
    if ahead is None:
        linked = link_new(store, documents, index_path, workers, run)
        added = index_and_summarise(store, documents, index_path, run)
    else:
        # The text index and the summaries come from the committed measures, not from the links:
        # written while the fork is still planning, the edges go in after them.
        added = index_and_summarise(store, documents, index_path, run)
        linked = ahead.write(store)
    if index_path:  # the regions' answers hold similar pairs: kept once the edges are in
        keep_similar(store, text_index_path(index_path), linked)
        keep_region_answers(store, text_index_path(index_path), documents, added, linked.sources)
    return linked.edges, added


def index_and_summarise(store: GraphStore, documents: list[DocumentRecord], index_path: Path | None,
                        run: Runner = in_process) -> int:
    """Extend the text index beside ``index_path`` with the documents' measures, then the
    adoption summaries; both derive from the measures the graph holds (committed before this).
    Returns how many measures the text index gained."""
    if not index_path:
        return 0
    path = text_index_path(index_path)
    added = index_text(documents, path, store, run)
    summarise_adoption(store, path, documents, added)
    keep_flows(store, path, documents, added)
    return added


def index_text(documents: list[DocumentRecord], path: Path, store: GraphStore | None = None,
               run: Runner = in_process) -> int:
    """Add the documents' measures to the text index once the graph holds them. An index that
    then does not cover the graph's measures (a run that died between the two, an index of an
    older format, an unreadable file) is rebuilt from the graph's measures."""
    rows = [{"id": m.id, "document": doc.id, "ordinal": m.ordinal, "title": m.title, "text": m.text,
             "region": m.region, "date": doc.date, "document_title": doc.title, "date_source": doc.date_source,
             "agencies": _agency_lines(m), "label": m.label, "section": m.section}
            for doc in documents for m in doc.measures if m.kind == "measure"]
    graph_count = _graph_measure_count(store) if store is not None else None
    # One writer at a time extends (or rebuilds) the file: a second one waits for the lock.
    with writer_lock(path):
        added = run(extend_text_index, path, rows, graph_count, None)
        if added is None:  # the file must be rebuilt, from measures only the graph can list
            added = run(extend_text_index, path, rows, graph_count, graph_measures_for_text_index(store))
    Path(str(path.with_suffix(".textindex"))).unlink(missing_ok=True)  # the pickled index it replaces
    return added


def summarise_adoption(store: GraphStore, path: Path, documents: list[DocumentRecord] | None = None,
                       added: int = 0) -> None:
    """Each theme's adopters (per region and way: count and first measures), then each theme's
    and practice's whole answer, computed once the graph and the text index hold the new
    measures and kept in the index file: a theme or practice question is then a lookup. When they
    were current before this ingest's ``added`` (> 0) measures, only the themes and practices of
    ``documents`` are computed again (their adopters change only through measures, and
    replications of measures, that carry them); otherwise all are. A run killed before this
    leaves them stamped with fewer measures than the index holds: they are not used, and the next
    ingest (or a server's start) writes them all again."""
    from policy_graph.limits import PER_REGION_MAX

    with _text_index_to_write(path) as index:
        if index is None:
            return
        taxonomy = load_taxonomy()
        every = {"theme": [t.key for t in taxonomy.themes()], "practice": [p.key for p in taxonomy.practices()]}
        touched = {"theme": {t.key for doc in documents or () for m in doc.measures for t in m.themes},
                   "practice": {p.key for doc in documents or () for m in doc.measures for p in m.practices}}

        def current_before(kind: str) -> bool:
            # new documents change no other document's facts; a re-ingest (nothing added) may,
            # with newer extraction rules, so it computes every key again
            return documents is not None and added > 0 and index.adoption_stamp(kind) == index.last_number() - added

        partial = current_before("theme")
        keys = [k for k in every["theme"] if k in touched["theme"]] if partial else every["theme"]
        groups: dict[str, list[dict]] = {key: [] for key in keys}
        for row in store.run("adopters_themes_regions", {"themes": keys, "per_region": PER_REGION_MAX}):
            groups[row.pop("theme")].append(row)
        # then each theme's and practice's whole answer, a theme's read from those summaries as a
        # request reads them (later transactions: answers stamped older than the measures are not used)
        answers_partial = {kind: current_before("answer:" + kind) for kind in every}
        index.set_adoption("theme", groups, replace_all=not partial)
        for kind, keys in every.items():
            if answers_partial[kind]:
                keys = [k for k in keys if k in touched[kind]]
            index.set_answers(kind, research.kept_answers(store, index, kind, keys),
                              replace_all=not answers_partial[kind])


def keep_flows(store: GraphStore, path: Path, documents: list[DocumentRecord] | None = None,
               added: int = 0) -> None:
    """The graph's region flows and provinces' places, kept in the text index for replication
    paths to walk there. A flow is stated by one document, so when they were current before this
    ingest's ``added`` measures only the ``documents``' flows are read again (at 100k measures all
    35k flows took 0.6-1.0 s to read and write, each region's hop rows 0.27 s of it); otherwise
    every flow is. Killed before this, they stay stamped with fewer measures than the index
    holds: paths walk the graph until they are kept."""
    with _text_index_to_write(path) as index:
        if index is None:
            return
        partial = documents is not None and added > 0 and \
            index.adoption_stamp("answer:flow") == index.last_number() - added
        ids = sorted({doc.id for doc in documents or ()})
        try:
            flows = store.run("flows_of_documents", {"documents": ids}) if partial else store.run("flows_all", {})
            index.set_flows(flows, store.run("province_places", {}), ids if partial else None)
        except StoreError as exc:  # derived from the graph, as the regions' answers
            log.warning("region flows not kept (%s): paths walk the graph until they are", exc)


def keep_measure_details(store: GraphStore, path: Path, documents: list[DocumentRecord] | None = None,
                         added: int = 0) -> None:
    """Each measure's detail as /api/measures/{id} sends it (lookups.kept_measure_details),
    computed once the graph holds the measures' facts and kept in the text index: a measure's
    page is then one lookup. A measure's detail reads only its own document's facts, so when they
    were current before this ingest's ``added`` measures (a re-ingest adds none; the text index
    dropped its documents' details as it wrote their measures again), only the ``documents``' are
    computed again; otherwise (a rebuilt index, a killed writer) every document's are.
    Killed before this, they stay stamped with fewer measures than the index holds: not used,
    and written again as the summaries are."""
    with _text_index_to_write(path) as index:
        if index is None:
            return
        partial = documents is not None and index.adoption_stamp("answer:measure") == index.last_number() - added
        ids = sorted({doc.id for doc in documents or ()}) if partial else \
            [d["id"] for d in store.run("documents_titles", {})]
        try:
            # computed as they are written, in one transaction: a statement refused leaves none
            measures = sum(len(doc.measures) for doc in documents or ()) if partial else None
            index.set_details(lookups.kept_measure_details(store, ids, measures), ids if partial else None)
        except StoreError as exc:  # derived from the graph, as the regions' answers below
            log.warning("measures' details not kept (%s): measures are read from the graph until they are", exc)


def begin_similar_write(store: GraphStore, path: Path) -> None:
    """Before the graph's similar-to edges are written: the text index's copy of them is not used
    until keep_similar has kept the new ones (a run killed in between leaves it unused, and the
    next ingest or start keeps every edge again)."""
    with _text_index_to_write(path) as index:
        if index is not None:
            # a first ingest's graph holds none: its edges are then kept from the linker's, where
            # reading them back from the graph took 2.4 s at 100k measures
            index.begin_similar_write(none_in_graph=not index.similar_current() and
                                      store.run("similar_edge_count", {})[0]["n"] == 0)


SIMILAR_KEEP_BATCH = 200  # documents whose edges are read at a time when every edge is kept again


def keep_similar(store: GraphStore, path: Path, linked: Linked | None = None) -> None:
    """The graph's similar-to edges kept in the text index, where a measure's subgraph reads its
    similar measures: the edges the ``linked`` measures were written with, in place of theirs,
    when the kept edges held the graph's before (begin_similar_write); otherwise (none given, a
    new or rebuilt index, a run killed half-way) every edge, read from the graph."""
    with _text_index_to_write(path) as index:
        if index is None:
            return
        if linked is not None:
            if not linked.sources and index.similar_current():
                return  # nothing written, and the kept edges are the graph's
            if index.keep_similar(((e.src, e.dst, float(e.score)) for e in linked.written), linked.sources):
                return
        try:
            documents = [d["id"] for d in store.run("documents_titles", {})]
            index.keep_similar((row["src"], row["dst"], row["score"])
                               for i in range(0, len(documents), SIMILAR_KEEP_BATCH)
                               for row in store.run("similar_edges_of_documents",
                                                    {"documents": documents[i:i + SIMILAR_KEEP_BATCH]}))
        except StoreError as exc:  # derived from the graph, as the regions' answers below
            log.warning("similar-to edges not kept (%s): subgraphs read them from the graph until they are", exc)


def keep_region_answers(store: GraphStore, path: Path, documents: list[DocumentRecord] | None = None,
                        added: int = 0, linked: Iterable[str] = ()) -> None:
    """Each region's part of a comparison (its themes and the similar pairs its measures start:
    research.kept_region_answers), computed once the graph holds the similar-to edges and kept
    in the text index: comparing regions, or a region's profile, then reads them. When they
    were current before this ingest's ``added`` measures, only the regions the ``documents``
    name and those of the ``linked`` measures (whose similar pairs were written again) are
    computed again; otherwise every region is. Killed before this, they stay stamped with fewer
    measures than the index holds: not used, and written again as the summaries are."""
    with _text_index_to_write(path) as index:
        if index is None:
            return
        partial = documents is not None and added > 0 and \
            index.adoption_stamp("answer:region") == index.last_number() - added
        try:
            regions = _regions_to_keep(store, documents or [], linked, partial)
            # computed as they are written, in one transaction: a statement refused leaves none
            index.set_answers("region", research.kept_region_answers(store, regions), replace_all=not partial,
                              keys=regions)
            # every name, at every ingest: a document may bring regions it does not touch (a
            # province above a new city) and the graph's list is a few thousand names
            index.set_region_names(r["name"] for r in store.run("region_names", {"limit": 1 << 40}))
        except StoreError as exc:
            # The documents are in the graph, and these answers derive from it: an upload does not
            # fail for them. Stamped older, they are not used (comparisons walk the graph), and the
            # next ingest or start computes them all. Seen with the smallest buffer pool (64 MiB),
            # whose pages an upload's own writes still held (tests/test_buffer_pool.py).
            log.warning("regions' answers not kept (%s): comparisons read the graph until they are", exc)


@contextmanager
def _text_index_to_write(path: Path) -> Iterator[TextIndex | None]:
    """The text index file at ``path`` open for writing, closed afterwards; None when there is
    none, or none of this format (it is rebuilt elsewhere)."""
    from graph.textindex import StaleIndex, TextIndex

    try:
        index = TextIndex(path) if path.exists() else None
    except StaleIndex:
        index = None
    try:
        yield index
    finally:
        if index is not None:
            index.close()


def _regions_to_keep(store: GraphStore, documents: list[DocumentRecord], linked: Iterable[str],
                     partial: bool) -> list[str]:
    """Every region, or (``partial``) those the documents name and those of the ``linked`` measures."""
    if not partial:
        return [r["name"] for r in store.run("region_list", {"include_all": True, "limit": 1 << 40})]
    rows = store.run("regions_touched", {"documents": sorted({doc.id for doc in documents}), "ids": sorted(linked)})
    return [r["region"] for r in rows if r["region"]]


def _graph_measure_count(store: GraphStore) -> int:
    return int(store.run("measure_count", {"kind": "measure", "region": "", "document": ""})[0]["total"])


def extend_text_index(path: Path, rows: list[dict], graph_count: int | None,
                      graph_rows: list[dict] | None) -> int | None:
    """Add ``rows`` to the index file at ``path``. None: the file cannot be used or does not then
    hold ``graph_count`` measures, and ``graph_rows`` (every measure of the graph) were not given
    to rebuild it from."""
    from graph.textindex import StaleIndex, TextIndex, rebuild

    pause("text-index")
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        index = TextIndex(path)
    except StaleIndex:
        index = None
    if index is not None:
        try:
            added = index.add(rows)
            if graph_count is None or len(index) == graph_count:
                return added
        except sqlite3.DatabaseError as exc:  # damaged past its header: rebuilt like a stale one
            log.warning("text index %s cannot be extended: %s", path, exc)
        finally:
            index.close()
    if graph_rows is None:
        return None
    return rebuild(path, graph_rows)


def _agency_lines(measure) -> dict:
    """The measure's lead and support agencies as its LED_BY lines in the graph give them
    (graph/loader.py writes one per agency that is not a mention, at its printed position)."""
    from policy_graph.research import agency_lines

    return agency_lines({"role": a.role, "position": position, "name": a.name, "printed": a.printed,
                         "region": a.region} for position, a in enumerate(measure.agencies) if a.role != "mention")


def graph_measures_for_text_index(store: GraphStore) -> list[dict]:
    """Every measure of the graph as the text index wants it (to rebuild an index)."""
    from policy_graph.research import agency_lines

    documents = {d["id"]: d for d in store.run("documents_titles", {})}
    lines: dict[str, list[dict]] = {}
    for row in store.run("measures_led_by", {}):
        lines.setdefault(row["id"], []).append(row)
    out = []
    for m in store.run("measures_for_text_index", {}):
        doc = documents.get(m["document"]) or {}
        out.append({**m, "document_title": doc.get("title"), "date_source": doc.get("date_source"),
                    "agencies": agency_lines(lines.get(m["id"], ()))})
    return out


def similarity_rows(documents: list[DocumentRecord]) -> list[dict]:
    """The documents' measures as the linker takes them."""
    return [{"id": m.id, "region": m.region, "title": m.title, "text": m.text, "themes": [t.key for t in m.themes]}
            for doc in documents for m in doc.measures if m.kind == "measure"]


class Linked(NamedTuple):
    edges: int  # similar-to edges written
    sources: frozenset[str]  # the measures whose edges were written again
    written: Sequence[Any] = ()  # those edges (graph.linker.SimilarEdge), for the text index to keep


NOTHING_LINKED = Linked(0, frozenset())


def link_new(store: GraphStore, documents: list[DocumentRecord], index_path: Path | None,
             workers: int = 1, run: Runner = in_process) -> Linked:
    """Re-link only what changed: new measures and those whose top matches they displace."""
    measures = similarity_rows(documents)
    if not measures:
        return NOTHING_LINKED
    if index_path is None:
        plan = run(plan_links, measures, None, None, workers)
        return _loaded(store, plan) if plan else NOTHING_LINKED
    # One writer at a time reads, extends and replaces the index; the extension goes to a name of
    # its own, so a writer that died half-way can never leave it where another one looks.
    with writer_lock(index_path):
        pending = pending_path(index_path)
        try:
            plan = run(plan_links, measures, index_path, pending, workers)
            return write_links(store, plan, measures, index_path, pending, workers, run)
        finally:
            pending.unlink(missing_ok=True)


def _loaded(store: GraphStore, plan: Relink) -> Linked:
    loaded = load_similarity(store, plan.edges, plan.replace_sources)
    return Linked(loaded, frozenset(plan.replace_sources) | {e.src for e in plan.edges}, plan.edges)


def write_links(store: GraphStore, plan: Relink | None | bool, measures: list[dict], index_path: Path,
                pending: Path, workers: int = 1, run: Runner = in_process) -> Linked:
    """Write ``plan_links``' answer: its edges into the graph, then its extended index (``pending``)
    over the index. The caller holds the index's writer lock."""
    if plan is False:  # the index file cannot be read: rebuilt from every measure of the graph
        plan = run(plan_links, measures, index_path, pending, workers, store.run("measures_for_similarity", {}))
    if plan is None:
        return NOTHING_LINKED
    begin_similar_write(store, text_index_path(index_path))
    loaded = _loaded(store, plan)
    # The extended index becomes the index only once its edges are in the graph: a run
    # killed before this point leaves the new measures out of it, so the next run links
    # them again instead of skipping them.
    if pending.exists():
        pause("pending")
        os.replace(pending, index_path)
    return loaded


# Fewer measures than this are planned after the load, in this process. Beside the load the
# planner slows it (the two share two cores), and below this it gained nothing: 3,000 synthetic
# measures took 8.9-9.1 s planned ahead against 8.8-9.2 s after, the founding corpus (101) 0.6 s
# longer; at 10,000 load + link took 10.3 s against 16.0 s on a quiet machine (BENCHMARKS.md).
LINK_AHEAD_MIN_MEASURES = 4000


class LinksAhead:
    """A command-line batch's similar-to links planned in a forked process while this one loads
    the graph (``links_ahead``); ``write`` puts them in once the graph holds the measures."""

    def __init__(self, measures: list[dict], index_path: Path, pending: Path, workers: int, pool) -> None:
        self.measures, self.index_path, self.pending, self.workers = measures, index_path, pending, workers
        self._planned = pool.apply_async(_plan_timed, (measures, index_path, pending, workers))
        self.compute_seconds = self.compute_cpu_seconds = 0.0  # the planning's own, in the fork

    def write(self, store: GraphStore) -> Linked:
        pause("link")  # as plan_links does where it runs after the load: the measures have committed
        plan, self.compute_seconds, self.compute_cpu_seconds = self._planned.get()
        return write_links(store, plan, self.measures, self.index_path, self.pending, self.workers)


@contextmanager
def links_ahead(documents: list[DocumentRecord], index_path: Path | None, workers: int,
                run: Runner) -> Iterator[LinksAhead | None]:
    """Start planning the documents' similar-to links now, in a forked process, when a
    command-line batch may fork (``workers`` != 1, ``run`` in this process); None otherwise.

    Planning reads only the new measures and the similarity index file, never the graph, while
    the load that comes next runs on one core and holds the interpreter (LadybugDB's statements
    and the loader's rows): the fork plans on the other core, scikit-learn's import included,
    and what is left after the load is the text index, the summaries and writing the edges
    (``link_and_index``). Nothing changes in what is
    written, or in its order: the edges go into the graph after its measures, the extended
    index replaces the old one after its edges (``write_links``), and the index's writer lock
    is held from before the plan reads the index until then. A server never forks (its threads'
    locks), and plans after its load in a child of its own (``link_new``)."""
    measures = similarity_rows(documents)
    if index_path is None or run is not in_process or \
            workers_for(len(measures), workers, LINK_AHEAD_MIN_MEASURES) < 2:
        yield None
        return
    with writer_lock(index_path):
        pending = pending_path(index_path)
        # The child dies with this process (die_with_parent): a killed ingest leaves no planner
        # holding the lock's descriptor, which the fork shares.
        pool = multiprocessing.get_context("fork").Pool(1, initializer=die_with_parent, initargs=(os.getpid(),))
        try:
            yield LinksAhead(measures, index_path, pending, workers, pool)
        finally:
            pool.terminate()  # ended before the lock goes; a plan nobody waited for (the load failed) is dropped
            pool.join()
            pending.unlink(missing_ok=True)


def _plan_timed(measures: list[dict], index_path: Path, pending: Path,
                workers: int) -> tuple[Relink | None | bool, float, float]:
    """plan_links without its pause (the parent pauses once the measures have committed), and
    the wall and CPU seconds it took."""
    t0, c0 = time.perf_counter(), time.process_time()
    plan = plan_links(measures, index_path, pending, workers, paused=False)
    return plan, time.perf_counter() - t0, time.process_time() - c0


def plan_links(measures: list[dict], index_path: Path | None, pending: Path | None,
               workers: int = 1, graph_rows: list[dict] | None = None, paused: bool = True) -> Relink | None | bool:
    """The similar-to edges to write for ``measures`` not yet in the index at ``index_path``; the
    index extended with them is written to ``pending``. None: every measure is already linked.
    False: the index file cannot be read and ``graph_rows`` (every measure of the graph, these
    included) were not given to rebuild it from; given, every measure is linked afresh.
    ``paused``: a test may hold the run here (the "link" pause point)."""
    from graph.linker import Relink, SimilarityIndex

    if paused:
        pause("link")
    if graph_rows is not None:
        index = SimilarityIndex()
        index.add(graph_rows)
        plan = Relink(index.link(workers=workers), {str(m["id"]) for m in graph_rows})
        if pending:
            index.save(pending)
        return plan
    try:
        index = SimilarityIndex.load(index_path) if index_path and index_path.exists() else SimilarityIndex()
    except ValueError as exc:
        log.warning("similarity index rebuilt from the graph: %s", exc)
        return False
    # A measure id hashes its document's bytes: a known id is text already linked. Re-adding it
    # would shuffle near-tied neighbours of other measures, so ingesting twice would not be idempotent.
    measures = [m for m in measures if m["id"] not in index]
    if not measures:
        return None
    index.add(measures)
    plan = index.relink_changed([m["id"] for m in measures], workers)
    if pending:
        index.save(pending)
    return plan


def repair_indexes(store: GraphStore, index_path: Path, run: Runner = in_process) -> list[str]:
    """Rebuild from the graph each index file beside it that cannot be loaded or does not hold the
    graph's measures (a writer killed half-way, a file damaged or copied without its graph), so a
    server starts with indexes it can use instead of finding out at the next upload. A readable
    similarity index that only lacks measures (an upload killed after its document committed) is
    extended with them, as that upload would have; one that cannot be read, or holds measures the
    graph does not, is built afresh. Returns the names of the files repaired; a graph with no
    measures needs none."""
    graph_count = _graph_measure_count(store)
    if graph_count == 0:
        return []
    rebuilt = []
    with writer_lock(index_path):
        graph_rows = None
        # in ``run``'s process (a server's: a child): reading the ids parses the index's whole
        # description (74 MiB of JSON at 100k measures), which took a server's peak RSS from
        # ~200 to ~900 MiB at start-up, above all its load afterwards (bench/FIXES.md)
        held = run(_similarity_ids, index_path)
        if held is None or len(held) != graph_count:
            graph_rows = store.run("measures_for_similarity", {})
        if graph_rows is not None:
            missing = [m for m in graph_rows if held is not None and m["id"] not in held]
            graph_ids = {m["id"] for m in graph_rows}
            pending = pending_path(index_path)
            try:
                if held is not None and held <= graph_ids:
                    # measures a killed upload committed but never linked: linked now, as an upload
                    # links its own (the rest of the index stays)
                    plan = run(plan_links, missing, index_path, pending, 1)
                else:  # unreadable, or it holds measures the graph lost: every measure afresh
                    plan = run(plan_links, [], index_path, pending, 1, graph_rows)
                if plan:
                    begin_similar_write(store, text_index_path(index_path))
                    load_similarity(store, plan.edges, plan.replace_sources)
                if pending.exists():
                    os.replace(pending, index_path)
            finally:
                pending.unlink(missing_ok=True)
            rebuilt.append(index_path.name)
    text_path = text_index_path(index_path)
    with writer_lock(text_path):
        if _text_needs_rebuild(text_path, graph_count):
            run(extend_text_index, text_path, [], graph_count, graph_measures_for_text_index(store))
            rebuilt.append(text_path.name)
    if len(rebuilt) > 0:
        _keep_every_answer(store, text_path)
        store.checkpoint()
        log.warning("rebuilt from the graph's %d measures: %s", graph_count, ", ".join(rebuilt))
    elif not _summaries_current(text_path):  # a writer killed after the measures, before these
        _keep_every_answer(store, text_path)
        log.warning("theme summaries and answers computed again for the graph's %d measures", graph_count)
    elif not _similar_current(text_path):  # a writer killed while the graph's similar-to edges were written
        keep_similar(store, text_path)
        log.warning("similar-to edges kept again for the graph's %d measures", graph_count)
    return rebuilt


def _keep_every_answer(store: GraphStore, text_path: Path) -> None:
    keep_similar(store, text_path)
    summarise_adoption(store, text_path)
    keep_flows(store, text_path)
    keep_measure_details(store, text_path)
    keep_region_answers(store, text_path)


def _similarity_ids(path: Path) -> set[str] | None:
    """The measure ids the similarity index file holds; None when it cannot be loaded."""
    from graph.linker import SimilarityIndex

    if not path.exists():
        return set()
    try:
        return SimilarityIndex.stored_ids(path)
    except ValueError as exc:
        log.warning("similarity index cannot be loaded: %s", exc)
        return None


@contextmanager
def _text_index_to_read(path: Path) -> Iterator[TextIndex | None]:
    """The text index file at ``path`` open for reading, closed afterwards; None when there is
    none that loads (it is rebuilt elsewhere)."""
    from graph.textindex import StaleIndex, TextIndex

    try:
        index = TextIndex.load(path)
    except (OSError, StaleIndex):
        yield None
        return
    try:
        yield index
    finally:
        index.close()


def _summaries_current(path: Path) -> bool:
    """Whether the text index's theme summaries and kept answers (themes, practices) cover every
    measure it holds (or there is no index to summarise into)."""
    with _text_index_to_read(path) as index:
        return index is None or (
            index.adoption_stamp("theme") == index.adoption_stamp("answer:theme")
            == index.adoption_stamp("answer:practice") == index.adoption_stamp("answer:region")
            == index.adoption_stamp("answer:measure") == index.adoption_stamp("answer:flow")
            == index.last_number())


def _similar_current(path: Path) -> bool:
    """Whether the text index's similar-to edges are the graph's (or there is no index to keep them in)."""
    with _text_index_to_read(path) as index:
        return index is None or index.similar_current()


def _text_needs_rebuild(path: Path, graph_count: int) -> bool:
    from graph.textindex import StaleIndex, TextIndex

    try:
        index = TextIndex.load(path)
    except (OSError, StaleIndex) as exc:
        log.warning("text index cannot be loaded: %s", exc)
        return True
    try:
        held = len(index)
    except sqlite3.DatabaseError as exc:  # a damaged page past the header
        log.warning("text index cannot be read: %s", exc)
        return True
    finally:
        index.close()
    if held != graph_count:
        log.warning("%s holds %d measures, the graph %d", path, held, graph_count)
        return True
    return False
