"""The research questions from the command line: tables for people, --json for scripts."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def cli(*args: str, db: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "policy_graph.cli", *args, "--db", str(db)],
                          capture_output=True, text=True, cwd=REPO, env={"COLUMNS": "200", "PATH": ""})


def test_adopters_table_and_json(corpus_db):
    table = cli("adopters", "知识产权质押融资", db=corpus_db)
    assert table.returncode == 0, table.stderr
    for region in ("厦门", "福建", "图们", "武汉", "云南"):
        assert region in table.stdout
    data = json.loads(cli("adopters", "知識產權質押融資", "--json", db=corpus_db).stdout)
    assert data["theme"]["key"] == "ip_pledge_financing"
    one = json.loads(cli("adopters", "talent_introduction", "--per-region", "1", "--json", db=corpus_db).stdout)
    assert one["region_count"] == len(one["regions"]) and one["per_region"] == 1
    assert all(len(r["measures"]) == 1 <= r["measure_count"] for r in one["regions"])
    assert any(r["measure_count"] > 1 for r in one["regions"])
    # the table says how many of a region's measures it shows: "1 of N" beside every region holding N > 1
    table = cli("adopters", "talent_introduction", "--per-region", "1", db=corpus_db).stdout
    for region in one["regions"]:
        if region["measure_count"] > 1:
            assert f"1 of {region['measure_count']}" in table, (region["region"], table)
    assert cli("adopters", "talent_introduction", "--per-region", "51", db=corpus_db).returncode == 2


def test_paths_compare_gaps(corpus_db):
    paths = json.loads(cli("paths", "--from", "厦门", "--json", db=corpus_db).stdout)["paths"]
    assert any(p["regions"] == ["厦门", "福建"] for p in paths)
    assert "厦门 → 福建" in cli("paths", "--from", "Xiamen", db=corpus_db).stdout
    compare = json.loads(cli("compare", "厦门", "武汉", "--json", db=corpus_db).stdout)
    assert compare["regions"] == ["厦门", "武汉"] and compare["shared_themes"]
    gaps = cli("gaps", "图们", db=corpus_db)
    assert gaps.returncode == 0 and "special_items_customs" in gaps.stdout
    unknown = cli("gaps", "Atlantis", db=corpus_db)
    assert unknown.returncode == 2 and "Atlantis" in unknown.stderr
