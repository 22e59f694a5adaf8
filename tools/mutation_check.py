"""A small mutation check: does the test suite notice when the extraction, region and answer code is
wrong? (issue 20; mutmut and cosmic-ray rewrite the whole tree and rerun everything per mutant, hours on
two cores; this samples mutants and runs only the tests that cover the mutated module.)

Each mutant changes one operator or constant in one function of a target module (a comparison flipped,
`and` for `or`, a `not` dropped, True for False, a number off by one, a `return x` made `return None`);
the tests that cover that module run against a copy of the tree holding the mutant. A mutant is killed
when they fail, survives when they pass. The score is killed / (killed + survived); mutants whose
tests time out count as killed (the code hung), and are reported apart.

    python tools/mutation_check.py --sample 60 --seed 1 --json tests/artifacts/mutation.json
"""
from __future__ import annotations

import argparse
import ast
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

# target module -> the tests that are meant to catch a wrong line in it
TARGETS: dict[str, list[str]] = {
    "ingest/structure.py": ["tests/test_ingest_structure.py", "tests/test_ingest_tables.py", "tests/test_evaluate.py"],
    "ingest/agencies.py": ["tests/test_ingest_agencies.py", "tests/test_evaluate.py"],
    "ingest/responsibility.py": ["tests/test_ingest_agencies.py", "tests/test_evaluate.py"],
    "ingest/regions.py": ["tests/test_regions.py", "tests/test_audit_regressions.py", "tests/test_evaluate.py"],
    "ingest/replication.py": ["tests/test_replication.py", "tests/test_evaluate.py"],
    "ingest/themes.py": ["tests/test_themes.py", "tests/test_evaluate.py"],
    "ingest/metadata.py": ["tests/test_ingest_metadata.py", "tests/test_ingest_corpus.py", "tests/test_evaluate.py"],
    "ingest/dates.py": ["tests/test_ingest_dates.py", "tests/test_ingest_corpus.py", "tests/test_evaluate.py"],
    "policy_graph/regions.py": ["tests/test_api.py", "tests/test_audit_regressions.py"],
    "policy_graph/research.py": ["tests/test_research_api.py", "tests/test_cli_research.py",
                                 "tests/test_audit_regressions.py"],
}

_FLIP = {ast.Eq: ast.NotEq, ast.NotEq: ast.Eq, ast.Lt: ast.GtE, ast.GtE: ast.Lt, ast.Gt: ast.LtE,
         ast.LtE: ast.Gt, ast.In: ast.NotIn, ast.NotIn: ast.In, ast.Is: ast.IsNot, ast.IsNot: ast.Is}


@dataclass
class Mutant:
    file: str
    line: int
    kind: str
    before: str
    after: str
    outcome: str = ""  # killed | survived | timeout
    seconds: float = 0.0


def _sites(tree: ast.AST) -> list[tuple[ast.AST, str]]:
    """Every place one mutation can be made: (node, kind)."""
    sites = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Compare) and len(node.ops) == 1 and type(node.ops[0]) in _FLIP:
            sites.append((node, "compare"))
        elif isinstance(node, ast.BoolOp):
            sites.append((node, "boolop"))
        elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            sites.append((node, "not"))
        elif isinstance(node, ast.Constant) and isinstance(node.value, bool):
            sites.append((node, "bool"))
        elif isinstance(node, ast.Constant) and type(node.value) is int and not isinstance(node.value, bool):
            sites.append((node, "number"))
        elif isinstance(node, ast.Return) and node.value is not None \
                and not (isinstance(node.value, ast.Constant) and node.value.value is None):
            sites.append((node, "return"))
    return sites


def _in_function(tree: ast.AST) -> set[int]:
    """ids of nodes inside a function body: module-level constants are data, not logic."""
    inside = set()
    for fn in ast.walk(tree):
        if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
            for node in ast.walk(fn):
                inside.add(id(node))
    return inside


def _mutate(source: str, index: int) -> tuple[str, Mutant] | None:
    tree = ast.parse(source)
    inside = _in_function(tree)
    sites = [s for s in _sites(tree) if id(s[0]) in inside]
    node, kind = sites[index]
    before = ast.unparse(node)
    if kind == "compare":
        node.ops = [_FLIP[type(node.ops[0])]()]
    elif kind == "boolop":
        node.op = ast.Or() if isinstance(node.op, ast.And) else ast.And()
    elif kind == "not":
        replacement = node.operand
        for parent in ast.walk(tree):
            for field, value in ast.iter_fields(parent):
                if value is node:
                    setattr(parent, field, replacement)
                elif isinstance(value, list) and node in value:
                    value[value.index(node)] = replacement
    elif kind == "bool":
        node.value = not node.value
    elif kind == "number":
        node.value = node.value + 1
    elif kind == "return":
        node.value = ast.Constant(None)
    after = ast.unparse(node) if kind != "not" else ast.unparse(replacement)
    return ast.unparse(tree), Mutant("", node.lineno, kind, before[:120], after[:120])


def _count_sites(source: str) -> int:
    tree = ast.parse(source)
    inside = _in_function(tree)
    return sum(1 for s in _sites(tree) if id(s[0]) in inside)


def _copy_tree(dest: Path) -> None:
    ignore = shutil.ignore_patterns(".git", ".venv", "var", "node_modules", "artifacts", "__pycache__",
                                    "*.lbdb*", "*.egg-info")
    shutil.copytree(REPO, dest, ignore=ignore, dirs_exist_ok=True)


def _site_lines(source: str) -> list[int]:
    tree = ast.parse(source)
    inside = _in_function(tree)
    return [s[0].lineno for s in _sites(tree) if id(s[0]) in inside]


def choose(sample: int, seed: int, files: list[str], lines: list[str] | None = None) -> list[tuple[str, int]]:
    """The mutants to try, as (file, site index). ``lines`` ("ingest/dates.py:35"): every mutant on
    those lines. Otherwise ``sample`` sites drawn from each file in proportion to its sites (at
    least one each), run round-robin over the files: the research module's tests start servers and
    take longest, and in a run sorted by file name its mutants came last and were never reached
    when the run was cut short."""
    if lines:
        wanted = [(f, int(n)) for f, n in (x.rsplit(":", 1) for x in lines)]
        return [(f, i) for f, n in wanted
                for i, line in enumerate(_site_lines((REPO / f).read_text(encoding="utf-8"))) if line == n]
    rng = random.Random(seed)
    counts = {f: _count_sites((REPO / f).read_text(encoding="utf-8")) for f in files}
    total = sum(counts.values())
    per_file = {f: sorted(rng.sample(range(n), min(n, max(1, round(sample * n / total)))))
                for f, n in counts.items()}
    order: list[tuple[str, int]] = []
    while any(per_file.values()):
        for f in files:
            if per_file[f]:
                order.append((f, per_file[f].pop(0)))
    return order


def run(chosen: list[tuple[str, int]], timeout: float, budget: float | None = None) -> list[Mutant]:
    """Each chosen mutant against its module's tests; stops starting new ones once ``budget``
    seconds have passed (what was not run is left out of the score, and said so)."""
    mutants: list[Mutant] = []
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="mutation-") as tmp:
        root = Path(tmp) / "tree"
        _copy_tree(root)
        # the copy's modules, never the caller's tree: a PYTHONPATH pointing at the checkout would
        # let every server and spawned worker import the unmutated code
        env = {**os.environ, "PYTHONPATH": str(root)}
        for file, index in chosen:
            if budget is not None and time.monotonic() - started > budget:
                print(f"time budget spent: {len(chosen) - len(mutants)} mutants not run", flush=True)
                break
            original = (root / file).read_text(encoding="utf-8")
            mutated, mutant = _mutate(original, index)
            mutant.file = file
            (root / file).write_text(mutated, encoding="utf-8")
            t0 = time.monotonic()
            try:
                proc = subprocess.run([sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider",
                                       "-m", "not slow and not browser", *TARGETS[file]],
                                      cwd=root, capture_output=True, text=True, timeout=timeout, env=env)
                mutant.outcome = "survived" if proc.returncode == 0 else "killed"
            except subprocess.TimeoutExpired:
                mutant.outcome = "timeout"
            finally:
                (root / file).write_text(original, encoding="utf-8")
            mutant.seconds = round(time.monotonic() - t0, 1)
            mutants.append(mutant)
            print(f"{mutant.outcome:8} {file}:{mutant.line} {mutant.kind}: {mutant.before} -> {mutant.after}",
                  flush=True)
    return mutants


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sample", type=int, default=60, help="mutants to try (sampled over every site)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=600, help="seconds per mutant's test run")
    parser.add_argument("--json", type=Path, help="write every mutant and the score here")
    parser.add_argument("--files", nargs="+", default=list(TARGETS), choices=list(TARGETS),
                        help="target modules (default: all)")
    parser.add_argument("--lines", nargs="+", metavar="FILE:LINE",
                        help="every mutant on these lines instead of a sample (to recheck survivors)")
    parser.add_argument("--budget-minutes", type=float, help="start no mutant after this long")
    args = parser.parse_args(argv)
    chosen = choose(args.sample, args.seed, args.files, args.lines)
    mutants = run(chosen, args.timeout, args.budget_minutes * 60 if args.budget_minutes else None)
    killed = sum(m.outcome in ("killed", "timeout") for m in mutants)
    score = killed / len(mutants) if mutants else 1.0
    print(f"mutation score {score:.2f}: {killed} of {len(mutants)} mutants killed "
          f"({sum(m.outcome == 'timeout' for m in mutants)} by timeout)")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"score": score, "seed": args.seed, "planned": len(chosen),
                                         "mutants": [asdict(m) for m in mutants]},
                                        ensure_ascii=False, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
