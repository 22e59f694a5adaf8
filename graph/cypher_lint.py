"""Check every statement the Neo4j backend can send with Neo4j's own Cypher analyser.

The analyser is npm's ``@neo4j-cypher/language-support`` (pinned in
``tools/cypher-lint/package.json``); ``tools/cypher-lint/lint.mjs`` wraps it.
All statements go to ONE node process: starting the analyser costs about two
seconds, and each statement then takes 0.1-0.3 s (measured: 90 statements in 20 s).

What is checked:
- every named query as the Neo4j backend resolves it (``queries/neo4j/<name>.cypher``
  if present, else ``queries/<name>.cypher``);
- every statement ``graph/backends/neo4j.py`` builds (constraints, indexes, upserts, dumps);
- that a Neo4j variant takes exactly the parameters of the query it replaces.

Usage: ``python -m graph.cypher_lint [--json] [--warnings]``; exit status 1 on any error.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from graph import schema
from graph.queries import QUERY_DIR, declared_params, load_query

REPO_ROOT = Path(__file__).resolve().parent.parent
TOOL_DIR = REPO_ROOT / "tools" / "cypher-lint"
BACKEND = "neo4j"
ERROR, WARNING = 1, 2


class LinterUnavailable(RuntimeError):
    """node or the npm package is missing."""


@dataclass
class Statement:
    id: str  # stable name: the query name or the built statement's id
    query: str
    source: str  # file the text came from, relative to the repository
    line_offset: int = 0  # lines before the statement inside ``source``
    parameters: dict[str, Any] = field(default_factory=dict)


@dataclass
class Diagnostic:
    source: str
    line: int
    column: int
    severity: int
    message: str
    statement: str

    def format(self) -> str:
        level = "error" if self.severity == ERROR else "warning"
        return f"{self.source}:{self.line}:{self.column}: {level}: {self.message} [{self.statement}]"


def lint_schema() -> dict[str, Any]:
    """What the analyser may assume exists: labels, types, property keys, rel endpoints."""
    props: set[str] = {"src", "dst"}  # keys of the row maps the upserts UNWIND
    for node in schema.NODES.values():
        props.update(node.props)
    for rel in schema.RELS.values():
        props.update(rel.props)
    return {
        "labels": sorted(schema.NODES),
        "relationshipTypes": sorted(schema.RELS),
        "propertyKeys": sorted(props),
        "graphSchema": [{"from": r.src, "to": r.dst, "relType": r.type} for r in schema.RELS.values()],
    }


def _relative(path: Path) -> str:
    try:
        return str(path.relative_to(REPO_ROOT))
    except ValueError:
        return str(path)


def query_statements(query_dir: Path = QUERY_DIR) -> list[Statement]:
    names = {p.stem for p in query_dir.glob("*.cypher")}
    names |= {p.stem for p in (query_dir / BACKEND).glob("*.cypher")}
    out = []
    for name in sorted(names):
        variant, base = query_dir / BACKEND / f"{name}.cypher", query_dir / f"{name}.cypher"
        path = variant if variant.is_file() else base
        text = load_query(name, BACKEND) if query_dir == QUERY_DIR else _read_query(path)
        raw = path.read_text(encoding="utf-8")
        offset = raw[:max(raw.find(text), 0)].count("\n")
        out.append(Statement(name, text, _relative(path), offset,
                             {p: None for p in declared_params(text)}))
    return out


def _read_query(path: Path) -> str:
    return path.read_text(encoding="utf-8").strip().rstrip(";")


def built_statements() -> list[Statement]:
    from graph.backends import neo4j as backend

    source = _relative(Path(backend.__file__))
    return [Statement(sid, text, source, 0, {p: None for p in params})
            for sid, (text, params) in backend.built_statements().items()]


def variant_parameter_mismatches(query_dir: Path = QUERY_DIR) -> list[Diagnostic]:
    """A Neo4j variant must be callable exactly like the query it replaces."""
    out = []
    for variant in sorted((query_dir / BACKEND).glob("*.cypher")):
        base = query_dir / variant.name
        if not base.is_file():
            continue
        want, got = declared_params(_read_query(base)), declared_params(_read_query(variant))
        if want != got:
            detail = []
            if want - got:
                detail.append("missing $" + ", $".join(sorted(want - got)))
            if got - want:
                detail.append("extra $" + ", $".join(sorted(got - want)))
            out.append(Diagnostic(_relative(variant), 1, 1, ERROR,
                                  f"parameters differ from {_relative(base)}: {'; '.join(detail)}",
                                  variant.stem))
    return out


# Valid in both dialects but with different meaning: the analyser cannot see these.
_INDEX_HAZARDS = [
    (re.compile(r"\bsubstring\s*\(", re.I), "substring() starts at 1 in LadybugDB and at 0 in Neo4j"),
    (re.compile(r"\[\s*-?\d+\s*(\.\.\s*-?\d*\s*)?\]"), "list indexes start at 1 in LadybugDB and at 0 in Neo4j"),
]


def dialect_hazards(query_dir: Path = QUERY_DIR) -> list[Diagnostic]:
    """Warnings for shared queries (no Neo4j variant) whose meaning differs between dialects."""
    out = []
    for base in sorted(query_dir.glob("*.cypher")):
        if (query_dir / BACKEND / base.name).is_file():
            continue
        for lineno, line in enumerate(base.read_text(encoding="utf-8").splitlines(), 1):
            code = line.split("//", 1)[0]
            for pattern, why in _INDEX_HAZARDS:
                for m in pattern.finditer(code):
                    out.append(Diagnostic(_relative(base), lineno, m.start() + 1, WARNING,
                                          f"{why}: add queries/{BACKEND}/{base.name} if this indexes a list",
                                          base.stem))
    return out


def collect(query_dir: Path = QUERY_DIR) -> list[Statement]:
    return query_statements(query_dir) + built_statements()


def available() -> tuple[bool, str]:
    """Whether the analyser can run here, and if not, what to do about it."""
    try:
        node_command()
    except LinterUnavailable as exc:
        return False, str(exc)
    return True, ""


def node_command() -> list[str]:
    node = os.environ.get("CYPHER_LINT_NODE") or shutil.which("node")
    if not node:
        raise LinterUnavailable("node is not installed: the Cypher linter needs Node.js 18+")
    if not (TOOL_DIR / "node_modules" / "@neo4j-cypher" / "language-support").is_dir():
        raise LinterUnavailable(f"the analyser is not installed: run `npm ci` in {_relative(TOOL_DIR)}")
    return [node, str(TOOL_DIR / "lint.mjs")]


def lint(statements: list[Statement]) -> list[Diagnostic]:
    """Run the analyser over ``statements`` in one node process."""
    lines = [json.dumps({"schema": lint_schema()}, ensure_ascii=False)]
    lines += [json.dumps({"id": str(i), "query": s.query, "parameters": s.parameters}, ensure_ascii=False)
              for i, s in enumerate(statements)]
    proc = subprocess.run(node_command(), input="\n".join(lines) + "\n", capture_output=True,
                          text=True, encoding="utf-8", cwd=TOOL_DIR, timeout=300)
    if proc.returncode not in (0, 1):
        raise LinterUnavailable(f"lint.mjs failed (exit {proc.returncode}): {proc.stderr.strip()}")
    out, answered = [], set()
    for row in (json.loads(line) for line in proc.stdout.splitlines() if line.strip()):
        st = statements[int(row["id"])]
        answered.add(int(row["id"]))
        for d in row["diagnostics"]:
            out.append(Diagnostic(st.source, d["line"] + st.line_offset, d["column"], d["severity"],
                                  d["message"], st.id))
    if len(answered) != len(statements):
        raise LinterUnavailable("lint.mjs did not answer for every statement: " + proc.stderr.strip())
    return out


def lint_repository(query_dir: Path = QUERY_DIR, *, built: bool = True
                    ) -> tuple[list[Statement], list[Diagnostic]]:
    statements = query_statements(query_dir) + (built_statements() if built else [])
    checks = variant_parameter_mismatches(query_dir) + dialect_hazards(query_dir)
    return statements, checks + lint(statements)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m graph.cypher_lint", description=__doc__.split("\n")[0])
    parser.add_argument("--json", action="store_true", help="print diagnostics as JSON")
    parser.add_argument("--warnings", action="store_true", help="print warnings too, not only errors")
    parser.add_argument("--queries", type=Path, default=QUERY_DIR, help="query directory (default: queries/)")
    parser.add_argument("--queries-only", action="store_true",
                        help="skip the statements graph/backends/neo4j.py builds")
    args = parser.parse_args(argv)
    try:
        statements, diagnostics = lint_repository(args.queries.resolve(), built=not args.queries_only)
    except LinterUnavailable as exc:
        print(f"cypher-lint: {exc}", file=sys.stderr)
        return 2
    errors = [d for d in diagnostics if d.severity == ERROR]
    shown = diagnostics if args.warnings else errors
    if args.json:
        print(json.dumps([asdict(d) for d in shown], ensure_ascii=False, indent=1))
    else:
        for d in shown:
            print(d.format())
        print(f"cypher-lint: {len(statements)} statements checked by Neo4j's analyser, "
              f"{len(errors)} errors, {len(diagnostics) - len(errors)} warnings")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
