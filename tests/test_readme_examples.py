"""The README's examples are what the commands really print (tools/readme_examples.py owns them)."""
from __future__ import annotations

import subprocess
import sys

from conftest import REPO, server_env


def test_every_readme_example_is_the_commands_real_output():
    proc = subprocess.run([sys.executable, "tools/readme_examples.py", "--check"], cwd=REPO,
                          env=server_env(), capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, ("README examples are stale: run `python tools/readme_examples.py`\n"
                                  + proc.stdout[-6000:] + proc.stderr[-2000:])


def test_the_readme_shows_examples_of_the_main_questions():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for command in ("policy-graph ingest", "policy-graph adopters", "policy-graph paths", "policy-graph gaps",
                    "curl /api/measures/", "curl /api/health", "policy-graph evaluate"):
        assert f"<!-- example: {command}" in readme, command
