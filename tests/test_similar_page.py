"""A measure's similar measures (/api/measures/{id}/similar, the measure's page): the statement's
row cap is written into its text (graph/queries.py written_cap); every page, the largest the API
takes included, is still each similar measure's best edge, in score order."""
from __future__ import annotations

from collections import defaultdict

import pytest

from graph.queries import written_cap
from policy_graph import limits, research


def test_the_statement_reads_enough_rows_for_the_largest_page(corpus):
    store, _ = corpus
    # an edge may be stored both ways: a page of SIMILAR_MAX measures needs twice as many rows
    assert written_cap(store.query_text("similar_of")) >= 2 * limits.SIMILAR_MAX


@pytest.mark.parametrize("cross_region", [False, True])
@pytest.mark.parametrize("limit", [1, limits.SIMILAR, limits.SIMILAR_MAX])
def test_a_page_is_each_similar_measures_best_edge_in_score_order(corpus, cross_region, limit):
    store, _ = corpus
    region = {m["id"]: m["region"] for m in store.dump_nodes("Measure")}
    best: dict[str, dict[str, float]] = defaultdict(dict)
    for e in store.dump_rels("SIMILAR_TO"):
        for a, b in ((e["src"], e["dst"]), (e["dst"], e["src"])):
            best[a][b] = max(best[a].get(b, float("-inf")), float(e["score"]))
    assert best
    for measure, others in best.items():
        want = sorted(((-round(s, 4), o) for o, s in others.items()
                       if not cross_region or region[o] != region[measure]))[:limit]
        got = research.similar(research.Trace(store), measure, limit, cross_region)
        assert [(-r["score"], r["id"]) for r in got] == want, measure
