"""A search's JSON is SearchPage's (the route's documented response), written without pydantic:
the same bytes as the model's dump, for answers read from the text index and from the graph,
with and without a topic or a region named, and for text needing escapes."""
from __future__ import annotations

import pytest

from api.models import SearchPage
from api.search_json import search_json
from policy_graph import lookups
from policy_graph.research import Trace

QUERIES = ["知识产权", "知识产权质押融资", "銀稅互動", "bank-tax interaction", "厦门", "廈門", "Xiamen", "武汉 企业",
           "创新", "的", "“", "zzzz 不存在的词", "IP pledge financing", "自贸", "海关 通关", "一"]


@pytest.mark.parametrize("with_index", [True, False], ids=["text index", "graph"])
def test_search_bytes_are_the_models(corpus, with_index):
    store, index = corpus
    seen_topic = seen_region = seen_items = False
    for q in QUERIES:
        for limit in (1, 20, 500):
            answer = lookups.search(Trace(store, text_index=index if with_index else None), q, limit)
            assert search_json(answer) == SearchPage(**answer).model_dump_json().encode(), (q, limit)
            seen_topic |= answer["topic"] is not None
            seen_region |= bool(answer["regions"])
            seen_items |= bool(answer["items"])
    assert seen_topic and seen_region and seen_items  # every part of the shape was compared


def test_escapes_are_the_models():
    text = "控制\x00\x01\x08\t\n\x0b\x0c\r\x1f\x7f 引号\" 反斜杠\\ \u2028\u2029 😀 é"
    item = {"id": "d-001", "region": text, "document": "d", "label": "（一）", "section": text,
            "title": text, "text": text}
    answer = {"query": text, "items": [item, {**item, "kind": "goal"}], "total": 2,
              "topic": {"kind": "practice", "theme": {"key": "k", "name_zh": text, "name_en": None},
                        "practice": {"key": "p", "aliases": [text]}, "region_count": 3, "adopters": "/api/adopters?q=p"},
              "regions": [{"name": text, "full_name": None, "name_en": "Xiamen", "level": "prefecture",
                           "parent": "福建", "parents": ["福建"], "aliases": ["x"], "kind": "city"}]}
    assert search_json(answer) == SearchPage(**answer).model_dump_json().encode()
