"""README examples are real output: regenerate them, or check that the README still shows what the
commands print (tests/test_readme_examples.py runs the check).

An example in README.md is an HTML comment naming the command, followed by a fenced text block that
this tool owns:

    <!-- example: policy-graph adopters 知识产权质押融资 | head 12 -->
    ```text
    $ policy-graph adopters 知识产权质押融资
    ...what the command printed...
    ```

Commands run against a graph of the founding corpus ingested afresh into a temporary folder:
`policy-graph ARGS` through the CLI (the database option is added, the terminal is 110 columns wide),
`curl /api/...` through a real `policy-graph serve` on loopback, its JSON shown as `jq` shows it.
`| head N` keeps the first N lines of the output and says how many more there were. The check ignores
wall-clock figures ("in 2.10 s"), which differ from run to run.

    python tools/readme_examples.py            # rewrite README.md's examples
    python tools/readme_examples.py --check    # exit 1 and show a diff if any example is stale
"""
from __future__ import annotations

import difflib
import json
import os
import re
import shlex
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parent.parent
README = REPO / "README.md"
WIDTH = "110"
EXAMPLE = re.compile(r"(<!-- example: (?P<spec>.+?) -->\n)```text\n.*?```\n", re.S)


def _env(db: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("POLICY_GRAPH_", "NEO4J_"))}
    return {**env, "COLUMNS": WIDTH, "LINES": "500", "POLICY_GRAPH_DB": str(db), "NO_COLOR": "1",
            "TERM": "dumb"}


def _cli(args: list[str], db: Path) -> str:
    proc = subprocess.run([sys.executable, "-m", "policy_graph.cli", *args], cwd=REPO, env=_env(db),
                          capture_output=True, text=True, timeout=600)
    if proc.returncode != 0:
        raise SystemExit(f"`policy-graph {shlex.join(args)}` failed ({proc.returncode}): {proc.stderr}")
    return proc.stdout


class _Server:
    def __init__(self, db: Path) -> None:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "policy_graph.cli", "serve", "--host", "127.0.0.1", "--port", str(self.port)],
            cwd=REPO, env=_env(db), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(self.url("/api/health"), timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                time.sleep(0.2)
        self.close()
        raise SystemExit("the example server did not come up within 60 s")

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def close(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


def _head(text: str, n: int | None) -> str:
    lines = text.rstrip("\n").split("\n")
    if n is None or len(lines) <= n:
        return "\n".join(lines)
    return "\n".join(lines[:n] + [f"… ({len(lines) - n} more lines)"])


def _run(spec: str, db: Path, server: _Server | None) -> tuple[str, str]:
    """(the command line shown, its output) for one example spec."""
    command, _, tail = spec.partition(" | ")
    head = int(tail.split()[1]) if tail.startswith("head ") else None
    words = shlex.split(command)
    if words[0] == "policy-graph":
        return command, _head(_cli(words[1:], db), head)
    if words[0] == "curl":
        path = words[-1]
        assert server is not None
        body = httpx.get(server.url(path), timeout=120).json()
        shown = f"curl -s 'http://127.0.0.1:8000{path}' | jq"
        return shown, _head(json.dumps(body, ensure_ascii=False, indent=2), head)
    raise SystemExit(f"README example {spec!r}: only policy-graph and curl commands are run")


def render(readme: str) -> str:
    specs = [m.group("spec") for m in EXAMPLE.finditer(readme)]
    if not specs:
        return readme
    with tempfile.TemporaryDirectory(prefix="readme-examples-") as tmp:
        db = Path(tmp) / "policy.lbdb"
        outputs: dict[str, tuple[str, str]] = {}
        # the ingest example, if any, is the one that builds the graph; otherwise build it quietly
        ingest = next((s for s in specs if shlex.split(s)[:2] == ["policy-graph", "ingest"]), None)
        if ingest is not None:
            outputs[ingest] = _run(ingest, db, None)
        else:
            _cli(["ingest"], db)
        server = _Server(db) if any(s.startswith("curl ") for s in specs) else None
        try:
            for spec in specs:
                if spec not in outputs:
                    outputs[spec] = _run(spec, db, server)
        finally:
            if server is not None:
                server.close()

    def block(m: re.Match) -> str:
        shown, output = outputs[m.group("spec")]
        return f"{m.group(1)}```text\n$ {shown}\n{output}\n```\n"
    return EXAMPLE.sub(block, readme)


def _without_timings(text: str) -> str:
    """Wall-clock figures ("in 2.10 s") differ run to run; the check compares everything else."""
    return re.sub(r"\b\d+(\.\d+)? s\b", "<t> s", text)


def main(argv: list[str]) -> int:
    current = README.read_text(encoding="utf-8")
    fresh = render(current)
    if "--check" in argv:
        if _without_timings(fresh) != _without_timings(current):
            sys.stdout.writelines(difflib.unified_diff(current.splitlines(True), fresh.splitlines(True),
                                                       "README.md", "README.md (real output)"))
            return 1
        return 0
    README.write_text(fresh, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
