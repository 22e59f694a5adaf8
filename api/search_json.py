"""A search answer's JSON, as SearchPage (api/models.py) gives it, written by orjson.

The route kept building SearchPage from the answer and dumping it: pydantic's validation and
encoding were 70 us of a search's ~300 us of work at 10k measures (orjson alone: 14 us), 7 % of
the server's time under load. The answer's values are already the model's types (the text
index's and the graph's rows, lookups.search's topic), so only its shape is written here: the
model's fields in its order, its defaults where the answer has no value, nothing else. The model
stays the route's documented response; tests/test_search_json.py holds the bytes to its dump.
"""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import orjson

_MEASURE = ("id", "region", "document", "label", "section", "title", "text")  # MeasureOut, then kind
_REGION = ("name", "full_name", "name_en", "level", "parent")  # RegionOut, then measure_count, parents


def _measure(m: Mapping[str, Any]) -> dict[str, Any]:
    out = {k: m[k] for k in _MEASURE}
    out["kind"] = m.get("kind", "measure")
    return out


def _region(r: Mapping[str, Any]) -> dict[str, Any]:
    out = {k: r.get(k) for k in _REGION}
    out["measure_count"] = r.get("measure_count", 0)
    out["parents"] = r.get("parents")
    return out


def _topic(t: Mapping[str, Any] | None) -> dict[str, Any] | None:
    if t is None:
        return None
    return {"kind": t["kind"], "theme": t["theme"], "practice": t.get("practice"),
            "region_count": t["region_count"], "adopters": t["adopters"]}


def search_json(answer: Mapping[str, Any]) -> bytes:
    """lookups.search's answer as SearchPage's JSON."""
    return orjson.dumps({"items": [_measure(m) for m in answer["items"]], "total": answer["total"],
                         "query": answer["query"], "topic": _topic(answer.get("topic")),
                         "regions": [_region(r) for r in answer.get("regions") or ()]})
