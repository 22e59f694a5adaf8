"""Where ingest spends its time: cProfile over each phase, the hottest project functions kept.

Run at the quick size (make bench) so that a missed goal comes with the functions to look at.
Only functions of this repository and of the libraries doing the heavy lifting are listed, by
their own (exclusive) time and by cumulative time.
"""
from __future__ import annotations

import cProfile
import pstats
from pathlib import Path

ROOT = str(Path(__file__).resolve().parent.parent)


def _top(profile: cProfile.Profile, key: str, limit: int) -> list[dict]:
    stats = pstats.Stats(profile)
    rows = []
    for (file, line, func), (cc, nc, tt, ct, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        where = file.replace(ROOT + "/", "")
        if where.startswith(("<", "~")) and func.startswith("<built-in"):
            where = "builtin"
        rows.append({"function": f"{where}:{line}({func})" if where != "builtin" else func,
                     "calls": nc, "own_s": round(tt, 3), "cumulative_s": round(ct, 3)})
    rows.sort(key=lambda r: r[key], reverse=True)
    return rows[:limit]


def profile_ingest(files: list[Path], db: Path, limit: int = 8) -> dict:
    """Profile of parse, load and link for ``files`` into a fresh database ``db``."""
    from graph.linker import SimilarityIndex  # noqa: F401 - imported before timing starts
    from graph.loader import load_documents, load_reference
    from graph.store import open_store
    from ingest.pipeline import ingest_file, load_manifest
    from policy_graph.service import link_new, reference_rows

    out: dict[str, dict] = {}
    prof = cProfile.Profile()
    prof.enable()
    manifest = load_manifest(files[0].parent) if files else None
    records = [ingest_file(f, manifest) for f in files]
    prof.disable()
    out["parse"] = {"by_own_time": _top(prof, "own_s", limit)}
    store = open_store("ladybug", path=db)
    try:
        store.apply_schema()
        prof = cProfile.Profile()
        prof.enable()
        regions, themes = reference_rows()
        load_reference(store, regions, themes)
        load_documents(store, records, {r["name"] for r in regions})
        prof.disable()
        out["load"] = {"by_own_time": _top(prof, "own_s", limit)}
        prof = cProfile.Profile()
        prof.enable()
        link_new(store, records, Path(str(db) + ".simindex"))
        prof.disable()
        out["link"] = {"by_own_time": _top(prof, "own_s", limit)}
    finally:
        store.close()
    return out
