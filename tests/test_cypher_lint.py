"""Neo4j's own Cypher analyser accepts what the Neo4j backend sends and rejects broken Cypher."""
from __future__ import annotations

import os
import textwrap

import pytest

from graph import cypher_lint
from graph.cypher_lint import ERROR, Statement, lint, lint_repository, main, variant_parameter_mismatches

_ok, _why = cypher_lint.available()
# Under CI the linter is installed by .ci/run: a missing one must fail, not skip.
needs_linter = pytest.mark.skipif(not _ok and os.environ.get("CI") != "true",
                                  reason=f"Cypher linter unavailable: {_why} (CI installs it)")


def _errors(diagnostics):
    return [d for d in diagnostics if d.severity == ERROR]


@pytest.fixture(scope="module")
def repository_lint():
    return lint_repository()


@needs_linter
def test_every_statement_the_neo4j_backend_sends_passes_the_analyser(repository_lint):
    statements, diagnostics = repository_lint
    ids = {s.id for s in statements}
    # The named queries and the backend's own schema/upsert statements are all in the run.
    assert "stats" in ids and "schema[0]" in ids and "upsert_rels[LED_BY]" in ids
    assert _errors(diagnostics) == [], "\n".join(d.format() for d in _errors(diagnostics))


@needs_linter
def test_a_broken_query_fails_with_its_position():
    diagnostics = lint([Statement("broken", "MATCH (m:Measure RETURN m", "queries/broken.cypher")])
    errors = _errors(diagnostics)
    assert errors, "an unclosed node pattern must be an error"
    assert errors[0].source == "queries/broken.cypher"
    assert (errors[0].line, errors[0].column) == (1, 18)  # at RETURN, where the ')' is missing


@needs_linter
def test_ladybug_only_functions_are_errors_for_neo4j():
    text = "MATCH (m:Measure)-[r]->(n) RETURN label(r) AS rel, string_split(m.id, '|') AS parts"
    messages = [d.message for d in _errors(lint([Statement("kuzu", text, "q.cypher")]))]
    assert any("Function label is not present" in m for m in messages)
    assert any("Function string_split is not present" in m for m in messages)


@needs_linter
def test_neo4j_builtins_and_fulltext_procedure_pass():
    text = ("CALL db.index.fulltext.queryNodes('measure_text', $q) YIELD node, score "
            "RETURN node.id AS id, type(null) AS t, toLower(node.title) AS title, score")
    assert _errors(lint([Statement("ft", text, "q.cypher", parameters={"q": None})])) == []


@needs_linter
def test_cli_reports_file_line_and_fails(tmp_path, capsys):
    (tmp_path / "neo4j").mkdir()
    (tmp_path / "good.cypher").write_text("MATCH (m:Measure) RETURN m.id AS id\n", encoding="utf-8")
    (tmp_path / "bad.cypher").write_text(textwrap.dedent("""\
        // A comment line, so the error is on line 3 of the file.
        MATCH (m:Measure)
        WHERE m.kind != 'measure'
        RETURN m.id AS id
        """), encoding="utf-8")
    assert main(["--queries", str(tmp_path), "--queries-only"]) == 1
    out = capsys.readouterr().out
    assert "bad.cypher:3:" in out and "error" in out
    assert "good.cypher" not in out
    assert "2 statements checked" in out


@needs_linter
def test_cli_passes_a_clean_query_directory(tmp_path, capsys):
    (tmp_path / "ok.cypher").write_text("MATCH (g:Region {name: $name}) RETURN g.level AS level",
                                        encoding="utf-8")
    assert main(["--queries", str(tmp_path), "--queries-only"]) == 0
    assert "0 errors" in capsys.readouterr().out


def test_a_variant_must_take_the_same_parameters(tmp_path):
    (tmp_path / "neo4j").mkdir()
    (tmp_path / "q.cypher").write_text("MATCH (m:Measure {id: $id}) RETURN m.id AS id LIMIT $limit")
    (tmp_path / "neo4j" / "q.cypher").write_text("MATCH (m:Measure {id: $measure}) RETURN m.id AS id")
    (found,) = variant_parameter_mismatches(tmp_path)
    assert found.severity == ERROR and found.source.endswith("neo4j/q.cypher")
    assert "missing $id, $limit" in found.message and "extra $measure" in found.message


def test_shared_queries_that_index_lists_are_flagged_for_a_variant(tmp_path):
    (tmp_path / "neo4j").mkdir()
    (tmp_path / "first.cypher").write_text("MATCH (r:Region)\n// [1] in a comment is fine\n"
                                           "RETURN r.aliases[1] AS first_alias")
    (tmp_path / "fixed.cypher").write_text("MATCH (r:Region) RETURN r.aliases[1] AS first_alias")
    (tmp_path / "neo4j" / "fixed.cypher").write_text("MATCH (r:Region) RETURN r.aliases[0] AS first_alias")
    (found,) = cypher_lint.dialect_hazards(tmp_path)
    assert (found.statement, found.line, found.severity) == ("first", 3, cypher_lint.WARNING)
    assert "list indexes start at 1" in found.message
