"""Named queries: one ``queries/<name>.cypher`` file per question.

A backend that speaks a different dialect may ship ``queries/<backend>/<name>.cypher``
with the same name and parameters; it is preferred when present.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

QUERY_DIR = Path(__file__).resolve().parent.parent / "queries"
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


class UnknownQuery(KeyError):
    pass


@lru_cache(maxsize=None)
def load_query(name: str, backend: str = "ladybug") -> str:
    if not _NAME.match(name):
        raise UnknownQuery(name)
    for path in (QUERY_DIR / backend / f"{name}.cypher", QUERY_DIR / f"{name}.cypher"):
        if path.is_file():
            return path.read_text(encoding="utf-8").strip().rstrip(";")
    raise UnknownQuery(name)


def declared_params(text: str) -> set[str]:
    return set(re.findall(r"\$([A-Za-z_][A-Za-z0-9_]*)", text))


_WRITTEN_LIMIT = re.compile(r"\bLIMIT\s+(\d+)\s*$")


@lru_cache(maxsize=None)
def written_cap(text: str) -> int | None:
    """The row cap a statement's text ends with when it is written in (``LIMIT 801``), None when
    it is a parameter or there is none. LadybugDB plans a statement again at every run when its
    LIMIT is a parameter (~0.6-1 ms of a statement that reads a few rows); a written-in cap keeps
    the plan, and the plan kept on each pooled connection holds a little of the buffer pool, so
    only statements that read a node's few rows carry one (queries/subgraph_out_measure_one.cypher,
    queries/similar_of.cypher)."""
    found = _WRITTEN_LIMIT.search(text)
    return int(found.group(1)) if found else None
