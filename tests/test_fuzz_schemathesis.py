"""Property-based fuzzing of every operation in the live server's OpenAPI schema: never a 5xx.

schemathesis generates the requests (valid ones, and invalid ones that must be refused with a 4xx);
hypothesis drives them. Bounded and derandomised so the run is repeatable and short. The upload
operation is fuzzed with a valid token, so its bodies reach the parser and the pipeline.

schemathesis' own pytest integration (``from_fixture``) does not run under pytest 9, so each
operation gets a plain pytest case that runs its strategy through hypothesis directly.
"""
from __future__ import annotations

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

from conftest import CORPUS
from fixtures.hostile import TOKEN, serving_uploads
from ingest.pipeline import document_id

EXAMPLES = {GenerationMode.POSITIVE: 25, GenerationMode.NEGATIVE: 15}
AUTH = {"Authorization": f"Bearer {TOKEN}"}
FOUNDING_COUNTS = {"厦门": 19, "福建": 7, "图们": 33, "武汉": 18, "云南": 24}


def _operations() -> dict[str, bool]:
    """Operations of the app as built now (no server needed), and whether each takes any input."""
    from api.app import create_app
    from policy_graph.settings import get_settings

    spec = create_app(get_settings()).openapi()
    return {f"{method.upper()} {path}": bool(op.get("parameters") or op.get("requestBody"))
            for path, item in spec["paths"].items() for method, op in item.items()
            if method in ("get", "post", "put", "patch", "delete")}


TAKES_INPUT = _operations()
OPERATIONS = sorted(TAKES_INPUT)
# An operation without parameters has no invalid request to generate.
CASES = [(label, mode) for label in OPERATIONS for mode in EXAMPLES
         if mode is GenerationMode.POSITIVE or TAKES_INPUT[label]]


@pytest.fixture(scope="module")
def fuzz_server(corpus_db, tmp_path_factory):
    with serving_uploads(corpus_db, tmp_path_factory.mktemp("fuzz")) as srv:
        yield srv


@pytest.fixture(scope="module")
def live_operations(fuzz_server) -> dict:
    schema = schemathesis.openapi.from_url(fuzz_server.base_url + "/openapi.json")
    ops = {}
    for result in schema.get_all_operations():
        op = result.ok()
        ops[op.label] = op
    return ops


def test_every_operation_is_fuzzed(live_operations):
    assert sorted(live_operations) == OPERATIONS
    assert len(OPERATIONS) >= 15


@pytest.mark.parametrize("label, mode", CASES, ids=[f"{label} {mode.value}" for label, mode in CASES])
def test_no_operation_answers_a_server_error(fuzz_server, live_operations, label, mode):
    operation = live_operations[label]
    seen = {"cases": 0}

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=EXAMPLES[mode], deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    def check(case):
        assert fuzz_server.proc.poll() is None, f"the server died before: {seen.get('last')}"
        seen["last"] = case.as_curl_command(headers=AUTH)
        response = case.call(base_url=fuzz_server.base_url, headers=AUTH, timeout=120)
        seen["cases"] += 1
        assert response.status_code < 500, (
            f"{case.method} {case.formatted_path} query={case.query!r} -> {response.status_code}: "
            f"{response.text[:300]}")
        if response.status_code >= 400:
            content_type = response.headers.get("content-type") or [""]
            assert content_type[0].startswith("application/json"), response.text[:200]

    try:
        check()
    except Unsatisfiable:
        if mode is GenerationMode.POSITIVE:
            raise
        pytest.skip("every request schemathesis can build for this operation is valid")
    assert seen["cases"] > 0


def test_the_fuzzed_server_is_still_healthy(fuzz_server):
    # uploads are fuzzed with a valid token, so documents may have been added; none of the founding
    # corpus may be lost or changed
    docs = httpx.get(fuzz_server.base_url + "/api/documents", timeout=30).json()
    ids = {document_id(p.read_bytes()) for p in CORPUS.glob("*.txt")}
    founding = {d["region"]: d["measure_count"] for d in docs if d["id"] in ids}
    assert founding == FOUNDING_COUNTS
    assert httpx.get(fuzz_server.base_url + "/api/health", timeout=30).json()["counts"]["measures"] >= 101
