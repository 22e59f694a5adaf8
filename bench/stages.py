"""The ingest of one corpus, run with the project's own functions, measured stage by stage.

The same calls `policy-graph ingest` makes (pipeline.ingest_file per file, then the loader,
then the linker through policy_graph.service), in the same order, with a clock and a memory
sampler around each phase. The pipeline keeps its own per-document stage clock
(DocumentRecord.timings); its read/normalise, structure and extraction parts are reported
from that clock, inside the parse phase whose memory peak they share.
"""
from __future__ import annotations

import time
from pathlib import Path

from bench.rss import StageTimer, cpu_time

# pipeline clock names -> benchmark stages
STAGE_OF = {"read": "read/normalise", "normalise": "read/normalise", "structure": "segment",
            "metadata": "extract", "agencies": "extract", "dates": "extract", "themes": "extract",
            "replications": "extract", "regions": "extract"}


def ingest_by_stage(files: list[Path], db: Path, timer: StageTimer) -> tuple[list, list[tuple[str, str]]]:
    from graph.store import open_store
    from graph.loader import load_documents, load_reference
    from policy_graph.gc_pause import cyclic_gc_paused
    from policy_graph.isolated import in_process
    from policy_graph.service import (IngestReport, keep_measure_details, link_and_index, links_ahead, parse_files,
                                      reference_rows, text_index_path)

    records, errors = [], []
    sub: dict[str, float] = {}
    # Dictionaries load once per process: jieba-rs's for the linker, Python jieba's for the floor.
    # The floor is measured with its dictionary loaded, so the ingest is too, and the loads show
    # as a row of their own.
    with timer.stage(SETUP_STAGE):
        from graph.tokenize import tokenizer_signature

        tokenizer_signature()
        _warm_jieba()
    # as service.ingest_into: no cyclic garbage collection from the parse to the checkpoint
    with cyclic_gc_paused():
        with timer.stage("parse"):
            for file, rec, error in parse_files(files, workers=0, import_linker=True):  # as the CLI does
                if rec is None:
                    errors.append((str(file), error or ""))
                    continue
                records.append(rec)
                for name, seconds in (rec.timings or {}).items():
                    stage = STAGE_OF.get(name)
                    if stage:
                        sub[stage] = sub.get(stage, 0.0) + seconds
        parse = timer.stages.pop("parse")
        accounted = sum(sub.values())
        # time the pipeline's clock does not see (per-file bookkeeping) is shared out pro rata
        scale = parse["seconds"] / accounted if accounted else 1.0
        cpu_scale = parse["cpu_seconds"] / parse["seconds"] if parse["seconds"] else 1.0
        for stage in ("read/normalise", "segment", "extract"):
            seconds = sub.get(stage, 0.0) * scale
            timer.stages[stage] = {"seconds": seconds, "cpu_seconds": seconds * cpu_scale,
                                   "peak_rss_mib": parse["peak_rss_mib"]}

        store = open_store("ladybug", path=db)
        try:
            simindex = Path(str(db) + ".simindex")
            # as service.load_records: one checkpoint, at the end; the CLI's links planned in a
            # forked process while the graph loads (service.links_ahead)
            with store.bulk_load(), links_ahead(records, simindex, 0, in_process) as ahead:
                report = IngestReport(documents=records)
                with timer.stage("load"):
                    store.apply_schema()
                    regions, themes = reference_rows()
                    load_reference(store, regions, themes)
                    report.load = load_documents(store, records, {r["name"] for r in regions})
                with timer.stage("link"):
                    _, added = link_and_index(store, records, simindex, ahead, 0)  # as the CLI does
                    store.checkpoint()
                if ahead is not None:  # a batch big enough to plan its links beside the load
                    # the planner's CPU is the link stage's, though it ran beside the load (its wall time did)
                    timer.stages["link"]["cpu_seconds"] += ahead.compute_cpu_seconds
                    timer.stages["link"]["linker_compute_seconds"] = ahead.compute_seconds
                    timer.stages["link"]["linker_compute_cpu_seconds"] = ahead.compute_cpu_seconds
                    timer.stages["link"]["planned_ahead"] = True
            with timer.stage("link"):  # as service.load_records: the measures' details, after the checkpoint
                keep_measure_details(store, text_index_path(simindex), records, added)
        finally:
            store.close()
    return records, errors


SETUP_STAGE = "dictionary loads, jieba-rs and jieba (once per process)"


def _warm_jieba() -> None:
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    jieba.lcut("创新监管服务模式,对跨境研发服务贸易实行便利的付汇政策。")  # loads the HMM tables too


def jieba_floor(files: list[Path]) -> tuple[float, float]:
    """`jieba.lcut` over the same text, dictionary already loaded: the cost of merely segmenting it."""
    import jieba

    _warm_jieba()
    texts = [f.read_text(encoding="utf-8", errors="replace") for f in files]
    started, cpu_started = time.perf_counter(), time.process_time()
    for text in texts:
        jieba.lcut(text)
    return time.perf_counter() - started, time.process_time() - cpu_started


def link_scaling(records: list, full: dict, repeats: int = 3) -> dict:
    """Linker time at N = a quarter of the measures, beside 4N = all of them, both measured the
    same way: SimilarityIndex.add + relink_changed in memory on one thread, after a warm-up run
    (the first run pays for imports and first-call set-up: it took twice the CPU of the next
    ones at N = 2500), the median of ``repeats`` runs of each. The goal is judged on CPU time: on
    a machine shared with other work wall times moved the ratio between 3.9 and 5.8 from run to
    run. ``full``: the link stage of the ingest, whose own linker time is reported beside.
    """
    import statistics

    from graph.linker import SimilarityIndex

    measures = [{"id": m.id, "region": m.region, "title": m.title, "text": m.text,
                 "themes": [t.key for t in m.themes]}
                for d in records for m in d.measures if m.kind == "measure"]
    part = measures[: max(1, len(measures) // 4)]

    def once(ms: list[dict], **options) -> tuple[float, float, list, str]:
        index = SimilarityIndex(**options)
        started, cpu_started = time.perf_counter(), cpu_time()
        index.add(ms)
        edges, _ = index.relink_changed([m["id"] for m in ms], workers=1)
        return time.perf_counter() - started, cpu_time() - cpu_started, edges, index.stats["search"]

    once(part[:200])  # warm-up
    points = []
    for ms in (part, measures):
        runs = [once(ms) for _ in range(repeats)]
        points.append({"measures": len(ms), "workers": 1, "repeats": repeats, "search": runs[0][3],
                       "seconds": round(statistics.median(r[0] for r in runs), 3),
                       "cpu_seconds": round(statistics.median(r[1] for r in runs), 3),
                       "cpu_runs": [round(r[1], 3) for r in runs], "edges": len(runs[0][2])})
        if runs[0][3] == "clusters" and len(ms) <= EXACT_CHECK_MAX:
            points[-1]["against_exact"] = against_exact(runs[0][2], once(ms, exact_work_max=2**62))
    quarter, whole = points
    ratio = whole["seconds"] / quarter["seconds"] if quarter["seconds"] else None
    cpu_ratio = whole["cpu_seconds"] / quarter["cpu_seconds"] if quarter["cpu_seconds"] else None
    return {"points": points, "ratio": round(ratio, 2) if ratio else None,
            "cpu_ratio": round(cpu_ratio, 2) if cpu_ratio else None, "judged_on": "cpu",
            "in_ingest": {"seconds": full.get("linker_compute_seconds"),
                          "cpu_seconds": full.get("linker_compute_cpu_seconds")},
            "method": f"SimilarityIndex.add + relink_changed in memory on one thread (database writes "
                      f"excluded), median of {repeats} runs after a warm-up run"}


EXACT_CHECK_MAX = 25_000  # the exact product takes ~16 s here, 200 s at 100k: checked up to this size


def against_exact(edges: list, exact_run: tuple) -> dict:
    """How much of the exact search's top-k the clustered search kept: the share of its edges
    found, and the share of the clustered edges scoring at least the exact list's weakest edge
    less 0.01 (near-ties are interchangeable), with the exact run's CPU time."""
    _, cpu, exact, _ = exact_run
    want = {(e.src, e.dst) for e in exact}
    weakest: dict[str, float] = {}
    for e in exact:
        weakest[e.src] = min(weakest.get(e.src, e.score), e.score)
    got = {(e.src, e.dst) for e in edges}
    near = sum(1 for e in edges if e.src in weakest and e.score >= weakest[e.src] - 0.01)
    return {"exact_cpu_seconds": round(cpu, 3), "exact_edges": len(want),
            "exact_edges_found": round(len(want & got) / len(want), 4) if want else None,
            "within_001_of_exact": round(near / len(edges), 4) if edges else None}


def check_against_manifest(records: list, manifest) -> dict:
    """How many documents came back with exactly the generated measures and agencies."""
    by_file = {Path(r.path).name: r for r in records}
    docs_exact = measures = agency_exact = 0
    for doc in manifest.documents:
        rec = by_file.get(doc.file)
        if rec is None:
            continue
        got = [m for m in rec.measures if m.kind == "measure"]
        want = [m for m in doc.measures if m.kind == "measure"]
        if [m.label for m in got] == [m.label for m in want]:
            docs_exact += 1
            for g, w in zip(got, want):
                measures += 1
                lead = {a.printed for a in g.agencies if a.role == "lead"}
                support = {a.printed for a in g.agencies if a.role == "support"}
                agency_exact += (lead, support) == (set(w.lead), set(w.support))
    return {"documents": len(manifest.documents), "documents_exact": docs_exact,
            "measures_checked": measures,
            "agency_exact_share": round(agency_exact / measures, 4) if measures else None,
            "regions_exact": sum(1 for d in manifest.documents
                                 if d.file in by_file and by_file[d.file].region == d.region)}
