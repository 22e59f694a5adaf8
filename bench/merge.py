"""`python -m bench.merge OTHER.json [...]`: fold the sizes measured by other runs into
bench/results.json (a size measured again replaces the older figures) and re-render
BENCHMARKS.md. With no argument it only re-renders."""
from __future__ import annotations

import json
import sys
from pathlib import Path

from bench import report
from bench.run import MARKDOWN, RESULTS


def merge(base: dict, other: dict) -> dict:
    runs = {r["size"]: r for r in base.get("runs", [])}
    runs.update({r["size"]: r for r in other.get("runs", [])})
    merged = {**base, "runs": [runs[k] for k in sorted(runs)]}
    if other.get("generated_at", "") >= base.get("generated_at", ""):
        # the page's header (machine, code, command) is the newest run's; each size keeps its own
        merged.update({k: other[k] for k in ("generated_at", "command", "environment") if k in other})
    if other.get("cold_ingest") and (other["cold_ingest"].get("measured_at", "") >=
                                     (base.get("cold_ingest") or {}).get("measured_at", "")):
        merged["cold_ingest"] = other["cold_ingest"]
    for run in merged["runs"]:
        run["goals"] = report.goals(run)
    return merged


def main(argv: list[str]) -> int:
    results = json.loads(RESULTS.read_text(encoding="utf-8")) if RESULTS.exists() else {"runs": []}
    for name in argv:
        results = merge(results, json.loads(Path(name).read_text(encoding="utf-8")))
    RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    MARKDOWN.write_text(report.render(results), encoding="utf-8")
    print(f"{RESULTS}: sizes {[r['size'] for r in results['runs']]}; wrote {MARKDOWN}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
