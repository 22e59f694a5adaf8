"""User input reaches Cypher only as parameters.

Two halves: a source scan proving no query text is built from a request, and a live server fed
Cypher-injection strings in every parameter of every endpoint, whose graph must not change.
"""
from __future__ import annotations

import ast
import re
from pathlib import Path
from urllib.parse import quote

import pytest

from graph.queries import QUERY_DIR, UnknownQuery, load_query

REPO = Path(__file__).resolve().parent.parent
SCANNED = ["api", "policy_graph", "viz", "graph"]
QUERY_METHODS = {"run", "execute_write"}
NOT_A_STORE = {"subprocess", "uvicorn", "asyncio", "anyio"}
# The text index is a SQLite file beside the graph (FTS5): its statements are fixed text whose only
# composed part is a WHERE of fixed fragments with ? placeholders (graph/textindex.py, _hits); a user's
# words reach it only as parameters (test_hostile_search_words_are_searched_as_text).
SQLITE_SIDECAR = {("graph/textindex.py", "self._db"), ("graph/textindex.py", "db")}

# Call sites whose query name is not a literal, each with why it is still a fixed name.
PASS_THROUGH = {
    ("policy_graph/research.py", "run"): "Trace.run and _FlowLevels.run forward the name their callers "
                                          "give as a literal",
    ("policy_graph/cli.py", "query"): "`policy-graph query NAME`: load_query accepts only [a-z0-9_] names "
                                      "of files in queries/ (test_query_names_cannot_carry_cypher)",
    ("graph/subgraph.py", "_neighbour_rows"): "subgraph_<in|out>_<node type>[_one]: every combination is "
                                              "a file (test_subgraph_query_names_all_exist)",
    ("graph/subgraph.py", "_kept_rows"): "subgraph_<in|out>_measure: both are files "
                                         "(test_subgraph_query_names_all_exist)",
    ("graph/subgraph.py", "resolve_center"): "node_lookup_<node type>: a file for each type "
                                             "(test_subgraph_query_names_all_exist)",
}

INJECTIONS = ["' OR 1=1 //", '"}) DETACH DELETE n //', "$x", "厦门' }) MATCH (n) DETACH DELETE n //",
              "`) RETURN 1 UNION MATCH (n) DETACH DELETE n //", "\\u0027; DROP TABLE Measure"]


def _python_files():
    for top in SCANNED:
        for path in sorted((REPO / top).rglob("*.py")):
            if "backends" not in path.parts:
                yield path


def _query_calls(tree: ast.AST):
    """(enclosing function, call) for every .run(...) / .execute_write(...) that may hit a store."""
    def visit(node, func):
        for child in ast.iter_child_nodes(node):
            inner = child.name if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)) else func
            if (isinstance(child, ast.Call) and isinstance(child.func, ast.Attribute)
                    and child.func.attr in QUERY_METHODS
                    and ast.unparse(child.func.value) not in NOT_A_STORE):
                yield inner, child
            yield from visit(child, inner)
    yield from visit(tree, "<module>")


def _literal_loop_values(tree: ast.AST, name: str) -> list[str] | None:
    """Values of ``name`` when it is the target of ``for name in ("a", "b")``."""
    for node in ast.walk(tree):
        if (isinstance(node, ast.For) and isinstance(node.target, ast.Name) and node.target.id == name
                and isinstance(node.iter, (ast.Tuple, ast.List))
                and all(isinstance(e, ast.Constant) and isinstance(e.value, str) for e in node.iter.elts)):
            return [e.value for e in node.iter.elts]
    return None


def test_every_store_call_passes_a_literal_query_name():
    checked, problems = 0, []
    for path in _python_files():
        rel = path.relative_to(REPO).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for func, call in _query_calls(tree):
            if not call.args:
                continue
            first = call.args[0]
            where = f"{rel}:{call.lineno} ({func})"
            checked += 1
            if isinstance(first, ast.Constant) and isinstance(first.value, str):
                try:
                    load_query(first.value)
                except UnknownQuery:
                    problems.append(f"{where}: no query file named {first.value!r}")
            elif isinstance(first, ast.Name) and _literal_loop_values(tree, first.id):
                for value in _literal_loop_values(tree, first.id):
                    load_query(value)
            elif (rel, func) not in PASS_THROUGH:
                problems.append(f"{where}: query name is built at run time: {ast.unparse(first)}")
    assert checked > 40, "the scan found too few call sites to be looking at the right code"
    assert not problems, "\n".join(problems)


def test_no_code_outside_the_backends_sends_query_text():
    offenders = []
    for path in _python_files():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr in {"execute", "_execute", "execute_query"}
                    and ast.unparse(node.func.value) not in NOT_A_STORE
                    and (str(path.relative_to(REPO)), ast.unparse(node.func.value)) not in SQLITE_SIDECAR):
                offenders.append(f"{path.relative_to(REPO)}:{node.lineno}: {ast.unparse(node)[:80]}")
    assert not offenders, "\n".join(offenders)


@pytest.mark.parametrize("backend_file", ["graph/backends/ladybug.py", "graph/backends/neo4j.py"])
def test_backends_run_named_queries_from_files(backend_file):
    path = REPO / backend_file
    if not path.exists():
        pytest.skip(f"{backend_file} not present")
    tree = ast.parse(path.read_text(encoding="utf-8"))
    methods = {n.name: n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)}
    for name in ("run", "execute_write"):
        body = ast.unparse(methods[name])
        assert "load_query(name" in body, f"{backend_file} {name}() does not take its text from queries/"


def test_cypher_files_hold_parameters_not_format_markers():
    files = sorted(QUERY_DIR.rglob("*.cypher"))
    assert len(files) > 20
    marker = re.compile(r"%[sdr(]|\{\d*\}|\{[A-Za-z_][A-Za-z0-9_]*(?:![rs])?\}|\$\{|\+\s*\$[A-Za-z_]+\s*\+")
    found = [f"{p.relative_to(REPO)}: {m.group(0)!r}" for p in files
             for m in marker.finditer(p.read_text(encoding="utf-8"))]
    assert not found, "string-formatting markers in query files:\n" + "\n".join(found)


def test_query_names_cannot_carry_cypher():
    for name in ["stats; MATCH (n) DETACH DELETE n", "../queries/stats", "stats //", "STATS", "stats\n"]:
        with pytest.raises(UnknownQuery):
            load_query(name)


def test_subgraph_query_names_all_exist():
    from graph import schema
    from graph.subgraph import relations

    for label in schema.NODES:
        load_query(f"node_lookup_{label.lower()}")
        for direction in ("in", "out"):
            for form in ("", "_one"):
                for backend in ("ladybug", "neo4j"):
                    name = f"subgraph_{direction}_{label.lower()}{form}"
                    if relations(label, direction):
                        load_query(name, backend)
                    else:  # nothing to ask: no statement is kept for it
                        with pytest.raises(UnknownQuery):
                            load_query(name, backend)


# ------------------------------------------------------------------ live server


def _operations(api) -> list[tuple[str, str, list[dict]]]:
    spec = api.get("/openapi.json").json()
    ops = []
    for path, item in spec["paths"].items():
        for method, op in item.items():
            if method in ("get", "post", "put", "patch", "delete"):
                ops.append((method, path, op.get("parameters", [])))
    return ops


def _fill(path: str, params: list[dict], target: str | None, value: str) -> tuple[str, dict]:
    """A request with ``value`` in parameter ``target`` and harmless valid values elsewhere."""
    query: dict = {}
    for p in params:
        schema = p.get("schema", {})
        if p["name"] == target:
            v = value
        elif not p.get("required") and p["in"] == "query":
            continue
        elif schema.get("type") == "integer":
            v = str(schema.get("minimum", 1))
        else:
            v = "厦门"
        if p["in"] == "path":
            path = path.replace("{" + p["name"] + "}", quote(v, safe=""))
        else:
            query[p["name"]] = v
    return path, query


def test_injection_strings_in_every_parameter_change_nothing(api):
    before = api.get("/api/health").json()["counts"]
    ops = [op for op in _operations(api) if op[0] == "get"]
    assert len(ops) >= 10
    sent, failures = 0, []
    for method, path, params in ops:
        for p in params:
            for value in INJECTIONS:
                url, query = _fill(path, params, p["name"], value)
                r = api.request(method, url, params=query)
                sent += 1
                if r.status_code >= 500:
                    failures.append(f"{method.upper()} {url} {p['name']}={value!r}: {r.status_code} {r.text[:200]}")
                elif r.status_code >= 400:
                    assert "application/json" in r.headers.get("content-type", ""), (url, r.text[:200])
    assert not failures, "\n".join(failures)
    assert sent > 100
    assert api.get("/api/health").json()["counts"] == before


def test_injection_as_a_search_term_is_searched_for_literally(api):
    for value in INJECTIONS:
        r = api.get("/api/search", params={"q": value})
        assert r.status_code in (200, 422), r.text
        if r.status_code == 200:
            # ' OR 1=1 would match everything if it reached the query as code.
            assert r.json()["total"] == 0, value


# ------------------------------------------------------------------ caps

CAPPED = {"limit", "depth", "max_hops", "offset"}


def test_every_cap_declares_a_maximum_and_enforces_it(api):
    checked, missing = 0, []
    for method, path, params in _operations(api):
        for p in params:
            if p["name"] not in CAPPED:
                continue
            schema = p.get("schema", {})
            if "maximum" not in schema:
                missing.append(f"{method.upper()} {path} {p['name']}")
                continue
            for bad in (schema["maximum"] + 1, 10**12, -1, "ten"):
                url, query = _fill(path, params, p["name"], str(bad))
                if path == "/api/paths":
                    query.setdefault("from", "厦门")
                r = api.request(method, url, params=query)
                assert r.status_code == 422, (url, p["name"], bad, r.status_code, r.text[:200])
                assert p["name"] in r.text
                checked += 1
    assert not missing, "caps without a declared maximum: " + ", ".join(missing)
    assert checked >= 30


def test_the_largest_subgraph_stays_bounded(api):
    body = api.get("/api/subgraph", params={"center": "Region:福建", "depth": 3, "limit": 1000}).json()
    assert 200 < len(body["nodes"]) <= 1000
    assert api.get("/api/subgraph", params={"center": "Region:福建", "depth": 3, "limit": 1001}).status_code == 422


def test_an_offset_far_past_the_end_is_an_empty_page_not_a_crash(api):
    # ORDER BY .. SKIP far beyond the last row crashes the LadybugDB engine (found by fuzzing).
    for offset in (8456, 81602, 10_000_000):
        r = api.get("/api/measures", params={"offset": offset, "limit": 374})
        assert r.status_code == 200
        assert r.json()["items"] == [] and r.json()["total"] > 0
    assert api.get("/api/health").status_code == 200


@pytest.mark.parametrize("words", ["' OR 1=1 --", "\" OR \"a", "x) UNION SELECT id FROM measure --",
                                   "NEAR(知识 产权)", "title:知识*", "知识产权\"; DROP TABLE measure; --"])
def test_hostile_search_words_are_searched_as_text(api, words):
    r = api.get("/api/search", params={"q": words})
    assert r.status_code == 200, r.text[:200]
    assert r.json()["total"] == 0  # no measure holds these characters: nothing matched, nothing broke
    assert api.get("/api/search", params={"q": "知识产权"}).json()["total"] > 0

